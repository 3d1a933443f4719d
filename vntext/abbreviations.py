"""Abbreviations users type on phones, expanded on folded text before matching or retrieval.

A few everyday words are expanded to the directives' own term too ("nhà mạng" is how users say
"doanh nghiệp viễn thông"); both questions and passages go through the same expansion.
"""

from __future__ import annotations

import re

from vntext.normalize import fold

# Folded abbreviation -> folded expansion. Longer keys win over their prefixes (bcvt before bc).
ABBREVIATIONS: dict[str, str] = {
    "sdt": "so dien thoai",
    "dt": "dien thoai",
    "bcvt": "buu chinh vien thong",
    "bc": "bao cao",
    "dn": "doanh nghiep",
    "vt": "vien thong",
    "tttt": "thong tin truyen thong",
    "stttt": "so thong tin truyen thong",
    "attt": "an toan thong tin",
    "ubnd": "uy ban nhan dan",
    "khcn": "khoa hoc cong nghe",
    "skhcn": "so khoa hoc cong nghe",
    "cntt": "cong nghe thong tin",
    "ttt": "truyen hinh tra tien",
    "thtt": "truyen hinh tra tien",
    "hotline": "duong day nong",
    "mail": "email",
    "tet nguyen dan": "tet",
    "kq": "ket qua",
    "cb": "can bo",
    "ttll": "thong tin lien lac",
    # Words users say for what directives name otherwise.
    "nha mang": "doanh nghiep vien thong",
}
_PATTERN = re.compile(
    r"(?<!\w)("
    + "|".join(sorted(map(re.escape, ABBREVIATIONS), key=len, reverse=True))
    + r")(?!\w)"
)


def expand(text: str) -> str:
    """Fold text and replace every known abbreviation with its expansion."""
    return _PATTERN.sub(lambda match: ABBREVIATIONS[match.group(1)], fold(text))
