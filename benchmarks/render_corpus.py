"""Render Markdown/text acts of ../shared/corpus to PDFs that look like official prints.

Each act becomes two PDFs (single column and two columns) with a running header
(the act's title), page numbers in the footer, and justified text hyphenated by
pyphen, plus its truth text (one paragraph per line) and its headings. Nothing here
goes into git: files are written to a cache directory. ``eval_segment.py`` renders its
gold acts with :func:`act_paragraphs` and :func:`render_pdf` too.

    python benchmarks/render_corpus.py [--out DIR] [--acts usa_ch77,intl_palermo]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analyser.textfiles import decode_bytes, render_markdown_line  # noqa: E402

CORPUS = Path(os.environ.get("TIPGAP_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))
BODY_FONT_SIZE = 10.5
HEADING_FONT_SIZE = 11.5
HEADER_FONT_SIZE = 8.5
FONT_FILES = ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf")


@dataclass(frozen=True)
class Act:
    """One act to render: an id, its corpus path and the running-header title."""

    key: str
    path: str
    title: str


ACTS = (
    Act("usa_ch77", "USA/usc18_ch77_peonage_slavery_trafficking.md", "18 U.S.C. Chapter 77"),
    Act("intl_palermo", "INTL/palermo_tip_protocol_2000_arts1-13_partial.md", "Trafficking in Persons Protocol 2000"),
    Act("gbr_msa", "GBR/modern_slavery_act_2015_selected_sections_partial.txt", "Modern Slavery Act 2015"),
    Act("can_extradition", "CAN/E-23.01-extradition-act.md", "Extradition Act (Canada)"),
    Act("mys_atip2007", "MYS/atip_bill_2007_DR07_en.md", "Anti-Trafficking in Persons Bill 2007"),
    Act("aus_extradition", "AUS/extradition_act_1988_2015.md", "Extradition Act 1988 (Cth)"),
)
VARIANTS = ("1col", "2col")


def default_cache_dir(bench: str = "extract-bench") -> Path:
    """``$TIPGAP_CACHE_DIR``, else ``$XDG_CACHE_HOME/tipgap``, else ``~/.cache/tipgap``; then /``bench``
    (``extract-bench`` for eval_extract.py, ``segment-bench`` for eval_segment.py)."""
    base = os.environ.get("TIPGAP_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "tipgap"
    return Path(base) / bench


def act_paragraphs(path: Path) -> list[tuple[str, bool]]:
    """(text, is_heading) per non-empty line of a Markdown or text act."""
    text, _ = decode_bytes(path.read_bytes())
    out: list[tuple[str, bool]] = []
    in_front_matter = text.startswith("---")
    for index, raw in enumerate(text.replace("\r\n", "\n").split("\n")):
        if in_front_matter:
            in_front_matter = not (index > 0 and raw.strip() == "---")
            continue
        if path.suffix == ".md":
            if raw.lstrip().startswith("<!--"):
                continue
            line, heading = render_markdown_line(raw)
        else:
            line, heading = raw.strip(), False
        # URLs are unbreakable and overflow narrow columns in reportlab: left out
        if line and any(ch.isalnum() for ch in line) and "://" not in line:
            out.append((" ".join(line.split()), heading))
    return out


def _styles() -> dict[str, object]:
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold = "Times-Roman", "Times-Bold"
    if all(Path(f).exists() for f in FONT_FILES):
        pdfmetrics.registerFont(TTFont("Serif", FONT_FILES[0]))
        pdfmetrics.registerFont(TTFont("Serif-Bold", FONT_FILES[1]))
        regular, bold = "Serif", "Serif-Bold"
    body = ParagraphStyle(
        "body", fontName=regular, fontSize=BODY_FONT_SIZE, leading=BODY_FONT_SIZE * 1.3,
        alignment=TA_JUSTIFY, spaceAfter=3, hyphenationLang="en_GB", embeddedHyphenation=1, uriWasteReduce=0.3,
    )
    heading = ParagraphStyle("heading", parent=body, fontName=bold, fontSize=HEADING_FONT_SIZE,
                             leading=HEADING_FONT_SIZE * 1.3, spaceBefore=6, alignment=0, hyphenationLang="")
    return {"body": body, "heading": heading, "regular": regular}


def render_pdf(paragraphs: list[tuple[str, bool]], title: str, out: Path, columns: int) -> int:
    """Render paragraphs to ``out``; returns the page count."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

    styles = _styles()
    width, height = A4
    margin, gutter = 60.0, 18.0
    frame_w = (width - 2 * margin - (columns - 1) * gutter) / columns
    frames = [
        Frame(margin + i * (frame_w + gutter), margin, frame_w, height - 2 * margin, id=f"c{i}",
              leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        for i in range(columns)
    ]

    def decorate(canvas: object, doc: object) -> None:
        canvas.saveState()  # type: ignore[attr-defined]
        canvas.setFont(styles["regular"], HEADER_FONT_SIZE)  # type: ignore[attr-defined]
        canvas.drawCentredString(width / 2, height - margin / 2, title)  # type: ignore[attr-defined]
        canvas.drawCentredString(width / 2, margin / 2, str(doc.page))  # type: ignore[attr-defined]
        canvas.restoreState()  # type: ignore[attr-defined]

    doc = BaseDocTemplate(str(out), pagesize=A4, title="", author="tipgap benchmark")
    doc.addPageTemplates([PageTemplate(id="page", frames=frames, onPage=decorate)])
    story = [Paragraph(escape(text), styles["heading"] if heading else styles["body"]) for text, heading in paragraphs]
    doc.build(story)
    return int(doc.page)


def render_act(act: Act, out_dir: Path, corpus: Path = CORPUS) -> dict[str, object]:
    """Render one act in both variants plus its truth files; returns its manifest entry."""
    paragraphs = act_paragraphs(corpus / act.path)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{act.key}.truth.txt").write_text("\n".join(t for t, _ in paragraphs) + "\n", encoding="utf-8")
    headings = [t for t, h in paragraphs if h]
    (out_dir / f"{act.key}.headings.json").write_text(json.dumps(headings, indent=1, ensure_ascii=False), encoding="utf-8")
    pages = {v: render_pdf(paragraphs, act.title, out_dir / f"{act.key}-{v}.pdf", VARIANTS.index(v) + 1) for v in VARIANTS}
    return {"key": act.key, "source": act.path, "title": act.title, "pages": pages, "headings": len(headings)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=default_cache_dir())
    parser.add_argument("--acts", default="", help="comma-separated act keys (default: all)")
    args = parser.parse_args(argv)
    wanted = {k for k in args.acts.split(",") if k}
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    manifest = [render_act(a, args.out) for a in ACTS if not wanted or a.key in wanted]
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    for entry in manifest:
        print(f"{entry['key']:18} pages {entry['pages']}  headings {entry['headings']}")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
