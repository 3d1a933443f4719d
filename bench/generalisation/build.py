"""Build the generalisation bench: directives written for this bench, in layouts unlike data/directives.

Text documents (.txt, .html) live in documents/ and are copied byte for byte. The .docx, the text .pdf
and the scanned .pdf are generated from plain sources in sources/ with a small line markup:

    left || right       two cells side by side (the official letter header, the signer block)
    | a | b | c |       a bordered table row; the first row of a run is the header (.docx only)
    # text              a bold line (all-caps headings stay as written)
    * text              a bulleted paragraph (.docx list style; the bullet glyph is not in the text)
    anything else       a paragraph (.docx) or a line (.pdf)

Everything is deterministic: fixed document dates and zip timestamps, fixed scan seed.
Usage: python -m bench.generalisation.build [out_dir]   (default var/bench/generalisation)
"""

from __future__ import annotations

import io
import shutil
import sys
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOCUMENTS = HERE / "documents"
SOURCES = HERE / "sources"
FIXED_TIME = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
ZIP_TIME = (2026, 12, 1, 8, 0, 0)


@dataclass(frozen=True)
class Document:
    name: str  # file name as built
    source: str  # file under documents/ (copied) or sources/ (rendered)
    how: str  # copy | docx | pdf | scan
    province: str  # as the document names it (former name for a former province)
    year: int  # Tết year
    issuer: str  # issuer label as the bot should cite it
    kind: str  # kind of document
    layout: str  # what makes the layout unlike the seeds
    aliases: tuple[str, ...]  # folded place names a question may use for this document


BENCH: tuple[Document, ...] = (
    Document(
        "quang-binh-2023-stttt-doan-van.txt",
        "quang-binh-2023-stttt-doan-van.txt",
        "copy",
        "Quảng Bình",
        2023,
        "Sở TT&TT Quảng Bình",
        "công văn",
        "no audience headings: duties in running paragraphs that name the enterprises",
        ("quang binh",),
    ),
    Document(
        "yen-bai-2022-stttt-nham-dan.pdf",
        "yen-bai-2022-stttt-nham-dan.pdf.txt",
        "pdf",
        "Yên Bái",
        2022,
        "Sở TT&TT Yên Bái",
        "công văn",
        "text PDF; two-column header; A./B./C. parts, duties by phase (before/during/after Tết)",
        ("yen bai",),
    ),
    Document(
        "nghe-an-2027-skhcn-bao-cao-hang-ngay.txt",
        "nghe-an-2027-skhcn-bao-cao-hang-ngay.txt",
        "copy",
        "Nghệ An",
        2027,
        "Sở KH&CN Nghệ An",
        "công văn",
        "recurring daily reports, reporting window, duty periods; dates without a year; 2.1/2.2",
        ("nghe an",),
    ),
    Document(
        "thanh-hoa-2027-ubnd-lich-truc.txt",
        "thanh-hoa-2027-ubnd-lich-truc.txt",
        "copy",
        "Thanh Hóa",
        2027,
        "UBND tỉnh Thanh Hóa",
        "công văn (duty-roster letter)",
        "UBND tỉnh letter /UBND-TH to all sở, ngành, UBND xã; table-like leader roster by day",
        ("thanh hoa",),
    ),
    Document(
        "dak-lak-2028-skhcn-bang-lien-he.docx",
        "dak-lak-2028-skhcn-bang-lien-he.docx.txt",
        "docx",
        "Đắk Lắk",
        2028,
        "Sở KH&CN Đắk Lắk",
        "công văn",
        ".docx; header in a borderless table; ALL-CAPS headings; contacts in a bordered table",
        ("dak lak", "daklak", "phu yen"),
    ),
    Document(
        "hue-2027-cong-thong-tin-bai-viet.html",
        "hue-2027-cong-thong-tin-bai-viet.html",
        "copy",
        "Huế",
        2027,
        "Sở KH&CN Huế",
        "portal article restating a directive",
        "saved web page: headline, posting date, menus/footer (with the portal's own phone)",
        ("hue",),
    ),
    Document(
        "gia-lai-2028-skhcn-muc-la-ma.txt",
        "gia-lai-2028-skhcn-muc-la-ma.txt",
        "copy",
        "Gia Lai",
        2028,
        "Sở KH&CN Gia Lai",
        "công văn",
        'roman sections I./II./III. with a)/b) sub-items and "-"/"+" bullets; blank number',
        ("gia lai", "binh dinh"),
    ),
    Document(
        "khanh-hoa-2027-skhcn-ban-scan.pdf",
        "khanh-hoa-2027-skhcn-ban-scan.pdf.txt",
        "scan",
        "Khánh Hòa",
        2027,
        "Sở KH&CN Khánh Hòa",
        "công văn (hỏa tốc)",
        "scanned PDF, image only (OCR needed)",
        ("khanh hoa", "ninh thuan"),
    ),
    Document(
        "ninh-binh-2028-vpubnd-thong-bao.txt",
        "ninh-binh-2028-vpubnd-thong-bao.txt",
        "copy",
        "Ninh Bình",
        2028,
        "Văn phòng UBND tỉnh Ninh Bình",
        "thông báo (kết luận cuộc họp)",
        "Thông báo of Văn phòng UBND tỉnh; duties given to named units; contact after đ/c",
        ("ninh binh", "nam dinh"),
    ),
    Document(
        "lam-dong-2027-skhcn-ke-hoach.txt",
        "lam-dong-2027-skhcn-ke-hoach.txt",
        "copy",
        "Lâm Đồng",
        2027,
        "Sở KH&CN Lâm Đồng",
        "kế hoạch",
        "Kế hoạch with **bold** headings and 1.1/1.2 numbering; lunar-only deadlines; đ/c contacts",
        ("lam dong", "binh thuan"),
    ),
    Document(
        "hai-phong-2027-skhcn-lien-he-cuoi-thu.txt",
        "hai-phong-2027-skhcn-lien-he-cuoi-thu.txt",
        "copy",
        "Hải Phòng",
        2027,
        "Sở KH&CN Hải Phòng",
        "công văn",
        'centrally-run city; "1)" items; contacts only below the signer (unit hotlines, drafter)',
        ("hai phong", "hp", "hai duong"),
    ),
    Document(
        "tay-ninh-2023-ubnd-huyen-go-dau.txt",
        "tay-ninh-2023-ubnd-huyen-go-dau.txt",
        "copy",
        "Tây Ninh",
        2023,
        "UBND huyện Gò Dầu",
        "công văn of a district",
        "district issuer (UBND huyện); one paragraph per audience on one long line; BOM + CRLF",
        ("tay ninh",),
    ),
)


