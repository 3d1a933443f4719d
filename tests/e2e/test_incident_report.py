"""Incident reports through the real Rasa model, action server and store.

Started in one sentence, only the missing fields are asked, a mid-form question is answered and the
form resumes, bad values get a Vietnamese example, a summary is confirmed before anything is filed,
a store outage spools the report and the worker delivers it exactly once. Updates and closing
reports of an incident end with their own summary: nothing is filed before «Gửi», «Hủy» files nothing.
"""

from __future__ import annotations

import time

import httpx

from bot.relay import Profile
from ops.stack import Stack
from tests.e2e.chat import STAFF, Chat


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
    assert "Theo hồ sơ của bạn: đơn vị VNPT Hà Tĩnh, liên hệ Nguyễn Văn An, 0912345678" in first
    answer = chat.say("hạn nộp báo cáo bắc ninh là khi nào?")
    assert "09h00 ngày 23/02/2026" in answer and "Mức độ ảnh hưởng" in answer  # answered, resumed
    changed = chat.say("sửa số điện thoại thành 0987 654 321")  # the profile's number is stale
    assert "Đã sửa số điện thoại liên hệ: 0987654321" in changed and "Mức độ ảnh hưởng" in changed
    assert "Đơn vị đã xử lý" in chat.say("Cao")
    assert "hỗ trợ" in chat.say("Đã điều 3 máy phát điện dự phòng")
    summary = chat.say("không")
    assert "Báo cáo sự cố sẽ gửi về Sở" in summary and "0987654321" in summary
    assert incidents(stack, chat.user) == []  # nothing filed before «Gửi»
    done = chat.say("gửi")
    assert "Mã tiếp nhận: SC-2026-" in done
    [record] = incidents(stack, chat.user)
    assert record["bts_down"] == 12 and record["area"] == "Kỳ Anh" and record["severity"] == "cao"
    assert record["cause"] == "mất điện" and record["contact_phone_display"] == "0987654321"
    assert record["reference"] in done
    alerts = httpx.get(f"{stack.store_url}/api/alerts", headers=STAFF, timeout=10).json()
    assert record["reference"] in [alert["incident"]["reference"] for alert in alerts], alerts


def test_bad_values_get_an_example_and_cancel_sends_nothing(stack: Stack) -> None:
    chat = Chat(stack, Profile(organisation="Viettel Lạng Sơn", province="Lạng Sơn"))
    first = chat.say("báo cáo sự cố")
    assert (
        "Họ tên" in first and "Xin nhập" not in first and "None" not in first
    )  # no empty pre-fill errors
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
        assert "Báo cáo sự cố sẽ gửi về Sở" in chat.say("không cần")
        told = chat.say("đồng ý")
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
    assert "Báo cáo kết quả sẽ gửi về Sở" in chat.say("bỏ qua")
    done = chat.say("ok")
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


def initial_incident(chat: Chat) -> str:
    """An initial report filed by this user (detected at 2h); its reference."""
    chat.say("mất sóng 12 trạm BTS ở Kỳ Anh từ 2h do mất điện")
    chat.say("Nghiêm trọng")
    chat.say("Đã điều máy phát điện")
    chat.say("không")
    initial = chat.say("Gửi")
    [record] = chat.records("/api/incidents")
    assert record["reference"] in initial
    return str(record["reference"])


