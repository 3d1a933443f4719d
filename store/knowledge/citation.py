"""How an answer names its source, truthfully: who issued what.

"công văn số 184/STTTT-HTS ngày 21/01/2025 của Sở TT&TT Lạng Sơn", "công văn số 682/UBND-TH của
UBND tỉnh Đắk Lắk", "thông báo số 12/TB-VPUBND của Văn phòng UBND tỉnh Hà Nam", "bài viết trên
stttt.nghean.gov.vn ngày 20/01/2027 về công văn số 35/SKHCN-BCVT của Sở KH&CN Nghệ An". Numbers and
dates are often blank in the documents; the citation keeps exactly what is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from store.knowledge.vocabulary import (
    DOC_LABELS,
    ISSUER_NAMES,
    ISSUER_SHORT,
    DocKind,
    IssuerKind,
)
from vntext.provinces import province_kind


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


@dataclass(frozen=True)
class Source:
    """The facts a citation is made of, as stored on a directive."""

    number: str
    day: int | None
    month: int | None
    year: int | None
    department: str
    province: str
    issuer_kind: str = IssuerKind.OTHER.value
    doc_kind: str = DocKind.CONG_VAN.value
    restates: str | None = None
    source_site: str | None = None
    published: str | None = None

    @classmethod
    def of(cls, row: Any) -> Source:
        """From a directive row or schema (attributes named as in store.models.Directive)."""
        return cls(
            number=row.number,
            day=row.issued_day,
            month=row.issued_month,
            year=row.issued_year,
            department=row.department,
            province=row.issuing_province,
            issuer_kind=getattr(row, "issuer_kind", None) or IssuerKind.OTHER.value,
            doc_kind=getattr(row, "doc_kind", None) or DocKind.CONG_VAN.value,
            restates=getattr(row, "restates", None),
            source_site=getattr(row, "source_site", None),
            published=getattr(row, "published", None),
        )


def _kind(source: Source) -> IssuerKind:
    """The issuer kind; rows loaded before kinds were kept are recognised by their name."""
    try:
        kind = IssuerKind(source.issuer_kind)
    except ValueError:
        kind = IssuerKind.OTHER
    if kind == IssuerKind.OTHER:
        for known, name in ISSUER_NAMES.items():
            if source.department == name:
                return known
    return kind


def issuer_phrase(source: Source) -> str:
    """ "Sở TT&TT Lạng Sơn", "UBND tỉnh Đắk Lắk", "Văn phòng UBND thành phố Huế", or as written."""
    kind = _kind(source)
    if kind in (IssuerKind.SO_TTTT, IssuerKind.SO_KHCN):
        return f"{ISSUER_SHORT[kind]} {source.province}"
    if kind in (IssuerKind.UBND, IssuerKind.VP_UBND):
        return f"{ISSUER_SHORT[kind]} {province_kind(source.province)} {source.province}"
    name = source.department.strip()
    if not name:
        return f"{province_kind(source.province)} {source.province}"
    return name if source.province in name else f"{name} ({source.province})"


def _document(source: Source, kind: DocKind) -> str:
    label = DOC_LABELS.get(kind, "văn bản")
    if not source.number:
        return label
    shown = source.number if not source.number.startswith("/") else f"…{source.number}"
    return f"{label} số {shown}"


def citation_of(source: Source) -> str:
    """Source phrase for answers; a blank number shows as '…/STTTT-BCVT'."""
    try:
        kind = DocKind(source.doc_kind)
    except ValueError:
        kind = DocKind.CONG_VAN
    issuer = issuer_phrase(source)
    if kind == DocKind.BAI_VIET:
        # The posting date is left out: read next to a deadline it would pass for one.
        where = f" trên {source.source_site}" if source.source_site else ""
        about = source.restates or "văn bản"
        return f"bài viết{where} về {about} của {issuer}"
    when = date_phrase(source.day, source.month, source.year)
    return " ".join(part for part in (_document(source, kind), when, "của", issuer) if part)


def citation(
    number: str,
    day: int | None,
    month: int | None,
    year: int | None,
    department: str,
    province: str,
    *,
    issuer_kind: str | None = None,
    doc_kind: str | None = None,
    restates: str | None = None,
    source_site: str | None = None,
    published: str | None = None,
) -> str:
    """Source phrase from loose facts; an optional one left out or None takes Source's default."""
    source = Source(
        number,
        day,
        month,
        year,
        department,
        province,
        issuer_kind=IssuerKind.OTHER.value if issuer_kind is None else issuer_kind,
        doc_kind=DocKind.CONG_VAN.value if doc_kind is None else doc_kind,
        restates=restates,
        source_site=source_site,
        published=published,
    )
    return citation_of(source)