# ---- markup ----


def is_pair(line: str) -> bool:
    return " || " in line or line.endswith(" ||")


def split_pair(line: str) -> tuple[str, str]:
    left, _, right = line.partition("||")
    return left.strip(), right.strip()


def is_row(line: str) -> bool:
    return line.startswith("| ") and line.rstrip().endswith("|")


def row_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split(" | ")]


def plain_lines(markup: str) -> list[str]:
    """The source's text without markup, one entry per source line (cells joined by two spaces)."""
    lines = []
    for line in markup.splitlines():
        if is_row(line):
            lines.append("  ".join(row_cells(line)))
        elif is_pair(line):
            lines.append("  ".join(part for part in split_pair(line) if part))
        elif line.startswith(("# ", "* ")):
            lines.append(line[2:])
        else:
            lines.append(line)
    return lines


def groups(lines: list[str]):
    """Consecutive lines of one kind: ("pair", [...]), ("row", [...]) or ("line", [line])."""
    kind_of = lambda line: "row" if is_row(line) else "pair" if is_pair(line) else "line"  # noqa: E731
    run: list[str] = []
    for line in lines:
        kind = kind_of(line)
        if run and (kind == "line" or kind != kind_of(run[0])):
            yield kind_of(run[0]), run
            run = []
        run.append(line)
    if run:
        yield kind_of(run[0]), run


# ---- .docx ----


def bold_if_caps(paragraph, text: str) -> None:
    run = paragraph.add_run(text)
    letters = [c for c in text if c.isalpha()]
    run.bold = bool(letters) and all(c.isupper() for c in letters)


def render_docx(markup: str, out: Path, title: str) -> Path:
    from docx import Document as Docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Docx()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)

    for kind, lines in groups([line for line in markup.splitlines() if line.strip()]):
        if kind == "pair":
            table = doc.add_table(rows=0, cols=2)
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for line in lines:
                cells = table.add_row().cells
                for cell, text in zip(cells, split_pair(line), strict=True):
                    paragraph = cell.paragraphs[0]
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    if text:
                        bold_if_caps(paragraph, text)
        elif kind == "row":
            rows = [row_cells(line) for line in lines]
            table = doc.add_table(rows=0, cols=len(rows[0]))
            table.style = "Table Grid"
            for index, values in enumerate(rows):
                cells = table.add_row().cells
                for cell, text in zip(cells, values, strict=True):
                    run = cell.paragraphs[0].add_run(text)
                    run.bold = index == 0
        else:
            line = lines[0]
            if line.startswith("* "):
                doc.add_paragraph(line[2:], style="List Bullet")
            elif line.startswith("# "):
                paragraph = doc.add_paragraph()
                paragraph.add_run(line[2:]).bold = True
            else:
                paragraph = doc.add_paragraph(line)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                paragraph.paragraph_format.first_line_indent = Cm(1)

    core = doc.core_properties
    core.title, core.author, core.last_modified_by = title, "VanThu", "VanThu"
    core.created = core.modified = core.last_printed = FIXED_TIME.replace(tzinfo=None)
    core.revision = 1
    buffer = io.BytesIO()
    doc.save(buffer)
    out.write_bytes(fixed_zip(buffer.getvalue()))
    return out


