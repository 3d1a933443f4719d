"""What staff notice when they upload a directive: the right text in the right order, or a refusal
that says what to send instead. Every input is generated here, at test time."""

from __future__ import annotations

import io
import time
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt
from fpdf import FPDF
from pypdf import PdfWriter

from store.knowledge import documents
from store.knowledge.documents import (
    SUPPORTED,
    DocumentText,
    UnsupportedDocument,
    extract,
    extract_path,
    read_document,
)

FONT_DIR = Path(__import__("matplotlib").get_data_path()) / "fonts" / "ttf"
SENTENCE = "Các doanh nghiệp viễn thông bảo đảm thông tin liên lạc thông suốt dịp Tết Giáp Thìn."
HOTLINE = "Đường dây nóng: Đ/c Đặng Văn Đức, ĐT: 0911378999."


def to_cp1258(text: str) -> bytes:
    """Windows-1258 writes a tone as a combining mark after the letter ("ệ" = "ê" + U+0323)."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


# ---------------------------------------------------------------------------- .txt


@pytest.mark.parametrize(
    "raw",
    [
        SENTENCE.encode("utf-8"),
        b"\xef\xbb\xbf" + SENTENCE.encode("utf-8"),
        SENTENCE.encode("utf-16"),
        to_cp1258(SENTENCE),
        unicodedata.normalize("NFD", SENTENCE).encode("utf-8"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "windows-1258", "nfd"],
)
def test_txt_in_every_encoding_office_pcs_write_reads_the_same(raw: bytes) -> None:
    assert extract("cong-van.txt", raw).text == SENTENCE


def test_binary_renamed_txt_is_refused_with_how_to_save_utf8() -> None:
    with pytest.raises(UnsupportedDocument, match="UTF-8"):
        extract("cong-van.txt", bytes(range(256)) * 20)


# ---------------------------------------------------------------------------- .docx


def _numbering_letters(document: docx.document.Document) -> str:
    """Add a list numbered "a)", "b)" to the document's numbering part; returns its numId."""
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            '<w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1)"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )
    return "90"


def _numbered(paragraph: docx.text.paragraph.Paragraph, num_id: str) -> None:
    paragraph._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
        )
    )