def test_update_then_closing_report_refer_to_the_initial_one(stack: Stack) -> None:
    chat = Chat(stack)
    reference = initial_incident(chat)
    opened = chat.say("cập nhật sự cố")  # the user's only open incident; stage from the words
    assert f"Báo cáo tiếp cho sự cố {reference}" in opened and "Tình hình hiện tại" in opened
    assert "làm gì thêm" in chat.say("Đã khôi phục 8/12 trạm, còn 4 trạm mất sóng")
    summary = chat.say("Điều thêm 2 máy phát điện")  # the cause is carried over, not asked again
    assert f"Báo cáo cập nhật sự cố {reference} sẽ gửi về Sở" in summary
    assert "Nguyên nhân: mất điện" in summary
    update = chat.say("Gửi")
    assert f"Đã gửi báo cáo cập nhật sự cố {reference}" in update
    opened = chat.say(f"sự cố {reference} đã khắc phục xong lúc 4h10")
    assert "Tình hình hiện tại" in opened  # stage and restoration time read from the sentence
    chat.say("Toàn bộ 12 trạm phát sóng bình thường")
    summary = chat.say("Điện lưới đã có, thu hồi máy phát")
    assert f"Báo cáo kết thúc sự cố {reference} sẽ gửi về Sở" in summary
    assert "Khôi phục lúc: 04h10 ngày 20/02/2026 (khắc phục trong 2 giờ 10 phút)" in summary
    closing = chat.say("gui")
    assert "kết thúc sự cố" in closing and "Thời gian khắc phục: 2 giờ 10 phút" in closing
    records = chat.records("/api/incidents")
    assert [r["stage"] for r in records] == ["ban_dau", "cap_nhat", "ket_thuc"]
    assert {r["parent_reference"] for r in records[1:]} == {reference}
    assert records[2]["restored_at"].startswith("2026-02-20T04:10")
    assert "Bạn chưa có sự cố nào đang mở" in chat.say("cập nhật sự cố")


def test_update_of_someone_elses_incident_is_refused(stack: Stack) -> None:
    chat = Chat(stack)
    assert "Không tìm thấy sự cố SC-2026-999999" in chat.say("cập nhật sự cố SC-2026-999999")


def test_an_update_is_filed_only_after_its_summary_and_cancel_files_nothing(stack: Stack) -> None:
    chat = Chat(stack)
    reference = initial_incident(chat)
    assert "Tình hình hiện tại" in chat.say(f"cập nhật sự cố {reference}")
    greeted = chat.say("xin chào")  # never a value: the same question comes back
    assert "mời bạn trả lời câu hỏi dưới đây" in greeted and "Tình hình hiện tại" in greeted
    assert "làm gì thêm" in chat.say("Đã khôi phục 10/12 trạm")
    answered = chat.say("hotline sở hà tĩnh là số nào?")  # answered, then asked again
    assert "Tôi tiếp tục phần báo cáo đang dở" in answered and "làm gì thêm" in answered
    summary = chat.say("Hàn nối cáp, điều thêm máy phát")
    assert f"Báo cáo cập nhật sự cố {reference} sẽ gửi về Sở" in summary
    assert "Tình hình hiện tại: Đã khôi phục 10/12 trạm" in summary
    assert [b.title for b in chat.replies[-1].buttons] == ["Gửi", "Sửa", "Hủy"]
    assert len(chat.records("/api/incidents")) == 1  # nothing filed before «Gửi»
    edited = chat.say("sua tinh hinh thanh Đã khôi phục 11/12 trạm")
    assert "Đã sửa tình hình: Đã khôi phục 11/12 trạm." in edited
    assert "Tình hình hiện tại: Đã khôi phục 11/12 trạm" in edited  # the summary again
    assert "chưa được gửi" in chat.say("chưa")
    assert len(chat.records("/api/incidents")) == 1
    assert f"Đã gửi báo cáo cập nhật sự cố {reference}" in chat.say("gửi")
    records = chat.records("/api/incidents")
    assert [r["stage"] for r in records] == ["ban_dau", "cap_nhat"]  # exactly one
    assert records[1]["description"] == "Đã khôi phục 11/12 trạm"
    assert records[1]["parent_reference"] == reference and records[1]["restored_at"] is None

    assert "Tình hình hiện tại" in chat.say(f"sự cố {reference} đã khắc phục xong lúc 4h")
    chat.say("Toàn bộ 12 trạm phát sóng bình thường")
    summary = chat.say("Điện lưới đã có")
    assert f"Báo cáo kết thúc sự cố {reference}" in summary and "Khôi phục lúc: 04h00" in summary
    assert "Đã hủy" in chat.say("hủy")
    assert len(chat.records("/api/incidents")) == 2  # «Hủy» files nothing
    assert f"sự cố {reference}" in chat.say("cập nhật sự cố")  # still open: nothing closed it
