"""Phones and e-mails in a directive, with the person or unit each belongs to.

Directives give contacts in prose ("Đ/c Đặng Văn Đức - Trưởng phòng CNTT&BCVT, ĐT: 0911378999",
"theo số điện thoại 02053.818.657 – 0918.210.111"), after "đồng chí", in signature blocks
("Người liên hệ: Nguyễn Văn A, chuyên viên, ĐT …") and in tables ("Họ tên | Chức vụ | Điện
thoại"). phonenumbers finds the numbers; a table row's cells, or else the clause before each
number, say whose it is.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import phonenumbers

from vntext.normalize import fold, nfc
from vntext.phones import EMAIL_RE

_URL_RE = re.compile(r"https?://\S+")
_SPACE_RE = re.compile(r"\s+")
_NAME_WORD = r"[A-ZĐÀ-Ỹ][a-zà-ỹđ]*"
_PERSON_RE = re.compile(
    r"(?<!\w)(?:Đ/[Cc]|đ/c|[Đđ]ồng chí|[Oô]ng|[Bb]à|[Aa]nh|[Cc]hị)\s+"
    rf"(?P<name>(?:{_NAME_WORD}\s*){{2,5}}?)\s*(?:[-–,(]\s*|\s+là\s+)(?P<title>[^,:;()]+)"
)
_SURNAMES = {
    fold(name)
    for name in [
        "Nguyễn",
        "Trần",
        "Lê",
        "Phạm",
        "Hoàng",
        "Huỳnh",
        "Phan",
        "Vũ",
        "Võ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Đào",
        "Đinh",
        "Mai",
        "Trịnh",
        "Trương",
        "Lương",
        "Lâm",
        "Hà",
        "Tạ",
        "Cao",
        "Quách",
        "Thái",
        "Tô",
        "Châu",
        "Kiều",
        "Văn",
        "Từ",
        "Đoàn",
        "Vương",
        "Lưu",
        "Triệu",
        "Hứa",
        "Mạc",
        "Phùng",
        "Khúc",
        "Tăng",
        "Lục",
        "Nông",
        "Hầu",
        "La",
        "Lò",
        "Quàng",
        "Chu",
        "Giang",
        "Thân",
        "Kim",
        "Âu",
        "Ông",
        "Diệp",
        "Nghiêm",
    ]
}
_BARE_PERSON_RE = re.compile(
    rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}})\s*(?:[-–,(]\s*|\s+là\s+)(?P<title>[^,:;()]+)"
)
_CLAUSE_BREAK_RE = re.compile(r"(?:[.;:]\s+|\s+\|\s+)(?:[-+–]\s+)?")
_LINE_END_VALUE_RE = re.compile(r"(?:\d|@[\w.-]+\.\w+)[.;,]?$")
_PHONE_LABEL_RE = re.compile(
    r"(?:(?:theo\s+|qua\s+)?(?:số điện thoại|số máy|sđt|đt|điện thoại|di động|dđ|hotline|tel|mobile|"
    r"đường dây nóng)(?:\s+(?:di động|cố định|liên hệ))?|[\s,:(])+$",
    re.IGNORECASE,
)
_TRAILING_PHONE_RE = re.compile(r"[\d.\s]{8,}\s*(?:[–-]|hoặc|,)\s*$")
_TABLE_ROW_RE = re.compile(r"^\s*\|?(?:[^|\n]+\|){2,}[^|\n]*\|?\s*$")
_HEADER_WORDS = {
    "name": ("ho ten", "ho va ten", "can bo", "nguoi lien he", "lanh dao"),
    "title": ("chuc vu", "chuc danh"),
    "unit": ("don vi", "co quan", "bo phan", "phong"),
    "phone": ("dien thoai", "sdt", "so dt", "di dong", "hotline"),
    "email": ("email", "e-mail", "thu dien tu"),
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
    return re.sub(r"^(?:Hoặc|hoặc|Liên hệ|liên hệ|Người liên hệ)\s*:?\s*", "", clause)


def _looks_like_name(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 5 and fold(words[0]) in _SURNAMES


def _describe(contact: ParsedContact, clause: str) -> None:
    """Fill name and title from 'Đ/c Name - Title, ĐT:' or fall back to the unit named in the clause."""
    people = list(_PERSON_RE.finditer(clause))
    if not people:
        people = [m for m in _BARE_PERSON_RE.finditer(clause) if _looks_like_name(m["name"])]
    if people:
        person = people[-1]
        contact.name = _SPACE_RE.sub(" ", person["name"]).strip()
        contact.title = _PHONE_LABEL_RE.sub("", person["title"]).strip(" -–") or None
        return
    bare = clause.strip()
    if _looks_like_name(bare) and all(w[:1].isupper() for w in bare.split()):
        contact.name = bare
        return
    contact.title = clause or None


def _columns(cells: list[str]) -> dict[str, int] | None:
    """Column roles of a table's header row ("Họ tên | Chức vụ | Điện thoại"), or None."""
    roles: dict[str, int] = {}
    for index, cell in enumerate(cells):
        folded = fold(cell)
        for role, words in _HEADER_WORDS.items():
            if role not in roles and any(word in folded for word in words):
                roles[role] = index
                break
    return roles if len(roles) >= 2 and ("phone" in roles or "email" in roles) else None


