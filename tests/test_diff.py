"""tipgap diff: the cells gained, lost and changed between two runs, with the evidence that changed."""

from __future__ import annotations

import json

from click.testing import CliRunner

from analyser.cli import cli
from analyser.diff import compare_cells


def _expected_changes(old, new) -> set[tuple[str, str]]:
    """Computed independently of analyser.diff: cells whose status, reason, confidence or quotes differ."""

    def signature(cell):
        quotes = frozenset((ev.document, ev.provision_id, ev.quote) for ev in cell.evidence)
        return (cell.status, cell.reason, f"{cell.confidence:.2f}", quotes)

    a = {(c.jurisdiction, c.item): signature(c) for c in old.cells}
    b = {(c.jurisdiction, c.item): signature(c) for c in new.cells}
    return {key for key in a.keys() | b.keys() if a.get(key) != b.get(key)}


def test_diff_lists_exactly_the_cells_the_amending_act_changed(sample_out, sample_scan, unamended_scan, tmp_path):
    before = unamended_scan.write(tmp_path / "before")
    expected = _expected_changes(unamended_scan, sample_scan)
    assert expected, "the 2019 amending act should change some of Corvania's cells"
    assert {j for j, _ in expected} == {"XCO"}

    result = CliRunner().invoke(cli, ["diff", str(before), str(sample_out), "--json"])
    assert result.exit_code == 0, result.output
    changes = json.loads(result.output)
    assert {(c["jurisdiction"], c["item"]) for c in changes} == expected
    rank = {"not_found": 0, "partial": 1, "met": 2}
    for c in changes:
        old, new = unamended_scan.cell(c["jurisdiction"], c["item"]), sample_scan.cell(c["jurisdiction"], c["item"])
        assert (c["old_status"], c["new_status"]) == (old.status, new.status)
        kind = "gained" if rank[new.status] > rank[old.status] else "lost" if rank[new.status] < rank[old.status] else "changed"
        assert c["kind"] == kind
    amended = [ev for c in changes for ev in c["evidence_added"]]
    assert any(ev["document"] == "anti_trafficking_amendment_act_2019.pdf" for ev in amended)

    text = CliRunner().invoke(cli, ["diff", str(before), str(sample_out)])
    assert text.exit_code == 0 and "amendment_act_2019.pdf" in text.output
    for kind in ("gained", "lost", "changed"):
        assert f"{sum(1 for c in changes if c['kind'] == kind)} {kind}" in text.output


def test_diff_of_a_run_with_itself_is_empty(sample_out):
    result = CliRunner().invoke(cli, ["diff", str(sample_out), str(sample_out)])
    assert result.exit_code == 0 and "No cell changed." in result.output


def test_added_and_removed_jurisdictions(sample_scan):
    old = [c for c in sample_scan.cells if c.jurisdiction != "XAV"]
    new = [c for c in sample_scan.cells if c.jurisdiction != "XBE"]
    changes = compare_cells(old, new, sample_scan.checklist)
    assert {c.kind for c in changes if c.jurisdiction == "XAV"} == {"added"}
    assert {c.kind for c in changes if c.jurisdiction == "XBE"} == {"removed"}
    assert not [c for c in changes if c.jurisdiction == "XCO"]


def test_diff_errors_are_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["diff", str(tmp_path), str(tmp_path)])
    assert result.exit_code == 1 and "evidence.csv" in result.output and "Traceback" not in result.output
