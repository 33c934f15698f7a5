"""Fast PDF page reading with pypdfium2: word boxes for the shared layout code.

pdfplumber (pdfminer) parses every glyph in Python, about 3-10 pages/s; PDFium parses
in C. This reader asks PDFium for a page's text once (one call), splits it into words
on whitespace (PDFium inserts a space where glyphs stand apart and a line break where
a line ends), and asks for geometry per *word*, not per glyph: the loose box of its
first and last glyph, and the font size and matrix only when the box height changes.
The result is the same :class:`~analyser.pdftext.RawPage` / :class:`~analyser.pdftext.Word`
records that the pdfplumber reader yields, so headers/footers, columns, notes and
de-hyphenation (:func:`~analyser.pdftext.layout_pages`) are shared.

Boxes follow pdfminer's convention (top-left origin, a glyph spans one font size up
from its descent line), so thresholds tuned on pdfplumber output hold. PDFium marks a
line-end hyphen as U+0002 or U+FFFE: it becomes "-" again, and de-hyphenation decides. Pages and
text pages are closed as soon as they are read; the document is closed when the
generator is exhausted or closed.
"""

from __future__ import annotations

import ctypes
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .pdftext import RawPage, Word, page_size_problem, too_many_chars

if TYPE_CHECKING:
    from .extract import ExtractSettings

ENGINE_VERSION = "pdfium-words-1"  # bump when the words this reader yields change
# Words: runs of non-space characters; a rule drawn with underscores is a word of its own
# (gazettes draw it over the running header, and PDFium's stream order interleaves them).
# PDFium joins a word hyphenated at a line end and marks the hyphen U+0002 or U+FFFE: the
# word is cut after the mark (each part keeps its own line's box) and the mark becomes "-".
_WORD_RE = re.compile(r"_{3,}|(?:(?!_{3})[^\s\x02\ufffe])+[\x02\ufffe]?|[\x02\ufffe]")
_HYPHEN_MARKS = str.maketrans({"\x02": "-", "\ufffe": "-"})


class PdfiumOpenError(Exception):
    """PDFium could not open the document; ``kind`` is 'password', 'format' or 'file'."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def open_document(path: Path, passwords: list[str]) -> Any:
    """A ``pypdfium2.PdfDocument``, trying each password in turn.

    Raises:
        PdfiumOpenError: when no password opens it, or the file is not a readable PDF.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    last: Exception | None = None
    for password in passwords:
        try:
            return pdfium.PdfDocument(str(path), password=password or None)
        except pdfium.PdfiumError as exc:
            last = exc
            if getattr(exc, "err_code", None) != raw.FPDF_ERR_PASSWORD:
                kind = "security" if getattr(exc, "err_code", None) == raw.FPDF_ERR_SECURITY else "format"
                raise PdfiumOpenError(kind, str(exc)) from exc
    raise PdfiumOpenError("password", str(last))


def metadata_title(pdf: Any) -> str | None:
    """The Title metadata of an open pypdfium2 document (None when absent)."""
    try:
        title = pdf.get_metadata_value("Title")
    except Exception:  # noqa: BLE001 -- metadata is optional
        return None
    return title or None


def read_pages(pdf: Any, settings: ExtractSettings) -> Iterator[RawPage]:
    """Yield a :class:`RawPage` per page of an open pypdfium2 document, in order.

    A page PDFium cannot load yields a RawPage with ``error`` set (the caller may read
    it with pdfplumber instead).
    """
    from pypdfium2 import PdfiumError

    for index in range(len(pdf)):
        try:
            page = pdf[index]
        except PdfiumError as exc:
            yield RawPage(index + 1, 0.0, 0.0, error=f"PdfiumError: {exc}")
            continue
        try:
            yield read_page(page, index + 1, settings)
        except (PdfiumError, ValueError, OverflowError) as exc:
            yield RawPage(index + 1, 0.0, 0.0, error=f"{type(exc).__name__}: {exc}")
        finally:
            page.close()