def _row_contacts(cells: list[str], roles: dict[str, int] | None) -> list[ParsedContact]:
    """The phones and e-mails of one table row, named by the row's other cells."""
    row = " | ".join(cells)
    named = cells[roles["name"]] if roles and "name" in roles and roles["name"] < len(cells) else ""
    # The name column of a contacts table also holds units ("Trực ban Sở"): a unit is a title.
    name = named if _looks_like_name(named) else None
    if name is None and not named:
        name = next((c for c in cells if _looks_like_name(c) and not re.search(r"\d", c)), None)
    described = [named] if named and name is None else []
    described += [
        cells[roles[key]]
        for key in ("title", "unit")
        if roles and key in roles and roles[key] < len(cells) and cells[roles[key]]
    ]
    if not described:
        described = [
            c
            for c in cells
            if c != name and not re.search(r"\d{3}|@", c) and not re.fullmatch(r"\d+\.?", c)
        ]
    title = ", ".join(described) or None
    found = []
    for match in phonenumbers.PhoneNumberMatcher(row, "VN"):
        found.append(
            ParsedContact(
                context=row,
                name=name or None,
                title=title,
                phone_e164=phonenumbers.format_number(
                    match.number, phonenumbers.PhoneNumberFormat.E164
                ),
                phone_display=match.raw_string,
            )
        )
    for address in EMAIL_RE.finditer(row):
        found.append(ParsedContact(row, name or None, title, email=address.group(0).rstrip(".")))
    return found


def _tables(lines: list[str]) -> tuple[list[ParsedContact], list[str]]:
    """Contacts from table rows, and the other lines for prose extraction."""
    contacts: list[ParsedContact] = []
    prose: list[str] = []
    roles: dict[str, int] | None = None
    for line in lines:
        if not _TABLE_ROW_RE.match(line):
            prose.append(line)
            roles = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        header = _columns(cells)
        if header is not None and not re.search(r"\d{6}", line):
            roles = header
            continue
        contacts += _row_contacts(cells, roles)
    return contacts, prose


def extract_contacts(text: str) -> list[ParsedContact]:
    """Every phone and e-mail of the document, in the order they appear (tables first)."""
    table_contacts, prose = _tables(nfc(text).replace("**", "").splitlines())
    # A line that ends with a number or an address closes its clause: the next line's label
    # ("Cơ sở 2: 0220…") must not take the previous line's number as its description.
    flat = unwrap(
        "\n".join(
            f"{line.rstrip()};" if _LINE_END_VALUE_RE.search(line.strip()) else line
            for line in prose
        )
    )
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
    for address in EMAIL_RE.finditer(flat):
        clause = _clause_before(flat, address.start()) or ""
        contact = ParsedContact(context=clause, email=address.group(0).rstrip("."))
        _describe(contact, clause)
        found.append((address.start(), contact))
    prose_contacts = [contact for _, contact in sorted(found, key=lambda item: item[0])]
    return _merged([*table_contacts, *prose_contacts])


def _merged(contacts: list[ParsedContact]) -> list[ParsedContact]:
    """One entry per phone or e-mail: a number repeated in the text keeps its best description."""
    kept: dict[str, ParsedContact] = {}
    for contact in contacts:
        key = contact.phone_e164 or (contact.email or "").lower()
        if key not in kept or (kept[key].name is None and contact.name is not None):
            kept[key] = contact
    return list(kept.values())
