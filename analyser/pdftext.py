"""Page text from PDFs with geometry: words -> zones -> lines -> clean body text.

Reading (pdfplumber) and layout are separate steps. :func:`read_pdf_pages` turns
each page into plain :class:`Word` boxes and closes the page at once;
:func:`layout_pages` works on those boxes only, so another reader (OCR, or a faster
engine for plain pages) can feed the same layout code.

Layout steps, per document:
1. body font size = the size most characters have;
2. per page, words outside the body column in a smaller font are margin notes;
3. running headers/footers: lines near the top or bottom edge whose text (digits
   ignored, so page numbers may vary) recurs at the same position on many pages;
4. reading order: where a strip at the midline of the body is empty for several
   lines, read the left column, then the right one;
5. footnotes: smaller-font lines below the last body-size line of the page;
6. normalisation (ligatures, odd spaces) and line-end de-hyphenation.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from .language import word_list
from .models import Page

if TYPE_CHECKING:
    from .extract import ExtractSettings

# Lines made only of a page number ("12", "- 12 -", "Page 12 of 40", "xii").
PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:[-\u2013\u2014]\s*)?(?:page\s*)?(?:\d{1,4}|(?=[ivxlcdm])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})|[\[(]\d{1,4}[\])])"
    r"(?:\s*(?:of|/)\s*\d{1,4})?(?:\s*[-\u2013\u2014])?\s*$",
    re.IGNORECASE,
)
HYPHENS = "-\u2010\u2011\u00ad"
SOFT_HYPHEN = "\u00ad"
_LINE_END_HYPHEN_RE = re.compile(rf"([^\W\d_][^\s]*?)([{HYPHENS}])$")
_WORD_TOKEN_RE = re.compile(r"[^\W\d_]+(?:[\-\u2010\u2011][^\W\d_]+)*")
_LETTERS_RE = re.compile(r"[^\W\d_]+")
_ROMAN_TOKEN_RE = re.compile(r"\b[ivxlcdm]{1,7}\b")
# Tabs are not "odd": tables of contents use them to set page numbers apart.
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_DROPPED = "\u200b\u200c\u200d\u2060\ufeff\x02"
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"}
_TRANSLATION = {
    **{ord(c): " " for c in _SPACES},
    **{ord(c): None for c in _DROPPED},
    **{ord(k): v for k, v in _LIGATURES.items()},
    **{c: None for c in range(32) if chr(c) not in "\n\f\t"},
}


class Word(NamedTuple):
    """One word box in PDF points, top-left origin."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    line: int = -1  # line id from OCR; -1 means "group lines by geometry"
    upright: bool = True


@dataclass
class RawPage:
    """The words of one page before layout analysis."""

    number: int  # 1-based
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    chars: int = 0  # non-space characters on the text layer
    ocr: bool = False
    error: str = ""  # the page could not be parsed (another engine may try it)
    skipped: str = ""  # the page was deliberately not read (too small, too many characters): why


