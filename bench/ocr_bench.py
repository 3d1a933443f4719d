"""How much of a scanned directive OCR gives back: `python -m bench.ocr_bench` (and `make bench`).

Each directive in data/directives/ is rendered as a scan (bench/scans.py: 200 dpi, slight rotation,
speckles) and read back through the same path an upload takes (store.knowledge.documents.extract).
What matters to a user is the facts: every phone number, e-mail, dd/mm/yyyy date, "9h00" time and
document number of the original must come back, so that is the headline figure; character accuracy
and seconds per page follow. `--compare` also runs ocrmypdf (when installed) on the same scans, the
measurement behind the engine chosen in store/knowledge/ocr.py.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.scans import make_scanned_pdf
from vntext.normalize import nfc
from vntext.phones import find_phones

DIRECTIVES = Path(__file__).resolve().parent.parent / "data" / "directives"
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
DATE_RE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")
TIME_RE = re.compile(r"\b\d{1,2}h\d{2}\b")
# "184 /STTTT-HTS", "6410/BTTTT-CATTT", "/STTTT-TTr" (number left blank), "91/2020/NĐ-CP"
DOCNO_RE = re.compile(r"(?:\d+ ?)?/(?:\d{4}/)?[A-ZĐ][A-ZĐ0-9&]*(?:- ?[A-ZĐ][A-Za-zĐđ0-9&]*)+")
_DIGIT_GAP_RE = re.compile(r"(?<=\d)[\s.\-–]+(?=\d)")


@dataclass
class Fact:
    kind: str  # phone, email, date, time, number
    value: str


@dataclass
class Score:
    name: str
    pages: int
    seconds: float
    accuracy: float
    facts: list[Fact]
    missed: list[Fact] = field(default_factory=list)

    @property
    def found(self) -> int:
        return len(self.facts) - len(self.missed)


def flat(text: str) -> str:
    """One line, single spaces, NFC: reading order and line wraps aside, what was on the page."""
    return " ".join(nfc(text).split())


def facts_of(text: str) -> list[Fact]:
    """The facts a user asks for, each once, in order of appearance."""
    text = flat(text)
    found: list[Fact] = [Fact("phone", phone.display) for phone in find_phones(text)]
    for kind, pattern in (
        ("email", EMAIL_RE),
        ("date", DATE_RE),
        ("time", TIME_RE),
        ("number", DOCNO_RE),
    ):
        found += [Fact(kind, match.group()) for match in pattern.finditer(text)]
    unique: dict[tuple[str, str], Fact] = {}
    for fact in found:
        unique.setdefault((fact.kind, fact.value), fact)
    return list(unique.values())


def recovered(fact: Fact, ocr_text: str) -> bool:
    """A phone matches on its digits (separators aside); anything else without spaces, any case."""
    if fact.kind == "phone":
        digits = re.sub(r"\D", "", fact.value)
        return digits in _DIGIT_GAP_RE.sub("", ocr_text)
    squeezed = "".join(nfc(ocr_text).split()).lower()
    return "".join(fact.value.split()).lower() in squeezed


def edit_distance(reference: str, hypothesis: str) -> int:
    """Levenshtein distance, one numpy row at a time (insertions via a running minimum)."""
    if not reference or not hypothesis:
        return max(len(reference), len(hypothesis))
    hyp = np.frombuffer(hypothesis.encode("utf-32-le"), dtype=np.uint32)
    offsets = np.arange(len(hyp) + 1)
    row = offsets.copy()
    for index, char in enumerate(reference, start=1):
        substitute = row[:-1] + (hyp != ord(char))
        delete = row[1:] + 1
        best = np.empty_like(row)
        best[0] = index
        best[1:] = np.minimum(substitute, delete)
        row = np.minimum.accumulate(best - offsets) + offsets
    return int(row[-1])


def char_accuracy(reference: str, hypothesis: str) -> float:
    """1 − edit distance / reference length, on whitespace-collapsed text (0 when worse than none)."""
    reference, hypothesis = flat(reference), flat(hypothesis)
    return max(0.0, 1 - edit_distance(reference, hypothesis) / max(1, len(reference)))


def score(name: str, original: str, ocr_text: str, pages: int, seconds: float) -> Score:
    facts = facts_of(original)
    missed = [fact for fact in facts if not recovered(fact, ocr_text)]
    return Score(name, pages, seconds, char_accuracy(original, ocr_text), facts, missed)


def read_with_app(scan: Path) -> tuple[str, int]:
    """The upload path: documents.extract on the scanned PDF."""
    from store.knowledge.documents import extract

    document = extract(scan.name, scan.read_bytes())
    return document.text, _page_count(scan)


def read_with_ocrmypdf(scan: Path) -> tuple[str, int]:
    """ocrmypdf with the same language, text to a sidecar file, no output PDF (OCRMYPDF_ARGS adds
    options, e.g. "--clean --deskew -j 1")."""
    sidecar = scan.with_suffix(".ocrmypdf.txt")
    subprocess.run(
        [_ocrmypdf(), "-q", "-l", "vie", "--output-type", "none", "--sidecar", str(sidecar),
         *os.environ.get("OCRMYPDF_ARGS", "").split(), str(scan), "-"],
        check=True, timeout=900,
    )  # fmt: skip
    return sidecar.read_text(encoding="utf-8"), _page_count(scan)


def _ocrmypdf() -> str:
    """OCRMYPDF (a path: it is not a dependency of the app), else ocrmypdf on PATH or beside python."""
    found = (
        os.environ.get("OCRMYPDF")
        or shutil.which("ocrmypdf")
        or shutil.which("ocrmypdf", path=str(Path(sys.executable).parent))
    )
    if not found:
        raise FileNotFoundError("ocrmypdf")
    return found


def _page_count(scan: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(scan)).pages)


def run(reader: str, folder: Path, seed: int = 0) -> list[Score]:
    """Render every directive as a scan and read it back with `reader` ("app" or "ocrmypdf")."""
    read = read_with_app if reader == "app" else read_with_ocrmypdf
    scores = []
    for source in sorted(DIRECTIVES.glob("*.txt")):
        original = source.read_text(encoding="utf-8")
        scan = make_scanned_pdf(original, folder / f"{source.stem}.pdf", dpi=200, seed=seed)
        started = time.perf_counter()
        text, pages = read(scan)
        scores.append(score(source.stem, original, text, pages, time.perf_counter() - started))
    return scores


def table(title: str, scores: list[Score]) -> str:
    """A markdown table: one row per directive and a total row."""
    lines = [
        f"### {title}",
        "",
        "| directive | pages | facts recovered | char accuracy | s/page | missed |",
        "|---|---|---|---|---|---|",
    ]
    for item in scores:
        missed = ", ".join(f"{fact.kind} {fact.value}" for fact in item.missed) or "–"
        lines.append(
            f"| {item.name} | {item.pages} | {item.found}/{len(item.facts)} | "
            f"{item.accuracy:.1%} | {item.seconds / item.pages:.1f} | {missed} |"
        )
    pages = sum(item.pages for item in scores)
    facts = sum(len(item.facts) for item in scores)
    found = sum(item.found for item in scores)
    accuracy = sum(item.accuracy * item.pages for item in scores) / max(1, pages)
    seconds = sum(item.seconds for item in scores)
    lines.append(
        f"| **all** | {pages} | **{found}/{facts} ({found / max(1, facts):.0%})** | "
        f"{accuracy:.1%} | {seconds / max(1, pages):.1f} | |"
    )
    return "\n".join(lines)


def as_data(scores: list[Score]) -> list[dict[str, object]]:
    return [
        {
            "directive": item.name,
            "pages": item.pages,
            "facts": len(item.facts),
            "recovered": item.found,
            "char_accuracy": round(item.accuracy, 4),
            "seconds_per_page": round(item.seconds / item.pages, 2),
            "missed": [f"{fact.kind} {fact.value}" for fact in item.missed],
        }
        for item in scores
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--compare", action="store_true", help="also run ocrmypdf on the same scans"
    )
    args = parser.parse_args(argv)
    from bench.harness import write_results

    with tempfile.TemporaryDirectory() as folder:
        scans = Path(folder)
        results = {"pytesseract": run("app", scans)}
        if args.compare:
            results["ocrmypdf"] = run("ocrmypdf", scans)
    report = "\n\n".join(
        [
            "## OCR of scanned directives (200 dpi scan, 0.7° rotation, 2 % speckles)",
            *(table(name, scores) for name, scores in results.items()),
        ]
    )
    write_results("ocr", report, {name: as_data(scores) for name, scores in results.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
