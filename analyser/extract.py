"""Extraction stage: one :class:`Source` -> one :class:`Document` plus problems.

``extract`` never raises for a bad input file: zero-byte, truncated, corrupt,
encrypted and wrong-type files each give one ``Problem`` row (severity "error").
Argument errors (bad settings) do raise ``ValueError``.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

try:  # pdfminer.six moved PDFException between releases
    from pdfminer.pdfexceptions import PDFException
except ImportError:  # pragma: no cover
    from pdfminer.pdftypes import PDFException  # type: ignore[no-redef,attr-defined]

from .errors import ExtractionError
from .language import detect_language
from .models import Document, DocumentHealth, Page, Problem, Severity, Source
from .pdftext import RawPage, layout_pages, normalise_text, read_pdf_pages
from .textfiles import TEXT_KINDS, read_text_source

# Exceptions a PDF parser may raise on damaged or hostile input (issue 9).
PARSER_ERRORS: tuple[type[BaseException], ...] = (
    PdfminerException, MalformedPDFException, PDFException, PSException, ValueError, TypeError, KeyError,
    IndexError, AttributeError, AssertionError, ZeroDivisionError, OverflowError,
    struct.error, zlib.error, UnicodeError, RecursionError,
)

# "auto": PDFium reads every page (fast), pdfplumber reads a page PDFium cannot and a
# document PDFium cannot open; "pdfium" / "pdfplumber": that engine only.
ENGINES = ("auto", "pdfium", "pdfplumber")
DEFAULT_X_TOLERANCE_RATIO = 0.15  # word gap as a share of font size (tight gazette spacing)
DEFAULT_Y_TOLERANCE = 3.0
DEFAULT_DEDUPE_TOLERANCE = 1.0  # pt: fake-bold glyph copies closer than this are dropped
DEFAULT_LINE_OVERLAP = 0.5  # share of the smaller height two boxes overlap to share a line
DEFAULT_HEADER_BAND = 0.12  # top/bottom share of the page searched for running lines
DEFAULT_HEADER_MIN_PAGES = 2
DEFAULT_HEADER_MIN_FRACTION = 0.3  # running line must recur on this share of pages
DEFAULT_HEADER_TOLERANCE_PT = 4.0
DEFAULT_OCR_POSITION_SLACK = 4.0  # scans move: position tolerance multiplier on OCR pages
DEFAULT_OCR_HEADER_SIMILARITY = 0.75  # OCR'd running lines match when this alike (difflib ratio)
DEFAULT_NOTE_SIZE_RATIO = 0.92  # smaller than this share of body size: note candidate
DEFAULT_MARGIN_SLACK_PT = 1.0
DEFAULT_FOOTNOTE_MIN_TOP = 0.5  # footnotes start below this share of the page height
DEFAULT_COLUMN_STRIP_PT = 6.0
DEFAULT_COLUMN_STRIP_RATIO = 0.01
DEFAULT_COLUMN_FILL_RATIO = 0.15  # columns must reach this close to the midline
DEFAULT_MIN_COLUMN_LINES = 3
DEFAULT_OCR_MIN_CHARS = 20  # fewer text-layer characters than this: OCR the page
DEFAULT_OCR_DPI = 300
DEFAULT_OCR_TIMEOUT_S = 120.0
DEFAULT_OCR_PSM = 3
DEFAULT_OCR_MIN_CONFIDENCE = 0.0
DEFAULT_MAX_PAGE_CHARS = 200_000  # a dense A4 page of statute text holds ~10,000 characters
DEFAULT_MIN_PAGE_SIDE_PT = 72.0  # one inch: no statute is printed on a smaller page
DEFAULT_MAX_PAGE_OBJECTS = 500_000  # text, path and image objects; a dense map page has ~100,000
SUPPORTED_LANGUAGES = ("en",)

_POSITIVE = (
    "x_tolerance_ratio", "y_tolerance", "line_overlap", "header_band", "header_min_pages",
    "header_tolerance_pt", "ocr_position_slack", "note_size_ratio", "column_strip_pt",
    "min_column_lines", "ocr_dpi", "ocr_timeout_s", "max_page_chars", "min_page_side_pt",
    "max_page_objects",
)
_FRACTIONS = ("line_overlap", "ocr_header_similarity", "header_band", "header_min_fraction", "note_size_ratio",
              "footnote_min_top", "column_strip_ratio", "column_fill_ratio")
_NON_NEGATIVE = ("dedupe_tolerance", "margin_slack_pt", "ocr_min_chars", "ocr_min_confidence")


@dataclass(frozen=True)
class ExtractSettings:
    """Tunables of the extraction stage; see the ``DEFAULT_*`` constants."""

    engine: str = "auto"
    password: str = ""  # tried when a PDF is encrypted (the empty password first)
    x_tolerance_ratio: float = DEFAULT_X_TOLERANCE_RATIO
    y_tolerance: float = DEFAULT_Y_TOLERANCE
    dedupe_tolerance: float = DEFAULT_DEDUPE_TOLERANCE
    line_overlap: float = DEFAULT_LINE_OVERLAP
    header_band: float = DEFAULT_HEADER_BAND
    header_min_pages: int = DEFAULT_HEADER_MIN_PAGES
    header_min_fraction: float = DEFAULT_HEADER_MIN_FRACTION
    header_tolerance_pt: float = DEFAULT_HEADER_TOLERANCE_PT
    ocr_position_slack: float = DEFAULT_OCR_POSITION_SLACK
    ocr_header_similarity: float = DEFAULT_OCR_HEADER_SIMILARITY
    note_size_ratio: float = DEFAULT_NOTE_SIZE_RATIO
    margin_slack_pt: float = DEFAULT_MARGIN_SLACK_PT
    footnote_min_top: float = DEFAULT_FOOTNOTE_MIN_TOP
    column_strip_pt: float = DEFAULT_COLUMN_STRIP_PT
    column_strip_ratio: float = DEFAULT_COLUMN_STRIP_RATIO
    column_fill_ratio: float = DEFAULT_COLUMN_FILL_RATIO
    min_column_lines: int = DEFAULT_MIN_COLUMN_LINES
    ocr: bool = True
    tesseract_cmd: str = "tesseract"
    ocr_language: str = "eng"
    ocr_min_chars: int = DEFAULT_OCR_MIN_CHARS
    ocr_dpi: int = DEFAULT_OCR_DPI
    ocr_timeout_s: float = DEFAULT_OCR_TIMEOUT_S
    ocr_psm: int = DEFAULT_OCR_PSM
    ocr_min_confidence: float = DEFAULT_OCR_MIN_CONFIDENCE
    supported_languages: tuple[str, ...] = SUPPORTED_LANGUAGES
    max_page_chars: int = DEFAULT_MAX_PAGE_CHARS  # a page with more characters is skipped and reported
    min_page_side_pt: float = DEFAULT_MIN_PAGE_SIDE_PT  # a smaller page is skipped and reported
    max_page_objects: int = DEFAULT_MAX_PAGE_OBJECTS  # a page with more drawing objects is skipped (PDFium)

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"ExtractSettings.engine must be one of {list(ENGINES)}, not {self.engine!r}")
        for name in _POSITIVE:
            if not getattr(self, name) > 0:
                raise ValueError(f"ExtractSettings.{name} must be > 0, not {getattr(self, name)!r}")
        for name in _NON_NEGATIVE:
            if getattr(self, name) < 0:
                raise ValueError(f"ExtractSettings.{name} cannot be negative, not {getattr(self, name)!r}")
        for name in _FRACTIONS:
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"ExtractSettings.{name} must be between 0 and 1, not {getattr(self, name)!r}")
        if not self.tesseract_cmd or not self.ocr_language:
            raise ValueError("ExtractSettings.tesseract_cmd and ocr_language cannot be empty")

    @classmethod
    def resolve(cls, value: ExtractSettings | dict[str, Any] | None) -> ExtractSettings:
        """Accept None (defaults), a dict of field values, or an instance."""
        if value is None:
            return cls()
        if isinstance(value, cls):
            return value
        if isinstance(value, dict):
            known = {f.name for f in fields(cls)}
            unknown = sorted(set(value) - known)
            if unknown:
                raise ValueError(f"unknown extract settings {unknown}; valid: {sorted(known)}")
            return cls(**value)
        raise ValueError(f"extract settings must be None, a dict or ExtractSettings, not {type(value).__name__}")

    def as_dict(self) -> dict[str, Any]:
        """Plain dict of the settings (for cache keys and logs)."""
        return asdict(self)


def extract(source: Source, settings: ExtractSettings | None = None) -> tuple[Document | None, list[Problem]]:
    """Extract the text of one source file.

    Args:
        source: the input file.
        settings: extraction tunables; defaults when None.

    Returns:
        ``(document, problems)``. ``document`` is None only when nothing at all is
        readable; then ``problems`` holds one "error" row saying why.
    """
    settings = ExtractSettings.resolve(settings)
    report = _Reporter(source)
    try:
        if source.kind == "pdf":
            document = _extract_pdf(source, settings, report)
        elif source.kind in TEXT_KINDS:
            document = _extract_text(source, report)
        else:
            raise ExtractionError(f"unsupported file kind {source.kind!r}; expected pdf or one of {list(TEXT_KINDS)}")
    except ExtractionError as exc:
        return None, report.fatal(str(exc))
    except OSError as exc:
        return None, report.fatal(f"cannot read file: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 -- a parser bug on hostile input must not stop the batch (issue 9)
        return None, report.fatal(f"unexpected {type(exc).__name__} while extracting: {exc}")
    if document is not None:
        document = _check_language(document, settings, report)
    return document, report.problems


class _Reporter:
    """Collects the problems of one source."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(self, severity: Severity, message: str) -> None:
        self.problems.append(Problem(self.source.jurisdiction, self.source.name, severity, message))

    def fatal(self, message: str) -> list[Problem]:
        """The problems so far plus one error (when no error was reported yet)."""
        if not any(p.severity == "error" for p in self.problems):
            self.add("error", message)
        return self.problems


