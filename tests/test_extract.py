"""Extraction stage: layout on generated PDFs, bad input, OCR, settings."""

from __future__ import annotations

import hashlib
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from analyser.extract import ExtractSettings, extract, sniff_type
from analyser.models import Source
from analyser.pdftext import PAGE_NUMBER_RE, dehyphenate_pages, hf_key, normalise_line

WIDTH, HEIGHT = A4
FILLER = "and the person who is in the care of the officer or of the court may be heard"


def source_for(path: Path, kind: str = "pdf") -> Source:
    data = path.read_bytes()
    return Source("TST", path, path.name, kind, hashlib.sha256(data).hexdigest(), len(data))


def make_pdf(path: Path, draw_page: Callable[[canvas.Canvas, int], None], pages: int = 3) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    for number in range(1, pages + 1):
        draw_page(c, number)
        c.showPage()
    c.save()
    return path


def body(c: canvas.Canvas, number: int, lines: int = 30, x: float = 72, size: float = 10) -> None:
    c.setFont("Times-Roman", size)
    for i in range(lines):
        c.drawString(x, HEIGHT - 110 - i * 14, f"p{number} line{i} {FILLER}")


def running(c: canvas.Canvas, number: int) -> None:
    c.setFont("Times-Roman", 8)
    c.drawCentredString(WIDTH / 2, HEIGHT - 40, "Official Gazette Test Act 2030")
    c.drawCentredString(WIDTH / 2, 30, f"- {number} -")


def run(path: Path, **settings: object) -> tuple:
    return extract(source_for(path), ExtractSettings(**settings) if settings else None)


# Layout tests run on both readers: the fast PDFium path (the default, "auto") and pdfplumber.
@pytest.fixture(params=["pdfium", "pdfplumber"])
def engine(request: pytest.FixtureRequest) -> str:
    return request.param


def test_default_engine_is_auto_and_reads_with_pdfium(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "a.pdf", lambda c, n: (running(c, n), body(c, n)), pages=2)
    assert ExtractSettings().engine == "auto"
    document, problems = run(pdf)
    assert problems == [] and document.health.extractor == "pdfium"


def test_engines_agree_on_a_plain_act(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "a.pdf", lambda c, n: (running(c, n), body(c, n)), pages=3)
    fast, _ = run(pdf, engine="pdfium")
    slow, _ = run(pdf, engine="pdfplumber")
    assert fast.text == slow.text
    assert fast.health.header_footer_lines_removed == slow.health.header_footer_lines_removed


def test_running_headers_and_page_numbers_removed(tmp_path: Path, engine: str) -> None:
    pdf = make_pdf(tmp_path / "a.pdf", lambda c, n: (running(c, n), body(c, n)), pages=4)
    document, problems = run(pdf, engine=engine)
    assert problems == []
    assert "Gazette" not in document.text
    assert not any(PAGE_NUMBER_RE.match(line) for line in document.text.split("\n"))
    assert document.health.header_footer_lines_removed == 8
    assert document.pages[1].text.split("\n")[0].startswith("p2 line0")
    assert document.health.pages == 4 and document.health.extractor == engine
    assert document.health.chars_kept > 0.9 * document.health.chars_layer - 8 * 40


def test_page_map_points_to_the_right_page(tmp_path: Path, engine: str) -> None:
    pdf = make_pdf(tmp_path / "a.pdf", lambda c, n: (running(c, n), body(c, n, lines=5)), pages=3)
    document, _ = run(pdf, engine=engine)
    offset = document.text.index("p3 line2")
    assert document.page_at(offset) == 3


def test_two_columns_read_left_then_right(tmp_path: Path, engine: str) -> None:
    def draw(c: canvas.Canvas, n: int) -> None:
        c.setFont("Times-Roman", 10)
        # right column drawn first: stream order is not reading order
        for i in range(20):
            c.drawString(310, HEIGHT - 100 - i * 14, f"right{i} words words words words words")
        for i in range(20):
            c.drawString(60, HEIGHT - 100 - i * 14, f"left{i} words words words words words")

    document, _ = run(make_pdf(tmp_path / "cols.pdf", draw, pages=1), engine=engine)
    lines = document.text.split("\n")
    assert lines.index("left19 words words words words words") < lines.index("right0 words words words words words")
    assert lines[0].startswith("left0")


