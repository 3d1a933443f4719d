"""A duty roster pasted into one chat message, one person per line, read into rows.

Enterprises keep rosters in Excel and paste them as text, so fields come in any order, separated by
" - ", "–", "|", ";" or tabs: "Nguyễn Văn A - Phó Giám đốc - 0912345678 - 10/02 - trực lãnh đạo".
Each field is recognised by its shape (phone, e-mail, date or range, shift, duty type); a run of 2–6
capitalised words is the name and what is left is the position. A date range becomes one row per day.
Lines that only name a duty type, a date or a shift ("Trực lãnh đạo:", "Ngày 10/02:") apply to the
lines below them. What a line lacks or gets wrong becomes a problem with a Vietnamese message, so the
bot can show the table and ask only for what is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

from common.vocabulary import DutyType
from vntext.dates import (
    DateParseError,
    Shift,
    find_all_dates,
    find_shift,
    fold_keep_offsets,
)
from vntext.lunar_calendar import lunar_text
from vntext.normalize import fold, nfc
from vntext.phones import EMAIL_RE, Phone, find_phone_matches, parse_phone

DUTY_TYPES: dict[str, str] = DutyType.labels()
# Folded phrases recognised anywhere in a field: the words users type for each duty type.
_DUTY_PHRASES: dict[str, tuple[str, ...]] = {duty.value: duty.phrases for duty in DutyType}
# Phrases that also occur in job titles ("Trưởng phòng điều hành"): only a whole field counts.
_DUTY_WHOLE: dict[str, str] = {
    "lanh dao": "truc_lanh_dao",
    "dieu hanh": "truc_dieu_hanh",
    "van hanh": "van_hanh_khai_thac",
    "khai thac": "van_hanh_khai_thac",
}
_DUTY_RE = re.compile(
    r"(?<!\w)("
    + "|".join(
        sorted(
            (re.escape(p) for phrases in _DUTY_PHRASES.values() for p in phrases),
            key=len,
            reverse=True,
        )
    )
    + r")(?!\w)"
)
_DUTY_BY_PHRASE = {p: code for code, phrases in _DUTY_PHRASES.items() for p in phrases}

REQUIRED: tuple[str, ...] = ("full_name", "phone", "duty_date", "duty_type")
FIELD_LABELS: dict[str, str] = {
    "full_name": "họ tên",
    "phone": "số điện thoại",
    "duty_date": "ngày trực",
    "duty_type": "loại trực",
    "shift": "ca/giờ trực",
    "position": "chức vụ",
}
FIELD_EXAMPLES: dict[str, str] = {
    "full_name": "Nguyễn Văn A",
    "phone": "0912345678",
    "duty_date": "10/02 hoặc mùng 2 Tết",
    "duty_type": "trực lãnh đạo, trực điều hành, trực ca, ứng cứu thông tin hoặc vận hành khai thác",
    "shift": "ca sáng, 8h-17h hoặc 24/24",
    "position": "Phó Giám đốc",
}
LINE_EXAMPLE = "Nguyễn Văn A - Phó Giám đốc - 0912345678 - 10/02 - trực lãnh đạo"

_SPLIT_RE = re.compile(r"\s+[-–—]\s+|\s*[|;\t]\s*|\s*[–—]\s*|\s{3,}")
_NUMBERING_RE = re.compile(r"^\s*(?:[-•*+]\s+|\d{1,3}\s*(?:[.)/:]|\s[-–|])\s+)")
_PAREN_RE = re.compile(r"^(?P<outer>[^()]+?)\s*\((?P<inner>[^()]+)\)\s*$")
_HONORIFIC_RE = re.compile(r"^(?:ong|ba|d/c|dc|dong chi)\s+")
_DIGITS_ONLY_RE = re.compile(r"^[\d\s.+()\-]+$")
_FILLER = {
    "ngay",
    "tu",
    "truc",
    "vao",
    "luc",
    "ca",
    "sdt",
    "dt",
    "email",
    "mail",
    "so",
    "la",
    "gio",
}
_HEADER_WORDS = (
    "ho ten",
    "ho va ten",
    "chuc vu",
    "so dien thoai",
    "sdt",
    "ngay truc",
    "stt",
    "ca truc",
)
# Folded words of job titles; names never contain them (single syllables such as "phong" or
# "truong" are also given names or surnames, so only unambiguous words and pairs are listed).
_POSITION_WORDS = (
    "giam doc", "gd", "pgd", "tgd", "truong phong", "pho phong", "truong ca", "ca truong",
    "truong ban", "pho ban", "truong tram", "truong dai", "doi truong", "to truong", "ky thuat",
    "ktv", "ky su", "nhan vien", "nv", "chuyen vien", "cv", "can bo", "lanh dao", "ke toan",
    "chanh van phong", "quan ly", "dieu hanh", "van hanh", "khai thac", "chu tich", "thu ky",
    "bao ve", "lai xe", "giao dich", "buu ta", "chi nhanh", "trung tam", "tp", "pp", "truc",
)  # fmt: skip
_SURNAMES = frozenset(
    fold(name)
    for name in (
        "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
        "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đào", "Đoàn", "Vương", "Trịnh",
        "Trương", "Lâm", "Phùng", "Mai", "Tô", "Hà", "Tạ", "Lương", "Đinh", "Cao",
        "Lưu", "Châu", "Quách", "Thái", "Kiều", "Chu", "Triệu", "Tăng", "La", "Lại",
        "Lục", "Nông", "Hứa", "Mạc", "Khúc", "Âu", "Doãn", "Tôn", "Thân", "Vi",
        "Lò", "Hầu", "Giang", "Quan", "Tống", "Văn", "Đàm", "Khổng", "Kim", "Lã",
        "Lạc", "Mẫn", "Nghiêm", "Ninh", "Ông", "Quang", "Sầm", "Thạch", "Thiều", "Từ",
        "Ung", "Viên", "Yên", "Đồng", "Đới", "Bạch",
    )
)  # fmt: skip


@dataclass
class RosterEntry:
    """One person on duty on one day (a range in the message gives one entry per day)."""

    line_no: int
    full_name: str | None = None
    position: str | None = None
    phone_e164: str | None = None
    phone_display: str | None = None
    email: str | None = None
    duty_type: str | None = None
    duty_date: date | None = None
    lunar_text: str | None = None
    shift_start: time | None = None
    shift_end: time | None = None
    all_day: bool = False
    overnight: bool = False
    shift_label: str | None = None
    organisation: str | None = None
    note: str | None = None

    @property
    def duty_label(self) -> str | None:
        """ "Trực lãnh đạo" for the code, for tables and replies."""
        return DUTY_TYPES.get(self.duty_type) if self.duty_type else None

    @property
    def shift(self) -> Shift | None:
        """The entry's hours as a Shift, or None when the line gave none."""
        if not self.all_day and self.shift_start is None:
            return None
        return Shift(
            self.shift_start, self.shift_end, self.all_day, self.overnight, self.shift_label
        )

    @property
    def missing(self) -> tuple[str, ...]:
        """Required field codes still empty, in REQUIRED order."""
        values = {
            "full_name": self.full_name,
            "phone": self.phone_e164,
            "duty_date": self.duty_date,
            "duty_type": self.duty_type,
        }
        return tuple(code for code in REQUIRED if values[code] is None)


