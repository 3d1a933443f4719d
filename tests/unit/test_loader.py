"""The first loader reads header facts and contacts from all five real directives."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.knowledge.citation import citation
from store.knowledge.loader import DirectiveParseError, parse_directive

DIRECTIVES = Path(__file__).resolve().parents[2] / "data" / "directives"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "directives"


def parse(name: str):  # type: ignore[no-untyped-def]
    return parse_directive((DIRECTIVES / name).read_text(encoding="utf-8"))


def test_directives_are_byte_for_byte_copies() -> None:
    if not SHARED.is_dir():
        pytest.fail(f"shared directives not found at {SHARED}")
    for source in SHARED.glob("*.txt"):
        assert (DIRECTIVES / source.name).read_bytes() == source.read_bytes(), source.name


def test_ha_tinh_hotlines_with_names_and_titles() -> None:
    directive = parse("ha-tinh-2024-stttt-tet-giap-thin.txt")
    assert directive.province == "Hà Tĩnh"
    assert directive.number == "/STTTT-CNTT&BCVT"
    people = [(c.name, c.phone_display, c.phone_e164) for c in directive.contacts]
    assert people == [
        ("Đặng Văn Đức", "0911378999", "+84911378999"),
        ("Nguyễn Thanh Lâm", "0914237788", "+84914237788"),
    ]
    assert directive.contacts[0].title == "Trưởng phòng CNTT&BCVT"
    assert "CỘNG" not in directive.subject


def test_lang_son_number_date_and_team_hotline() -> None:
    directive = parse("lang-son-2025-stttt-184-tet-at-ty.txt")
    assert directive.number == "184/STTTT-HTS"
    assert directive.issued_sort == 20250121
    phones = [c.phone_display for c in directive.contacts if c.phone_display]
    assert phones == ["02053.818.657", "0918.210.111"]
    assert all("Đội ứng cứu" in (c.title or "") for c in directive.contacts)


def test_soc_trang_is_served_by_can_tho_and_keeps_its_contacts() -> None:
    directive = parse("soc-trang-2024-stttt-tet-giap-thin.txt")
    assert (directive.issuing_province, directive.province) == ("Sóc Trăng", "Cần Thơ")
    assert directive.number == "/STTTT-TTr"
    e164 = [c.phone_e164 for c in directive.contacts if c.phone_e164]
    assert e164 == ["+842993621090", "+842993621676", "+84916861396"]
    assert [c.email for c in directive.contacts if c.email] == ["thanhtra.sotttt@soctrang.gov.vn"]
    named = [c for c in directive.contacts if c.name]
    assert named[0].name == "Nguyễn Tiến Lên"


def test_bac_giang_email_and_bac_ninh_without_contacts() -> None:
    bac_giang = parse("bac-giang-2024-stttt-tet-giap-thin.txt")
    assert bac_giang.province == "Bắc Ninh"
    assert [c.email for c in bac_giang.contacts] == ["so_tttt_vt@bacgiang.gov.vn"]
    bac_ninh = parse("bac-ninh-2026-skhcn-tet-binh-ngo.txt")
    assert bac_ninh.department == "Sở Khoa học và Công nghệ"
    assert bac_ninh.contacts == []


def test_citation_keeps_blank_numbers_and_partial_dates() -> None:
    assert (
        citation(
            "184/STTTT-HTS", "ngày 21 tháng 01 năm 2025", "Sở Thông tin và Truyền thông", "Lạng Sơn"
        )
        == "công văn số 184/STTTT-HTS ngày 21/01/2025 của Sở TT&TT Lạng Sơn"
    )
    assert (
        citation("/SKHCN-BCVT", "ngày tháng 02 năm 2026", "Sở Khoa học và Công nghệ", "Bắc Ninh")
        == "công văn số …/SKHCN-BCVT tháng 02/2026 của Sở KH&CN Bắc Ninh"
    )


def test_text_that_is_not_a_directive_is_refused() -> None:
    with pytest.raises(DirectiveParseError):
        parse_directive("Chúc mừng năm mới!")