# ------------------------------------------------------------------------ PDF

_SIGNATURES = (
    (b"<!doctype html", "an HTML page"), (b"<html", "an HTML page"), (b"<?xml", "an XML file"),
    (b"pk\x03\x04", "a ZIP archive (or Office document)"), (b"\x89png", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"), (b"gif8", "a GIF image"), (b"ii*\x00", "a TIFF image"),
    (b"mm\x00*", "a TIFF image"), (b"{\\rtf", "an RTF document"), (b"\xd0\xcf\x11\xe0", "an old MS Office document"),
)


def sniff_type(head: bytes) -> str:
    """Human name of what a non-PDF file looks like, from its first bytes."""
    lowered = head.lstrip().lower()
    for signature, name in _SIGNATURES:
        if lowered.startswith(signature) or (signature.startswith(b"<") and signature in lowered[:512]):
            return name
    return "a text file" if head and all(b >= 9 for b in head[:512]) else "an unknown binary file"


def _check_pdf_bytes(path: Path, size: int) -> None:
    """Reject empty files and files that are not PDFs before parsing."""
    if size == 0:
        raise ExtractionError("empty file (0 bytes)")
    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        raise ExtractionError(f"not a PDF: the file looks like {sniff_type(head)} despite its .pdf extension")


def _declares_encryption(path: Path) -> bool:
    """Does the trailer (at the end, or the first-page trailer of a linearised file) name /Encrypt?"""
    with path.open("rb") as handle:
        head = handle.read(4096)
        handle.seek(max(0, path.stat().st_size - 4096))
        return b"/Encrypt" in head or b"/Encrypt" in handle.read()


def _has_eof_marker(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 2048))
        return b"%%EOF" in handle.read()


