"""Deadlines, duty periods and holidays anywhere in a directive's text.

What directives write (DESIGN.md): one-off deadlines ("trước 9h00 ngày 23/02/2026", "chậm nhất
là ngày 01/02"), lunar ones ("trước mùng 6 Tết"), dates without a year, recurring reports
("trước 15h hằng ngày từ 05/02 đến 10/02"), windows ("từ 15h00 đến 16h30") and duty periods
("trực 24/24 từ 02/02 đến 10/02"). Dates and times are read by vntext.dates (the same rules that
read rosters); this module decides what each date means in its sentence.

Conventions:
- A deadline with no time of day is due at the end of that day, 23:59:59 Asia/Ho_Chi_Minh, with
  ``has_time=False``: "chậm nhất là ngày 01/02/2024" still accepts a report sent that evening.
- A date without a year takes the year that puts it nearest the directive's Tết.
- What looks like a deadline but cannot be read becomes a warning, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from itertools import pairwise

from store.knowledge.layout import Passage, Section, strip_item
from vntext.audiences import GENERAL
from vntext.dates import DateMatch, DateParseError, find_all_dates, find_times
from vntext.phones import EMAIL_RE

ONCE, DAILY, WINDOW, PERIOD = "once", "daily", "window", "period"
END_OF_DAY = time(23, 59, 59)
MAX_PERIOD_DAYS = 120


def _local_zone() -> tzinfo:
    """Asia/Ho_Chi_Minh; a fixed +07:00 (unchanged since 1975) when the tz database is missing."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Asia/Ho_Chi_Minh")
    except (ImportError, KeyError):  # pragma: no cover - hosts without a tz database
        return timezone(timedelta(hours=7), "ICT")


LOCAL_TZ = _local_zone()


@dataclass(frozen=True)
class Deadline:
    """Something due (or a period to staff), with who sends it, to whom and how.

    kind: ``once`` (due at ``due``), ``daily`` (due each day at due's time, from due's day to
    ``until``), ``window`` (from ``starts`` to ``due``, each day to ``until`` when recurring) or
    ``period`` (a duty period from ``starts`` to ``due``).
    """

    what: str
    due: datetime
    has_time: bool
    lunar_text: str | None
    who: str | None
    to: str | None
    channel: str | None
    email: str | None
    source_sentence: str
    kind: str = ONCE
    starts: datetime | None = None
    until: date | None = None


@dataclass(frozen=True)
class Holiday:
    """A date range (inclusive) such as the days off or the days flags are flown."""

    start: date
    end: date
    text: str


