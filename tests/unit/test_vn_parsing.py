"""Lunar calendar, dates, times, shifts, phones, roster lines and incident sentences as users type them.

Runs in both environments (Python 3.11 gateway/store and Python 3.10 Rasa): no fixtures from the
store, a fixed reference day instead of the clock.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time, timedelta

import pytest

from vntext.dates import (
    DateParseError,
    Shift,
    ensure_not_future,
    find_dates,
    find_datetime,
    find_shift,
    parse_date,
    parse_dates,
    parse_datetime,
    parse_past_datetime,
    parse_shift,
    parse_time,
)
from vntext.incident_text import extract_incident
from vntext.lunar_calendar import (
    LunarDate,
    last_day_of_lunar_year,
    leap_month_of,
    lunar_month_length,
    lunar_text,
    lunar_to_solar,
    solar_to_lunar,
    tet_date,
)
from vntext.phones import find_phones, parse_phone
from vntext.roster_lines import duty_type_of, format_table, name_in, parse_roster
from vntext.timefmt import VN_TZ

LATE_JANUARY = date(2026, 1, 25)  # a roster typed ahead of Tết Bính Ngọ
NOW = datetime(2026, 2, 10, 10, 5, tzinfo=VN_TZ)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def days(start: str, count: int) -> list[date]:
    first = date.fromisoformat(start)
    return [first + timedelta(days=offset) for offset in range(count)]


# --- lunar calendar -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "tet"),
    [
        (2024, date(2024, 2, 10)),  # Giáp Thìn
        (2026, date(2026, 2, 17)),  # Bính Ngọ
        (2027, date(2027, 2, 6)),  # Đinh Mùi
        (2025, date(2025, 1, 29)),  # Ất Tỵ
        (1985, date(1985, 1, 21)),  # Chinese tables: 1985-02-20
        (2007, date(2007, 2, 17)),  # Chinese tables: 2007-02-18
        (2030, date(2030, 2, 2)),  # Chinese tables: 2030-02-03
        (1968, date(1968, 1, 29)),  # first Tết on UTC+7 in the North
    ],
)
def test_tet_follows_the_vietnamese_calendar(year: int, tet: date) -> None:
    assert tet_date(year) == tet
    assert solar_to_lunar(tet) == LunarDate(1, 1, year)


def test_mung_4_tet_giap_thin_is_the_bac_giang_deadline_day() -> None:
    assert solar_to_lunar(date(2024, 2, 13)) == LunarDate(4, 1, 2024)
    assert lunar_text(date(2024, 2, 13)) == "mùng 4 Tết"


def test_29_thang_chap_belongs_to_the_lunar_year_before() -> None:
    assert lunar_to_solar(29, 12, 2025) == date(2026, 2, 16)
    assert lunar_to_solar(29, 12, 2023) == date(2024, 2, 8)
    assert solar_to_lunar(date(2026, 2, 16)) == LunarDate(29, 12, 2025)
    assert lunar_text(date(2026, 2, 16)) == "29 tháng Chạp"


def test_day_30_of_a_29_day_month_is_refused_not_rolled_over() -> None:
    assert lunar_month_length(12, 2025) == 29
    with pytest.raises(ValueError, match="chỉ có 29 ngày"):
        lunar_to_solar(30, 12, 2025)
    assert lunar_month_length(12, 2023) == 30
    assert lunar_to_solar(30, 12, 2023) == date(2024, 2, 9)
    assert last_day_of_lunar_year(2023) == date(2024, 2, 9)


def test_leap_months_are_placed_and_checked() -> None:
    assert leap_month_of(2025) == 6
    assert leap_month_of(2023) == 2
    assert leap_month_of(2033) == 11
    assert leap_month_of(2026) is None
    assert lunar_to_solar(1, 6, 2025, leap=True) == date(2025, 7, 25)
    assert solar_to_lunar(date(2025, 7, 25)) == LunarDate(1, 6, 2025, leap=True)
    with pytest.raises(ValueError, match="không có tháng 4 nhuận"):
        lunar_to_solar(1, 4, 2026, leap=True)


def test_every_day_converts_back_to_itself() -> None:
    day = date(2019, 1, 1)
    while day < date(2032, 1, 1):
        lunar = solar_to_lunar(day)
        assert lunar_to_solar(lunar.day, lunar.month, lunar.year, lunar.leap) == day
        day += timedelta(days=1)


def test_new_moon_estimate_off_by_one_still_gives_day_one() -> None:
    assert solar_to_lunar(date(2054, 5, 7)).day >= 1


def test_years_outside_the_supported_range_are_refused() -> None:
    with pytest.raises(ValueError, match="ngoài phạm vi"):
        tet_date(1850)


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["10/02", "10/2/2026", "ngày 10-02-2026", "10.02.2026", "ngày 10 tháng 2 năm 2026", "10/02/26"],
)
def test_solar_dates_in_every_spelling(text: str) -> None:
    assert parse_date(text, LATE_JANUARY) == date(2026, 2, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mùng 2 Tết", date(2026, 2, 18)),
        ("mung 4 tet", date(2026, 2, 20)),
        ("mồng 1 Tết", date(2026, 2, 17)),
        ("29 tháng chạp", date(2026, 2, 16)),
        ("29 thang chap", date(2026, 2, 16)),
        ("28 Tết", date(2026, 2, 15)),
        ("rằm tháng Giêng", date(2026, 3, 3)),
        ("15/1 âm lịch", date(2026, 3, 3)),
    ],
)
def test_lunar_dates_land_on_the_coming_tet(text: str, expected: date) -> None:
    assert parse_date(text, LATE_JANUARY) == expected


def test_nfd_input_reads_like_nfc() -> None:
    assert parse_date(nfd("mùng 2 Tết"), LATE_JANUARY) == date(2026, 2, 18)
    assert parse_date(nfd("29 tháng Chạp"), LATE_JANUARY) == date(2026, 2, 16)


@pytest.mark.parametrize("text", ["30 Tết", "giao thừa", "đêm giao thừa", "dem giao thua"])
def test_30_tet_and_giao_thua_mean_the_last_day_of_the_year(text: str) -> None:
    assert parse_date(text, LATE_JANUARY) == date(2026, 2, 16)  # tháng Chạp Ất Tỵ has 29 days
    assert parse_date(text, tet_year=2024) == date(2024, 2, 9)  # tháng Chạp Quý Mão has 30


def test_30_thang_chap_of_a_29_day_month_is_refused_with_the_real_eve() -> None:
    with pytest.raises(DateParseError) as caught:
        parse_date("30 tháng chạp", LATE_JANUARY)
    message = str(caught.value)
    assert "chỉ có 29 ngày" in message
    assert "16/02/2026" in message
    assert "ví dụ: 29 tháng chạp" in message
    assert parse_date("30 tháng chạp", tet_year=2024) == date(2024, 2, 9)


def test_can_chi_year_names_pick_the_tet() -> None:
    assert parse_date("mùng 4 Tết Giáp Thìn", LATE_JANUARY) == date(2024, 2, 13)
    assert parse_date("29 tháng chạp năm Ất Tỵ", LATE_JANUARY) == date(2026, 2, 16)
    assert parse_date("mung 2 tet binh ngo", date(2020, 1, 1)) == date(2026, 2, 18)


def test_tet_year_anchors_dates_without_a_year() -> None:
    assert parse_date("mùng 4 Tết", tet_year=2024) == date(2024, 2, 13)
    assert parse_date("10/02", tet_year=2024) == date(2024, 2, 10)


@pytest.mark.parametrize(
    ("reference", "text", "expected"),
    [
        (date(2026, 1, 25), "02/02", date(2026, 2, 2)),  # late January: the coming one
        (date(2025, 12, 20), "10/02", date(2026, 2, 10)),
        (date(2026, 3, 5), "10/02", date(2026, 2, 10)),  # just after: the one that passed
        (date(2026, 1, 25), "20/12", date(2025, 12, 20)),
    ],
)
def test_a_date_without_year_takes_the_nearest_year(
    reference: date, text: str, expected: date
) -> None:
    assert parse_date(text, reference) == expected


def test_default_reference_is_today_in_vietnam(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUTET_NOW", "2026-01-10T09:00:00+07:00")
    assert parse_date("mùng 2 Tết") == date(2026, 2, 18)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("từ 08/02 đến 14/02", days("2026-02-08", 7)),
        ("08/02 - 14/02", days("2026-02-08", 7)),
        ("tu 08/02 den 14/02", days("2026-02-08", 7)),
        ("mùng 1 đến mùng 3", days("2026-02-17", 3)),
        ("mùng 1-3 Tết", days("2026-02-17", 3)),
        ("29 tháng chạp đến mùng 2 Tết", days("2026-02-16", 3)),
        ("08–14/02/2024", days("2024-02-08", 7)),
        ("từ 30/12 đến 02/01/2026", days("2025-12-30", 4)),
    ],
)
def test_ranges_give_one_date_per_day(text: str, expected: list[date]) -> None:
    assert parse_dates(text, LATE_JANUARY) == expected


def test_range_longer_than_31_days_is_refused() -> None:
    with pytest.raises(DateParseError, match="quá 31 ngày") as caught:
        parse_dates("từ 01/01 đến 15/03", LATE_JANUARY)
    assert "ví dụ: từ 08/02 đến 14/02" in str(caught.value)


def test_range_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(DateParseError, match="đứng trước ngày bắt đầu"):
        parse_dates("từ 14/02/2026 đến 08/02/2026", LATE_JANUARY)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("31/02", "tháng 2 chỉ có 28 hoặc 29 ngày"),
        ("31/04/2026", "tháng 4 chỉ có 30 ngày"),
        ("10/13", "tháng chỉ từ 1 đến 12"),
        ("29/02", "không phải năm nhuận"),
    ],
)
def test_impossible_dates_are_refused_in_vietnamese_with_an_example(
    text: str, fragment: str
) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_date(text, LATE_JANUARY)
    assert fragment in str(caught.value)
    assert "ví dụ" in str(caught.value)


def test_29_february_of_a_leap_year_is_fine() -> None:
    assert parse_date("29/02/2024", LATE_JANUARY) == date(2024, 2, 29)


def test_no_date_and_a_range_where_one_day_is_wanted_are_explained() -> None:
    with pytest.raises(DateParseError, match="Chưa nhận ra ngày"):
        parse_date("hôm nào cũng được", LATE_JANUARY)
    with pytest.raises(DateParseError, match="Vui lòng nhập một ngày"):
        parse_date("08/02 - 10/02", LATE_JANUARY)


def test_shift_and_phone_shapes_are_not_dates() -> None:
    assert find_dates("trực 24/24", LATE_JANUARY) is None
    assert find_dates("0912.345.678", LATE_JANUARY) is None
    assert find_dates("mất sóng 12/150 trạm", LATE_JANUARY) is None


def test_find_dates_reports_offsets_into_the_text() -> None:
    text = "Nghỉ Tết từ 08/02 đến 14/02 nhé"
    found = find_dates(text, LATE_JANUARY)
    assert found is not None and found.is_range
    assert text[found.start : found.end] == "từ 08/02 đến 14/02"


# --- times and shifts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8h", time(8, 0)),
        ("8h30", time(8, 30)),
        ("08:30", time(8, 30)),
        ("9 giờ", time(9, 0)),
        ("9 giờ 15", time(9, 15)),
        ("9 gio 15 phut", time(9, 15)),
        ("9g15", time(9, 15)),
        ("09h00", time(9, 0)),
        ("8h tối", time(20, 0)),
        ("2h chiều", time(14, 0)),
        ("10h đêm", time(22, 0)),
        ("12h đêm", time(0, 0)),
    ],
)
def test_times_as_typed(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25h", "8h75", "24:30"])
def test_impossible_times_are_refused(text: str) -> None:
    with pytest.raises(DateParseError, match="không hợp lệ") as caught:
        parse_time(text)
    assert "ví dụ: 8h30" in str(caught.value)


def test_missing_time_is_explained() -> None:
    with pytest.raises(DateParseError, match="Chưa nhận ra giờ"):
        parse_time("sáng sớm")


@pytest.mark.parametrize(
    ("text", "start", "end", "overnight"),
    [
        ("ca sáng", time(7, 0), time(12, 0), False),
        ("ca chiều", time(12, 0), time(17, 0), False),
        ("ca tối", time(17, 0), time(22, 0), False),
        ("ca đêm", time(22, 0), time(7, 0), True),
        ("ca dem", time(22, 0), time(7, 0), True),
        ("hành chính", time(7, 30), time(17, 0), False),
        ("8h-17h", time(8, 0), time(17, 0), False),
        ("7h30 đến 17h", time(7, 30), time(17, 0), False),
        ("từ 22h đến 6h", time(22, 0), time(6, 0), True),
        ("8-17h", time(8, 0), time(17, 0), False),
        ("7h toi 17h", time(7, 0), time(17, 0), False),
        ("7h tới 17h", time(7, 0), time(17, 0), False),
        ("1h chiều - 5h", time(13, 0), time(17, 0), False),
        ("08:00 – 17:00", time(8, 0), time(17, 0), False),
    ],
)
def test_shifts_named_or_by_hours(text: str, start: time, end: time, overnight: bool) -> None:
    shift = parse_shift(text)
    assert (shift.start, shift.end, shift.overnight, shift.all_day) == (
        start,
        end,
        overnight,
        False,
    )


@pytest.mark.parametrize("text", ["24/24", "cả ngày", "ca ngay", "trực 24h", "24/7"])
def test_all_day_shifts(text: str) -> None:
    assert parse_shift(text).all_day


def test_explicit_hours_win_over_the_shift_name() -> None:
    shift = parse_shift("ca đêm (22h-6h)")
    assert (shift.start, shift.end, shift.label) == (time(22), time(6), "ca đêm")


def test_shift_text_for_tables() -> None:
    assert Shift(time(7), time(17)).text() == "07:00–17:00"
    assert parse_shift("ca đêm").text() == "22:00–07:00 (qua đêm)"
    assert parse_shift("24/24").text() == "cả ngày (24/24)"


def test_unknown_shift_is_explained_with_examples() -> None:
    with pytest.raises(DateParseError) as caught:
        parse_shift("tùy")
    assert "Chưa nhận ra ca trực" in str(caught.value)
    assert "ví dụ: ca sáng" in str(caught.value)
    assert find_shift("Trưởng ca") is None


# --- moments ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8h30 sáng nay", datetime(2026, 2, 10, 8, 30, tzinfo=VN_TZ)),
        ("8h30", datetime(2026, 2, 10, 8, 30, tzinfo=VN_TZ)),
        ("8h30 ngày 10/02", datetime(2026, 2, 10, 8, 30, tzinfo=VN_TZ)),
        ("hôm qua 22h", datetime(2026, 2, 9, 22, 0, tzinfo=VN_TZ)),
        ("hom qua 22h", datetime(2026, 2, 9, 22, 0, tzinfo=VN_TZ)),
        ("tối qua lúc 22h", datetime(2026, 2, 9, 22, 0, tzinfo=VN_TZ)),
        ("đêm qua 2h", datetime(2026, 2, 10, 2, 0, tzinfo=VN_TZ)),
        ("ngày mai 8h", datetime(2026, 2, 11, 8, 0, tzinfo=VN_TZ)),
    ],
)
def test_moments_relative_to_now(text: str, expected: datetime) -> None:
    value = parse_datetime(text, NOW)
    assert value == expected
    assert value.utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize(
    "text", ["9 giờ ngày 13/02/2024", "9h00 ngày 13/02/2024", "ngày 13/02/2024 lúc 9 giờ"]
)
def test_hour_with_a_date_is_never_read_as_now_plus_hours(text: str) -> None:
    assert parse_datetime(text, NOW) == datetime(2024, 2, 13, 9, 0, tzinfo=VN_TZ)


def test_bare_time_is_not_marked_as_dated() -> None:
    found = find_datetime("từ 8h30", NOW)
    assert found is not None and not found.dated
    assert find_datetime("không có giờ", NOW) is None


def test_past_moment_moves_a_later_bare_time_to_yesterday() -> None:
    assert parse_past_datetime("14h", NOW) == datetime(2026, 2, 9, 14, 0, tzinfo=VN_TZ)
    assert parse_past_datetime("8h30", NOW) == datetime(2026, 2, 10, 8, 30, tzinfo=VN_TZ)


def test_future_moment_is_refused_for_an_incident() -> None:
    with pytest.raises(DateParseError) as caught:
        parse_past_datetime("14h ngày 10/02", NOW)
    message = str(caught.value)
    assert "chưa tới" in message and "14h00 ngày 10/02/2026" in message
    assert "ví dụ: 8h30 sáng nay" in message
    past = datetime(2026, 2, 10, 9, 0, tzinfo=VN_TZ)
    assert ensure_not_future(past, NOW) == past


def test_moment_without_time_is_explained() -> None:
    with pytest.raises(DateParseError, match="Chưa nhận ra thời điểm"):
        parse_datetime("hôm qua", NOW)


# --- phones -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["0912345678", "0912.345.678", "0912 345 678", "+84 912 345 678", "SĐT: 0912-345-678"]
)
def test_mobile_numbers_in_every_spelling(text: str) -> None:
    phone = parse_phone(text)
    assert (phone.e164, phone.display) == ("+84912345678", "0912345678")
    assert phone.is_mobile


@pytest.mark.parametrize(
    ("text", "e164", "grouped"),
    [
        ("02053.818.657", "+842053818657", "0205 3818 657"),
        ("02993.621090", "+842993621090", "0299 3621 090"),
    ],
)
def test_landlines_with_area_codes(text: str, e164: str, grouped: str) -> None:
    phone = parse_phone(text)
    assert phone.e164 == e164
    assert phone.grouped == grouped
    assert not phone.is_mobile


@pytest.mark.parametrize("text", ["0912", "09123456789", "0162 123 4567", "gọi tôi"])
def test_invalid_numbers_are_refused_with_the_example(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_phone(text)
    assert str(caught.value) == f"Số điện thoại “{text}” không hợp lệ. Ví dụ: 0912345678."


def test_find_phones_in_a_directive_sentence() -> None:
    text = "Đội ứng cứu: 02053.818.657 – 0918.210.111; gọi lại 0918210111"
    assert [p.e164 for p in find_phones(text)] == ["+842053818657", "+84918210111"]


# --- roster lines -------------------------------------------------------------------------------


def test_roster_line_with_dashes() -> None:
    result = parse_roster(
        "Nguyễn Văn A - Phó Giám đốc - 0912345678 - 10/02 - trực lãnh đạo", LATE_JANUARY
    )
    assert result.complete
    (entry,) = result.entries
    assert (entry.full_name, entry.position, entry.duty_type) == (
        "Nguyễn Văn A",
        "Phó Giám đốc",
        "truc_lanh_dao",
    )
    assert (entry.phone_e164, entry.phone_display) == ("+84912345678", "0912345678")
    assert entry.duty_date == date(2026, 2, 10)
    assert entry.lunar_text == "23 tháng Chạp"
    assert entry.organisation is None and entry.shift is None


def test_roster_line_with_pipes_lunar_date_and_night_shift() -> None:
    result = parse_roster(
        "Trần Thị B | Trưởng ca | 0987.654.321 | mùng 2 Tết | ca đêm | trực điều hành",
        LATE_JANUARY,
    )
    (entry,) = result.entries
    assert (entry.full_name, entry.position, entry.duty_type) == (
        "Trần Thị B",
        "Trưởng ca",
        "truc_dieu_hanh",
    )
    assert entry.duty_date == date(2026, 2, 18) and entry.lunar_text == "mùng 2 Tết"
    assert (entry.shift_start, entry.shift_end, entry.overnight) == (time(22), time(7), True)


def test_roster_range_expands_to_one_entry_per_day() -> None:
    result = parse_roster(
        "Lê C - KTV - 0911222333 - từ 08/02 đến 10/02 - 24/24 - ứng cứu thông tin", LATE_JANUARY
    )
    assert [e.duty_date for e in result.entries] == days("2026-02-08", 3)
    assert all(e.all_day and e.duty_type == "ung_cuu_thong_tin" for e in result.entries)
    assert {e.full_name for e in result.entries} == {"Lê C"}


def test_roster_range_written_with_the_field_separator_stays_a_range() -> None:
    result = parse_roster(
        "Phạm D - Kỹ sư - 0913111222 - 08/02 - 14/02 - trực ca - 8h - 17h", LATE_JANUARY
    )
    assert len(result.entries) == 7
    assert (result.entries[0].shift_start, result.entries[0].shift_end) == (time(8), time(17))


def test_unaccented_lower_case_roster_line() -> None:
    result = parse_roster(
        "nguyen van d - ky thuat vien - 0912 345 679 - mung 3 tet - truc lanh dao", LATE_JANUARY
    )
    (entry,) = result.entries
    assert entry.full_name == "Nguyen Van D"
    assert entry.position == "ky thuat vien"
    assert entry.duty_type == "truc_lanh_dao"
    assert entry.duty_date == date(2026, 2, 19)


def test_nfd_roster_line_and_fields_in_any_order() -> None:
    line = nfd("trực điều hành ; 10/02 ; 0912345678 ; Hoàng Thị E ; Trưởng phòng ; e.hoang@vnpt.vn")
    (entry,) = parse_roster(line, LATE_JANUARY).entries
    assert entry.full_name == "Hoàng Thị E"
    assert entry.position == "Trưởng phòng"
    assert entry.email == "e.hoang@vnpt.vn"
    assert entry.duty_type == "truc_dieu_hanh"


def test_missing_fields_are_listed_per_line() -> None:
    result = parse_roster("Ngô Văn F - Giám đốc - trực lãnh đạo", LATE_JANUARY)
    (problem,) = result.problems
    assert problem.line_no == 1
    assert problem.missing == ("phone", "duty_date")
    assert problem.message.startswith("Dòng 1 (Ngô Văn F): chưa có số điện thoại và ngày trực.")
    assert "ví dụ: 0912345678" in problem.message
    assert result.entries[0].missing == ("phone", "duty_date")


def test_wrong_phone_and_impossible_date_get_their_own_messages() -> None:
    result = parse_roster("Đỗ Văn G - 0912 - 31/02 - trực ca", LATE_JANUARY)
    messages = {p.missing: p.message for p in result.problems}
    assert messages[("phone",)] == "Dòng 1: Số điện thoại “0912” không hợp lệ. Ví dụ: 0912345678."
    assert "tháng 2 chỉ có 28 hoặc 29 ngày" in messages[("duty_date",)]
    assert len(result.problems) == 2  # not reported a second time as missing


def test_section_headings_apply_to_the_lines_below_and_headers_are_skipped() -> None:
    text = (
        "STT | Họ tên | Chức vụ | SĐT\n"
        "Trực lãnh đạo:\n"
        "Ngày 10/02:\n"
        "1. Vũ Văn H - Giám đốc - 0914222333\n"
        "2. Bùi Thị K - Phó Giám đốc - 0915333444\n"
    )
    result = parse_roster(text, LATE_JANUARY)
    assert result.complete
    assert [(e.line_no, e.full_name, e.duty_type, e.duty_date) for e in result.entries] == [
        (4, "Vũ Văn H", "truc_lanh_dao", date(2026, 2, 10)),
        (5, "Bùi Thị K", "truc_lanh_dao", date(2026, 2, 10)),
    ]


def test_shift_can_be_required() -> None:
    result = parse_roster(
        "Vũ Văn H - 0914222333 - 10/02 - trực ca",
        LATE_JANUARY,
        required=("full_name", "phone", "duty_date", "duty_type", "shift"),
    )
    assert result.problems[0].missing == ("shift",)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("trực lãnh đạo", "truc_lanh_dao"),
        ("truc lanh dao", "truc_lanh_dao"),
        ("TRỰC ĐIỀU HÀNH", "truc_dieu_hanh"),
        ("trực ca", "truc_ca"),
        ("UCTT", "ung_cuu_thong_tin"),
        ("ứng cứu thông tin", "ung_cuu_thong_tin"),
        ("van hanh khai thac", "van_hanh_khai_thac"),
        ("lãnh đạo", "truc_lanh_dao"),
        ("Trưởng phòng điều hành", None),
    ],
)
def test_duty_types_and_their_variants(text: str, code: str | None) -> None:
    assert duty_type_of(text) == code


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Nguyễn Văn A", "Nguyễn Văn A"),
        ("Ông Trương Văn Phong", "Trương Văn Phong"),
        ("nguyen thi b", "Nguyen Thi B"),
        ("Phó Giám đốc", None),
        ("Phó Giám Đốc", None),
        ("KTV", None),
        ("Trưởng ca", None),
    ],
)
def test_names_are_capitalised_words_not_job_titles(text: str, name: str | None) -> None:
    assert name_in(text) == name


def test_format_table_is_compact_and_in_vietnamese() -> None:
    result = parse_roster(
        "Nguyễn Văn A - Phó Giám đốc - 0912345678 - 10/02 - trực lãnh đạo - 7h-17h\n"
        "Trần Thị B | 0987654321 | mùng 2 Tết | 24/24 | trực ca",
        LATE_JANUARY,
    )
    assert format_table(result.entries) == (
        "1. Nguyễn Văn A — Phó Giám đốc\n"
        "   Trực lãnh đạo · 10/02/2026 · 07:00–17:00 · 0912345678\n"
        "2. Trần Thị B\n"
        "   Trực ca · 18/02/2026 · cả ngày (24/24) · 0987654321"
    )


def test_format_table_marks_what_is_missing() -> None:
    result = parse_roster("Ngô Văn F - trực lãnh đạo", LATE_JANUARY)
    assert format_table(result.entries) == (
        "1. Ngô Văn F\n   Trực lãnh đạo · (chưa có ngày) · (chưa có SĐT)"
    )
    assert format_table([]) == "(Chưa có dòng nào trong danh sách trực.)"


# --- incident sentences -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "mất sóng 12 trạm BTS ở Kỳ Anh từ 8h30 do mất điện",
        "mat song 12 tram bts o ky anh tu 8h30 do mat dien",
        nfd("Mất sóng 12 trạm BTS ở Kỳ Anh từ 8h30 do mất điện"),
    ],
)
def test_outage_sentence_accented_unaccented_or_nfd(text: str) -> None:
    facts = extract_incident(text, NOW)
    assert facts.category == "mang_vien_thong"
    assert facts.bts_down == 12 and facts.bts_total is None
    assert facts.area is not None and unicodedata.normalize("NFC", facts.area) in (
        "Kỳ Anh",
        "Ky Anh",
    )
    assert facts.detected_at == datetime(2026, 2, 10, 8, 30, tzinfo=VN_TZ)
    assert facts.cause in ("mất điện", "mat dien")
    assert facts.services_affected == ("di động",)
    assert facts.routes_cut is None and facts.severity is None


def test_cut_fibre_route_counts_one_route_and_keeps_its_ends() -> None:
    facts = extract_incident("đứt cáp quang tuyến Lạng Sơn - Cao Lộc lúc 14h", NOW)
    assert facts.routes_cut == 1
    assert facts.area == "Lạng Sơn - Cao Lộc"
    assert facts.category == "mang_vien_thong"
    # 14h has not come yet at 10:05, so it was yesterday
    assert facts.detected_at == datetime(2026, 2, 9, 14, 0, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("website sở bị tấn công deface", "an_toan_thong_tin"),
        ("phát hiện mã độc trên máy chủ", "an_toan_thong_tin"),
        ("bi tan cong ddos tu 22h hom qua", "an_toan_thong_tin"),
        ("mất bưu gửi KT1 tại bưu cục", "buu_chinh"),
        ("bưu cục Từ Sơn mất kết nối", "buu_chinh"),
        ("đứt 3 tuyến cáp quang", "mang_vien_thong"),
    ],
)
def test_incident_categories(text: str, category: str) -> None:
    assert extract_incident(text, NOW).category == category


def test_impact_numbers() -> None:
    facts = extract_incident("mất sóng 12/150 trạm, khoảng 5000 thuê bao bị ảnh hưởng", NOW)
    assert (facts.bts_down, facts.bts_total, facts.subscribers_affected) == (12, 150, 5000)
    assert extract_incident("ảnh hưởng 5 nghìn thuê bao", NOW).subscribers_affected == 5000
    assert extract_incident("đứt 3 tuyến cáp quang", NOW).routes_cut == 3


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        ("sự cố nghiêm trọng", "nghiem_trong"),
        ("mất liên lạc diện rộng", "cao"),
        ("mat lien lac dien rong", "cao"),
        ("sự cố nghiêm trọng trên diện rộng", "nghiem_trong"),
    ],
)
def test_severity_hints(text: str, severity: str) -> None:
    assert extract_incident(text, NOW).severity == severity


def test_only_stated_fields_are_reported() -> None:
    facts = extract_incident("website sở bị tấn công deface", NOW)
    assert facts.found() == {"category": "an_toan_thong_tin", "services_affected": ("website",)}
    assert extract_incident("xin chào", NOW).found() == {}


def test_ambiguous_cues_need_their_real_spelling() -> None:
    assert extract_incident("báo cáo của anh Đỗ Văn A", NOW).cause is None
    assert extract_incident("ảnh hưởng phạm vi 3 xã", NOW).cause is None
    assert extract_incident("mất sóng vì bão", NOW).cause == "bão"


def test_future_dated_detection_is_left_out() -> None:
    facts = extract_incident("mất sóng 12 trạm ở Hà Tĩnh từ 8h30 ngày 20/02", NOW)
    assert facts.detected_at is None
    assert facts.area == "Hà Tĩnh"
