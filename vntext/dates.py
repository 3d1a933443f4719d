"""Dates, times and shifts as duty officers type them, read into concrete values by rules.

dateparser reads "9 giờ ngày 13/02/2024" as now + 9 hours and "29 tháng chạp" as 29 months, and knows
no "9h00", "ca sáng" or "mùng 4 Tết" (see DESIGN.md, "Vietnamese text"), so everything here is a
small regular grammar over folded text:

- dates: "10/02", "10/2/2026", "ngày 10-02-2026", "10 tháng 2 năm 2026", "mùng 2 Tết", "mung 4 tet",
  "29 tháng chạp", "30 Tết", "giao thừa", "rằm tháng Giêng", "15/1 âm lịch";
- ranges: "từ 08/02 đến 14/02", "08/02 - 14/02", "08–14/02/2024", "mùng 1 đến mùng 3", "mùng 1-3";
- times: "8h", "8h30", "08:30", "9 giờ", "9 giờ 15", "8h tối", "hôm qua 22h";
- shifts: "ca sáng", "8h-17h", "7h30 đến 17h", "từ 22h đến 6h" (overnight), "24/24", "cả ngày".

A date written without a year takes the year that puts it nearest the reference day (a roster typed
in late January that says "02/02" means the coming one); with a Tết year, nearest that Tết.
Every error is a ``DateParseError`` whose text is a polite Vietnamese sentence with a valid example.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from vntext.lunar import tet_name_of
from vntext.lunar_calendar import (
    MAX_YEAR,
    MIN_YEAR,
    last_day_of_lunar_year,
    lunar_to_solar,
    tet_date,
)
from vntext.normalize import fold, nfc
from vntext.timefmt import VN_TZ, now

MAX_RANGE_DAYS = 31
DATE_HINT = "ví dụ: 10/02, 10/02/2026 hoặc mùng 2 Tết"
TIME_HINT = "ví dụ: 8h30, 08:30 hoặc 9 giờ 15"
SHIFT_HINT = "ví dụ: ca sáng, ca đêm, 8h-17h, từ 22h đến 6h hoặc 24/24"
MOMENT_HINT = "ví dụ: 8h30 sáng nay, hôm qua 22h hoặc 8h30 ngày 10/02"


class DateParseError(ValueError):
    """A date, time or shift that cannot be read; ``str(error)`` is the Vietnamese message to show."""


def fold_keep_offsets(text: str) -> str:
    """Fold NFC text one character at a time, so an offset in the result indexes the NFC text.

    ``normalize.fold`` may change the length (NFD input, "İ"); rules that cut spans out of the
    original text (names, places) need folded and original text aligned.
    """
    return "".join((fold(char) or char)[:1] for char in text)


# --- reference points -------------------------------------------------------------------------


def reference_moment(reference: date | datetime | None = None) -> datetime:
    """The aware "now" to read relative text against (Asia/Ho_Chi_Minh); a bare date means its end."""
    if reference is None:
        return now().astimezone(VN_TZ)
    if isinstance(reference, datetime):
        aware = reference if reference.tzinfo else reference.replace(tzinfo=VN_TZ)
        return aware.astimezone(VN_TZ)
    return datetime.combine(reference, time(23, 59), VN_TZ)


def reference_day(reference: date | datetime | None = None) -> date:
    """Today in Vietnam, or the day of the given reference."""
    return reference_moment(reference).date()


def _anchor(reference: date | datetime | None, tet_year: int | None) -> date:
    """Dates without a year land nearest this day: the Tết of ``tet_year`` when given."""
    if tet_year is not None:
        return tet_date(tet_year)
    return reference_day(reference)


# --- date atoms ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Atom:
    """One date expression found in folded text, not yet tied to a year.

    ``approx(year)`` always returns a date (clamping day 30 / 29 Feb) and is used to choose the year;
    ``exact(year)`` returns the real date or raises, so an impossible day is reported rather than
    silently moved to another year.
    """

    start: int
    end: int
    lunar: bool
    exact: Callable[[int], date]
    approx: Callable[[int], date]
    year: int | None = None
    day_only: int | None = None


@dataclass(frozen=True)
class DateMatch:
    """Dates found in text: one for a single day, one per day for a range; offsets index NFC text."""

    dates: tuple[date, ...]
    start: int
    end: int
    lunar: bool = False

    @property
    def is_range(self) -> bool:
        """True when the text named a range (even a one-day one)."""
        return len(self.dates) > 1


def _canchi_names() -> dict[str, str]:
    """Folded can-chi year name -> proper name, for "mùng 2 Tết Bính Ngọ"."""
    return {fold(tet_name_of(2020 + offset)): tet_name_of(2020 + offset) for offset in range(60)}


_CANCHI = _canchi_names()
_YEAR_TAIL = (
    r"(?:\s*,?\s+(?:nam\s+)?(?:(?P<cc>"
    + "|".join(map(re.escape, _CANCHI))
    + r")|(?P<yy>(?:19|20|21)\d\d)))?(?!\w)"
)
_LUNAR_MARK = r"(?P<al>\s*\(?\s*(?:am\s+lich|am|al)\)?(?!\w))?"
_CONNECTOR = r"(?:-|–|—|~|->|den|toi|cho\s+den)"
_DMY_RE = re.compile(
    r"(?<![\w/:])(?:ngay\s+)?(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<m>\d{1,2})"
    r"(?:(?P=sep)(?P<y>\d{4}|\d{2}))?(?![\w/:])" + _LUNAR_MARK
)
_ISO_RE = re.compile(r"(?<![\w/.\-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\w/])")
_WORDS_RE = re.compile(
    r"(?<!\w)(?:(?:ngay|mung|mong)\s+)?(?P<d>\d{1,2})\s+thang\s+(?P<m>\d{1,2})(?!\w)"
    r"(?:\s*,?\s*nam\s+(?P<y>\d{4}))?" + _LUNAR_MARK
)
_LUNAR_NAMED_RE = re.compile(
    r"(?<!\w)(?:(?:ngay|mung|mong)\s+)?(?P<d>\d{1,2})\s+thang\s+(?P<m>gieng|chap)(?!\w)"
    r"(?:\s+am(?:\s+lich)?)?" + _YEAR_TAIL
)
_FULL_MOON_RE = re.compile(
    r"(?<!\w)ram\s+thang\s+(?P<m>gieng|chap|\d{1,2})(?!\w)(?:\s+am(?:\s+lich)?)?" + _YEAR_TAIL
)
_MUNG_RE = re.compile(
    r"(?<!\w)(?:mung|mong)\s*(?P<d>\d{1,2})(?!\d|\s*[/.\-]\s*\d|\s+thang\s+\d)"
    r"(?:\s+(?:tet(?:\s+nguyen\s+dan)?|thang\s+gieng|thang\s+1\s+am(?:\s+lich)?))?" + _YEAR_TAIL
)
_MUNG_RANGE_RE = re.compile(
    r"(?<!\w)(?:mung|mong)\s*(?P<d>\d{1,2})\s*" + _CONNECTOR + r"\s*(?P<d2>\d{1,2})"
    r"(?!\d|\s*[/.\-]\s*\d)(?:\s+tet)?" + _YEAR_TAIL
)
_N_TET_RE = re.compile(r"(?<![\w/.])(?P<d>\d{1,2})\s+tet(?!\w)" + _YEAR_TAIL)
_EVE_RE = re.compile(r"(?<!\w)(?:dem\s+)?giao\s+thua(?!\w)" + _YEAR_TAIL)
_DAY_ONLY_RE = re.compile(
    r"(?<![\w/.:\-])(?:ngay\s+)?(?P<d>\d{1,2})(?=\s*"
    + _CONNECTOR
    + r"\s*(?:ngay\s+)?\d{1,2}[/.\-]\d)"
)
_BETWEEN_RE = re.compile(r"\s*,?\s*" + _CONNECTOR + r"\s*(?:het\s+)?(?:ngay\s+)?")
_FROM_RE = re.compile(r"(?:tu|ke\s+tu)\s+(?:ngay\s+)?$")
_NOT_DATES = {(24, 24), (24, 7)}  # "24/24", "24/7" are shifts, not days
_MONTH_WORDS = {"gieng": 1, "chap": 12}


def _solar_problem(day: int, month: int, raw: str) -> str | None:
    """Why day/month can never exist (31/02, 10/13), or None when some year has it."""
    if not 1 <= month <= 12:
        return (
            f"Ngày “{raw}” không hợp lệ: tháng chỉ từ 1 đến 12. "
            f"Vui lòng nhập ngày theo dạng ngày/tháng, {DATE_HINT}."
        )
    longest = 29 if month == 2 else calendar.monthrange(2024, month)[1]
    if not 1 <= day <= longest:
        days = "28 hoặc 29" if month == 2 else str(longest)
        return (
            f"Ngày “{raw}” không có trên lịch: tháng {month} chỉ có {days} ngày. "
            f"Vui lòng kiểm tra lại, {DATE_HINT}."
        )
    return None


def _check_year(year: int, raw: str) -> None:
    """Refuse years the lunar calendar (and so year choice) does not cover."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateParseError(
            f"Năm {year} trong “{raw}” nằm ngoài phạm vi hỗ trợ ({MIN_YEAR}–{MAX_YEAR}). "
            f"Vui lòng kiểm tra lại, {DATE_HINT}."
        )