_CUE_RE = re.compile(
    r"(?<!\w)(?P<cue>trước|chậm nhất(?:\s+là)?|muộn nhất(?:\s+là)?|không muộn hơn|không quá|"
    r"hạn chót(?:\s+là)?|hạn cuối(?:\s+là)?|thời hạn(?:\s+(?:gửi|nộp|báo cáo))?(?:\s*:|\s+là)?|"
    r"hạn(?:\s+(?:gửi|nộp))?(?:\s*:|\s+là)?|trong ngày|vào lúc|lúc)(?!\w)",
    re.IGNORECASE,
)
_DAILY_RE = re.compile(
    r"(?<!\w)(?:hằng|hàng|mỗi)\s+ngày(?!\w)|(?<!\w)định kỳ(?!\w)|(?<!\w)các ngày(?=\s+từ\b)",
    re.IGNORECASE,
)
_DUTY_RE = re.compile(r"(?<!\w)(?:trực|24/24|24/7|thời gian trực|lịch trực)(?!\w)", re.IGNORECASE)
_OFF_RE = re.compile(r"(?<!\w)nghỉ(?!\w)", re.IGNORECASE)
# "Trong những ngày Tết (từ 01/02 đến 06/02/2022)": the days of Tết, kept with the days off.
_TET_DAYS_RE = re.compile(r"(?<!\w)(?:những|các) ngày (?:nghỉ )?Tết(?!\w)", re.IGNORECASE)
_FLAG_RE = re.compile(r"(?<!\w)treo cờ(?!\w)", re.IGNORECASE)
_SEND_RE = re.compile(
    r"(?<!\w)(?:gửi|nộp|báo cáo|cập nhật|đăng ký|cung cấp|tổng hợp|hoàn thành)(?!\w)", re.IGNORECASE
)
_LEGAL_DATE_RE = re.compile(
    r"(?:\d+\s*/\s*(?:\d{4}\s*/\s*)?[A-ZĐ][\w&]*(?:\s*-\s*[A-ZĐ][\w&]*)*|[Ss]ố\s+\S+)\s+ngày\s*$"
)
_LUNAR_NOTE_RE = re.compile(
    r"^\s*[-–,(]?\s*\(?\s*(?:tức|nhằm)\s+(?P<lunar>(?:ngày\s+)?(?:mùng\s+|mồng\s+)?\d{1,2}\s+"
    r"(?:Tết|tháng\s+(?:giêng|chạp|Giêng|Chạp|\d{1,2}))(?:\s+(?:âm lịch|năm\s+\S+\s+\S+))?)\)?",
    re.IGNORECASE,
)
_WHO_RE = re.compile(
    r"^(?P<who>(?:Các|Tất cả(?:\s+các)?|Mỗi)\s+[^,;:()]{2,80}?)\s+"
    r"(?=(?:gửi|nộp|báo cáo|lập|hoàn thành|cung cấp|đăng ký|thực hiện|có trách nhiệm)\b)"
)
_TO_RE = re.compile(
    r"\b(?:về|tới|đến|cho)\s+(?P<to>(?:Sở|UBND|[UỦ]y ban|Bộ|Văn phòng|Thanh tra|Phòng|Trung tâm|Ban)\b"
    r".*?)(?=\s+(?:trước|chậm nhất|muộn nhất|không muộn|hạn|để|qua|bằng|theo|trong|tổng hợp|"
    r"hằng|hàng|mỗi|từ|vào|lúc)\b|[,;.(]|$)"
)
_MARKER_RE = re.compile(r"^(?:[IVX]{1,5}|\d{1,2}(?:\.\d{1,2})*|[a-zđ])[.)/]?\s+(?=\S)")
_EMAIL_WORDS_RE = re.compile(r"\be-?mail\b|thư điện tử|bản điện tử|hộp thư", re.IGNORECASE)
_PAPER_WORDS_RE = re.compile(r"bằng văn bản|văn bản giấy|bản giấy", re.IGNORECASE)
_HINT_RE = re.compile(
    r"(?<!\w)(?:trước|chậm nhất(?:\s+là)?|muộn nhất(?:\s+là)?|hạn chót(?:\s+là)?)\s+"
    r"(?:(?:lúc|ngày)\s+)?\d",
    re.IGNORECASE,
)


def sentences(text: str) -> list[str]:
    """Split at '. X' where X starts a new sentence (upper case); dates and numbers never split."""
    parts: list[str] = []
    start = 0
    for match in re.finditer(r"(?<=[.!?;])\s+(?=\S)", text):
        following = text[match.end()]
        if following.isupper() or (text[match.start() - 1] == ";" and following in "-+•"):
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


@dataclass
class _Context:
    tet_year: int | None
    recipients: list[str]
    warnings: list[str]


def loose_range(sentence: str, found: list[DateMatch]) -> DateMatch | None:
    """ "từ [thứ năm] ngày A (tức …) đến hết [thứ tư] ngày B": the first day after "từ" and the
    first after the next "đến", when words between them kept the date reader from joining them."""
    since = re.search(r"(?<!\w)từ(?!\w)", sentence)
    if since is None:
        return None
    solar = [m for m in found if not m.lunar and m.start > since.end() and not m.is_range]
    if not solar:
        return None
    until = re.search(r"(?<!\w)(?:đến|tới)(?!\w)", sentence[solar[0].end :])
    if until is None:
        return None
    ends = [m for m in solar[1:] if m.start > solar[0].end + until.end()]
    if not ends:
        return None
    first, last = solar[0].dates[0], ends[0].dates[0]
    if not 0 <= (last - first).days <= MAX_PERIOD_DAYS:
        return None
    days = tuple(first + timedelta(days=n) for n in range((last - first).days + 1))
    return DateMatch(days, since.start(), ends[0].end, False)