@dataclass(frozen=True)
class Line:
    """A line of words in reading order."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass
class LayoutStats:
    """What layout analysis removed or decided, for DocumentHealth."""

    header_footer_lines: int = 0
    two_column_pages: int = 0
    body_size: float = 0.0
    title: str = ""


@dataclass
class _PageLines:
    """Intermediate per-page state of layout analysis."""

    raw: RawPage
    main: list[Word]
    margin_lines: list[list[Word]]  # notes outside the body column
    sideways: list[Word]
    body_range: tuple[float, float]  # left and right edge of the body column(s)


# --------------------------------------------------------------------- reading


def read_pdf_pages(pdf: Any, settings: ExtractSettings, only: set[int] | None = None) -> Iterator[RawPage]:
    """Yield a :class:`RawPage` per page of an open ``pdfplumber.PDF``.

    Each pdfplumber page is closed as soon as its words are read, which keeps
    memory flat. A page that fails to parse yields a RawPage with ``error`` set.
    ``only``: 1-based numbers of the pages to read (default: all).
    """
    from .extract import PARSER_ERRORS  # late import: extract imports this module

    for index, page in enumerate(pdf.pages):
        if only is not None and index + 1 not in only:
            continue
        try:
            yield _read_page(page, index + 1, settings)
        except PARSER_ERRORS as exc:
            yield RawPage(index + 1, 0.0, 0.0, error=f"{type(exc).__name__}: {exc}")
        finally:
            page.close()


def page_size_problem(width: float, height: float, settings: ExtractSettings) -> str:
    """Why a page is too small to hold statute text, or "" when it is not."""
    if min(width, height) >= settings.min_page_side_pt:
        return ""
    return f"smaller than {settings.min_page_side_pt:g} pt on a side (e.g. {width:.0f} x {height:.0f} pt), not a statute page"


def too_many_chars(settings: ExtractSettings) -> str:
    """Why a page with more characters than ``settings.max_page_chars`` is not read."""
    return (f"more than {settings.max_page_chars:,} characters on one page (a malformed or hostile page; "
            "raise max_page_chars to read it)")


def _read_page(page: Any, number: int, settings: ExtractSettings) -> RawPage:
    """Words of one pdfplumber page, fake-bold duplicates removed."""
    from pdfplumber.utils.text import extract_words

    too_small = page_size_problem(float(page.width), float(page.height), settings)
    if too_small:
        return RawPage(number, float(page.width), float(page.height), skipped=too_small)
    chars = page.chars
    if len(chars) > settings.max_page_chars:
        return RawPage(number, float(page.width), float(page.height), chars=len(chars), skipped=too_many_chars(settings))
    chars = [c for c in chars if _placed(c)]
    found = extract_words(
        dedupe_chars(chars, settings.dedupe_tolerance),
        x_tolerance_ratio=settings.x_tolerance_ratio,
        y_tolerance=settings.y_tolerance,
        keep_blank_chars=False,
        extra_attrs=["size"],
        expand_ligatures=True,
    )
    words = [
        Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"]),
             float(w["size"]), upright=bool(w.get("upright", True)))
        for w in found
        if w["text"].strip()
    ]
    layer = sum(1 for c in chars if not c["text"].isspace())
    return RawPage(number, float(page.width), float(page.height), words, layer)


def _placed(char: dict[str, Any]) -> bool:
    """Has a glyph a finite box and size? A text matrix past float range gives NaN or inf (issue 9)."""
    return all(math.isfinite(char.get(key, 0.0)) for key in ("x0", "x1", "top", "bottom", "size"))


def dedupe_chars(chars: list[dict[str, Any]], tolerance: float) -> list[dict[str, Any]]:
    """Drop glyph copies drawn to fake bold: same text, font and size within
    ``tolerance`` pt of a kept glyph. Order is kept.

    Same rule as pdfplumber's ``dedupe_chars``, which sorts by ``list.index`` and is
    quadratic (0.7 s per dense page); this one hashes positions into a grid.
    """
    if tolerance <= 0:
        return list(chars)
    kept: list[dict[str, Any]] = []
    grid: dict[tuple[Any, ...], list[tuple[float, float]]] = defaultdict(list)
    for c in chars:
        key = (c.get("upright"), c["text"], c.get("fontname"), c.get("size"))
        cx, cy = math.floor(c["x0"] / tolerance), math.floor(c["top"] / tolerance)
        if any(
            abs(x - c["x0"]) <= tolerance and abs(y - c["top"]) <= tolerance
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            for x, y in grid.get((*key, cx + dx, cy + dy), ())
        ):
            continue
        grid[(*key, cx, cy)].append((c["x0"], c["top"]))
        kept.append(c)
    return kept


# ---------------------------------------------------------------- layout entry


def layout_pages(raw_pages: Sequence[RawPage], settings: ExtractSettings) -> tuple[list[Page], LayoutStats]:
    """Turn raw word boxes into clean :class:`Page` records.

    Args:
        raw_pages: every page of one document, in order.
        settings: the extraction settings.

    Returns:
        The pages (body text and notes) and what was removed.
    """
    stats = LayoutStats(body_size=body_font_size(raw_pages))
    columns = _body_columns(raw_pages, stats.body_size)
    zoned = [_zone_page(p, columns, stats.body_size, settings) for p in raw_pages]
    running, stats.header_footer_lines = find_running_lines(zoned, settings)
    body_lines: list[list[str]] = []
    notes: list[list[str]] = []
    first_lines: list[Line] = []
    for page, drop in zip(zoned, running):
        body, page_notes, two_col = _page_reading_order(page, drop, stats.body_size, settings)
        stats.two_column_pages += two_col
        body_lines.append([normalise_line(line.text) for line in body])
        notes.append([normalise_line(t) for t in page_notes])
        if not first_lines and body:
            first_lines = body
    body_lines = dehyphenate_pages(body_lines, word_list("en", "hyphen_prefixes"))
    vocab = _vocabulary(body_lines)
    stats.title = _guess_title(first_lines, vocab)
    pages = [
        Page(raw.number, "\n".join(line for line in lines if line), ocr=raw.ocr,
             notes="\n".join(n for n in page_notes if n))
        for raw, lines, page_notes in zip(raw_pages, body_lines, notes)
    ]
    return pages, stats


# ------------------------------------------------------------ fonts and zones


def body_font_size(raw_pages: Sequence[RawPage]) -> float:
    """The font size carrying the most characters (rounded to 0.5 pt)."""
    weights: Counter[float] = Counter()
    for page in raw_pages:
        for w in page.words:
            weights[round(w.size * 2) / 2] += len(w.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def _is_body_size(size: float, body_size: float) -> bool:
    return abs(size - body_size) <= 0.1 * body_size + 0.25


def _body_columns(raw_pages: Sequence[RawPage], body_size: float) -> dict[int, tuple[float, float]]:
    """Left and right edge of the body text, per page parity (mirror margins)."""
    edges: dict[int, tuple[list[float], list[float]]] = {0: ([], []), 1: ([], [])}
    for page in raw_pages:
        left, right = edges[page.number % 2]
        for w in page.words:
            if w.upright and _is_body_size(w.size, body_size):
                left.append(w.x0)
                right.append(w.x1)
    every = (edges[0][0] + edges[1][0], edges[0][1] + edges[1][1])
    result = {}
    for parity, (left, right) in edges.items():
        xs0, xs1 = (left, right) if len(left) >= 20 else every
        result[parity] = (_percentile(xs0, 0.01), _percentile(xs1, 0.99)) if xs0 else (0.0, math.inf)
    return result


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(q * len(ordered))))]


def _zone_page(
    page: RawPage, columns: dict[int, tuple[float, float]], body_size: float, settings: ExtractSettings
) -> _PageLines:
    """Split a page's words into body column, margin notes and sideways text."""
    left_edge, right_edge = columns[page.number % 2]
    main: list[Word] = []
    left: list[Word] = []
    right: list[Word] = []
    sideways: list[Word] = []
    small = body_size * settings.note_size_ratio
    for w in page.words:
        if not w.upright:
            sideways.append(w)
        elif page.ocr or w.size >= small:
            main.append(w)
        elif w.x1 <= left_edge + settings.margin_slack_pt:
            left.append(w)
        elif w.x0 >= right_edge - settings.margin_slack_pt:
            right.append(w)
        else:
            main.append(w)
    margin = group_lines(left, settings) + group_lines(right, settings)
    return _PageLines(page, main, margin, sideways, (left_edge, right_edge))


