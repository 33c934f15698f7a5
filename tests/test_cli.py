"""The command line: contract, errors as one line, help with examples."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from analyser.cli import cli
from analyser.knowledge import load_checklist


def _write_jurisdiction(root, text):
    folder = root / "AAA"
    folder.mkdir(parents=True)
    (folder / "act.txt").write_text(text, encoding="utf-8")


ACT = """TRAFFICKING ACT 2020
1. Offence
A person who recruits or harbours another person by force for the purpose of exploitation commits an offence and shall be liable to imprisonment for 10 years.
"""


def test_scan_writes_the_four_csvs_and_exits_zero(tmp_path):
    _write_jurisdiction(tmp_path / "in", ACT)
    (tmp_path / "in" / "AAA" / "broken.pdf").write_bytes(b"<html>Not found</html>")
    result = CliRunner().invoke(cli, ["scan", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    for name in ("coverage.csv", "evidence.csv", "provisions.csv", "problems.csv", "documents.csv"):
        assert (tmp_path / "out" / name).is_file()
    with (tmp_path / "out" / "coverage.csv").open() as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["jurisdiction", *load_checklist().ids]
    assert rows[1][0] == "AAA" and set(rows[1][1:]) <= {"met", "partial", "not_found"}
    with (tmp_path / "out" / "problems.csv").open() as handle:
        problems = list(csv.DictReader(handle))
    assert [p["document"] for p in problems if p["severity"] == "error"] == ["broken.pdf"]


def test_same_input_gives_byte_identical_csvs(tmp_path):
    _write_jurisdiction(tmp_path / "in", ACT)
    runner = CliRunner()
    for out in ("a", "b"):
        assert runner.invoke(cli, ["scan", str(tmp_path / "in"), "--out", str(tmp_path / out), "-q"]).exit_code == 0
    for name in ("coverage.csv", "evidence.csv", "provisions.csv", "problems.csv", "documents.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


@pytest.mark.parametrize(
    "args,message",
    [
        (["scan", "/nonexistent/folder", "--out", "/tmp/x"], "is not a folder"),
        (["scan", ".", "--out", "/tmp/x", "--jobs", "0"], "--jobs"),
        (["explain", ".", "AAA", "no-such-item"], "evidence.csv"),
    ],
)
def test_errors_are_one_line(args, message):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_explain_prints_reason_and_evidence(tmp_path):
    _write_jurisdiction(tmp_path / "in", ACT)
    runner = CliRunner()
    runner.invoke(cli, ["scan", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-q"])
    result = runner.invoke(cli, ["explain", str(tmp_path / "out"), "AAA", "proportionate-penalties"])
    assert result.exit_code == 0, result.output
    assert "Reason:" in result.output and "act.txt" in result.output
    bad = runner.invoke(cli, ["explain", str(tmp_path / "out"), "AAA", "no-such-item"])
    assert bad.exit_code == 1 and "unknown checklist item" in bad.output


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_annotations_stats_counts_the_project_annotations():
    result = CliRunner().invoke(cli, ["annotations", "stats"])
    assert result.exit_code == 0, result.output
    first, *tags = result.output.splitlines()
    assert first.split()[1:3] == ["labelled", "units:"] and int(first.split()[0]) >= 2000
    assert any(line.startswith("tip-offence:") and "jurisdictions" in line for line in tags)