def make_docx(path: Path) -> Path:
    """A directive as Word writes it: letterhead table, bold headings, auto-numbered lists, a
    contacts table between two paragraphs, a header and a footer."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Đầu trang không phải nội dung"
    document.sections[0].footer.paragraphs[0].text = "Chân trang 0999999999"
    letterhead = document.add_table(rows=1, cols=2)
    left, right = letterhead.rows[0].cells
    left.paragraphs[0].text = "UBND TỈNH HÀ TĨNH"
    left.add_paragraph("Số: 12/STTTT-BCVT")
    right.paragraphs[0].text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    right.add_paragraph("Hà Tĩnh, ngày 05 tháng 01 năm 2024")
    heading = document.add_paragraph()
    heading.add_run("Nhiệm vụ của các doanh nghiệp").bold = True
    document.add_paragraph("Thực hiện các việc sau:")
    for item in ("Trực 24/24 trong dịp Tết", "Báo cáo trước 9h00 ngày 13/02/2024"):
        document.add_paragraph(item, style="List Number")
    document.add_paragraph("Ghi chú chung", style="List Bullet")
    letters = _numbering_letters(document)
    for item in ("bưu chính", "viễn thông"):
        _numbered(document.add_paragraph(f"Doanh nghiệp {item}"), letters)
    document.add_paragraph("Danh sách liên hệ trước bảng.")
    contacts = document.add_table(rows=3, cols=3)
    for row, values in zip(
        contacts.rows,
        [("Họ tên", "Chức vụ", "Điện thoại"), ("Đặng Văn Đức", "Trưởng phòng", "0911378999"),
         ("Nguyễn Thanh Lâm", "Phó Giám đốc", "0914237788")],
        strict=True,
    ):  # fmt: skip
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    merged = document.add_table(rows=1, cols=3)
    merged.rows[0].cells[0].merge(merged.rows[0].cells[1]).text = "Ô gộp hai cột"
    merged.rows[0].cells[2].text = "Ô cuối"
    document.add_paragraph("Đoạn sau bảng.")
    document.save(str(path))
    return path


def test_docx_keeps_tables_in_place_and_shows_list_markers(tmp_path: Path) -> None:
    lines = extract_path(make_docx(tmp_path / "cong-van.docx")).text.splitlines()
    assert lines[:4] == [
        "UBND TỈNH HÀ TĨNH",
        "Số: 12/STTTT-BCVT",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Hà Tĩnh, ngày 05 tháng 01 năm 2024",
    ], "the letterhead table gives its lines, not one row glued together"
    assert "**Nhiệm vụ của các doanh nghiệp**" in lines
    assert "1. Trực 24/24 trong dịp Tết" in lines
    assert "2. Báo cáo trước 9h00 ngày 13/02/2024" in lines
    assert "- Ghi chú chung" in lines
    assert "a) Doanh nghiệp bưu chính" in lines and "b) Doanh nghiệp viễn thông" in lines
    before = lines.index("Danh sách liên hệ trước bảng.")
    assert lines[before + 1 : before + 4] == [
        "Họ tên | Chức vụ | Điện thoại",
        "Đặng Văn Đức | Trưởng phòng | 0911378999",
        "Nguyễn Thanh Lâm | Phó Giám đốc | 0914237788",
    ]
    assert lines[before + 4] == "Ô gộp hai cột | Ô cuối", "a merged cell is written once"
    assert lines[-1] == "Đoạn sau bảng."
    text = "\n".join(lines)
    assert "Đầu trang" not in text and "0999999999" not in text


def test_docx_tracked_insertions_count_and_deletions_do_not(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Hạn nộp báo cáo: ")
    paragraph._p.append(
        parse_xml(
            f'<w:ins {nsdecls("w")} w:id="1" w:author="a"><w:r><w:t>13/02/2024</w:t></w:r></w:ins>'
        )
    )
    paragraph._p.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="2" w:author="a"><w:r><w:delText>12/02/2024</w:delText>'
            "</w:r></w:del>"
        )
    )
    document.add_paragraph("Các doanh nghiệp thực hiện nghiêm túc nội dung công văn này.")
    path = tmp_path / "sua.docx"
    document.save(str(path))
    assert read_document(path).splitlines()[0] == "Hạn nộp báo cáo: 13/02/2024"


def test_docx_of_pictures_only_without_ocr_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pytesseract
    from PIL import Image

    picture = tmp_path / "trang.png"
    Image.new("L", (400, 200), 255).save(picture)
    document = docx.Document()
    document.add_picture(str(picture))
    path = tmp_path / "scan.docx"
    document.save(str(path))
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-tesseract"))
    with pytest.raises(UnsupportedDocument) as refused:
        extract_path(path)
    message = str(refused.value)
    assert "apt-get install tesseract-ocr tesseract-ocr-vie" in message
    assert ".docx hoặc .txt" in message


# ---------------------------------------------------------------------------- text .pdf


def make_text_pdf(path: Path, pages: list[list[str]]) -> Path:
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.set_font("DejaVu", size=12)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_text_pdf_reads_without_ocr(tmp_path: Path) -> None:
    path = make_text_pdf(tmp_path / "cv.pdf", [[SENTENCE, HOTLINE], ["Trang hai: hạn 13/02/2024."]])
    document = extract_path(path)
    assert SENTENCE in document.text and HOTLINE in document.text
    assert document.text.splitlines()[-1] == "Trang hai: hạn 13/02/2024."
    assert document.ocr is False and document.warnings == []


def test_encrypted_pdf_is_refused_with_a_way_to_remove_the_password(tmp_path: Path) -> None:
    plain = make_text_pdf(tmp_path / "cv.pdf", [[SENTENCE]])
    writer = PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="bi-mat", algorithm="RC4-128")
    locked = io.BytesIO()
    writer.write(locked)
    with pytest.raises(UnsupportedDocument) as refused:
        extract("cv.pdf", locked.getvalue())
    assert "mật khẩu" in str(refused.value) and "Lưu dưới dạng PDF" in str(refused.value)


def test_copy_protected_pdf_opens_without_a_password(tmp_path: Path) -> None:
    plain = make_text_pdf(tmp_path / "cv.pdf", [[SENTENCE]])
    writer = PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="", owner_password="chu-so-huu", algorithm="RC4-128")
    locked = io.BytesIO()
    writer.write(locked)
    assert SENTENCE in extract("cv.pdf", locked.getvalue()).text


# ---------------------------------------------------------------------------- .html

PORTAL = """<!DOCTYPE html>
<!-- saved from url=(0052)https://stttt.hatinh.gov.vn/tin-tuc/tet-giap-thin.html -->
<html lang="vi"><head><meta charset="{charset}">
<title>Tăng cường bảo đảm thông tin liên lạc dịp Tết - Cổng thông tin Sở TT&amp;TT Hà Tĩnh</title>
<meta property="og:site_name" content="Sở Thông tin và Truyền thông Hà Tĩnh">
<meta property="article:published_time" content="2024-01-08T09:15:00+07:00">
<script>var menu = "Trang chủ";</script><style>.x {{ color: red }}</style>
</head><body>
<div id="cookie-consent">Trang web sử dụng cookie. <button>Đồng ý</button></div>
<header class="site-header"><a class="logo" href="/">Cổng thông tin điện tử</a>
  <nav class="main-menu"><ul><li><a href="/">Trang chủ</a></li><li><a href="/gt">Giới thiệu</a></li>
  <li><a href="/tt">Tin tức sự kiện</a></li><li><a href="/vb">Văn bản chỉ đạo</a></li></ul></nav>