@dataclass(frozen=True)
class RosterProblem:
    """What is wrong or missing on one line, as a message to show the user."""

    line_no: int
    message: str
    missing: tuple[str, ...] = ()
    line: str = ""


@dataclass
class RosterParse:
    """Entries understood (possibly incomplete) and the problems to ask about."""

    entries: list[RosterEntry] = field(default_factory=list)
    problems: list[RosterProblem] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when nothing needs asking before the roster can be filed."""
        return not self.problems


@dataclass
class _Facts:
    """What the fields of one line said."""

    names: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    duty_type: str | None = None
    dates: tuple[date, ...] = ()
    shift: Shift | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def has_roster_data(self) -> bool:
        """True when the line gave anything a roster row holds besides a name."""
        return bool(self.phones or self.dates or self.duty_type or self.shift or self.errors)


# --- splitting ----------------------------------------------------------------------------------


def _protected_spans(
    line: str, reference: date | datetime | None, tet_year: int | None
) -> list[tuple[int, int]]:
    """Spans of date ranges and hour ranges, whose dashes ("08/02 - 14/02", "8h - 17h") are not separators."""
    spans: list[tuple[int, int]] = []
    with suppress(DateParseError):
        spans += [(m.start, m.end) for m in find_all_dates(line, reference, tet_year) if m.is_range]
    try:
        shift = find_shift(line)
    except DateParseError:
        shift = None
    if shift:
        spans.append((shift.start, shift.end))
    return spans


def split_fields(
    line: str, reference: date | datetime | None = None, tet_year: int | None = None
) -> list[str]:
    """Fields of one roster line; commas separate only when nothing else does."""
    line = _NUMBERING_RE.sub("", nfc(line))
    protected = _protected_spans(line, reference, tet_year)
    pieces: list[str] = []
    last = 0
    for match in _SPLIT_RE.finditer(line):
        if any(start < match.end() and match.start() < end for start, end in protected):
            continue
        pieces.append(line[last : match.start()])
        last = match.end()
    pieces.append(line[last:])
    fields = [piece.strip(" ,.:") for piece in pieces if piece.strip(" ,.:")]
    if len(fields) == 1 and "," in line:
        fields = [piece.strip(" .:") for piece in line.split(",") if piece.strip(" .:")]
    return fields


# --- recognising fields -------------------------------------------------------------------------


def duty_type_of(text: str) -> str | None:
    """Duty type code named in text: "trực lãnh đạo", "truc lanh dao", "UCTT", or a bare "lãnh đạo"."""
    folded = fold(nfc(text)).strip(" .:")
    if folded in _DUTY_WHOLE:
        return _DUTY_WHOLE[folded]
    match = _DUTY_RE.search(folded)
    return _DUTY_BY_PHRASE[match.group(1)] if match else None


def _duty_span(folded: str) -> tuple[str, int, int] | None:
    """Duty code and its span in a folded field, whole-field phrases first."""
    stripped = folded.strip(" .:")
    if stripped in _DUTY_WHOLE:
        start = folded.index(stripped)
        return _DUTY_WHOLE[stripped], start, start + len(stripped)
    match = _DUTY_RE.search(folded)
    return (_DUTY_BY_PHRASE[match.group(1)], *match.span()) if match else None


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Text with the given spans replaced by spaces (offsets stay valid)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _is_filler(text: str) -> bool:
    """True when what is left of a field is only glue words ("ngày", "từ", "trực")."""
    words = re.findall(r"\w+", fold(text))
    return all(word in _FILLER for word in words)


def _read_field(
    text: str, facts: _Facts, reference: date | datetime | None, tet_year: int | None
) -> None:
    """Take from one field every fact its shape shows; keep what is left as a name or position."""
    folded = fold_keep_offsets(text)
    spans: list[tuple[int, int]] = []
    for email in EMAIL_RE.finditer(text):
        facts.emails.append(email[0])
        spans.append(email.span())
    for phone in find_phone_matches(_blank(text, spans)):
        facts.phones.append(phone.phone)
        spans.append((phone.start, phone.end))
    _read_dates(_blank(text, spans), facts, spans, reference, tet_year)
    _read_shift(_blank(text, spans), facts, spans)
    duty = _duty_span(_blank(folded, spans))
    if duty:
        facts.duty_type = facts.duty_type or duty[0]
        spans.append(duty[1:])
    rest = re.sub(r"\s+", " ", _blank(text, spans)).strip(" ,.:-–()")
    if rest and not _is_filler(rest):
        _read_leftover(rest, facts)


def _read_dates(
    text: str,
    facts: _Facts,
    spans: list[tuple[int, int]],
    reference: date | datetime | None,
    tet_year: int | None,
) -> None:
    """Take the first date or range of a field; an impossible date becomes the line's error."""
    try:
        found = find_all_dates(text, reference, tet_year)
    except DateParseError as error:
        facts.errors.setdefault("duty_date", str(error))
        spans.append((0, len(text)))
        return
    if found:
        facts.dates = facts.dates or found[0].dates
        spans.extend((match.start, match.end) for match in found)


