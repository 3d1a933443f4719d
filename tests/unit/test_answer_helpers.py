"""Helpers behind the answers: deadlines in words, Tết names, abbreviations, audiences, splitting."""

from __future__ import annotations

from datetime import datetime

import pytest

from store.knowledge.search import TfidfIndex
from vntext.abbreviations import expand
from vntext.audiences import audiences_in
from vntext.lunar import tet_in_text, tet_name_of
from vntext.provinces import without_places
from vntext.timefmt import VN_TZ, remaining_text, when_text

DUE = datetime(2026, 2, 23, 9, 0, tzinfo=VN_TZ)


def test_time_left_and_time_passed() -> None:
    assert remaining_text(DUE, at=datetime(2026, 2, 20, 5, 0, tzinfo=VN_TZ)) == "còn 3 ngày 4 giờ"
    assert remaining_text(DUE, at=datetime(2026, 2, 23, 8, 15, tzinfo=VN_TZ)) == "còn 45 phút"
    assert (
        remaining_text(DUE, at=datetime(2026, 3, 1, tzinfo=VN_TZ))
        == "đã hết hạn từ 09h00 23/02/2026"
    )
    assert when_text(DUE) == "09h00 ngày 23/02/2026"
    assert when_text(DUE, has_time=False) == "ngày 23/02/2026"


def test_tet_names_by_year_and_in_text() -> None:
    assert [tet_name_of(y) for y in (2024, 2025, 2026, 2027)] == [
        "Giáp Thìn",
        "Ất Tỵ",
        "Bính Ngọ",
        "Đinh Mùi",
    ]
    assert tet_in_text("cong van tet at ty") == "Ất Tỵ"  # folded "ty" is Tỵ after Ất, never Tý
    assert tet_in_text("báo cáo năm 2024") == "Giáp Thìn"
    assert tet_in_text("hạn nộp báo cáo") is None


def test_abbreviations_expand_on_folded_text() -> None:
    assert expand("SĐT bc của DN VT, bcvt, ubnd") == (
        "so dien thoai bao cao cua doanh nghiep vien thong, buu chinh vien thong, uy ban nhan dan"
    )


@pytest.mark.parametrize(
    ("question", "codes"),
    [
        ("doanh nghiep buu chinh phai lam gi", ["buu_chinh"]),
        ("nhiệm vụ của dn vt", ["vien_thong"]),
        ("nhà mạng cần làm gì", ["vien_thong"]),
        ("truyền hình trả tiền", ["truyen_hinh"]),
        ("Viễn thông Lạng Sơn được giao gì", ["vien_thong", "doanh_nghiep_cu_the"]),
        ("hạn nộp báo cáo", []),
    ],
)
def test_audiences_named_in_questions(question: str, codes: list[str]) -> None:
    assert audiences_in(question) == codes


def test_place_names_do_not_steer_retrieval() -> None:
    rest = without_places("Sóc Trăng có yêu cầu roaming không")
    assert "Sóc Trăng" not in rest and "roaming" in rest and "yêu cầu" in rest


def test_retrieval_prefers_shared_words_over_shared_letters() -> None:
    index = TfidfIndex(
        {
            1: "Bố trí đủ nhân lực trực, theo dõi bưu gửi KT1 phục vụ cơ quan Đảng",
            2: "Đảm bảo dự phòng đầy đủ các thiết bị tiếp phát, nguồn điện",
            3: "Thực hiện tiết kiệm trong dịp Tết",
        }
    )
    assert index.search("buu gui kt1 la gi")[0].key == 1
    assert all(hit.score < 0.25 for hit in index.search("thời tiết hôm nay"))
