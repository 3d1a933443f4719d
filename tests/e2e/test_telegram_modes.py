"""The gateway across restarts and modes: a deadline reminder missed while it was down goes out
at start-up (only to organisations that have not reported, never twice); webhook mode with its
secret token; the store going down mid-conversation."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ops.ports import free_port
from ops.stack import Stack
from tests.e2e.conftest import ADMIN_ID, STAFF_TOKEN
from tests.e2e.gateway import BOT_TOKEN, Gateway, wait_until
from tests.fake_telegram import FakeTelegram

DIRECTIVE = (
    Path(__file__).resolve().parents[2] / "data/directives/bac-ninh-2026-skhcn-tet-binh-ngo.txt"
)
LATE, DONE = 3001, 3002


def _service(stack: Stack) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack.env()['STORE_API_TOKEN']}"}


def _seed(stack: Stack) -> None:
    """A Quảng Ninh directive due 22/02 09h00 (80 h before is past), two subscribed enterprises;
    one has already sent its results report."""
    text = DIRECTIVE.read_text(encoding="utf-8").replace("Bắc Ninh", "Quảng Ninh")
    text = text.replace("09h00 ngày 23/02/2026", "09h00 ngày 22/02/2026")
    headers, url = _service(stack), stack.store_url
    staff = {"Authorization": f"Bearer {STAFF_TOKEN}"}
    response = httpx.post(f"{url}/api/directives", json={"source_name": "quang-ninh-2026.txt", "text": text},
                          headers=staff, timeout=30)  # fmt: skip
    assert response.status_code == 201, response.text
    draft = response.json()["draft_id"]
    confirmed = httpx.post(
        f"{url}/api/directives/drafts/{draft}/confirm", headers=staff, timeout=30
    )
    assert confirmed.status_code == 200, confirmed.text
    for chat, organisation in ((LATE, "Bưu điện tỉnh Quảng Ninh"), (DONE, "Viettel Quảng Ninh")):
        body = {
            "chat_type": "private",
            "user_id": str(chat),
            "province": "Quảng Ninh",
            "organisation": organisation,
        }
        assert httpx.put(f"{url}/api/subscriptions/telegram/{chat}", json=body, headers=headers,
                         timeout=10).status_code == 200  # fmt: skip
    report = {
        "idempotency_key": f"results-{uuid.uuid4().hex}",
        "submitter": {"channel": "telegram", "id": str(DONE)},
        "organisation": "Viettel Quảng Ninh",
        "province": "Quảng Ninh",
        "summary": "Đảm bảo thông tin liên lạc thông suốt dịp Tết.",
    }
    assert (
        httpx.post(
            f"{url}/api/results-reports", json=report, headers=headers, timeout=10
        ).status_code
        == 201
    )


@pytest.fixture(scope="module")
def telegram(stack: Stack) -> Iterator[FakeTelegram]:
    _seed(stack)
    with FakeTelegram(token=BOT_TOKEN) as server:
        yield server


def test_missed_reminder_goes_out_at_start_up_once(
    stack: Stack, telegram: FakeTelegram, tmp_path: Path
) -> None:
    gateway = Gateway(stack, telegram.url, tmp_path)
    gateway.start()
    try:
        reminder = telegram.wait_for_text(LATE, "⏰ Nhắc hạn", timeout=60)
        assert (
            "hạn 09h00 ngày 22/02/2026" in reminder["text"]
            and "còn 2 ngày 4 giờ" in reminder["text"]
        )
        assert "Quảng Ninh" in reminder["text"] and "gửi báo cáo kết quả" in reminder["text"]
    finally:
        gateway.stop()
    assert not telegram.messages_to(DONE)  # it has already reported
    gateway.start()  # a restart must not send it again
    try:
        assert wait_until(lambda: telegram.calls("getUpdates"), 60), gateway.log_tail()
        time.sleep(3)
    finally:
        gateway.stop()
    assert sum("⏰ Nhắc hạn" in (m["text"] or "") for m in telegram.messages_to(LATE)) == 1


def test_webhook_mode_checks_the_secret_token(
    stack: Stack, telegram: FakeTelegram, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    gateway = Gateway(stack, telegram.url, tmp_path, TELEGRAM_WEBHOOK_URL=url,
                      TELEGRAM_WEBHOOK_SECRET="webhook-secret-for-tests", GATEWAY_PORT=str(port))  # fmt: skip
    gateway.start()
    try:
        assert wait_until(lambda: telegram.calls("setWebhook"), 60), gateway.log_tail()
        assert wait_until(lambda: _healthy(port), 30), gateway.log_tail()
        forged = httpx.post(
            url,
            json={"update_id": 1},
            headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
            timeout=5,
        )
        assert forged.status_code == 403
        telegram.send_text(
            3101, "/start"
        )  # delivered by the fake server to the webhook, with the secret
        telegram.wait_for_text(3101, "Bạn đã được đăng ký nhận thông báo", timeout=30)
        telegram.send_text(3101, "sdt duong day nong ha tinh")
        telegram.wait_for_text(3101, "0914237788", timeout=30)
    finally:
        gateway.stop()


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_store_down_gets_an_apology_and_the_gateway_keeps_running(
    stack: Stack, telegram: FakeTelegram, tmp_path: Path
) -> None:
    gateway = Gateway(stack, telegram.url, tmp_path)
    gateway.start()
    try:
        assert wait_until(lambda: telegram.calls("getUpdates"), 60), gateway.log_tail()
        stack.stop(["store"])
        try:
            telegram.send_text(3201, "/start")
            telegram.wait_for_text(3201, "tạm thời không truy cập được", timeout=30)
            telegram.send_text(3201, "sdt duong day nong ha tinh")
            telegram.wait_for_text(
                3201, "tạm thời không truy cập được", since=telegram.mark() - 1, timeout=30
            )
        finally:
            stack.start()
        assert gateway.alive()
        telegram.send_text(3201, "/start")
        telegram.wait_for_text(3201, "Bạn đã được đăng ký nhận thông báo", timeout=30)
        assert [c["description"] for c in telegram.commands][:1] == [
            "Bắt đầu, khai báo đơn vị và tỉnh"
        ]
    finally:
        gateway.stop()


def test_chat_replies_during_a_broadcast_stay_within_telegrams_budget(
    stack: Stack, tmp_path: Path
) -> None:
    """A broadcast uses nearly all of the 30 msg/s; twenty replies sent meanwhile take free slots
    from it rather than push the total over the limit (a 429 pauses every send)."""
    recipients = list(range(50_000, 50_240))
    headers, url = _service(stack), stack.store_url
    with httpx.Client(timeout=10, headers=headers) as client:
        for chat in recipients:
            body = {"chat_type": "private", "user_id": str(chat), "province": "Hà Tĩnh"}
            client.put(f"{url}/api/subscriptions/telegram/{chat}", json=body).raise_for_status()
    with FakeTelegram(token=BOT_TOKEN, rate_limit_per_second=30) as telegram:
        gateway = Gateway(stack, telegram.url, tmp_path, OUTBOX_POLL_SECONDS="0.5")
        gateway.start()
        try:
            telegram.send_text(ADMIN_ID, "/broadcast all Kiểm tra kênh trực Tết")
            preview = telegram.wait_for_text(ADMIN_ID, "người nhận", timeout=60)
            button = preview["reply_markup"]["inline_keyboard"][0][0]
            telegram.press_button(ADMIN_ID, preview, button["callback_data"])
            assert wait_until(lambda: telegram.stats()["delivered"] > 60, 60)
            users = range(3301, 3311)
            for _ in range(2):
                for user in users:
                    telegram.send_text(user, "/help")
            for user in users:
                assert wait_until(lambda u=user: len(telegram.messages_to(u)) == 2, 60)
            telegram.wait_for_text(ADMIN_ID, "Đã gửi xong thông báo tới tất cả", timeout=60)
            assert telegram.rate_violations == 0
            got = [len(telegram.messages_to(chat)) for chat in recipients]
            assert got == [1] * len(recipients)
        finally:
            gateway.stop()