</header>
<div class="breadcrumb"><a href="/">Trang chủ</a> / <a href="/tt">Tin tức</a></div>
<div class="container">
 <div class="col-main">
  <h1 class="title">Tăng cường bảo đảm thông tin liên lạc dịp Tết Giáp Thìn</h1>
  <div class="meta">Cập nhật: 08/01/2024 09:15</div>
  <div class="share-buttons"><a href="#">Chia sẻ Facebook</a> <a href="#">In bài viết</a></div>
  <div class="news-content">
   <p>{sentence}</p>
   <p>Các doanh nghiệp phải thực hiện:<br>trực 24/24 từ 08/02 đến 14/02/2024;<br>báo cáo trước 9h00 ngày 13/02/2024.</p>
   <h2>Đầu mối liên hệ</h2>
   <ul><li>Đ/c Đặng Văn Đức, ĐT: 0911378999</li><li>Đ/c Nguyễn Thanh Lâm, ĐT: 0914237788</li></ul>
   <table><tr><th>Đơn vị</th><th>Điện thoại</th></tr><tr><td>Trung tâm CNTT</td><td>02393 123 456</td></tr></table>
   <div class="tags">Từ khóa: <a href="#">Tết</a></div>
  </div>
  <div class="related-news"><h3>Tin liên quan</h3><ul>
   <li><a href="/a">Hội nghị tổng kết công tác năm 2023 của Sở ngày 20/12/2023</a></li>
   <li><a href="/b">Hướng dẫn chữ ký số cho cán bộ công chức tỉnh</a></li></ul></div>
 </div>
 <aside class="sidebar"><h3>Tin mới</h3><ul><li><a href="/c">Lễ hội đường phố mùa xuân</a></li>
  <li><a href="/d">Thông báo tuyển dụng viên chức năm 2024</a></li></ul>
  <div class="widget">Lượt truy cập: 123456</div></aside>
