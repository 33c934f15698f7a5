"""Outputs are atomic, refuse to clobber foreign folders, and are byte-deterministic."""

from __future__ import annotations

import pytest

from analyser.errors import OutputError
from analyser.write import RUN_MARKER, csv_bytes, write_outputs


def test_csv_bytes_are_deterministic_and_quoted():
    data = csv_bytes(("a", "b"), [("x, y", 'say "hi"'), ("line\nbreak", "")])
    assert data == b'a,b\n"x, y","say ""hi"""\n"line\nbreak",\n'


def test_replaces_previous_output_only_when_complete(tmp_path):
    out = tmp_path / "out"
    write_outputs(out, {"coverage.csv": b"old\n"})
    assert (out / RUN_MARKER).exists()

    def explode(path):
        raise RuntimeError("killed half-way")

    with pytest.raises(RuntimeError):
        write_outputs(out, {"coverage.csv": b"new\n", "zzz.csv": explode})
    assert (out / "coverage.csv").read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging folder left behind
    write_outputs(out, {"coverage.csv": b"new\n"})
    assert (out / "coverage.csv").read_bytes() == b"new\n"


def test_refuses_foreign_folder_without_force(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("precious")
    with pytest.raises(OutputError, match="--force"):
        write_outputs(out, {"coverage.csv": b"x\n"})
    write_outputs(out, {"coverage.csv": b"x\n"}, force=True)
    assert not (out / "thesis.docx").exists()


def test_out_may_not_be_a_file(tmp_path):
    target = tmp_path / "file.csv"
    target.write_text("x")
    with pytest.raises(OutputError, match="is a file"):
        write_outputs(target, {"coverage.csv": b"x\n"})
