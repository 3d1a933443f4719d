"""CSV and XLSX exports laid out like the tables departments already receive.

Everything in a cell came from an enterprise's chat message, so a leading = + - @ (or tab /
carriage return) is prefixed with a quote: Excel must show it as text, never run it as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from store.models import RosterEntry, Submission
from store.submissions.schemas import (
    CATEGORIES,
    DUTY_TYPES,
    SEVERITIES,
    STAGES,
    shift_text,
)
from vntext.timefmt import VN_TZ

Cell = str | int | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Table:
    """A titled table: column headers with widths (in characters) and the rows."""

    title: str
    file_stem: str
    columns: Sequence[tuple[str, int]]
    rows: list[list[Cell]]


def safe_cell(value: Cell) -> Cell:
    """Text that a spreadsheet would read as a formula gets a leading quote; numbers stay."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(table: Table) -> bytes:
    """UTF-8 with a BOM (Excel then shows Vietnamese), header row then data, CRLF lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([name for name, _ in table.columns])
    for row in table.rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    """Title row, bold frozen header row, set widths, wrapped text."""
    return to_workbook([(table.title, table)])


def to_workbook(sheets: Sequence[tuple[str, Table]]) -> bytes:
    """One sheet per (name, table), in order; what /export sends to department staff."""
    workbook = Workbook()
    for number, (name, table) in enumerate(sheets):
        sheet = workbook.active if number == 0 else workbook.create_sheet()
        sheet.title = name[:31]
        _write_sheet(sheet, table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(sheet: Any, table: Table) -> None:
    width = len(table.columns)
    sheet.cell(row=1, column=1, value=table.title).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    for index, (name, chars) in enumerate(table.columns, start=1):
        cell = sheet.cell(row=2, column=index, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = chars
    for row in table.rows:
        sheet.append([_xlsx_value(v) for v in row])
    for row_cells in sheet.iter_rows(min_row=3):
        for cell in row_cells:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.freeze_panes = "A3"


def _xlsx_value(value: Cell) -> Cell:
    """Escaped, and without the control characters openpyxl refuses."""
    value = safe_cell(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _day(value: date) -> str:
    return f"{value:%d/%m/%Y}"


def _moment(value: datetime | None) -> str:
    return "" if value is None else f"{value.astimezone(VN_TZ):%H:%M %d/%m/%Y}"


def _status(submission: Submission, deadline: datetime | None) -> str:
    if deadline is None:
        return "Không có hạn"
    return "Nộp muộn" if submission.late else "Đúng hạn"


def _submitter(submission: Submission) -> str:
    name = submission.submitter_name or submission.submitter_id
    return f"{name} ({submission.submitter_channel})"


# --- the three tables ----------------------------------------------------------------------

ROSTER_COLUMNS = (
    ("STT", 6),
    ("Đơn vị", 28),
    ("Loại trực", 18),
    ("Ngày", 22),
    ("Ca trực", 20),
    ("Họ và tên", 24),
    ("Chức vụ", 22),
    ("Điện thoại", 14),
    ("Email", 26),
    ("Người thay thế", 24),
    ("Ghi chú", 30),
    ("Mã tiếp nhận", 17),
)


def roster_table(entries: list[RosterEntry]) -> Table:
    rows: list[list[Cell]] = []
    for number, entry in enumerate(entries, start=1):
        day = _day(entry.duty_date) + (f" ({entry.lunar_text})" if entry.lunar_text else "")
        shift = shift_text(entry.shift_start, entry.shift_end, entry.all_day, entry.overnight)
        rows.append(
            [
                number,
                entry.organisation,
                DUTY_TYPES.get(entry.duty_type, entry.duty_type),
                day,
                shift,
                entry.full_name,
                entry.position,
                entry.phone_display,
                entry.email,
                entry.substitute,
                entry.note,
                entry.submission.reference,
            ]
        )
    return Table("DANH SÁCH CÁN BỘ TRỰC TẾT", "danh-sach-truc-tet", ROSTER_COLUMNS, rows)


INCIDENT_COLUMNS = (
    ("STT", 6),
    ("Mã tiếp nhận", 17),
    ("Giai đoạn", 11),
    ("Mã sự cố ban đầu", 17),
    ("Đơn vị", 26),
    ("Tỉnh/thành phố", 16),
    ("Người liên hệ", 22),
    ("Điện thoại", 14),
    ("Loại sự cố", 18),
    ("Thời điểm phát hiện", 17),
    ("Khu vực", 24),
    ("Dịch vụ bị ảnh hưởng", 24),
    ("Trạm BTS mất liên lạc", 12),
    ("Tổng số trạm BTS", 12),
    ("Tuyến cáp bị đứt", 10),
    ("Thuê bao bị ảnh hưởng", 12),
    ("Mức độ", 13),
    ("Mô tả", 40),
    ("Nguyên nhân", 28),
    ("Biện pháp đã thực hiện", 28),
    ("Đề xuất hỗ trợ", 24),
    ("Thời điểm khôi phục", 17),
    ("Mật", 6),
    ("Thời điểm báo cáo", 17),
)


def incidents_table(submissions: list[Submission]) -> Table:
    rows: list[list[Cell]] = []
    for number, submission in enumerate(submissions, start=1):
        incident = submission.incident
        assert incident is not None
        rows.append(
            [
                number,
                submission.reference,
                STAGES.get(incident.stage, incident.stage),
                incident.parent.reference if incident.parent else None,
                submission.organisation,
                submission.province,
                incident.contact_name,
                incident.contact_phone_display,
                CATEGORIES.get(incident.category, incident.category),
                _moment(incident.detected_at),
                incident.area,
                incident.services_affected,
                incident.bts_down,
                incident.bts_total,
                incident.routes_cut,
                incident.subscribers_affected,
                SEVERITIES.get(incident.severity, incident.severity),
                incident.description,
                incident.cause,
                incident.actions_taken,
                incident.support_needed,
                _moment(incident.restored_at),
                "Mật" if incident.confidential else "",
                _moment(submission.created_at),
            ]
        )
    return Table("DANH SÁCH BÁO CÁO SỰ CỐ DỊP TẾT", "bao-cao-su-co", INCIDENT_COLUMNS, rows)


RESULTS_COLUMNS = (
    ("STT", 6),
    ("Mã tiếp nhận", 17),
    ("Đơn vị", 28),
    ("Tỉnh/thành phố", 16),
    ("Nội dung báo cáo", 60),
    ("Tệp đính kèm", 30),
    ("Hạn nộp", 17),
    ("Thời điểm nộp", 17),
    ("Tình trạng", 12),
    ("Người gửi", 24),
)


def results_table(submissions: list[Submission]) -> Table:
    rows: list[list[Cell]] = []
    for number, submission in enumerate(submissions, start=1):
        report = submission.results_report
        assert report is not None
        rows.append(
            [
                number,
                submission.reference,
                submission.organisation,
                submission.province,
                report.summary,
                report.file_reference,
                _moment(report.deadline),
                _moment(submission.created_at),
                _status(submission, report.deadline),
                _submitter(submission),
            ]
        )
    return Table("DANH SÁCH BÁO CÁO KẾT QUẢ THỰC HIỆN", "bao-cao-ket-qua", RESULTS_COLUMNS, rows)