def _open_pdf(path: Path, settings: ExtractSettings) -> Any:
    """Open with pdfplumber, trying the empty password and then the configured one."""
    import pdfplumber

    passwords = [""] + ([settings.password] if settings.password else [])
    for password in passwords:
        try:
            return pdfplumber.open(path, password=password)
        except PdfminerException as exc:
            cause = exc.args[0] if exc.args else exc
            if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
                if password == passwords[-1]:
                    raise ExtractionError(_encrypted_message(cause, settings)) from exc
                continue
            raise ExtractionError(_corrupt_message(path, cause)) from exc
        except PARSER_ERRORS as exc:
            raise ExtractionError(_corrupt_message(path, exc)) from exc
    raise ExtractionError("encrypted PDF: cannot be opened")  # pragma: no cover


def _encrypted_message(cause: BaseException, settings: ExtractSettings) -> str:
    if isinstance(cause, PDFEncryptionError) and str(cause):
        return f"encrypted PDF: cannot be decrypted without a password, or the encryption is unsupported ({cause})"
    tried = "the empty password and the configured one" if settings.password else "the empty password"
    return f"encrypted PDF: a password is needed to open it ({tried} did not work)"


def _corrupt_message(path: Path, cause: BaseException) -> str:
    state = "truncated" if not _has_eof_marker(path) else "corrupt"
    detail = str(cause) or type(cause).__name__
    return f"{state} PDF: cannot be parsed ({type(cause).__name__}: {detail[:160]})"


