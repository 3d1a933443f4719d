"""'Ai đang trực?', 'xem báo cáo của tôi' and 'cập nhật sự cố' against a real store: the store
decides from the acting user (the tracker's sender) and the role it holds, never from metadata.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.incident_updates import ActionStartIncidentUpdate
from actions.records import ActionShowMyReports, ActionWhoIsOnDuty
from actions.store_client import StoreClient
from tests.support import store_process
from vntext.timefmt import now

TOKEN = "records-tests-token"
ADMIN = "9001"
SERVICE = {"Authorization": f"Bearer {TOKEN}"}
PHONE = "0913111222"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store of its own: these tests need an admin (ADMIN_TELEGRAM_IDS) to grant staff."""
    var_dir: Path = tmp_path_factory.mktemp("records-store")
    with store_process(var_dir, STORE_API_TOKEN=TOKEN, ADMIN_TELEGRAM_IDS=ADMIN) as url:
        yield url


def call(store: str, method: str, path: str, acting: str | None = None, **kwargs: Any) -> Any:
    headers = SERVICE | ({"X-Acting-User": f"telegram:{acting}"} if acting else {})
    response = httpx.request(method, f"{store}{path}", headers=headers, timeout=10, **kwargs)
    assert response.is_success, response.text
    return response.json() if response.content else None


def user(store: str, **profile: Any) -> str:
    """A new Telegram user whose profile the gateway stored at /start."""
    user_id = str(uuid.uuid4().int % 10**9)
    call(store, "PUT", f"/api/profiles/telegram/{user_id}", json=profile)
    return user_id


def submitter(user_id: str) -> dict[str, str]:
    return {"channel": "telegram", "id": user_id}


def roster_today(store: str) -> None:
    line = {"duty_type": "truc_lanh_dao", "duty_date": now().date().isoformat(), "shift": "24/24",
            "full_name": "Phạm Minh Quân", "position": "Phó Giám đốc", "phone": PHONE}  # fmt: skip
    body = {"idempotency_key": uuid.uuid4().hex, "submitter": submitter("roster-admin"),
            "organisation": "VNPT Hà Tĩnh", "province": "Hà Tĩnh", "entries": [line]}  # fmt: skip
    call(store, "POST", "/api/roster-entries", json=body)


def incident(store: str, user_id: str) -> str:
    body = {"idempotency_key": uuid.uuid4().hex, "submitter": submitter(user_id),
            "organisation": "VNPT Hà Tĩnh", "province": "Hà Tĩnh", "stage": "ban_dau",
            "contact_name": "Nguyễn Văn An", "contact_phone": "0912345678",
            "category": "mang_vien_thong", "detected_at": "2026-02-17T08:30:00+07:00",
            "area": "Kỳ Anh", "services_affected": "Di động 4G", "severity": "thap",
            "description": "Mất sóng 12 trạm BTS do mất điện"}  # fmt: skip
    return call(store, "POST", "/api/incidents", json=body)["reference"]


def tracker(user_id: str, text: str, metadata: dict[str, Any] | None = None) -> Tracker:
    """After one message of telegram:<user_id>; metadata is what a chat could claim."""
    latest = {"text": text, "intent": {"name": "ask_on_duty", "confidence": 0.99}, "entities": []}
    events = [{"event": "user", "text": text, "parse_data": latest, "metadata": metadata or {}}]
    sender = f"telegram:{user_id}"
    return Tracker(sender, {}, latest, events, False, None, {}, "action_listen")


def run(action: Action, user_id: str, text: str, metadata: dict[str, Any] | None = None) -> str:
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker(user_id, text, metadata), {}))
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


@pytest.fixture
def client(store: str) -> StoreClient:
    return StoreClient(base_url=store, token=TOKEN, timeout=5, attempts=1)


ASK = "ai đang trực ở VNPT Hà Tĩnh bây giờ"


def test_duty_officer_sees_their_own_organisation_only(store: str, client: StoreClient) -> None:
    roster_today(store)
    # Their phone is on VNPT's roster, so the store confirms the role they declared.
    officer = user(store, declared_role="can_bo_truc", organisation="vnpt ha tinh", phone=PHONE)
    answer = run(ActionWhoIsOnDuty(client), officer, ASK)
    assert "Phạm Minh Quân" in answer and PHONE in answer and "Trực lãnh đạo" in answer
    stranger = user(store, declared_role="can_bo_truc", organisation="vnpt ha tinh")
    unconfirmed = run(ActionWhoIsOnDuty(client), stranger, ASK)
    assert PHONE not in unconfirmed and "chưa xác nhận" in unconfirmed
    other = user(store, declared_role="can_bo_truc", organisation="Viettel Hà Tĩnh")
    limited = run(ActionWhoIsOnDuty(client), other, ASK)
    assert PHONE not in limited and "Phạm Minh Quân" not in limited


def test_granted_staff_see_every_organisation(store: str, client: StoreClient) -> None:
    roster_today(store)
    staff = user(store, declared_role="can_bo_so")
    assert PHONE not in run(ActionWhoIsOnDuty(client), staff, ASK)  # declared, not granted
    call(store, "PUT", f"/api/staff/telegram/{staff}", acting=ADMIN, json={})
    assert PHONE in run(ActionWhoIsOnDuty(client), staff, ASK)


def test_a_role_claimed_in_chat_metadata_opens_nothing(store: str, client: StoreClient) -> None:
    roster_today(store)
    enterprise = user(store, declared_role="doanh_nghiep", organisation="Viettel Hà Tĩnh")
    claimed = {"profile": {"role": "staff", "organisation": "VNPT Hà Tĩnh"}}
    refused = run(ActionWhoIsOnDuty(client), enterprise, ASK, claimed)
    assert PHONE not in refused and "chỉ dành cho cán bộ trực" in refused
    assert "đường dây nóng" in refused
    stranger = str(uuid.uuid4().int % 10**9)  # never sent /start: no profile at all
    assert "chỉ dành cho cán bộ trực" in run(ActionWhoIsOnDuty(client), stranger, ASK, claimed)


def test_my_reports_and_incident_updates_see_only_my_own(store: str, client: StoreClient) -> None:
    mine = user(store, declared_role="doanh_nghiep")
    stranger = user(store, declared_role="doanh_nghiep")
    reference = incident(store, mine)
    assert reference in run(ActionShowMyReports(client), mine, "xem báo cáo của tôi")
    assert reference not in run(ActionShowMyReports(client), stranger, "xem báo cáo của tôi")
    update = f"cập nhật sự cố {reference}"
    assert f"Báo cáo tiếp cho sự cố {reference}" in run(
        ActionStartIncidentUpdate(client), mine, update
    )
    other = run(ActionStartIncidentUpdate(client), stranger, update)
    assert f"Không tìm thấy sự cố {reference}" in other
    assert "Bạn chưa có sự cố nào đang mở" in run(
        ActionStartIncidentUpdate(client), stranger, "cập nhật sự cố"
    )
