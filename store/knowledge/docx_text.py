"""Lines of a Word .docx as a reader sees them: paragraphs and tables in order, list markers shown.

python-docx's `paragraph.text` hides what Word draws on its own (list numbers and bullets), skips
tracked insertions and text boxes, and `document.tables` comes after all paragraphs, so a contacts
table would land at the end of the directive. Here we walk the body's XML in order instead:

- a paragraph is one line, Shift+Enter breaks split it; auto-numbered paragraphs get their marker
  ("1.", "a)", "- ", "+ ") computed from numbering.xml; short all-bold paragraphs and Heading styles
  become `**…**` (the parser knows that form);
- a data table row is one line "cell | cell | cell" (a merged cell once); a layout table (the
  two-column letterhead "UBND TỈNH… | CỘNG HÒA…" or the signature block: few rows, at most two
  filled cells, paragraphs stacked in a cell) gives each cell's lines in turn, so "Số: …/STTTT" and
  "Hà Tĩnh, ngày …" stay lines of their own;
- text boxes follow the paragraph that anchors them; headers, footers and deleted text are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from docx.oxml.ns import qn

HEADING_MAX_CHARS = 150
BULLET_MARKS = {"-": "-", "–": "-", "—": "-", "+": "+", "*": "-", "•": "-", "o": "-"}
_SKIP_INSIDE = {
    qn("w:del"),
    qn("w:moveFrom"),
    qn("w:txbxContent"),
    qn("w:pPr"),
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
}
_TEXT_TAGS = {
    qn("w:t"): None,
    qn("w:tab"): "\t",
    qn("w:br"): "\n",
    qn("w:cr"): "\n",
    qn("w:noBreakHyphen"): "-",
}


def _val(element: Any, tag: str, default: str | None = None) -> str | None:
    """The w:val of the child `tag` of `element`, or `default`."""
    if element is None:
        return default
    child = element.find(qn(tag))
    return child.get(qn("w:val"), default) if child is not None else default


@dataclass
class Level:
    start: int
    fmt: str
    text: str


@dataclass
class Numbering:
    """numbering.xml: numId → its levels, and a running counter per list."""

    levels: dict[str, dict[int, Level]] = field(default_factory=dict)
    counters: dict[str, list[int | None]] = field(default_factory=dict)

    @classmethod
    def of(cls, document: Any) -> Numbering:
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return cls()
        abstract = {
            node.get(qn("w:abstractNumId")): _levels(node)
            for node in root.findall(qn("w:abstractNum"))
        }
        levels: dict[str, dict[int, Level]] = {}
        for num in root.findall(qn("w:num")):
            base = dict(abstract.get(_val(num, "w:abstractNumId") or "", {}))
            for override in num.findall(qn("w:lvlOverride")):
                ilvl = int(override.get(qn("w:ilvl"), "0"))
                if (lvl := override.find(qn("w:lvl"))) is not None:
                    base[ilvl] = _level(lvl)
                start = _val(override, "w:startOverride")
                if start is not None and ilvl in base:
                    base[ilvl] = Level(int(start), base[ilvl].fmt, base[ilvl].text)
            levels[num.get(qn("w:numId")) or ""] = base
        return cls(levels)

    def marker(self, num_id: str, ilvl: int) -> str:
        """The next marker of list `num_id` at level `ilvl`: "1.", "a)", "-", "+" or "-" if unknown."""
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return "-"
        counter = self.counters.setdefault(num_id, [None] * 9)
        current = counter[ilvl]
        counter[ilvl] = levels[ilvl].start if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            counter[deeper] = None
        level = levels[ilvl]
        if level.fmt == "bullet":
            return BULLET_MARKS.get(level.text.strip(), "-")
        if level.fmt == "none":
            return level.text.strip() or "-"
        text = level.text
        for index in range(9):
            value = counter[index]
            if value is None:
                value = levels[index].start if index in levels else 1
            fmt = levels[index].fmt if index in levels else "decimal"
            text = text.replace(f"%{index + 1}", _format(value, fmt))
        return text.strip() or "-"


def _levels(abstract: Any) -> dict[int, Level]:
    return {int(lvl.get(qn("w:ilvl"), "0")): _level(lvl) for lvl in abstract.findall(qn("w:lvl"))}


def _level(lvl: Any) -> Level:
    start = _val(lvl, "w:start", "1") or "1"
    return Level(
        int(start) if start.isdigit() else 1,
        _val(lvl, "w:numFmt", "decimal") or "decimal",
        _val(lvl, "w:lvlText", "") or "",
    )


def _roman(value: int) -> str:
    numerals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]  # fmt: skip
    out = ""
    for number, letters in numerals:
        while value >= number:
            out, value = out + letters, value - number
    return out


def _letters(value: int) -> str:
    """Word's letter numbering: a…z, then aa, bb…"""
    value = max(1, value)
    return chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)


