"""Result cache (issue 8): key, safe format, atomic writes, corrupt entries, CLI options."""

from __future__ import annotations

import gzip
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyser import cache as cache_module
from analyser.api import scan
from analyser.cache import ResultCache, decode, default_cache_dir, encode, pipeline_version
from analyser.cli import cli
from analyser.ingest import ingest
from analyser.models import DocumentResult
from analyser.pipeline import PipelineSettings, process_document

from tests.conftest import SAMPLE_STATUTES


@pytest.fixture(scope="module")
def statutes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small copy of the samples: one text jurisdiction and one PDF jurisdiction."""
    root = tmp_path_factory.mktemp("statutes")
    for jurisdiction in ("XAV", "XBE"):
        shutil.copytree(SAMPLE_STATUTES / jurisdiction, root / jurisdiction)
    return root


def test_default_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TIPGAP_CACHE_DIR", str(tmp_path / "explicit"))
    assert default_cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv("TIPGAP_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "tipgap"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "tipgap"


def test_version_changes_with_settings_data_and_code(monkeypatch: pytest.MonkeyPatch) -> None:
    base = pipeline_version(PipelineSettings())
    assert base == pipeline_version(None) == pipeline_version(PipelineSettings(extract={"engine": "auto"}))
    assert base != pipeline_version(PipelineSettings(ocr=False, extract={"ocr": False}))
    assert base != pipeline_version(PipelineSettings(extract={"engine": "pdfplumber"}))
    import analyser.knowledge

    monkeypatch.setattr(analyser.knowledge, "data_version", lambda exclude=frozenset(): "other-data")
    assert pipeline_version(None) != base
    monkeypatch.undo()
    monkeypatch.setattr(cache_module, "code_version", lambda: "other-code")
    assert pipeline_version(None) != base


def test_checklist_edits_keep_cached_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    """No per-document stage reads the checklist: editing it re-runs coverage, not extraction."""
    import analyser.knowledge

    root = Path(cache_module.__file__).resolve().parent
    names = {p.name for p in cache_module.stage_files(root)}
    assert "checklist.toml" not in names and {"patterns.json", "tags.toml", "tag.py", "segment.py"} <= names
    assert "coverage.py" not in names and "report.py" not in names
    base = pipeline_version(None)
    real = analyser.knowledge._read_text
    monkeypatch.setattr(analyser.knowledge, "data_version", analyser.knowledge.data_version.__wrapped__)
    monkeypatch.setattr(analyser.knowledge, "_read_text", lambda name: real(name) + ("# edited" if name == "checklist.toml" else ""))
    assert pipeline_version(None) == base
    monkeypatch.setattr(analyser.knowledge, "_read_text", lambda name: real(name) + ("# edited" if name == "tags.toml" else ""))
    assert pipeline_version(None) != base


def test_round_trip_is_exact(statutes: Path) -> None:
    for source in ingest(statutes).sources:
        result = process_document(source)
        data = json.loads(json.dumps(encode(result)))
        assert decode(DocumentResult, data) == result


def test_warm_scan_reuses_results_and_outputs_are_identical(statutes: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "cache"
    cold = scan(statutes, cache=store)
    entries = sorted((store / "results").rglob("*.json.gz"))
    assert len(entries) == 2 * len(cold.results) > 0  # a text entry and a tags entry per document
    assert len(list((store / "rule-tags").glob("*.json.gz"))) == 1  # headings and quotes tagged once
    for entry in entries:  # safe format: gzip'd JSON, no pickle
        assert json.loads(gzip.decompress(entry.read_bytes()))["format"] == cache_module.FORMAT
    import analyser.executor

    def boom(*args: object) -> None:
        raise AssertionError("a cached document was processed again")

    monkeypatch.setattr(analyser.executor, "run_limited", boom)
    import analyser.rules  # a warm scan reads heading and quote tags from the memo: no spaCy

    monkeypatch.setattr(analyser.rules, "default_tagger", boom)
    import analyser.tagmemo

    analyser.tagmemo.use_memo(None, "")  # forget the cold scan's memo: the warm one reads the file
    warm = scan(statutes, cache=store)
    assert warm.output_files() == cold.output_files()
    monkeypatch.undo()
    uncached = scan(statutes)
    assert uncached._table_files() == cold._table_files()


def test_moved_folder_hits_and_gets_the_new_path(statutes: Path, tmp_path: Path) -> None:
    store = ResultCache(tmp_path / "cache")
    source = ingest(statutes).sources[0]
    store.put(process_document(source))
    moved = replace(source, path=tmp_path / "elsewhere.md")
    hit = store.get(moved)
    assert hit is not None and hit.source == moved
    assert store.get(replace(source, jurisdiction="XZZ")) is None  # ids depend on the jurisdiction


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b"not gzip at all"),
        lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
        lambda p: p.write_bytes(gzip.compress(b"{\"format\": 2, \"key\": \"x\"")),
        lambda p: p.write_bytes(gzip.compress(json.dumps({"format": 2, "key": p.name.split(".")[0], "kind": "tags",
                                                          "text_key": "x", "tags": [{"source": 1}]}).encode())),
        lambda p: p.write_bytes(gzip.compress(b"\x80\x04\x95cos\nsystem\n.")),  # a pickle is only bytes
    ],
)
def test_corrupt_entry_is_ignored_and_rewritten(statutes: Path, tmp_path: Path, damage) -> None:
    store = ResultCache(tmp_path / "cache")
    source = ingest(statutes).sources[0]
    result = process_document(source)
    store.put(result)
    path = store.path_for(source)
    damage(path)
    assert store.get(source) is None and store.errors == 1
    store.put(result)
    assert store.get(source) == result


def test_a_model_change_tags_cached_text_again_without_reading_the_file(
    statutes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Re-training the model (or editing the patterns) misses the tags tier only."""
    store = tmp_path / "cache"
    cold = scan(statutes, cache=store)
    import analyser.pipeline

    def no_reading(*args: object) -> None:
        raise AssertionError("a document whose text is cached was read again")

    monkeypatch.setattr(analyser.pipeline, "_extract", no_reading)
    monkeypatch.setattr(cache_module, "model_version", lambda model: "a re-trained model")
    retagged = ResultCache(store)
    again = scan(statutes, cache=retagged)
    assert again.results == cold.results and again.output_files() == cold.output_files()
    assert retagged.text_hits == len(cold.results) and retagged.hits == 0
    assert ResultCache(store).get(ingest(statutes).sources[0]) is not None  # the new tags were stored