def _extract_pdf(source: Source, settings: ExtractSettings, report: _Reporter) -> Document | None:
    """Text layer (PDFium and/or pdfplumber), OCR for pages without one, then layout."""
    path = Path(source.path)
    _check_pdf_bytes(path, path.stat().st_size)
    meta_title, raw_pages, engines = _read_text_layer(path, settings)
    if not raw_pages:
        raise ExtractionError(_corrupt_message(path, ValueError("no pages found")))
    truncated = not _has_eof_marker(path)
    failed = [p.number for p in raw_pages if p.error]
    if len(failed) == len(raw_pages):
        state = "truncated" if truncated else "corrupt"
        raise ExtractionError(f"{state} PDF: no page could be parsed ({raw_pages[0].error[:160]})")
    if _declares_encryption(path):
        how = "the empty or the configured password" if settings.password else "the empty user password"
        report.add("info", f"encrypted PDF, opened with {how} (its owner restrictions on copying or printing "
                           "do not affect the analysis)")
    _report_skipped(raw_pages, report)
    raw_pages = _ocr_where_needed(path, raw_pages, settings, report)
    chars_layer = sum(p.chars for p in raw_pages)
    pages, stats = layout_pages(raw_pages, settings)
    del raw_pages  # word boxes are no longer needed: free them before segmentation
    if not any(p.text.strip() for p in pages):
        raise ExtractionError(_no_text_message_pages(pages, report))
    if truncated or failed:
        what = "truncated PDF (no end-of-file marker)" if truncated else "partly corrupt PDF"
        pages_note = f"; pages {_ranges(failed)} could not be parsed" if failed else ""
        report.add("error", f"{what}: text may be incomplete{pages_note}")
    pages_ocr = sum(1 for p in pages if p.ocr)
    extractor = "+".join(engines) + ("+tesseract" if pages_ocr else "")
    health = DocumentHealth(
        pages=len(pages), pages_ocr=pages_ocr, chars_layer=chars_layer,
        chars_kept=_visible_chars(pages), header_footer_lines_removed=stats.header_footer_lines,
        extractor=extractor, title=meta_title or stats.title,
    )
    return Document(source, tuple(pages), health)


