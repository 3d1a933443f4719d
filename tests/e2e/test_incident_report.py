"""Incident reports through the real Rasa model, action server and store.

Started in one sentence, only the missing fields are asked, a mid-form question is answered and the
form resumes, bad values get a Vietnamese example, a store outage spools the report and the worker
delivers it exactly once.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx

from bot.relay import Profile, RasaRelay, Reply
from ops.stack import Stack
from tests.e2e.conftest import STAFF_TOKEN

PROFILE = Profile(
    role="doanh_nghiep",
    organisation="VNPT Hà Tĩnh",
    province="Hà Tĩnh",
    extra={"name": "Nguyễn Văn An", "phone": "0912345678"},
)
STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}


class Chat:
    """One user talking to the stack through the gateway's relay."""

    def __init__(self, stack: Stack, profile: Profile | None = PROFILE) -> None:
        self.stack = stack
        self.user = f"u{uuid.uuid4().hex[:10]}"
        self.profile = profile

    def say(self, text: str) -> str:
        async def send() -> list[Reply]:
            async with RasaRelay(self.stack.rasa_url, timeout=30) as relay:
                return await relay.send("test", self.user, text, self.profile)

        return "\n".join(reply.text for reply in asyncio.run(send()))


def incidents(stack: Stack, user: str) -> list[dict]:
    params = {"submitter_channel": "test", "submitter_id": user}
    response = httpx.get(
        f"{stack.store_url}/api/incidents", params=params, headers=STAFF, timeout=10
    )
    response.raise_for_status()
    return response.json()


def test_one_sentence_report_asks_only_what_is_missing(stack: Stack) -> None:
    chat = Chat(stack)
    first = chat.say("mất sóng 12 trạm BTS ở Kỳ Anh từ 8h30 do mất điện")
    assert "Mức độ ảnh hưởng" in first  # organisation, contact, category, time, area, cause known
    assert "đơn vị/doanh nghiệp nào" not in first and "Số điện thoại" not in first
    answer = chat.say("hạn nộp báo cáo bắc ninh là khi nào?")
    assert "09h00 ngày 23/02/2026" in answer and "Mức độ ảnh hưởng" in answer  # answered, resumed
    assert "Đơn vị đã xử lý" in chat.say("Cao")
    assert "hỗ trợ" in chat.say("Đã điều 3 máy phát điện dự phòng")
    done = chat.say("không")
    assert "Mã tiếp nhận: SC-2026-" in done
    [record] = incidents(stack, chat.user)
    assert record["bts_down"] == 12 and record["area"] == "Kỳ Anh" and record["severity"] == "cao"
    assert record["cause"] == "mất điện" and record["contact_phone_display"] == "0912345678"
    assert record["reference"] in done
    alerts = httpx.get(f"{stack.store_url}/api/alerts", headers=STAFF, timeout=10).json()
    assert record["reference"] in [alert["incident"]["reference"] for alert in alerts], alerts


def test_bad_values_get_an_example_and_cancel_sends_nothing(stack: Stack) -> None:
    chat = Chat(stack, Profile(organisation="Viettel Lạng Sơn", province="Lạng Sơn"))
    assert "Họ tên" in chat.say("báo cáo sự cố")
    assert "Số điện thoại" in chat.say("Trần Thị Bình")
    assert "Ví dụ: 0912345678" in chat.say("0912")
    assert "loại nào" in chat.say("0987 654 321")
    assert "Xin chọn một loại" in chat.say("linh tinh")
    assert "Đã hủy" in chat.say("hủy")
    assert incidents(stack, chat.user) == []


def test_store_down_spools_and_delivers_exactly_once(stack: Stack) -> None:
    chat = Chat(stack)
    assert "Dịch vụ bị ảnh hưởng" in chat.say(
        "đứt cáp quang tuyến Kỳ Anh - Cẩm Xuyên lúc 2h do thi công"
    )
    stack.stop(["store"])
    try:
        assert "Mức độ" in chat.say("Internet cáp quang")
        chat.say("Trung bình")
        chat.say("Đã chuyển hướng lưu lượng sang tuyến dự phòng")
        told = chat.say("không cần")
        assert "đã được lưu tạm" in told and "không cần gửi lại" in told
    finally:
        stack.start()
    deadline = time.monotonic() + 60
    while not incidents(stack, chat.user) and time.monotonic() < deadline:
        time.sleep(1)
    records = incidents(stack, chat.user)
    assert len(records) == 1 and records[0]["routes_cut"] == 1
    time.sleep(3)  # the worker's next pass must not deliver it again
    assert len(incidents(stack, chat.user)) == 1


def test_results_report_is_linked_to_the_deadline_and_marked_late(stack: Stack) -> None:
    chat = Chat(stack, Profile(organisation="Bưu điện tỉnh Bắc Ninh", province="Bắc Ninh"))
    assert "tóm tắt kết quả" in chat.say("gửi báo cáo kết quả")
    assert "bỏ qua" in chat.say("Đảm bảo bưu gửi KT1 thông suốt 24/24, không có sự cố lớn.")
    done = chat.say("bỏ qua")
    assert "Mã tiếp nhận: BC-2026-" in done
    assert "Nộp đúng hạn (trước 09h00 23/02/2026)" in done  # the clock is fixed at 20/02/2026
    params = {"submitter_channel": "test", "submitter_id": chat.user}
    [record] = httpx.get(
        f"{stack.store_url}/api/results-reports", params=params, headers=STAFF, timeout=10
    ).json()
    assert (
        record["late"] is False
        and record["province"] == "Bắc Ninh"
        and record["file_reference"] is None
    )
