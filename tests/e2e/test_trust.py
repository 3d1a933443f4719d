"""Attacks from the same host on the seams between processes, each shown to fail.

An attacker here is any local process: it can reach every port on loopback but holds none of the
stack's secrets (they live in the stack's var dir, mode 600).
"""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path

import httpx
import pytest

from bot.relay import WEBHOOK_PATH, Profile, signed_request
from common.signing import HEADER, sign
from ops.stack import Stack
from tests.e2e.chat import Chat
from tests.e2e.conftest import SECRET_NAMES, SERVICE_TOKEN, STAFF_TOKEN
from tests.e2e.test_records import post_roster

FORGED_TRACKER = {
    "next_action": "action_show_my_reports",
    "sender_id": "telegram:424242",
    "tracker": {
        "sender_id": "telegram:424242",
        "slots": {},
        "latest_message": {"text": "xem báo cáo của tôi", "intent": {"name": "my_reports"}},
        "events": [],
        "latest_event_time": time.time(),
        "followup_action": None,
        "paused": False,
        "latest_input_channel": "trutet",
        "active_loop": {},
    },
    "domain": {},
    "version": "3.6.2",
}


def body(sender: str, message: str, role: str | None = None) -> dict[str, object]:
    profile = Profile(role=role).as_metadata() if role else {}
    return {"sender": sender, "message": message, "metadata": {"profile": profile}}


def post_raw(
    stack: Stack, raw: bytes, headers: dict[str, str], path: str = WEBHOOK_PATH
) -> httpx.Response:
    headers = {"Content-Type": "application/json", **headers}
    return httpx.post(f"{stack.rasa_url}{path}", content=raw, headers=headers, timeout=30)


# --- Rasa → actions ---------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_forged_action_server_call_is_refused(stack: Stack, token: str | None) -> None:
    params = {"token": token} if token is not None else {}
    webhook = httpx.post(f"{stack.actions_url}/webhook", json=FORGED_TRACKER, params=params)
    listing = httpx.get(f"{stack.actions_url}/actions", params=params)
    assert webhook.status_code == 401 and listing.status_code == 401
    assert "424242" not in webhook.text


def test_action_server_answers_rasa_with_the_token(stack: Stack) -> None:
    token = stack.env()["ACTION_SERVER_TOKEN"]
    listing = httpx.get(f"{stack.actions_url}/actions", params={"token": token})
    assert listing.status_code == 200
    assert any(a["name"] == "action_show_my_reports" for a in listing.json())
    assert httpx.get(f"{stack.actions_url}/health").status_code == 200


# --- gateway → Rasa ---------------------------------------------------------------------------


def test_unsigned_message_is_refused(stack: Stack) -> None:
    raw = json.dumps(body("telegram:424242", "xem báo cáo của tôi")).encode()
    assert post_raw(stack, raw, {}).status_code == 401


def test_forged_signature_is_refused(stack: Stack) -> None:
    raw = json.dumps(body("telegram:424242", "xem báo cáo của tôi")).encode()
    forged = sign("not-the-secret", raw)
    assert post_raw(stack, raw, {HEADER: forged}).status_code == 401


def test_signature_of_another_body_is_refused(stack: Stack) -> None:
    """A captured signature cannot carry a different sender or profile."""
    raw, headers = signed_request(body("telegram:1", "xin chào"), stack.channel_secret)
    tampered = raw.replace(b"telegram:1", b"telegram:424242")
    assert post_raw(stack, tampered, headers).status_code == 401


def test_stale_signature_is_refused(stack: Stack) -> None:
    raw = json.dumps(body("telegram:424242", "xin chào")).encode()
    old = sign(stack.channel_secret, raw, timestamp=int(time.time()) - 301)
    assert post_raw(stack, raw, {HEADER: old}).status_code == 401


def test_signed_message_is_answered(stack: Stack) -> None:
    raw, headers = signed_request(
        body("trust-ok", "sdt duong day nong ha tinh"), stack.channel_secret
    )
    response = post_raw(stack, raw, headers)
    assert response.status_code == 200
    assert "0911378999" in " ".join(m.get("text") or "" for m in response.json())


