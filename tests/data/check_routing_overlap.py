"""Check the held-apart routing set against the NLU training data.

Reports every routing.yml text whose folded form (lower case, no diacritics, đ→d, single spaces)
equals a training example in nlu_data/*.yml, duplicates within routing.yml, entries with an unknown
`expect` or `style`, and (as warnings) styles that do not look like their text.

Run: .venv-app/bin/python tests/data/check_routing_overlap.py   (exit 1 when something must be fixed)
The functions are importable by a test: `overlaps()`, `duplicates()`, `problems()`.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from vntext.normalize import fold  # noqa: E402  (needs ROOT on sys.path when run as a script)

ROUTING = Path(__file__).with_name("routing.yml")
NLU_DIR = ROOT / "nlu_data"
EXPECTS = {"question", "submit_roster", "report_incident", "submit_results", "update_incident"}
STYLES = {"accented", "unaccented", "abbreviated"}

# [text](entity), [text]{"entity": ...}, [text](entity:value)
_ANNOTATION_RE = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
_SPACE_RE = re.compile(r"\s+")
_PUNCT_RE = re.compile(r"[^\w\s]")
_INCIDENT_ID_RE = re.compile(r"\bsc-\d{4}-\d+\b", re.IGNORECASE)
_SHORTHAND = {
    "ds", "dsach", "bc", "bcsc", "sc", "kq", "dn", "vt", "bcvt", "ubnd", "ko", "k", "j", "dc",
    "e", "a", "ad", "sdt", "sđt", "dt", "đt", "nv", "ktv", "gd", "gđ", "tp", "ttll", "attt",
    "stttt", "ttt", "r", "ng",
}  # fmt: skip


def key(text: str) -> str:
    """The comparison form: folded, lower case, whitespace collapsed to single spaces."""
    return _SPACE_RE.sub(" ", fold(text)).strip()


def loose_key(text: str) -> str:
    """Like key(), but punctuation does not count: "gửi ds trực?" meets "gui ds truc"."""
    return key(_PUNCT_RE.sub(" ", fold(text)))


def strip_annotations(text: str) -> str:
    """Drop Rasa entity annotations, keeping the annotated words."""
    return _ANNOTATION_RE.sub(r"\1", text)


def _examples(block: str) -> list[str]:
    texts = []
    for line in block.splitlines():
        line = line.strip()
        if line.startswith("- "):
            texts.append(strip_annotations(line[2:].strip()))
    return texts


def training_examples(nlu_dir: Path = NLU_DIR) -> dict[str, tuple[str, str]]:
    """Map each training example's key to (file name, intent or other item name)."""
    found: dict[str, tuple[str, str]] = {}
    for path in sorted(nlu_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("nlu") or []:
            block = item.get("examples")
            if not isinstance(block, str):
                continue
            name = next(
                (str(item[k]) for k in ("intent", "synonym", "lookup", "regex") if k in item), "?"
            )
            for text in _examples(block):
                found.setdefault(key(text), (path.name, name))
    return found


def routing_entries(path: Path = ROUTING) -> list[dict[str, str]]:
    """The routing set as a list of {text, expect, style}."""
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []


def overlaps(entries: list[dict[str, str]], training: dict[str, tuple[str, str]]) -> list[str]:
    """Routing texts that fold to a training example."""
    return [
        f"{e['text']!r} equals a training example in {training[key(e['text'])][0]} "
        f"({training[key(e['text'])][1]})"
        for e in entries
        if key(e["text"]) in training
    ]


def duplicates(entries: list[dict[str, str]]) -> list[str]:
    """Routing texts that fold to the same form as another routing text."""
    counts = Counter(key(e["text"]) for e in entries)
    return [f"duplicate ({n}x): {k!r}" for k, n in counts.items() if n > 1]


def near_overlaps(entries: list[dict[str, str]], training: dict[str, tuple[str, str]]) -> list[str]:
    """Routing texts that meet a training example once punctuation is ignored too."""
    loose = {loose_key(k) for k in training}
    return [
        f"{e['text']!r} equals a training example but for punctuation"
        for e in entries
        if key(e["text"]) not in training and loose_key(e["text"]) in loose
    ]


def problems(entries: list[dict[str, str]]) -> list[str]:
    """Entries with missing fields or an unknown expect/style."""
    found = []
    for e in entries:
        if set(e) != {"text", "expect", "style"}:
            found.append(f"fields {sorted(e)} in {e!r}")
        elif e["expect"] not in EXPECTS or e["style"] not in STYLES:
            found.append(f"unknown expect/style in {e!r}")
    return found


def style_warnings(entries: list[dict[str, str]]) -> list[str]:
    """Styles that do not look like their text (heuristic, for a human to judge)."""
    warnings = []
    for e in entries:
        text = _INCIDENT_ID_RE.sub(" ", e["text"])
        accented = fold(text) != text.lower()
        shorthand = sorted(set(re.findall(r"\w+", text.lower())) & _SHORTHAND)
        style = e["style"]
        if style == "accented" and (not accented or shorthand):
            warnings.append(f"accented? {e['text']!r} {shorthand}")
        if style == "unaccented" and (accented or shorthand):
            warnings.append(f"unaccented? {e['text']!r} {shorthand}")
        if style == "abbreviated" and not shorthand:
            warnings.append(f"abbreviated? {e['text']!r}")
    return warnings


def main() -> int:
    entries = routing_entries()
    training = training_examples()
    errors = problems(entries) + overlaps(entries, training) + duplicates(entries)
    warnings = near_overlaps(entries, training) + style_warnings(entries)
    by_expect = Counter(e.get("expect") for e in entries)
    by_style = Counter(e.get("style") for e in entries)
    print(f"{len(entries)} routing entries, {len(training)} distinct training examples")
    print("by expect:", dict(sorted(by_expect.items())))
    print("by style:", dict(sorted(by_style.items())))
    for line in warnings:
        print("warning:", line)
    for line in errors:
        print("ERROR:", line)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