def test_a_text_stage_change_reads_the_file_again(statutes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "cache"
    scan(statutes, cache=store)
    monkeypatch.setattr(cache_module, "text_code_version", lambda: "an edited segmenter")
    fresh = ResultCache(store)
    source = ingest(statutes).sources[0]
    assert fresh.get(source) is None and fresh.get_text(source) is None


def test_unwritable_cache_is_not_fatal(statutes: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = scan(statutes, cache=blocker / "cache")  # cannot mkdir below a file
    assert result.results


def test_cli_cache_options(statutes: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    store = tmp_path / "c"
    out = tmp_path / "out"
    done = runner.invoke(cli, ["scan", str(statutes), "--out", str(out), "-q", "--cache-dir", str(store)])
    assert done.exit_code == 0, done.output
    assert list(store.rglob("*.json.gz"))
    other = tmp_path / "c2"
    done = runner.invoke(cli, ["scan", str(statutes), "--out", str(out), "-q", "--force", "--no-cache",
                               "--cache-dir", str(other)])
    assert done.exit_code == 0, done.output
    assert not other.exists()


def test_code_version_covers_the_per_document_stages_only() -> None:
    from analyser.cache import stage_modules

    modules = stage_modules(Path(cache_module.__file__).resolve().parent)
    assert {"pipeline", "extract", "pdfium_text", "pdftext", "segment", "markers", "tag", "rules", "models"} <= modules
    assert not modules & {"api", "cli", "report", "xlsx", "coverage", "evaluators"}
