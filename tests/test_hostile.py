"""Hostile and broken input (issue 9): the batch finishes, every bad file is reported once,
the good files' results are untouched, and an interrupted scan never damages OUT_DIR."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import analyser.ingest
import analyser.ocr
from analyser.cli import cli
from analyser.isolation import FileLimits, LimitError, run_limited
from analyser.models import Source
from analyser.pipeline import PipelineSettings

from tests.conftest import SAMPLE_STATUTES
from tests.hostile import build_hostile_folder, huge_stream_pdf, neutral_pdf, tiny_pages_pdf

GOOD = ("XAV", "XBE", "XCO")


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _good_rows(path: Path) -> list[dict[str, str]]:
    return [row for row in _rows(path) if row["jurisdiction"] in GOOD]


@pytest.fixture(scope="module")
def hostile_scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path, object]:
    """The hostile folder scanned through the CLI, without Tesseract, one file made unreadable."""
    root = tmp_path_factory.mktemp("hostile") / "statutes"
    bad = build_hostile_folder(SAMPLE_STATUTES, root)
    out = root.parent / "out"
    unreadable = root / "XCO" / "unreadable.pdf"
    real_hash = analyser.ingest.file_sha256

    def refuse(path: Path) -> str:  # chmod 000 does not stop root, so refuse the read here
        if Path(path) == unreadable:
            raise PermissionError(13, "Permission denied")
        return real_hash(path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(analyser.ingest, "file_sha256", refuse)
        patch.setattr(analyser.ocr, "find_tesseract", lambda command: None)  # forked children inherit it
        run = CliRunner().invoke(cli, ["scan", str(root), "--out", str(out), "-q", "--file-timeout", "300"])
    return bad, out, run


def test_hostile_folder_scan_exits_zero(hostile_scan) -> None:
    _bad, out, run = hostile_scan
    assert run.exit_code == 0, run.output + repr(run.exception)
    assert "Traceback" not in run.output
    assert (out / "coverage.csv").is_file()


def test_every_bad_file_is_listed_exactly_once(hostile_scan) -> None:
    bad, out, _run = hostile_scan
    problems = _rows(out / "problems.csv")
    for name, what in bad.items():
        jurisdiction, _, document = name.partition("/")
        rows = [p for p in problems if p["jurisdiction"] == jurisdiction and p["document"] == document]
        assert len(rows) == 1, f"{what} ({name}): {len(rows)} problem rows: {rows}"
        assert rows[0]["message"] and "Traceback" not in rows[0]["message"]


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("XAV/zero_byte.pdf", ["empty"]),
        ("XAV/truncated.pdf", ["truncated"]),
        ("XAV/corrupt_xref.pdf", ["pdf"]),
        ("XBE/locked.pdf", ["encrypted", "password"]),
        ("XBE/owner_only.pdf", ["encrypted", "empty user password"]),
        ("XBE/error_page.pdf", ["not a pdf", "html"]),
        ("XBE/archive.pdf", ["not a pdf", "zip"]),
        ("XBE/picture.pdf", ["not a pdf", "png"]),
        ("XCO/scanned.pdf", ["no text layer", "tesseract"]),
        ("XCO/tiny_pages.pdf", ["3000 pages", "smaller than"]),
        ("XCO/huge_stream.pdf", ["page 2", "drawing objects"]),
        ("XCO/vietnamese.txt", ["vietnamese", "not evidence of gaps"]),
        ("XCO/binary.txt", ["undecodable"]),
        ("XAV/proceeds_of_crime_act_2011 (1).pdf", ["duplicate of proceeds_of_crime_act_2011.pdf"]),
        ("XCO/loop", ["loop"]),
        ("XCO/dangling.pdf", ["symbolic link"]),
        ("XCO/unreadable.pdf", ["unreadable", "permission denied"]),
        ("XEM", ["no readable statute files"]),
    ],
)
def test_each_message_says_what_is_wrong(hostile_scan, name: str, words: list[str]) -> None:
    bad, out, _run = hostile_scan
    assert name in bad
    jurisdiction, _, document = name.partition("/")
    (row,) = [p for p in _rows(out / "problems.csv") if p["jurisdiction"] == jurisdiction and p["document"] == document]
    for word in words:
        assert word in row["message"].lower(), row


def test_good_files_come_out_as_without_the_bad_ones(hostile_scan, sample_out: Path) -> None:
    _bad, out, _run = hostile_scan
    for table in ("coverage.csv", "evidence.csv"):
        assert _good_rows(out / table) == _good_rows(sample_out / table), table
    good_documents = {(r["jurisdiction"], r["document"]) for r in _rows(sample_out / "documents.csv")}
    hostile_docs = [r for r in _rows(out / "documents.csv") if (r["jurisdiction"], r["document"]) in good_documents]
    expected = [r for r in _rows(sample_out / "documents.csv")]
    assert hostile_docs == expected
    assert _rows(out / "problems.csv") and not [
        p for p in _rows(out / "problems.csv") if (p["jurisdiction"], p["document"]) in good_documents
    ]


def test_hostile_scan_is_deterministic_across_jobs(hostile_scan, tmp_path: Path) -> None:
    """The same hostile folder with two worker processes gives byte-identical CSVs."""
    _bad, out, _run = hostile_scan
    root = out.parent / "statutes"
    unreadable = root / "XCO" / "unreadable.pdf"
    unreadable.unlink()  # the monkeypatched refusal does not reach loky workers; drop that one file
    try:
        again = tmp_path / "again"
        options = ["-q", "--no-cache", "--no-ocr"]  # loky workers would not see a patched Tesseract
        first = CliRunner().invoke(cli, ["scan", str(root), "--out", str(tmp_path / "one"), *options])
        second = CliRunner().invoke(cli, ["scan", str(root), "--out", str(again), *options, "--jobs", "2"])
        assert first.exit_code == 0 and second.exit_code == 0
    finally:
        unreadable.write_bytes(neutral_pdf())
    for name in ("coverage.csv", "evidence.csv", "provisions.csv", "problems.csv", "documents.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (again / name).read_bytes(), name


# ------------------------------------------------------------- per-file limits


def _source(path: Path, jurisdiction: str = "XZZ") -> Source:
    from analyser.ingest import file_sha256

    return Source(jurisdiction, path, path.name, "pdf", file_sha256(path), path.stat().st_size)


def test_a_file_over_the_time_limit_is_stopped_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "slow.pdf"
    path.write_bytes(huge_stream_pdf(megabytes=40))
    settings = PipelineSettings(model="none", extract={"engine": "pdfplumber", "max_page_chars": 10**9})
    started = time.monotonic()
    outcome = run_limited(_source(path), settings, FileLimits(timeout_s=3, memory_mb=0))
    assert time.monotonic() - started < 30
    assert not outcome.complete
    (problem,) = outcome.result.problems
    assert problem.severity == "error" and "time limit is 3 s" in problem.message
    assert outcome.result.provisions == ()


def test_a_file_over_the_memory_limit_is_stopped_and_reported(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import analyser.isolation

    def allocation_bomb(*args: object, **kwargs: object) -> None:
        hoard = [bytearray(64 << 20) for _ in range(64)]  # 4 GiB, 64 MiB at a time
        raise AssertionError(f"the memory limit did not stop {len(hoard)} allocations")

    monkeypatch.setattr(analyser.isolation, "process_document", allocation_bomb)
    path = tmp_path / "neutral.pdf"
    path.write_bytes(neutral_pdf())
    outcome = run_limited(_source(path), PipelineSettings(model="none"), FileLimits(timeout_s=60, memory_mb=256))
    assert not outcome.complete
    (problem,) = outcome.result.problems
    assert "over the per-file memory limit of 256 MB" in problem.message


def test_limits_do_not_change_a_good_result(tmp_path: Path) -> None:
    path = tmp_path / "neutral.pdf"
    path.write_bytes(neutral_pdf())
    source = _source(path)
    limited = run_limited(source, PipelineSettings(model="none"), FileLimits())
    free = run_limited(source, PipelineSettings(model="none"), FileLimits(0, 0))
    assert limited.complete and free.complete
    assert limited.result == free.result and limited.result.provisions


def test_a_crashing_child_is_a_problem_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import analyser.isolation

    def segfault(*args: object, **kwargs: object) -> None:
        os.kill(os.getpid(), signal.SIGSEGV)

    monkeypatch.setattr(analyser.isolation, "process_document", segfault)
    path = tmp_path / "neutral.pdf"
    path.write_bytes(neutral_pdf())
    outcome = run_limited(_source(path), PipelineSettings(model="none"), FileLimits())
    assert not outcome.complete
    assert "crashed with signal SIGSEGV" in outcome.result.problems[0].message


def test_limits_are_validated() -> None:
    with pytest.raises(LimitError):
        FileLimits(timeout_s=-1)
    run = CliRunner().invoke(cli, ["scan", str(SAMPLE_STATUTES), "--out", "/tmp/x", "--file-memory", "-5"])
    assert run.exit_code == 2 and "--file-memory" in run.output


def test_timed_out_results_are_not_cached(tmp_path: Path) -> None:
    from analyser import scan

    folder = tmp_path / "in" / "XZZ"
    folder.mkdir(parents=True)
    (folder / "slow.pdf").write_bytes(tiny_pages_pdf(4))
    store = tmp_path / "cache"
    settings = PipelineSettings(model="none")
    scan(tmp_path / "in", settings=settings, cache=store, limits=FileLimits(timeout_s=1e-6, memory_mb=0))
    assert not list(store.rglob("*.json.gz"))
    scan(tmp_path / "in", settings=settings, cache=store)
    assert len(list((store / "results").rglob("*.json.gz"))) == 2  # its text entry and its tags entry


# ------------------------------------------------------------- interruption


def test_killing_a_scan_part_way_leaves_the_previous_out_dir_intact(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = CliRunner().invoke(cli, ["scan", str(SAMPLE_STATUTES), "--out", str(out), "-q", "--no-cache"])
    assert first.exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    killed = 0
    for delay in (1.0, 3.0, 6.0):  # during start-up, extraction, and later stages
        process = subprocess.Popen(
            [sys.executable, "-m", "analyser", "scan", str(SAMPLE_STATUTES), "--out", str(out), "-q", "--no-cache"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        time.sleep(delay)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            killed += 1
        process.wait()
        after = {p.name: p.read_bytes() for p in out.iterdir()}
        assert after == before, f"OUT_DIR changed after a kill at {delay} s"
    assert killed, "every scan finished before it could be killed"
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out."))
    CliRunner().invoke(cli, ["scan", str(SAMPLE_STATUTES), "--out", str(out), "-q"])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")], f"stale staging folders: {leftovers}"