def read_page(page: Any, number: int, settings: ExtractSettings) -> RawPage:
    """Words of one pypdfium2 page (see the module docstring)."""
    import pypdfium2.raw as pdfium_c

    left, bottom, right, top = page.get_cropbox()
    rotation = page.get_rotation() % 360
    width, height = (right - left, top - bottom) if rotation in (0, 180) else (top - bottom, right - left)
    transform = _Transform(left, bottom, right, top, rotation)
    too_small = page_size_problem(width, height, settings)
    if too_small:
        return RawPage(number, float(width), float(height), skipped=too_small)
    objects = pdfium_c.FPDFPage_CountObjects(page.raw)
    if objects > settings.max_page_objects:
        return RawPage(number, float(width), float(height), skipped=(
            f"{objects:,} drawing objects on one page, over the limit of {settings.max_page_objects:,} "
            "(a malformed or hostile page; raise max_page_objects to read it)"))
    textpage = page.get_textpage()
    try:
        raw = textpage.raw
        count = pdfium_c.FPDFText_CountChars(raw)
        if count <= 0:
            return RawPage(number, float(width), float(height), [], 0)
        if count > settings.max_page_chars:
            return RawPage(number, float(width), float(height), chars=count, skipped=too_many_chars(settings))
        text = _page_text(raw, count)
        words = _words(raw, text, transform, settings)
    finally:
        textpage.close()
    chars = len("".join(text.split()))  # non-space characters on the text layer
    return RawPage(number, float(width), float(height), words, chars)


def _page_text(raw: Any, count: int) -> str:
    """The text of a text page, one character per PDFium char index."""
    import pypdfium2.raw as pdfium_c

    buffer = (ctypes.c_ushort * (2 * count + 1))()
    got = pdfium_c.FPDFText_GetText(raw, 0, count, buffer)
    text = bytes(buffer)[: max(0, got - 1) * 2].decode("utf-16-le", errors="replace")
    last_index = pdfium_c.FPDFText_GetTextIndexFromCharIndex(raw, count - 1)
    if len(text) == count and last_index == count - 1:
        return text
    # text index != char index (characters outside the BMP, or PDFium's own remapping)
    return "".join(_char(pdfium_c.FPDFText_GetUnicode(raw, i)) for i in range(count))


def _char(code: int) -> str:
    try:
        return chr(code)
    except (ValueError, OverflowError):
        return "\ufffd"


class _Transform:
    """PDF user space -> top-left display space of the (cropped, rotated) page."""

    def __init__(self, left: float, bottom: float, right: float, top: float, rotation: int) -> None:
        self.left, self.bottom, self.right, self.top, self.rotation = left, bottom, right, top, rotation

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        """(x0, x1, top, bottom) in display space of a user-space rectangle."""
        r = self.rotation
        if r == 0:
            return x0 - self.left, x1 - self.left, self.top - y1, self.top - y0
        if r == 90:
            return y0 - self.bottom, y1 - self.bottom, x0 - self.left, x1 - self.left
        if r == 180:
            return self.right - x1, self.right - x0, y0 - self.bottom, y1 - self.bottom
        return self.top - y1, self.top - y0, self.right - x1, self.right - x0  # 270