def _read_shift(text: str, facts: _Facts, spans: list[tuple[int, int]]) -> None:
    """Take the field's shift; explicit hours replace a shift known only by name."""
    try:
        found = find_shift(text)
    except DateParseError as error:
        facts.errors.setdefault("shift", str(error))
        spans.append((0, len(text)))
        return
    if found:
        if facts.shift is None or (found.shift.start and not facts.shift.start):
            facts.shift = found.shift
        spans.append((found.start, found.end))


def _read_leftover(rest: str, facts: _Facts) -> None:
    """A name, a position, "Name (position)", or a number that is not a valid phone."""
    if _DIGITS_ONLY_RE.match(rest):
        try:
            facts.phones.append(parse_phone(rest))
        except ValueError as error:
            facts.errors.setdefault("phone", str(error))
        return
    paren = _PAREN_RE.match(rest)
    parts = [paren["outer"], paren["inner"]] if paren else [rest]
    for part in parts:
        name = name_in(part)
        if name and not facts.names:
            facts.names.append(name)
        else:
            facts.others.append(part.strip())


def name_in(text: str) -> str | None:
    """The person's name if text is 2–6 capitalised words (or starts with a known surname).

    Job titles are excluded by their words ("Phó Giám Đốc" is capitalised but a title); lower-case,
    unaccented names ("nguyen van a") are accepted when they start with a Vietnamese surname.
    """
    text = nfc(text)
    words = text.split()
    folded = fold(text)
    honorific = _HONORIFIC_RE.match(folded)
    if honorific:
        words = words[len(honorific[0].split()) :]
        folded = folded[honorific.end() :]
    if not 2 <= len(words) <= 6 or not all(w.rstrip(".").isalpha() for w in words):
        return None
    folded_words = folded.split()
    if any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", folded) for p in _POSITION_WORDS):
        return None
    capitalised = all(word[0].isupper() for word in words)
    if not capitalised and folded_words[0] not in _SURNAMES:
        return None
    return " ".join(words) if capitalised else " ".join(w.capitalize() for w in words)