def _with_loose_range(sentence: str, found: list[DateMatch]) -> list[DateMatch]:
    """The sentence's dates with a loosely written range joined into one match."""
    if any(m.is_range for m in found):
        return found
    joined = loose_range(sentence, found)
    if joined is None:
        return found
    outside = [m for m in found if m.end <= joined.start or m.start >= joined.end]
    return sorted([*outside, joined], key=lambda m: m.start)


def _dates(sentence: str, context: _Context) -> list[DateMatch] | None:
    """Dates of a sentence (citations of other documents left out); None when one is impossible."""
    try:
        found = find_all_dates(sentence, tet_year=context.tet_year, max_days=MAX_PERIOD_DAYS)
    except DateParseError as error:
        if _HINT_RE.search(sentence) or _DUTY_RE.search(sentence):
            context.warnings.append(f"Không đọc được hạn ({error}): «{sentence}»")
        return None
    kept = [m for m in found if not _LEGAL_DATE_RE.search(sentence[: m.start])]
    return _with_loose_range(sentence, kept)


def _times(sentence: str) -> list[tuple[int, int, time]]:
    try:
        return find_times(sentence)
    except DateParseError:
        return []


def _what(sentence: str, start: int, end: int, floor: int = 0) -> str:
    """The duty without its date: the clause before the deadline plus an exception note after it.

    "(riêng đối với các lễ hội … kết thúc)" changes the deadline, so it stays; a parenthetical
    giving the e-mail address does not (it has its own field). A sentence listing several
    deadlines ("… trước 17h00 ngày 29/01; gửi báo cáo … trước …") gives each its own clause.
    """
    clause_start = max(floor, sentence.rfind(";", 0, start) + 1)
    before = sentence[clause_start:start].strip(" ,-–(")
    after = sentence[end:]
    lunar = _LUNAR_NOTE_RE.match(after)
    if lunar:
        after = after[lunar.end() :]
    if not before:
        return strip_item(after.strip(" ,-–)")) or sentence
    note = _trailing_parenthetical(after)
    if note and not EMAIL_RE.search(note) and "http" not in note:
        before = f"{before} {note}"
    return strip_item(before)


def _labelled_what(sentence: str, cue: int, end: int, floor: int, passage: Passage) -> str:
    """What is due; a sentence that opens with its deadline ("Báo cáo nhanh: trước 07h30 …", the
    part after a heading's colon) is named by its heading."""
    heading = passage.section.heading if passage.section is not None else ""
    if not sentence[:cue].strip(" ,-–(") and heading:
        return _MARKER_RE.sub("", heading)
    return _what(sentence, cue, end, floor)


def _trailing_parenthetical(text: str) -> str | None:
    """The '( … )' group text starts with, when it is closed."""
    text = text.lstrip(" -–,")
    if not text.startswith("("):
        return None
    depth = 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return text[: index + 1]
    return None


def _channel(sentence: str) -> str | None:
    """'email' or 'văn bản', whichever the sentence names first."""
    hits = []
    for name, rx in (("email", _EMAIL_WORDS_RE), ("email", EMAIL_RE), ("văn bản", _PAPER_WORDS_RE)):
        if match := rx.search(sentence):
            hits.append((match.start(), name))
    return min(hits)[1] if hits else None


def _who(sentence: str, section: Section | None, recipients: list[str]) -> str | None:
    """Explicit subject ('Các doanh nghiệp gửi…'), else the section's audience, else addressees."""
    if match := _WHO_RE.match(sentence):
        return match["who"]
    while section is not None:
        if section.audiences != [GENERAL]:
            return _MARKER_RE.sub("", section.heading)
        section = section.parent
    return "; ".join(recipients) or None


