"""Structured parser for provincial Tết directives (công văn): duties, deadlines, holidays.

The loader reads header facts and contacts; this module reads the whole document so the bot can
answer "what must the postal enterprises do", "when is the report due and where do I send it" and
"which days are off". The texts are converted from PDF/Word and are messy: sentences are hard-wrapped
(sometimes with a blank line in the middle of a sentence), page headers come out of order, page-footer
URLs sit on their own lines, numbers and days are left blank for the signer to fill in, and some
files carry markdown `**bold**`. Everything here works line-by-line on NFC text and never relies on
blank lines, because one directive double-spaces every wrapped line.

Conventions:
- A deadline with no time of day is due at the end of that day, 23:59:59 Asia/Ho_Chi_Minh, with
  ``has_time=False``: "chậm nhất là ngày 01/02/2024" still accepts a report sent that evening.
- A deadline date without a year takes the directive's year (the next year when its month is
  earlier than the issuing month).
- Things that look like a deadline or a phone number but cannot be read end up in ``warnings``
  instead of raising: one bad date must not cost the whole directive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from store.knowledge.contacts import ParsedContact, extract_contacts, unwrap
from vntext.normalize import clean_message, fold, nfc
from vntext.provinces import resolve

__all__ = [
    "AudienceSection",
    "Deadline",
    "Directive",
    "DirectiveParseError",
    "Holiday",
    "LegalBasis",
    "PartialDate",
    "parse",
]


def _local_zone() -> tzinfo:
    """Asia/Ho_Chi_Minh; a fixed +07:00 (unchanged since 1975) when the tz database is missing."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Asia/Ho_Chi_Minh")
    except (ImportError, KeyError):  # pragma: no cover - hosts without a tz database
        return timezone(timedelta(hours=7), "ICT")


LOCAL_TZ = _local_zone()
# Bump when parsing changes what is read: stored directives are then re-parsed at the next load.
PARSER_VERSION = 1


class DirectiveParseError(ValueError):
    """The text does not look like a directive (no number or no place-and-date line)."""


END_OF_DAY = time(23, 59, 59)

# --------------------------------------------------------------------------------------------
# Public records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartialDate:
    """An issue date as typed: the signer often leaves the day (or day and month) blank."""

    day: int | None = None
    month: int | None = None
    year: int | None = None


@dataclass(frozen=True)
class LegalBasis:
    """A document the directive cites (Chỉ thị, Văn bản, Thông tư...)."""

    kind: str
    number: str
    date: date | None = None
    issuer: str | None = None


@dataclass
class AudienceSection:
    """One numbered part of the directive, who it addresses and its duty items in order."""

    heading: str
    audiences: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Deadline:
    """Something due by a date (and maybe a time), with who sends it, to whom and how."""

    what: str
    due: datetime
    has_time: bool
    lunar_text: str | None
    who: str | None
    to: str | None
    channel: str | None
    email: str | None
    source_sentence: str


@dataclass(frozen=True)
class Holiday:
    """A date range (inclusive) such as the days off or the days flags are flown."""

    start: date
    end: date
    text: str


@dataclass
class Directive:
    """Everything the bot answers from one directive; all text is NFC."""

    issuing_province: str
    province: str
    department: str
    number: str
    issued: PartialDate
    subject: str
    tet_name: str | None = None
    legal_bases: list[LegalBasis] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    sections: list[AudienceSection] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    contacts: list[ParsedContact] = field(default_factory=list)
    holidays: list[Holiday] = field(default_factory=list)
    flag_schedule: list[Holiday] = field(default_factory=list)
    signer: str | None = None
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Lines and blocks
# --------------------------------------------------------------------------------------------

