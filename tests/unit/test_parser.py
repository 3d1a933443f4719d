"""The structured parser reads duties, deadlines, holidays and citations from the five directives."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from store.knowledge.parser import Directive, DirectiveParseError, LegalBasis, PartialDate, parse

DIRECTIVES = Path(__file__).resolve().parents[2] / "data" / "directives"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
BAC_GIANG = "bac-giang-2024-stttt-tet-giap-thin.txt"
BAC_NINH = "bac-ninh-2026-skhcn-tet-binh-ngo.txt"
HA_TINH = "ha-tinh-2024-stttt-tet-giap-thin.txt"
LANG_SON = "lang-son-2025-stttt-184-tet-at-ty.txt"
SOC_TRANG = "soc-trang-2024-stttt-tet-giap-thin.txt"
ALL = [BAC_GIANG, BAC_NINH, HA_TINH, LANG_SON, SOC_TRANG]


def read(name: str) -> str:
    return (DIRECTIVES / name).read_text(encoding="utf-8")


@cache
def parsed(name: str) -> Directive:
    return parse(read(name))


def minimal(body: str) -> str:
    """A small but complete directive around the given body lines."""
    return (
        "Số: 12/STTTT-BCVT\n"
        "Hà Tĩnh, ngày 05 tháng 01 năm 2024\n"
        "V/v đảm bảo thông tin liên lạc dịp Tết Nguyên đán Giáp Thìn 2024\n"
        "Kính gửi: Các doanh nghiệp viễn thông.\n"
        "1. Các doanh nghiệp viễn thông:\n"
        f"{body}\n"
        "Nơi nhận:\n- Như trên;\n"
    )


# ------------------------------------------------------------------------------------ Bắc Giang


def test_bac_giang_header_blank_number_and_merged_province() -> None:
    d = parsed(BAC_GIANG)
    assert d.number == "/STTTT-BCVT"  # "/STTTT- BCVT" in the text
    assert (d.issuing_province, d.province) == ("Bắc Giang", "Bắc Ninh")
    assert d.department == "Sở Thông tin và Truyền thông"
    assert d.issued == PartialDate(None, None, 2023)
    assert d.subject == "đảm bảo thông tin liên lạc trong dịp Tết Nguyên đán Giáp Thìn năm 2024"
    assert d.tet_name == "Giáp Thìn"
    assert d.recipients == ["Các doanh nghiệp bưu chính, viễn thông trên địa bàn tỉnh"]
    assert d.signer == "Nguyễn Gia Phong"


def test_bac_giang_legal_basis() -> None:
    assert parsed(BAC_GIANG).legal_bases == [
        LegalBasis("chỉ thị", "14/CT-UBND", date(2023, 12, 22), "Chủ tịch UBND tỉnh Bắc Giang")
    ]


def test_bac_giang_report_deadline_with_lunar_day_and_email() -> None:
    [deadline] = parsed(BAC_GIANG).deadlines
    assert deadline.due == datetime(2024, 2, 13, 9, 0, tzinfo=VN)
    assert deadline.due.utcoffset() == timedelta(hours=7)
    assert deadline.has_time
    assert deadline.lunar_text is not None and "04 Tết" in deadline.lunar_text
    assert deadline.email == "so_tttt_vt@bacgiang.gov.vn"
    assert deadline.channel == "email"
    assert deadline.who == "Các doanh nghiệp"
    assert deadline.to == "Sở Thông tin và Truyền thông"
    assert deadline.what == "Các doanh nghiệp gửi báo cáo kết quả về Sở Thông tin và Truyền thông"
    assert "**" not in deadline.source_sentence


def test_bac_giang_sections_and_items_in_order() -> None:
    postal, telecom = parsed(BAC_GIANG).sections
    assert postal.heading == "1. Các doanh nghiệp bưu chính, chuyên phát"
    assert postal.audiences == ["buu_chinh"]
    assert [item.split()[:3] for item in postal.items] == [
        ["Thực", "hiện", "đồng"],
        ["Nâng", "cao", "nhận"],
        ["Cung", "cấp", "đầy"],
        ["Tăng", "cường", "kiểm"],
    ]
    # A blank line splits this sentence in the file; the item is whole.
    assert "qua mạng bưu chính và thông báo kịp thời cho cơ quan" in postal.items[3]
    assert telecom.heading == "2. Các doanh nghiệp viễn thông, Internet"
    assert telecom.audiences == ["vien_thong", "internet"]
    assert [item[:20] for item in telecom.items] == [
        "Tổ chức triển khai t",
        "Xây dựng các phương ",
        "Xây dựng và triển kh",
    ]
    # The report paragraph after the bullets is not a telecom duty.
    assert not any("9h00" in item for item in telecom.items)


# ------------------------------------------------------------------------------------ Bắc Ninh


def test_bac_ninh_science_department_partial_date_and_tet() -> None:
    d = parsed(BAC_NINH)
    assert d.department == "Sở Khoa học và Công nghệ"
    assert d.number == "/SKHCN-BCVT"
    assert d.issued == PartialDate(day=None, month=2, year=2026)
    assert d.tet_name == "Bính Ngọ"
    assert d.legal_bases == [
        LegalBasis(
            "chỉ thị", "02/CT-BKHCN", date(2026, 1, 25), "Bộ Trưởng Bộ Khoa học và Công nghệ"
        )
    ]


def test_bac_ninh_written_report_keeps_the_festival_exception() -> None:
    [deadline] = parsed(BAC_NINH).deadlines
    assert deadline.due == datetime(2026, 2, 23, 9, 0, tzinfo=VN)
    assert deadline.has_time
    assert deadline.channel == "văn bản"
    assert "bằng văn bản" in deadline.source_sentence
    assert deadline.to == "Sở Khoa học và Công nghệ"
    for text in (deadline.what, deadline.source_sentence):
        assert "riêng đối với các lễ hội" in text
        assert "sau khi lễ hội đó kết thúc" in text
    assert deadline.email is None and deadline.lunar_text is None


def test_bac_ninh_sections_postal_kt1_and_sub_audiences() -> None:
    sections = parsed(BAC_NINH).sections
    assert [(s.heading, s.audiences) for s in sections] == [
        ("1. Đối với doanh nghiệp Bưu chính, chuyển phát", ["buu_chinh"]),
        (
            "2. Đối với doanh nghiệp Viễn thông, truyền hình trả tiền",
            ["vien_thong", "truyen_hinh"],
        ),
        ("Đối với mạng di động", ["vien_thong"]),
        ("Đối với các doanh nghiệp truyền hình trả tiền", ["truyen_hinh"]),
        ("3. Thực hiện chế độ báo cáo", ["chung"]),
    ]
    postal = sections[0].items
    assert len(postal) == 4
    assert "KT1" in postal[0] and "KT1" in postal[3] and "24/24" in postal[3]
    assert sections[3].items == [
        "Nâng cao chất lượng mạng lưới, chất lượng dịch vụ đảm bảo thông tin không bị gián "
        "đoạn, phục vụ tốt nhất nhu cầu hưởng thụ của người dân."
    ]
    assert sections[4].items[0].startswith("Báo cáo kết quả thực hiện bằng văn bản")


# ------------------------------------------------------------------------------------ Hà Tĩnh


def test_ha_tinh_header_out_of_order() -> None:
    d = parsed(HA_TINH)
    assert d.number == "/STTTT-CNTT&BCVT"
    assert d.issued == PartialDate(None, 1, 2024)
    assert d.subject == (
        "tăng cường công tác bảo đảm an toàn thông tin mạng; đảm bảo thông tin liên lạc "
        "trong dịp Tết Nguyên đán Giáp Thìn 2024"
    )
    assert d.recipients == [
        "Các sở, ban, ngành cấp tỉnh",
        "Ủy ban nhân dân các huyện, thành phố, thị xã",
        "Các doanh nghiệp bưu chính, viễn thông",
        "Trung tâm Công nghệ thông tin và Truyền thông",
    ]
    assert d.signer == "Đậu Tùng Lâm"


def test_ha_tinh_five_audience_sections_without_urls() -> None:
    sections = parsed(HA_TINH).sections
    assert [s.audiences for s in sections] == [
        ["so_nganh_ubnd"],
        ["buu_chinh"],
        ["vien_thong", "internet"],
        ["truyen_hinh"],
        ["trung_tam_cntt"],
    ]
    assert [len(s.items) for s in sections] == [2, 2, 7, 3, 1]
    items = [item for s in sections for item in s.items]
    assert not any("http" in item or "OpenDocument" in item for item in items)
    # The URL lines sat in the middle of this sentence.
    assert "phối hợp kịp thời với các cơ quan chức năng ngăn chặn" in sections[1].items[1]
    # The prose body of section 5 is its item; the hotline list after it is not.
    assert sections[4].items[0].startswith("Chịu trách nhiệm chung")
    assert not any("Đường dây nóng" in item for item in items)


def test_ha_tinh_legal_bases_dedupe_and_wrapped_numbers() -> None:
    bases = {basis.number: basis for basis in parsed(HA_TINH).legal_bases}
    assert list(bases) == [
        "06/CT-UBND",
        "6410/BTTTT-CATTT",
        "284/UBND-VX1",
        "22/2021/TT-BTTTT",
        "91/2020/NĐ-CP",
    ]
    assert bases["6410/BTTTT-CATTT"] == LegalBasis(
        "văn bản", "6410/BTTTT-CATTT", date(2023, 12, 29), "Bộ Thông tin và Truyền thông"
    )
    assert bases["284/UBND-VX1"] == LegalBasis(
        "văn bản", "284/UBND-VX1", date(2024, 1, 6), "UBND tỉnh"
    )
    assert bases["22/2021/TT-BTTTT"].kind == "thông tư"
    assert bases["22/2021/TT-BTTTT"].date == date(2021, 12, 13)
    assert bases["91/2020/NĐ-CP"] == LegalBasis("nghị định", "91/2020/NĐ-CP", None, None)


# ------------------------------------------------------------------------------------ Lạng Sơn


def test_lang_son_number_date_and_repaired_tet_name() -> None:
    d = parsed(LANG_SON)
    assert d.number == "184/STTTT-HTS"
    assert d.issued == PartialDate(21, 1, 2025)
    assert "Ất Ty năm 2025" in d.subject  # as typed
    assert d.tet_name == "Ất Tỵ"
    assert [b.number for b in d.legal_bases] == ["02/CT-BTTTT", "03/CT-UBND", "5644/BTTTT-CATT"]
    assert d.legal_bases[1].date == date(2025, 1, 9)
    assert d.legal_bases[2].kind == "công văn"


def test_lang_son_sub_sections_and_named_enterprise() -> None:
    sections = parsed(LANG_SON).sections
    assert [(s.heading, s.audiences, len(s.items)) for s in sections] == [
        ("1. Đối với các Sở, ban, ngành và UBND các huyện, thành phố", ["so_nganh_ubnd"], 3),
        ("2. Đối với Đài PTTH tỉnh, Báo Lạng Sơn, hệ thống thông tin cơ sở", ["bao_chi"], 1),
        ("3.1 Các doanh nghiệp bưu chính", ["buu_chinh"], 2),
        ("3.2 Các doanh nghiệp viễn thông", ["vien_thong"], 4),
        # A named enterprise's own section also answers for its kind.
        ("Đối với Viễn thông Lạng Sơn", ["doanh_nghiep_cu_the", "vien_thong"], 1),
    ]
    telecom, vnpt = sections[3], sections[4]
    assert "sẵn sàng nhân lực để kịp thời giải quyết" in telecom.items[1]
    assert vnpt.items[0].startswith("Tăng cường bảo đảm an toàn, an ninh mạng")
    assert not any("Viễn thông Lạng Sơn" in item for item in telecom.items)
    assert parsed(LANG_SON).deadlines == []


# ------------------------------------------------------------------------------------ Sóc Trăng


def test_soc_trang_header_and_current_province() -> None:
    d = parsed(SOC_TRANG)
    assert (d.issuing_province, d.province) == ("Sóc Trăng", "Cần Thơ")
    assert d.number == "/STTTT-TTr"
    assert d.issued == PartialDate(None, 1, 2024)
    assert [b.number for b in d.legal_bases] == ["06/CT-BTTTT", "13/CT-UBND", "58/TB-UBND"]
    assert d.legal_bases[2].kind == "thông báo"


def test_soc_trang_holidays_and_flag_schedule() -> None:
    d = parsed(SOC_TRANG)
    assert [(h.start, h.end) for h in d.holidays] == [(date(2024, 2, 8), date(2024, 2, 14))]
    assert "nghỉ liên tục 07 ngày" in d.holidays[0].text
    assert [(h.start, h.end) for h in d.flag_schedule] == [(date(2024, 2, 8), date(2024, 2, 14))]
    assert "treo cờ" in d.flag_schedule[0].text
    assert d.sections[0].heading == "1. Tết Nguyên đán Giáp Thìn 2024"
    assert d.sections[0].audiences == ["chung"]


def test_soc_trang_duty_roster_due_end_of_day() -> None:
    [deadline] = parsed(SOC_TRANG).deadlines
    assert "trực lãnh đạo, trực điều hành" in deadline.what
    assert deadline.due == datetime(2024, 2, 1, 23, 59, 59, tzinfo=VN)
    assert not deadline.has_time
    assert deadline.to == "Sở Thông tin và Truyền thông tỉnh Sóc Trăng"
    assert deadline.source_sentence.endswith("chậm nhất là ngày 01/02/2024.")


def test_soc_trang_contacts() -> None:
    contacts = parsed(SOC_TRANG).contacts
    assert [c.phone_display for c in contacts if c.phone_display] == [
        "02993.621090",
        "02993.621676",
        "0916861396",
    ]
    assert [(c.name, c.phone_e164) for c in contacts if c.name] == [
        ("Nguyễn Tiến Lên", "+84916861396")
    ]
    assert [c.email for c in contacts if c.email] == ["thanhtra.sotttt@soctrang.gov.vn"]


# ------------------------------------------------------------------------------------ Robustness


@pytest.mark.parametrize("name", ALL)
def test_nfd_input_parses_like_nfc(name: str) -> None:
    nfd = unicodedata.normalize("NFD", read(name))
    assert nfd != read(name)
    assert parse(nfd) == parsed(name)


@pytest.mark.parametrize("name", ALL)
def test_real_directives_parse_without_warnings(name: str) -> None:
    assert parsed(name).warnings == []


@pytest.mark.parametrize(
    ("written", "hour", "minute"),
    [("9h00", 9, 0), ("09h00", 9, 0), ("9 giờ", 9, 0), ("9h", 9, 0), ("14 giờ 30 phút", 14, 30)],
)
def test_time_formats(written: str, hour: int, minute: int) -> None:
    text = minimal(
        f"- Gửi báo cáo về Sở Thông tin và Truyền thông trước {written} ngày 13/02/2024."
    )
    [deadline] = parse(text).deadlines
    assert deadline.due == datetime(2024, 2, 13, hour, minute, tzinfo=VN)
    assert deadline.has_time
    assert deadline.who == "Các doanh nghiệp viễn thông"  # from the section heading


def test_date_without_year_takes_the_directive_year() -> None:
    [deadline] = parse(minimal("- Gửi báo cáo chậm nhất ngày 13/02.")).deadlines
    assert deadline.due == datetime(2024, 2, 13, 23, 59, 59, tzinfo=VN)


def test_non_directive_raises() -> None:
    with pytest.raises(DirectiveParseError):
        parse("Chào bạn, lịch trực Tết của Sở năm nay thế nào?")


def test_impossible_deadline_date_warns_instead_of_crashing() -> None:
    d = parse(minimal("- Gửi báo cáo về Sở Thông tin và Truyền thông trước ngày 31/02/2024."))
    assert d.deadlines == []
    assert len(d.warnings) == 1 and "31/02/2024" in d.warnings[0]
    assert d.sections[0].items == [
        "Gửi báo cáo về Sở Thông tin và Truyền thông trước ngày 31/02/2024."
    ]


def test_unreadable_phone_number_warns() -> None:
    d = parse(minimal("- Liên hệ Đ/c Lê Văn An - Chuyên viên, ĐT: 0912."))
    assert any("0912" in warning for warning in d.warnings)
    assert all(c.phone_e164 is None for c in d.contacts)