def _solar_atom(start: int, end: int, day: int, month: int, year: int | None, raw: str) -> _Atom:
    """A solar day/month, optionally with a year; impossible days raise at once."""
    problem = _solar_problem(day, month, raw)
    if problem:
        raise DateParseError(problem)
    if year is not None:
        _check_year(year, raw)

    def approx(y: int) -> date:
        """Same day/month in ``y``, clamped so 29/02 exists (used only to choose the year)."""
        return date(y, month, min(day, calendar.monthrange(y, month)[1]))

    def exact(y: int) -> date:
        """The real date in ``y``; a day the month lacks raises."""
        if day > calendar.monthrange(y, month)[1]:
            raise DateParseError(
                f"Năm {y} không phải năm nhuận nên không có ngày 29/02. "
                f"Vui lòng kiểm tra lại, ví dụ: 28/02/{y}."
            )
        return date(y, month, day)

    return _Atom(start, end, False, exact, approx, year)


def _lunar_exact(day: int, month: int, lunar_year: int) -> date:
    """lunar_to_solar with the messages duty officers need (30 tháng Chạp of a 29-day month)."""
    try:
        return lunar_to_solar(day, month, lunar_year)
    except ValueError as error:
        if month == 12 and day == 30:
            eve = last_day_of_lunar_year(lunar_year)
            raise DateParseError(
                f"Tháng Chạp năm {tet_name_of(lunar_year)} chỉ có 29 ngày nên không có ngày 30 "
                f"tháng Chạp; giao thừa năm đó là 29 tháng Chạp ({eve:%d/%m/%Y}). "
                "Vui lòng nhập lại, ví dụ: 29 tháng chạp hoặc giao thừa."
            ) from error
        raise DateParseError(str(error)) from error