_URL_LINE_RE = re.compile(r"(?:https?://\S+\s*)+")
_BULLET_RE = re.compile(r"^(?P<marker>[-+*•–])\s*(?P<text>\S.*)$")
_HEADING_RE = re.compile(r"^(?P<number>\d{1,2}\.(?:\d{1,2}\.?)?)\s+(?P<title>\S.*)$")
_NUMBER_LINE_RE = re.compile(r"^Số\s*:")
_SUBJECT_LINE_RE = re.compile(r"^V/v\b\s*")
_RECIPIENTS_LINE_RE = re.compile(r"^Kính gửi\s*:\s*")
_CLOSING_LINE_RE = re.compile(r"^Nơi nhận\s*:")
_MOTTO_RE = re.compile(r"^Độc lập\s*-\s*Tự do\s*-\s*Hạnh phúc", re.IGNORECASE)
_PLACE_DATE_RE = re.compile(
    r"^(?P<place>[^\W\d][^,]{1,40}?),\s*(?P<date>ngày\b[^,]*?năm\s*\d{4})\s*[.]?$"
)
_TERMINATORS = (".", ";", ":", "!", "?")

# Block kinds.
HEADER, SUBJECT, RECIPIENTS, RECIPIENT, HEADING, BULLET, PARA, CLOSING = (
    "header",
    "subject",
    "recipients",
    "recipient",
    "heading",
    "bullet",
    "para",
    "closing",
)


@dataclass
class _Block:
    """A logical line: one bullet, heading or paragraph with its hard wraps joined."""

    kind: str
    text: str
    marker: str = ""
    continuable: bool = True

    def accepts(self, line: str) -> bool:
        """Whether a plain line continues this block rather than starting a paragraph.

        A wrapped sentence never ends in a terminator, so an unterminated block swallows the next
        plain line. Recipient lines only take a lower-case continuation: "Kính gửi: Các doanh
        nghiệp ... tỉnh" often has no final period and the next line opens the body.
        """
        if not self.continuable or self.text.endswith(_TERMINATORS):
            return False
        if self.kind in (RECIPIENTS, RECIPIENT):
            return line[:1].islower()
        return True


def _clean_lines(text: str) -> list[str]:
    """NFC lines without markdown bold, blank lines or page-footer URL lines."""
    text = nfc(text).replace("\ufeff", "").replace("**", "")
    lines = (clean_message(raw) for raw in text.splitlines())
    return [line for line in lines if line and not _URL_LINE_RE.fullmatch(line)]


def _is_header_line(line: str) -> bool:
    """Upper-case letterhead lines (UBND TỈNH..., CỘNG HÒA..., GIÁM ĐỐC) and the motto."""
    letters = [c for c in line if c.isalpha()]
    return (len(letters) >= 2 and line == line.upper()) or bool(_MOTTO_RE.match(line))


def _start_block(line: str, in_recipients: bool) -> _Block | None:
    """The block a line opens, or None when it is plain text (a continuation or a paragraph)."""
    if _NUMBER_LINE_RE.match(line) or _PLACE_DATE_RE.match(line):
        return _Block(HEADER, line, continuable=False)
    if _SUBJECT_LINE_RE.match(line):
        return _Block(SUBJECT, _SUBJECT_LINE_RE.sub("", line))
    if match := _RECIPIENTS_LINE_RE.match(line):
        return _Block(RECIPIENTS, line[match.end() :])
    if _CLOSING_LINE_RE.match(line):
        return _Block(CLOSING, line, continuable=False)
    if match := _BULLET_RE.match(line):
        kind = RECIPIENT if in_recipients else BULLET
        return _Block(kind, match["text"], marker=match["marker"])
    match = _HEADING_RE.match(line)
    if match and match["title"][0].isupper():
        title = match["title"]
        # Only a heading with text after its colon ("3. Báo cáo: Báo cáo kết quả...") can wrap.
        _, colon, inline = title.partition(":")
        return _Block(HEADING, title, marker=match["number"], continuable=bool(colon and inline))
    if _is_header_line(line):
        return _Block(HEADER, line, continuable=False)
    return None


