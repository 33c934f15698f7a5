"""The Python API: its DataFrames equal the CSV files read back; gaps and explain."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.mark.parametrize(
    "attribute,name",
    [("coverage", "coverage.csv"), ("evidence", "evidence.csv"), ("provisions", "provisions.csv"),
     ("problems", "problems.csv"), ("documents", "documents.csv")],
)
def test_dataframes_equal_the_csvs(sample_scan, sample_out, attribute, name):
    frame = getattr(sample_scan, attribute)
    read = pd.read_csv(sample_out / name, dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(read.columns)
    assert frame.fillna("").astype(str).values.tolist() == read.values.tolist()


def test_output_files_are_all_written(sample_out):
    for name in ("report.html", "coverage.xlsx", "results.json", "coverage.csv", "evidence.csv", "summary.json"):
        assert (sample_out / name).is_file(), name


def test_gaps_carry_the_checklist_recommendation(sample_scan):
    gaps = sample_scan.gaps("XCO")
    assert list(gaps.columns) == ["number", "item", "title", "status", "reason", "recommendation"]
    assert set(gaps["status"]) <= {"partial", "not_found"} and len(gaps) > 0
    for item, recommendation in zip(gaps["item"], gaps["recommendation"]):
        assert recommendation == sample_scan.checklist.item(item).recommendation
    with pytest.raises(KeyError):
        sample_scan.gaps("NOPE")


def test_explain_names_the_evidence(sample_scan):
    text = sample_scan.explain("XAV", "broad-definition")
    cell = sample_scan.cell("XAV", "broad-definition")
    assert cell.reason in text and cell.evidence[0].document in text