# ---------------------------------------------------------------- line making


def group_lines(words: Sequence[Word], settings: ExtractSettings) -> list[list[Word]]:
    """Group words into lines by vertical overlap (or by OCR line id), top to bottom."""
    if words and all(w.line >= 0 for w in words):
        by_id: dict[int, list[Word]] = defaultdict(list)
        for w in words:
            by_id[w.line].append(w)
        return [sorted(ws, key=lambda w: w.x0) for ws in by_id.values()]
    lines: list[list[Word]] = []
    boxes: list[tuple[float, float]] = []
    ratio = settings.line_overlap
    for w in sorted(words, key=_top_left):
        w_top, w_bottom = w.top, w.bottom
        for i in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            top, bottom = boxes[i]
            overlap = (bottom if bottom < w_bottom else w_bottom) - (top if top > w_top else w_top)
            height, w_height = bottom - top, w_bottom - w_top
            if overlap >= ratio * (height if height < w_height else w_height):
                lines[i].append(w)
                boxes[i] = (top if top < w_top else w_top, bottom if bottom > w_bottom else w_bottom)
                break
        else:
            lines.append([w])
            boxes.append((w_top, w_bottom))
    return [sorted(ws, key=_left) for ws in lines]


def _top_left(w: Word) -> tuple[float, float]:
    return (w.top, w.x0)