def _join_wrap(head: str, tail: str) -> str:
    """Join a hard wrap; a wrap right after a hyphen inside a symbol ("TT-" / "BTTTT") closes up.

    "kinh tế -" (space before the dash) is a sentence dash and keeps its space.
    """
    if re.search(r"\S-$", head):
        return head + tail
    return f"{head} {tail}"


def _blocks(lines: list[str]) -> list[_Block]:
    """Join hard-wrapped lines into logical blocks; blank lines carry no meaning here."""
    blocks: list[_Block] = []
    in_recipients = False
    for line in lines:
        block = _start_block(line, in_recipients)
        if block is None:
            if blocks and blocks[-1].accepts(line):
                blocks[-1].text = _join_wrap(blocks[-1].text, line)
                continue
            block = _Block(PARA, line)
        if block.kind == RECIPIENTS:
            in_recipients = not block.text
        elif block.kind != RECIPIENT:
            in_recipients = False
        blocks.append(block)
    return blocks


# --------------------------------------------------------------------------------------------
# Header facts
# --------------------------------------------------------------------------------------------

_NUMBER_RE = re.compile(
    r"Số\s*:\s*(?P<no>\d*)\s*/\s*(?P<symbol>[A-ZĐ][A-Za-zĐ&]*(?:\s*-\s*[A-ZĐ][A-Za-zĐ0-9&]*)*)"
)
_DATE_PART_RE = {
    "day": re.compile(r"ngày\s+(\d{1,2})\b"),
    "month": re.compile(r"tháng\s+(\d{1,2})\b"),
    "year": re.compile(r"năm\s+(\d{4})\b"),
}
_DEPARTMENTS = {
    "STTTT": "Sở Thông tin và Truyền thông",
    "SKHCN": "Sở Khoa học và Công nghệ",
}
_SUBJECT_TAIL_RE = re.compile(r"\s+(?:CỘNG H(?:OÀ|ÒA)|Kính gửi\s*:).*$")
_STEMS = ("Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý")
_BRANCHES = ("Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi")
_FOLDED_STEMS = {fold(stem): i for i, stem in enumerate(_STEMS)}


def _folded_branches() -> dict[str, tuple[int, ...]]:
    """Folded branch -> candidate indexes; "ty" is both Tý and Tỵ once tones are gone.

    "ti" is the Tị spelling of Tỵ and "meo" the Mẹo spelling of Mão.
    """
    table: dict[str, tuple[int, ...]] = {"ti": (5,), "meo": (3,)}
    for index, branch in enumerate(_BRANCHES):
        table[fold(branch)] = (*table.get(fold(branch), ()), index)
    return table


_FOLDED_BRANCHES = _folded_branches()
_TET_RE = re.compile(
    rf"\btet\s+(?:nguyen dan\s+)?(?P<stem>{'|'.join(_FOLDED_STEMS)})\s+"
    rf"(?P<branch>{'|'.join(sorted(_FOLDED_BRANCHES, key=len, reverse=True))})\b"
)


def _header_field(blocks: list[_Block], pattern: re.Pattern[str]) -> re.Match[str] | None:
    """First match of pattern in a letterhead block, wherever the page put it."""
    for block in blocks:
        if block.kind == HEADER and (match := pattern.search(block.text)):
            return match
    return None


def _partial_date(date_text: str, warnings: list[str]) -> PartialDate:
    """Day, month and year as far as the signer filled them in."""
    parts = {key: rx.search(date_text) for key, rx in _DATE_PART_RE.items()}
    day, month, year = (int(parts[k].group(1)) if parts[k] else None for k in parts)
    if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
        warnings.append(f"Ngày ban hành không hợp lệ: «{date_text}»")
        return PartialDate(None, None, year)
    return PartialDate(day, month, year)


def _department(symbol: str, flat: str) -> str:
    """The issuing department from the number's symbol, else the first department named."""
    known = _DEPARTMENTS.get(symbol.split("-")[0])
    if known:
        return known
    named = [(flat.find(name), name) for name in _DEPARTMENTS.values() if name in flat]
    return min(named)[1] if named else "Sở"


