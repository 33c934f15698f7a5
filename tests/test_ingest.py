"""Ingest: jurisdiction folders, supported types, duplicates, links and unreadable files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analyser.errors import AnalyserError
from analyser.ingest import ingest


def _write(path: Path, text: str = "Section 1. Short title.\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_one_subfolder_per_jurisdiction(tmp_path):
    _write(tmp_path / "BBB" / "act.txt")
    _write(tmp_path / "AAA" / "sub" / "code.md", "# Code\n")
    inventory = ingest(tmp_path)
    assert inventory.jurisdictions == ["AAA", "BBB"]
    assert [(s.jurisdiction, s.name, s.kind) for s in inventory.sources] == [("AAA", "sub/code.md", "md"), ("BBB", "act.txt", "txt")]


def test_unsupported_duplicate_and_empty_folders_are_problems(tmp_path):
    _write(tmp_path / "AAA" / "act.txt")
    _write(tmp_path / "AAA" / "copy.txt")  # same bytes
    _write(tmp_path / "AAA" / "notes.docx", "x")
    (tmp_path / "EMPTY").mkdir()
    inventory = ingest(tmp_path)
    messages = {(p.jurisdiction, p.document): p.message for p in inventory.problems}
    assert "duplicate of act.txt" in messages[("AAA", "copy.txt")]
    assert "not a supported file type" in messages[("AAA", "notes.docx")]
    assert "no readable statute files" in messages[("EMPTY", "")]
    assert inventory.jurisdictions == ["AAA", "EMPTY"]


def test_symlink_loop_and_broken_link(tmp_path):
    _write(tmp_path / "AAA" / "act.txt")
    os.symlink(tmp_path / "AAA", tmp_path / "AAA" / "loop")
    os.symlink(tmp_path / "missing.pdf", tmp_path / "AAA" / "broken.pdf")
    inventory = ingest(tmp_path)
    assert [s.name for s in inventory.sources] == ["act.txt"]
    documents = {p.document for p in inventory.problems}
    assert {"loop", "broken.pdf"} <= documents


def test_unreadable_file(tmp_path, monkeypatch):
    """A file that cannot be read is one error row (simulated: CI runs as root, which reads anything)."""
    import analyser.ingest as ingest_module

    _write(tmp_path / "AAA" / "secret.txt")
    _write(tmp_path / "AAA" / "fine.txt", "Section 2.\n")
    real = ingest_module.file_sha256

    def deny(path):
        if path.name == "secret.txt":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(ingest_module, "file_sha256", deny)
    inventory = ingest(tmp_path)
    assert [s.name for s in inventory.sources] == ["fine.txt"]
    assert [(p.document, p.severity, p.message) for p in inventory.problems] == [
        ("secret.txt", "error", "unreadable file: Permission denied")
    ]


def test_input_must_be_a_folder_with_jurisdictions(tmp_path):
    with pytest.raises(AnalyserError, match="not a folder"):
        ingest(tmp_path / "nope")
    with pytest.raises(AnalyserError, match="no jurisdiction sub-folders"):
        ingest(tmp_path)


def test_links_out_of_the_input_folder_are_not_followed(tmp_path):
    """A shared or unpacked folder must not make the scan read (and quote) files elsewhere."""
    inside = tmp_path / "in"
    _write(inside / "AAA" / "act.txt")
    _write(tmp_path / "elsewhere" / "secret.txt", "Section 1. Not part of the input.\n")
    os.symlink(tmp_path / "elsewhere" / "secret.txt", inside / "AAA" / "secret.txt")
    os.symlink(tmp_path / "elsewhere", inside / "AAA" / "more")
    os.symlink(tmp_path / "elsewhere", inside / "BBB")
    os.symlink(inside / "AAA" / "act.txt", inside / "AAA" / "alias.txt")  # inside: followed
    inventory = ingest(inside)
    assert [s.name for s in inventory.sources] == ["act.txt"]
    outside = {(p.jurisdiction, p.document) for p in inventory.problems if "outside INPUT_DIR" in p.message}
    assert outside == {("AAA", "secret.txt"), ("AAA", "more"), ("BBB", "")}
    assert any(p.document == "alias.txt" and "duplicate of act.txt" in p.message for p in inventory.problems)
