"""How an answer names its source: 'công văn số 184/STTTT-HTS ngày 21/01/2025 của Sở TT&TT Lạng Sơn'.

Numbers and dates are often blank in the documents; the citation keeps exactly what is there.
"""

from __future__ import annotations

_SHORT_DEPARTMENT = {
    "Sở Khoa học và Công nghệ": "Sở KH&CN",
    "Sở Thông tin và Truyền thông": "Sở TT&TT",
}


def date_phrase(day: int | None, month: int | None, year: int | None) -> str:
    """'ngày 21/01/2025', 'tháng 01/2024' or 'năm 2023' from the parts the date line holds."""
    if day and month and year:
        return f"ngày {day:02d}/{month:02d}/{year}"
    if month and year:
        return f"tháng {month:02d}/{year}"
    return f"năm {year}" if year else ""


def issued_text(day: int | None, month: int | None, year: int | None) -> str:
    """The date line as written, blanks shown as '…': 'ngày … tháng 02 năm 2026'."""
    return f"ngày {day or '…'} tháng {f'{month:02d}' if month else '…'} năm {year or '…'}"


def citation(
    number: str,
    day: int | None,
    month: int | None,
    year: int | None,
    department: str,
    province: str,
) -> str:
    """Source phrase for answers; a blank number shows as '…/STTTT-BCVT'."""
    shown_number = number if not number.startswith("/") else f"…{number}"
    short = _SHORT_DEPARTMENT.get(department, department)
    when = date_phrase(day, month, year)
    return " ".join(
        part for part in ("công văn số", shown_number, when, "của", short, province) if part
    )
