"""Render the fictional sample statutes in ``sources/`` to ``statutes/``.

Usage::

    python corpora/samples/make_pdfs.py            # rebuild corpora/samples/statutes/
    python corpora/samples/make_pdfs.py --check    # rebuild into a temp dir, compare bytes

Each source file ``sources/<JUR>/<stem>.txt`` is written in the small markup described in
``README.md`` and becomes ``statutes/<JUR>/<stem>.pdf`` (or, for the one document per
jurisdiction listed with another format in ``DOCS``, ``.txt``, ``.md`` or ``.html``).

Output is deterministic: reportlab runs with ``invariant=1`` (fixed creation date and
document id), only the standard PDF fonts are used, and nothing depends on the clock or
on dictionary order, so re-running gives byte-identical files.
"""

from __future__ import annotations

import argparse
import filecmp
import html
import re
import shutil
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    FrameBreak,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
)

rl_config.invariant = 1

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
STATUTES = HERE / "statutes"
INDENT_WIDTH = 4  # source spaces per indentation level


@dataclass(frozen=True)
class DocSpec:
    """How one source document is rendered."""

    jur: str
    stem: str
    style: str  # "commonwealth" | "gazette" | "kingdom"
    fmt: str = "pdf"  # "pdf" | "txt" | "md" | "html"
    columns: int = 1
    masthead: str = ""  # gazette line shown left of the running header


DOCS: tuple[DocSpec, ...] = (
    DocSpec("XAV", "trafficking_in_persons_act_2016", "commonwealth"),
    DocSpec("XAV", "proceeds_of_crime_act_2011", "commonwealth"),
    DocSpec("XAV", "extradition_and_mutual_assistance_act_2004", "commonwealth", fmt="html"),
    DocSpec("XBE", "penal_code_extract", "gazette",
            masthead="Official Gazette of the Republic of Belmora — No. 47/2011"),
    DocSpec("XBE", "criminal_procedure_code_extract", "gazette", columns=2,
            masthead="Official Gazette of the Republic of Belmora — No. 12/2013"),
    DocSpec("XBE", "international_legal_assistance_law_2006", "gazette", fmt="md"),
    DocSpec("XCO", "anti_trafficking_act_2009", "kingdom"),
    DocSpec("XCO", "anti_trafficking_amendment_act_2019", "kingdom"),
    DocSpec("XCO", "anti_money_laundering_act_2003", "kingdom"),
    DocSpec("XCO", "witness_protection_act_2005", "kingdom", fmt="txt"),
)


# --------------------------------------------------------------------------- parsing


@dataclass
class Block:
    """One unit of the markup: a heading, a paragraph or a layout line."""

    kind: str  # center | right | rule | part | heading | para
    lines: list[str]  # heading lines, or the one text of a paragraph
    level: int = 0
    runin: str = ""  # run-in heading printed in bold before a paragraph


def parse(path: Path) -> tuple[str, list[Block]]:
    """Read a source file; return its short title and its blocks."""
    raw = path.read_text(encoding="utf-8").splitlines()
    if not raw or not raw[0].startswith("TITLE: "):
        raise ValueError(f"{path}: first line must be 'TITLE: <short title>'")
    title = raw[0][len("TITLE: "):].strip()
    blocks: list[Block] = []
    para: Block | None = None
    runin = ""
    for lineno, line in enumerate(raw[1:], start=2):
        stripped = line.strip()
        if not stripped:
            para = None
            continue
        marker = _marker(line)
        if marker is None:
            if para is not None:
                para.lines[0] += " " + stripped
                continue
            indent = len(line) - len(line.lstrip(" "))
            if indent % INDENT_WIDTH:
                raise ValueError(f"{path}:{lineno}: indentation must be a multiple of 4")
            # a paragraph that follows a run-in heading starts at the margin with it
            level = 0 if runin else indent // INDENT_WIDTH
            para = Block("para", [stripped], level, runin)
            runin = ""
            blocks.append(para)
            continue
        para = None
        kind, text = marker
        if kind == "runin":
            runin = text
        elif kind in ("part", "heading") and blocks and blocks[-1].kind == kind \
                and _previous_is_adjacent(raw, lineno):
            blocks[-1].lines.append(text)
        else:
            blocks.append(Block(kind, [text]))
    if runin:
        raise ValueError(f"{path}: run-in heading '{runin}' is not followed by a paragraph")
    return title, blocks


