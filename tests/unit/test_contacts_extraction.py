"""Contacts come out of the directives' prose with the person or unit they belong to."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.knowledge.citation import citation
from store.knowledge.contacts import ParsedContact, extract_contacts, unwrap

DIRECTIVES = Path(__file__).resolve().parents[2] / "data" / "directives"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "directives"


def contacts(name: str) -> list[ParsedContact]:
    return extract_contacts(unwrap((DIRECTIVES / name).read_text(encoding="utf-8")))


def test_directives_are_byte_for_byte_copies() -> None:
    if not SHARED.is_dir():
        pytest.fail(f"shared directives not found at {SHARED}")
    for source in SHARED.glob("*.txt"):
        assert (DIRECTIVES / source.name).read_bytes() == source.read_bytes(), source.name


def test_ha_tinh_hotlines_with_names_and_titles() -> None:
    found = contacts("ha-tinh-2024-stttt-tet-giap-thin.txt")
    assert [(c.name, c.phone_display, c.phone_e164) for c in found] == [
        ("Đặng Văn Đức", "0911378999", "+84911378999"),
        ("Nguyễn Thanh Lâm", "0914237788", "+84914237788"),
    ]
    assert found[0].title == "Trưởng phòng CNTT&BCVT"


def test_lang_son_team_numbers_share_their_description() -> None:
    found = contacts("lang-son-2025-stttt-184-tet-at-ty.txt")
    assert [c.phone_display for c in found] == ["02053.818.657", "0918.210.111"]
    assert all("Đội ứng cứu" in (c.title or "") for c in found)


def test_soc_trang_units_person_and_email() -> None:
    found = contacts("soc-trang-2024-stttt-tet-giap-thin.txt")
    assert [c.phone_e164 for c in found if c.phone_e164] == [
        "+842993621090",
        "+842993621676",
        "+84916861396",
    ]
    assert found[0].title == "Văn phòng Sở Thông tin và Truyền thông"
    assert found[1].title == "Thanh tra Sở Thông tin và Truyền thông"
    assert found[2].name == "Nguyễn Tiến Lên"
    assert [c.email for c in found if c.email] == ["thanhtra.sotttt@soctrang.gov.vn"]


def test_bac_giang_email_only_and_bac_ninh_none() -> None:
    assert [c.email for c in contacts("bac-giang-2024-stttt-tet-giap-thin.txt")] == [
        "so_tttt_vt@bacgiang.gov.vn"
    ]
    assert contacts("bac-ninh-2026-skhcn-tet-binh-ngo.txt") == []


def test_citation_keeps_blank_numbers_and_partial_dates() -> None:
    assert (
        citation("184/STTTT-HTS", 21, 1, 2025, "Sở Thông tin và Truyền thông", "Lạng Sơn")
        == "công văn số 184/STTTT-HTS ngày 21/01/2025 của Sở TT&TT Lạng Sơn"
    )
    assert (
        citation("/SKHCN-BCVT", None, 2, 2026, "Sở Khoa học và Công nghệ", "Bắc Ninh")
        == "công văn số …/SKHCN-BCVT tháng 02/2026 của Sở KH&CN Bắc Ninh"
    )