def test_margin_notes_and_footnotes_kept_apart(tmp_path: Path, engine: str) -> None:
    def draw(c: canvas.Canvas, n: int) -> None:
        body(c, n, lines=20, x=110)
        c.setFont("Times-Roman", 7)
        c.drawString(20, HEIGHT - 110, "Margin note here")
        c.drawString(110, 130, f"1 A footnote about topic {'xyz'[n]} at the bottom")

    document, _ = run(make_pdf(tmp_path / "notes.pdf", draw, pages=2), engine=engine)
    page = document.pages[0]
    assert "Margin note here" in page.notes and "footnote" in page.notes
    assert "Margin" not in page.text and "footnote" not in page.text


def test_fake_bold_duplicates_removed(tmp_path: Path, engine: str) -> None:
    def draw(c: canvas.Canvas, n: int) -> None:
        body(c, n, lines=5)
        c.setFont("Times-Roman", 10)
        for dx in (0, 0.3, 0.6):
            c.drawString(72 + dx, HEIGHT - 300, "Bold heading")

    document, _ = run(make_pdf(tmp_path / "bold.pdf", draw, pages=1), engine=engine)
    assert "Bold heading" in document.text
    assert "BBoolldd" not in document.text and "Boold" not in document.text


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["the ar-", "rangements of"], ["the arrangements", "of"]),  # typographic break
        (["the cross-", "border crime"], ["the cross-border", "crime"]),  # known prefix keeps hyphen
        (["data-", "sharing rules", "data-sharing again"], ["data-sharing", "rules", "data-sharing again"]),
        (["other-", "wise", "otherwise"], ["otherwise", "", "otherwise"]),  # joined form occurs elsewhere
        (["non-", "EU states"], ["non-EU", "states"]),  # capital continuation
        (["soft\u00ad", "hyphen"], ["softhyphen", ""]),
        (["Anti-", "-Trafficking Act"], ["Anti-Trafficking", "Act"]),  # repeated hyphen
        (["ends with a dash \u2014", "next line"], ["ends with a dash \u2014", "next line"]),
    ],
)
def test_dehyphenation(lines: list[str], expected: list[str]) -> None:
    assert dehyphenate_pages([lines], frozenset({"cross", "non"})) == [expected]


def test_dehyphenation_across_pages() -> None:
    assert dehyphenate_pages([["the traf-"], ["ficking of"]], frozenset()) == [["the trafficking"], ["of"]]


def test_normalisation() -> None:
    assert normalise_line("of\ufb01ce\u00a0and\u2009the\u200b  ﬂow\x02") == "office and the flow"


def test_header_key_ignores_page_numbers() -> None:
    assert hf_key("Page 12 of 40") == hf_key("Page 13 of 40")
    assert hf_key("Gazette xii") == hf_key("Gazette xiii")
    assert hf_key("Part 1") != hf_key("Chapter 1")


# ------------------------------------------------------------------ bad input


def _single_error(problems: list, *words: str) -> None:
    assert len(problems) == 1, problems
    assert problems[0].severity == "error"
    for word in words:
        assert word in problems[0].message.lower()


@pytest.fixture()
def good_pdf(tmp_path: Path) -> Path:
    return make_pdf(tmp_path / "good.pdf", lambda c, n: (running(c, n), body(c, n)), pages=2)


def test_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    document, problems = extract(source_for(path))
    assert document is None
    _single_error(problems, "empty")


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"<!DOCTYPE html><html><body>404 Not Found</body></html>", "html"),
        (b"PK\x03\x04" + b"\x00" * 100, "zip"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "png"),
    ],
)
def test_wrong_type_with_pdf_extension(tmp_path: Path, data: bytes, what: str) -> None:
    path = tmp_path / "fake.pdf"
    path.write_bytes(data)
    document, problems = extract(source_for(path))
    assert document is None
    _single_error(problems, "not a pdf", what)


