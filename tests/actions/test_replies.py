"""Answer wording that users see on phones: message splitting and honest gaps."""

from __future__ import annotations

from actions.replies import duties_text
from vntext.messages import MESSAGE_LIMIT, split_message


def test_long_answers_split_at_line_breaks_within_the_limit() -> None:
    lines = [
        f"• Nhiệm vụ số {i}: " + "bảo đảm thông tin liên lạc thông suốt " * 5 for i in range(60)
    ]
    text = "\n".join(lines)
    parts = split_message(text)
    assert len(parts) > 1
    assert all(len(part) <= MESSAGE_LIMIT for part in parts)
    assert "\n".join(parts) == text  # nothing lost, nothing cut mid-line


def test_a_single_huge_line_is_cut_at_spaces() -> None:
    parts = split_message("ô " * 5000)
    assert all(len(part) <= MESSAGE_LIMIT for part in parts)
    assert sum(part.count("ô") for part in parts) == 5000


def test_duties_for_an_audience_the_directive_does_not_address() -> None:
    directive = {
        "citation": "công văn số 184/STTTT-HTS ngày 21/01/2025 của Sở TT&TT Lạng Sơn",
        "sections": [
            {
                "heading": "3.1 Các doanh nghiệp bưu chính",
                "audiences": ["buu_chinh"],
                "items": ["x"],
            }
        ],
    }
    text = duties_text(directive, ["truyen_hinh"])
    assert "không có mục riêng cho doanh nghiệp truyền hình trả tiền" in text