def _words(raw: Any, text: str, transform: _Transform, settings: ExtractSettings) -> list[Word]:
    """Word boxes from the page text and per-word PDFium geometry calls."""
    import pypdfium2.raw as pdfium_c

    get_box = pdfium_c.FPDFText_GetLooseCharBox
    get_size = pdfium_c.FPDFText_GetFontSize
    get_matrix = pdfium_c.FPDFText_GetMatrix
    rect = pdfium_c.FS_RECTF()
    rect_ref = ctypes.byref(rect)
    matrix = pdfium_c.FS_MATRIX()
    matrix_ref = ctypes.byref(matrix)
    # font size and orientation by loose-box height: a new height means a new font or size
    styles: dict[float, tuple[float, bool]] = {}
    rotation = transform.rotation
    words: list[list[Any]] = []
    seen: dict[tuple[str, float, int, int], list[tuple[float, float]]] = {}
    tolerance = settings.dedupe_tolerance
    previous_end, previous_rule = 0, True
    for match in _WORD_RE.finditer(text):
        start, end = match.start(), match.end() - 1
        rule = text[start] == "_" and text[end] == "_"
        # PDFium set this word apart from the one before by a space on the same line, or not
        fresh = previous_rule or rule or "\n" in text[previous_end:start] or "\r" in text[previous_end:start]
        previous_end, previous_rule = end + 1, rule
        get_box(raw, start, rect_ref)
        fx0, fy0, fx1, fy1 = rect.left, rect.bottom, rect.right, rect.top
        if end != start:
            get_box(raw, end, rect_ref)
            lx0, ly0, lx1, ly1 = rect.left, rect.bottom, rect.right, rect.top
        else:
            lx0, ly0, lx1, ly1 = fx0, fy0, fx1, fy1
        key = round(fy1 - fy0, 3)
        style = styles.get(key)
        if style is None:
            size = get_size(raw, start)
            get_matrix(raw, start, matrix_ref)
            scale = math.hypot(matrix.c, matrix.d) or math.hypot(matrix.a, matrix.b) or 1.0
            angle = math.degrees(math.atan2(matrix.b, matrix.a)) % 360
            upright = abs(((angle - rotation) + 180) % 360 - 180) < 1.0
            style = (round(size * scale, 3), upright)
            styles[key] = style
        size, upright = style
        x0, x1, top, bottom = transform.box(min(fx0, lx0), min(fy0, ly0), max(fx1, lx1), max(fy1, ly1))
        if upright and bottom - top > size > 0:  # pdfminer's box: one font size up from the descent line
            top = bottom - size
        if not all(map(math.isfinite, (x0, x1, top, bottom, size))):
            continue  # a text matrix past float range (PDFium computes in float32) places it nowhere (issue 9)
        word_text = match.group().translate(_HYPHEN_MARKS)
        if tolerance > 0:  # glyph copies drawn to fake bold: same word, size and place
            # places in a grid of tolerance-sized cells: a copy lies in one of the 3 x 3 cells around
            cx, cy = math.floor(x0 / tolerance), math.floor(top / tolerance)
            if any(
                abs(x - x0) <= tolerance and abs(y - top) <= tolerance
                for dx in (-1, 0, 1) for dy in (-1, 0, 1)
                for x, y in seen.get((word_text, size, cx + dx, cy + dy), ())
            ):
                continue
            seen.setdefault((word_text, size, cx, cy), []).append((x0, top))
        words.append([word_text, x0, x1, top, bottom, size, upright, fresh and not rule, rule])
    return _join_fragments(words, settings)


def _join_fragments(words: list[list[Any]], settings: ExtractSettings) -> list[Word]:
    """Join a word to the one that touches it on its left on the same line, when PDFium's
    stream order did not put them side by side ("T" "HE" around a rule drawn in between).

    Words PDFium itself separated by a space are never joined (its spacing is good); the
    gap allowed is pdfplumber's word gap (``x_tolerance_ratio`` of the font size).
    """
    ends: dict[tuple[int, float], list[int]] = {}  # (line, size) -> words, by their right edge
    for index, (_, _, _, _, bottom, size, upright, _, rule) in enumerate(words):
        if upright and not rule:
            ends.setdefault((round(bottom), size), []).append(index)
    alive = [True] * len(words)
    for index, word in enumerate(words):
        if not word[7] or not alive[index]:
            continue
        text, x0, x1, top, bottom, size = word[:6]
        tolerance = settings.x_tolerance_ratio * size
        for line in (round(bottom), round(bottom) - 1, round(bottom) + 1):
            partner = next(
                (j for j in ends.get((line, size), ()) if j != index and alive[j]
                 and abs(words[j][4] - bottom) <= 1.0 and -0.5 <= x0 - words[j][2] <= tolerance),
                None,
            )
            if partner is not None:
                left = words[partner]
                left[0] += text
                left[2] = max(left[2], x1)
                left[3], left[4] = min(left[3], top), max(left[4], bottom)
                alive[index] = False
                ends.setdefault((round(left[4]), size), []).append(partner)
                break
    _join_rules(words, alive)
    return [
        Word(w[0], w[1], w[2], w[3], w[4], w[5], upright=w[6])
        for w, keep in zip(words, alive) if keep
    ]


def _join_rules(words: list[list[Any]], alive: list[bool]) -> None:
    """Join pieces of one underscore rule (drawn in several runs a point or two apart)
    into one word, as pdfplumber sees it, so it stays on the line it underlines."""
    rules = sorted((i for i, w in enumerate(words) if w[8] and alive[i]), key=lambda i: (words[i][1], words[i][3]))
    groups: list[list[Any]] = []
    for index in rules:
        word = words[index]
        group = next((g for g in groups if abs(word[3] - g[3]) <= 2.0 and word[1] <= g[2] + 1.0), None)
        if group is None:
            groups.append(word)
            continue
        group[0] += word[0]
        group[2] = max(group[2], word[2])
        group[3], group[4] = min(group[3], word[3]), max(group[4], word[4])
        alive[index] = False


__all__ = ["ENGINE_VERSION", "PdfiumOpenError", "metadata_title", "open_document", "read_page", "read_pages"]