def _left(w: Word) -> float:
    return w.x0


def make_line(words: Sequence[Word]) -> Line:
    """A :class:`Line` from its words (already in left-to-right order); its size is the one
    carrying the most characters (the first such size on a tie)."""
    sizes: dict[float, int] = {}
    first = words[0]
    x0, x1, top, bottom = first.x0, first.x1, first.top, first.bottom
    for w in words:  # one pass: this runs for every line of every page, several times
        sizes[w.size] = sizes.get(w.size, 0) + len(w.text)
        if w.x0 < x0:
            x0 = w.x0
        if w.x1 > x1:
            x1 = w.x1
        if w.top < top:
            top = w.top
        if w.bottom > bottom:
            bottom = w.bottom
    size = max(sizes.items(), key=_count)[0]
    return Line(" ".join(w.text for w in words), x0, x1, top, bottom, size)


def _count(item: tuple[float, int]) -> int:
    return item[1]


# ------------------------------------------------------- running headers/footers


_NUMBER_RE = re.compile(r"\d+")


def hf_key(text: str) -> str:
    """Comparison key of a header/footer line: page numbers and spaces ignored."""
    key = _ROMAN_TOKEN_RE.sub("#", re.sub(r"\d+", "#", text.lower()))
    return re.sub(r"\s+", "", key)


def find_running_lines(pages: Sequence[_PageLines], settings: ExtractSettings) -> tuple[list[set[int]], int]:
    """Ids of words in running headers/footers, per page, and the number of lines.

    A line counts when it lies in the top or bottom band of its page and the same
    key (see :func:`hf_key`) occurs at the same distance from that edge on enough
    pages; a bare page number as the first or last line of a page always counts.
    """
    candidates: dict[tuple[str, str], list[tuple[int, float, list[Word], str, str]]] = defaultdict(list)
    removed: list[set[int]] = [set() for _ in pages]
    count = 0
    for index, page in enumerate(pages):
        lines = sorted(group_lines(page.main, settings) + page.margin_lines, key=lambda ws: min(w.top for w in ws))
        height = page.raw.height
        for pos, words in enumerate(lines):
            line = make_line(words)
            in_top = line.bottom <= height * settings.header_band
            in_bottom = line.top >= height * (1 - settings.header_band)
            if not (in_top or in_bottom):
                continue
            if _isolated(lines, pos) and PAGE_NUMBER_RE.match(line.text):
                removed[index].update(id(w) for w in words)
                count += 1
                continue
            edge = "top" if in_top else "bottom"
            offset = line.top if in_top else height - line.bottom
            key = hf_key(line.text)
            # OCR misreads vary the text: scanned pages share one group, compared fuzzily
            group = "~ocr" if page.raw.ocr else key
            candidates[(edge, group)].append((index, offset, words, key, line.text))
    need = max(settings.header_min_pages, math.ceil(settings.header_min_fraction * len(pages)))
    for (_, group_key), group in candidates.items():
        fuzzy = group_key == "~ocr"
        for index, offset, words, key, text in group:
            slack = settings.header_tolerance_pt * (settings.ocr_position_slack if fuzzy else 1)
            hits = {
                i for i, other, _, other_key, other_text in group
                if abs(other - offset) <= slack
                and (not fuzzy or _similar(key, other_key, settings.ocr_header_similarity))
                and (fuzzy or _numbers_agree(text, index, other_text, i))
            }
            if len(hits) >= need:
                removed[index].update(id(w) for w in words)
                count += 1
    return removed, count