def _read_text_layer(path: Path, settings: ExtractSettings) -> tuple[str, list[RawPage], list[str]]:
    """(metadata title, raw pages, engines used) with the configured engine."""
    if settings.engine == "pdfplumber":
        return (*_read_with_pdfplumber(path, settings), ["pdfplumber"])
    from .pdfium_text import PdfiumOpenError, metadata_title, open_document, read_pages

    passwords = [""] + ([settings.password] if settings.password else [])
    try:
        pdf = open_document(path, passwords)
    except PdfiumOpenError as exc:
        if settings.engine == "auto":  # pdfplumber's reading and its error messages
            return (*_read_with_pdfplumber(path, settings), ["pdfplumber"])
        if exc.kind == "password":
            raise ExtractionError(_encrypted_message(PDFPasswordIncorrect(), settings)) from exc
        raise ExtractionError(_corrupt_message(path, exc)) from exc
    try:
        title = metadata_title(pdf)
        raw_pages = list(read_pages(pdf, settings))
    finally:
        pdf.close()
    engines = ["pdfium"]
    failed = [p.number for p in raw_pages if p.error]
    if failed and settings.engine == "auto":
        try:
            again = {p.number: p for p in _read_pages_with_pdfplumber(path, settings, set(failed))}
        except ExtractionError:
            again = {}
        if any(not p.error for p in again.values()):
            engines.append("pdfplumber")
        raw_pages = [again.get(p.number, p) if p.error else p for p in raw_pages]
    return _clean_title(title), raw_pages, engines


def _read_with_pdfplumber(path: Path, settings: ExtractSettings,
                          only: set[int] | None = None) -> tuple[str, list[RawPage]]:
    """(metadata title, raw pages) read with pdfplumber; ``only``: 1-based pages to read."""
    pdf = _open_pdf(path, settings)
    try:
        return _metadata_title(pdf), list(read_pdf_pages(pdf, settings, only))
    except PARSER_ERRORS as exc:
        # pdfplumber builds its page list whole, outside read_pdf_pages' per-page guard: one
        # damaged page object (a /Rotate that is not a number) fails them all (issue 9 fuzzing)
        cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
        raise ExtractionError(_corrupt_message(path, cause)) from exc
    finally:
        _close_pdf(pdf)


def _read_pages_with_pdfplumber(path: Path, settings: ExtractSettings, numbers: set[int]) -> list[RawPage]:
    """Only the given 1-based pages, read with pdfplumber."""
    return _read_with_pdfplumber(path, settings, numbers)[1]


def _close_pdf(pdf: Any) -> None:
    """Close a pdfplumber PDF; its ``close`` re-reads a page list that may be what failed."""
    try:
        pdf.close()
    except PARSER_ERRORS:
        if not getattr(pdf, "stream_is_external", True):
            pdf.stream.close()


def _ocr_where_needed(path: Path, raw_pages: list[RawPage], settings: ExtractSettings, report: _Reporter) -> list[RawPage]:
    """Replace pages without a usable text layer by their OCR reading."""
    from .ocr import TESSERACT_INSTALL_HINT, find_tesseract, ocr_pages

    wanted = [p.number for p in raw_pages if not p.error and not p.skipped and p.chars < settings.ocr_min_chars]
    if not wanted or not settings.ocr:
        if wanted:
            report.add("warning", f"{len(wanted)} of {len(raw_pages)} pages have no text layer and OCR is off")
        return raw_pages
    if find_tesseract(settings.tesseract_cmd) is None:
        severity: Severity = "error" if len(wanted) == len(raw_pages) else "warning"
        report.add(severity, f"{len(wanted)} of {len(raw_pages)} pages have no text layer and Tesseract "
                             f"('{settings.tesseract_cmd}') is not installed: {TESSERACT_INSTALL_HINT}")
        return raw_pages
    by_number = {p.number: p for p in raw_pages}
    errors = []
    for page in ocr_pages(path, wanted, settings):
        if page.error:
            errors.append(f"page {page.number}: {page.error}")
        else:
            page.chars = by_number[page.number].chars
            by_number[page.number] = page
    if errors:
        report.add("warning", f"OCR failed on {len(errors)} page(s): " + "; ".join(errors[:3]))
    return [by_number[p.number] for p in raw_pages]


