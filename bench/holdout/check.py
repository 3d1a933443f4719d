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

import html
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

from bench.generalisation import build as generalisation
from bench.generalisation.check import (
    ABBREVIATIONS,
    CATEGORIES,
    ISSUER,
    KEYS,
    STYLES,
    extracted_lines,
    fact_found,
    fold,
    nfc,
)
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
    text = source_text(document)
    if document.how == "copy" and document.name.endswith(".html"):
        return [html.unescape(re.sub(r"<[^>]+>", " ", line)) for line in text.splitlines()]
    if document.how == "copy":
        return text.splitlines()
    return plain_lines(text)


def style_problem(question: str, style: str) -> str | None:
    accented = fold(question) != question.lower()
    words = set(re.findall(r"[\wđ]+", question.lower()))
    short = words & (ABBREVIATIONS | MORE_ABBREVIATIONS)
    if style == "unaccented" and accented:
        return "marked unaccented but has diacritics"
    if style == "unaccented" and short:
        return f"marked unaccented but abbreviates {sorted(short)}"
    if style == "accented" and not accented:
        return "marked accented but has no diacritics"
    if style == "abbreviated" and not short:
        return "marked abbreviated but uses no known abbreviation"
    return None


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
    problems = []
    by_name = {document.name: document for document in HOLDOUT}
    paths = {path.name: path for path in built}
    lines = {document.name: document_lines(document) for document in HOLDOUT}
    extracted = {name: extracted_lines(path) for name, path in paths.items()}
    for index, item in enumerate(questions, 1):
        where = f"#{index} «{item.get('q')}»"
        if set(item) != KEYS:
            problems.append(f"{where}: keys {sorted(item)}")
            continue
        document = by_name.get(item["document"])
        if document is None or item["document"] not in paths:
            problems.append(f"{where}: document {item['document']!r} is not built")
            continue
        if item["category"] not in CATEGORIES or item["style"] not in STYLES:
            problems.append(f"{where}: category/style {item['category']}/{item['style']}")
        if item["province"] != document.province:
            problems.append(f"{where}: province {item['province']} != {document.province}")
        folded = fold(item["q"])
        if not any(re.search(rf"\b{alias}\b", folded) for alias in document.aliases):
            problems.append(f"{where}: names none of {document.aliases}")
        if problem := style_problem(item["q"], item["style"]):
            problems.append(f"{where}: {problem}")
        if set(item["must"]) & set(item["must_not"]):
            problems.append(f"{where}: a fact is both in must and must_not")
        if item["category"] == "no_fact":
            if item["must"] != NO_FACT_MUST:
                problems.append(f"{where}: no_fact must be {NO_FACT_MUST}")
            if not item["must_not"]:
                problems.append(f"{where}: no_fact without a must_not fact")
            for fact in item["must_not"]:
                if fact_found(fact, lines[document.name], document):
                    problems.append(f"{where}: no_fact but {fact!r} is in the document")
            continue
        if not item["must"]:
            problems.append(f"{where}: no must fact")
        for fact in item["must"]:
            if not fact_found(fact, lines[document.name], document):
                problems.append(f"{where}: {fact!r} not in {document.name}")
                continue
            text = extracted[document.name]
            lost = (
                text is not None and not ISSUER.match(fact) and not fact_found(fact, text, document)
            )
            if lost:
                problems.append(f"{where}: {fact!r} lost when {document.name} is extracted")
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
    categories = Counter(item["category"] for item in questions)
    styles = Counter(item["style"] for item in questions)
    documents = Counter(item["document"] for item in questions)
    print(f"{len(questions)} questions over {len(documents)} documents")
    print("categories:", dict(sorted(categories.items())))
    print("styles:", dict(sorted(styles.items())))
    for name in (document.name for document in HOLDOUT):
        print(f"  {documents[name]:3d}  {name}")
    for problem in problems:
        print("PROBLEM", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
