"""A short run of the PDF mutation fuzzer (benchmarks/fuzz_pdfs.py), its own checks, and
regression tests for the damaged PDFs it found (issue 9).

The long run (10,000 variants) is ``make fuzz``; results in benchmarks/FUZZ.md.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import random
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from types import ModuleType

import pytest
from reportlab.pdfgen import canvas

from analyser.extract import ExtractSettings, extract
from analyser.models import Source

ROOT = Path(__file__).resolve().parents[1]
# (engine, variants, seed): PDFium reads a variant in ~0.03 s, pdfplumber in ~0.4 s, so the
# short run (one worker) takes ~20 s on an idle 2-core machine, ~45 s on a busy one.
SHORT_RUNS = (("pdfium", 150, 9), ("pdfplumber", 40, 10))


def _load(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


fuzz = _load("fuzz_pdfs")


# ------------------------------------------------------------------ the harness


def test_variants_are_reproducible() -> None:
    samples = fuzz.sample_pdfs()
    assert len(samples) >= 5
    first = [fuzz.make_variant(samples, 3, i) for i in range(20)]
    assert first == [fuzz.make_variant(samples, 3, i) for i in range(20)]
    assert [v.data for v in first] != [fuzz.make_variant(samples, 4, i).data for i in range(20)]


@pytest.mark.parametrize("mutator", [m for m, _ in fuzz.MUTATORS], ids=lambda m: m.__name__)
def test_every_mutator_changes_the_file(mutator) -> None:
    data = fuzz.sample_pdfs()[0].read_bytes()
    changed = 0
    for seed in range(10):
        mutated, description = mutator(random.Random(seed), data)
        changed += mutated != data
        assert description
    assert changed >= 8  # a flip may rewrite a byte with itself; most runs must differ


def test_content_mutation_keeps_the_stream_decodable() -> None:
    """Structure-aware edits re-encode the stream, so they reach the content parser."""
    data = fuzz.sample_pdfs()[0].read_bytes()
    mutated, description = fuzz.mutate_content(random.Random(1), data)
    assert description.startswith("content@")
    start, end = fuzz.stream_spans(mutated)[0]
    header = mutated[mutated.rfind(b"obj", 0, start):start]
    assert fuzz._decode_stream(mutated[start:end].rstrip(b"\r\n"), header) is not None


def _scripted_worker(conn: Connection, memory_mb: int) -> None:
    """Answers task 0, hangs on task 1, dies on task 2."""
    while (task := conn.recv()) is not None:
        index, _, engine = task
        if index == 1:
            time.sleep(60)
        if index == 2:
            os._exit(3)
        conn.send(fuzz.Outcome(index, engine, "text", 0.0))


def test_pool_reports_hangs_and_dead_workers() -> None:
    pool = fuzz.Pool(jobs=2, timeout=2.0, target=_scripted_worker)
    try:
        outcomes = list(pool.run(iter([(0, "a", "pdfium"), (1, "b", "pdfium"), (2, "c", "pdfium"), (0, "a", "x")])))
    finally:
        pool.close()
    assert sorted((o.index, o.kind) for o in outcomes) == [(0, "text"), (0, "text"), (1, "hang"), (2, "died")]


def test_classify_flags_a_broken_contract() -> None:
    assert fuzz.classify(None, [])[0] == "contract"
    assert fuzz.classify(None, "oops")[0] == "contract"


@pytest.mark.fuzz
@pytest.mark.parametrize("engine,variants,seed", SHORT_RUNS, ids=[run[0] for run in SHORT_RUNS])
def test_short_fuzz_run(tmp_path: Path, engine: str, variants: int, seed: int) -> None:
    """No variant may raise, hang, kill its worker, or reach extract's last-resort handler."""
    result = fuzz.run_fuzz(variants, seed=seed, jobs=1, timeout=30, engines=(engine,), crash_dir=tmp_path)
    summary = "\n".join(fuzz.summary_lines(result))
    assert len(result.outcomes) == variants, summary
    assert not result.failures(), summary
    assert not [o for o in result.outcomes if o.kind == "caught"], summary
    kinds = result.counts()
    assert kinds["text"] and kinds["problem"], summary  # the mutations reach both outcomes


