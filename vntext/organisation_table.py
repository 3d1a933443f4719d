"""A department's list of organisations, read from a spreadsheet's rows.

The first row names the columns in Vietnamese («Tên đơn vị», «Tỉnh», «Lĩnh vực», with or without
diacritics). Shared by the gateway (is this file a list or a duty roster?) and the store's loader,
so neither imports the other; problems are ValueErrors with a Vietnamese message.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from common.vocabulary import Sector
from vntext.normalize import fold

COLUMNS = {
    "name": ("ten don vi", "don vi", "ten doanh nghiep", "doanh nghiep", "ten", "name"),
    "province": ("tinh", "tinh/thanh pho", "tinh thanh", "dia ban", "province"),
    "sector": ("linh vuc", "sector"),
}


@dataclass(frozen=True)
class Listed:
    """One organisation as the list names it (province as written, sector as its code)."""

    name: str
    province: str
    sector: str | None = None


def sector_key(label: str | None) -> str | None:
    """«Viễn thông», "vien_thong" or "VIỄN THÔNG" to the sector code; empty is None."""
    if label is None or not label.strip():
        return None
    sector = Sector.named_in(label)
    if sector is None:
        choices = ", ".join(Sector.labels().values())
        raise ValueError(f"Không rõ lĩnh vực «{label}». Dùng một trong: {choices}.")
    return sector.value


def read_csv(text: str) -> list[Listed]:
    """Rows of a CSV as Excel saves it: comma, semicolon or tab separated, maybe with a BOM."""
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:2048], ",;\t")
    except csv.Error:  # one column, or nothing at all
        dialect = csv.excel
    return from_rows(list(csv.reader(io.StringIO(text.lstrip("\ufeff")), dialect)))


def is_list(header: list[str]) -> bool:
    """Does this header row name an organisation list (rather than, say, a duty roster)?"""
    try:
        _columns(header)
    except ValueError:
        return False
    return not any("dien thoai" in fold(cell) or "ho ten" in fold(cell) for cell in header)


def from_rows(table: list[list[str]]) -> list[Listed]:
    """The organisations of a table whose first row names the columns; blank rows are skipped."""
    header, *body = table or [[]]
    where = _columns(header)
    rows = []
    for number, cells in enumerate(body, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        name, province = _cell(cells, where["name"]), _cell(cells, where["province"])
        if not name or not province:
            raise ValueError(f"Dòng {number}: thiếu tên đơn vị hoặc tỉnh/thành phố.")
        if not 2 <= len(name) <= 300:
            raise ValueError(f"Dòng {number}: tên đơn vị «{name[:60]}» cần từ 2 đến 300 ký tự.")
        rows.append(Listed(name, province, sector_key(_cell(cells, where.get("sector")))))
    return rows


def _columns(header: list[str]) -> dict[str, int]:
    folded = [fold(str(cell)).strip() for cell in header]
    where = {
        key: folded.index(name)
        for key, names in COLUMNS.items()
        for name in names
        if name in folded
    }
    if "name" not in where or "province" not in where:
        raise ValueError(
            "Dòng đầu của tệp cần có cột «Tên đơn vị» và «Tỉnh» (thêm «Lĩnh vực» nếu có)."
        )
    return where


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""
