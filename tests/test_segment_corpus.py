"""Segmentation on the real corpus in ../shared/corpus (skipped when absent).

The full evaluation is ``benchmarks/eval_segment.py``; these tests run its pieces on
every corpus document (no text lost), on the Markdown texts (recall of the true
structure), and on one small act rendered to PDF (the evaluation's default mode).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("TIPGAP_SHARED", ROOT.parent / "shared")) / "corpus"  # as in conftest.py
pytestmark = pytest.mark.skipif(not (CORPUS / "MANIFEST.tsv").is_file(), reason=f"corpus not found at {CORPUS}")
sys.path.insert(0, str(ROOT / "benchmarks"))

FILES = [str(p.relative_to(CORPUS)) for p in sorted(CORPUS.rglob("*"))
         if p.suffix in (".md", ".txt", ".pdf") and "xml" not in p.parts] if CORPUS.is_dir() else []
MAX_SECONDS_CRIMINAL_CODE = 5.0


@pytest.mark.parametrize("name", FILES)
def test_no_text_lost(name: str) -> None:
    from eval_segment import load_document

    from analyser.extract import ExtractSettings
    from analyser.segment import segment

    # without OCR: the scanned act is slow to OCR and benchmarks/eval_segment.py covers it
    document = load_document(CORPUS / name, CORPUS, ExtractSettings(ocr=False))
    if document is None:
        pytest.skip(f"{name}: nothing readable")
    provisions, problems = segment(document)
    assert [p.message for p in problems if p.severity == "error"] == []
    assert len({p.id for p in provisions}) == len(provisions)


def test_structure_recall_on_the_markdown_texts() -> None:
    from eval_segment import SECTION_TARGET, SUB_TARGET, evaluate_acts, pooled

    rows, runs = evaluate_acts(CORPUS, mode="text")
    assert not [r.errors for r in runs if r.errors]
    for level, target in (("section", SECTION_TARGET), ("sub", SUB_TARGET)):
        found, total = pooled(rows, level)
        assert found / total >= target, f"{level}: {found}/{total}"
    assert len({r.jurisdiction for r in rows}) >= 3 and len({r.act for r in rows}) >= 5


def test_rendered_pdf_structure(tmp_path: Path) -> None:
    """PDF mode on the Canadian Extradition Act: every true section and >= 97% of its sub-units."""
    pytest.importorskip("reportlab", reason="reportlab renders the test PDF")
    from eval_segment import GOLD_ACTS, evaluate_acts

    act = [a for a in GOLD_ACTS if a.path.startswith("CAN/E-23.01")]
    rows, runs = evaluate_acts(CORPUS, mode="pdf", variants=("1col",), cache=tmp_path, acts=act)
    assert runs[0].pages > 10 and runs[0].errors == []
    recall = {r.level: r.recall for r in rows}
    assert recall["section"] == 1.0 and recall["sub"] >= 0.97, rows


def test_criminal_code_is_fast_and_cites_trafficking() -> None:
    from eval_segment import load_document

    from analyser.segment import segment

    document = load_document(CORPUS / "CAN" / "C-46-criminal-code.md", CORPUS)
    assert document is not None
    began = time.perf_counter()
    provisions, _ = segment(document)
    assert time.perf_counter() - began < MAX_SECONDS_CRIMINAL_CODE
    by_cite = {p.citation: p for p in provisions}
    assert by_cite["s. 279.01(1)"].kind == "subsection"
    assert by_cite["s. 279.01"].heading == "Trafficking in persons"
