"""The forms through the real Rasa model, action server and store, as a new user meets them.

A question at a validated prompt is answered and the prompt comes back; a greeting is never a
company name; the incident and results forms show a summary and file only after «Gửi» (and nothing
after «Hủy»); the greeting and «bạn làm được gì» name everything a user can do, with buttons.
"""

from __future__ import annotations

from bot.relay import Profile
from ops.stack import Stack
from tests.e2e.chat import Chat

INCIDENTS = "/api/incidents"
RESULTS = "/api/results-reports"
CAPABILITIES = ("công văn", "danh sách trực", "báo cáo sự cố", "báo cáo kết quả", "đã gửi")
# The incident form's prompts and an answer to each (only what the first sentence lacks is asked).
ANSWERS = {
    "đơn vị/doanh nghiệp nào": "VNPT Hà Tĩnh",
    "tỉnh/thành phố nào": "Hà Tĩnh",
    "Họ tên người liên hệ": "Võ Văn Thành",
    "Số điện thoại liên hệ": "0905 666 777",
    "thuộc loại nào": "An toàn thông tin",
    "Phát hiện sự cố lúc nào": "21h hôm qua",
    "Khu vực bị ảnh hưởng": "toàn tỉnh",
    "Dịch vụ bị ảnh hưởng": "Cổng thông tin điện tử",
    "Mức độ ảnh hưởng": "Thấp",
    "Mô tả ngắn sự cố": "Trang chủ bị chèn liên kết lạ",
    "đã xử lý những gì": "Đã gỡ nội dung, đổi mật khẩu quản trị",
    "Nguyên nhân": "chưa rõ",
    "cần Sở hỗ trợ": "không",
}
SUMMARY = "Báo cáo sự cố sẽ gửi về Sở"


def answer_until_summary(chat: Chat, reply: str, answers: dict[str, str]) -> str:
    """Answer each prompt of the incident form from `answers` until the summary is shown."""
    for _ in range(len(ANSWERS) + 1):
        if SUMMARY in reply:
            return reply
        prompt = chat.replies[-1].text
        asked = next(fragment for fragment in answers if fragment in prompt)
        reply = chat.say(answers[asked])
    raise AssertionError(f"no summary after answering every prompt: {reply}")


def test_a_question_at_the_phone_prompt_is_answered_then_the_prompt_returns(stack: Stack) -> None:
    chat = Chat(stack, Profile(organisation="Viettel Hà Tĩnh", province="Hà Tĩnh"))
    first = chat.say("mất sóng 6 trạm BTS ở Cẩm Xuyên từ 5h do mất điện")
    assert "Họ tên người liên hệ" in first
    assert "Số điện thoại liên hệ" in chat.say("Phan Thị Hồng")
    answered = chat.say("sđt đường dây nóng Hà Tĩnh")
    assert "0911378999" in answered and "0914237788" in answered
    assert answered.rstrip().endswith("Số điện thoại liên hệ? Ví dụ: «0912345678».")
    again = chat.say("hotline ha tinh la so nao")  # unaccented, another wording
    assert "0911378999" in again and "Số điện thoại liên hệ" in again
    assert "Ví dụ: 0912345678" in chat.say("0912")  # a wrong number is still refused
    summary = answer_until_summary(
        chat, chat.say("0903 222 111"), ANSWERS | {"Mức độ ảnh hưởng": "Cao"}
    )
    for kept in ("Viettel Hà Tĩnh", "Phan Thị Hồng", "0903222111", "Cẩm Xuyên", "mất điện"):
        assert kept in summary, kept  # nothing given before the questions was lost