def _numbers_agree(text: str, index: int, other_text: str, other_index: int) -> bool:
    """Whether the numbers of two look-alike lines vary as page numbers do.

    Running headers keep their numbers ("Act 12 of 2020") or count pages ("Page 7");
    a heading that merely happens to open two pages ("Article 20", "Article 182") does not.
    """
    ours, theirs = _NUMBER_RE.findall(text), _NUMBER_RE.findall(other_text)
    if ours == theirs:
        return True
    if len(ours) != len(theirs):
        return False
    changed = [(int(a), int(b)) for a, b in zip(ours, theirs) if a != b]
    return len(changed) == 1 and changed[0][0] - changed[0][1] == index - other_index


def _isolated(lines: list[list[Word]], pos: int) -> bool:
    """First or last line of the page, set apart from its neighbour by more than
    a line height (page numbers float apart; a wrapped body line does not)."""
    if pos not in (0, len(lines) - 1):
        return False
    if len(lines) == 1:
        return True
    line = make_line(lines[pos])
    other = make_line(lines[1] if pos == 0 else lines[-2])
    gap = other.top - line.bottom if pos == 0 else line.top - other.bottom
    return gap > line.bottom - line.top


def _similar(a: str, b: str, threshold: float) -> bool:
    """Whether two header keys are alike (letters only), for OCR misreads."""
    a, b = "".join(_LETTERS_RE.findall(a)), "".join(_LETTERS_RE.findall(b))
    if not a or not b:
        return False
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= threshold


# ------------------------------------------------------------- reading order


def _page_reading_order(
    page: _PageLines, drop: set[int], body_size: float, settings: ExtractSettings
) -> tuple[list[Line], list[str], bool]:
    """Body lines in reading order, note lines, and whether columns were found."""
    words = [w for w in page.main if id(w) not in drop]
    ordered, two_col = order_columns(words, settings, detect=not page.raw.ocr, span=page.body_range)
    lines = [make_line(ws) for ws in ordered]
    body, footnotes = split_footnotes(lines, body_size, page.raw.height, settings) if not page.raw.ocr else (lines, [])
    margin = [make_line(ws) for ws in page.margin_lines if not any(id(w) in drop for w in ws)]
    notes = merge_note_lines(margin) + [line.text for line in footnotes]
    notes += [w.text for w in page.sideways]
    return body, notes, two_col


