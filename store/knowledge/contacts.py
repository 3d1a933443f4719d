"""Phones and e-mails in a directive, with the person or unit each belongs to.

Directives give contacts in prose ("Đ/c Đặng Văn Đức - Trưởng phòng CNTT&BCVT, ĐT: 0911378999",
"theo số điện thoại 02053.818.657 – 0918.210.111"); phonenumbers finds the numbers, and the clause
before each one says whose it is.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import phonenumbers

from vntext.normalize import nfc

_URL_RE = re.compile(r"https?://\S+")
_SPACE_RE = re.compile(r"\s+")
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PERSON_RE = re.compile(
    r"(?:Đ/c|[Oô]ng|[Bb]à)\s+(?P<name>(?:[A-ZĐ\u00c0-\u1ef8][\w]*\s*){2,5}?)\s*-\s*(?P<title>[^,:;]+)"
)
_CLAUSE_BREAK_RE = re.compile(r"[.;:]\s+(?:[-+–]\s+)?")
_PHONE_LABEL_RE = re.compile(
    r"(?:(?:theo\s+)?(?:số điện thoại|ĐT|điện thoại)|[\s,:])+$", re.IGNORECASE
)
_TRAILING_PHONE_RE = re.compile(r"[\d.\s]{8,}\s*[–-]\s*$")


@dataclass
class ParsedContact:
    """One phone or e-mail and what the text says about whose it is."""

    context: str
    name: str | None = None
    title: str | None = None
    phone_e164: str | None = None
    phone_display: str | None = None
    email: str | None = None


def unwrap(text: str) -> str:
    """One line of NFC text: hard wraps joined, stray URLs (page footers) dropped."""
    return _SPACE_RE.sub(" ", _URL_RE.sub(" ", nfc(text))).strip()


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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


def extract_contacts(flat: str) -> list[ParsedContact]:
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