def test_truncated_pdf(tmp_path: Path, good_pdf: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes(good_pdf.read_bytes()[: good_pdf.stat().st_size // 3])
    _, problems = extract(source_for(path))
    _single_error(problems, "truncated")


def test_corrupt_pdf(tmp_path: Path) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    document, problems = extract(source_for(path))
    assert document is None
    _single_error(problems, "pdf")


def _encrypt(src: Path, dst: Path, user: str) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(src))
    writer.encrypt(user_password=user, owner_password="owner-secret", algorithm="AES-128")
    with dst.open("wb") as handle:
        writer.write(handle)
    return dst


def test_encrypted_pdf_needs_password(tmp_path: Path, good_pdf: Path) -> None:
    pytest.importorskip("pypdf")
    path = _encrypt(good_pdf, tmp_path / "locked.pdf", user="secret")
    document, problems = extract(source_for(path))
    assert document is None
    _single_error(problems, "encrypted", "password")
    document, problems = extract(source_for(path), ExtractSettings(password="secret"))
    assert document is not None and "line0" in document.text


def test_encrypted_pdf_with_empty_user_password_is_read(tmp_path: Path, good_pdf: Path) -> None:
    pytest.importorskip("pypdf")
    path = _encrypt(good_pdf, tmp_path / "owner-only.pdf", user="")
    document, problems = extract(source_for(path))
    assert [(p.severity, "empty user password" in p.message) for p in problems] == [("info", True)]
    assert "p1 line0" in document.text


def test_bad_pdfs_with_the_pdfium_engine_only(tmp_path: Path, good_pdf: Path) -> None:
    """engine="pdfium" (no pdfplumber fallback) still gives one clear error per bad file."""
    fast = ExtractSettings(engine="pdfium")
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(good_pdf.read_bytes()[: good_pdf.stat().st_size // 3])
    _, problems = extract(source_for(cut), fast)
    _single_error(problems, "truncated")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    document, problems = extract(source_for(bad), fast)
    assert document is None
    _single_error(problems, "corrupt")
    pytest.importorskip("pypdf")
    locked = _encrypt(good_pdf, tmp_path / "locked.pdf", user="secret")
    document, problems = extract(source_for(locked), fast)
    assert document is None
    _single_error(problems, "encrypted", "password")
    document, problems = extract(source_for(locked), ExtractSettings(engine="pdfium", password="secret"))
    assert document is not None and "line0" in document.text


def test_unsupported_kind(tmp_path: Path) -> None:
    path = tmp_path / "x.docx"
    path.write_bytes(b"data")
    document, problems = extract(source_for(path, kind="docx"))
    assert document is None
    _single_error(problems, "unsupported")


def test_sniff_type() -> None:
    assert "HTML" in sniff_type(b"  <html><head>")
    assert sniff_type(b"\x00\x01\x02") == "an unknown binary file"


# ------------------------------------------------------------------------ OCR


def _image_only_pdf(path: Path, text: str) -> Path:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
    font = ImageFont.truetype(font_path, 36) if Path(font_path).exists() else ImageFont.load_default(size=36)
    for i, line in enumerate(text.split("\n")):
        draw.text((120, 200 + i * 60), line, fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    c = canvas.Canvas(str(path), pagesize=A4)
    from reportlab.lib.utils import ImageReader

    c.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 0, 0, WIDTH, HEIGHT)
    c.showPage()
    c.save()
    return path


SCAN_TEXT = "Every person who recruits another\nperson for forced labour commits\nan offence under this test act."


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed (make system)")
def test_scanned_page_is_ocrd(tmp_path: Path) -> None:
    document, problems = extract(source_for(_image_only_pdf(tmp_path / "scan.pdf", SCAN_TEXT)))
    assert problems == []
    assert document.pages[0].ocr and document.health.pages_ocr == 1
    assert document.health.extractor == "pdfium+tesseract"
    words = set(document.text.lower().split())
    assert {"recruits", "forced", "labour", "offence"} <= words


def test_missing_tesseract_is_reported(tmp_path: Path) -> None:
    path = _image_only_pdf(tmp_path / "scan.pdf", SCAN_TEXT)
    document, problems = extract(source_for(path), ExtractSettings(tesseract_cmd="no-such-tesseract-binary"))
    assert document is None
    _single_error(problems, "tesseract", "not installed")


# ------------------------------------------------------------------- settings


@pytest.mark.parametrize(
    "bad",
    [{"engine": "magic"}, {"header_band": 1.5}, {"x_tolerance_ratio": 0}, {"ocr_min_chars": -1}, {"nope": 1}],
)
def test_settings_are_validated(bad: dict) -> None:
    with pytest.raises(ValueError, match=next(iter(bad))):
        ExtractSettings.resolve(bad)


def test_settings_resolve() -> None:
    assert ExtractSettings.resolve(None) == ExtractSettings()
    assert ExtractSettings.resolve({"ocr": False}).ocr is False
    settings = ExtractSettings(ocr_dpi=200)
    assert ExtractSettings.resolve(settings) is settings
    with pytest.raises(ValueError):
        ExtractSettings.resolve("fast")  # type: ignore[arg-type]
