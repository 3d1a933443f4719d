"""Check bench/generalisation/questions.yml against the documents it asks about.

- every question names a built document and its province (an alias of it, without diacritics);
- every `must` fact occurs in that document: phones, e-mails, numbers and phrases verbatim within one
  source line; dates DD/MM/YYYY and times HHhMM in any way the document writes them ("5/2", "ngày 05
  tháng 02", "mùng 6 Tết", "16 giờ"); issuer labels equal the document's issuer;
- the text .pdf and the .docx keep those facts once extracted (pypdf, python-docx);
- a no_fact question's `must_not` facts are really absent from its document;
- styles are plausible (accented has diacritics, unaccented none, abbreviated uses an abbreviation).
Usage: python -m bench.generalisation.check   (exit 1 on any problem)
"""

from __future__ import annotations

import html
import re
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path

import yaml

from bench.generalisation.build import BENCH, HERE, Document, build, plain_lines, source_text
from vntext.lunar_calendar import lunar_text, tet_date

QUESTIONS = HERE / "questions.yml"
CATEGORIES = {"contact", "deadline", "duties", "holiday", "directive", "free_form", "no_fact"}
STYLES = {"accented", "unaccented", "abbreviated"}
KEYS = {"q", "category", "style", "province", "document", "must", "must_not"}
ISSUER = re.compile(
    r"^(Sở KH&CN|Sở TT&TT|UBND tỉnh|Văn phòng UBND tỉnh|UBND thành phố|UBND huyện) "
)
DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
TIME = re.compile(r"^(\d{2})h(\d{2})$")
ABBREVIATIONS = {
    "sdt", "đt", "dt", "bc", "dn", "vt", "bcvt", "ubnd", "stttt", "skhcn", "khcn", "tttt", "ko",
    "j", "dc", "ds", "cv", "vb", "ttll", "attt", "tp", "vp", "hp", "h", "vhtt", "sđt",
}  # fmt: skip


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower case without diacritics (đ -> d), for matching province names in questions."""
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c)
    )
    return stripped.replace("đ", "d").replace("\u00d0", "d")


def document_lines(
    document: Document,
    text: str | None = None,
    plain: Callable[[str], list[str]] = plain_lines,
) -> list[str]:
    """The document's source lines as a reader sees them; `text` and `plain` are the set's own
    source and markup reader (this set's by default)."""
    text = source_text(document) if text is None else text
    if document.how == "copy" and document.name.endswith(".html"):
        return [html.unescape(re.sub(r"<[^>]+>", " ", line)) for line in text.splitlines()]
    if document.how == "copy":
        return text.splitlines()
    return plain(text)


def extracted_lines(path: Path) -> list[str] | None:
    """Text as a reader extracts it from the built .pdf (text) or .docx; None for other files."""
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
        return text.splitlines() if text.strip() else None  # an image-only scan has no text
    if path.suffix == ".docx":
        import docx

        doc = docx.Document(str(path))
        lines = [p.text for p in doc.paragraphs]
        for table in doc.tables:
            lines += ["  ".join(cell.text for cell in row.cells) for row in table.rows]
        return lines
    return None


def date_found(day: date, text: str, year: int) -> bool:
    d, m = day.day, day.month
    for match in re.finditer(rf"(?<!\d)0?{d}/0?{m}(?:/(\d{{4}}))?(?![\d/])", text):
        if match.group(1) is None and day.year in (year, year - 1):
            return True
        if match.group(1) == str(day.year):
            return True
    spelled = rf"ngày\s+0?{d}\s+tháng\s+0?{m}(?:\s+năm\s+(\d{{4}}))?"
    for match in re.finditer(spelled, text, flags=re.IGNORECASE):
        if match.group(1) in (None, str(day.year)):
            return True
    if abs((day - tet_date(year)).days) > 60:  # a lunar phrase only names a day of this Tết season
        return False
    lunar = lunar_text(day).lower()
    variants = {lunar}
    if lunar.endswith(" tết"):
        variants.add(lunar.replace(" tết", " tháng giêng"))
    lowered = text.lower()
    return any(re.search(rf"(?<!\d){re.escape(v)}", lowered) for v in variants)


def time_found(hour: int, minute: int, text: str) -> bool:
    pattern = rf"(?<![\d/])0?{hour}\s*(?:h|giờ|:)\s*{minute:02d}(?!\d)"
    if minute == 0:
        pattern += rf"|(?<![\d/])0?{hour}\s*(?:h|giờ)(?![\s\d]*\d)"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def fact_found(fact: str, lines: list[str], document: Document) -> bool:
    fact = nfc(fact)
    if ISSUER.match(fact):
        return fact == document.issuer
    text = nfc("\n".join(lines))
    if match := DATE.match(fact):
        d, m, y = (int(g) for g in match.groups())
        return date_found(date(y, m, d), text, document.year)
    if match := TIME.match(fact):
        return time_found(int(match.group(1)), int(match.group(2)), text)
    return any(fact.lower() in nfc(line).lower() for line in lines)


def style_problem(question: str, style: str, abbreviations: set[str] = ABBREVIATIONS) -> str | None:
    accented = fold(question) != question.lower()
    words = set(re.findall(r"[\wđ]+", question.lower()))
    short = words & abbreviations
    if style == "unaccented" and accented:
        return "marked unaccented but has diacritics"
    if style == "unaccented" and short:
        return f"marked unaccented but abbreviates {sorted(short)}"
    if style == "accented" and not accented:
        return "marked accented but has no diacritics"
    if style == "abbreviated" and not short:
        return "marked abbreviated but uses no known abbreviation"
    return None


def check(
    questions: list[dict],
    built: list[Path],
    documents: Sequence[Document] = BENCH,
    lines: Mapping[str, list[str]] | None = None,
    abbreviations: set[str] = ABBREVIATIONS,
) -> list[str]:
    """Problems of a question set against its built documents; the holdout set passes its own
    documents, source lines and abbreviations."""
    problems = []
    by_name = {document.name: document for document in documents}
    paths = {path.name: path for path in built}
    if lines is None:
        lines = {document.name: document_lines(document) for document in documents}
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
        if problem := style_problem(item["q"], item["style"], abbreviations):
            problems.append(f"{where}: {problem}")
        if set(item["must"]) & set(item["must_not"]):
            problems.append(f"{where}: a fact is both in must and must_not")
        if item["category"] == "no_fact":
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
            if text is not None and not ISSUER.match(fact) and not fact_found(fact, text, document):
                problems.append(f"{where}: {fact!r} lost when {document.name} is extracted")
    return problems


def report(questions: list[dict], problems: list[str], documents: Sequence[Document]) -> int:
    """Print the set's make-up and its problems; the exit status (1 on any problem)."""
    categories = Counter(item["category"] for item in questions)
    styles = Counter(item["style"] for item in questions)
    asked = Counter(item["document"] for item in questions)
    print(f"{len(questions)} questions over {len(asked)} documents")
    print("categories:", dict(sorted(categories.items())))
    print("styles:", dict(sorted(styles.items())))
    for name in (document.name for document in documents):
        print(f"  {asked[name]:3d}  {name}")
    for problem in problems:
        print("PROBLEM", problem)
    return 1 if problems else 0


def main() -> int:
    questions = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        built = build(Path(tmp))
        problems = check(questions, built)
    return report(questions, problems, BENCH)


if __name__ == "__main__":
    sys.exit(main())
