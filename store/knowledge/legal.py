"""Documents a directive cites: "Căn cứ Chỉ thị số 06/CT-BTTTT ngày 29/12/2023 của Bộ …"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class LegalBasis:
    """A document the directive cites (Chỉ thị, Văn bản, Thông tư...)."""

    kind: str
    number: str
    date: date | None = None
    issuer: str | None = None


_KINDS = (
    "chỉ thị",
    "công văn",
    "văn bản",
    "thông tư",
    "nghị định",
    "thông báo",
    "kế hoạch",
    "quyết định",
)
_KIND_ALT = "|".join(_KINDS)
_DOC_NUMBER = r"\d+(?:/\d{4})?/[A-ZĐ][A-Za-zĐ0-9&]*(?:\s*-\s*[A-ZĐ][A-Za-zĐ0-9&]*)*"
_LEGAL_RE = re.compile(
    rf"(?<!\w)(?P<kind>(?i:{_KIND_ALT}))\s+(?:(?i:số)\s+)?(?P<number>{_DOC_NUMBER})"
    r"(?:\s+ngày\s+(?:(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
    r"|(?P<wd>\d{1,2})\s+tháng\s+(?P<wm>\d{1,2})\s+năm\s+(?P<wy>\d{4})))?"
    r"(?:\s+của\s+(?P<issuer>[^,;.(:]{2,100}?)"
    rf"(?=\s+(?:về|quy định|tại|nhằm|để|hướng dẫn|và\s+(?i:{_KIND_ALT}))\b|[,;.(:]|$))?"
)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def legal_bases(texts: list[str], warnings: list[str]) -> list[LegalBasis]:
    """Cited documents in first-seen order, each number once."""
    found: dict[str, LegalBasis] = {}
    for text in texts:
        for match in _LEGAL_RE.finditer(text):
            number = re.sub(r"\s+", "", match["number"])
            if number in found:
                continue
            day, month, year = (
                match[a] or match[b] for a, b in (("d", "wd"), ("m", "wm"), ("y", "wy"))
            )
            issued = _safe_date(int(year), int(month), int(day)) if year else None
            if year and issued is None:
                warnings.append(f"Ngày của văn bản {number} không hợp lệ: «{match.group(0)}»")
            issuer = match["issuer"].strip() if match["issuer"] else None
            found[number] = LegalBasis(match["kind"].lower(), number, issued, issuer)
    return list(found.values())
