"""Kinds of organisation a directive addresses, recognised in headings and in users' questions."""

from __future__ import annotations

import re

from vntext.abbreviations import expand
from vntext.provinces import find_in_text

# Code -> folded phrases (after abbreviation expansion) that name it.
AUDIENCE_PHRASES: dict[str, tuple[str, ...]] = {
    "buu_chinh": ("buu chinh", "chuyen phat", "buu gui", "buu dien", "kt1"),
    "vien_thong": ("vien thong", "nha mang", "mang di dong", "tram bts", "bts"),
    "internet": ("internet",),
    "truyen_hinh_tra_tien": ("truyen hinh tra tien", "truyen hinh cap", "iptv"),
    "so_nganh_ubnd": (
        "so, ban, nganh",
        "so ban nganh",
        "uy ban nhan dan",
        "cac so",
        "huyen, thanh pho",
    ),
    "bao_chi": (
        "bao chi",
        "dai phat thanh",
        "dai ptth",
        "dai pt-th",
        "bao lang son",
        "thong tin co so",
    ),
    "trung_tam_cntt": ("trung tam cong nghe thong tin", "trung tam cong nghe so"),
}

AUDIENCE_LABELS: dict[str, str] = {
    "buu_chinh": "doanh nghiệp bưu chính, chuyển phát",
    "vien_thong": "doanh nghiệp viễn thông",
    "internet": "doanh nghiệp Internet",
    "truyen_hinh_tra_tien": "doanh nghiệp truyền hình trả tiền",
    "so_nganh_ubnd": "các sở, ban, ngành và UBND cấp huyện",
    "bao_chi": "báo chí, đài phát thanh – truyền hình",
    "trung_tam_cntt": "trung tâm công nghệ thông tin",
    "doanh_nghiep_cu_the": "doanh nghiệp được nêu tên",
    "chung": "mọi cơ quan, đơn vị",
}


_BRAND_RE = re.compile(
    r"(?<!\w)(vnpt|viettel|mobifone|vinaphone|vietnamobile|fpt|sctv|vtvcab)(?!\w)"
)
_LOCAL_UNIT_RE = re.compile(r"(?<!\w)(?:vien thong|buu dien)\s+(?:tinh\s+)?(?P<rest>.+)")


def names_one_enterprise(text: str) -> bool:
    """'Viễn thông Lạng Sơn', 'Bưu điện tỉnh X', 'VNPT': a named enterprise, not a kind of one."""
    folded = expand(text)
    local = _LOCAL_UNIT_RE.search(folded)
    place = find_in_text(local["rest"]) if local else None
    return bool(
        _BRAND_RE.search(folded) or (place and local["rest"].startswith(_fold_name(place.named)))
    )


def _fold_name(name: str) -> str:
    return expand(name)


def audiences_in(text: str) -> list[str]:
    """Audience codes named in text, in a stable order; empty when none is named."""
    folded = expand(text)
    found = []
    for code, phrases in AUDIENCE_PHRASES.items():
        if any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", folded) for p in phrases):
            found.append(code)
    if names_one_enterprise(text):
        found.append("doanh_nghiep_cu_the")
    return found