def _tet_name(*texts: str) -> str | None:
    """'Giáp Thìn', 'Ất Tỵ'... from the first text naming one; typos like 'Ất Ty' are repaired.

    Folding loses Tý/Tỵ, but a stem only pairs with branches of the same parity in the 60-year
    cycle, so Ất (odd) + "ty" can only be Tỵ.
    """
    for text in texts:
        for match in _TET_RE.finditer(fold(text)):
            stem = _FOLDED_STEMS[match["stem"]]
            branches = [b for b in _FOLDED_BRANCHES[match["branch"]] if b % 2 == stem % 2]
            if branches:
                return f"{_STEMS[stem]} {_BRANCHES[branches[0]]}"
    return None


def _strip_item(text: str) -> str:
    """Item text without trailing list punctuation; the closing './.' becomes a plain period."""
    text = text.strip()
    if text.endswith("./."):
        text = text[:-2]
    return text.rstrip(" ;,").strip()


def _capitalised(text: str) -> str:
    """First letter upper-cased: 'Đối với X: các doanh nghiệp cần...' leaves a lower-case item."""
    return text[:1].upper() + text[1:]


def _recipients(blocks: list[_Block]) -> list[str]:
    """The 'Kính gửi:' addressees: inline ones split on ';' and the bullet lines under it."""
    found: list[str] = []
    for block in blocks:
        if block.kind == RECIPIENTS:
            found.extend(part for part in block.text.split(";"))
        elif block.kind == RECIPIENT:
            found.append(block.text)
    return [name for name in (_strip_item(part).rstrip(".") for part in found) if name]


def _is_name_word(word: str) -> bool:
    """'Nguyễn', 'Lâm', 'A': capitalised letters only."""
    return word.isalpha() and word[0].isupper() and (len(word) == 1 or word[1:].islower())


def _signer(blocks: list[_Block]) -> str | None:
    """The name under the signature: a last line of 2-6 capitalised words, no digits."""
    if not blocks or blocks[-1].kind != PARA:
        return None
    words = blocks[-1].text.split()
    if 2 <= len(words) <= 6 and all(_is_name_word(w) for w in words):
        return blocks[-1].text
    return None


# --------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------

_AUDIENCE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(pattern))
    for code, pattern in (
        ("so_nganh_ubnd", r"\bsở,? ban,? ngành|\bsở ngành|\bubnd\b|[uủ]y ban nhân dân"),
        ("buu_chinh", r"bưu chính|chuyển phát|chuyên phát"),
        ("vien_thong", r"viễn thông|\bdi động"),
        ("internet", r"\binternet\b"),
        ("truyen_hinh_tra_tien", r"truyền hình trả tiền|truyền hình cáp"),
        ("bao_chi", r"báo chí|\bbáo\b(?! cáo)|\bđài\b|phát thanh|\bptth\b"),
        ("trung_tam_cntt", r"trung tâm (?:công nghệ thông tin|cntt|công nghệ số)"),
    )
)
_BRAND_RE = re.compile(
    r"^(?:vnpt|viettel|mobifone|vinaphone|vietnamobile|gmobile|fpt|sctv|vtvcab)\b"
)
_LOCAL_UNIT_RE = re.compile(r"^(?:vien thong|buu dien)\s+(?P<place>.+)$")
_DOI_VOI_RE = re.compile(r"^Đối với\s+(?P<who>[^:]{3,100}):\s*(?P<rest>.*)$")


def _is_specific_enterprise(name: str) -> bool:
    """'Viễn thông Lạng Sơn', 'Bưu điện tỉnh X', 'Viettel ...': one named enterprise."""
    folded = fold(name).strip()
    local = _LOCAL_UNIT_RE.match(folded)
    return bool(_BRAND_RE.match(folded) or (local and resolve(local["place"])))