def _facts_of(line: str, reference: date | datetime | None, tet_year: int | None) -> _Facts:
    """Read every field of one line."""
    facts = _Facts()
    for text in split_fields(line, reference, tet_year):
        _read_field(text, facts, reference, tet_year)
    return facts


def _is_header(line: str) -> bool:
    """A table header row ("STT | Họ tên | Chức vụ | SĐT") has at least two column names."""
    folded = fold(line)
    return sum(word in folded for word in _HEADER_WORDS) >= 2


# --- building entries ---------------------------------------------------------------------------


def _entries_of(
    line_no: int, facts: _Facts, context: _Facts, organisation: str | None
) -> list[RosterEntry]:
    """One entry per day; what the line lacks comes from the section heading above it."""
    phone = facts.phones[0] if facts.phones else None
    shift = facts.shift or context.shift
    notes = [f"SĐT khác: {p.display}" for p in facts.phones[1:]]
    position = ", ".join(dict.fromkeys(facts.others)) or None
    base = RosterEntry(
        line_no=line_no,
        full_name=facts.names[0] if facts.names else None,
        position=position,
        phone_e164=phone.e164 if phone else None,
        phone_display=phone.display if phone else None,
        email=facts.emails[0] if facts.emails else None,
        duty_type=facts.duty_type or context.duty_type,
        shift_start=shift.start if shift else None,
        shift_end=shift.end if shift else None,
        all_day=bool(shift and shift.all_day),
        overnight=bool(shift and shift.overnight),
        shift_label=shift.label if shift else None,
        organisation=organisation,
        note="; ".join(notes) or None,
    )
    days = facts.dates or ("duty_date" not in facts.errors and context.dates) or ()
    if not days:
        return [base]
    return [replace(base, duty_date=day, lunar_text=_lunar_or_none(day)) for day in days]


