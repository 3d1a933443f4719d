"""The Vietnamese lunar calendar (âm lịch), computed for the UTC+7 meridian.

Vietnam has reckoned its lunar calendar at UTC+7 since 1968, so new moons that fall near midnight
put a month (and sometimes Tết) on a different day than Chinese UTC+8 tables do: Tết 1985 was
21/01 in Vietnam and 20/02 in China, Tết 2007 was 17/02 here and 18/02 there. This module follows
the rules Hồ Ngọc Đức published for the Vietnamese calendar, with new moons and solar longitude from
Jean Meeus, "Astronomical Algorithms" (1998):

- a month starts on the local day of a new moon;
- the month containing the winter solstice is month 11;
- a year with 13 months between two months 11 repeats (as a leap month, tháng nhuận) the first month
  that contains no major solar term.

Accurate for 1900–2199, which is the range accepted here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from vntext.lunar import tet_name_of

TIME_ZONE = 7.0
MIN_YEAR = 1900
MAX_YEAR = 2199
_SYNODIC_MONTH = 29.530588853
_NEW_MOON_EPOCH = 2415021.076998695  # new moon of 1900-01-01, Julian day
_JD_OFFSET = 1721425  # Julian day number minus date.toordinal()
_RAD = math.pi / 180
MONTH_NAMES = {1: "Giêng", 11: "Một", 12: "Chạp"}


@dataclass(frozen=True)
class LunarDate:
    """A day of the lunar calendar; ``year`` is the lunar year (the solar year its Tết falls in)."""

    day: int
    month: int
    year: int
    leap: bool = False

    def __str__(self) -> str:
        """ "29/12/2025 âm lịch" for logs and messages."""
        leap = " nhuận" if self.leap else ""
        return f"{self.day:02d}/{self.month:02d}{leap}/{self.year} âm lịch"


def _jdn(day: date) -> int:
    """Julian day number of a (proleptic Gregorian) date."""
    return day.toordinal() + _JD_OFFSET


def _from_jdn(jdn: int) -> date:
    """Date of a Julian day number."""
    return date.fromordinal(jdn - _JD_OFFSET)


def _new_moon(k: int) -> float:
    """Julian day (UT, fractional) of the k-th new moon after 1900-01-01 (Meeus, ch. 49)."""
    t = k / 1236.85
    t2, t3 = t * t, t * t * t
    jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * _RAD)
    sun_anomaly = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3
    moon_anomaly = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3
    latitude = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3
    m, mp, f = sun_anomaly * _RAD, moon_anomaly * _RAD, latitude * _RAD
    correction = (
        (0.1734 - 0.000393 * t) * math.sin(m)
        + 0.0021 * math.sin(2 * m)
        - 0.4068 * math.sin(mp)
        + 0.0161 * math.sin(2 * mp)
        - 0.0004 * math.sin(3 * mp)
        + 0.0104 * math.sin(2 * f)
        - 0.0051 * math.sin(m + mp)
        - 0.0074 * math.sin(m - mp)
        + 0.0004 * math.sin(2 * f + m)
        - 0.0004 * math.sin(2 * f - m)
        - 0.0006 * math.sin(2 * f + mp)
        + 0.0010 * math.sin(2 * f - mp)
        + 0.0005 * math.sin(2 * mp + m)
    )
    if t < -11:
        delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd + correction - delta_t


@lru_cache(maxsize=4096)
def _new_moon_day(k: int) -> int:
    """Julian day number of the local (UTC+7) day on which the k-th new moon falls."""
    return math.floor(_new_moon(k) + 0.5 + TIME_ZONE / 24)


def _sun_longitude_sector(jdn: int) -> int:
    """Which 30° sector (0–11) the sun is in at local midnight starting day ``jdn``.

    A sector change inside a month means the month contains a major solar term (trung khí).
    """
    t = (jdn - 0.5 - TIME_ZONE / 24 - 2451545.0) / 36525
    t2 = t * t
    anomaly = (357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2) * _RAD
    mean = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    centre = (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(anomaly)
    centre += (0.019993 - 0.000101 * t) * math.sin(2 * anomaly) + 0.000290 * math.sin(3 * anomaly)
    longitude = ((mean + centre) * _RAD) % (2 * math.pi)
    return math.floor(longitude / math.pi * 6)


@lru_cache(maxsize=512)
def _month_11_start(solar_year: int) -> int:
    """Julian day number of the first day of lunar month 11 (the winter-solstice month)."""
    k = math.floor((_jdn(date(solar_year, 12, 31)) - 2415021) / _SYNODIC_MONTH)
    start = _new_moon_day(k)
    if _sun_longitude_sector(start) >= 9:
        start = _new_moon_day(k - 1)
    return start


@lru_cache(maxsize=512)
def _leap_month_offset(month_11_start: int) -> int:
    """Months after month 11 until the first month without a major solar term (the leap month)."""
    k = math.floor((month_11_start - _NEW_MOON_EPOCH) / _SYNODIC_MONTH + 0.5)
    offset = 1
    sector = _sun_longitude_sector(_new_moon_day(k + offset))
    while True:
        previous = sector
        offset += 1
        sector = _sun_longitude_sector(_new_moon_day(k + offset))
        if sector == previous or offset >= 14:
            return offset - 1


def _check_year(year: int) -> None:
    """Refuse years outside 1900–2199, where the astronomical series is not checked."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(
            f"Năm {year} nằm ngoài phạm vi lịch âm hỗ trợ ({MIN_YEAR}–{MAX_YEAR}). "
            "Vui lòng nhập năm khác, ví dụ: 2026."
        )


