"""The department's list of organisations read from a spreadsheet, as the gateway and store read it."""

from __future__ import annotations

import pytest

from vntext.organisation_table import is_list, read_csv


def test_csv_as_excel_saves_it() -> None:
    text = "\ufeffTen don vi;Tỉnh;Lĩnh vực\nViettel Bắc Ninh;Bắc Ninh;Viễn thông\n;;\nVNPT Hà Tĩnh;Hà Tĩnh;\n"
    rows = read_csv(text)
    assert [(r.name, r.province, r.sector) for r in rows] == [
        ("Viettel Bắc Ninh", "Bắc Ninh", "vien_thong"),
        ("VNPT Hà Tĩnh", "Hà Tĩnh", None),
    ]
    with pytest.raises(ValueError, match="cột «Tên đơn vị» và «Tỉnh»"):
        read_csv("Họ tên,Số điện thoại\nA,0912345678\n")
    with pytest.raises(ValueError, match="Dòng 3: thiếu tên đơn vị hoặc tỉnh"):
        read_csv("Tên đơn vị,Tỉnh\nAB,Bắc Ninh\nB,\n")
    with pytest.raises(ValueError, match="Dòng 2: tên đơn vị «A» cần từ 2 đến 300 ký tự"):
        read_csv("Tên đơn vị,Tỉnh\nA,Bắc Ninh\n")


def test_a_roster_is_not_an_organisation_list() -> None:
    assert is_list(["Tên đơn vị", "Tỉnh", "Lĩnh vực"])
    assert not is_list(["Họ tên", "Đơn vị", "Tỉnh", "Số điện thoại"])
    assert not is_list(["Họ tên", "Chức vụ", "SĐT"])
