"""The list of organisations a department expects rosters and reports from.

Profiles add their organisation as they register, but "who has not reported" is only useful when
the department's own list is in as well: an enterprise that never opened the bot is the one most
likely to be late. Loading is idempotent (same folded name and province = the same organisation).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.vocabulary import Sector
from store.outreach.models import Organisation
from store.outreach.people import OutreachError, current_province, expect
from vntext.normalize import fold

COLUMNS = {
    "name": ("ten don vi", "don vi", "ten doanh nghiep", "doanh nghiep", "ten", "name"),
    "province": ("tinh", "tinh/thanh pho", "tinh thanh", "dia ban", "province"),
    "sector": ("linh vuc", "sector"),
}


@dataclass(frozen=True)
class Expected:
    name: str
    province: str
    sector: str | None = None


def sector_key(label: str | None) -> str | None:
    """«Viễn thông», "vien_thong" or "VIỄN THÔNG" to the stored key; empty is None."""
    if label is None or not label.strip():
        return None
    sector = Sector.named_in(label)
    if sector is None:
        choices = ", ".join(Sector.labels().values())
        raise OutreachError(f"Không rõ lĩnh vực «{label}». Dùng một trong: {choices}.")
    return sector.value


def load(session: Session, rows: Iterable[Expected]) -> tuple[int, int]:
    """Add what is new, keep what is known (filling a missing sector). Returns (added, known).

    Every province is checked before anything is written, so a bad row changes nothing."""
    checked = [(row, current_province(row.province) or "") for row in rows]
    for row, province in checked:
        if not province:
            raise OutreachError(f"Đơn vị «{row.name}» chưa có tỉnh/thành phố.")
    count = select(func.count()).select_from(Organisation)
    before = session.scalar(count) or 0
    for row, province in checked:
        expect(session, row.name.strip(), province, row.sector, source="seed")
    added = (session.scalar(count) or 0) - before
    session.commit()
    return added, len(checked) - added


def read_csv(text: str) -> list[Expected]:
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
    except OutreachError:
        return False
    return not any("dien thoai" in fold(cell) or "ho ten" in fold(cell) for cell in header)


def from_rows(table: list[list[str]]) -> list[Expected]:
    """A table whose first row names the columns in Vietnamese («Tên đơn vị», «Tỉnh»,
    «Lĩnh vực», with or without diacritics); blank rows are skipped."""
    header, *body = table or [[]]
    where = _columns(header)
    rows = []
    for number, cells in enumerate(body, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        name, province = _cell(cells, where["name"]), _cell(cells, where["province"])
        if not name or not province:
            raise OutreachError(f"Dòng {number}: thiếu tên đơn vị hoặc tỉnh/thành phố.")
        if not 2 <= len(name) <= 300:
            raise OutreachError(f"Dòng {number}: tên đơn vị «{name[:60]}» cần từ 2 đến 300 ký tự.")
        rows.append(Expected(name, province, sector_key(_cell(cells, where.get("sector")))))
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
        raise OutreachError(
            "Dòng đầu của tệp cần có cột «Tên đơn vị» và «Tỉnh» (thêm «Lĩnh vực» nếu có)."
        )
    return where


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""
