"""Build the holdout bench: ten directives nobody tunes the bot on (see README.md).

Text documents (.txt, .html) live in documents/ and are copied byte for byte. The .docx files, the
text .pdf and the scanned .pdf are generated from plain sources in sources/, in the line markup of
bench/generalisation/build.py plus three marks of this set:

    left || right       two cells side by side (letter header, signer block); borderless
    | a | b | c |       a bordered table row; the first row of a run is the header
    # text              a bold line
    * text              a bulleted paragraph
    ^ text              a centred bold title line ("KẾ HOẠCH", "CÔNG ĐIỆN")
    1) text             an item of a Word numbered list "1)", "2)" …: in the .docx the number lives
                        in numbering.xml, not in the paragraph's text (as Word's auto-numbering does)
    ~ text              a small italic note (the drafter's line under the signature)
    anything else       a paragraph (.docx) or a line (.pdf)

Everything is deterministic: fixed document dates and zip timestamps, fixed scan seed.
Usage: python -m bench.holdout.build [out_dir]   (default var/bench/holdout)
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from bench.generalisation.build import (
    FIXED_TIME,
    Document,
    build_set,
    fixed_zip,
    groups,
    is_pair,
    row_cells,
    split_pair,
)
from bench.generalisation.build import plain_lines as generalisation_plain_lines

HERE = Path(__file__).resolve().parent
DOCUMENTS = HERE / "documents"
SOURCES = HERE / "sources"
NUMBERED = re.compile(r"^(\d+)\) ")
NUMBERING_ID = 90  # the "1)" list added to the .docx numbering part

HOLDOUT: tuple[Document, ...] = (
    Document(
        "quang-ninh-2027-skhcn-danh-so-tu-dong.docx",
        "quang-ninh-2027-skhcn-danh-so-tu-dong.docx.txt",
        "docx",
        "Quảng Ninh",
        2027,
        "Sở KH&CN Quảng Ninh",
        "công văn",
        '.docx; duties as a Word-numbered list "1)…8)" (numbers not in the text), each item naming '
        "who; no audience headings; one Kính gửi line",
        ("quang ninh", "qn"),
    ),
    Document(
        "phu-tho-2028-ubnd-chi-thi.txt",
        "phu-tho-2028-ubnd-chi-thi.txt",
        "copy",
        "Phú Thọ",
        2028,
        "UBND tỉnh Phú Thọ",
        "chỉ thị",
        "Chỉ thị of UBND tỉnh: tab-separated header, sections by agency (Sở Công Thương, Sở Y tế …); "
        "the telecom part is one of eight; holiday and leader-roster deadline for all sở",
        ("phu tho", "vinh phuc", "hoa binh"),
    ),
    Document(
        "hung-yen-2028-skhcn-ke-hoach-bang.docx",
        "hung-yen-2028-skhcn-ke-hoach-bang.docx.txt",
        "docx",
        "Hưng Yên",
        2028,
        "Sở KH&CN Hưng Yên",
        "kế hoạch",
        ".docx Kế hoạch; duties and deadlines only in a table Nội dung | Đơn vị thực hiện | Thời gian "
        "hoàn thành; legal bases; contacts in the closing section",
        ("hung yen", "thai binh"),
    ),
    Document(
        "da-nang-2027-skhcn-tin-bai.html",
        "da-nang-2027-skhcn-tin-bai.html",
        "copy",
        "Đà Nẵng",
        2027,
        "Sở KH&CN Đà Nẵng",
        "portal article restating a directive",
        "the Sở's own site (older CMS, <div> layout): number only near the end of the body, "
        "hotlines in a <ul>, footer with the Sở's switchboard and e-mail, journalist's name",
        ("da nang", "quang nam"),
    ),
    Document(
        "cao-bang-2022-stttt-nguoi-soan.pdf",
        "cao-bang-2022-stttt-nguoi-soan.pdf.txt",
        "pdf",
        "Cao Bằng",
        2022,
        "Sở TT&TT Cao Bằng",
        "công văn",
        "text PDF in a serif face; two-column letterhead; signature block with the drafter's "
        "phone in small italics; contact phone only in the closing sentence",
        ("cao bang",),
    ),
    Document(
        "ha-giang-2023-vpubnd-thong-bao-scan.pdf",
        "ha-giang-2023-vpubnd-thong-bao-scan.pdf.txt",
        "scan",
        "Hà Giang",
        2023,
        "Văn phòng UBND tỉnh Hà Giang",
        "thông báo (lịch trực)",
        "scanned PDF, image only (OCR needed); short Thông báo of Văn phòng UBND tỉnh: leader "
        "roster by day and one paragraph for the telecom enterprises",
        ("ha giang",),
    ),
    Document(
        "an-giang-2027-skhcn-markdown.txt",
        "an-giang-2027-skhcn-markdown.txt",
        "copy",
        "An Giang",
        2027,
        "Sở KH&CN An Giang",
        "công văn",
        '"##" headings and **bold** from a converter; deadlines in words ("chậm nhất 16 giờ ngày 28 '
        'tháng 01 năm 2027", "trước mùng 5 Tết"); two offices (Long Xuyên / Rạch Giá)',
        ("an giang", "kien giang"),
    ),
    Document(
        "dong-thap-2028-skhcn-bao-cao-mung.txt",
        "dong-thap-2028-skhcn-bao-cao-mung.txt",
        "copy",
        "Đồng Tháp",
        2028,
        "Sở KH&CN Đồng Tháp",
        "công văn",
        'southern "1/" and "a/" numbering with tab indents; recurring daily report (mùng 1 to '
        "mùng 5 Tết, before 10 giờ) and a call window 8 giờ–9 giờ 30; blank number, partial date",
        ("dong thap", "tien giang"),
    ),
    Document(
        "bac-lieu-2023-ubnd-cong-dien.docx",
        "bac-lieu-2023-ubnd-cong-dien.docx.txt",
        "docx",
        "Bạc Liêu",
        2023,
        "UBND tỉnh Bạc Liêu",
        "công điện",
        'Công điện of the Chủ tịch UBND tỉnh (.docx): addressees after "điện:", items by agency '
        "(Giám đốc Công an, Giám đốc Sở TT&TT, doanh nghiệp); no e-mail anywhere",
        ("bac lieu",),
    ),
    Document(
        "vinh-long-2028-skhcn-pdf-sang-text.txt",
        "vinh-long-2028-skhcn-pdf-sang-text.txt",
        "copy",
        "Vĩnh Long",
        2028,
        "Sở KH&CN Vĩnh Long",
        "công văn",
        "pdftotext -layout output: space-aligned columns, form feeds and a page number, the "
        "digital-signature stamp (with its own e-mail) at the end; audiences are named enterprises",
        ("vinh long", "ben tre", "tra vinh"),
    ),
)


# ---- markup ----


def plain_lines(markup: str) -> list[str]:
    """The source's text without markup, one entry per source line (cells joined by two spaces)."""
    lines = []
    for line in markup.splitlines():
        if line.startswith(("^ ", "~ ")):
            lines.append(line[2:])
        elif line.strip():
            lines.extend(generalisation_plain_lines(line))
        else:
            lines.append("")
    return lines