def _lunar_atom(start: int, end: int, day: int, month: int, year: int | None) -> _Atom:
    """A lunar day of a lunar year ("29 tháng chạp năm Ất Tỵ" -> lunar year 2025)."""
    if not 1 <= month <= 12 or not 1 <= day <= 30:
        raise DateParseError(
            f"Ngày âm lịch {day}/{month} không có: ngày từ 1 đến 30, tháng từ 1 đến 12. "
            "Vui lòng nhập lại, ví dụ: 29 tháng chạp."
        )

    def approx(y: int) -> date:
        """Same lunar day in lunar year ``y``, day 30 read as 29 (used only to choose the year)."""
        return lunar_to_solar(min(day, 29), month, y)

    def exact(y: int) -> date:
        """The real date in ``y``; a day the month lacks raises."""
        return _lunar_exact(day, month, y)

    return _Atom(start, end, True, exact, approx, year)


def _tet_atom(start: int, end: int, day: int, tet_year: int | None) -> _Atom:
    """A day counted from Tết: "mùng 2 Tết" (month 1), "28 Tết" / "30 Tết" (tháng Chạp before).

    "30 Tết" is how people name the last day of the year even when tháng Chạp has 29 days, so it
    means giao thừa; days 1–19 are in tháng Giêng, 20–29 in tháng Chạp of the year before.
    """
    if not 1 <= day <= 30:
        raise DateParseError(
            f"Không có ngày {day} Tết. Vui lòng nhập lại, ví dụ: mùng 2 Tết hoặc 29 Tết."
        )
    if day == 30:
        return _eve_atom(start, end, tet_year)
    if day >= 20:

        def before(y: int) -> date:
            """Day ``day`` of tháng Chạp of the lunar year before Tết ``y``."""
            return lunar_to_solar(day, 12, y - 1)

        return _Atom(start, end, True, before, before, tet_year)

    def after(y: int) -> date:
        """Day ``day`` of tháng Giêng of Tết ``y``."""
        return lunar_to_solar(day, 1, y)

    return _Atom(start, end, True, after, after, tet_year)


def _eve_atom(start: int, end: int, tet_year: int | None) -> _Atom:
    """Giao thừa / "30 Tết": the last day of the lunar year before Tết ``y``."""

    def eve(y: int) -> date:
        """The last day of the lunar year before Tết ``y``."""
        return last_day_of_lunar_year(y - 1)

    return _Atom(start, end, True, eve, eve, tet_year)


def _named_year(match: re.Match[str], anchor: date) -> int | None:
    """A year written after a lunar date: "2026", or a can-chi name taken nearest the anchor."""
    if match.groupdict().get("yy"):
        return int(match["yy"])
    name = match.groupdict().get("cc")
    if not name:
        return None
    proper = _CANCHI[name]
    years = [y for y in range(anchor.year - 30, anchor.year + 31) if tet_name_of(y) == proper]
    return min(years, key=lambda y: abs(y - anchor.year))


def _two_digit_year(text: str | None) -> int | None:
    """ "26" in 10/02/26 is 2026; four digits stay as written."""
    if text is None:
        return None
    return int(text) + 2000 if len(text) == 2 else int(text)


def _atoms_dmy(text: str, folded: str, anchor: date) -> list[_Atom]:
    """ "10/02", "10-02-2026", "15/1 âm lịch": numeric day/month with one separator."""
    atoms = []
    for match in _DMY_RE.finditer(folded):
        day, month = int(match["d"]), int(match["m"])
        if match["y"] is None and (day, month) in _NOT_DATES:
            continue
        year = _two_digit_year(match["y"])
        raw = text[match.start("d") : match.end("y") if match["y"] else match.end("m")]
        if match["al"]:
            atoms.append(_lunar_atom(match.start(), match.end(), day, month, year))
        else:
            atoms.append(_solar_atom(match.start(), match.end(), day, month, year, raw))
    return atoms


