"""OCR of pages without a text layer: pypdfium2 renders, Tesseract reads.

Tesseract runs as a subprocess with ``OMP_THREAD_LIMIT=1`` (its own OpenMP
threading made it 5-6x slower on 2-core machines, see ECOSYSTEM.md section 1) and a
per-page timeout. Its TSV output keeps word boxes, so OCR pages go through the same
layout code (running headers, line order) as text-layer pages.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .pdftext import RawPage, Word

if TYPE_CHECKING:
    import pypdfium2 as pdfium

    from .extract import ExtractSettings

POINTS_PER_INCH = 72.0
TESSERACT_INSTALL_HINT = "install it with 'apt-get install tesseract-ocr tesseract-ocr-eng' (make system)"


def find_tesseract(command: str) -> str | None:
    """Full path of the Tesseract executable, or None when it is not installed."""
    return shutil.which(command)


def ocr_pages(path: Path, numbers: Sequence[int], settings: ExtractSettings) -> Iterator[RawPage]:
    """OCR the given 1-based pages of a PDF, one :class:`RawPage` each.

    A page that fails (render error, Tesseract error or timeout) yields a RawPage
    with ``error`` set; the caller reports it.

    Raises:
        FileNotFoundError: when Tesseract is not installed.
    """
    from pypdfium2 import PdfDocument  # local: only needed for scanned documents

    exe = find_tesseract(settings.tesseract_cmd)
    if exe is None:
        raise FileNotFoundError(f"Tesseract ('{settings.tesseract_cmd}') is not installed")
    pdf = PdfDocument(str(path))
    try:
        with tempfile.TemporaryDirectory(prefix="tipgap-ocr-") as tmp:
            for number in numbers:
                yield _ocr_one(pdf, number, exe, Path(tmp), settings)
    finally:
        pdf.close()


def _ocr_one(pdf: pdfium.PdfDocument, number: int, exe: str, tmp: Path, settings: ExtractSettings) -> RawPage:
    """Render one page to PNG and read it with Tesseract."""
    from pypdfium2 import PdfiumError

    page = pdf[number - 1]
    try:
        width, height = page.get_size()
        image = page.render(scale=settings.ocr_dpi / POINTS_PER_INCH, grayscale=True).to_pil()
    except PdfiumError as exc:
        return RawPage(number, 0.0, 0.0, ocr=True, error=f"page could not be rendered: {exc}")
    finally:
        page.close()
    png = tmp / f"page-{number}.png"
    image.save(png)
    try:
        tsv = run_tesseract(exe, png, settings)
    except subprocess.TimeoutExpired:
        return RawPage(number, width, height, ocr=True, error=f"OCR timed out after {settings.ocr_timeout_s:g} s")
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or "").strip().splitlines()[-1:] or ["no message"]
        return RawPage(number, width, height, ocr=True, error=f"Tesseract failed: {detail[0]}")
    finally:
        png.unlink(missing_ok=True)
    words = parse_tsv(tsv, POINTS_PER_INCH / settings.ocr_dpi, settings.ocr_min_confidence)
    return RawPage(number, float(width), float(height), words, chars=0, ocr=True)


def run_tesseract(exe: str, image: Path, settings: ExtractSettings) -> str:
    """Run Tesseract on one image and return its TSV output."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    args = [exe, str(image), "stdout", "-l", settings.ocr_language, "--psm", str(settings.ocr_psm), "tsv"]
    done = subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=settings.ocr_timeout_s, check=True
    )
    return done.stdout


def parse_tsv(tsv: str, scale: float, min_confidence: float) -> list[Word]:
    """Word boxes (in points) from Tesseract TSV; each word's ``size`` is the height
    of its line and ``line`` a running line id in Tesseract's reading order."""
    rows = list(csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE))
    line_ids: dict[tuple[str, str, str, str], int] = {}
    line_heights: dict[tuple[str, str, str, str], float] = {}
    for row in rows:
        if row.get("level") == "4":
            key = (row["page_num"], row["block_num"], row["par_num"], row["line_num"])
            line_ids.setdefault(key, len(line_ids))
            line_heights[key] = float(row["height"]) * scale
    words = []
    for row in rows:
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text or float(row.get("conf") or -1) < min_confidence:
            continue
        key = (row["page_num"], row["block_num"], row["par_num"], row["line_num"])
        left, top = float(row["left"]) * scale, float(row["top"]) * scale
        w, h = float(row["width"]) * scale, float(row["height"]) * scale
        words.append(Word(text, left, left + w, top, top + h, round(line_heights.get(key, h), 1), line_ids.get(key, 0)))
    return words
