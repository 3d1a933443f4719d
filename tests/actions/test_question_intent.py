"""The question rule of the NLU pipeline (rasa_ext/question_intent.py), without a model."""

from __future__ import annotations

import pytest

from rasa_ext.question_intent import question_intent


@pytest.mark.parametrize(
    ("text", "predicted", "routed"),
    [
        ("danh sách trực gửi trước ngày nào", "submit_roster", "ask_deadline"),
        ("bao cao su co gui cho ai", "report_incident", "ask_content"),
        ("mẫu báo cáo kết quả lấy ở đâu", "submit_results", "ask_content"),
        ("sự cố đã xong có phải báo cáo kết thúc không", "update_incident", "ask_content"),
        ("báo cáo kết quả viết những gì", "help", "ask_content"),
    ],
)
def test_questions_about_submissions_go_to_directive_questions(
    text: str, predicted: str, routed: str
) -> None:
    assert question_intent(text, predicted) == routed


@pytest.mark.parametrize(
    ("text", "predicted"),
    [
        ("gửi danh sách trực", "submit_roster"),
        ("mất sóng 5 trạm ở Hương Sơn từ 7h", "report_incident"),
        ("bạn làm được gì?", "help"),  # a question, but not about a submission
        ("Nguyễn Văn An - Trưởng ca - 0912345678 - 10/02 - trực ca?", "submit_roster"),
    ],
)
def test_commands_and_other_intents_are_left_alone(text: str, predicted: str) -> None:
    assert question_intent(text, predicted) is None


@pytest.mark.parametrize(
    ("text", "predicted", "routed"),
    [
        ("hạn nộp báo cáo là khi nào", "ask_deadline", "ask_deadline"),  # confirmed
        ("nghe an bao cao hang ngay gui qua email nao", "ask_content", "ask_contact"),
        ("soc trang nghi tet tu ngay nao", "ask_deadline", "ask_holiday"),
        ("cong van lang son ai ky", "ask_contact", "ask_directive_info"),
        ("doanh nghiep buu chinh bac ninh phai lam gi", "ask_content", "ask_duties"),
        ("Tây Ninh bưu cục nào mở cửa mùng 2 Tết?", "out_of_scope", "ask_content"),
    ],
)
def test_an_explicit_cue_picks_the_question(text: str, predicted: str, routed: str) -> None:
    assert question_intent(text, predicted) == routed


def test_who_is_on_duty_stays_with_the_roster_look_up() -> None:
    assert question_intent("ai đang trực ở VNPT Hà Tĩnh từ mấy giờ", "ask_on_duty") is None