def _audiences(heading: str) -> list[str]:
    """Audience codes named by a heading, in the order it names them; 'chung' when none."""
    who = re.sub(r"^(?:\d[\d.]*\s+)?(?:Đối với\s+)?", "", heading)
    if _is_specific_enterprise(who):
        return ["doanh_nghiep_cu_the"]
    lowered = heading.lower()
    hits = [(m.start(), code) for code, rx in _AUDIENCE_PATTERNS if (m := rx.search(lowered))]
    return [code for _, code in sorted(hits)] or ["chung"]


@dataclass
class _Passage:
    """A piece of body text and the section it belongs to, for deadline and holiday scans."""

    text: str
    section: AudienceSection | None


def _sections(body: list[_Block]) -> tuple[list[AudienceSection], list[_Passage]]:
    """Walk the body: numbered headings open sections, bullets are their items.

    A section whose body is prose (no bullets) takes its first paragraph as its item; any other
    paragraph after items closes the section (hotline lists, "Yêu cầu ... thực hiện./."). A bullet
    "Đối với X: ..." opens a sub-section for X, "+" bullets are sub-items of the item above.
    """
    sections: list[AudienceSection] = []
    passages: list[_Passage] = []
    current: AudienceSection | None = None
    target: AudienceSection | None = None
    for block in body:
        if block.kind == HEADING:
            label, _, inline = block.text.partition(":")
            current = target = AudienceSection(heading=f"{block.marker} {label.strip()}")
            current.audiences = _audiences(current.heading)
            sections.append(current)
            if inline.strip():
                current.items.append(_strip_item(inline))
                passages.append(_Passage(inline.strip(), current))
            continue
        if block.kind == PARA:
            if current is not None and not current.items:
                if not block.text.endswith(":"):
                    current.items.append(_strip_item(block.text))
                passages.append(_Passage(block.text, current))
                continue
            current = target = None
            passages.append(_Passage(block.text, None))
            continue
        # Bullets.
        if current is None or target is None:
            passages.append(_Passage(block.text, None))
        elif block.marker == "+" and target.items:
            target.items[-1] = f"{target.items[-1]} {_strip_item(block.text)}"
            passages.append(_Passage(block.text, target))
        elif doi_voi := _DOI_VOI_RE.match(block.text):
            heading = f"Đối với {doi_voi['who'].strip()}"
            audiences = _audiences(heading)
            if audiences == ["chung"]:
                audiences = list(current.audiences)
            target = AudienceSection(
                heading, audiences, [_capitalised(_strip_item(doi_voi["rest"]))]
            )
            sections.append(target)
            passages.append(_Passage(doi_voi["rest"], target))
        else:
            target = current
            current.items.append(_strip_item(block.text))
            passages.append(_Passage(block.text, current))
    return [section for section in sections if section.items], passages


# --------------------------------------------------------------------------------------------
# Legal bases
# --------------------------------------------------------------------------------------------

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


def _legal_bases(texts: list[str], warnings: list[str]) -> list[LegalBasis]:
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


# --------------------------------------------------------------------------------------------
# Deadlines and holidays
# --------------------------------------------------------------------------------------------


def _time_re(hour: str, minute: str) -> str:
    """'9h00', '09h00', '9h', '9 giờ', '9 giờ 30 phút'."""
    return rf"(?P<{hour}>\d{{1,2}})\s*(?:h|giờ)(?:\s*(?P<{minute}>\d{{2}})(?:\s*phút)?)?(?!\w)"