def _report_skipped(raw_pages: list[RawPage], report: _Reporter) -> None:
    """One problem for the pages not read on purpose; an error when that is every page."""
    skipped = [p for p in raw_pages if p.skipped]
    if not skipped:
        return
    reasons = sorted({p.skipped for p in skipped})
    why = "; ".join(reasons[:3]) + (f"; and {len(reasons) - 3} other reasons" if len(reasons) > 3 else "")
    if len(skipped) == len(raw_pages):
        raise ExtractionError(f"no readable text: all {len(raw_pages)} pages were skipped ({why})")
    where = ("page " if len(skipped) == 1 else "pages ") + _ranges([p.number for p in skipped])
    report.add("warning", f"{len(skipped)} of {len(raw_pages)} pages not read ({where}): {why}")


def _no_text_message_pages(pages: list[Page], report: _Reporter) -> str:
    if any(p.ocr for p in pages):
        return "no readable text: OCR found no words (blank or unreadable scan)"
    if report.problems:
        return report.problems[-1].message
    return "no readable text: the PDF has no text layer"


def _metadata_title(pdf: Any) -> str:
    """The PDF's Title metadata (pdfplumber), if it is a real title (not a file name)."""
    title = pdf.metadata.get("Title") if isinstance(getattr(pdf, "metadata", None), dict) else None
    return _clean_title(title)


def _clean_title(title: object) -> str:
    """A metadata title, unless it is empty or a file name."""
    if not isinstance(title, str):
        return ""
    title = normalise_text(title).strip()
    looks_like_file = title.lower().endswith((".pdf", ".doc", ".docx", ".rtf")) or "\\" in title
    return "" if looks_like_file or len(title) < 4 else title[:200]


def _visible_chars(pages: tuple[Page, ...] | list[Page]) -> int:
    """Non-whitespace characters of the body text (comparable with ``chars_layer``)."""
    return sum(len(p.text) - sum(1 for c in p.text if c.isspace()) for p in pages)


def _ranges(numbers: list[int]) -> str:
    """'1-3, 7' from [1, 2, 3, 7]."""
    parts: list[str] = []
    for n in sorted(numbers):
        if parts and parts[-1].split("-")[-1] == str(n - 1):
            parts[-1] = f"{parts[-1].split('-')[0]}-{n}"
        else:
            parts.append(str(n))
    return ", ".join(parts)


# ----------------------------------------------------------------------- text


def _extract_text(source: Source, report: _Reporter) -> Document:
    """A .txt/.md/.html source as a Document (pages split on form feeds)."""
    result = read_text_source(Path(source.path), source.kind)
    for note in result.notes:
        report.add("info", note)
    pages = tuple(Page(i + 1, normalise_text(text)) for i, text in enumerate(result.pages))
    if not any(p.text.strip() for p in pages):
        raise ExtractionError("no readable text: the file is empty" if source.size == 0 else "no readable text")
    health = DocumentHealth(
        pages=len(pages), chars_layer=result.chars_source, chars_kept=_visible_chars(pages),
        extractor={"md": "markdown", "html": "html"}.get(source.kind, "text"), title=result.title,
    )
    return Document(source, pages, health)


# ------------------------------------------------------------------- language


def _check_language(document: Document, settings: ExtractSettings, report: _Reporter) -> Document:
    """Set health.language and report documents the checklist cannot read."""
    guess = detect_language(document.text)
    document = replace(document, health=replace(document.health, language=guess.code))
    if guess.code == "und" and guess.tokens >= 200:
        report.add("warning", f"language not recognised (only {guess.ratio:.0%} common words): "
                              "the text may be garbled, e.g. a poor OCR layer")
    elif guess.code not in ("und", *settings.supported_languages):
        report.add("warning", f"text is in {guess.name} ({guess.code}); the checklist patterns cover "
                              f"{', '.join(settings.supported_languages)} only, so missing items here are not evidence of gaps")
    return document


__all__ = ["ExtractSettings", "extract", "PARSER_ERRORS", "sniff_type"]
