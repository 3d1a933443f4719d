"""How an answer names its source: 'công văn số 184/STTTT-HTS ngày 21/01/2025 của Sở TT&TT Lạng Sơn'.

Numbers and dates are often blank in the documents; the citation keeps exactly what is there.
"""

from __future__ import annotations

import re

_SHORT_DEPARTMENT = {
    "Sở Khoa học và Công nghệ": "Sở KH&CN",
    "Sở Thông tin và Truyền thông": "Sở TT&TT",
}
_PART_RE = re.compile(r"(ngày|tháng|năm)\s+(\d{1,4})")


def date_phrase(issued_text: str) -> str:
    """'ngày 21/01/2025', 'tháng 01/2024' or 'năm 2023' from what the date line holds."""
    parts = {key: value for key, value in _PART_RE.findall(issued_text)}
    day, month, year = parts.get("ngày"), parts.get("tháng"), parts.get("năm")
    if day and month and year:
        return f"ngày {int(day):02d}/{int(month):02d}/{year}"
    if month and year:
        return f"tháng {int(month):02d}/{year}"
    return f"năm {year}" if year else ""


def citation(number: str, issued_text: str, department: str, issuing_province: str) -> str:
    """Source phrase for answers; a blank number shows as '…/STTTT-BCVT'."""
    shown_number = number if not number.startswith("/") else f"…{number}"
    short = _SHORT_DEPARTMENT.get(department, department)
    when = date_phrase(issued_text)
    return " ".join(
        part for part in ("công văn số", shown_number, when, "của", short, issuing_province) if part
    )
