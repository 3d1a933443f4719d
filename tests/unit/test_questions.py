"""Telling a question from a command, with and without diacritics (vntext.questions)."""

from __future__ import annotations

import pytest

from vntext.questions import asks_about_deadline, is_question, mentions_submission


@pytest.mark.parametrize(
    "text",
    [
        "danh sách trực gửi cho ai",
        "ds truc gui ve dau vay",
        "báo cáo kết quả có cần ký số không",
        "bao cao su co theo mau nao",
        "nộp muộn có được không ạ",
        "han nop bc la ngay may",
        "gửi bản giấy hay bản điện tử",
        "hạn chót danh sách trực",
        "Báo cáo sự cố gửi ai?",
        "cho em hỏi về mẫu danh sách trực",
    ],
)
def test_questions_are_recognised(text: str) -> None:
    assert is_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "gửi danh sách trực",
        "em gui ds truc nhe",
        "mất sóng 3 trạm BTS ở Cẩm Xuyên từ 5h do mất điện",
        "may no tram khong chay duoc tu 2h",
        "báo cáo kết quả: Tết an toàn, không có sự cố",
        "tôi muốn báo cáo sự cố",
        "Lê Văn Tâm - Trưởng ca - 0912345678 - mùng 1 Tết - trực ca",
    ],
)
def test_commands_and_statements_are_not_questions(text: str) -> None:
    assert not is_question(text)


def test_what_a_question_is_about() -> None:
    assert mentions_submission("mẫu báo cáo lấy ở đâu")
    assert not mentions_submission("thời tiết hôm nay thế nào")
    assert asks_about_deadline("danh sach truc gui truoc ngay nao")
    assert not asks_about_deadline("danh sách trực gửi cho ai")
