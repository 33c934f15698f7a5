"""coverage.xlsx (coloured matrix, frozen panes, tables) and results.json (everything, deterministic)."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook, load_workbook

from analyser.xlsx import EXCEL_CELL_MAX, FILLS, put, results_json, truncated, xlsx_bytes


@pytest.fixture(scope="module")
def workbook_bytes(sample_scan) -> bytes:
    return xlsx_bytes(sample_scan)


@pytest.fixture(scope="module")
def workbook(workbook_bytes):
    return load_workbook(io.BytesIO(workbook_bytes))


def test_sheets_and_frozen_panes(workbook):
    assert workbook.sheetnames[:7] == ["Matrix", "Cells", "Evidence", "Tagged provisions", "Documents", "Problems",
                                           "Checklist"]
    assert workbook["Matrix"].freeze_panes == "B2"
    for name in workbook.sheetnames[1:]:
        assert workbook[name].freeze_panes == "A2", name


def test_matrix_matches_coverage_and_is_coloured(sample_scan, workbook):
    ws = workbook["Matrix"]
    coverage = sample_scan.coverage
    for row, record in enumerate(coverage.itertuples(index=False), start=2):
        assert ws.cell(row=row, column=1).value == record[0]
        for col, status in enumerate(record[1:], start=2):
            cell = ws.cell(row=row, column=col)
            assert cell.value == status
            assert cell.fill.fgColor.rgb.endswith(FILLS[status])
    assert ws.cell(row=1, column=2).value.startswith("1. ")


def test_evidence_and_provisions_sheets_hold_every_row(sample_scan, workbook):
    evidence = workbook["Evidence"]
    assert evidence.max_row - 1 == len(sample_scan.evidence)
    assert [c.value for c in evidence[1]] == list(sample_scan.evidence.columns)
    provisions = workbook["Tagged provisions"]
    tagged = sample_scan.provisions[sample_scan.provisions["tags"] != ""]
    assert 0 < len(tagged) < len(sample_scan.provisions)
    assert provisions.max_row - 1 == len(tagged)
    ids = [c.value for c in provisions["I"][1:]]
    assert ids == list(tagged["provision_id"])
    assert isinstance(evidence.cell(row=2, column=6).value, int)  # page numbers are numbers


def test_long_text_is_truncated_and_says_so():
    text = "x" * (EXCEL_CELL_MAX + 500)
    cut = truncated(text)
    assert len(cut) == EXCEL_CELL_MAX and "truncated" in cut and "provisions.csv" in cut
    assert truncated("short") == "short"
    ws = Workbook().active
    put(ws, 1, 1, text)
    put(ws, 1, 2, "=HYPERLINK(\"http://x\")")  # statute text is never read as a formula
    put(ws, 1, 3, "bad\x02char")
    assert len(ws["A1"].value) == EXCEL_CELL_MAX
    assert ws["B1"].data_type == "s"
    assert ws["C1"].value == "badchar"


def test_xlsx_is_deterministic(sample_scan, workbook_bytes):
    from dataclasses import replace

    assert xlsx_bytes(replace(sample_scan, seconds=1.0)) == workbook_bytes


def test_results_json_has_everything_and_is_deterministic(sample_scan):
    data = results_json(sample_scan)
    assert data == results_json(sample_scan)
    parsed = json.loads(data)
    assert json.dumps(parsed, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n" == data.decode("utf-8")
    assert len(parsed["cells"]) == len(sample_scan.cells)
    assert len(parsed["provisions"]) == len(sample_scan.provisions)
    assert len(parsed["documents"]) == len(sample_scan.results)
    assert [i["id"] for i in parsed["checklist"]["items"]] == list(sample_scan.checklist.ids)
    cell = next(c for c in parsed["cells"] if c["jurisdiction"] == "XAV" and c["item"] == "broad-definition")
    assert cell["status"] == sample_scan.cell("XAV", "broad-definition").status
    ev = cell["evidence"][0]
    assert ev["highlights"], "the matched words of the first evidence are located"
    for h in ev["highlights"]:
        assert 0 <= h["start"] < h["end"] <= len(ev["quote"])
    assert "seconds" not in json.dumps(parsed["summary"])