def _moment(day: date, at: time | None) -> datetime:
    return datetime.combine(day, at or END_OF_DAY, tzinfo=LOCAL_TZ)


def _time_near(
    times: list[tuple[int, int, time]], start: int, end: int, sentence: str
) -> tuple[time | None, int, int]:
    """A clock time written right before a date ("9h00 ngày 13/02") or right after ("…, lúc 9h")."""
    for t_start, t_end, value in times:
        gap_before = sentence[t_end:start]
        gap_after = sentence[end:t_start]
        if t_end <= start and re.fullmatch(
            r"[\s,]*(?:sáng|chiều|tối)?[\s,]*(?:ngày|,)?\s*", gap_before
        ):
            return value, t_start, end
        if t_start >= end and re.fullmatch(r"\s*,?\s*(?:lúc|vào lúc|trước)?\s*", gap_after):
            return value, start, t_end
    return None, start, end


def _deadline(
    sentence: str,
    passage: Passage,
    context: _Context,
    what: str,
    *,
    due: datetime,
    has_time: bool,
    lunar_text: str | None,
    cut: int | None = None,
    kind: str = ONCE,
    starts: datetime | None = None,
    until: date | None = None,
) -> Deadline:
    """The deadline with its sender, recipient and channel; `cut` ends the part searched first
    for the recipient (the whole sentence by default)."""
    before = sentence[:cut]
    to = _TO_RE.search(before) or _TO_RE.search(sentence)
    email = EMAIL_RE.search(sentence)
    return Deadline(
        what=what,
        who=_who(sentence, passage.section, context.recipients),
        to=to["to"].strip() if to else None,
        channel=_channel(sentence),
        email=email.group(0).rstrip(".") if email else None,
        source_sentence=sentence,
        due=due,
        has_time=has_time,
        lunar_text=lunar_text,
        kind=kind,
        starts=starts,
        until=until,
    )


def _one_sentence(sentence: str, passage: Passage, context: _Context) -> list[Deadline] | None:
    """Every deadline, window or duty period one sentence states; None when it was unreadable."""
    dates = _dates(sentence, context)
    if dates is None:
        return None
    times = _times(sentence)
    daily = _DAILY_RE.search(sentence)
    found: list[Deadline] = []
    used: list[tuple[int, int]] = []
    for match in dates:
        if any(start <= match.start < end for start, end in used):
            continue
        if match.is_range:
            found += _range_deadlines(sentence, passage, context, match, times, bool(daily))
            used.append((match.start, match.end))
            continue
        cue = _cue_before(sentence, match.start, times)
        if cue is None:
            continue
        at, _, end = _time_near(times, match.start, match.end, sentence)
        lunar_note = _LUNAR_NOTE_RE.match(sentence[end:])
        lunar_text = match_text(sentence, match) if match.lunar else None
        if lunar_note:
            lunar_text = lunar_note["lunar"]
            used.append((end, end + lunar_note.end()))
        floor = max((stop for _, stop in used), default=0)
        found.append(
            _deadline(
                sentence,
                passage,
                context,
                _labelled_what(sentence, cue, end, floor if floor <= cue else 0, passage),
                cut=cue,
                due=_moment(match.dates[0], at),
                has_time=at is not None,
                lunar_text=lunar_text,
            )
        )
        used.append((cue, end))
    if not dates and daily and times:
        found += _daily_without_dates(sentence, passage, context, times)
    return found


def match_text(sentence: str, match: DateMatch) -> str:
    return sentence[match.start : match.end].strip()