_CUE = r"(?P<cue>trước|chậm nhất(?:\s+là)?|muộn nhất(?:\s+là)?|không muộn hơn|hạn chót(?:\s+là)?|hạn(?:\s+là)?)"
_DEADLINE_DATE = (
    r"(?:ngày\s+)?(?:(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})(?:\s*/\s*(?P<y>\d{4}))?"
    r"|(?P<wd>\d{1,2})\s+tháng\s+(?P<wm>\d{1,2})(?:\s+năm\s+(?P<wy>\d{4}))?)(?!\d)"
)
_LUNAR = (
    r"(?:\s*[-–,(]\s*|\s+)\(?tức\s+(?P<lunar>(?:ngày\s+)?(?:mùng\s+|mồng\s+)?\d{1,2}\s+"
    r"(?:Tết|tháng\s+(?:giêng|chạp|\d{1,2}))(?:\s+âm lịch)?)\)?"
)
_DEADLINE_RE = re.compile(
    rf"(?<!\w){_CUE}\s+(?:(?:lúc\s+)?{_time_re('h1', 'mi1')}\s*,?\s+)?{_DEADLINE_DATE}"
    rf"(?:\s*,?\s*lúc\s+{_time_re('h2', 'mi2')})?(?:{_LUNAR})?",
    re.IGNORECASE,
)
# Anything a reader would take for a deadline: a cue followed by a number.
_DEADLINE_HINT_RE = re.compile(
    r"(?<!\w)(?:trước|chậm nhất(?:\s+là)?|muộn nhất(?:\s+là)?|hạn chót(?:\s+là)?)\s+"
    r"(?:(?:lúc|ngày)\s+)?\d",
    re.IGNORECASE,
)
_WHO_RE = re.compile(
    r"^(?P<who>(?:Các|Tất cả(?:\s+các)?|Mỗi)\s+[^,;:()]{2,80}?)\s+"
    r"(?=(?:gửi|nộp|báo cáo|lập|hoàn thành|cung cấp|đăng ký|thực hiện|có trách nhiệm)\b)"
)
_TO_RE = re.compile(
    r"\b(?:về|tới|đến)\s+(?P<to>(?:Sở|UBND|[UỦ]y ban|Bộ|Văn phòng|Thanh tra|Phòng|Trung tâm)\b"
    r".*?)(?=\s+(?:trước|chậm nhất|muộn nhất|không muộn|hạn|để|qua|bằng|theo|trong|tổng hợp)\b"
    r"|[,;.(]|$)"
)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_EMAIL_WORDS_RE = re.compile(r"\be-?mail\b|thư điện tử|bản điện tử|hộp thư", re.IGNORECASE)
_PAPER_WORDS_RE = re.compile(r"bằng văn bản|văn bản giấy|bản giấy", re.IGNORECASE)
_NUMERIC_DATE_RE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")


def _sentences(text: str) -> list[str]:
    """Split at '. X' where X starts a new sentence (upper case); dates and numbers never split."""
    parts: list[str] = []
    start = 0
    for match in re.finditer(r"(?<=[.!?])\s+(?=\S)", text):
        if text[match.end()].isupper():
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def _resolve_year(month: int, issued: PartialDate) -> int | None:
    """Year for a day/month deadline: the issuing year, or the next one across new year."""
    if issued.year is None:
        return None
    if issued.month is not None and month < issued.month:
        return issued.year + 1
    return issued.year


def _due(match: re.Match[str], issued: PartialDate) -> tuple[datetime, bool] | str:
    """The due moment of a deadline match, or the reason it cannot be read."""
    day, month = int(match["d"] or match["wd"]), int(match["m"] or match["wm"])
    year_text = match["y"] or match["wy"]
    year = int(year_text) if year_text else _resolve_year(month, issued)
    if year is None:
        return "thiếu năm"
    when = _safe_date(year, month, day)
    if when is None:
        return f"ngày {day:02d}/{month:02d}/{year} không tồn tại"
    hour, minute = match["h1"] or match["h2"], match["mi1"] or match["mi2"]
    if hour is None:
        return datetime.combine(when, END_OF_DAY, tzinfo=LOCAL_TZ), False
    if not (0 <= int(hour) <= 23 and 0 <= int(minute or 0) <= 59):
        return f"giờ {hour}h{minute or '00'} không hợp lệ"
    return datetime.combine(when, time(int(hour), int(minute or 0)), tzinfo=LOCAL_TZ), True


