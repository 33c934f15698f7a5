"""Segmentation evaluation against the true structure of real acts (ISSUE 4).

Gold structure:
  * official Justice Canada XML (``CAN/xml/*.xml``): sections, subsections,
    paragraphs, subparagraphs and clauses with their labels (units inside
    definitions and schedules are left out);
  * Markdown section headings of the AUS, CAN, USA and MYS acts.

The segmenter reads the same texts as plain text (Markdown rendered by
``analyser.textfiles``, PDFs by pdfplumber), so it never sees the heading markers.
It prints per-act recall of citations, checks that no text is lost on every
document of the corpus, and writes ``benchmarks/SEGMENT.md``.

Usage: ``python benchmarks/eval_segment.py [--corpus /work/shared/corpus] [--out benchmarks/SEGMENT.md]``
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyser.models import Document, DocumentHealth, Page, Provision, Source  # noqa: E402
from analyser.segment import segment  # noqa: E402
from analyser.textfiles import read_text_source  # noqa: E402

DEFAULT_CORPUS = Path("/work/shared/corpus")
SECTION_KINDS = {"section", "article"}
SUB_KINDS = {"subsection", "paragraph", "subparagraph", "clause", "subclause"}
XML_SUB_TAGS = {"Subsection", "Paragraph", "Subparagraph", "Clause", "Subclause"}
SECTION_TARGET, SUB_TARGET = 0.99, 0.97
# Markdown heading lines that carry a section number, per source family.
MD_SECTION_HEADINGS = {
    "AUS": (re.compile(r"^#{1,6}\s+(\d+[A-Z]*(?:\.\d+[A-Z]*)*)\s+\S"), "s. {}"),
    "CAN": (re.compile(r"^#{3}\s+(\d+(?:\.\d+)*(?:\s+(?:to|and)\s+\d+(?:\.\d+)*)?)(?:\s|$)"), "s. {}"),
    "USA": (re.compile(r"^#{1,6}\s+§\s*(\d+[a-z]*(?:-\d+)?)\."), "§ {}"),
    "MYS": (re.compile(r"^\*\*(\d+[A-Z]?)\.(?:\*\*|\s)"), "s. {}"),
}
MD_ACTS = (
    "AUS/criminal_code_act_1995_vol2_comp98_2015.md",
    "AUS/extradition_act_1988_2015.md",
    "AUS/mutual_assistance_in_criminal_matters_act_1987_2015.md",
    "CAN/C-46-criminal-code.md",
    "CAN/I-2.5-immigration-and-refugee-protection-act.md",
    "USA/usc18_ch77_peonage_slavery_trafficking.md",
    "USA/usc22_ch78_tvpa.md",
    "MYS/atip_bill_2007_DR07_en.md",
    "MYS/anti_money_laundering_bill_2001_DR15_en.md",
    "MYS/witness_protection_bill_2008_DR31_en.md",
)
XML_TO_MD = {
    "E-23.01": "CAN/E-23.01-extradition-act.md",
    "I-2.5": "CAN/I-2.5-immigration-and-refugee-protection-act.md",
    "M-13.6": "CAN/M-13.6-mutual-legal-assistance-in-criminal-matters-act.md",
    "P-24.501": "CAN/P-24.501-proceeds-of-crime-money-laundering-and-terrorist-financing-act.md",
}


@dataclass
class Row:
    """One evaluated act."""

    act: str
    gold: str
    level: str
    found: int
    total: int
    missed: list[str]

    @property
    def recall(self) -> float:
        return self.found / self.total if self.total else 1.0


def load_document(path: Path, corpus: Path) -> Document:
    """A Document from a corpus file (text files via textfiles, PDFs via pdfplumber)."""
    jurisdiction = path.relative_to(corpus).parts[0]
    data = path.read_bytes()
    kind = path.suffix.lstrip(".")
    source = Source(jurisdiction, path, path.name, kind, hashlib.sha256(data).hexdigest(), len(data))
    if kind == "pdf":
        import pdfplumber

        with pdfplumber.open(path) as pdf:
            texts = [(page.extract_text() or "") for page in pdf.pages]
        title = ""
    else:
        result = read_text_source(path, kind)
        texts, title = result.pages, result.title
    pages = tuple(Page(i + 1, t) for i, t in enumerate(texts))
    return Document(source, pages, DocumentHealth(pages=len(pages), title=title))


def xml_gold(path: Path) -> tuple[list[str], list[str]]:
    """Section and sub-section citations from a Justice Canada XML act body."""
    body = ET.parse(path).getroot().find("Body")
    sections, subs = [], []
    for section in body.iter("Section") if body is not None else ():
        label = (section.findtext("Label") or "").strip()
        if not label:
            continue
        base = f"s. {label}"
        sections.append(base)
        _xml_children(section, base, subs)
    return sections, subs


def _xml_children(element: ET.Element, base: str, out: list[str]) -> None:
    for child in element:
        if child.tag == "Definition":
            continue
        if child.tag in XML_SUB_TAGS:
            label = (child.findtext("Label") or "").strip()
            if label:
                cite = base + label
                out.append(cite)
                _xml_children(child, cite, out)
        elif child.tag not in ("Label", "MarginalNote", "Text", "Section"):
            _xml_children(child, base, out)


def md_gold(path: Path, jurisdiction: str) -> list[str]:
    """Section citations from the Markdown headings of one act."""
    regex, template = MD_SECTION_HEADINGS[jurisdiction]
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = regex.match(line)
        if match:
            out.append(template.format(match.group(1)))
    return out


def recall_row(act: str, gold_name: str, level: str, gold: list[str], provisions: list[Provision],
               kinds: set[str]) -> Row:
    """Share of gold citations the segmenter produced as provisions of ``kinds``."""
    found = {p.citation for p in provisions if p.kind in kinds}
    wanted = list(dict.fromkeys(gold))
    missed = [c for c in wanted if c not in found]
    return Row(act, gold_name, level, len(wanted) - len(missed), len(wanted), missed)


def evaluate(corpus: Path) -> tuple[list[Row], list[tuple[str, int, int, float]]]:
    """Recall rows for the gold acts, and (document, provisions, problems, seconds) for all."""
    cache: dict[Path, list[Provision]] = {}
    sweep = []
    for path in sorted(p for p in corpus.rglob("*") if p.suffix in (".md", ".txt", ".pdf")):
        if "xml" in path.parts:
            continue
        document = load_document(path, corpus)
        began = time.perf_counter()
        provisions, problems = segment(document)
        seconds = time.perf_counter() - began
        cache[path] = provisions
        errors = [p for p in problems if p.severity == "error"]
        sweep.append((str(path.relative_to(corpus)), len(provisions), len(errors), seconds))
    rows = []
    for xml in sorted((corpus / "CAN" / "xml").glob("*.xml")):
        md = corpus / XML_TO_MD[xml.stem]
        sections, subs = xml_gold(xml)
        rows.append(recall_row(md.name, "XML", "section", sections, cache[md], SECTION_KINDS))
        rows.append(recall_row(md.name, "XML", "sub", subs, cache[md], SUB_KINDS))
    for name in MD_ACTS:
        path = corpus / name
        if path.exists():
            gold = md_gold(path, name.split("/")[0])
            rows.append(recall_row(path.name, "md headings", "section", gold, cache[path], SECTION_KINDS))
    return rows, sweep


def write_report(rows: list[Row], sweep: list[tuple[str, int, int, float]], out: Path) -> str:
    """Markdown report of the evaluation; returns the text written."""
    lines = ["# Segmentation evaluation (ISSUE 4)", "",
             "Command: `.venv/bin/python benchmarks/eval_segment.py`", "",
             "## Recall of true citations", "",
             "| act | gold | level | found | total | recall | first misses |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r.act} | {r.gold} | {r.level} | {r.found} | {r.total} | {r.recall:.2%} | "
                     f"{', '.join(r.missed[:5])} |")
    for level, target in (("section", SECTION_TARGET), ("sub", SUB_TARGET)):
        chosen = [r for r in rows if r.level == level]
        found, total = sum(r.found for r in chosen), sum(r.total for r in chosen)
        if total:
            lines.append(f"\n**{level} level, pooled: {found}/{total} = {found / total:.2%}** "
                         f"(target {target:.0%})")
    lines += ["", "## No text lost (every document of the corpus)", "",
              "| document | provisions | coverage errors | seconds |", "|---|---|---|---|"]
    for name, count, errors, seconds in sweep:
        lines.append(f"| {name} | {count} | {errors} | {seconds:.2f} |")
    text = "\n".join(lines) + "\n"
    out.write_text(text, encoding="utf-8")
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "SEGMENT.md")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    rows, sweep = evaluate(args.corpus)
    print(write_report(rows, sweep, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
