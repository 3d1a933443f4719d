"""Kinds of organisation a directive addresses, recognised in directive text and in users' questions.

The vocabulary lives in data/audiences.yml (codes, labels, phrases) so a new kind of organisation
is a data change. One recogniser serves both sides: the parser asks what a heading or a paragraph's
subject names, the actions ask what a question names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from vntext.abbreviations import expand
from vntext.normalize import nfc
from vntext.provinces import find_in_text

AUDIENCES_YML = Path(__file__).resolve().parent.parent / "data" / "audiences.yml"
GENERAL = "chung"
NAMED_ENTERPRISE = "doanh_nghiep_cu_the"


@dataclass(frozen=True)
class Audience:
    """One kind of organisation: its code, label and the patterns that name it."""

    code: str
    label: str
    patterns: tuple[re.Pattern[str], ...]
    question_patterns: tuple[re.Pattern[str], ...]
    accented: tuple[re.Pattern[str], ...]


def _phrase_re(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)")


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(AUDIENCES_YML.read_text(encoding="utf-8"))
    return loaded


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[Audience, ...], re.Pattern[str]]:
    data = _data()
    audiences = tuple(
        Audience(
            code=row["code"],
            label=row["label"],
            patterns=tuple(_phrase_re(p) for p in row.get("phrases") or []),
            question_patterns=tuple(_phrase_re(p) for p in row.get("question_only") or []),
            accented=tuple(re.compile(p) for p in row.get("accented") or []),
        )
        for row in data["audiences"]
    )
    names = sorted(data.get("brands") or {}, key=len, reverse=True)
    brands = re.compile(rf"(?<!\w)({'|'.join(map(re.escape, names))})(?!\w)")
    return audiences, brands


def labels() -> dict[str, str]:
    """Code -> Vietnamese label, in the table's order."""
    return {audience.code: audience.label for audience in _table()[0]}


AUDIENCE_LABELS: dict[str, str] = labels()
_LOCAL_UNIT_RE = re.compile(
    r"(?<!\w)(?P<unit>vien thong|buu dien)\s+(?:tinh\s+|thanh pho\s+)?(?P<rest>.+)"
)


def kinds_of_named(text: str) -> list[str]:
    """The kinds of the enterprises a text names: Viettel, VNPT → telecom; Bưu điện X → postal."""
    folded = expand(text)
    brands: dict[str, str] = _data().get("brands") or {}
    units: dict[str, str] = _data().get("local_units") or {}
    kinds = [brands[m.group(1)] for m in _table()[1].finditer(folded)]
    kinds += [units[m["unit"]] for m in _LOCAL_UNIT_RE.finditer(folded)]
    return list(dict.fromkeys(kinds))


def names_one_enterprise(text: str) -> bool:
    """'Viễn thông Lạng Sơn', 'Bưu điện tỉnh X', 'VNPT': a named enterprise, not a kind of one."""
    folded = expand(text)
    local = _LOCAL_UNIT_RE.search(folded)
    place = find_in_text(local["rest"]) if local else None
    named_place = (
        place is not None and local is not None and local["rest"].startswith(expand(place.named))
    )
    return bool(_table()[1].search(folded) or named_place)


def _positions(text: str, *, question: bool) -> list[tuple[int, str]]:
    """(first position, code) of every kind the text names."""
    folded, lowered = expand(text), nfc(text).lower()
    found = []
    for audience in _table()[0]:
        patterns = audience.patterns + (audience.question_patterns if question else ())
        starts = [m.start() for rx in patterns if (m := rx.search(folded))]
        starts += [m.start() for rx in audience.accented if (m := rx.search(lowered))]
        if starts:
            found.append((min(starts), audience.code))
    return found


def audiences_in(text: str) -> list[str]:
    """Codes a user's question names, in the table's order; empty when none is named."""
    order = list(AUDIENCE_LABELS)
    codes = sorted((code for _, code in _positions(text, question=True)), key=order.index)
    if names_one_enterprise(text):
        codes += [code for code in kinds_of_named(text) if code not in codes]
        codes.append(NAMED_ENTERPRISE)
    return codes


def audiences_named(text: str) -> list[str]:
    """Codes a heading or a paragraph's subject names, in the order the text names them."""
    return [code for _, code in sorted(_positions(text, question=False))]
