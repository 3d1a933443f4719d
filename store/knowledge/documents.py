"""Plain text out of the documents departments send: .txt, .docx and text PDFs."""

from __future__ import annotations

from pathlib import Path

from vntext.normalize import nfc

SUPPORTED = (".txt", ".docx", ".pdf")


class UnsupportedDocument(ValueError):
    """Not a format we can read, or a PDF without a text layer (a scan)."""


def _docx_text(path: Path) -> str:
    import docx  # python-docx

    document = docx.Document(str(path))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text.strip() for cell in row.cells))
    return "\n".join(lines)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    if not text.strip():
        raise UnsupportedDocument(
            "PDF không có lớp chữ (có thể là bản scan); hãy gửi bản .docx hoặc .txt."
        )
    return text


def read_document(path: Path) -> str:
    """NFC text of a directive document; raises UnsupportedDocument with a Vietnamese reason."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise UnsupportedDocument("Tệp .txt không phải mã UTF-8.") from error
    elif suffix == ".docx":
        text = _docx_text(path)
    elif suffix == ".pdf":
        text = _pdf_text(path)
    else:
        raise UnsupportedDocument(
            f"Chưa hỗ trợ định dạng {suffix or '(không có đuôi)'}; dùng .txt, .docx hoặc .pdf."
        )
    return nfc(text)