</div>
<footer class="footer">Sở Thông tin và Truyền thông Hà Tĩnh. Điện thoại: 02393 999 888.
Bản quyền thuộc về Sở.</footer>
</body></html>
"""


def portal_page(charset: str = "utf-8") -> str:
    return PORTAL.format(charset=charset, sentence=SENTENCE)


def test_saved_portal_page_gives_the_article_only(tmp_path: Path) -> None:
    path = tmp_path / "tin-tuc.html"
    path.write_text(portal_page(), encoding="utf-8")
    document = extract_path(path)
    lines = document.text.splitlines()
    assert lines[0] == "Tăng cường bảo đảm thông tin liên lạc dịp Tết Giáp Thìn"
    assert SENTENCE in lines
    assert "trực 24/24 từ 08/02 đến 14/02/2024;" in lines, "<br> splits lines"
    assert "- Đ/c Đặng Văn Đức, ĐT: 0911378999" in lines
    assert "Trung tâm CNTT | 02393 123 456" in lines
    for junk in ("Trang chủ", "Giới thiệu", "cookie", "Chia sẻ", "Tin liên quan", "Hội nghị",
                 "tuyển dụng", "Lượt truy cập", "02393 999 888", "Bản quyền", "var menu"):  # fmt: skip
        assert junk not in document.text, junk
    assert document.meta == {
        "title": "Tăng cường bảo đảm thông tin liên lạc dịp Tết Giáp Thìn",
        "site_name": "Sở Thông tin và Truyền thông Hà Tĩnh",
        "published": "2024-01-08",
        "url": "https://stttt.hatinh.gov.vn/tin-tuc/tet-giap-thin.html",
    }


def test_portal_page_in_windows_1258_without_article_markup(tmp_path: Path) -> None:
    """An older portal: no og: tags, a meta charset, content in <td class="noidung">, the date
    only as text under the headline, the site only in the canonical link."""
    page = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258">
    <link rel="canonical" href="http://www.soctrang.gov.vn/tin/123"><title>Tin tức</title></head>
    <body><table><tr><td class="menu"><a href="/">Trang chủ</a><br><a href="/x">Liên hệ</a></td>
    <td><h1>Thông báo lịch trực Tết</h1><span>Ngày đăng: 26/01/2024</span>
    <div class="noidung"><p>{SENTENCE}</p><p>Danh sách trực gửi trước ngày 01/02/2024.</p></div>
    </td></tr></table></body></html>"""
    document = extract("trang.htm", to_cp1258(page))
    assert document.text.splitlines() == [
        "Thông báo lịch trực Tết",
        SENTENCE,
        "Danh sách trực gửi trước ngày 01/02/2024.",
    ]
    assert document.meta["site_name"] == "soctrang.gov.vn"
    assert document.meta["published"] == "2024-01-26"


def test_page_without_any_content_markup_takes_the_block_with_most_text() -> None:
    filler = " ".join([SENTENCE] * 3)
    page = f"""<html><body><div><a href="/1">Trang chủ</a> <a href="/2">Văn bản</a></div>
    <div><div><p>{filler}</p><p>{HOTLINE}</p><p>{filler}</p></div></div>
    <div><a href="/3">Tin khác một</a><a href="/4">Tin khác hai</a></div></body></html>"""
    text = extract("trang.html", page.encode()).text
    assert HOTLINE in text and "Trang chủ" not in text and "Tin khác" not in text


# ---------------------------------------------------------------------------- bad input


def test_empty_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "cong-van.docx"
    empty.write_bytes(b"")
    with pytest.raises(UnsupportedDocument, match=r"trống.*\.docx, \.pdf hoặc \.txt"):
        extract_path(empty)


@pytest.mark.parametrize("name", ["cong-van.pdf", "cong-van.docx"])
def test_binary_renamed_pdf_or_docx_is_refused(name: str) -> None:
    with pytest.raises(UnsupportedDocument) as refused:
        extract(name, b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 10)
    assert "đổi đuôi" in str(refused.value) and ".docx hoặc PDF" in str(refused.value)