# ------------------------------------------------------- regressions (issue 9)


def _two_page_pdf() -> bytes:
    """An uncompressed two-page PDF (reportlab), so page dictionaries can be edited as bytes."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pageCompression=0)
    for number in (1, 2):
        c.setFont("Times-Roman", 10)
        for i in range(30):
            c.drawString(72, 700 - i * 14, f"p{number} line{i} the person in the care of the officer may be heard")
        c.showPage()
    c.save()
    return buffer.getvalue()


def _edit_last(data: bytes, old: bytes, new: bytes) -> bytes:
    """Replace the last ``old`` (the second page's dictionary) by ``new`` of the same length."""
    at = data.rfind(old)
    assert at >= 0 and len(old) == len(new)
    return data[:at] + new + data[at + len(old) :]


def _extract_bytes(tmp_path: Path, data: bytes, engine: str) -> tuple:
    path = tmp_path / "damaged.pdf"
    path.write_bytes(data)
    source = Source("TST", path, path.name, "pdf", hashlib.sha256(data).hexdigest(), len(data))
    return extract(source, ExtractSettings(engine=engine, ocr=False))


@pytest.mark.parametrize(
    "old,new,cause",
    [
        (b"/Rotate 0", b"/Rotate z", "TypeError"),  # pdfplumber: 'PSKeyword' % int
        (b"/MediaBox [ 0 0 595.2756", b"/MediaBox [ 0 0 /x 5.275", "MalformedPDFException"),
        (b"/Rotate 0 /Trans", b"/Rotate 0$/Trans", "PSSyntaxError"),  # odd page dictionary
    ],
    ids=["rotate-not-a-number", "mediabox-with-a-name", "odd-page-dictionary"],
)
def test_issue_9_damaged_page_dictionary(tmp_path: Path, old: bytes, new: bytes, cause: str) -> None:
    """pdfplumber reads the page tree whole, outside the per-page guard: one damaged page
    dictionary was an "unexpected ..." error from extract's last-resort handler. It is a
    corrupt-PDF row now; PDFium and the default engine still read the document."""
    data = _edit_last(_two_page_pdf(), old, new)
    document, problems = _extract_bytes(tmp_path, data, "pdfplumber")
    assert document is None
    assert [p.severity for p in problems] == ["error"]
    assert problems[0].message.startswith("corrupt PDF: cannot be parsed") and cause in problems[0].message
    document, problems = _extract_bytes(tmp_path, data, "auto")
    assert document is not None and "p1 line0" in document.text


def _overflowing_matrix_pdf() -> bytes:
    """One page of 30 lines, then text under a transformation past float range: 200^17 overflows
    PDFium's float32 (NaN glyph boxes), 1e20^16 more overflows pdfminer's float64."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pageCompression=0)
    c.setFont("Times-Roman", 10)
    for i in range(30):
        c.drawString(72, 700 - i * 14, f"line{i} the person in the care of the officer may be heard")
    big = "1" + "0" * 20
    c._code.extend(["200 0 0 200 0 0 cm"] * 17 + [f"{big} 0 0 {big} 0 0 cm"] * 16)
    c.drawString(72, 300, "overflowing words here")
    c.showPage()
    c.save()
    return buffer.getvalue()


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber", "auto"])
def test_issue_9_text_matrix_past_float_range(tmp_path: Path, engine: str) -> None:
    """Glyphs with NaN boxes were a ValueError in layout (round(NaN)): the whole document was lost
    (PDFium: "unexpected ValueError"; pdfplumber: "no page could be parsed"). They are dropped now."""
    document, problems = _extract_bytes(tmp_path, _overflowing_matrix_pdf(), engine)
    assert problems == []
    assert "line0 the person" in document.text and "line27 the person" in document.text
