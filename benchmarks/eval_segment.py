"""Segmentation evaluation against the true structure of real acts (ISSUE 4).

Gold structure:
  * official Justice Canada XML (``CAN/xml/*.xml``): sections, subsections,
    paragraphs, subparagraphs and clauses with their labels (units inside
    definitions and schedules are left out);
  * Markdown headings of the AUS, CAN, USA, MYS acts and the INTL protocol.

Mode ``pdf`` (the default) renders each gold act to PDF with ``render_corpus.py``
(running header, page numbers, hyphenation; one and two columns) into a cache folder
outside git, extracts it with :func:`analyser.extract.extract` and segments the
result, so the segmenter sees what a real print gives it. Mode ``text`` segments the
Markdown rendered as plain text (quick, for debugging). Either way the segmenter
never sees the Markdown heading markers.

It prints per-act recall of citations, checks that no text is lost on every document
of the corpus (as the pipeline extracts it) and on every rendered PDF, and writes
``benchmarks/SEGMENT.md``.

Usage: ``python benchmarks/eval_segment.py [--mode pdf|text] [--variants 1col,2col]
[--acts C-46,...] [--cache DIR] [--corpus DIR] [--out FILE]``
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import render_corpus  # noqa: E402

from analyser.extract import ExtractSettings, extract  # noqa: E402
from analyser.models import Document, Provision, Source  # noqa: E402
from analyser.segment import segment  # noqa: E402

DEFAULT_CORPUS = render_corpus.CORPUS
MODES = ("pdf", "text")
SECTION_KINDS = {"section", "article"}
SUB_KINDS = {"subsection", "paragraph", "subparagraph", "clause", "subclause"}
XML_SUB_TAGS = {"Subsection", "Paragraph", "Subparagraph", "Clause", "Subclause"}
SECTION_TARGET, SUB_TARGET = 0.99, 0.97
MAX_HEADER_CHARS = 70
# Markdown heading lines that carry a section number, per source family.
MD_SECTION_HEADINGS = {
    "AUS": (re.compile(r"^#{1,6}\s+(\d+[A-Z]*(?:\.\d+[A-Z]*)*)\s+\S"), "s. {}"),
    "CAN": (re.compile(r"^#{3}\s+(\d+(?:\.\d+)*(?:\s+(?:to|and)\s+\d+(?:\.\d+)*)?)(?:\s|$)"), "s. {}"),
    "USA": (re.compile(r"^#{1,6}\s+§\s*(\d+[a-z]*(?:-\d+)?)\."), "§ {}"),
    "MYS": (re.compile(r"^\*\*(\d+[A-Z]?)\.(?:\*\*|\s)"), "s. {}"),
    "INTL": (re.compile(r"^#{1,6}\s*Article\s+(\d+)\s*$"), "Article {}"),
}
TRADITIONS = {
    "AUS": "Australian Commonwealth (number + heading, Divisions, decimal sections)",
    "CAN": "Canadian federal (number + marginal note, decimal inserted sections)",
    "USA": "US Code (§, (a)(1)(A))",
    "MYS": "Malaysian bill (Westminster '1. (1)', headings above numbers)",
    "INTL": "treaty articles (Article N, numbered paragraphs)",
}


@dataclass(frozen=True)
class GoldAct:
    """An act whose true structure is known: its Markdown/text and, for CAN, its official XML."""

    path: str  # corpus-relative Markdown the PDFs are rendered from
    xml: str = ""  # corpus-relative official XML holding the true structure
    headings: bool = True  # score sections against the Markdown headings too


GOLD_ACTS = (
    GoldAct("CAN/E-23.01-extradition-act.md", "CAN/xml/E-23.01.xml", headings=False),
    GoldAct("CAN/I-2.5-immigration-and-refugee-protection-act.md", "CAN/xml/I-2.5.xml"),
    GoldAct("CAN/M-13.6-mutual-legal-assistance-in-criminal-matters-act.md", "CAN/xml/M-13.6.xml", headings=False),
    GoldAct("CAN/P-24.501-proceeds-of-crime-money-laundering-and-terrorist-financing-act.md",
            "CAN/xml/P-24.501.xml", headings=False),
    GoldAct("CAN/C-46-criminal-code.md"),
    GoldAct("AUS/criminal_code_act_1995_vol2_comp98_2015.md"),
    GoldAct("AUS/extradition_act_1988_2015.md"),
    GoldAct("AUS/mutual_assistance_in_criminal_matters_act_1987_2015.md"),
    GoldAct("USA/usc18_ch77_peonage_slavery_trafficking.md"),
    GoldAct("USA/usc22_ch78_tvpa.md"),
    GoldAct("MYS/atip_bill_2007_DR07_en.md"),
    GoldAct("MYS/anti_money_laundering_bill_2001_DR15_en.md"),
    GoldAct("MYS/witness_protection_bill_2008_DR31_en.md"),
    GoldAct("INTL/palermo_tip_protocol_2000_arts1-13_partial.md"),
)


@dataclass
class Row:
    """Recall of one act at one level, in one variant."""

    act: str
    jurisdiction: str
    variant: str
    gold: str
    level: str
    found: int
    total: int
    missed: list[str]

    @property
    def recall(self) -> float:
        return self.found / self.total if self.total else 1.0


@dataclass
class Run:
    """One segmented document: counts, coverage errors and timings (seconds)."""

    name: str
    variant: str
    pages: int
    provisions: int
    errors: list[str]
    seconds: dict[str, float] = field(default_factory=dict)


# --- loading documents ----------------------------------------------------------------------


def make_source(path: Path, jurisdiction: str, name: str | None = None) -> Source:
    """A Source for ``path`` (``name`` sets the document name that provision ids are built from)."""
    data = path.read_bytes()
    kind = path.suffix.lstrip(".").lower()
    return Source(jurisdiction, path.resolve(), name or path.name, kind, hashlib.sha256(data).hexdigest(), len(data))


def load_document(path: Path, corpus: Path, settings: ExtractSettings | None = None) -> Document | None:
    """A corpus file as the pipeline extracts it (None when nothing is readable)."""
    jurisdiction = path.relative_to(corpus).parts[0]
    document, _ = extract(make_source(path, jurisdiction), settings)
    return document


def manifest_titles(corpus: Path) -> dict[str, str]:
    """Corpus-relative path -> title, from MANIFEST.tsv (empty when absent)."""
    manifest = corpus / "MANIFEST.tsv"
    if not manifest.is_file():
        return {}
    with manifest.open(encoding="utf-8", newline="") as handle:
        return {row["path"]: row["title"] for row in csv.DictReader(handle, delimiter="\t")}


def running_header(title: str, fallback: str) -> str:
    """A short running header: the manifest title up to its first qualifier."""
    short = re.split(r" - | \(|, (?:Compilation|Vol|incl)", title or fallback)[0].strip()
    return short[:MAX_HEADER_CHARS] or fallback


def rendered_pdf(act: str, corpus: Path, cache: Path, variant: str, title: str) -> tuple[Path, float]:
    """The PDF of ``act`` in ``variant`` from the cache, rendered when missing; (path, render seconds).

    The cache key hashes the source, the renderer's code, the variant and the header, so
    a changed act or renderer never serves a stale PDF.
    """
    source = corpus / act
    digest = hashlib.sha256()
    for part in (source.read_bytes(), Path(render_corpus.__file__).read_bytes(), variant.encode(), title.encode()):
        digest.update(part)
    out = cache / f"{Path(act).stem}-{variant}-{digest.hexdigest()[:12]}.pdf"
    if out.is_file():
        return out, 0.0
    cache.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    partial = out.with_suffix(".part.pdf")
    render_corpus.render_pdf(render_corpus.act_paragraphs(source), title, partial,
                             render_corpus.VARIANTS.index(variant) + 1)
    partial.replace(out)
    return out, time.perf_counter() - began


def segment_act(act: str, corpus: Path, mode: str, variant: str, cache: Path, title: str
                ) -> tuple[list[Provision], Run]:
    """Provisions of one gold act as the segmenter finds them in ``mode``/``variant``."""
    jurisdiction = act.split("/")[0]
    seconds: dict[str, float] = {}
    if mode == "pdf":
        pdf, seconds["render"] = rendered_pdf(act, corpus, cache, variant, title)
        began = time.perf_counter()
        document, problems = extract(make_source(pdf, jurisdiction, Path(act).stem + ".pdf"))
        seconds["extract"] = time.perf_counter() - began
    else:
        document, problems = extract(make_source(corpus / act, jurisdiction))
    if document is None:
        return [], Run(act, variant, 0, 0, [p.message for p in problems], seconds)
    began = time.perf_counter()
    provisions, seg_problems = segment(document)
    seconds["segment"] = time.perf_counter() - began
    errors = [p.message for p in seg_problems if p.severity == "error"]
    return provisions, Run(act, variant, len(document.pages), len(provisions), errors, seconds)


# --- gold structure ---------------------------------------------------------------------------


def xml_gold(path: Path) -> tuple[list[str], list[str]]:
    """Section and sub-section citations from a Justice Canada XML act body."""
    body = ET.parse(path).getroot().find("Body")
    sections: list[str] = []
    subs: list[str] = []
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
            out.append(template.format(" ".join(match.group(1).split())))
    return out


def recall_row(act: str, variant: str, gold_name: str, level: str, gold: list[str],
               provisions: list[Provision], kinds: set[str]) -> Row:
    """Share of gold citations the segmenter produced as provisions of ``kinds``."""
    found = {p.citation for p in provisions if p.kind in kinds}
    wanted = list(dict.fromkeys(gold))
    missed = [c for c in wanted if c not in found]
    return Row(Path(act).name, act.split("/")[0], variant, gold_name, level,
               len(wanted) - len(missed), len(wanted), missed)


def act_rows(gold: GoldAct, corpus: Path, variant: str, provisions: list[Provision]) -> list[Row]:
    """The recall rows of one gold act."""
    rows = []
    if gold.xml:
        sections, subs = xml_gold(corpus / gold.xml)
        rows.append(recall_row(gold.path, variant, "XML", "section", sections, provisions, SECTION_KINDS))
        rows.append(recall_row(gold.path, variant, "XML", "sub", subs, provisions, SUB_KINDS))
    if gold.headings:
        headings = md_gold(corpus / gold.path, gold.path.split("/")[0])
        rows.append(recall_row(gold.path, variant, "md headings", "section", headings, provisions, SECTION_KINDS))
    return rows


# --- the evaluation ---------------------------------------------------------------------------


def evaluate_acts(corpus: Path, mode: str = "pdf", variants: Sequence[str] = render_corpus.VARIANTS,
                  cache: Path | None = None, acts: Sequence[GoldAct] = GOLD_ACTS) -> tuple[list[Row], list[Run]]:
    """Recall rows and runs of the gold acts in ``mode`` (``variants`` apply to pdf mode)."""
    cache = cache or render_corpus.default_cache_dir("segment-bench")
    titles = manifest_titles(corpus)
    rows: list[Row] = []
    runs: list[Run] = []
    for gold in acts:
        if not (corpus / gold.path).is_file():
            continue
        title = running_header(titles.get(gold.path, ""), Path(gold.path).stem)
        for variant in variants if mode == "pdf" else ("text",):
            provisions, run = segment_act(gold.path, corpus, mode, variant, cache, title)
            runs.append(run)
            rows += act_rows(gold, corpus, variant, provisions)
    return rows, runs


def corpus_files(corpus: Path) -> list[Path]:
    """Every statute of the corpus (the XML gold files are not statutes to scan)."""
    return sorted(p for p in corpus.rglob("*") if p.suffix in (".md", ".txt", ".pdf") and "xml" not in p.parts)


def sweep(corpus: Path) -> list[Run]:
    """The no-text-lost check on every corpus document, as the pipeline extracts it."""
    runs = []
    for path in corpus_files(corpus):
        document = load_document(path, corpus)
        name = str(path.relative_to(corpus))
        if document is None:
            runs.append(Run(name, "-", 0, 0, []))
            continue
        began = time.perf_counter()
        provisions, problems = segment(document)
        errors = [p.message for p in problems if p.severity == "error"]
        runs.append(Run(name, "-", len(document.pages), len(provisions), errors,
                        {"segment": time.perf_counter() - began}))
    return runs


def pooled(rows: list[Row], level: str, variant: str | None = None) -> tuple[int, int]:
    """(found, total) over the rows of ``level`` (and ``variant``)."""
    chosen = [r for r in rows if r.level == level and (variant is None or r.variant == variant)]
    return sum(r.found for r in chosen), sum(r.total for r in chosen)


# --- the report -------------------------------------------------------------------------------


def _pct(found: int, total: int) -> str:
    return f"{found}/{total} = {found / total:.2%}" if total else "-"


def summary_lines(rows: list[Row], mode: str) -> list[str]:
    """Pooled recall per level, per variant and over all variants, against the targets."""
    variants = list(dict.fromkeys(r.variant for r in rows))
    out = ["| level | target | " + " | ".join(variants) + " | all |", "|---|---|" + "---|" * (len(variants) + 1)]
    for level, target in (("section", SECTION_TARGET), ("sub", SUB_TARGET)):
        cells = [_pct(*pooled(rows, level, v)) for v in variants] + [_pct(*pooled(rows, level))]
        out.append(f"| {level} | {target:.0%} | " + " | ".join(cells) + " |")
    acts = {(r.act, r.jurisdiction) for r in rows}
    out += ["", f"Mode: **{mode}**. {len(acts)} acts of {len({j for _, j in acts})} drafting traditions:"]
    out += [f"- {j}: {TRADITIONS.get(j, j)}" for j in sorted({j for _, j in acts})]
    return out


def write_report(rows: list[Row], runs: list[Run], swept: list[Run], mode: str, out: Path) -> str:
    """Markdown report of the evaluation; returns the text written."""
    lines = ["# Segmentation evaluation (ISSUE 4)", "",
             "Command: `.venv/bin/python benchmarks/eval_segment.py` (`make eval-segment`).", "",
             "Gold: official Justice Canada XML (sections and sub-levels) and the section headings of the "
             "Markdown acts. In **pdf** mode every gold act is rendered by `benchmarks/render_corpus.py` "
             "(running header, page numbers, justified hyphenated text; one and two columns), extracted by "
             "`analyser.extract.extract` and segmented, so headings reach the segmenter only as printed lines.",
             "", "## Pooled recall of true citations", "", *summary_lines(rows, mode), "",
             "## Per act", "",
             "| act | variant | gold | level | found | total | recall | first misses |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r.act} | {r.variant} | {r.gold} | {r.level} | {r.found} | {r.total} | {r.recall:.2%} | "
                     f"{', '.join(r.missed[:5])} |")
    lines += ["", "## Gold acts: pages, timings, no text lost", "",
              "| act | variant | pages | provisions | coverage errors | render s | extract s | segment s |",
              "|---|---|---|---|---|---|---|---|"]
    lines += [_run_line(r, timings=True) for r in runs]
    lines += ["", "Render time 0 means the PDF came from the cache.", "",
              "## No text lost (every document of the corpus, as the pipeline extracts it)", "",
              "| document | pages | provisions | coverage errors | segment s |", "|---|---|---|---|---|"]
    lines += [_run_line(r, timings=False) for r in swept]
    failures = [e for r in runs + swept for e in r.errors]
    lines += ["", f"Coverage errors in all: **{len(failures)}**", *[f"- {e}" for e in failures[:20]]]
    text = "\n".join(lines) + "\n"
    out.write_text(text, encoding="utf-8")
    return text


def _run_line(run: Run, timings: bool) -> str:
    s = run.seconds
    if timings:
        return (f"| {Path(run.name).name} | {run.variant} | {run.pages} | {run.provisions} | {len(run.errors)} | "
                f"{s.get('render', 0):.1f} | {s.get('extract', 0):.1f} | {s.get('segment', 0):.2f} |")
    return f"| {run.name} | {run.pages} | {run.provisions} | {len(run.errors)} | {s.get('segment', 0):.2f} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "SEGMENT.md")
    parser.add_argument("--mode", choices=MODES, default="pdf")
    parser.add_argument("--variants", default=",".join(render_corpus.VARIANTS), help="pdf layouts: 1col,2col")
    parser.add_argument("--acts", default="", help="comma-separated substrings of act paths (default: all)")
    parser.add_argument("--cache", type=Path, default=None, help="rendered PDFs (default: the tipgap cache)")
    parser.add_argument("--no-sweep", action="store_true", help="skip the no-text-lost sweep of the corpus")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    variants = [v for v in args.variants.split(",") if v]
    unknown = sorted(set(variants) - set(render_corpus.VARIANTS))
    if unknown:
        parser.error(f"unknown variants {unknown}; choose from {list(render_corpus.VARIANTS)}")
    wanted = [k for k in args.acts.split(",") if k]
    acts = [a for a in GOLD_ACTS if not wanted or any(k in a.path for k in wanted)]
    rows, runs = evaluate_acts(args.corpus, args.mode, variants, args.cache, acts)
    swept = [] if args.no_sweep else sweep(args.corpus)
    print(write_report(rows, runs, swept, args.mode, args.out))
    sections, subs = pooled(rows, "section"), pooled(rows, "sub")
    met = all(t == 0 or f / t >= target for (f, t), target in ((sections, SECTION_TARGET), (subs, SUB_TARGET)))
    return 0 if met and not any(r.errors for r in runs + swept) else 1


if __name__ == "__main__":
    raise SystemExit(main())