def _marker(line: str) -> tuple[str, str] | None:
    for prefix, kind in (("### ", "runin"), ("## ", "heading"), ("# ", "part"),
                         ("^ ", "center"), (">> ", "right")):
        if line.startswith(prefix):
            return kind, line[len(prefix):].strip()
    if line.strip() == "---":
        return "rule", ""
    return None


def _previous_is_adjacent(raw: list[str], lineno: int) -> bool:
    """True when the line before ``lineno`` (1-based) is not blank."""
    return bool(raw[lineno - 2].strip())


# --------------------------------------------------------------------------- PDF styles


def _styles(style: str, columns: int) -> dict[str, ParagraphStyle]:
    serif, bold, italic = "Times-Roman", "Times-Bold", "Times-Italic"
    size = {"commonwealth": 10.5, "gazette": 10.0, "kingdom": 11.5}[style]
    size = size if columns == 1 else 9.5
    lead = size * (1.4 if style == "kingdom" else 1.3)
    hyph = {"hyphenationLang": "en_GB", "embeddedHyphenation": 1} if style == "gazette" else {}
    body = ParagraphStyle("body", fontName=serif, fontSize=size, leading=lead,
                          alignment=TA_JUSTIFY,
                          spaceAfter=size * (0.7 if style == "kingdom" else 0.55), **hyph)
    s = {
        "body": body,
        "center": ParagraphStyle("center", parent=body, alignment=TA_CENTER, fontName=bold,
                                 fontSize=size + 1.5, leading=(size + 1.5) * 1.3,
                                 spaceAfter=2, hyphenationLang=""),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT, spaceAfter=0,
                                hyphenationLang=""),
        "part": ParagraphStyle("part", parent=body, alignment=TA_CENTER, fontName=bold,
                               spaceBefore=size * 0.9, spaceAfter=size * 0.5,
                               keepWithNext=1, hyphenationLang=""),
        "heading": ParagraphStyle("heading", parent=body, alignment=TA_LEFT, fontName=bold,
                                  spaceBefore=size * 0.5, spaceAfter=size * 0.3,
                                  keepWithNext=1, hyphenationLang=""),
        "heading2": ParagraphStyle("heading2", parent=body, alignment=TA_LEFT,
                                   fontName=italic, keepWithNext=1, hyphenationLang=""),
    }
    if style == "gazette":
        s["heading"].alignment = TA_CENTER
        s["heading2"].alignment = TA_CENTER
        s["heading"].spaceAfter = 0
        s["center"].fontName = "Helvetica-Bold"
        s["center"].fontSize = size + 0.5
    if style == "kingdom":
        s["center"].fontSize = size
        s["center"].leading = size * 1.35
    return s


def _pdf_text(text: str) -> str:
    return html.escape(text, quote=False)


class Rule(Flowable):
    """A thin horizontal line across the frame."""

    def __init__(self, space: float = 4) -> None:
        super().__init__()
        self.space = space

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.space * 2

    def draw(self) -> None:
        self.canv.setLineWidth(0.6)
        self.canv.line(0, self.space, self.width, self.space)


def _flowables(blocks: list[Block], s: dict[str, ParagraphStyle], style: str,
               indent: float) -> list[Flowable]:
    out: list[Flowable] = []
    for b in blocks:
        if b.kind == "center":
            out.append(Paragraph(_pdf_text(b.lines[0]), s["center"]))
        elif b.kind == "right":
            out.append(Paragraph(_pdf_text(b.lines[0]), s["right"]))
        elif b.kind == "rule":
            out.append(Rule())
        elif b.kind == "part":
            out.append(CondPageBreak(4 * cm))
            out.append(Paragraph("<br/>".join(_pdf_text(x) for x in b.lines), s["part"]))
        elif b.kind == "heading":
            # every heading style has keepWithNext, so platypus keeps the heading
            # lines and the first paragraph after them on one page
            out.append(Paragraph(_pdf_text(b.lines[0]), s["heading"]))
            out += [Paragraph(_pdf_text(x), s["heading2"]) for x in b.lines[1:]]
        elif b.kind == "para":
            st = ParagraphStyle(f"p{b.level}", parent=s["body"], leftIndent=indent * b.level)
            text = _pdf_text(b.lines[0])
            if b.runin:
                text = f"<b>{_pdf_text(b.runin)}</b> {text}"
            out.append(Paragraph(text, st))
    return out