def _format(value: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letters(value)
    if fmt == "upperLetter":
        return _letters(value).upper()
    if fmt == "lowerRoman":
        return _roman(value)
    if fmt == "upperRoman":
        return _roman(value).upper()
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _inside_skipped(element: Any, stop: Any) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in _SKIP_INSIDE:
            return True
        parent = parent.getparent()
    return False


def paragraph_text(p: Any) -> str:
    """Visible text of a w:p: runs, hyperlinks and tracked insertions; not deletions or text boxes."""
    parts: list[str] = []
    for element in p.iter(*_TEXT_TAGS):
        if _inside_skipped(element, p):
            continue
        fixed = _TEXT_TAGS[element.tag]
        if fixed is None:
            parts.append(element.text or "")
        elif element.tag != qn("w:br") or element.get(qn("w:type")) in (None, "textWrapping"):
            parts.append(fixed)
    return "".join(parts)


def _text_boxes(p: Any) -> Iterator[Any]:
    """Paragraphs inside text boxes anchored in `p` (the DrawingML copy, not the VML fallback)."""
    for box in p.iter(qn("w:txbxContent")):
        if not _inside_skipped(box, p):
            yield from box.iter(qn("w:p"))


class DocxReader:
    """Turns one python-docx Document into lines."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.numbering = Numbering.of(document)
        self.styles = {style.style_id: style for style in document.styles}

    def lines(self) -> list[str]:
        return [line for line in self._block(self.document.element.body) if line.strip()]

    def _block(self, container: Any) -> Iterator[str]:
        for child in container.iterchildren():
            if child.tag == qn("w:p"):
                yield from self._paragraph(child)
            elif child.tag == qn("w:tbl"):
                yield from self._table(child)
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    yield from self._block(content)

    def _paragraph(self, p: Any) -> Iterator[str]:
        pieces = [" ".join(piece.split()) for piece in paragraph_text(p).split("\n")]
        pieces = [piece for piece in pieces if piece]
        if pieces:
            marker = self._list_marker(p)
            if self._is_heading(p, pieces):
                pieces[0] = f"**{pieces[0]}**"
            if marker:
                pieces[0] = f"{marker} {pieces[0]}"
            yield from pieces
        for inner in _text_boxes(p):
            yield from self._paragraph(inner)

    def _style_chain(self, style_id: str | None) -> Iterator[Any]:
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            style = self.styles[style_id]
            yield style
            style_id = style.base_style.style_id if style.base_style is not None else None

    def _list_marker(self, p: Any) -> str:
        ppr = p.find(qn("w:pPr"))
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        style_id = _val(ppr, "w:pStyle")
        if num_pr is None:
            for style in self._style_chain(style_id):
                style_ppr = style.element.find(qn("w:pPr"))
                if style_ppr is not None and style_ppr.find(qn("w:numPr")) is not None:
                    num_pr = style_ppr.find(qn("w:numPr"))
                    break
        if num_pr is None:
            return ""
        num_id = _val(num_pr, "w:numId")
        if not num_id or num_id == "0":
            return ""
        return self.numbering.marker(num_id, int(_val(num_pr, "w:ilvl", "0") or 0))

    def _is_heading(self, p: Any, pieces: list[str]) -> bool:
        """A Heading/Title style, or a short paragraph whose every visible run is bold."""
        if sum(len(piece) for piece in pieces) > HEADING_MAX_CHARS:
            return False
        ppr = p.find(qn("w:pPr"))
        chain = list(self._style_chain(_val(ppr, "w:pStyle")))
        if any((style.name or "").lower().startswith(("heading", "title")) for style in chain):
            return True
        style_bold = next((s.font.bold for s in chain if s.font.bold is not None), False)
        runs = [r for r in p.iter(qn("w:r")) if not _inside_skipped(r, p) and _run_has_text(r)]
        return bool(runs) and all(self._run_bold(r, style_bold) for r in runs)

    def _run_bold(self, r: Any, style_bold: bool) -> bool:
        rpr = r.find(qn("w:rPr"))
        if rpr is not None and (b := rpr.find(qn("w:b"))) is not None:
            return b.get(qn("w:val"), "true") not in ("0", "false", "off")
        for style in self._style_chain(_val(rpr, "w:rStyle")):
            if style.font.bold is not None:
                return bool(style.font.bold)
        return bool(style_bold)

    def _table(self, tbl: Any) -> Iterator[str]:
        rows = [self._row_cells(tr) for tr in tbl.findall(qn("w:tr"))]
        rows = [row for row in rows if any(any(cell) for cell in row)]
        layout = len(rows) <= 3 and all(sum(1 for cell in row if cell) <= 2 for row in rows)
        layout = layout and any(len(cell) > 1 for row in rows for cell in row)
        for row in rows:
            if layout:
                yield from (line for cell in row for line in cell)
            else:
                yield " | ".join(" ".join(cell) for cell in row if cell)

    def _row_cells(self, tr: Any) -> list[list[str]]:
        """Each cell's lines; a vertically merged cell counts once (its first row)."""
        cells = []
        for tc in tr.xpath("./w:tc | ./w:sdt/w:sdtContent/w:tc"):
            tcpr = tc.find(qn("w:tcPr"))
            merge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
            if merge is not None and merge.get(qn("w:val"), "continue") == "continue":
                continue
            cells.append(list(self._block(tc)))
        return cells


def _run_has_text(r: Any) -> bool:
    return any((t.text or "").strip() for t in r.iter(qn("w:t")))


def docx_images(document: Any) -> list[bytes]:
    """The pictures of the body in order (DrawingML blips and VML image data)."""
    blobs: list[bytes] = []
    related = document.part.related_parts
    body = document.element.body
    for element in body.iter(qn("a:blip"), "{urn:schemas-microsoft-com:vml}imagedata"):
        rel_id = element.get(qn("r:embed")) or element.get(qn("r:id"))
        part = related.get(rel_id) if rel_id else None
        if part is not None and getattr(part, "blob", None):
            blobs.append(part.blob)
    return blobs