def fixed_zip(data: bytes) -> bytes:
    """The same zip with every member stamped ZIP_TIME, so the bytes repeat from run to run."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return buffer.getvalue()


# ---- text .pdf ----


def font_path(bold: bool = False) -> Path:
    import matplotlib

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name


def render_pdf(markup: str, out: Path, title: str) -> Path:
    from fpdf import FPDF

    class Letter(FPDF):
        def header(self) -> None:  # page numbers from page 2, top centre, as in official letters
            if self.page_no() > 1:
                self.set_font("dejavu", size=10)
                self.cell(0, 6, str(self.page_no()), align="C", new_x="LMARGIN", new_y="NEXT")

    pdf = Letter(format="A4")
    pdf.set_margins(18, 16, 14)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font("dejavu", "", str(font_path()))
    pdf.add_font("dejavu", "B", str(font_path(bold=True)))
    pdf.set_creation_date(FIXED_TIME)
    pdf.set_title(title)
    pdf.set_creator("Microsoft Word")
    pdf.add_page()
    size, height = 10, 5.4
    width = pdf.w - pdf.l_margin - pdf.r_margin
    half = width / 2
    for line in markup.splitlines():
        style = "B" if line.startswith("# ") else ""
        text = line[2:] if line.startswith(("# ", "* ")) else line
        if not text.strip():
            pdf.ln(height / 2)
            continue
        pdf.set_font("dejavu", style, size)
        if is_pair(text):
            left, right = split_pair(text)
            y = pdf.get_y()
            pdf.set_font("dejavu", "B" if left.isupper() else "", size - 0.5)
            pdf.set_xy(pdf.l_margin, y)
            pdf.cell(half, height, left, align="L" if left.startswith(("-", "Nơi")) else "C")
            pdf.set_font("dejavu", "B" if right.isupper() else "", size - 0.5)
            pdf.set_xy(pdf.l_margin + half, y)
            pdf.cell(half, height, right, align="C", new_x="LMARGIN", new_y="NEXT")
            continue
        if pdf.get_string_width(text) > width:
            raise ValueError(f"{out.name}: source line wider than the page, wrap it: {text!r}")
        pdf.cell(width, height, text, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(out))
    return out


# ---- scanned .pdf ----


def render_scan(text: str, out: Path, seed: int) -> Path:
    try:
        from bench.scans import make_scanned_pdf
    except ImportError as error:  # written by another helper; only this file depends on it
        raise RuntimeError(
            f"{out.name} needs bench.scans.make_scanned_pdf (the scanned-PDF maker): {error}"
        ) from error
    return make_scanned_pdf(text, out, dpi=200, seed=seed)


# ---- build ----


def source_text(document: Document) -> str:
    folder = DOCUMENTS if document.how == "copy" else SOURCES
    return (folder / document.source).read_text(encoding="utf-8-sig")


Renderer = Callable[[str, Path, str], Path]  # (markup, out path, title) -> out path


def build_set(
    documents: Sequence[Document],
    out_dir: Path,
    folders: tuple[Path, Path],
    renderers: Mapping[str, Renderer],
) -> list[Path]:
    """Write a set's documents into out_dir, in order: copies from the first folder, the others
    rendered from their sources in the second. Shared by every bench set built this way."""
    copies, sources = folders
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    built = []
    for document in documents:
        out = out_dir / document.name
        if document.how == "copy":
            shutil.copyfile(copies / document.source, out)
        elif document.how == "scan":
            text = (sources / document.source).read_text(encoding="utf-8-sig")
            render_scan(text, out, seed=document.year)
        elif document.how in renderers:
            text = (sources / document.source).read_text(encoding="utf-8-sig")
            renderers[document.how](text, out, document.name)
        else:
            raise ValueError(f"unknown build step {document.how!r} for {document.name}")
        built.append(out)
    return built


def build(out_dir: Path) -> list[Path]:
    """Write every bench document into out_dir; return their paths in BENCH order."""
    return build_set(BENCH, out_dir, (DOCUMENTS, SOURCES), {"docx": render_docx, "pdf": render_pdf})


def main() -> None:
    root = HERE.parent.parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "var" / "bench" / "generalisation"
    for path in build(out_dir):
        print(path)


if __name__ == "__main__":
    main()