def _page_decorator(spec: DocSpec, title: str):
    def draw(canvas, doc) -> None:
        w, h = A4
        canvas.saveState()
        page = canvas.getPageNumber()
        if spec.style == "gazette":
            canvas.setFont("Helvetica", 7.5)
            canvas.drawString(2 * cm, h - 1.35 * cm, spec.masthead)
            canvas.setFont("Helvetica-Oblique", 7.5)
            canvas.drawRightString(w - 2 * cm, h - 1.35 * cm, title)
            canvas.setLineWidth(1.2)
            canvas.line(2 * cm, h - 1.55 * cm, w - 2 * cm, h - 1.55 * cm)
            canvas.setLineWidth(0.4)
            canvas.line(2 * cm, h - 1.63 * cm, w - 2 * cm, h - 1.63 * cm)
            canvas.setFont("Helvetica", 8.5)
            canvas.drawCentredString(w / 2, 1.2 * cm, f"- {page} -")
            if spec.columns == 2:
                x = w / 2
                top = h - 2.3 * cm if page > 1 else doc.masthead_bottom
                canvas.setLineWidth(0.3)
                canvas.line(x, 2.0 * cm, x, top)
        elif spec.style == "kingdom":
            canvas.setFont("Times-Roman", 8.5)
            canvas.drawCentredString(w / 2, h - 1.4 * cm, title.upper())
            canvas.setFont("Times-Roman", 9)
            canvas.drawRightString(w - 2.4 * cm, 1.3 * cm, f"Page {page}")
        else:
            canvas.setFont("Times-Italic", 9)
            canvas.drawCentredString(w / 2, h - 1.4 * cm, title)
            canvas.setLineWidth(0.5)
            canvas.line(2.5 * cm, h - 1.6 * cm, w - 2.5 * cm, h - 1.6 * cm)
            canvas.setFont("Times-Roman", 9)
            canvas.drawCentredString(w / 2, 1.3 * cm, f"Page {page}")
        canvas.restoreState()

    return draw


def render_pdf(spec: DocSpec, title: str, blocks: list[Block], out: Path) -> None:
    """Write ``blocks`` to the PDF file ``out``."""
    w, h = A4
    margin = 2.0 * cm if spec.style == "gazette" else 2.5 * cm
    top, bottom = 2.3 * cm, 2.0 * cm
    s = _styles(spec.style, spec.columns)
    doc = BaseDocTemplate(
        str(out), pagesize=A4, invariant=1, title=title,
        author=f"Fictional sample statute ({spec.jur}); tipgap test corpus",
        subject="Fictional statute for testing; not law", creator="tipgap make_pdfs.py",
        producer="tipgap make_pdfs.py (reportlab)", lang="en",
        leftMargin=margin, rightMargin=margin, topMargin=top, bottomMargin=bottom,
    )
    deco = _page_decorator(spec, title)
    body_w, body_h = w - 2 * margin, h - top - bottom
    indent = 18 if spec.columns == 1 else 12
    if spec.columns == 1:
        doc.addPageTemplates([PageTemplate("one", [Frame(margin, bottom, body_w, body_h,
                                                         id="body")], onPage=deco)])
        story = _flowables(blocks, s, spec.style, indent)
    else:
        front = [b for b in _front_matter(blocks)]
        rest = blocks[len(front):]
        head = _flowables(front, s, spec.style, indent)
        head_h = sum(f.wrap(body_w, body_h)[1] + _space(f) for f in head) + 12
        gap = 0.8 * cm
        col_w = (body_w - gap) / 2
        col_h = body_h - head_h
        doc.masthead_bottom = bottom + col_h
        first = [Frame(margin, bottom + col_h, body_w, head_h, id="mast"),
                 Frame(margin, bottom, col_w, col_h, id="c1"),
                 Frame(margin + col_w + gap, bottom, col_w, col_h, id="c2")]
        later = [Frame(margin, bottom, col_w, body_h, id="c1"),
                 Frame(margin + col_w + gap, bottom, col_w, body_h, id="c2")]
        doc.addPageTemplates([PageTemplate("first", first, onPage=deco),
                              PageTemplate("later", later, onPage=deco)])
        story = [*head, NextPageTemplate("later"), FrameBreak(),
                 *_flowables(rest, s, spec.style, indent)]
    doc.build(story)


def _front_matter(blocks: list[Block]) -> list[Block]:
    """The leading run of centred lines and rules (the masthead of a gazette)."""
    front = []
    for b in blocks:
        if b.kind not in ("center", "rule"):
            break
        front.append(b)
    return front


def _space(f: Flowable) -> float:
    style = getattr(f, "style", None)
    return (style.spaceBefore + style.spaceAfter) if style is not None else 0


# --------------------------------------------------------------------------- text formats


