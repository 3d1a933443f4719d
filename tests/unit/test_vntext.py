"""Folding, tokenising and province resolution behave the same for every way users type."""

from __future__ import annotations

import unicodedata

import pytest

from vntext.normalize import clean_message, fold
from vntext.provinces import current_provinces, find_in_text, resolve
from vntext.tokens import syllables


def test_fold_drops_tones_and_d_bar_including_lookalike() -> None:
    assert fold("Số điện thoại ĐƯỜNG DÂY NÓNG Hà Tĩnh") == "so dien thoai duong day nong ha tinh"
    assert fold("\u00d0ặng") == "dang"  # U+00D0 typed instead of Đ


def test_nfd_input_folds_like_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Ất Tỵ")
    assert len(nfd) > len("Ất Tỵ")
    assert fold(nfd) == fold("Ất Tỵ") == "at ty"


def test_clean_message_removes_controls_and_collapses_space() -> None:
    assert clean_message("  xin\u0000  chào\n\n bạn ") == "xin chào bạn"


def test_syllables_keep_offsets_into_nfd_text() -> None:
    text = unicodedata.normalize("NFD", "gọi Hà Tĩnh, 0911378999")
    spans = syllables(text)
    assert [s.text for s in spans] == ["goi", "ha", "tinh", "0911378999"]
    ha = spans[1]
    assert unicodedata.normalize("NFC", text[ha.start : ha.end]) == "Hà"


def test_34_provinces_after_merger() -> None:
    assert len(current_provinces()) == 34


@pytest.mark.parametrize(
    ("text", "named", "current"),
    [
        ("sdt duong day nong ha tinh", "Hà Tĩnh", "Hà Tĩnh"),
        ("Liên hệ Sở Bắc Giang", "Bắc Giang", "Bắc Ninh"),
        ("bao cao o SOC TRANG", "Sóc Trăng", "Cần Thơ"),
        ("tỉnh Thừa Thiên Huế", "Huế", "Huế"),
        ("hotline lạng sơn", "Lạng Sơn", "Lạng Sơn"),
    ],
)
def test_find_province_in_free_text(text: str, named: str, current: str) -> None:
    mention = find_in_text(text)
    assert mention is not None
    assert (mention.named, mention.current) == (named, current)


def test_no_province_in_text() -> None:
    assert find_in_text("số điện thoại đường dây nóng") is None
    assert resolve("Atlantis") is None