def solar_to_lunar(day: date) -> LunarDate:
    """Lunar date of a solar date, e.g. 2026-02-17 -> 1/1/2026 (mùng 1 Tết Bính Ngọ)."""
    _check_year(day.year)
    jdn = _jdn(day)
    # The mean-month estimate of k can be one off when the true new moon strays from the mean
    # (2054-05-07, 2062-04-09): step until new moon k is the last one on or before the day.
    k = math.floor((jdn - _NEW_MOON_EPOCH) / _SYNODIC_MONTH)
    while _new_moon_day(k + 1) <= jdn:
        k += 1
    while _new_moon_day(k) > jdn:
        k -= 1
    month_start = _new_moon_day(k)
    a11 = b11 = _month_11_start(day.year)
    if a11 >= month_start:
        lunar_year = day.year
        a11 = _month_11_start(day.year - 1)
    else:
        lunar_year = day.year + 1
        b11 = _month_11_start(day.year + 1)
    lunar_day = jdn - month_start + 1
    diff = math.floor((month_start - a11) / 29)
    leap = False
    month = diff + 11
    if b11 - a11 > 365:
        leap_diff = _leap_month_offset(a11)
        if diff >= leap_diff:
            month = diff + 10
            leap = diff == leap_diff
    if month > 12:
        month -= 12
    if month >= 11 and diff < 4:
        lunar_year -= 1
    return LunarDate(lunar_day, month, lunar_year, leap)


def _month_start(month: int, year: int, leap: bool) -> int | None:
    """Julian day number of day 1 of a lunar month, or None for a leap month that year lacks."""
    if month < 11:
        a11, b11 = _month_11_start(year - 1), _month_11_start(year)
    else:
        a11, b11 = _month_11_start(year), _month_11_start(year + 1)
    k = math.floor(0.5 + (a11 - _NEW_MOON_EPOCH) / _SYNODIC_MONTH)
    offset = (month - 11) % 12
    if b11 - a11 > 365:
        leap_offset = _leap_month_offset(a11)
        leap_month = (leap_offset - 2) % 12
        if leap and month != leap_month:
            return None
        if leap or offset >= leap_offset:
            offset += 1
    elif leap:
        return None
    return _new_moon_day(k + offset)


def _month_label(month: int, leap: bool = False) -> str:
    """ "tháng Giêng", "tháng Chạp", "tháng 6 nhuận" as people say them."""
    name = MONTH_NAMES.get(month, str(month))
    return f"tháng {name}" + (" nhuận" if leap else "")


def lunar_month_length(month: int, year: int, leap: bool = False) -> int:
    """29 or 30: how many days a lunar month has (the last day of tháng Chạp is giao thừa)."""
    _check_year(year)
    if not 1 <= month <= 12:
        raise ValueError(f"Tháng âm lịch {month} không có. Vui lòng nhập tháng 1–12, ví dụ: 12.")
    start = _month_start(month, year, leap)
    if start is None:
        raise ValueError(
            f"Năm âm lịch {tet_name_of(year)} ({year}) không có tháng {month} nhuận. "
            "Vui lòng nhập tháng thường, ví dụ: 29 tháng Chạp."
        )
    # Day 30 exists only if the 30th day counted from day 1 is still in the same month.
    return 30 if solar_to_lunar(_from_jdn(start + 29)).day == 30 else 29


def lunar_to_solar(day: int, month: int, year: int, leap: bool = False) -> date:
    """Solar date of a lunar date; ValueError (in Vietnamese) for a day that does not exist.

    The arithmetic alone would turn 30 tháng Chạp of a 29-day month into mùng 1 Tết, so the result
    is converted back and compared before it is returned.
    """
    _check_year(year)
    if not 1 <= month <= 12:
        raise ValueError(f"Tháng âm lịch {month} không có. Vui lòng nhập tháng 1–12, ví dụ: 12.")
    if not 1 <= day <= 30:
        raise ValueError(
            f"Ngày âm lịch {day} không có (chỉ từ 1 đến 30). Vui lòng nhập lại, ví dụ: 29 tháng Chạp."
        )
    start = _month_start(month, year, leap)
    if start is None:
        raise ValueError(
            f"Năm âm lịch {tet_name_of(year)} ({year}) không có tháng {month} nhuận. "
            "Vui lòng nhập tháng thường, ví dụ: 29 tháng Chạp."
        )
    result = _from_jdn(start + day - 1)
    if solar_to_lunar(result) != LunarDate(day, month, year, leap):
        raise ValueError(
            f"T{_month_label(month, leap)[1:]} năm {tet_name_of(year)} ({year}) chỉ có "
            f"29 ngày nên không có ngày {day}. Vui lòng nhập lại, ví dụ: 29 {_month_label(month, leap)}."
        )
    return result


def tet_date(year: int) -> date:
    """Mùng 1 Tết of the lunar year whose Tết falls in solar ``year`` (2026 -> 2026-02-17)."""
    return lunar_to_solar(1, 1, year)


def last_day_of_lunar_year(year: int) -> date:
    """Giao thừa: the last day of lunar ``year`` (29 or 30 tháng Chạp), the eve of Tết year+1."""
    return tet_date(year + 1) - timedelta(days=1)


def leap_month_of(year: int) -> int | None:
    """The month number repeated as a leap month in lunar ``year``, or None for a 12-month year."""
    _check_year(year)
    for month in range(1, 13):
        if _month_start(month, year, True) is not None:
            return month
    return None


def lunar_text(day: date) -> str:
    """How people say a solar date in lunar terms: "mùng 2 Tết", "29 tháng Chạp", "15 tháng 3"."""
    lunar = solar_to_lunar(day)
    if lunar.month == 1 and not lunar.leap and lunar.day <= 10:
        return f"mùng {lunar.day} Tết"
    prefix = "mùng " if lunar.day <= 10 else ""
    return f"{prefix}{lunar.day} {_month_label(lunar.month, lunar.leap)}"
