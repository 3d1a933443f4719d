"""Who issued a directive and what kind of document it is: codes declared once, with labels.

Directives come from the Sở TT&TT (before 03/2025), the Sở KH&CN (after), the UBND tỉnh or its
Văn phòng (duty-roster letters), sometimes a district or a ministry, and as công văn, kế hoạch,
thông báo or a portal article restating one. A citation must never label one as another.
"""

from __future__ import annotations

from enum import Enum


class IssuerKind(str, Enum):
    SO_TTTT = "so_tttt"
    SO_KHCN = "so_khcn"
    UBND = "ubnd"
    VP_UBND = "van_phong_ubnd"
    OTHER = "other"


class DocKind(str, Enum):
    CONG_VAN = "cong_van"
    KE_HOACH = "ke_hoach"
    THONG_BAO = "thong_bao"
    CHI_THI = "chi_thi"
    CONG_DIEN = "cong_dien"
    QUYET_DINH = "quyet_dinh"
    HUONG_DAN = "huong_dan"
    PHUONG_AN = "phuong_an"
    BAI_VIET = "bai_viet"


# Full names, as a directive's letterhead spells them (without the province).
ISSUER_NAMES = {
    IssuerKind.SO_TTTT: "Sở Thông tin và Truyền thông",
    IssuerKind.SO_KHCN: "Sở Khoa học và Công nghệ",
    IssuerKind.UBND: "Ủy ban nhân dân",
    IssuerKind.VP_UBND: "Văn phòng Ủy ban nhân dân",
}
# Short forms for citations; UBND ones take "tỉnh"/"thành phố" before the province.
ISSUER_SHORT = {
    IssuerKind.SO_TTTT: "Sở TT&TT",
    IssuerKind.SO_KHCN: "Sở KH&CN",
    IssuerKind.UBND: "UBND",
    IssuerKind.VP_UBND: "Văn phòng UBND",
}
DOC_LABELS = {
    DocKind.CONG_VAN: "công văn",
    DocKind.KE_HOACH: "kế hoạch",
    DocKind.THONG_BAO: "thông báo",
    DocKind.CHI_THI: "chỉ thị",
    DocKind.CONG_DIEN: "công điện",
    DocKind.QUYET_DINH: "quyết định",
    DocKind.HUONG_DAN: "hướng dẫn",
    DocKind.PHUONG_AN: "phương án",
    DocKind.BAI_VIET: "bài viết",
}
# Symbol parts of a document number ("45/KH-UBND", "12/TB-VPUBND") that name the kind.
KIND_CODES = {
    "KH": DocKind.KE_HOACH,
    "TB": DocKind.THONG_BAO,
    "CT": DocKind.CHI_THI,
    "CĐ": DocKind.CONG_DIEN,
    "QĐ": DocKind.QUYET_DINH,
    "HD": DocKind.HUONG_DAN,
    "PA": DocKind.PHUONG_AN,
}
# Symbol parts that name the issuer; "UBND" alone is the committee itself.
ISSUER_CODES = {
    "STTTT": IssuerKind.SO_TTTT,
    "STT&TT": IssuerKind.SO_TTTT,
    "STTTTT": IssuerKind.SO_TTTT,
    "SKHCN": IssuerKind.SO_KHCN,
    "SKH&CN": IssuerKind.SO_KHCN,
    "KHCN": IssuerKind.SO_KHCN,
    "VPUBND": IssuerKind.VP_UBND,
    "VPUB": IssuerKind.VP_UBND,
    "VP": IssuerKind.VP_UBND,
    "UBND": IssuerKind.UBND,
}


def issuer_kind(value: str | None) -> IssuerKind | None:
    """An issuer kind from a code ("ubnd") or words a staff member types ("UBND tỉnh", "Sở KH&CN")."""
    from vntext.normalize import fold

    if not value:
        return None
    key = fold(value).replace("&", "").replace(" ", "").replace(".", "")
    for kind in IssuerKind:
        if key == kind.value.replace("_", ""):
            return kind
    table = (
        ("vanphong", IssuerKind.VP_UBND),
        ("vpubnd", IssuerKind.VP_UBND),
        ("khoahoc", IssuerKind.SO_KHCN),
        ("khcn", IssuerKind.SO_KHCN),
        ("thongtin", IssuerKind.SO_TTTT),
        ("tttt", IssuerKind.SO_TTTT),
        ("uybannhandan", IssuerKind.UBND),
        ("ubnd", IssuerKind.UBND),
    )
    return next((kind for word, kind in table if word in key), None)