def test_a_greeting_is_never_the_company_name_and_results_wait_for_confirmation(
    stack: Stack,
) -> None:
    chat = Chat(stack, Profile(province="Bắc Ninh"))
    assert "Tên doanh nghiệp" in chat.say("nộp báo cáo kết quả thực hiện công văn")
    greeted = chat.say("xin chào")
    assert "Chào bạn" in greeted and "Tên doanh nghiệp" in greeted
    assert "Tên doanh nghiệp" in chat.say("cam on nhe")
    assert "tóm tắt kết quả" in chat.say("Viettel Bắc Ninh")
    chat.say("Mạng lưới ổn định suốt dịp Tết, lưu lượng data tăng 15% đêm giao thừa.")
    summary = chat.say("bo qua")
    assert "Báo cáo kết quả sẽ gửi về Sở" in summary and "Viettel Bắc Ninh" in summary
    assert "xin chào" not in summary.lower()
    assert [b.title for b in chat.replies[-1].buttons] == ["Gửi", "Sửa", "Hủy"]
    assert chat.records(RESULTS) == []
    assert "tóm tắt kết quả" in chat.say(
        "sửa lại tóm tắt giúp mình"
    )  # asked again, then the summary
    changed = chat.say("Không có sự cố, trực 24/24 đủ quân số tại 3 trung tâm điều hành.")
    assert "đủ quân số" in changed and "Báo cáo kết quả sẽ gửi" in changed
    assert chat.records(RESULTS) == []
    done = chat.say("dong y")
    assert "Mã tiếp nhận: BC-2026-" in done
    [record] = chat.records(RESULTS)
    assert record["organisation"] == "Viettel Bắc Ninh" and "đủ quân số" in record["summary"]


def test_an_incident_is_filed_only_after_confirmation_and_edits_are_kept(stack: Stack) -> None:
    chat = Chat(stack)
    first = chat.say("đứt cáp quang tuyến Hồng Lĩnh - Nghi Xuân lúc 1h30 do xe cẩu kéo đứt")
    assert "Dịch vụ bị ảnh hưởng" in first
    reply = chat.say("Internet cáp quang, truyền dẫn")  # the first sentence gave everything else
    summary = answer_until_summary(chat, reply, ANSWERS | {"Mức độ ảnh hưởng": "Trung bình"})
    assert "Trung bình" in summary and chat.records(INCIDENTS) == []
    changed = chat.say("sua muc do thanh nghiem trong")
    assert "Đã sửa mức độ: nghiem_trong" not in changed  # the label, not the code, is shown
    assert "Mức độ: Nghiêm trọng" in changed
    fields = chat.say("Sửa")
    assert "sửa mục nào" in fields
    assert "sửa mô tả" in [b.payload for b in chat.replies[-1].buttons]
    assert chat.records(INCIDENTS) == []
    done = chat.say("gui")
    assert "Mã tiếp nhận: SC-2026-" in done
    [record] = chat.records(INCIDENTS)
    assert record["severity"] == "nghiem_trong" and record["routes_cut"] == 1


def test_cancelling_at_the_summary_files_nothing(stack: Stack) -> None:
    chat = Chat(stack)
    first = chat.say("website của sở bị chèn nội dung lạ lúc 21h hôm qua")
    assert SUMMARY in answer_until_summary(chat, first, ANSWERS)
    assert "Đã hủy" in chat.say("huy")
    assert chat.records(INCIDENTS) == []


def test_the_greeting_and_help_name_everything_with_buttons(stack: Stack) -> None:
    chat = Chat(stack, Profile(province="Lạng Sơn"))
    greeting = chat.say("xin chao bot")
    for capability in CAPABILITIES:
        assert capability in greeting.lower(), capability
    payloads = {b.payload for reply in chat.replies for b in reply.buttons}
    assert {"/submit_roster", "/report_incident", "/submit_results", "/ask_my_reports"} <= payloads
    helped = chat.say("bot lam duoc gi")
    assert all(capability in helped.lower() for capability in CAPABILITIES)
    assert "02053.818.657" in chat.press("/ask_contact")  # answers for the profile's province
    assert "Gõ «hủy»" in chat.press("/report_incident")  # another starts the incident report
    assert "Đã hủy" in chat.say("hủy")