def order_columns(
    words: Sequence[Word], settings: ExtractSettings, detect: bool = True,
    span: tuple[float, float] | None = None,
) -> tuple[list[list[Word]], bool]:
    """Lines in reading order; runs of rows with an empty midline strip are read
    as two columns (left column first).

    ``span`` is the body's left and right edge over the whole document (a page whose
    right column is short would otherwise put the midline inside the left column).
    """
    rows = group_lines(words, settings)
    if not detect or not rows:
        return rows, False
    x0 = min(w.x0 for w in words)
    x1 = max(w.x1 for w in words)
    if span is not None and math.isfinite(span[1]) and span[0] <= x0 + 1 and x1 <= span[1] + 1:
        x0, x1 = span
    mid = (x0 + x1) / 2
    half = max(settings.column_strip_pt, settings.column_strip_ratio * (x1 - x0)) / 2
    crossing = [any(w.x0 < mid + half and w.x1 > mid - half for w in row) for row in rows]
    out: list[list[Word]] = []
    two_col = False
    start = 0
    for end in range(1, len(rows) + 1):
        if end < len(rows) and crossing[end] == crossing[start]:
            continue
        run = rows[start:end]
        split = None if crossing[start] else _split_run(run, mid, (x1 - x0), settings)
        if split is None:
            out.extend(run)
        else:
            out.extend(split)
            two_col = True
        start = end
    return out, two_col


def _split_run(
    run: list[list[Word]], mid: float, width: float, settings: ExtractSettings
) -> list[list[Word]] | None:
    """Left-then-right lines of a run of rows, or None if it is not two columns."""
    left = [w for row in run for w in row if w.x1 <= mid]
    right = [w for row in run for w in row if w.x0 >= mid]
    if not left or not right:
        return None
    fill = settings.column_fill_ratio * width
    if max(w.x1 for w in left) < mid - fill or min(w.x0 for w in right) > mid + fill:
        return None
    left_lines = group_lines(left, settings)
    right_lines = group_lines(right, settings)
    if min(len(left_lines), len(right_lines)) < settings.min_column_lines:
        return None
    return left_lines + right_lines


def merge_note_lines(lines: list[Line]) -> list[str]:
    """Margin-note lines joined into one line per note: a line continues the
    latest note it overlaps horizontally when the gap is under a line height."""
    notes: list[list[Line]] = []
    for line in sorted(lines, key=lambda ln: ln.top):
        for group in reversed(notes):
            last = group[-1]
            if min(last.x1, line.x1) > max(last.x0, line.x0):  # same margin
                if 0 <= line.top - last.bottom < line.size:
                    group.append(line)
                    break
                notes.append([line])
                break
        else:
            notes.append([line])
    return [" ".join(ln.text for ln in group) for group in notes]


def split_footnotes(
    lines: list[Line], body_size: float, height: float, settings: ExtractSettings
) -> tuple[list[Line], list[Line]]:
    """Separate smaller-font lines below the last body-size line (footnotes)."""
    body_bottoms = [line.bottom for line in lines if line.size >= body_size * settings.note_size_ratio]
    if not body_bottoms:
        return lines, []
    last_body = max(body_bottoms)
    floor = height * settings.footnote_min_top

    def is_note(line: Line) -> bool:
        return line.size < body_size * settings.note_size_ratio and line.top >= last_body and line.top >= floor

    return [ln for ln in lines if not is_note(ln)], [ln for ln in lines if is_note(ln)]


# -------------------------------------------------------------- normalisation


def normalise_line(text: str) -> str:
    """NFC, ligatures expanded, odd spaces to plain spaces, zero-width and control
    characters dropped, mid-line soft hyphens removed, runs of spaces collapsed."""
    text = unicodedata.normalize("NFC", text).translate(_TRANSLATION)
    if SOFT_HYPHEN in text[:-1]:
        text = text[:-1].replace(SOFT_HYPHEN, "") + text[-1]
    return re.sub(r" {2,}", " ", text).strip(" ")


def normalise_text(text: str) -> str:
    """:func:`normalise_line` applied to every line of ``text``."""
    return "\n".join(normalise_line(line) for line in text.split("\n"))


# ------------------------------------------------------------ de-hyphenation


