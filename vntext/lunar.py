"""Tết years by their can-chi names ("Giáp Thìn" = 2024), found in text with or without diacritics.

Folding makes "Tý" and "Tỵ" both "ty"; the stem settles it, since each stem pairs with only six
branches of the 60-year cycle ("at ty" can only be Ất Tỵ).
"""

from __future__ import annotations

import re

from vntext.normalize import fold

STEMS = ("Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý")
BRANCHES = ("Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi")
_YEAR_RE = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def tet_name_of(year: int) -> str:
    """Can-chi name of the lunar year whose Tết falls in the given solar year."""
    return f"{STEMS[(year - 4) % 10]} {BRANCHES[(year - 4) % 12]}"


def _names() -> dict[str, str]:
    """Folded name -> proper name for the 60 years; "tị" (Tỵ) and "mẹo" (Mão) are spellings too.

    Only real stem-branch pairs exist, so a folded name is never ambiguous ("ất ty" is Ất Tỵ).
    """
    table = {}
    for offset in range(60):
        name = tet_name_of(2020 + offset)
        table[fold(name)] = name
        stem, branch = fold(name).split()
        spelling = {"ty": "ti", "mao": "meo"}.get(branch)
        if spelling and name.endswith(("Tỵ", "Mão")):
            table[f"{stem} {spelling}"] = name
    return table


_FOLDED_NAMES = _names()
_ALTERNATION = "|".join(map(re.escape, sorted(_FOLDED_NAMES, key=len, reverse=True)))
_NAME_RE = re.compile(rf"(?<!\w)({_ALTERNATION})(?!\w)")
_TET_NAME_RE = re.compile(rf"(?<!\w)tet\s+(?:nguyen dan\s+)?({_ALTERNATION})(?!\w)")


def tet_named(*texts: str) -> str | None:
    """The Tết the first text names as such ("Tết Nguyên đán Ất Ty" → Ất Tỵ); a bare can-chi name
    ("29 tháng chạp năm Quý Mão") is the lunar year of a day, not the Tết."""
    for text in texts:
        if match := _TET_NAME_RE.search(fold(text)):
            return _FOLDED_NAMES[match.group(1)]
    return None


def tet_in_text(text: str) -> str | None:
    """The Tết named in text ("giap thin", "Tết Ất Tỵ"), or the one of a year written in it."""
    folded = fold(text)
    match = _NAME_RE.search(folded)
    if match:
        return _FOLDED_NAMES[match.group(1)]
    year = _YEAR_RE.search(folded)
    return tet_name_of(int(year.group(1))) if year else None


def year_in_text(text: str) -> int | None:
    match = _YEAR_RE.search(text)
    return int(match.group(1)) if match else None
