"""The bundled sample statutes: their coverage must match the hand-written golden file exactly."""

from __future__ import annotations

import csv

from tests.conftest import SAMPLES


def _read(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_sample_coverage_matches_golden_file(sample_scan):
    expected = _read(SAMPLES / "expected_coverage.csv")
    actual = [list(sample_scan.coverage.columns), *sample_scan.coverage.astype(str).values.tolist()]
    assert actual[0] == expected[0]
    differences = [
        f"{row[0]} {column}: expected {want}, got {got}"
        for row, got_row in zip(expected[1:], actual[1:])
        for column, want, got in zip(expected[0][1:], row[1:], got_row[1:])
        if want != got
    ]
    assert [r[0] for r in actual[1:]] == [r[0] for r in expected[1:]]
    assert differences == []


def test_sample_scan_reads_every_file(sample_scan):
    names = {(r.source.jurisdiction, r.source.name) for r in sample_scan.results}
    assert len(names) == 10
    errors = [p for p in sample_scan.problem_list if p.severity == "error"]
    assert errors == []


def test_every_met_or_partial_cell_has_a_verbatim_quote(sample_scan):
    texts = {}
    for result in sample_scan.results:
        for provision in result.provisions:
            texts.setdefault((result.source.jurisdiction, result.source.name), []).append(provision.text)
    for cell in sample_scan.cells:
        if cell.status == "not_found":
            assert not cell.evidence and "supplied texts" in cell.reason
            continue
        assert cell.evidence, cell
        for ev in cell.evidence:
            body = " ".join(" ".join(texts[(cell.jurisdiction, ev.document)]).split())
            assert ev.quote in body, (cell.item, ev.quote)
            assert ev.page >= 1 and ev.provision
