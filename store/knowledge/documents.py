"""Text out of any directive a department sends: .txt, .docx, PDF (text or scan), a saved web page.

Staff upload whatever they have the evening the directive arrives: the Word file, the signed scan,
a PDF printed from the portal, the portal page itself. Every reader ends in the same DocumentText
(NFC, one line per paragraph, heading, list item or table row) plus what staff should check
(warnings) and, for a web page, where it came from (meta). Anything we cannot read is refused with
a Vietnamese UnsupportedDocument saying what is wrong and what to send instead, never a traceback.

The suffix picks the reader, the first bytes confirm it: a Word file renamed .pdf is read as Word,
an old .doc renamed .docx is refused with the way to convert it. Scanned pages go to OCR
(store/knowledge/ocr.py); size is checked before anything is parsed (MAX_DOCUMENT_BYTES).
"""

from __future__ import annotations

import io
import logging
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vntext.language import looks_vietnamese
from vntext.normalize import nfc

log = logging.getLogger(__name__)

SUPPORTED = (".txt", ".docx", ".pdf", ".html", ".htm")
DEFAULT_MAX_BYTES = 20_000_000
MAX_UNZIPPED_BYTES = (
    200_000_000  # a .docx is a zip: refuse a "zip bomb" before python-docx reads it
)
MIN_PAGE_CHARS = 20  # fewer letters/digits than this on a page with a picture: treat it as a scan
SEND_INSTEAD = "Hãy gửi bản .docx, .pdf hoặc .txt của công văn."
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".bmp", ".webp", ".heic"}
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD_CHAR_RE = re.compile(r"\w")
# Letters of the legacy TCVN3 (ABC) fonts: text typed in .VnTime shows up as "Tr−êng §¹i häc".
_TCVN3_CHARS = set("¸¹µ¶·Þ¾¼½ÆÇÑÒÓÔÕ×ØÜ§−©®¦¨«¬")


@dataclass
class DocumentText:
    text: str  # NFC text, one logical line per paragraph/heading/list item/table row
    ocr: bool = False  # some or all of the text came from OCR
    ocr_confidence: float | None = None  # mean word confidence 0–100 over OCR'd pages
    warnings: list[str] = field(default_factory=list)  # Vietnamese, for staff
    meta: dict[str, str] = field(default_factory=dict)  # html: title, site_name, published, url


class UnsupportedDocument(ValueError):
    """A document we cannot read; the message (Vietnamese) says why and what to send instead."""


def max_document_bytes() -> int:
    """MAX_DOCUMENT_BYTES (default 20 MB): a directive is a few hundred kB, a scan a few MB."""
    try:
        return max(1, int(os.environ.get("MAX_DOCUMENT_BYTES", "") or DEFAULT_MAX_BYTES))
    except ValueError:
        return DEFAULT_MAX_BYTES


def _check_size(name: str, size: int) -> None:
    limit = max_document_bytes()
    if size > limit:
        raise UnsupportedDocument(
            f"Tệp {name} quá lớn ({size / 1_000_000:.1f} MB, tối đa {limit / 1_000_000:.0f} MB). "
            "Hãy gửi bản .docx, hoặc bản scan nhẹ hơn (200–300 dpi, đen trắng)."
        )
    if size == 0:
        raise UnsupportedDocument(f"Tệp {name} trống (0 byte). {SEND_INSTEAD}")


# ---------------------------------------------------------------------------- what the bytes are


def sniff(content: bytes) -> str | None:
    """The real kind of a file from its first bytes: pdf, docx, odt, xlsx, zip, ole, rtf, image."""
    if b"%PDF-" in content[:1024]:
        return "pdf"
    if content.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(content)
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"  # Word 97–2003 .doc, Excel .xls
    if content.startswith(b"{\\rtf"):
        return "rtf"
    if content.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        return "image"
    return None