def dehyphenate_pages(pages: list[list[str]], prefixes: frozenset[str]) -> list[list[str]]:
    """Re-join words broken at line ends, across lines and pages.

    Whether the hyphen stays is decided by the document itself: the joined form or
    the hyphenated form, whichever occurs elsewhere in the document, wins; if neither
    occurs, a soft hyphen or a lowercase continuation joins, a capital or digit
    continuation or a known prefix (``hyphen_prefixes`` in languages.json) keeps it.
    """
    pages = [list(lines) for lines in pages]
    flat = [(p, i) for p, lines in enumerate(pages) for i in range(len(lines)) if lines[i]]
    breaks = [
        (flat[k], flat[k + 1])
        for k in range(len(flat) - 1)
        if _LINE_END_HYPHEN_RE.search(pages[flat[k][0]][flat[k][1]])
    ]
    vocab = _vocabulary(pages, skip={pos for pair in breaks for pos in pair})
    for (p, i), (q, j) in breaks:
        head, tail = pages[p][i], pages[q][j]
        if not head or not tail or not _LINE_END_HYPHEN_RE.search(head):
            continue
        fragment, _, rest = tail.partition(" ")
        joined = _join_fragment(head, fragment, vocab, prefixes)
        if joined is not None:
            pages[p][i], pages[q][j] = joined, rest
    return pages


def _join_fragment(head: str, fragment: str, vocab: Counter[str], prefixes: frozenset[str]) -> str | None:
    """``head`` (ending in a hyphen) with ``fragment`` appended, hyphen kept or
    dropped; None when the fragment does not continue a word."""
    match = _LINE_END_HYPHEN_RE.search(head)
    if match is None or not fragment:
        return None
    hyphen = match.group(2)
    stem = head[: match.start(2)]
    left_word = match.group(1)
    letters = _LETTERS_RE.match(fragment)
    if hyphen == SOFT_HYPHEN:
        return stem + fragment
    if fragment[0] in HYPHENS and len(fragment) > 1:  # hyphen repeated on the new line
        return head + fragment[1:]
    if letters is None:  # digit or punctuation continues: "COVID-" "19"
        return head + fragment if fragment[0].isalnum() else None
    keep = _keep_hyphen(left_word, letters.group(0), vocab, prefixes)
    return (head if keep else stem) + fragment


def _keep_hyphen(left_word: str, right: str, vocab: Counter[str], prefixes: frozenset[str]) -> bool:
    """Decide whether ``left_word-`` + ``right`` is a real compound."""
    left = left_word.lower()
    joined, hyphenated = left + right.lower(), f"{left}-{right.lower()}"
    if vocab[joined] != vocab[hyphenated]:
        return vocab[hyphenated] > vocab[joined]
    if right[0].isupper() and not (left_word.isupper() and right.isupper()):
        return True
    last = re.split(r"[\-\u2010\u2011]", left)[-1]
    return last in prefixes


def _vocabulary(pages: list[list[str]], skip: set[tuple[int, int]] | None = None) -> Counter[str]:
    """Lower-cased word counts of the document (lines in ``skip`` left out)."""
    counts: Counter[str] = Counter()
    for p, lines in enumerate(pages):
        for i, line in enumerate(lines):
            if skip and (p, i) in skip:
                tokens = _WORD_TOKEN_RE.findall(line.lower())
                counts.update(tokens[1:-1])
            else:
                counts.update(_WORD_TOKEN_RE.findall(line.lower()))
    return counts


# ---------------------------------------------------------------------- title


def _guess_title(lines: list[Line], vocab: Counter[str]) -> str:
    """The largest-font line of the first page whose words recur in the document."""
    best: tuple[float, int] | None = None
    title = ""
    for pos, line in enumerate(lines):
        tokens = [t for t in _WORD_TOKEN_RE.findall(line.text.lower()) if len(t) >= 3]
        if len(tokens) < 2:
            continue
        known = sum(1 for t in tokens if vocab[t] >= 2) / len(tokens)
        if known < 0.5:
            continue
        score = (line.size, -pos)
        if best is None or score > best:
            best, title = score, normalise_line(line.text)
    return title[:200]

