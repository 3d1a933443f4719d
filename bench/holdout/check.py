"""Check bench/holdout/questions.yml against the documents it asks about.

The rules of bench/generalisation/check.py (its fact matching is imported, not copied):
- every question names a built document and its province (an alias of it, without diacritics);
- every `must` fact occurs in that document: phones, e-mails, numbers and phrases verbatim within one
  source line; dates DD/MM/YYYY and times HHhMM in any way the document writes them ("5/2", "ngày 28
  tháng 01 năm 2027", "mùng 5 Tết", "16 giờ", "9 giờ 30 phút"); issuer labels equal the document's;
- the text .pdf and the .docx files keep those facts once extracted (pypdf, python-docx);
- a no_fact question's `must` is ["không nêu"] and its `must_not` facts are really absent;
- styles are plausible (accented has diacritics, unaccented none, abbreviated uses an abbreviation);
plus what keeps this set apart from the others:
- no province (or former province) of data/directives/ or bench/generalisation/;
- no phone or e-mail shared with those documents, no question text shared with their questions;
- at least a third of the questions unaccented or abbreviated;
- two builds give the same bytes.
Usage: python -m bench.holdout.check   (exit 1 on any problem)
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

from bench.generalisation import build as generalisation
from bench.generalisation import check as generalisation_check
from bench.generalisation.check import ABBREVIATIONS, KEYS, fold, nfc
from bench.holdout.build import HERE, HOLDOUT, Document, build, plain_lines, source_text

ROOT = HERE.parent.parent
QUESTIONS = HERE / "questions.yml"
NO_FACT_MUST = ["không nêu"]
MORE_ABBREVIATIONS = {"qn", "kh", "ct", "bhxh", "lh", "k", "dthoai", "cđ", "cd"}
SEED_PROVINCES = {  # data/directives/ and the provinces they merged into
    "bac ninh", "bac giang", "ha tinh", "lang son", "soc trang", "can tho", "hau giang",
}  # fmt: skip
PHONE = re.compile(r"(?<![\d.])0\d{2,4}(?:[ .]?\d{2,4}){2,3}(?![\d])")
EMAIL = re.compile(r"[\w.-]+@[\w-]+(?:\.[\w-]+)+")


def document_lines(document: Document) -> list[str]:
    return generalisation_check.document_lines(document, source_text(document), plain_lines)


def contacts(text: str) -> set[str]:
    """Phones as bare digits (10–11 of them) and e-mails in lower case."""
    phones = {re.sub(r"\D", "", match) for match in PHONE.findall(text)}
    emails = {email.lower().rstrip(".") for email in EMAIL.findall(text)}
    return {phone for phone in phones if 10 <= len(phone) <= 11} | emails


def other_sets() -> tuple[str, set[str]]:
    """Text of the seed and generalisation documents, and the generalisation questions."""
    texts = [
        path.read_text(encoding="utf-8-sig") for path in (ROOT / "data" / "directives").glob("*")
    ]
    texts += [generalisation.source_text(document) for document in generalisation.BENCH]
    asked = yaml.safe_load(
        generalisation.HERE.joinpath("questions.yml").read_text(encoding="utf-8")
    )
    return "\n".join(texts), {fold(item["q"]).strip() for item in asked}


def separation_problems(questions: list[dict]) -> list[str]:
    problems = []
    taken = SEED_PROVINCES | {alias for d in generalisation.BENCH for alias in d.aliases}
    taken |= {fold(d.province) for d in generalisation.BENCH}
    for document in HOLDOUT:
        names = {fold(document.province), *document.aliases}
        if names & taken:
            problems.append(f"{document.name}: province already used elsewhere: {names & taken}")
    other_text, other_questions = other_sets()
    foreign = contacts(other_text)
    for document in HOLDOUT:
        shared = contacts("\n".join(document_lines(document))) & foreign
        if shared:
            problems.append(f"{document.name}: contacts shared with other sets: {sorted(shared)}")
    for item in questions:
        if fold(item["q"]).strip() in other_questions:
            problems.append(f"«{item['q']}» is also a generalisation question")
    relaxed = sum(item["style"] != "accented" for item in questions)
    if relaxed * 3 < len(questions):
        problems.append(f"only {relaxed}/{len(questions)} questions unaccented or abbreviated")
    texts = Counter(fold(item["q"]) for item in questions)
    problems += [f"«{q}» asked {n} times" for q, n in texts.items() if n > 1]
    return problems


def check(questions: list[dict], built: list[Path]) -> list[str]:
    """The generalisation set's rules, then this set's own: a no_fact answer's `must` is fixed
    and names what must stay unsaid, and every document is asked about."""
    lines = {document.name: document_lines(document) for document in HOLDOUT}
    abbreviations = ABBREVIATIONS | MORE_ABBREVIATIONS
    problems = generalisation_check.check(questions, built, HOLDOUT, lines, abbreviations)
    for index, item in enumerate(questions, 1):
        if set(item) != KEYS or item["category"] != "no_fact":
            continue
        where = f"#{index} «{item['q']}»"
        if item["must"] != NO_FACT_MUST:
            problems.append(f"{where}: no_fact must be {NO_FACT_MUST}")
        if not item["must_not"]:
            problems.append(f"{where}: no_fact without a must_not fact")
    asked = Counter(item["document"] for item in questions)
    problems += [f"{d.name}: no question" for d in HOLDOUT if not asked[d.name]]
    return problems


def deterministic(first: list[Path], out_dir: Path) -> list[str]:
    second = build(out_dir)
    return [
        f"{a.name}: two builds differ"
        for a, b in zip(first, second, strict=True)
        if a.read_bytes() != b.read_bytes()
    ]


def main() -> int:
    questions = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    questions = [{k: nfc(v) if isinstance(v, str) else v for k, v in q.items()} for q in questions]
    with tempfile.TemporaryDirectory() as tmp:
        built = build(Path(tmp) / "a")
        problems = check(questions, built)
        problems += deterministic(built, Path(tmp) / "b")
    problems += separation_problems(questions)
    return generalisation_check.report(questions, problems, HOLDOUT)


if __name__ == "__main__":
    sys.exit(main())
