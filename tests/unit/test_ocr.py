"""Real OCR of generated scans: the hotlines and dates of a Hà Tĩnh directive come back.

Tesseract with the Vietnamese pack is installed by `make` (ops/apt-ensure.sh); these tests fail
with that instruction when it is missing rather than skip, so CI never passes without OCR.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from bench.scans import make_scanned_pdf
from store.knowledge import ocr
from store.knowledge.documents import UnsupportedDocument, extract, extract_path
from tests.unit.test_documents import SENTENCE, make_text_pdf

HA_TINH = (
    Path(__file__).resolve().parents[2]
    / "data"
    / "directives"
    / "ha-tinh-2024-stttt-tet-giap-thin.txt"
)


def excerpt() -> str:
    """The legal-basis paragraph (dates) and the hotline block (names, phones) of the directive."""
    lines = [
        line.strip() for line in HA_TINH.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    start = next(i for i, line in enumerate(lines) if line.startswith("Văn bản số 284/UBND-VX1"))
    hotline = next(i for i, line in enumerate(lines) if line.startswith("Đường dây nóng"))
    return "\n".join(lines[start : start + 3] + lines[hotline : hotline + 4])


def digits(text: str) -> str:
    return re.sub(r"(?<=\d)[\s.\-]+(?=\d)", "", text)


@pytest.fixture(autouse=True, scope="module")
def tesseract_installed() -> None:
    try:
        ocr.check_available()
    except ocr.OcrUnavailable as error:
        pytest.fail(f"{error} (or run `make setup`, which runs ops/apt-ensure.sh)")


def test_scanned_directive_gives_back_hotlines_and_dates(tmp_path: Path) -> None:
    scan = make_scanned_pdf(excerpt(), tmp_path / "ha-tinh-scan.pdf", dpi=200, seed=3)
    assert PdfReader(str(scan)).pages[0].extract_text().strip() == "", "image only, no text layer"
    document = extract_path(scan)
    assert document.ocr is True
    assert document.ocr_confidence is not None and document.ocr_confidence > 80
    text = document.text
    for phone in ("0911378999", "0914237788"):
        assert phone in digits(text)
    assert "Đặng Văn Đức" in text and "Nguyễn Thanh Lâm" in text
    assert "06/01/2024" in text
    assert any("đọc bằng OCR" in warning for warning in document.warnings)


def test_only_the_scanned_page_of_a_mixed_pdf_is_ocred(tmp_path: Path) -> None:
    typed = make_text_pdf(tmp_path / "typed.pdf", [[SENTENCE]])
    scan = make_scanned_pdf("Đ/c Nguyễn Thanh Lâm, ĐT: 0914237788", tmp_path / "scan.pdf", seed=1)
    writer = PdfWriter()
    writer.append(str(typed))
    writer.append(str(scan))
    mixed = io.BytesIO()
    writer.write(mixed)
    document = extract("mixed.pdf", mixed.getvalue())
    lines = document.text.splitlines()
    assert lines[0] == SENTENCE, "the text layer of page 1 is used as it is"
    assert "0914237788" in digits(document.text)
    assert document.warnings[0].startswith("Trang 2 là bản scan")


def test_docx_made_of_a_scanned_picture_is_ocred(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    scan = make_scanned_pdf("Đ/c Đặng Văn Đức, ĐT: 0911378999", tmp_path / "scan.pdf", seed=2)
    picture = tmp_path / "trang-1.png"
    pdfium.PdfDocument(str(scan))[0].render(scale=200 / 72).to_pil().save(picture)
    document = docx.Document()
    document.add_picture(str(picture))
    path = tmp_path / "scan.docx"
    document.save(str(path))
    result = extract_path(path)
    assert result.ocr and "0911378999" in digits(result.text)


def test_page_cap_reads_the_first_pages_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OCR_MAX_PAGES", "1")
    long_text = "\n".join(f"Dòng số {n}: các doanh nghiệp trực Tết." for n in range(1, 60))
    scan = make_scanned_pdf(long_text, tmp_path / "dai.pdf", seed=4)
    assert len(PdfReader(str(scan)).pages) == 2
    document = extract_path(scan)
    assert "Dòng số 1:" in document.text and "Dòng số 59" not in document.text
    assert any("chỉ đọc 1 trang đầu" in warning for warning in document.warnings)


def test_a_page_that_times_out_is_skipped_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pytesseract

    def too_slow(*args: object, **kwargs: object) -> None:
        raise RuntimeError("Tesseract process timeout")

    monkeypatch.setattr(pytesseract, "image_to_data", too_slow)
    scan = make_scanned_pdf("Trang scan", tmp_path / "scan.pdf", seed=5)
    with pytest.raises(UnsupportedDocument, match="Trang 1 đọc bằng OCR quá lâu"):
        extract_path(scan)


def test_missing_vietnamese_pack_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pytesseract

    monkeypatch.setattr(pytesseract, "get_languages", lambda config="": ["eng", "osd"])
    scan = make_scanned_pdf("Trang scan", tmp_path / "scan.pdf", seed=6)
    with pytest.raises(UnsupportedDocument) as refused:
        extract_path(scan)
    message = str(refused.value)
    assert "gói tiếng Việt" in message
    assert "apt-get install tesseract-ocr tesseract-ocr-vie" in message
    assert ".docx hoặc .txt" in message


def test_low_confidence_pages_are_named_for_staff() -> None:
    pages = [ocr.OcrPage(1, "rõ", 93.0, 1.0), ocr.OcrPage(2, "mờ", 58.2, 1.0)]
    assert ocr.ocr_warnings(pages) == [
        "Các trang 1, 2 là bản scan, chữ được đọc bằng OCR: hãy đối chiếu số điện thoại, "
        "ngày giờ và số hiệu văn bản với bản gốc.",
        "Trang 2 đọc bằng OCR, độ tin cậy thấp (58%): hãy kiểm tra số điện thoại, ngày tháng "
        "trong bản xem trước.",
    ]
    assert ocr.mean_confidence(pages) == 75.6