# ---- .docx ----


def add_paren_numbering(doc) -> int:
    """Add a one-level decimal list shown as "1)" to the numbering part; return its numId."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    numbering = doc.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{NUMBERING_ID}">'
        '<w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%1)"/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="0" w:firstLine="567"/></w:pPr></w:lvl></w:abstractNum>'
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)  # every abstractNum precedes every num
    else:
        numbering.append(abstract)
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{NUMBERING_ID}">'
            f'<w:abstractNumId w:val="{NUMBERING_ID}"/></w:num>'
        )
    )
    return NUMBERING_ID


def number_paragraph(paragraph, num_id: int) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    properties = paragraph._p.get_or_add_pPr()
    properties.insert(
        0,
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
        ),
    )


def render_docx(markup: str, out: Path, title: str) -> Path:
    from docx import Document as Docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Docx()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    num_id = add_paren_numbering(doc)

    for kind, lines in groups([line for line in markup.splitlines() if line.strip()]):
        if kind == "pair":
            table = doc.add_table(rows=0, cols=2)
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for line in lines:
                cells = table.add_row().cells
                for column, (cell, text) in enumerate(zip(cells, split_pair(line), strict=True)):
                    paragraph = cell.paragraphs[0]
                    listing = column == 0 and text.startswith(("-", "Nơi nhận"))
                    paragraph.alignment = (
                        WD_ALIGN_PARAGRAPH.LEFT if listing else WD_ALIGN_PARAGRAPH.CENTER
                    )
                    if text:
                        run = paragraph.add_run(text)
                        letters = [c for c in text if c.isalpha()]
                        run.bold = bool(letters) and all(c.isupper() for c in letters)
                        run.font.size = Pt(12 if listing else 13)
        elif kind == "row":
            rows = [row_cells(line) for line in lines]
            table = doc.add_table(rows=0, cols=len(rows[0]))
            table.style = "Table Grid"
            for index, values in enumerate(rows):
                cells = table.add_row().cells
                for cell, text in zip(cells, values, strict=True):
                    run = cell.paragraphs[0].add_run(text)
                    run.bold = index == 0
                    run.font.size = Pt(12)
        else:
            line = lines[0]
            if line.startswith("^ "):
                paragraph = doc.add_paragraph()
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                paragraph.add_run(line[2:]).bold = True
            elif line.startswith("~ "):
                run = doc.add_paragraph().add_run(line[2:])
                run.italic = True
                run.font.size = Pt(10)
            elif match := NUMBERED.match(line):
                paragraph = doc.add_paragraph(line[match.end() :])
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                number_paragraph(paragraph, num_id)
            elif line.startswith("* "):
                doc.add_paragraph(line[2:], style="List Bullet")
            elif line.startswith("# "):
                paragraph = doc.add_paragraph()
                paragraph.add_run(line[2:]).bold = True
            else:
                paragraph = doc.add_paragraph(line)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                paragraph.paragraph_format.first_line_indent = Cm(1.27)

    core = doc.core_properties
    core.title, core.author, core.last_modified_by = title, "user", "VanThu-SoKHCN"
    core.created = core.modified = core.last_printed = FIXED_TIME.replace(tzinfo=None)
    core.revision = 3
    buffer = io.BytesIO()
    doc.save(buffer)
    out.write_bytes(fixed_zip(buffer.getvalue()))
    return out


# ---- text .pdf (serif, as printed from Word in Times-like type) ----


def serif_font(style: str = "") -> str:
    import matplotlib

    name = {"": "DejaVuSerif", "B": "DejaVuSerif-Bold", "I": "DejaVuSerif-Italic"}[style]
    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / f"{name}.ttf")


def render_pdf(markup: str, out: Path, title: str) -> Path:
    from fpdf import FPDF

    class Letter(FPDF):
        def header(self) -> None:  # page numbers from page 2, top centre, as in official letters
            if self.page_no() > 1:
                self.set_font("serif", size=10)
                self.cell(0, 6, str(self.page_no()), align="C", new_x="LMARGIN", new_y="NEXT")

    pdf = Letter(format="A4")
    pdf.set_margins(25, 20, 15)
    pdf.set_auto_page_break(True, margin=20)
    for style in ("", "B", "I"):
        pdf.add_font("serif", style, serif_font(style))
    pdf.set_creation_date(FIXED_TIME)
    pdf.set_title(title)
    pdf.set_creator("Microsoft® Word 2016")
    pdf.add_page()
    size, height = 10, 5.6
    width = pdf.w - pdf.l_margin - pdf.r_margin
    half = width / 2
    for line in markup.splitlines():
        if not line.strip():
            pdf.ln(height / 2)
            continue
        if is_pair(line):
            left, right = split_pair(line)
            y = pdf.get_y()
            listing = left.startswith(("-", "Nơi nhận")) or not right
            pdf.set_font("serif", "B" if left.isupper() else "", size - (1 if listing else 0.5))
            pdf.set_xy(pdf.l_margin, y)
            pdf.cell(half * 0.9, height, left, align="L" if listing else "C")
            pdf.set_font("serif", "B" if right.isupper() else "", size - 0.5)
            pdf.set_xy(pdf.l_margin + half * 0.9, y)
            pdf.cell(half * 1.1, height, right, align="C", new_x="LMARGIN", new_y="NEXT")
            continue
        style, text, line_size = "", line, size
        if line.startswith(("# ", "^ ")):
            style, text = "B", line[2:]
        elif line.startswith("~ "):
            style, text, line_size = "I", line[2:], size - 1.5
        pdf.set_font("serif", style, line_size)
        if pdf.get_string_width(text) > width:
            raise ValueError(f"{out.name}: source line wider than the page, wrap it: {text!r}")
        align = "C" if line.startswith("^ ") else "L"
        pdf.cell(width, height, text, align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(out))
    return out


# ---- build ----


def source_text(document: Document) -> str:
    folder = DOCUMENTS if document.how == "copy" else SOURCES
    return (folder / document.source).read_text(encoding="utf-8-sig")


def build(out_dir: Path) -> list[Path]:
    """Write every holdout document into out_dir; return their paths in HOLDOUT order."""
    renderers = {"docx": render_docx, "pdf": render_pdf}
    return build_set(HOLDOUT, out_dir, (DOCUMENTS, SOURCES), renderers)


def main() -> None:
    root = HERE.parent.parent
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "var" / "bench" / "holdout"
    for path in build(out_dir):
        print(path)


if __name__ == "__main__":
    main()