def test_old_word_file_renamed_docx_is_refused_with_how_to_convert() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    with pytest.raises(UnsupportedDocument, match=r"\.doc.*Lưu thành \(Save As\) \.docx"):
        extract("cong-van.docx", ole)


def test_word_file_renamed_pdf_is_read_as_word(tmp_path: Path) -> None:
    content = make_docx(tmp_path / "cong-van.docx").read_bytes()
    assert "Đoạn sau bảng." in extract("cong-van.pdf", content).text


def test_damaged_docx_is_refused_not_crashed() -> None:
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("word/document.xml", "<w:document>không phải XML hợp lệ")
    with pytest.raises(UnsupportedDocument, match="bị hỏng"):
        extract("cong-van.docx", broken.getvalue())


def test_damaged_pdf_is_refused_not_crashed() -> None:
    with pytest.raises(UnsupportedDocument, match="bị hỏng"):
        extract("cong-van.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF garbage")


def test_fifty_megabyte_file_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    huge = tmp_path / "scan.pdf"
    with huge.open("wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(50_000_000)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read before the size check"))
    started = time.perf_counter()
    with pytest.raises(UnsupportedDocument, match=r"quá lớn \(50\.0 MB, tối đa 20 MB\)"):
        extract_path(huge)
    assert time.perf_counter() - started < 1


def test_size_limit_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_DOCUMENT_BYTES", "1000")
    with pytest.raises(UnsupportedDocument, match="quá lớn"):
        extract("cv.txt", ("Công văn " * 200).encode())


@pytest.mark.parametrize(
    ("name", "advice"),
    [
        ("cong-van.doc", "Lưu thành (Save As) .docx"),
        ("cong-van.odt", "Lưu thành .docx"),
        ("anh-chup.jpg", "ghép ảnh công văn thành một tệp PDF"),
        ("bang.xlsx", ".docx, .pdf, .txt"),
        ("khong-duoi", ".docx, .pdf, .txt"),
    ],
)
def test_unsupported_formats_are_refused_with_what_to_send(name: str, advice: str) -> None:
    with pytest.raises(UnsupportedDocument) as refused:
        extract(name, b"content")
    assert str(refused.value).startswith("Chưa hỗ trợ định dạng")
    assert advice in str(refused.value)


def test_foreign_text_is_read_but_flagged() -> None:
    english = (
        "The department issues a directive every year before the lunar new year. " * 5
    ).encode()
    document = extract("note.txt", english)
    assert document.text.startswith("The department")
    assert any("không phải tiếng Việt" in warning for warning in document.warnings)


def test_interface_kept_for_existing_callers(tmp_path: Path) -> None:
    path = tmp_path / "cv.txt"
    path.write_text(SENTENCE, encoding="utf-8")
    assert SUPPORTED == (".txt", ".docx", ".pdf", ".html", ".htm")
    assert read_document(path) == SENTENCE
    assert extract_path(path) == DocumentText(SENTENCE)
    assert issubclass(UnsupportedDocument, ValueError)
    assert documents.max_document_bytes() == 20_000_000


def test_bold_run_style_in_docx_is_a_heading(tmp_path: Path) -> None:
    document = docx.Document()
    title = document.add_paragraph()
    run = title.add_run("I. NHIỆM VỤ CHUNG")
    run.bold = True
    run.font.size = Pt(13)
    mixed = document.add_paragraph()
    mixed.add_run("Không phải tiêu đề: ").bold = True
    mixed.add_run("chỉ có phần đầu in đậm trong đoạn văn này.")
    path = tmp_path / "cv.docx"
    document.save(str(path))
    assert read_document(path).splitlines() == [
        "**I. NHIỆM VỤ CHUNG**",
        "Không phải tiêu đề: chỉ có phần đầu in đậm trong đoạn văn này.",
    ]