def _atoms_words(text: str, folded: str, anchor: date) -> list[_Atom]:
    """ "2026-02-10" and "ngày 10 tháng 2 năm 2026" (solar unless marked âm lịch)."""
    atoms = []
    year: int | None
    for match in _ISO_RE.finditer(folded):
        day, month, year = int(match["d"]), int(match["m"]), int(match["y"])
        atoms.append(_solar_atom(match.start(), match.end(), day, month, year, match[0]))
    for match in _WORDS_RE.finditer(folded):
        day, month = int(match["d"]), int(match["m"])
        year = int(match["y"]) if match["y"] else None
        if match["al"]:
            atoms.append(_lunar_atom(match.start(), match.end(), day, month, year))
        else:
            raw = f"{day:02d}/{month:02d}" + (f"/{year}" if year else "")
            atoms.append(_solar_atom(match.start(), match.end(), day, month, year, raw))
    return atoms


def _atoms_lunar(text: str, folded: str, anchor: date) -> list[_Atom]:
    """Tết-relative and lunar-month dates: mùng N, N Tết, N tháng Chạp, rằm, giao thừa."""
    atoms = []
    for match in _LUNAR_NAMED_RE.finditer(folded):
        month = _MONTH_WORDS[match["m"]]
        year = _named_year(match, anchor)
        atoms.append(_lunar_atom(match.start(), match.end(), int(match["d"]), month, year))
    for match in _FULL_MOON_RE.finditer(folded):
        month = _MONTH_WORDS.get(match["m"]) or int(match["m"])
        year = _named_year(match, anchor)
        atoms.append(_lunar_atom(match.start(), match.end(), 15, month, year))
    for match in _MUNG_RANGE_RE.finditer(folded):
        year = _named_year(match, anchor)
        atoms.append(_tet_atom(match.start(), match.end("d"), int(match["d"]), year))
        atoms.append(_tet_atom(match.start("d2"), match.end(), int(match["d2"]), year))
    for match in _MUNG_RE.finditer(folded):
        atoms.append(
            _tet_atom(match.start(), match.end(), int(match["d"]), _named_year(match, anchor))
        )
    for match in _N_TET_RE.finditer(folded):
        atoms.append(
            _tet_atom(match.start(), match.end(), int(match["d"]), _named_year(match, anchor))
        )
    for match in _EVE_RE.finditer(folded):
        atoms.append(_eve_atom(match.start(), match.end(), _named_year(match, anchor)))
    return atoms


def _atoms_day_only(folded: str) -> list[_Atom]:
    """ "08" in "08–14/02/2024": a day that takes its month and year from the end of the range."""

    def never(_: int) -> date:
        """A lone day number has no date of its own; it only starts a range."""
        raise DateParseError(f"Vui lòng ghi đủ ngày/tháng, {DATE_HINT}.")

    return [
        _Atom(m.start(), m.end(), False, never, never, day_only=int(m["d"]))
        for m in _DAY_ONLY_RE.finditer(folded)
        if 1 <= int(m["d"]) <= 31
    ]


def _scan(text: str, folded: str, anchor: date) -> list[_Atom]:
    """All date atoms, left to right; where two overlap the earlier (then longer) one wins."""
    found = (
        _atoms_lunar(text, folded, anchor)
        + _atoms_words(text, folded, anchor)
        + _atoms_dmy(text, folded, anchor)
        + _atoms_day_only(folded)
    )
    found.sort(key=lambda atom: (atom.start, -(atom.end - atom.start)))
    chosen: list[_Atom] = []
    for atom in found:
        if not chosen or atom.start >= chosen[-1].end:
            chosen.append(atom)
    return chosen


# --- choosing years -----------------------------------------------------------------------------


def _candidates(atom: _Atom, around: int) -> dict[int, date]:
    """Approximate dates of the atom in the cycle years around ``around`` (inside the range)."""
    found: dict[int, date] = {}
    for year in range(max(MIN_YEAR + 1, around - 2), min(MAX_YEAR - 1, around + 2) + 1):
        try:
            found[year] = atom.approx(year)
        except ValueError:
            continue
    return found


def _pick(options: dict[int, date], choose: Callable[[dict[int, date]], int]) -> int:
    """Apply ``choose`` to the candidate years, or explain that none is in the supported range."""
    if not options:
        raise DateParseError(
            f"Ngày này nằm ngoài phạm vi lịch hỗ trợ ({MIN_YEAR}–{MAX_YEAR}). "
            f"Vui lòng kiểm tra lại, {DATE_HINT}."
        )
    return choose(options)


def _nearest(atom: _Atom, anchor: date) -> date:
    """The atom's date nearest the anchor (a tie goes to the future)."""
    if atom.year is not None:
        return _exact(atom, atom.year)
    options = _candidates(atom, anchor.year)
    year = _pick(
        options,
        lambda found: min(found, key=lambda y: (abs((found[y] - anchor).days), found[y] < anchor)),
    )
    return _exact(atom, year)


def _first_from(atom: _Atom, floor: date) -> date:
    """The atom's first date on or after ``floor`` (the end of a range)."""
    if atom.year is not None:
        return _exact(atom, atom.year)
    options = {y: d for y, d in _candidates(atom, floor.year).items() if d >= floor}
    return _exact(atom, _pick(options, lambda found: min(found, key=found.__getitem__)))


def _last_until(atom: _Atom, ceiling: date) -> date:
    """The atom's last date on or before ``ceiling`` (the start of a range with a dated end)."""
    if atom.year is not None:
        return _exact(atom, atom.year)
    options = {y: d for y, d in _candidates(atom, ceiling.year).items() if d <= ceiling}
    return _exact(atom, _pick(options, lambda found: max(found, key=found.__getitem__)))


