"""Reading scanned directives with Tesseract (Vietnamese pack).

Many departments upload the signed paper as a scan: a PDF of page images, or a .docx holding only
pictures. We render each page with pypdfium2 and run Tesseract through pytesseract, one page at a
time, so we can bound the work (OCR_MAX_PAGES, a timeout per page), keep a confidence per page and
warn staff about the pages they should check.

Why pytesseract and not ocrmypdf: measured with `python -m bench.ocr_bench --compare` on the five
directives rendered as 200 dpi scans (bench/scans.py: up to 0.7° rotation, 2 % speckles, blur),
15 pages, 43 facts (phones, e-mails, dd/mm/yyyy dates, 9h00 times, document numbers), 2 cores:

| engine | facts | char accuracy | s/page | needs |
|---|---|---|---|---|
| pytesseract, this module (300 dpi, speckle clean, psm 3, 1 thread) | 43/43 | 99.8 % | 1.6 | tesseract-ocr, tesseract-ocr-vie; pytesseract, pypdfium2 |
| ocrmypdf 17.13 defaults (--sidecar, 2 pages in parallel) | 40/43 | 97.2 % | 1.0–1.6 | the same Debian packages; ocrmypdf + ~20 wheels (pikepdf, img2pdf, pdfminer.six, cryptography, pydantic, rich, uharfbuzz…) |
| ocrmypdf -j 1 | 40/43 | 97.2 % | 1.5 | as above |
| ocrmypdf -j 1 --clean | 39/43 | 97.4 % | 2.3 | as above + unpaper |
| ocrmypdf -j 1 --clean --deskew | 43/43 | 98.3 % | 4.0 | as above + unpaper |

Both run the same Tesseract; what differs is the page we hand it. ocrmypdf's extra work is a PDF
text layer we do not need, and its sidecar has no word confidences to warn staff with. So: pytesseract,
with the cleaning that made the difference. Without it (plain 300 dpi page) the same scans gave
92–97 % of characters, lost a phone number, and a nearly empty signature page came back empty after
28 s. Tesseract's OpenMP threads cost 3× on two busy cores (OMP_THREAD_LIMIT=1 below). psm 6
(one text block) garbled the two-column letterhead; psm 4 matched psm 3. lang "vie+eng" found
the same 43 facts at 99.7 % and 35 % slower than "vie" alone (English words in directives are few). No explicit deskew: at
0.7° Tesseract copes (at 1.5° with 5 % speckles, 4 document numbers of 11 were lost on one scan).
"""

from __future__ import annotations

import io
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

LANG = "vie"
RENDER_DPI = 300
# psm 3: full automatic page segmentation keeps the two header columns (agency | motto) apart and in
# reading order; oem 1: the LSTM engine, the only one the Debian "vie" model carries.
TESSERACT_CONFIG = "--oem 1 --psm 3"
LOW_CONFIDENCE = 75.0
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie"


class OcrUnavailable(RuntimeError):
    """Tesseract or its Vietnamese pack is missing; the message says what to install."""


class OcrFailed(RuntimeError):
    """A page could not be read (timeout, broken image); the message is for staff."""


@dataclass
class OcrPage:
    """What Tesseract read on one page; `confidence` is the mean word confidence (0–100)."""

    number: int  # 1-based page number in the document
    text: str
    confidence: float | None
    seconds: float
    error: str | None = None  # why the page gave nothing (timeout…), in Vietnamese


def max_pages() -> int:
    """OCR_MAX_PAGES (default 30): a directive is a few pages; a 300-page scan is a mistake."""
    return _env_int("OCR_MAX_PAGES", 30)


def page_timeout() -> int:
    """OCR_PAGE_TIMEOUT seconds (default 60): one page takes about 4 s on two cores."""
    return _env_int("OCR_PAGE_TIMEOUT", 60)


def _env_int(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, "") or default))
    except ValueError:
        return default