def _trailing_parenthetical(text: str) -> str | None:
    """The '( ... )' group text starts with, when it is closed."""
    text = text.lstrip(" -–,")
    if not text.startswith("("):
        return None
    depth = 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return text[: index + 1]
    return None


def _what(sentence: str, match: re.Match[str]) -> str:
    """The duty without its date: the clause before the deadline plus an exception note after it.

    "(riêng đối với các lễ hội ... kết thúc)" changes the deadline, so it stays; a parenthetical
    giving the e-mail address does not (it has its own field).
    """
    before = sentence[: match.start()].strip(" ,-–(")
    after = sentence[match.end() :]
    if not before:
        return _strip_item(after.strip(" ,-–)"))
    note = _trailing_parenthetical(after)
    if note and not _EMAIL_RE.search(note) and "http" not in note:
        before = f"{before} {note}"
    return before


def _channel(sentence: str) -> str | None:
    """'email' or 'văn bản', whichever the sentence names first."""
    hits = []
    for name, rx in (
        ("email", _EMAIL_WORDS_RE),
        ("email", _EMAIL_RE),
        ("văn bản", _PAPER_WORDS_RE),
    ):
        if match := rx.search(sentence):
            hits.append((match.start(), name))
    return min(hits)[1] if hits else None


def _who(sentence: str, section: AudienceSection | None, recipients: list[str]) -> str | None:
    """Explicit subject ('Các doanh nghiệp gửi...'), else the section's audience, else addressees."""
    if match := _WHO_RE.match(sentence):
        return match["who"]
    if section is not None and section.audiences != ["chung"]:
        return re.sub(r"^\d[\d.]*\s+", "", section.heading)
    return "; ".join(recipients) or None


def _deadlines(
    passages: list[_Passage], issued: PartialDate, recipients: list[str], warnings: list[str]
) -> list[Deadline]:
    """Every 'trước/chậm nhất ... ngày dd/mm/yyyy' in the body, in document order."""
    found: list[Deadline] = []
    for passage in passages:
        for sentence in _sentences(passage.text):
            spans: list[tuple[int, int]] = []
            for match in _DEADLINE_RE.finditer(sentence):
                spans.append(match.span())
                due = _due(match, issued)
                if isinstance(due, str):
                    warnings.append(f"Không đọc được hạn ({due}): «{match.group(0)}»")
                    continue
                before = sentence[: match.start()]
                to = _TO_RE.search(before) or _TO_RE.search(sentence)
                email = _EMAIL_RE.search(sentence)
                found.append(
                    Deadline(
                        what=_what(sentence, match),
                        due=due[0],
                        has_time=due[1],
                        lunar_text=match["lunar"],
                        who=_who(sentence, passage.section, recipients),
                        to=to["to"].strip() if to else None,
                        channel=_channel(sentence),
                        email=email.group(0).rstrip(".") if email else None,
                        source_sentence=sentence,
                    )
                )
            for hint in _DEADLINE_HINT_RE.finditer(sentence):
                if not any(start <= hint.start() < end for start, end in spans):
                    warnings.append(f"Có vẻ là hạn nhưng không đọc được: «{sentence}»")
                    break
    return found


def _ranges(passages: list[_Passage], warnings: list[str]) -> tuple[list[Holiday], list[Holiday]]:
    """Days off ('nghỉ ... từ ngày A đến hết ngày B') and flag days ('treo cờ ... từ ... đến ...')."""
    holidays: list[Holiday] = []
    flags: list[Holiday] = []
    for passage in passages:
        for sentence in _sentences(passage.text):
            lowered = sentence.lower()
            is_off, is_flag = "nghỉ" in lowered, "treo cờ" in lowered
            span = _date_range(sentence, warnings) if (is_off or is_flag) else None
            if span is None:
                continue
            holiday = Holiday(span[0], span[1], _strip_item(sentence))
            if is_off:
                holidays.append(holiday)
            if is_flag:
                flags.append(holiday)
    return holidays, flags