def _exact(atom: _Atom, year: int) -> date:
    """The atom's real date in ``year``; calendar ValueErrors become DateParseError."""
    try:
        return atom.exact(year)
    except DateParseError:
        raise
    except ValueError as error:
        raise DateParseError(str(error)) from error


def _day_only_start(day: int, end: date) -> date:
    """ "08–14/02": day 08 of the end's month, or of the month before when it would come later."""
    month_start = end.replace(day=1)
    if day > end.day:
        month_start = (month_start - timedelta(days=1)).replace(day=1)
    if day > calendar.monthrange(month_start.year, month_start.month)[1]:
        raise DateParseError(
            f"Ngày {day}/{month_start.month:02d} không có trên lịch. "
            f"Vui lòng kiểm tra lại, ví dụ: từ 08/02 đến 14/02."
        )
    return month_start.replace(day=day)


def _range_dates(first: date, last: date, limit: int = MAX_RANGE_DAYS) -> tuple[date, ...]:
    """One date per day, first to last inclusive, at most ``limit`` of them."""
    if last < first:
        raise DateParseError(
            f"Ngày kết thúc {last:%d/%m/%Y} đứng trước ngày bắt đầu {first:%d/%m/%Y}. "
            "Vui lòng nhập lại, ví dụ: từ 08/02 đến 14/02."
        )
    count = (last - first).days + 1
    if count > limit:
        raise DateParseError(
            f"Khoảng từ {first:%d/%m/%Y} đến {last:%d/%m/%Y} dài {count} ngày, quá {limit} "
            f"ngày. Vui lòng gửi từng đợt không quá {limit} ngày, ví dụ: từ 08/02 đến 14/02."
        )
    return tuple(first + timedelta(days=offset) for offset in range(count))


def _resolve_range(
    first: _Atom, last: _Atom, anchor: date, limit: int = MAX_RANGE_DAYS
) -> tuple[date, ...]:
    """Dates of "A đến B": an unyeared end follows the start, an unyeared start precedes a dated end."""
    if first.day_only is not None:
        end = _nearest(last, anchor)
        return _range_dates(_day_only_start(first.day_only, end), end, limit)
    if first.year is None and last.year is not None:
        end = _exact(last, last.year)
        return _range_dates(_last_until(first, end), end, limit)
    start = _nearest(first, anchor)
    return _range_dates(start, _first_from(last, start), limit)


def _joined(folded: str, first: _Atom, last: _Atom) -> bool:
    """True when only a range connector ("-", "đến", "tới") stands between two atoms."""
    between = folded[first.end : last.start]
    return bool(_BETWEEN_RE.fullmatch(between))


def _with_from(folded: str, start: int) -> int:
    """Extend a range leftwards over "từ" / "từ ngày"."""
    match = _FROM_RE.search(folded[:start])
    return match.start() if match else start


def _matches(text: str, anchor: date, limit: int = MAX_RANGE_DAYS) -> list[DateMatch]:
    """Every date or range in NFC text, resolved against the anchor."""
    folded = fold_keep_offsets(text)
    atoms = _scan(text, folded, anchor)
    results: list[DateMatch] = []
    index = 0
    while index < len(atoms):
        atom = atoms[index]
        following = atoms[index + 1] if index + 1 < len(atoms) else None
        if following and following.day_only is None and _joined(folded, atom, following):
            dates = _resolve_range(atom, following, anchor, limit)
            start = _with_from(folded, atom.start)
            lunar = atom.lunar or following.lunar
            results.append(DateMatch(dates, start, following.end, lunar))
            index += 2
            continue
        if atom.day_only is None:
            results.append(DateMatch((_nearest(atom, anchor),), atom.start, atom.end, atom.lunar))
        index += 1
    return results


# --- public date API ----------------------------------------------------------------------------


def find_dates(
    text: str, reference: date | datetime | None = None, tet_year: int | None = None
) -> DateMatch | None:
    """The first date or range in free text (offsets into its NFC form), or None.

    Raises DateParseError when the text names a day that does not exist (31/02, 30 tháng Chạp of
    a 29-day month) or a range longer than 31 days: the user must hear about it, not get a guess.
    """
    found = _matches(nfc(text), _anchor(reference, tet_year))
    return found[0] if found else None


def find_all_dates(
    text: str,
    reference: date | datetime | None = None,
    tet_year: int | None = None,
    max_days: int = MAX_RANGE_DAYS,
) -> list[DateMatch]:
    """Every date or range in free text, left to right (a directive's duty period may be long)."""
    return _matches(nfc(text), _anchor(reference, tet_year), max_days)


def parse_dates(
    text: str, reference: date | datetime | None = None, tet_year: int | None = None
) -> list[date]:
    """The day(s) a message names: one date, or one per day of a range (at most 31)."""
    found = find_dates(text, reference, tet_year)
    if found is None:
        raise DateParseError(
            f"Chưa nhận ra ngày trong “{nfc(text).strip()}”. "
            f"Vui lòng nhập ngày theo dạng ngày/tháng, {DATE_HINT}."
        )
    return list(found.dates)


