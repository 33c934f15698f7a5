"""Reviewer overrides: applied and marked reviewed in every output, kept across re-runs, and
flagged (not applied) when the provisions the reviewer read are gone or reworded."""

from __future__ import annotations

import csv
import json
from dataclasses import replace

import pytest
from click.testing import CliRunner

from analyser.cli import cli
from analyser.overrides import (
    Override,
    OverrideError,
    check_override,
    overrides_csv,
    read_overrides,
    text_hash,
)

AMENDED_ITEM = "child-no-means"  # XCO's evidence for it is in the 2019 amending act
STABLE_ITEM = "witness-protection"  # XCO's evidence for it is in the 2005 Witness Protection Act


def _flip(status: str) -> str:
    return "partial" if status != "partial" else "met"


def _overrides(scan) -> list[Override]:
    drafts = []
    for item in (AMENDED_ITEM, STABLE_ITEM):
        cell = scan.cell("XCO", item)
        assert cell.evidence, f"XCO {item} should have evidence in the samples"
        drafts.append(scan.draft_override("XCO", item, _flip(cell.status), "checked by hand", "A. Coder", "2025-03-01"))
    assert any("amendment" in pid for pid in drafts[0].provision_ids)
    return drafts


def test_text_hash_ignores_line_breaks_and_spacing():
    assert text_hash("a person  who\nrecruits") == text_hash("a person who recruits")
    assert text_hash("a person who recruits") != text_hash("a person who harbours")


def test_applied_override_sets_status_and_marks_the_cell_reviewed(sample_scan, tmp_path):
    path = tmp_path / "overrides.csv"
    path.write_bytes(overrides_csv(_overrides(sample_scan)))
    reviewed = sample_scan.apply_overrides(path)
    for item in (AMENDED_ITEM, STABLE_ITEM):
        cell = reviewed.cell("XCO", item)
        assert cell.reviewed and cell.status == _flip(sample_scan.cell("XCO", item).status)
        assert "A. Coder" in cell.reason and "checked by hand" in cell.reason
        assert cell.evidence == sample_scan.cell("XCO", item).evidence
    assert not reviewed.review_problems
    rows = reviewed.evidence[reviewed.evidence["item"] == STABLE_ITEM]
    assert set(rows[rows["jurisdiction"] == "XCO"]["reviewed"]) == {"yes"}
    assert not sample_scan.cell("XCO", STABLE_ITEM).reviewed  # the original result is untouched
    again = reviewed.apply_overrides([])  # overrides start from the tool's verdicts, not the last ones
    assert again.cell("XCO", STABLE_ITEM) == sample_scan.cell("XCO", STABLE_ITEM)


def test_overrides_survive_a_rerun_and_are_flagged_when_evidence_disappears(sample_scan, unamended_scan, tmp_path):
    path = tmp_path / "overrides.csv"
    path.write_bytes(overrides_csv(_overrides(sample_scan)))
    rerun = unamended_scan.apply_overrides(path)
    stable = rerun.cell("XCO", STABLE_ITEM)
    assert stable.reviewed and stable.status == _flip(sample_scan.cell("XCO", STABLE_ITEM).status)
    gone = rerun.cell("XCO", AMENDED_ITEM)
    assert not gone.reviewed and gone == unamended_scan.cell("XCO", AMENDED_ITEM)
    warnings = [p for p in rerun.problem_list if p.document == "overrides.csv"]
    assert len(warnings) == 1 and warnings[0].severity == "warning" and warnings[0].jurisdiction == "XCO"
    assert AMENDED_ITEM in warnings[0].message and "no longer in the scanned texts" in warnings[0].message
    assert rerun.summary()["reviews"] == {"applied": 1, "not_applied": 1}
    problems = rerun.output_files()["problems.csv"].decode()
    assert "no longer in the scanned texts" in problems


def test_reworded_provision_is_flagged(sample_scan):
    override = _overrides(sample_scan)[1]
    provisions = {p.id: p for r in sample_scan.results for p in r.provisions}
    assert check_override(override, provisions) == []
    pid = override.provision_ids[0]
    provisions[pid] = replace(provisions[pid], text=provisions[pid].text + " and any other person")
    [message] = check_override(override, provisions)
    assert "has changed since the review" in message