def render_txt(title: str, blocks: list[Block]) -> str:
    """Plain text, wrapped at 78 columns, with no markup left."""
    width, out = 78, []
    for b in blocks:
        if b.kind == "center":
            out += [x.center(width).rstrip() for x in textwrap.wrap(b.lines[0], width - 8)]
            continue
        if b.kind == "right":
            out.append(b.lines[0].rjust(width))
            continue
        if b.kind == "rule":
            out += ["", "-" * width]
            continue
        out.append("")
        if b.kind in ("part", "heading"):
            out += [x.center(width).rstrip() if b.kind == "part" else x for x in b.lines]
        else:
            pad = " " * (INDENT_WIDTH * b.level)
            text = f"{b.runin} {b.lines[0]}" if b.runin else b.lines[0]
            out += textwrap.wrap(text, width, initial_indent=pad, subsequent_indent=pad)
    return "\n".join(out).lstrip("\n") + "\n"


def render_md(title: str, blocks: list[Block]) -> str:
    """Markdown as a conversion tool would give it: no indentation (it would be code)."""
    out = []
    for b in blocks:
        if b.kind == "center":
            out.append(f"**{b.lines[0]}**")
        elif b.kind == "right":
            out.append(b.lines[0] + "  ")
            continue
        elif b.kind == "rule":
            out.append("---")
        elif b.kind == "part":
            out.append("## " + " — ".join(b.lines))
        elif b.kind == "heading":
            out.append(f"### {b.lines[0]}")
            out += [f"\n*{x}*" for x in b.lines[1:]]
        else:
            text = f"**{b.runin}** {b.lines[0]}" if b.runin else b.lines[0]
            out.append(text)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def render_html(title: str, blocks: list[Block]) -> str:
    """A simple legislation-website page."""
    e = html.escape
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{e(title)}</title>",
           "<style>body{font-family:Georgia,serif;max-width:46em;margin:2em auto}"
           ".c{text-align:center;font-weight:bold}.r{text-align:right}"
           ".l1{margin-left:2em}.l2{margin-left:4em}.l3{margin-left:6em}</style>",
           "</head>", "<body>", f'<header class="running-header">{e(title)}</header>',
           "<main>"]
    first_center = True
    for b in blocks:
        if b.kind == "center":
            tag = "h1" if first_center else "p"
            out.append(f'<{tag} class="c">{e(b.lines[0])}</{tag}>')
            first_center = False
        elif b.kind == "right":
            out.append(f'<p class="r">{e(b.lines[0])}</p>')
        elif b.kind == "rule":
            out.append("<hr>")
        elif b.kind == "part":
            out.append(f"<h2>{'<br>'.join(e(x) for x in b.lines)}</h2>")
        elif b.kind == "heading":
            out.append(f"<h3>{' '.join(e(x) for x in b.lines)}</h3>")
        else:
            cls = f' class="l{b.level}"' if b.level else ""
            text = e(b.lines[0])
            if b.runin:
                text = f"<b>{e(b.runin)}</b> {text}"
            out.append(f"<p{cls}>{text}</p>")
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- driver


def build(out_dir: Path) -> list[Path]:
    """Render every document of ``DOCS`` into ``out_dir``; return the files written."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    written = []
    for spec in DOCS:
        title, blocks = parse(SOURCES / spec.jur / f"{spec.stem}.txt")
        target = out_dir / spec.jur / f"{spec.stem}.{spec.fmt}"
        target.parent.mkdir(parents=True, exist_ok=True)
        if spec.fmt == "pdf":
            render_pdf(spec, title, blocks, target)
        else:
            render = {"txt": render_txt, "md": render_md, "html": render_html}[spec.fmt]
            target.write_text(render(title, blocks), encoding="utf-8", newline="\n")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=STATUTES,
                        help="output folder (default: corpora/samples/statutes)")
    parser.add_argument("--check", action="store_true",
                        help="render into a temporary folder and compare with --out")
    args = parser.parse_args(argv)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = build(Path(tmp) / "statutes")
            stale = [p.relative_to(Path(tmp) / "statutes") for p in fresh
                     if not (args.out / p.relative_to(Path(tmp) / "statutes")).exists()
                     or not filecmp.cmp(p, args.out / p.relative_to(Path(tmp) / "statutes"),
                                        shallow=False)]
        for p in stale:
            print(f"differs: {p}", file=sys.stderr)
        return 1 if stale else 0
    for p in build(args.out):
        print(p.relative_to(HERE))
    return 0


if __name__ == "__main__":
    sys.exit(main())