def parse_date(
    text: str, reference: date | datetime | None = None, tet_year: int | None = None
) -> date:
    """Exactly one day; a range is refused so the caller never drops its other days silently."""
    dates = parse_dates(text, reference, tet_year)
    if len(dates) > 1:
        raise DateParseError(
            f"“{nfc(text).strip()}” là một khoảng {len(dates)} ngày. "
            "Vui lòng nhập một ngày, ví dụ: 10/02/2026."
        )
    return dates[0]


# --- times --------------------------------------------------------------------------------------

_TIME_RE = re.compile(
    r"(?<![\w/:.,])(?P<h>\d{1,2})\s*(?:"
    r"(?:h|g(?=\d))(?P<hm>\d{1,2})?(?:\s*(?:p|phut))?"
    r"|gio(?:\s+(?P<gm>\d{1,2})(?:\s*(?:p|phut))?)?"
    r"|:(?P<cm>\d{2})"
    r")(?!\w)"
)
_BARE_START_RE = re.compile(
    r"(?<![\w/:.,])(?P<h>\d{1,2})(?=\s*" + _CONNECTOR + r"\s*\d{1,2}\s*(?:h|gio|g\d|:\d))"
)
_PERIODS = ("sang", "trua", "chieu", "toi", "dem", "khuya")
_PERIOD_AFTER_RE = re.compile(r"\s*(?P<p>sang|trua|chieu|toi|dem|khuya)(?!\w)")
_PERIOD_BEFORE_RE = re.compile(
    r"(?<!\w)(?P<p>sang|trua|chieu|toi|dem|khuya)(?:\s+(?P<rel>nay|qua|mai))?"
    r"(?:\s+(?:luc|vao(?:\s+luc)?))?\s*$"
)
_RELATIVE_RE = re.compile(
    r"(?<!\w)(?:hom\s+(?P<hom>nay|qua|kia)|ngay\s+(?P<ngay>mai|kia)"
    r"|(?P<p>sang|trua|chieu|toi|dem|khuya)\s+(?P<rel>nay|qua|mai))(?!\w)"
)
_RELATIVE_DAYS = {"nay": 0, "qua": -1, "kia": -2, "mai": 1}


@dataclass(frozen=True)
class _TimeAtom:
    start: int
    end: int
    minutes: int  # since midnight; 1440 for "24h"
    pm_hint: bool  # an afternoon/evening word raised the hour


def _is_evening_toi(text: str, folded: str, start: int) -> bool:
    """ "tối" (evening) and "tới" (until) both fold to "toi": tell them apart.

    Accented text says it outright; unaccented "toi" between a time and a number ("7h toi 17h")
    means "until", anywhere else ("toi qua 22h", "toi 8h") it means evening.
    """
    original = text[start : start + 3].lower()
    if original in ("tối", "tới"):
        return original == "tối"
    between_times = re.match(r"toi\s*\d", folded[start:]) and re.search(
        r"[\dh]\s*$", folded[:start]
    )
    return not between_times


def _period_hour(hour: int, period: str | None) -> int:
    """12-hour speech to 24-hour clock: "2h chiều" = 14h, "10h đêm" = 22h, "12h đêm" = 0h."""
    if period in ("chieu", "toi") and 1 <= hour <= 11:
        return hour + 12
    if period == "trua" and 1 <= hour <= 4:
        return hour + 12
    if period in ("dem", "khuya"):
        if 6 <= hour <= 11:
            return hour + 12
        if hour == 12:
            return 0
    return hour


def _period_near(text: str, folded: str, start: int, end: int) -> str | None:
    """The part-of-day word right after a time ("8h tối"), else right before it ("tối qua 22h")."""
    after = _PERIOD_AFTER_RE.match(folded, end)
    if after and (after["p"] != "toi" or _is_evening_toi(text, folded, after.start("p"))):
        return after["p"]
    before = _PERIOD_BEFORE_RE.search(folded[:start])
    if before and (before["p"] != "toi" or _is_evening_toi(text, folded, before.start("p"))):
        return before["p"]
    return None


def _time_value(raw: str, hour: int, minute: int) -> int:
    """Minutes since midnight, refusing 25h or 8h75 with an example."""
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        raise DateParseError(
            f"Giờ “{raw}” không hợp lệ (giờ từ 0 đến 23, phút từ 0 đến 59). "
            f"Vui lòng nhập lại, {TIME_HINT}."
        )
    return hour * 60 + minute


def _time_atoms(text: str, folded: str, bare_starts: bool = False) -> list[_TimeAtom]:
    """Every clock time in the text; with ``bare_starts`` also "8" in "8-17h"."""
    atoms = []
    for match in _TIME_RE.finditer(folded):
        minute_text = match["hm"] or match["gm"] or match["cm"] or "0"
        hour = int(match["h"])
        period = _period_near(text, folded, match.start(), match.end())
        adjusted = _period_hour(hour, period)
        minutes = _time_value(text[match.start() : match.end()], adjusted, int(minute_text))
        atoms.append(_TimeAtom(match.start(), match.end(), minutes, adjusted != hour))
    if bare_starts:
        for match in _BARE_START_RE.finditer(folded):
            minutes = _time_value(match[0], int(match["h"]), 0)
            atoms.append(_TimeAtom(match.start(), match.end(), minutes, False))
    atoms.sort(key=lambda atom: atom.start)
    return atoms