def unavailable_message(missing: str) -> str:
    """One Vietnamese sentence for staff: what is missing, what to install, what works meanwhile."""
    return (
        f"Tệp là bản scan (ảnh) nên cần đọc bằng OCR, nhưng máy chủ chưa có {missing}. "
        f"Quản trị viên hãy cài: {INSTALL_HINT}. "
        "Trong lúc chờ, xin gửi bản .docx hoặc .txt của công văn."
    )


def check_available(lang: str = LANG) -> None:
    """Raise OcrUnavailable unless pytesseract, the tesseract program and `lang` are all there."""
    try:
        import pytesseract
    except ImportError as error:
        raise OcrUnavailable(unavailable_message("thư viện pytesseract")) from error
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        raise OcrUnavailable(unavailable_message("phần mềm Tesseract"))
    try:
        languages = set(pytesseract.get_languages(config=""))
    except Exception as error:  # a broken install answers in many ways
        raise OcrUnavailable(unavailable_message("phần mềm Tesseract chạy được")) from error
    missing = [code for code in lang.split("+") if code not in languages]
    if missing:
        raise OcrUnavailable(unavailable_message("gói tiếng Việt cho Tesseract (vie)"))


def _lines_and_confidence(data: dict[str, list]) -> tuple[str, float | None]:
    """Rebuild lines from Tesseract's word table (block, paragraph, line) and average confidence."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences: list[float] = []
    for index, word in enumerate(data["text"]):
        word = (word or "").strip()
        confidence = float(data["conf"][index])
        if not word or confidence < 0:
            continue
        key = (data["block_num"][index], data["par_num"][index], data["line_num"][index])
        lines.setdefault(key, []).append(word)
        confidences.append(confidence)
    text = "\n".join(" ".join(words) for _, words in sorted(lines.items()))
    mean = round(sum(confidences) / len(confidences), 1) if confidences else None
    return text, mean


def otsu_threshold(histogram: list[int]) -> int:
    """The grey level that best splits ink from paper (Otsu), from a 256-bin histogram."""
    total = sum(histogram)
    weighted_total = sum(level * count for level, count in enumerate(histogram))
    best, best_level, below, weighted_below = -1.0, 127, 0, 0.0
    for level, count in enumerate(histogram):
        below += count
        weighted_below += level * count
        above = total - below
        if below == 0 or above == 0:
            continue
        gap = weighted_below / below - (weighted_total - weighted_below) / above
        spread = below * above * gap * gap
        if spread > best:
            best, best_level = spread, level
    return best_level


def clean_page(image: Image) -> Image:
    """Grey-scale, a 3×3 median against speckles, and paper lifted to white.

    Scanner speckles made Tesseract read a nearly empty page (a signature page) as a picture: no
    text at all, after 30 s; cleaned, it reads in a second. Only the paper side of the Otsu split
    is whitened, so faint ink and anti-aliased edges keep their grey.
    """
    from PIL import ImageFilter

    grey = image.convert("L").filter(ImageFilter.MedianFilter(3))
    histogram = grey.histogram()
    threshold = otsu_threshold(histogram)
    dark = histogram[:threshold]
    if sum(dark) and sum(level * n for level, n in enumerate(dark)) / sum(dark) > 160:
        # A nearly empty page: Otsu split paper from speckles, not ink from paper. Split again
        # below, where the few lines of ink are.
        threshold = otsu_threshold(dark + [0] * (256 - threshold))
    return grey.point(lambda value: 255 if value > threshold else value)


def ocr_image(
    image: Image, number: int = 1, lang: str = LANG, timeout: int | None = None
) -> OcrPage:
    """OCR one page image. Raises OcrFailed after `timeout` seconds (OCR_PAGE_TIMEOUT)."""
    import pytesseract

    # Tesseract's OpenMP threads spin against each other on two shared cores: one thread read
    # a page in 1.6 s, the default took 5.3 s. Set before the first call; an explicit value wins.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    started = time.perf_counter()
    try:
        data = pytesseract.image_to_data(
            clean_page(image),
            lang=lang,
            config=TESSERACT_CONFIG,
            output_type=pytesseract.Output.DICT,
            timeout=timeout or page_timeout(),
        )
    except RuntimeError as error:  # pytesseract reports its timeout as RuntimeError
        raise OcrFailed(
            f"Trang {number} đọc bằng OCR quá lâu nên đã dừng; hãy gửi bản scan rõ hơn "
            "hoặc bản .docx."
        ) from error
    except pytesseract.TesseractError as error:
        raise OcrFailed(f"Trang {number} không đọc được bằng OCR ({error.message}).") from error
    text, confidence = _lines_and_confidence(data)
    return OcrPage(number, text, confidence, round(time.perf_counter() - started, 2))


def render_pdf_pages(content: bytes, numbers: list[int], dpi: int = RENDER_DPI) -> Iterator[Image]:
    """Yield the given 1-based pages of a PDF as grey-scale images, one at a time (memory)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(content)
    try:
        for number in numbers:
            page = document[number - 1]
            try:
                bitmap = page.render(scale=dpi / 72, grayscale=True)
                yield bitmap.to_pil()
            finally:
                page.close()
    finally:
        document.close()