def _lunar_or_none(day: date) -> str | None:
    """Lunar text for the table, or None outside the supported years."""
    try:
        return lunar_text(day)
    except ValueError:
        return None


def _problems_of(
    line_no: int, line: str, facts: _Facts, entry: RosterEntry, required: tuple[str, ...]
) -> list[RosterProblem]:
    """One problem per wrong field (its own message) and one listing what is missing."""
    problems = [
        RosterProblem(line_no, f"Dòng {line_no}: {message}", (code,), line)
        for code, message in facts.errors.items()
        if code in ("phone", "duty_date", "shift")
    ]
    values = {
        "full_name": entry.full_name,
        "phone": entry.phone_e164,
        "duty_date": entry.duty_date,
        "duty_type": entry.duty_type,
        "shift": entry.shift,
        "position": entry.position,
    }
    missing = tuple(c for c in required if values.get(c) is None and c not in facts.errors)
    if missing:
        who = f" ({entry.full_name})" if entry.full_name else ""
        labels = _join([FIELD_LABELS[c] for c in missing])
        examples = "; ".join(FIELD_EXAMPLES[c] for c in missing)
        problems.append(
            RosterProblem(
                line_no,
                f"Dòng {line_no}{who}: chưa có {labels}. Vui lòng gửi bổ sung, ví dụ: {examples}.",
                missing,
                line,
            )
        )
    return problems


def _join(labels: list[str]) -> str:
    """ "a", "a và b", "a, b và c"."""
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " và " + labels[-1]


def parse_roster(
    text: str,
    reference: date | datetime | None = None,
    tet_year: int | None = None,
    organisation: str | None = None,
    required: Iterable[str] = REQUIRED,
) -> RosterParse:
    """Read a pasted roster: entries (one per person per day) plus per-line problems.

    Dates without a year land nearest the reference day (or the Tết of ``tet_year``). Lines that
    only give a duty type, date or shift set it for the lines below; headers and blank lines are
    skipped. ``required`` lists the field codes whose absence is a problem (add "shift" to ask
    for hours too).
    """
    result = RosterParse()
    context = _Facts()
    wanted = tuple(required)
    for line_no, raw in enumerate(nfc(text).splitlines(), start=1):
        line = raw.strip()
        if not line or _is_header(line):
            continue
        facts = _facts_of(line, reference, tet_year)
        if not facts.names and not facts.phones and not facts.errors:
            if facts.has_roster_data:
                context = _Facts(
                    duty_type=facts.duty_type or context.duty_type,
                    dates=facts.dates or context.dates,
                    shift=facts.shift or context.shift,
                )
            continue
        entries = _entries_of(line_no, facts, context, organisation)
        result.entries.extend(entries)
        result.problems.extend(_problems_of(line_no, line, facts, entries[0], wanted))
    return result


# --- showing ------------------------------------------------------------------------------------


def _entry_block(number: int, entry: RosterEntry) -> str:
    """ "1. Nguyễn Văn A — Phó Giám đốc" over "   Trực lãnh đạo · 10/02/2026 · 07:00–17:00 · 0912345678"."""
    title = entry.full_name or "(chưa có họ tên)"
    if entry.position:
        title += f" — {entry.position}"
    details = [
        entry.duty_label or "(chưa có loại trực)",
        f"{entry.duty_date:%d/%m/%Y}" if entry.duty_date else "(chưa có ngày)",
    ]
    if entry.shift:
        details.append(entry.shift.text())
    details.append(entry.phone_display or "(chưa có SĐT)")
    if entry.email:
        details.append(entry.email)
    return f"{number}. {title}\n   " + " · ".join(details)


def format_table(entries: Iterable[RosterEntry]) -> str:
    """A compact, phone-friendly table (one block per entry) to confirm a roster before filing."""
    blocks = [_entry_block(number, entry) for number, entry in enumerate(entries, start=1)]
    return "\n".join(blocks) if blocks else "(Chưa có dòng nào trong danh sách trực.)"
