"""Scanned-looking PDFs made from text, for the OCR tests and the OCR benchmark.

Departments often upload a directive as a scan of the signed paper. We cannot ship real scans (they
carry signatures and stamps), so tests render a directive's text onto A4 pages the way a cheap office
scanner would give it back: slightly rotated, with speckles and a little blur, saved as an image-only
PDF. Everything is drawn from `seed`, so a test sees the same pixels on every run.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

A4_INCHES = (8.27, 11.69)
MARGIN_INCHES = (0.98, 0.79)  # left/right 2.5 cm, top/bottom 2 cm: the official letter layout
FONT_POINTS = 12
LINE_SPACING = 1.35
FIXED_DATE = time.gmtime(1_705_305_600)  # PDF metadata dates, so the bytes repeat too


def vietnamese_font(points: float, dpi: int) -> ImageFont.FreeTypeFont:
    """DejaVu Sans from matplotlib: always installed with it, and it has every Vietnamese letter."""
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    return ImageFont.truetype(str(path), size=round(points * dpi / 72))


def wrap_line(line: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Greedy word wrap by rendered width; a word longer than the line is cut by characters."""
    words, lines, current = line.split(), [], ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while font.getlength(word) > width:
            cut = max(1, int(len(word) * width / font.getlength(word)))
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def layout_pages(
    text: str, font: ImageFont.FreeTypeFont, width: float, rows: float
) -> list[list[str]]:
    """Lines per page. Runs of blank lines become one half-line gap (the "" entries)."""
    pages: list[list[str]] = [[]]
    used = 0.0
    previous_blank = True
    for raw in text.splitlines():
        if not raw.strip():
            if not previous_blank:
                pages[-1].append("")
                used += 0.5
            previous_blank = True
            continue
        previous_blank = False
        for line in wrap_line(raw.strip(), font, width):
            if used + 1 > rows:
                pages.append([])
                used = 0.0
            pages[-1].append(line)
            used += 1
    return [page for page in pages if any(page)]


def draw_page(lines: list[str], font: ImageFont.FreeTypeFont, dpi: int) -> Image.Image:
    """One clean grey-scale page with the lines set at the official margins."""
    size = (round(A4_INCHES[0] * dpi), round(A4_INCHES[1] * dpi))
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    x, y = MARGIN_INCHES[0] * dpi, MARGIN_INCHES[1] * dpi
    step = font.size * LINE_SPACING
    for line in lines:
        if line:
            draw.text((x, y), line, font=font, fill=25)
            y += step
        else:
            y += step / 2
    return page


def degrade(page: Image.Image, angle: float, noise: float, rng: random.Random) -> Image.Image:
    """What the scanner does: a slight rotation, speckles (salt and pepper) and a soft blur."""
    tilted = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    pixels = np.asarray(tilted, dtype=np.uint8).copy()
    noisy = np.random.default_rng(rng.randrange(2**32))
    mask = noisy.random(pixels.shape) < noise
    pixels[mask] = np.where(noisy.random(int(mask.sum())) < 0.5, 0, 255)
    return Image.fromarray(pixels, mode="L").filter(ImageFilter.GaussianBlur(radius=0.6))


def make_scanned_pdf(
    text: str,
    out: Path,
    dpi: int = 200,
    angle: float = 0.7,
    noise: float = 0.02,
    seed: int = 0,
) -> Path:
    """Render `text` as an image-only A4 PDF at `dpi`; each page turned by up to ±`angle` degrees."""
    rng = random.Random(seed)
    font = vietnamese_font(FONT_POINTS, dpi)
    width = (A4_INCHES[0] - 2 * MARGIN_INCHES[0]) * dpi
    rows = (A4_INCHES[1] - 2 * MARGIN_INCHES[1]) * dpi / (font.size * LINE_SPACING) - 1
    pages = layout_pages(text, font, width, rows) or [[" "]]
    images = [
        degrade(draw_page(lines, font, dpi), angle * rng.choice((-1, 1)) * rng.uniform(0.6, 1.0),
                noise, rng)
        for lines in pages
    ]  # fmt: skip
    out.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(
        out,
        "PDF",
        save_all=True,
        append_images=images[1:],
        resolution=float(dpi),
        title="scan",
        creationDate=FIXED_DATE,
        modDate=FIXED_DATE,
    )
    return out