def ocr_pdf_pages(
    content: bytes, numbers: list[int], lang: str = LANG, dpi: int = RENDER_DPI
) -> list[OcrPage]:
    """OCR the given pages of a PDF (the caller caps how many)."""
    check_available(lang)
    return [
        _page_or_error(image, number, lang)
        for number, image in zip(numbers, render_pdf_pages(content, numbers, dpi), strict=True)
    ]


def _page_or_error(image: Image, number: int, lang: str) -> OcrPage:
    """One page; a timeout or a Tesseract error costs that page only, with a warning."""
    try:
        return ocr_image(image, number, lang)
    except OcrFailed as error:
        return OcrPage(number, "", None, 0.0, error=str(error))


def ocr_image_bytes(images: list[bytes], lang: str = LANG) -> list[OcrPage]:
    """OCR pictures (from a .docx made of scans), each as one page, in document order."""
    from PIL import Image as PILImage
    from PIL import ImageOps, UnidentifiedImageError

    check_available(lang)
    pages = []
    for number, blob in enumerate(images, start=1):
        try:
            image = ImageOps.exif_transpose(PILImage.open(io.BytesIO(blob)))  # phone photos
        except (UnidentifiedImageError, OSError):
            continue  # EMF/WMF clip-art and other pictures Pillow cannot open carry no text
        pages.append(_page_or_error(_at_least_dpi(image), number, lang))
    return pages


def _at_least_dpi(image: Image, dpi: int = RENDER_DPI) -> Image:
    """Enlarge a small picture so an A4-wide page is about `dpi`: Tesseract wants ~30 px letters."""
    target = int(8.27 * dpi * 0.8)
    if image.width >= target:
        return image
    scale = target / image.width
    return image.resize((target, int(image.height * scale)))


def ocr_warnings(pages: list[OcrPage], threshold: float = LOW_CONFIDENCE) -> list[str]:
    """One warning that OCR was used, then one per page below `threshold`, in Vietnamese."""
    numbers = ", ".join(str(page.number) for page in pages)
    label = "Trang" if len(pages) == 1 else "Các trang"
    warnings = [
        f"{label} {numbers} là bản scan, chữ được đọc bằng OCR: hãy đối chiếu số điện thoại, "
        "ngày giờ và số hiệu văn bản với bản gốc."
    ]
    for page in pages:
        if page.error:
            warnings.append(page.error)
        elif page.confidence is not None and page.confidence < threshold:
            warnings.append(
                f"Trang {page.number} đọc bằng OCR, độ tin cậy thấp ({page.confidence:.0f}%): "
                "hãy kiểm tra số điện thoại, ngày tháng trong bản xem trước."
            )
        elif page.confidence is None:
            warnings.append(f"Trang {page.number} không đọc được chữ nào bằng OCR.")
    return warnings


def mean_confidence(pages: list[OcrPage]) -> float | None:
    """Mean of the pages' confidences (pages without words left out)."""
    values = [page.confidence for page in pages if page.confidence is not None]
    return round(sum(values) / len(values), 1) if values else None
