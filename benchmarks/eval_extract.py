"""Score extraction on rendered acts (see render_corpus.py) and on real PDFs.

Per act and layout: word recall and precision after normalisation, running-header
and page-number lines leaked into the body text, and section headings found in
order. Real PDFs of ../shared/corpus: the scanned PAK act against its OCR companion,
and section order on the IND code. Prints a table and writes benchmarks/EXTRACT.md.

    python benchmarks/eval_extract.py [--cache DIR] [--acts usa_ch77,...] [--no-real] [--engine auto|pdfium|pdfplumber]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from render_corpus import ACTS, CORPUS, VARIANTS, default_cache_dir, render_act  # noqa: E402

from analyser.extract import ExtractSettings, extract  # noqa: E402
from analyser.models import Document, Source  # noqa: E402
from analyser.pdftext import PAGE_NUMBER_RE  # noqa: E402
from analyser.textfiles import decode_bytes, render_markdown  # noqa: E402

REPORT = Path(__file__).resolve().parent / "EXTRACT.md"
TARGET = 0.995
# A numbered section heading in acts without Markdown headings: "12. Short title"
NUMBERED_HEADING_RE = re.compile(r"^\d+[A-Z]{0,2}\.?\s+\S.{0,80}$")
_TOKEN_RE = re.compile(r"\w+(?:[\-'’.]\w+)*")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2014": "-"})


@dataclass
class Score:
    """Scores of one extracted document against its truth."""

    act: str
    variant: str
    pages: int
    seconds: float
    recall: float
    precision: float
    leaked: int
    headings: int
    headings_found: int
    in_order: bool
    hf_removed: int

    @property
    def passed(self) -> bool:
        return (self.recall >= TARGET and self.precision >= TARGET and self.leaked == 0
                and self.headings_found == self.headings and self.in_order)


def tokens(text: str) -> list[str]:
    """Normalised word tokens: NFKC, quotes and dashes unified, lower case."""
    return _TOKEN_RE.findall(unicodedata.normalize("NFKC", text).translate(_QUOTES).lower())


def recall_precision(truth: str, found: str) -> tuple[float, float]:
    """Word-level recall and precision as multisets."""
    t, f = Counter(tokens(truth)), Counter(tokens(found))
    common = sum((t & f).values())
    return common / max(1, sum(t.values())), common / max(1, sum(f.values()))


def leaked_lines(document: Document | None, header: str, truth: str) -> int:
    """Body lines that are the running header, or the page's own number, beyond
    such lines in the truth."""
    key = " ".join(tokens(header))

    def is_leak(line: str, page: int) -> bool:
        bare = PAGE_NUMBER_RE.match(line.strip()) and re.sub(r"\D", "", line) == str(page)
        return bool(line.strip()) and (" ".join(tokens(line)) == key or bool(bare))

    pages = document.pages if document else ()
    found = sum(1 for p in pages for line in p.text.split("\n") if is_leak(line, p.number))
    in_truth = sum(1 for line in truth.split("\n") if " ".join(tokens(line)) == key)
    return max(0, found - in_truth)


def headings_in_order(headings: list[str], text: str) -> tuple[int, bool]:
    """How many headings occur in ``text`` and whether they occur in order."""
    flat = " ".join(tokens(text))
    found, pos, ordered = 0, 0, True
    for heading in headings:
        needle = " ".join(tokens(heading))
        at = flat.find(needle, pos)
        if at < 0:
            anywhere = flat.find(needle)
            ordered = ordered and anywhere < 0
            found += anywhere >= 0
            continue
        found += 1
        pos = at + len(needle)
    return found, ordered


def extract_file(path: Path, jurisdiction: str = "BENCH", engine: str | None = None) -> tuple[Document | None, float, list[str]]:
    """Run the extraction stage on one file; returns (document, seconds, problems)."""
    source = Source(jurisdiction, path.resolve(), path.name, path.suffix.lstrip(".").lower(), "", path.stat().st_size)
    start = time.perf_counter()
    document, problems = extract(source, ExtractSettings(engine=engine) if engine else None)
    return document, time.perf_counter() - start, [p.message for p in problems]


def score_act(key: str, cache: Path, engine: str | None = None) -> list[Score]:
    """Score both layouts of one rendered act (with the default engine unless ``engine`` is given)."""
    act = next(a for a in ACTS if a.key == key)
    if not (cache / f"{key}-2col.pdf").exists():
        render_act(act, cache)
    truth = (cache / f"{key}.truth.txt").read_text(encoding="utf-8")
    headings = json.loads((cache / f"{key}.headings.json").read_text(encoding="utf-8"))
    if not headings:
        headings = [line for line in truth.split("\n") if NUMBERED_HEADING_RE.match(line) and not line.endswith(".")]
    scores = []
    for variant in VARIANTS:
        document, seconds, problems = extract_file(cache / f"{key}-{variant}.pdf", engine=engine)
        text = document.text if document else ""
        recall, precision = recall_precision(truth, text)
        found, ordered = headings_in_order(headings, text)
        scores.append(Score(
            key, variant, len(document.pages) if document else 0, seconds, recall, precision,
            leaked_lines(document, act.title, truth), len(headings), found, ordered,
            document.health.header_footer_lines_removed if document else 0,
        ))
    return scores


def score_real(corpus: Path, engine: str | None = None) -> list[str]:
    """Report lines on the real PDFs (PAK scanned act vs its OCR companion; IND code)."""
    lines = []
    scan = corpus / "PAK" / "Prevention_of_Trafficking_in_Persons_Act_2018.pdf"
    companion = scan.with_name(scan.stem + "_ocr.md")
    if scan.exists() and companion.exists():
        document, seconds, problems = extract_file(scan, "PAK", engine)
        reference, _ = render_markdown(decode_bytes(companion.read_bytes())[0])
        recall, precision = recall_precision(reference, document.text if document else "")
        ocr = document.health.pages_ocr if document else 0
        lines.append(f"| PAK {scan.name} (scanned) | {ocr} OCR pages, {seconds:.1f} s | word overlap with `_ocr.md`: "
                     f"recall {recall:.3f}, precision {precision:.3f} | {'; '.join(problems) or '-'} |")
    code = corpus / "IND" / "bns_2023_act45_250883_english_01042024.pdf"
    if code.exists():
        document, seconds, problems = extract_file(code, "IND", engine)
        text = document.text if document else ""
        numbers = [int(m.group(1)) for m in re.finditer(r"(?m)^(\d{1,3})\.\s", text)]
        ascending = sum(1 for a, b in zip(numbers, numbers[1:]) if b == a + 1)
        glued = sum(1 for t in tokens(text) if len(t) > 25)
        pages = len(document.pages) if document else 0
        lines.append(f"| IND {code.name} | {pages} pages, {seconds:.1f} s | {len(set(numbers))} numbered sections at "
                     f"line starts, {ascending} consecutive pairs; {glued} glued tokens (>25 letters) | "
                     f"{'; '.join(problems) or '-'} |")
    return lines


def table(scores: list[Score]) -> list[str]:
    """Markdown table of scores."""
    out = ["| act | layout | pages | s | recall | precision | header/page-no lines leaked | headings found | in order | HF lines removed | pass |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for s in scores:
        out.append(f"| {s.act} | {s.variant} | {s.pages} | {s.seconds:.1f} | {s.recall:.4f} | {s.precision:.4f} | "
                   f"{s.leaked} | {s.headings_found}/{s.headings} | {'yes' if s.in_order else 'NO'} | {s.hf_removed} | "
                   f"{'yes' if s.passed else 'NO'} |")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=default_cache_dir())
    parser.add_argument("--acts", default="")
    parser.add_argument("--no-real", action="store_true", help="skip the real PDFs (PAK, IND)")
    parser.add_argument("--no-write", action="store_true", help=f"do not write {REPORT.name}")
    parser.add_argument("--engine", default="auto", choices=["auto", "pdfium", "pdfplumber"],
                        help="PDF reader (default: auto, the pipeline's default)")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    keys = [k for k in args.acts.split(",") if k] or [a.key for a in ACTS]
    scores = [s for key in keys for s in score_act(key, args.cache, args.engine)]
    rows = table(scores)
    real = [] if args.no_real else score_real(CORPUS, args.engine)
    print("\n".join(rows + [""] + real))
    if not args.no_write:
        REPORT.write_text("\n".join([
            "# Extraction benchmark", "",
            "Generated by `python benchmarks/eval_extract.py` (acts rendered by `benchmarks/render_corpus.py`:",
            "running header, page numbers, justified and pyphen-hyphenated text, one and two columns).",
            f"Targets: recall and precision >= {TARGET}, no leaked header/page-number lines, all headings in order.",
            f"Engine: `{args.engine}` (`--engine`).", "",
            *rows, "", "## Real PDFs", "", "| document | run | result | problems |", "|---|---|---|---|", *real, "",
        ]), encoding="utf-8")
    return 0 if all(s.passed for s in scores) else 1


if __name__ == "__main__":
    raise SystemExit(main())