@pytest.mark.parametrize(
    "content,message",
    [
        ("jurisdiction,item,status\nXCO,extradition,met\n", "missing column"),
        ("jurisdiction,item,status,comment,reviewer,date\nXCO,extradition,yes,,,\n", "line 2: status 'yes'"),
        ("jurisdiction,item,status,comment,reviewer,date\nXCO,no-such-item,met,,,\n", "unknown checklist item"),
        ("jurisdiction,item,status,comment,reviewer,date\nXCO,extradition,met,,,1/3/2025\n", "not YYYY-MM-DD"),
    ],
)
def test_bad_overrides_files_give_one_clear_error(tmp_path, content, message, sample_scan):
    path = tmp_path / "overrides.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(OverrideError, match=message):
        read_overrides(path, sample_scan.checklist)


ACT = """TRAFFICKING ACT 2020
1. Offence
A person who recruits or harbours another person by force for the purpose of exploitation commits an offence and shall be liable to imprisonment for 10 years.
2. Witnesses
The court may order that a witness in proceedings for an offence under section 1 give evidence by video link.
"""


def test_cli_review_then_scan_with_overrides_marks_every_output(tmp_path):
    folder = tmp_path / "in" / "AAA"
    folder.mkdir(parents=True)
    (folder / "act.txt").write_text(ACT, encoding="utf-8")
    runner = CliRunner()
    out, ov = tmp_path / "out", tmp_path / "overrides.csv"
    assert runner.invoke(cli, ["scan", str(tmp_path / "in"), "--out", str(out), "-q"]).exit_code == 0
    with (out / "evidence.csv").open() as handle:
        cell = next(r for r in csv.DictReader(handle) if r["document"])
    item = cell["item"]
    status = "partial" if cell["status"] == "met" else "met"
    result = runner.invoke(cli, ["review", str(out), "AAA", item, "--status", status, "--reviewer", "RV",
                                 "--date", "2025-01-02", "--comment", "seen", "--file", str(ov)])
    assert result.exit_code == 0, result.output
    assert read_overrides(ov, __import__("analyser.knowledge").knowledge.load_checklist())[0].provision_ids

    result = runner.invoke(cli, ["scan", str(tmp_path / "in"), "--out", str(out), "--overrides", str(ov)])
    assert result.exit_code == 0, result.output
    assert "Reviews: 1 applied, 0 not applied." in result.output
    with (out / "evidence.csv").open() as handle:
        rows = [r for r in csv.DictReader(handle) if r["item"] == item]
    assert {r["reviewed"] for r in rows} == {"yes"} and {r["status"] for r in rows} == {status}
    assert (out / "overrides.csv").read_bytes() == ov.read_bytes()
    data = json.loads((out / "results.json").read_text())
    [reviewed] = [c for c in data["cells"] if c["reviewed"]]
    assert reviewed["item"] == item and reviewed["review"]["applied"] and reviewed["review"]["reviewer"] == "RV"
    html = (out / "report.html").read_text()
    assert "Reviewer decision (RV, 2025-01-02)" in html and 'id="reviews"' in html

    # the law is reworded: the decision is reported, not applied
    (folder / "act.txt").write_text(ACT.replace("another person", "any individual"), encoding="utf-8")
    result = runner.invoke(cli, ["scan", str(tmp_path / "in"), "--out", str(out), "--overrides", str(ov)])
    assert result.exit_code == 0, result.output
    assert "Reviews: 0 applied, 1 not applied." in result.output
    problems = (out / "problems.csv").read_text()
    assert "has changed since the review" in problems and "overrides.csv" in problems


def test_cli_overrides_errors_are_one_line(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["scan", str(tmp_path), "--out", str(tmp_path / "o"), "--overrides", str(tmp_path / "none.csv")])
    assert result.exit_code != 0 and "is not a file" in result.output and "Traceback" not in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("jurisdiction,item\n", encoding="utf-8")
    (tmp_path / "in" / "AAA").mkdir(parents=True)
    (tmp_path / "in" / "AAA" / "act.txt").write_text(ACT, encoding="utf-8")
    result = runner.invoke(cli, ["scan", str(tmp_path / "in"), "--out", str(tmp_path / "o"), "--overrides", str(bad)])
    assert result.exit_code == 1 and "missing column" in result.output and "Traceback" not in result.output
    result = runner.invoke(cli, ["review", str(tmp_path), "AAA", "extradition", "--status", "met"])
    assert result.exit_code == 1 and "evidence.csv" in result.output