def _date_range(sentence: str, warnings: list[str]) -> tuple[date, date] | None:
    """First dd/mm/yyyy after 'từ' and the first after the following 'đến' (lunar notes skipped)."""
    since = re.search(r"(?<!\w)từ(?!\w)", sentence)
    if since is None:
        return None
    dates = [m for m in _NUMERIC_DATE_RE.finditer(sentence) if m.start() > since.end()]
    if not dates:
        return None
    until = re.search(r"(?<!\w)đến(?!\w)", sentence[dates[0].end() :])
    if until is None:
        return None
    ends = [m for m in dates if m.start() > dates[0].end() + until.end()]
    if not ends:
        return None
    first, last = (_safe_date(int(m[3]), int(m[2]), int(m[1])) for m in (dates[0], ends[0]))
    if first is None or last is None or last < first:
        warnings.append(f"Không đọc được khoảng ngày: «{sentence}»")
        return None
    return first, last


# --------------------------------------------------------------------------------------------
# Phones the contact extraction could not read
# --------------------------------------------------------------------------------------------

_PHONE_HINT_RE = re.compile(
    r"(?<!\w)(?:ĐT|[Đđ]iện thoại|[Hh]otline|[Đđ]ường dây nóng)\s*:?\s*(?:số\s*)?"
    r"(?P<raw>\+?\d[\d.\s-]{2,}\d)"
)


def _phone_warnings(flat: str, contacts: list[ParsedContact]) -> list[str]:
    """Labelled phone numbers that phonenumbers did not recognise (too short, typos...)."""
    known = {re.sub(r"\D", "", c.phone_display or "") for c in contacts}
    warnings = []
    for match in _PHONE_HINT_RE.finditer(flat):
        digits = re.sub(r"\D", "", match["raw"])
        if digits not in known:
            warnings.append(f"Không đọc được số điện thoại: «{match.group(0).strip()}»")
    return warnings


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def parse(text: str) -> Directive:
    """Parse one directive; raise DirectiveParseError when it has no number or place-date line."""
    blocks = _blocks(_clean_lines(text))
    number = _header_field(blocks, _NUMBER_RE)
    place = _header_field(blocks, _PLACE_DATE_RE)
    if number is None or place is None:
        raise DirectiveParseError(
            "Không tìm thấy số hiệu hoặc dòng địa danh, ngày tháng của công văn."
        )
    warnings: list[str] = []
    flat = unwrap(text.replace("**", ""))
    mention = resolve(place["place"])
    issuing = mention.named if mention else place["place"].strip()
    symbol = re.sub(r"\s+", "", number["symbol"])
    issued = _partial_date(place["date"], warnings)
    subject_block = next((b for b in blocks if b.kind == SUBJECT), None)
    subject = _SUBJECT_TAIL_RE.sub("", subject_block.text).strip() if subject_block else ""

    closing = next((i for i, b in enumerate(blocks) if b.kind == CLOSING), len(blocks))
    body = [b for b in blocks[:closing] if b.kind in (HEADING, BULLET, PARA)]
    recipients = _recipients(blocks[:closing])
    sections, passages = _sections(body)
    contacts = extract_contacts(flat)
    deadlines = _deadlines(passages, issued, recipients, warnings)
    holidays, flags = _ranges(passages, warnings)
    return Directive(
        issuing_province=issuing,
        province=mention.current if mention else issuing,
        department=_department(symbol, flat),
        number=f"{number['no']}/{symbol}",
        issued=issued,
        subject=subject,
        tet_name=_tet_name(subject, flat),
        legal_bases=_legal_bases([b.text for b in body], warnings),
        recipients=recipients,
        sections=sections,
        deadlines=deadlines,
        contacts=contacts,
        holidays=holidays,
        flag_schedule=flags,
        signer=_signer(blocks),
        warnings=[*warnings, *_phone_warnings(flat, contacts)],
    )
