"""The parser reads directives in layouts unlike the five seeds (store/knowledge/layout, header,
deadlines, contacts): every snippet here is written for the test, none is a seed."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from store.knowledge.header import Hints
from store.knowledge.parser import MissingProvince, parse

VN = ZoneInfo("Asia/Ho_Chi_Minh")

ROMAN = """UBND TỈNH QUẢNG NINH                 CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ KHOA HỌC VÀ CÔNG NGHỆ             Độc lập - Tự do - Hạnh phúc
Số: 45/SKHCN-BCVT                    Quảng Ninh, ngày 12 tháng 01 năm 2027
V/v bảo đảm thông tin liên lạc dịp Tết Nguyên đán Đinh Mùi 2027
Kính gửi: Các doanh nghiệp bưu chính, viễn thông trên địa bàn tỉnh.
I. MỤC ĐÍCH
Bảo đảm thông tin liên lạc thông suốt phục vụ nhân dân đón Tết.
II. NHIỆM VỤ CỤ THỂ
a) Các doanh nghiệp viễn thông
- Tăng cường dung lượng tại các khu du lịch Hạ Long, Vân Đồn;
+ ưu tiên các điểm bắn pháo hoa đêm Giao thừa;
- Dự phòng máy phát điện cho các trạm BTS trên đảo.
b) Các doanh nghiệp bưu chính
- Phát hết bưu gửi trước ngày 03/02.
III. CHẾ ĐỘ BÁO CÁO
Các doanh nghiệp gửi báo cáo tình hình trước 15h00 hằng ngày từ ngày 05/02 đến ngày 10/02
qua email baocao.skhcn@quangninh.gov.vn.
Nơi nhận:                                    KT. GIÁM ĐỐC
- Như trên;                                  PHÓ GIÁM ĐỐC
- Lưu: VT.                                   Trần Thị Hạnh
"""

PROSE = """ỦY BAN NHÂN DÂN
TỈNH ĐIỆN BIÊN
Số: 310/UBND-KT
Điện Biên, ngày 20 tháng 01 năm 2028
V/v trực Tết Nguyên đán Mậu Thân 2028
Kính gửi: Các sở, ban, ngành; UBND các xã, phường; các doanh nghiệp viễn thông.
Đề nghị các sở, ban, ngành, UBND các xã, phường phân công lãnh đạo trực trong các ngày nghỉ Tết
từ ngày 24/01/2028 đến hết ngày 30/01/2028 và gửi danh sách về Văn phòng UBND tỉnh chậm nhất
16 giờ ngày 21/01/2028.
Các doanh nghiệp viễn thông tổ chức trực 24/24 từ 20h00 ngày 25/01 đến 02h00 ngày 26/01 tại
trung tâm điều hành mạng; báo cáo nhanh tình hình trước mùng 2 Tết.
Đối với các doanh nghiệp bưu chính, chuyển phát, UBND tỉnh yêu cầu phát báo Xuân đến các bản
vùng cao trước ngày 22/01.
Mọi vướng mắc liên hệ đ/c Lò Văn Thành, chuyên viên Văn phòng UBND tỉnh, điện thoại 0912 444 555.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Vừ A Bằng
"""

PORTAL = """Đảm bảo thông tin liên lạc dịp Tết Đinh Mùi
(Cổng TTĐT) - Sở Khoa học và Công nghệ tỉnh Cà Mau vừa ban hành Công văn số 88/SKHCN-BCVT ngày
15/01/2027 về việc bảo đảm thông tin liên lạc dịp Tết Nguyên đán Đinh Mùi 2027.
Theo đó, các doanh nghiệp viễn thông tăng cường vùng phủ sóng tại các xã ven biển, bảo đảm liên
lạc cho tàu cá hoạt động trên biển.
Các đơn vị gửi báo cáo kết quả về Sở trước 10 giờ ngày 15/02/2027.
"""


def test_roman_sections_with_lettered_sub_sections_nest_and_inherit() -> None:
    d = parse(ROMAN)
    headings = {s.heading: s for s in d.sections}
    telecom = headings["a) Các doanh nghiệp viễn thông"]
    assert telecom.audiences == ["vien_thong"]
    assert telecom.parent is not None and telecom.parent.heading == "II NHIỆM VỤ CỤ THỂ"
    assert len(telecom.items) == 2 and "pháo hoa" in telecom.items[0]  # "+" joins its item
    assert headings["b) Các doanh nghiệp bưu chính"].audiences == ["buu_chinh"]
    assert d.issuer_kind == "so_khcn" and d.issuing_province == "Quảng Ninh"
    assert d.signer == "Trần Thị Hạnh"


def test_recurring_daily_report_without_a_year_takes_the_tet_year() -> None:
    [daily] = [x for x in parse(ROMAN).deadlines if x.kind == "daily"]
    assert daily.due == datetime(2027, 2, 5, 15, 0, tzinfo=VN)
    assert daily.until == date(2027, 2, 10)
    assert daily.email == "baocao.skhcn@quangninh.gov.vn"
    assert "gửi báo cáo tình hình" in daily.what


def test_a_ubnd_letter_in_paragraphs_is_cited_as_the_ubnd() -> None:
    d = parse(PROSE)
    assert d.issuer_kind == "ubnd" and d.province == "Điện Biên"
    assert d.tet_year == 2028 and d.tet_name == "Mậu Thân"
    audiences = [s.audiences for s in d.sections]
    assert ["so_nganh_ubnd"] in audiences
    assert ["vien_thong"] in audiences and ["buu_chinh", "vien_thong"] not in audiences
    assert any("buu_chinh" in a for a in audiences)
    assert d.signer == "Vừ A Bằng"


def test_prose_deadlines_periods_with_hours_and_lunar_days() -> None:
    found = {(x.kind, x.due) for x in parse(PROSE).deadlines}
    assert ("once", datetime(2028, 1, 21, 16, 0, tzinfo=VN)) in found
    assert ("period", datetime(2028, 1, 26, 2, 0, tzinfo=VN)) in found
    # "trước mùng 2 Tết" of Tết Mậu Thân (26/01/2028) is 27/01/2028, end of day.
    assert ("once", datetime(2028, 1, 27, 23, 59, 59, tzinfo=VN)) in found
    [days_off] = parse(PROSE).holidays
    assert (days_off.start, days_off.end) == (date(2028, 1, 24), date(2028, 1, 30))


def test_contact_after_lower_case_dc() -> None:
    [contact] = parse(PROSE).contacts
    assert (contact.name, contact.phone_e164) == ("Lò Văn Thành", "+84912444555")


def test_a_portal_article_is_an_article_restating_the_directive() -> None:
    d = parse(PORTAL)
    assert d.doc_kind == "bai_viet" and d.issuer_kind == "so_khcn"
    assert d.issuing_province == "Cà Mau" and d.province_source == "text"
    assert d.restates == "công văn số 88/SKHCN-BCVT ngày 15/01/2027"
    assert d.number == "" and d.tet_year == 2027
    assert any("tàu cá" in item for s in d.sections for item in s.items)


def test_a_text_naming_no_province_waits_for_staff() -> None:
    text = PORTAL.replace("tỉnh Cà Mau ", "")
    with pytest.raises(MissingProvince):
        parse(text)
    given = parse(text, Hints(province="Cà Mau", issuer="ubnd"))
    assert given.issuing_province == "Cà Mau" and given.province_source == "given"
    assert given.issuer_kind == "ubnd"


def test_contacts_table_with_a_header_row() -> None:
    text = PORTAL + (
        "DANH SÁCH ĐẦU MỐI\n"
        "Họ và tên | Chức vụ | Điện thoại | Email\n"
        "Nguyễn Thị Lan | Trưởng phòng | 0290.3831.222 | lan.skhcn@camau.gov.vn\n"
        "Trực ban Sở | | 0290.3830.111 |\n"
    )
    contacts = parse(text).contacts
    lan = [c for c in contacts if c.name == "Nguyễn Thị Lan"]
    assert {c.phone_display for c in lan} == {"0290.3831.222", None}
    assert any(c.email == "lan.skhcn@camau.gov.vn" for c in lan)
    assert any(c.phone_display == "0290.3830.111" and c.name is None for c in contacts)


def test_plain_text_columns_become_table_rows_and_passages() -> None:
    text = ROMAN.replace(
        "III. CHẾ ĐỘ BÁO CÁO",
        "LỊCH TRỰC CỦA SỞ\nNgày 05/02 (29 tháng Chạp)      Đ/c Phạm Văn Nam\nIII. CHẾ ĐỘ BÁO CÁO",
    )
    passages = [p.text for p in parse(text).passages]
    assert "Ngày 05/02 (29 tháng Chạp) | Đ/c Phạm Văn Nam" in passages