def _zip_kind(content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            types = (
                archive.read("[Content_Types].xml")[:20000]
                if "[Content_Types].xml" in names
                else b""
            )
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return "zip"
    if "word/document.xml" in names or b"wordprocessingml.document.main" in types:
        return "docx"
    if b"ms-word.document.macroEnabled" in types:
        return "docm"
    if "content.xml" in names and "mimetype" in names:
        return "odt"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"


def _kind_message(name: str, suffix: str, kind: str | None) -> str:
    """Why a file whose bytes do not match its suffix cannot be read, and what to do."""
    messages = {
        "ole": f"Tệp {name} thực ra là tệp Word/Excel đời cũ (.doc/.xls) đã đổi đuôi. Hãy mở bằng "
        "Word, chọn Lưu thành (Save As) .docx hoặc xuất PDF, rồi gửi lại.",
        "odt": f"Tệp {name} là văn bản LibreOffice/OpenOffice (.odt). Hãy Lưu thành .docx "
        "(Word) hoặc xuất PDF rồi gửi lại.",
        "docm": f"Tệp {name} là tệp Word có macro (.docm). Hãy Lưu thành .docx thường rồi gửi lại.",
        "xlsx": f"Tệp {name} là bảng tính Excel, không phải công văn. {SEND_INSTEAD} Danh sách "
        "đơn vị hoặc danh sách trực thì gửi riêng dưới dạng .xlsx.",
        "rtf": f"Tệp {name} là định dạng RTF. Hãy mở bằng Word, Lưu thành .docx rồi gửi lại.",
        "image": f"Tệp {name} thực ra là ảnh. Hãy ghép các ảnh công văn thành một tệp PDF (ví dụ "
        "bằng ứng dụng quét tài liệu trên điện thoại) hoặc gửi bản .docx.",
        "zip": f"Tệp {name} là tệp nén (.zip) hoặc bị hỏng. Hãy giải nén và gửi từng công văn "
        "(.docx, .pdf hoặc .txt).",
    }
    if kind in messages:
        return messages[kind]
    wanted = {".pdf": "PDF", ".docx": "Word (.docx)"}.get(suffix, suffix)
    return (
        f"Tệp {name} có đuôi {suffix} nhưng nội dung không phải {wanted} (có thể bị hỏng hoặc đã "
        f"đổi đuôi). Hãy mở tệp gốc, lưu lại dưới dạng .docx hoặc PDF rồi gửi lại."
    )


def _unsupported_suffix(name: str, suffix: str) -> str:
    if suffix == ".doc":
        return (
            "Chưa hỗ trợ định dạng .doc (Word 97–2003). Hãy mở bằng Word, chọn Lưu thành (Save As) "
            ".docx hoặc xuất PDF, rồi gửi lại."
        )
    if suffix in (".odt", ".rtf"):
        return (
            f"Chưa hỗ trợ định dạng {suffix}. Hãy Lưu thành .docx (Word) hoặc xuất PDF rồi gửi lại."
        )
    if suffix in IMAGE_SUFFIXES:
        return (
            f"Chưa hỗ trợ định dạng {suffix} (ảnh). Hãy ghép ảnh công văn thành một tệp PDF (ví dụ "
            "bằng ứng dụng quét tài liệu trên điện thoại) hoặc gửi bản .docx."
        )
    shown = suffix or "(không có đuôi)"
    return (
        f"Chưa hỗ trợ định dạng {shown}. Công văn xin gửi dạng .docx, .pdf, .txt, hoặc trang web "
        "đã lưu (.html)."
    )


# ---------------------------------------------------------------------------- .txt


def decode_text(content: bytes, name: str = "tệp") -> str:
    """UTF-8 (BOM or not), UTF-16 with a BOM, then Windows-1258; binary data is refused."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8-sig", "cp1258"]
    for encoding in candidates:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _binary(text):
            break
        return text
    raise UnsupportedDocument(
        f"Không đọc được bảng mã chữ của {name}. Hãy mở bằng Notepad, chọn Lưu thành với "
        "Mã hóa UTF-8 rồi gửi lại, hoặc gửi bản .docx."
    )


def _binary(text: str) -> bool:
    """NULs or many control characters: a program or an image renamed .txt."""
    sample = text[:5000]
    return "\x00" in sample or len(_CONTROL_RE.findall(sample)) > max(5, len(sample) // 100)


def _read_txt(content: bytes, name: str) -> DocumentText:
    return DocumentText(decode_text(content, name))


# ---------------------------------------------------------------------------- .docx


def _read_docx(content: bytes, name: str) -> DocumentText:
    import docx

    from store.knowledge.docx_text import DocxReader, docx_images

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
            raise UnsupportedDocument(
                f"Tệp {name} giải nén ra quá lớn. Hãy lưu lại công văn thành .docx mới hoặc PDF."
            )
    document = docx.Document(io.BytesIO(content))
    text = "\n".join(DocxReader(document).lines())
    if len(_WORD_CHAR_RE.findall(text)) >= MIN_PAGE_CHARS:
        return DocumentText(text)
    images = docx_images(document)
    if not images:
        if text.strip():
            return DocumentText(text)
        raise UnsupportedDocument(f"Tệp Word {name} không có chữ nào. {SEND_INSTEAD}")
    from store.knowledge import ocr

    limit = ocr.max_pages()
    pages = ocr.ocr_image_bytes(images[:limit])
    document_text = _from_ocr(pages, [text] if text.strip() else [])
    if len(images) > limit:
        document_text.warnings.append(_too_many_pages(limit))
    return document_text


# ---------------------------------------------------------------------------- .pdf


def _garbled(text: str) -> bool:
    """A text layer nobody can read: private-use glyphs, (cid:…) codes or TCVN3 font letters."""
    letters = [char for char in text if not char.isspace()]
    if not letters:
        return False
    odd = sum(1 for char in letters if "\ue000" <= char <= "\uf8ff" or char == "\ufffd")
    legacy = sum(1 for char in letters if char in _TCVN3_CHARS)
    return (odd + legacy) / len(letters) > 0.05 or text.count("(cid:") > 5


def _has_images(holder: Any, depth: int = 0) -> bool:
    """Does a page (or a form it draws) paint a picture? Unknown structures count as yes."""
    try:
        resources = holder.get("/Resources")
        resources = resources.get_object() if resources is not None else None
        xobjects = resources.get("/XObject") if resources is not None else None
        if xobjects is None:
            return False
        for reference in xobjects.get_object().values():
            xobject = reference.get_object()
            subtype = xobject.get("/Subtype")
            if subtype == "/Image" or (
                subtype == "/Form" and depth < 3 and _has_images(xobject, depth + 1)
            ):
                return True
        return False
    except Exception:  # pypdf raises many kinds on odd files; OCR is the safe side
        return True


def _open_pdf(content: bytes, name: str) -> Any:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    if reader.is_encrypted:
        opened: int  # pypdf's PasswordType (an IntEnum): 0 when the empty password failed
        try:
            opened = reader.decrypt("")  # "copy-protected" PDFs open without a password
        except Exception:  # unknown algorithm, missing AES support…
            opened = 0
        if not opened:
            raise UnsupportedDocument(
                f"PDF {name} được đặt mật khẩu nên không đọc được. Hãy gửi bản không đặt mật khẩu "
                "(mở tệp, chọn In → Lưu dưới dạng PDF) hoặc bản .docx."
            )
    return reader


def _read_pdf(content: bytes, name: str) -> DocumentText:
    reader = _open_pdf(content, name)
    texts: dict[int, str] = {}
    scans: list[int] = []
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text() or ""
        usable = len(_WORD_CHAR_RE.findall(text)) >= MIN_PAGE_CHARS and not _garbled(text)
        if usable or (not _garbled(text) and not _has_images(page)):
            texts[number] = text
        else:
            scans.append(number)
    if not scans:
        return DocumentText("\n".join(texts[number] for number in sorted(texts)))
    from store.knowledge import ocr

    limit = ocr.max_pages()
    pages = ocr.ocr_pdf_pages(content, scans[:limit])
    by_number = dict(texts) | {page.number: page.text for page in pages}
    document_text = _from_ocr(
        pages, [by_number[number] for number in sorted(by_number)], merged=True
    )
    if len(scans) > limit:
        document_text.warnings.append(_too_many_pages(limit))
    return document_text


def _too_many_pages(limit: int) -> str:
    return (
        f"Bản scan dài hơn {limit} trang: chỉ đọc {limit} trang đầu bằng OCR. Nếu cần đủ, hãy gửi "
        "bản .docx."
    )


def _from_ocr(pages: list[Any], texts: list[str], merged: bool = False) -> DocumentText:
    """A DocumentText from OCR'd pages; `texts` already holds them in order when `merged`."""
    from store.knowledge import ocr

    body = texts if merged else [*texts, *(page.text for page in pages)]
    return DocumentText(
        "\n".join(body),
        ocr=bool(pages),
        ocr_confidence=ocr.mean_confidence(pages),
        warnings=ocr.ocr_warnings(pages) if pages else [],
    )


# ---------------------------------------------------------------------------- .html


def _read_html(content: bytes, name: str) -> DocumentText:
    from store.knowledge.html_text import read_html

    article = read_html(content)
    return DocumentText("\n".join(article.lines), meta=article.meta)


# ---------------------------------------------------------------------------- entry points

READERS = {"pdf": _read_pdf, "docx": _read_docx}
BY_SUFFIX = {".pdf": "pdf", ".docx": "docx"}


def _reader(name: str, suffix: str, content: bytes) -> Any:
    """The reader for this file: by suffix, corrected or refused by what the bytes are."""
    if suffix not in SUPPORTED:
        raise UnsupportedDocument(_unsupported_suffix(name, suffix))
    kind = sniff(content)
    if suffix in BY_SUFFIX:
        if kind in READERS:
            return READERS[kind]
        raise UnsupportedDocument(_kind_message(name, suffix, kind))
    if kind in READERS:  # a PDF or Word file saved as .txt/.html by a browser or mail client
        return READERS[kind]
    if kind is not None:
        raise UnsupportedDocument(_kind_message(name, suffix, kind))
    return _read_html if suffix in (".html", ".htm") else _read_txt


def _clean(text: str) -> str:
    """NFC, Unix line ends, no control characters or trailing spaces, no blank-only lines."""
    text = _CONTROL_RE.sub(" ", nfc(text).replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\ufeff", "")
    return "\n".join(line.rstrip() for line in text.split("\n") if line.strip())


def extract(name: str, content: bytes) -> DocumentText:
    """Read a directive by its file name's suffix (checked against its bytes); see the module doc."""
    name = Path(name).name or "tệp"
    suffix = Path(name).suffix.lower()
    _check_size(name, len(content))
    reader = _reader(name, suffix, content)
    from store.knowledge.ocr import OcrFailed, OcrUnavailable

    try:
        document = reader(content, name)
    except UnsupportedDocument:
        raise
    except (OcrUnavailable, OcrFailed) as error:
        raise UnsupportedDocument(str(error)) from error
    except Exception as error:  # every parser fails its own way on a damaged file
        log.warning("could not read %s", name, exc_info=True)
        kind = {".pdf": "PDF", ".docx": "Word"}.get(suffix, "")
        raise UnsupportedDocument(
            f"Tệp {kind + ' ' if kind else ''}{name} bị hỏng hoặc không đúng định dạng nên không "
            "đọc được. Hãy mở tệp gốc, lưu lại dưới dạng .docx hoặc PDF rồi gửi lại."
        ) from error
    document.text = _clean(document.text)
    if not document.text:
        reason = " ".join(document.warnings[1:]) if document.ocr else ""
        raise UnsupportedDocument(
            f"Không tìm thấy chữ nào trong {name}. {reason + ' ' if reason else ''}{SEND_INSTEAD}"
        )
    if len(document.text) > 200 and not looks_vietnamese(document.text):
        document.warnings.append(
            "Nội dung có vẻ không phải tiếng Việt (hoặc bị lỗi phông chữ cũ như .VnTime): hãy xem "
            "lại bản xem trước trước khi cho trợ lý trả lời."
        )
    return document


def extract_path(path: Path) -> DocumentText:
    """extract() on a file; its size is checked before it is read."""
    _check_size(path.name, path.stat().st_size)
    return extract(path.name, path.read_bytes())


def read_document(path: Path) -> str:
    """NFC text of a directive document; raises UnsupportedDocument with a Vietnamese reason."""
    return extract_path(path).text