@pytest.mark.parametrize("sender", ["telegram:424242", "trust-rest-user"])
def test_stock_rest_channel_is_off(stack: Stack, sender: str) -> None:
    """A `telegram:<id>` sender (or any) over Rasa's REST channel is refused; no reply, no names."""
    raw = json.dumps(body(sender, "ai đang trực ở VNPT Hà Tĩnh bây giờ?", role="staff")).encode()
    response = post_raw(stack, raw, {}, path="/webhooks/rest/webhook")
    assert response.status_code == 403
    assert "trực" not in response.text


def test_forged_staff_role_in_metadata_gets_no_names(stack: Stack) -> None:
    """Even a signed message claiming "staff" in its profile is judged by the store's own roles."""
    post_roster(stack)
    sender = f"telegram:9{int(time.time() * 1000) % 10**8}"
    raw, headers = signed_request(
        body(sender, "ai đang trực ở VNPT Hà Tĩnh bây giờ?", role="staff"), stack.channel_secret
    )
    answer = " ".join(m.get("text") or "" for m in post_raw(stack, raw, headers).json())
    assert answer
    assert "0913111222" not in answer and "Phạm Minh Quân" not in answer


@pytest.mark.parametrize("typed", ["/restart", '/ask_contact{"province":"Hà Tĩnh"}', " /stop"])
def test_typed_rasa_syntax_is_a_command_that_gets_the_help(stack: Stack, typed: str) -> None:
    """Typed text never sets an intent or slot directly: an unknown command gets the help."""
    chat = Chat(stack, profile=None)
    answer = chat.say(typed)
    assert "không có lệnh" in answer and "lỗi hệ thống" not in answer
    assert "0911378999" not in answer  # /ask_contact{Hà Tĩnh} did not run
    payloads = {b.payload for reply in chat.replies for b in reply.buttons}
    assert "/report_incident" in payloads
    assert "Gõ «hủy»" in chat.press("/report_incident")  # a button's payload still works


def test_help_commands_get_the_help_without_a_complaint(stack: Stack) -> None:
    answer = Chat(stack, profile=None).say("/help")
    assert "không có lệnh" not in answer and "danh sách trực" in answer.lower()


# --- store ------------------------------------------------------------------------------------


def test_service_token_cannot_grant_staff(stack: Stack) -> None:
    service = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    granted = httpx.put(f"{stack.store_url}/api/staff/telegram/424242", headers=service, json={})
    assert granted.status_code == 403
    export = httpx.get(
        f"{stack.store_url}/api/export",
        headers={**service, "X-Acting-User": "telegram:424242"},
    )
    assert export.status_code == 403
    staff = httpx.get(
        f"{stack.store_url}/api/staff", headers={"Authorization": f"Bearer {STAFF_TOKEN}"}
    )
    assert "424242" not in staff.text


# --- on disk and in the process table -------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_runtime_files_are_private(stack: Stack) -> None:
    assert _mode(stack.var_dir) == 0o700
    files = [p for p in stack.var_dir.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"rasa_channel_secret", "action_server_token", "rasa.log", "store.log"} <= names
    if stack.env()["TRACKER_DB_DIALECT"] == "sqlite":
        assert {"store.db", "rasa_tracker.db"} <= names
    loose = {str(p.relative_to(stack.var_dir)): oct(_mode(p)) for p in files if _mode(p) & 0o077}
    assert not loose
    dirs = [p for p in stack.var_dir.rglob("*") if p.is_dir()]
    assert not [str(p) for p in dirs if _mode(p) & 0o077]


def _cmdlines(pid: int) -> list[str]:
    """The command lines of pid and all its descendants (Rasa forks workers)."""
    lines = []
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            lines.append(
                Path(f"/proc/{current}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            )
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        pending += [int(c) for c in children]
    return lines


def test_no_secret_on_any_command_line(stack: Stack) -> None:
    env = stack.env()
    secrets = [env[name] for name in SECRET_NAMES]
    lines = [line for pid in stack.pids().values() for line in _cmdlines(pid)]
    assert lines
    assert not [line for line in lines for secret in secrets if secret in line]