def _as_time(minutes: int) -> time:
    """Minutes since midnight as a time; "24h" (1440) is midnight."""
    return time((minutes // 60) % 24, minutes % 60)


def find_times(text: str) -> list[tuple[int, int, time]]:
    """Every clock time in NFC text with its offsets: "9h00", "16 giờ 30", "08:00", "2h chiều"."""
    text = nfc(text)
    return [
        (atom.start, atom.end, _as_time(atom.minutes))
        for atom in _time_atoms(text, fold_keep_offsets(text))
    ]


def parse_time(text: str) -> time:
    """The first clock time in text: "8h", "8h30", "08:30", "9 giờ 15", "8h tối" (20:00)."""
    text = nfc(text)
    atoms = _time_atoms(text, fold_keep_offsets(text))
    if not atoms:
        raise DateParseError(
            f"Chưa nhận ra giờ trong “{text.strip()}”. Vui lòng nhập giờ, {TIME_HINT}."
        )
    return _as_time(atoms[0].minutes)


# --- shifts -------------------------------------------------------------------------------------

SHIFTS: dict[str, tuple[str, time, time]] = {
    "sang": ("ca sáng", time(7, 0), time(12, 0)),
    "chieu": ("ca chiều", time(12, 0), time(17, 0)),
    "toi": ("ca tối", time(17, 0), time(22, 0)),
    "dem": ("ca đêm", time(22, 0), time(7, 0)),
    "hanh_chinh": ("giờ hành chính", time(7, 30), time(17, 0)),
}
_NAMED_SHIFT_RE = re.compile(
    r"(?<!\w)(?:(?:ca|truc|buoi)\s+(?P<p>sang|chieu|toi|dem|khuya)"
    r"|(?:ca\s+|gio\s+|truc\s+)?(?P<hc>hanh\s+chinh)|(?:ca|gio)\s+hc)(?!\w)"
)
_ALL_DAY_RE = re.compile(
    r"(?<!\w)(?:24\s*/\s*24\s*h?|24\s*/\s*7|(?:ca\s+|truc\s+)?24\s*(?:h|gio)"
    r"|ca\s+ngay(?:\s+(?:dem|lan\s+dem))?|suot\s+ngay(?:\s+dem)?|ngay\s+dem)(?!\w)"
)
_SHIFT_JOIN_RE = re.compile(r"\s*(?:(?:sang|trua|chieu|toi|dem|khuya)\s*)?" + _CONNECTOR + r"\s*")


@dataclass(frozen=True)
class Shift:
    """Hours of a duty: start–end, all day (24/24), and whether it runs past midnight."""

    start: time | None
    end: time | None
    all_day: bool = False
    overnight: bool = False
    label: str | None = None

    def text(self) -> str:
        """ "07:00–17:00", "22:00–07:00 (qua đêm)" or "cả ngày (24/24)" for tables and replies."""
        if self.all_day:
            return "cả ngày (24/24)"
        if self.start is None or self.end is None:
            return self.label or ""
        hours = f"{self.start:%H:%M}–{self.end:%H:%M}"
        return f"{hours} (qua đêm)" if self.overnight else hours


@dataclass(frozen=True)
class ShiftMatch:
    """A shift found in text, with its offsets into the NFC text."""

    shift: Shift
    start: int
    end: int


def _time_range(text: str, folded: str) -> ShiftMatch | None:
    """ "8h-17h", "7h30 đến 17h", "từ 22h đến 6h", "8-17h": two times joined by a connector."""
    atoms = _time_atoms(text, folded, bare_starts=True)
    for first, last in pairwise(atoms):
        if not _SHIFT_JOIN_RE.fullmatch(folded[first.end : last.start]):
            continue
        end_minutes = last.minutes
        if first.pm_hint and end_minutes < 12 * 60 and end_minutes + 12 * 60 > first.minutes:
            end_minutes += 12 * 60  # "1h chiều - 5h" ends at 17h
        start_time, end_time = _as_time(first.minutes), _as_time(end_minutes)
        overnight = end_minutes % 1440 <= first.minutes
        shift = Shift(start_time, end_time, overnight=overnight)
        return ShiftMatch(shift, _with_from(folded, first.start), last.end)
    return None


def _named_shift(folded: str) -> ShiftMatch | None:
    """ "ca sáng", "trực đêm", "giờ hành chính": the fixed hours in SHIFTS."""
    match = _NAMED_SHIFT_RE.search(folded)
    if not match:
        return None
    key = match["p"] or "hanh_chinh"
    key = "dem" if key == "khuya" else key
    label, start, end = SHIFTS[key]
    return ShiftMatch(Shift(start, end, overnight=end <= start, label=label), *match.span())


def find_shift(text: str) -> ShiftMatch | None:
    """The shift a text names: explicit hours win over a shift name; 24/24 means all day."""
    text = nfc(text)
    folded = fold_keep_offsets(text)
    explicit = _time_range(text, folded)
    named = _named_shift(folded)
    if explicit:
        label = named.shift.label if named else None
        shift = Shift(
            explicit.shift.start, explicit.shift.end, False, explicit.shift.overnight, label
        )
        start = min(explicit.start, named.start) if named else explicit.start
        end = max(explicit.end, named.end) if named else explicit.end
        return ShiftMatch(shift, start, end)
    all_day = _ALL_DAY_RE.search(folded)
    if all_day:
        return ShiftMatch(Shift(None, None, all_day=True, label="24/24"), *all_day.span())
    return named


def parse_shift(text: str) -> Shift:
    """A shift from a whole answer; a bare "sáng" / "đêm" counts when nothing else is said."""
    found = find_shift(text)
    if found:
        return found.shift
    word = fold(nfc(text)).strip(" .:")
    if word in _PERIODS or word == "hanh chinh":
        return parse_shift(f"ca {word}")
    raise DateParseError(
        f"Chưa nhận ra ca trực trong “{nfc(text).strip()}”. Vui lòng nhập lại, {SHIFT_HINT}."
    )


# --- moments (date + time) ----------------------------------------------------------------------


@dataclass(frozen=True)
class MomentMatch:
    """A moment found in text; ``dated`` tells whether a day was written (not assumed to be today)."""

    value: datetime
    dated: bool
    start: int
    end: int


def _relative_day(folded: str, hour: int) -> int | None:
    """Days from today named by "hôm qua", "sáng nay", "tối qua", "ngày mai"…

    "đêm qua 2h" is the small hours of today; "đêm qua 23h" was yesterday.
    """
    match = _RELATIVE_RE.search(folded)
    if not match:
        return None
    if match["hom"]:
        return _RELATIVE_DAYS[match["hom"]]
    if match["ngay"]:
        return 1 if match["ngay"] == "mai" else 2
    offset = _RELATIVE_DAYS[match["rel"]]
    if match["p"] in ("dem", "khuya") and match["rel"] == "qua" and hour < 12:
        return 0
    return offset


def find_datetime(
    text: str, reference: date | datetime | None = None, tet_year: int | None = None
) -> MomentMatch | None:
    """The first clock time in text with its day: a written date, a relative day, or today.

    "9 giờ ngày 13/02/2024" is 09:00 that day (never now + 9 h, the dateparser reading).
    """
    text = nfc(text)
    folded = fold_keep_offsets(text)
    times = _time_atoms(text, folded)
    if not times:
        return None
    moment = times[0]
    current = reference_moment(reference)
    dates = [m for m in _matches(text, _anchor(current, tet_year)) if not _overlaps(m, moment)]
    hour = moment.minutes // 60
    offset = _relative_day(folded, hour)
    if dates:
        day, dated = dates[0].dates[0], True
    elif offset is not None:
        day, dated = current.date() + timedelta(days=offset), True
    else:
        day, dated = current.date(), False
    value = datetime.combine(day, time(0), VN_TZ) + timedelta(minutes=moment.minutes)
    return MomentMatch(value, dated, moment.start, moment.end)


def _overlaps(found: DateMatch, moment: _TimeAtom) -> bool:
    """True when a date match and a time share characters (never read one as the other)."""
    return found.start < moment.end and moment.start < found.end


def parse_datetime(
    text: str, reference: date | datetime | None = None, tet_year: int | None = None
) -> datetime:
    """An aware Asia/Ho_Chi_Minh datetime: "8h30 sáng nay", "8h30 ngày 10/02", "hôm qua 22h"."""
    found = find_datetime(text, reference, tet_year)
    if found is None:
        raise DateParseError(
            f"Chưa nhận ra thời điểm trong “{nfc(text).strip()}”. Vui lòng nhập giờ và ngày, "
            f"{MOMENT_HINT}."
        )
    return found.value


def ensure_not_future(
    moment: datetime,
    reference: date | datetime | None = None,
    tolerance: timedelta = timedelta(minutes=5),
) -> datetime:
    """Refuse a moment after now (with a little clock slack): an incident cannot be detected later."""
    current = reference_moment(reference)
    if moment > current + tolerance:
        local = moment.astimezone(VN_TZ)
        raise DateParseError(
            f"Thời điểm {local:%H}h{local:%M} ngày {local:%d/%m/%Y} chưa tới "
            f"(bây giờ là {current:%H}h{current:%M} ngày {current:%d/%m/%Y}). "
            f"Vui lòng nhập thời điểm đã xảy ra, {MOMENT_HINT}."
        )
    return moment


def parse_past_datetime(
    text: str,
    reference: date | datetime | None = None,
    tet_year: int | None = None,
    tolerance: timedelta = timedelta(minutes=5),
) -> datetime:
    """A moment that already happened, e.g. when an incident was detected.

    A bare time later than now ("từ 22h" said at 07:00) means yesterday; a written day in the
    future is refused with a message rather than moved.
    """
    found = find_datetime(text, reference, tet_year)
    if found is None:
        return parse_datetime(text, reference, tet_year)
    current = reference_moment(reference)
    value = found.value
    if not found.dated and value > current + tolerance:
        value -= timedelta(days=1)
    return ensure_not_future(value, current, tolerance)
