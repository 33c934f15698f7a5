"""Fast version of benchmarks/eval_extract.py on two short acts, plus the real PDFs.

Reads statutes from ../shared/corpus only; skips when it is missing.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"statute corpus not found at {CORPUS}")


def _load(name: str) -> ModuleType:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> tuple[ModuleType, Path]:
    pytest.importorskip("pyphen", reason="pyphen is needed to render hyphenated test PDFs")
    return _load("eval_extract"), tmp_path_factory.mktemp("rendered")


@pytest.mark.parametrize("engine", ["auto", "pdfplumber"])
@pytest.mark.parametrize("act", ["usa_ch77", "intl_palermo"])
def test_rendered_act_meets_targets(bench: tuple[ModuleType, Path], act: str, engine: str) -> None:
    module, cache = bench
    for score in module.score_act(act, cache, engine):
        assert score.recall >= module.TARGET, score
        assert score.precision >= module.TARGET, score
        assert score.leaked == 0, score
        assert score.headings_found == score.headings and score.in_order, score


def test_real_pdf_sections_come_out_in_order() -> None:
    """IND code: numbered sections around the trafficking offences appear in order,
    with no running header or glued words in between."""
    module = _load("eval_extract")
    path = CORPUS / "IND" / "bns_2023_act45_250883_english_01042024.pdf"
    if not path.exists():
        pytest.skip("IND PDF missing")
    document, _, problems = module.extract_file(path, "IND")
    assert problems == [] and document is not None
    text = document.text
    starts = {int(m.group(1)): m.start() for m in re.finditer(r"(?m)^(\d{1,3})\.\s", text)}
    wanted = list(range(140, 148))
    assert all(n in starts for n in wanted), sorted(set(wanted) - set(starts))
    assert [starts[n] for n in wanted] == sorted(starts[n] for n in wanted)
    span = text[starts[wanted[0]] : starts[wanted[-1]]]
    assert "GAZETTE" not in span.upper()
    assert not [t for t in module.tokens(span) if len(t) > 25]
    assert document.health.header_footer_lines_removed >= document.health.pages - 2


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed (make system)")
def test_scanned_pak_act_first_pages_readable(tmp_path: Path) -> None:
    """OCR of the scanned PAK act (its first page only, for speed) shares most words
    with the OCR companion file."""
    pypdf = pytest.importorskip("pypdf")
    module = _load("eval_extract")
    scan = CORPUS / "PAK" / "Prevention_of_Trafficking_in_Persons_Act_2018.pdf"
    companion = scan.with_name(scan.stem + "_ocr.md")
    if not scan.exists() or not companion.exists():
        pytest.skip("PAK scan or companion missing")
    writer = pypdf.PdfWriter()
    writer.add_page(pypdf.PdfReader(scan).pages[1])
    one = tmp_path / "page2.pdf"
    with one.open("wb") as handle:
        writer.write(handle)
    document, _, problems = module.extract_file(one, "PAK")
    assert document is not None and document.pages[0].ocr, problems
    found = set(module.tokens(document.text))
    reference = set(module.tokens(companion.read_text(encoding="utf-8")))
    assert len(found) > 100
    assert len(found & reference) / len(found) >= 0.85
