"""Segmentation on the real corpus in /work/shared/corpus (skipped when absent)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

CORPUS = Path("/work/shared/corpus")
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

FILES = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*")
               if p.suffix in (".md", ".txt", ".pdf") and "xml" not in p.parts) if CORPUS.is_dir() else []
MAX_SECONDS_CRIMINAL_CODE = 5.0


@pytest.mark.parametrize("name", FILES)
def test_no_text_lost(name: str) -> None:
    from eval_segment import load_document

    from analyser.segment import segment

    provisions, problems = segment(load_document(CORPUS / name, CORPUS))
    assert [p.message for p in problems if p.severity == "error"] == []
    assert len({p.id for p in provisions}) == len(provisions)


def test_canadian_xml_structure_recall() -> None:
    from eval_segment import evaluate

    rows, _ = evaluate(CORPUS)
    for level, target in (("section", 0.99), ("sub", 0.97)):
        chosen = [r for r in rows if r.level == level]
        found, total = sum(r.found for r in chosen), sum(r.total for r in chosen)
        assert found / total >= target, f"{level}: {found}/{total}"


def test_criminal_code_is_fast_and_cites_trafficking() -> None:
    from eval_segment import load_document

    from analyser.segment import segment

    document = load_document(CORPUS / "CAN" / "C-46-criminal-code.md", CORPUS)
    began = time.perf_counter()
    provisions, _ = segment(document)
    assert time.perf_counter() - began < MAX_SECONDS_CRIMINAL_CODE
    by_cite = {p.citation: p for p in provisions}
    assert by_cite["s. 279.01(1)"].kind == "subsection"
    assert by_cite["s. 279.01"].heading == "Trafficking in persons"
