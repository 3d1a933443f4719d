"""A first directive loader: header facts and contacts from a directive's plain text.

Deliberately small and replaceable: it reads what the foundation needs (province, number, date,
subject, phones and e-mails with the person they belong to). The full parser replaces parse_directive.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import phonenumbers

from vntext.normalize import nfc
from vntext.provinces import resolve

_URL_RE = re.compile(r"https?://\S+")
_SPACE_RE = re.compile(r"\s+")
_PLACE_DATE_RE = re.compile(
    r"^\s*(?P<place>[^\W\d][^,\n]{1,40}?),\s*(?P<date>ngày[^\n]*?năm\s*\d{4})", re.MULTILINE
)
_NUMBER_RE = re.compile(
    r"Số\s*:\s*(?P<no>\d*)\s*/\s*(?P<symbol>[A-ZĐ][A-Za-zĐ&]*(?:\s*-\s*[A-ZĐ][A-Za-zĐ&]*)*)"
)
_SUBJECT_RE = re.compile(
    r"V/v\s+(?P<subject>.+?)\s+(?=CỘNG H(?:OÀ|ÒA)|Kính gửi|\S+(?: \S+)?, ngày)"
)
_DATE_PART_RE = {
    "day": re.compile(r"ngày\s+(\d{1,2})\b"),
    "month": re.compile(r"tháng\s+(\d{1,2})\b"),
    "year": re.compile(r"năm\s+(\d{4})\b"),
}
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PERSON_RE = re.compile(
    r"(?:Đ/c|[Oô]ng|[Bb]à)\s+(?P<name>(?:[A-ZĐ\u00c0-\u1ef8][\w]*\s*){2,5}?)\s*-\s*(?P<title>[^,:;]+)"
)
_CLAUSE_BREAK_RE = re.compile(r"[.;:]\s+(?:[-+–]\s+)?")
_PHONE_LABEL_RE = re.compile(
    r"(?:(?:theo\s+)?(?:số điện thoại|ĐT|điện thoại)|[\s,:])+$", re.IGNORECASE
)
_TRAILING_PHONE_RE = re.compile(r"[\d.\s]{8,}\s*[–-]\s*$")
_DEPARTMENTS = {
    "SKHCN": ("Sở Khoa học và Công nghệ", "Sở KH&CN"),
    "STTTT": ("Sở Thông tin và Truyền thông", "Sở TT&TT"),
}


@dataclass
class ParsedContact:
    """One phone or e-mail and what the text says about whose it is."""

    context: str
    name: str | None = None
    title: str | None = None
    phone_e164: str | None = None
    phone_display: str | None = None
    email: str | None = None


@dataclass
class ParsedDirective:
    """Header facts and contacts of one directive."""

    issuing_province: str
    province: str
    department: str
    department_short: str
    number: str
    issued_text: str
    issued_sort: int
    subject: str
    contacts: list[ParsedContact] = field(default_factory=list)


class DirectiveParseError(ValueError):
    """The text does not look like a directive (no place-and-date line or no number)."""


def unwrap(text: str) -> str:
    """One line of NFC text: hard wraps joined, stray URLs (page footers) dropped."""
    return _SPACE_RE.sub(" ", _URL_RE.sub(" ", nfc(text))).strip()


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _issued_sort(date_text: str) -> int:
    parts = {k: rx.search(date_text) for k, rx in _DATE_PART_RE.items()}
    year, month, day = (int(parts[k].group(1)) if parts[k] else 0 for k in ("year", "month", "day"))
    return year * 10000 + month * 100 + day


def _clause_before(flat: str, start: int) -> str | None:
    """The clause that leads up to position start, without its phone label.

    None when the phone directly follows another one ("02053.818.657 – 0918.210.111"): it shares
    the previous number's description.
    """
    window = flat[max(0, start - 300) : start]
    if _TRAILING_PHONE_RE.search(window):
        return None
    window = _PHONE_LABEL_RE.sub("", window)
    breaks = list(_CLAUSE_BREAK_RE.finditer(window))
    clause = window[breaks[-1].end() :] if breaks else window
    clause = clause.strip(" -+–")
    return clause.removeprefix("Hoặc ")


def _describe(contact: ParsedContact, clause: str) -> None:
    """Fill name and title from 'Đ/c Name - Title, ĐT:' or fall back to the unit named in the clause."""
    people = list(_PERSON_RE.finditer(clause))
    if people:
        person = people[-1]
        contact.name = _SPACE_RE.sub(" ", person["name"]).strip()
        contact.title = _PHONE_LABEL_RE.sub("", person["title"]).strip() or None
        return
    contact.title = clause or None


def _contacts(flat: str) -> list[ParsedContact]:
    found: list[tuple[int, ParsedContact]] = []
    previous = ""
    for match in phonenumbers.PhoneNumberMatcher(flat, "VN"):
        clause = _clause_before(flat, match.start)
        clause = previous if clause is None else clause
        previous = clause
        contact = ParsedContact(
            context=clause,
            phone_e164=phonenumbers.format_number(
                match.number, phonenumbers.PhoneNumberFormat.E164
            ),
            phone_display=match.raw_string,
        )
        _describe(contact, clause)
        found.append((match.start, contact))
    for match in _EMAIL_RE.finditer(flat):
        clause = _clause_before(flat, match.start()) or ""
        contact = ParsedContact(context=clause, email=match.group(0).rstrip("."))
        found.append((match.start(), contact))
    return [contact for _, contact in sorted(found, key=lambda item: item[0])]


def parse_directive(text: str) -> ParsedDirective:
    """Parse header facts and contacts; raise DirectiveParseError when the basics are missing."""
    text = nfc(text)
    flat = unwrap(text)
    place = _PLACE_DATE_RE.search(text)
    number = _NUMBER_RE.search(flat)
    if not place or not number:
        raise DirectiveParseError(
            "Không tìm thấy số hiệu hoặc dòng địa danh, ngày tháng của công văn."
        )
    mention = resolve(place["place"])
    issuing = mention.named if mention else place["place"].strip()
    symbol = re.sub(r"\s+", "", number["symbol"])
    department, short = _DEPARTMENTS.get(symbol.split("-")[0], ("Sở", "Sở"))
    subject = _SUBJECT_RE.search(flat)
    date_text = _SPACE_RE.sub(" ", place["date"]).strip()
    return ParsedDirective(
        issuing_province=issuing,
        province=mention.current if mention else issuing,
        department=department,
        department_short=short,
        number=f"{number['no']}/{symbol}",
        issued_text=date_text,
        issued_sort=_issued_sort(date_text),
        subject=subject["subject"].strip() if subject else "",
        contacts=_contacts(flat),
    )