def _cue_before(sentence: str, start: int, times: list[tuple[int, int, time]]) -> int | None:
    """Where a deadline cue ("trước", "chậm nhất là"…) opens the phrase that ends at this date."""
    window_start = max(0, start - 40)
    best = None
    for cue in _CUE_RE.finditer(sentence, window_start, start):
        gap = sentence[cue.end() : start]
        gap_wo_times = gap
        for t_start, t_end, _ in times:
            if cue.end() <= t_start and t_end <= start:
                gap_wo_times = gap_wo_times.replace(sentence[t_start:t_end], " ")
        if re.fullmatch(
            r"[\s,:]*(?:lúc|vào)?[\s,]*(?:sáng|chiều|tối)?[\s,]*(?:ngày|hết ngày|hết)?\s*",
            gap_wo_times,
        ):
            best = cue.start()
    return best


def _range_deadlines(
    sentence: str,
    passage: Passage,
    context: _Context,
    match: DateMatch,
    times: list[tuple[int, int, time]],
    daily: bool,
) -> list[Deadline]:
    """A range of days: a recurring report, a daily window or a duty period."""
    first, last = match.dates[0], match.dates[-1]
    if daily or _time_window(sentence, times) is not None:
        recurring = _recurring(sentence, passage, context, times, (first, last), match.end)
        if recurring:
            return recurring
    if _DUTY_RE.search(sentence) and not (_OFF_RE.search(sentence) or _FLAG_RE.search(sentence)):
        inside = [value for start, _, value in times if match.start <= start < match.end]
        opens, closes = (inside[0], inside[-1]) if len(inside) >= 2 else (None, None)
        return [
            _deadline(
                sentence,
                passage,
                context,
                _what(sentence, match.start, match.end),
                kind=PERIOD,
                due=_moment(last, closes),
                has_time=closes is not None,
                lunar_text=None,
                starts=datetime.combine(first, opens or time(0, 0), tzinfo=LOCAL_TZ),
                until=last,
            )
        ]
    return []


def _recurring(
    sentence: str,
    passage: Passage,
    context: _Context,
    times: list[tuple[int, int, time]],
    days: tuple[date, date | None],
    what_end: int | None,
) -> list[Deadline]:
    """A window ("từ 15h00 đến 16h30") or a report due each day ("trước 15h00") over these days
    (the last one unknown when the sentence gives none: the duty period supplies it later)."""
    first, until = days
    window = _time_window(sentence, times)
    if window is not None:
        return [
            _deadline(
                sentence,
                passage,
                context,
                _what(sentence, window.start, window.end),
                kind=WINDOW,
                due=_moment(first, window.closes),
                has_time=True,
                lunar_text=None,
                starts=_moment(first, window.opens),
                until=until,
            )
        ]
    cue_time = _cue_time(sentence, times)
    if cue_time is None:
        return []
    cue_at, at = cue_time
    return [
        _deadline(
            sentence,
            passage,
            context,
            _what(sentence, cue_at, what_end if what_end is not None else cue_at),
            cut=cue_at,
            kind=DAILY,
            due=_moment(first, at),
            has_time=True,
            lunar_text=None,
            until=until,
        )
    ]


def _cue_time(sentence: str, times: list[tuple[int, int, time]]) -> tuple[int, time] | None:
    """ "trước 15h00" (a time right after a cue) in a sentence about a recurring report."""
    for t_start, _, value in times:
        cue = None
        for found in _CUE_RE.finditer(sentence, max(0, t_start - 20), t_start):
            if re.fullmatch(r"\s*(?:lúc)?\s*", sentence[found.end() : t_start]):
                cue = found.start()
        if cue is not None:
            return cue, value
    return None


@dataclass(frozen=True)
class _Window:
    """ "từ 15h00 đến 16h30": opening and closing times and where the phrase sits."""

    opens: time
    closes: time
    start: int
    end: int


def _time_window(sentence: str, times: list[tuple[int, int, time]]) -> _Window | None:
    """Two times joined by a connector, the later one closing the window."""
    for (a_start, a_end, opens), (b_start, b_end, closes) in pairwise(times):
        joined = re.fullmatch(r"\s*(?:-|–|đến|tới|den|toi)\s*", sentence[a_end:b_start])
        if joined and closes > opens:
            prefix = re.search(r"(?:trong khoảng|khoảng|từ|trong)\s*$", sentence[:a_start])
            return _Window(opens, closes, prefix.start() if prefix else a_start, b_end)
    return None


