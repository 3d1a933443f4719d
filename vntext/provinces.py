"""The 34 provinces after the 01/07/2025 merger, and the former names that map to them.

A user from "Bắc Giang" is served today by Bắc Ninh's department but may still ask about the old
Bắc Giang directive, so a mention resolves to both the name used and the current province.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from vntext.normalize import fold, nfc

PROVINCES_CSV = Path(__file__).resolve().parent.parent / "data" / "provinces-2025.csv"
# Abbreviations and spellings people use ("HP", "TP.HCM", "Đắc Lắc"), each for a name above.
ALIASES_CSV = PROVINCES_CSV.with_name("province-aliases.csv")
_PAREN_RE = re.compile(r"^(?P<name>[^(]+?)\s*\((?P<alias>[^)]+)\)$")
_PREFIXES = ("tinh ", "thanh pho ", "tp ", "tp. ")


@dataclass(frozen=True)
class ProvinceMention:
    """A province named in text: the name as the directive era knew it and today's province."""

    named: str
    current: str


@lru_cache(maxsize=1)
def _aliases() -> dict[str, ProvinceMention]:
    """Folded alias -> mention, built once from the CSV shipped in data/."""
    table: dict[str, ProvinceMention] = {}
    with PROVINCES_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            current = row["province"].strip()
            table[fold(current)] = ProvinceMention(current, current)
            for part in row["formed_from"].split(";"):
                part = part.strip()
                match = _PAREN_RE.match(part)
                names = [match["name"], match["alias"]] if match else [part]
                for name in names:
                    table.setdefault(fold(name), ProvinceMention(names[0].strip(), current))
    with ALIASES_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            known = table.get(fold(row["name"]).strip())
            if known is not None:
                table.setdefault(fold(row["alias"]).strip(), known)
    # Web hosts, e-mail domains and hurried typing drop the spaces: "nghean", "daklak", "hatinh".
    for alias, mention in list(table.items()):
        compact = re.sub(r"[\s.-]+", "", alias)
        if compact != alias and len(compact) >= 6:
            table.setdefault(compact, mention)
    return table


@lru_cache(maxsize=512)
def _alias_re(alias: str) -> re.Pattern[str]:
    """An alias as a whole-word pattern; "thua thien hue" also matches "thua thien - hue"."""
    words = [re.escape(word) for word in alias.split()]
    return re.compile(r"(?<![\w])" + r"(?:\s*-\s*|\s+)".join(words) + r"(?![\w])")


def current_provinces() -> list[str]:
    """Names of the 34 current provinces in CSV order."""
    seen: dict[str, None] = {}
    for mention in _aliases().values():
        seen.setdefault(mention.current, None)
    return list(seen)


def resolve(name: str) -> ProvinceMention | None:
    """Resolve a single province name (any case, with or without diacritics or a "tỉnh" prefix)."""
    key = fold(name).strip()
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix) :].strip()
    return _aliases().get(key)


def find_in_text(text: str) -> ProvinceMention | None:
    """The first province named in free text, preferring the longest alias at each position."""
    found = mentions_in_text(text)
    return found[0][2] if found else None


def without_places(text: str) -> str:
    """The text with every province name removed, so a place name does not steer retrieval.

    The rest keeps its diacritics: "hỏi" (a question word) and "hội" (a festival) stay apart.
    """
    text = nfc(text)
    folded = "".join((fold(char) or char)[:1] for char in text)  # one folded char per char
    spans = [(start, end) for start, end, _ in mentions_in_text(folded)]
    for start, end in reversed(spans):
        text = f"{text[:start]} {text[end:]}"
    return text


def mentions_in_text(text: str) -> list[tuple[int, int, ProvinceMention]]:
    """Every province named in free text, longest alias first at each position, left to right."""
    folded = fold(text)
    found: list[tuple[int, int, ProvinceMention]] = []
    for alias, mention in _aliases().items():
        for match in _alias_re(alias).finditer(folded):
            found.append((match.start(), match.end(), mention))
    found.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    kept: list[tuple[int, int, ProvinceMention]] = []
    for item in found:
        if not kept or item[0] >= kept[-1][1]:
            kept.append(item)
    return kept


@lru_cache(maxsize=1)
def _kinds() -> dict[str, str]:
    with PROVINCES_CSV.open(encoding="utf-8") as handle:
        return {row["province"].strip(): row["kind"].strip() for row in csv.DictReader(handle)}


def province_kind(name: str) -> str:
    """ "tỉnh" or "thành phố" (centrally-run cities); a former province was a "tỉnh"."""
    kind = _kinds().get(name, "tỉnh")
    return "" if name.lower().startswith("thành phố") else kind