def _daily_without_dates(
    sentence: str, passage: Passage, context: _Context, times: list[tuple[int, int, time]]
) -> list[Deadline]:
    """ "Báo cáo trước 15h00 hằng ngày" with no days: the days come from the duty period later."""
    placeholder = date(context.tet_year or 2000, 1, 1)
    return _recurring(sentence, passage, context, times, (placeholder, None), None)


def _with_days(deadline: Deadline, days: tuple[date, date] | None) -> Deadline | None:
    """A recurring deadline without its own days takes the directive's duty period (or holidays)."""
    if deadline.until is not None or deadline.kind not in (DAILY, WINDOW):
        return deadline
    if days is None:
        return None
    first, last = days
    due = datetime.combine(first, deadline.due.timetz())
    starts = datetime.combine(first, deadline.starts.timetz()) if deadline.starts else None
    return Deadline(**{**deadline.__dict__, "due": due, "starts": starts, "until": last})


def deadlines(
    passages: list[Passage],
    tet_year: int | None,
    recipients: list[str],
    warnings: list[str],
    days_off: list[Holiday] | None = None,
) -> list[Deadline]:
    """Every deadline, recurring report, window and duty period in the body, in document order."""
    context = _Context(tet_year, recipients, warnings)
    found: list[Deadline] = []
    for passage in passages:
        for sentence in sentences(passage.text):
            read = _one_sentence(sentence, passage, context)
            if read is None:
                continue
            found += read
            if not read and _HINT_RE.search(sentence):
                warnings.append(f"Có vẻ là hạn nhưng không đọc được: «{sentence}»")
    periods = [d for d in found if d.kind == PERIOD]
    days = (
        (periods[0].starts.date(), periods[0].due.date()) if periods and periods[0].starts else None
    )
    if days is None and days_off:
        days = (days_off[0].start, days_off[0].end)
    result = []
    for deadline in found:
        resolved = _with_days(deadline, days)
        if resolved is None:
            warnings.append(
                f"Có hạn hằng ngày nhưng không rõ từ ngày nào đến ngày nào: «{deadline.source_sentence}»"
            )
            continue
        result.append(resolved)
    return _unique(result)


def _unique(found: list[Deadline]) -> list[Deadline]:
    seen: set[tuple[str, datetime, str]] = set()
    unique = []
    for deadline in found:
        key = (deadline.kind, deadline.due, deadline.source_sentence)
        if key not in seen:
            seen.add(key)
            unique.append(deadline)
    return unique


def holidays(
    passages: list[Passage], tet_year: int | None, warnings: list[str]
) -> tuple[list[Holiday], list[Holiday]]:
    """Days off ('nghỉ … từ ngày A đến hết ngày B') and flag days ('treo cờ … từ … đến …')."""
    days_off: list[Holiday] = []
    flags: list[Holiday] = []
    for passage in passages:
        for sentence in sentences(passage.text):
            is_off = bool(_OFF_RE.search(sentence) or _TET_DAYS_RE.search(sentence))
            is_flag = bool(_FLAG_RE.search(sentence))
            if not (is_off or is_flag):
                continue
            try:
                found = find_all_dates(sentence, tet_year=tet_year, max_days=MAX_PERIOD_DAYS)
            except DateParseError as error:
                warnings.append(f"Không đọc được khoảng ngày ({error}): «{sentence}»")
                continue
            ranges = [m for m in _with_loose_range(sentence, found) if m.is_range]
            if not ranges:
                continue
            span = ranges[0]
            holiday = Holiday(span.dates[0], span.dates[-1], strip_item(sentence))
            if is_off:
                days_off.append(holiday)
            if is_flag:
                flags.append(holiday)
    return days_off, flags
