"""Issue 6: tagging models fitted without one jurisdiction (analyser/lojo.py), for the honest
coverage evaluation. Tiny invented units only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyser.annotations import Annotation, LabelledUnit
from analyser.classify import META_FILE, ClassifierSettings, load_model
from analyser.cli import cli
from analyser.lojo import fit_without, units_without
from analyser.training import TrainingConfig

SMALL = ClassifierSettings(word_max_features=500, char_max_features=500, min_df=1, min_positives=2, calibration_folds=2)
JURISDICTIONS = ("AAA", "BBB", "CCC")


def _units() -> list[LabelledUnit]:
    units = []
    for j in JURISDICTIONS:
        for i in range(4):
            rows = [
                (f"Whoever breaks rule {i} of {j} is liable to imprisonment for {i + 1} years.", {"penalty"}),
                (f"The agency of {j} shall give shelter and medical care to person {i}.", {"compensation"}),
                (f"The annual report {i} of {j} shall be laid before the assembly.", set()),
            ]
            for k, (text, labels) in enumerate(rows):
                annotation = Annotation(j, "act.txt", f"{j}/act/s-{i}-{k}", f"{j}{i}{k}", frozenset(labels))
                units.append(LabelledUnit(annotation, text, frozenset()))
    return units


@pytest.mark.parametrize("excluded, kept", [(["AAA"], {"BBB", "CCC"}), (["AAA", "BBB"], {"CCC"}), ([], set(JURISDICTIONS))])
def test_units_without_leave_out_the_named_jurisdictions(excluded, kept):
    assert {u.jurisdiction for u in units_without(_units(), excluded)} == kept


def test_a_model_fitted_without_a_jurisdiction_records_it_and_is_reused(tmp_path):
    config = TrainingConfig(name="tiny", inputs=(), annotations=Path("."), settings=SMALL)
    labels = ("penalty", "compensation")
    out, fitted = fit_without(config, ["AAA"], tmp_path / "AAA", units=_units(), label_set=labels)
    assert fitted
    meta = json.loads((out / META_FILE).read_text(encoding="utf-8"))
    assert meta["excluded_jurisdictions"] == ["AAA"] and meta["jurisdictions"] == ["BBB", "CCC"]
    assert meta["training_units"] == 24
    assert load_model(out).labels  # loads like any model folder
    _, again = fit_without(config, ["AAA"], tmp_path / "AAA", units=_units(), label_set=labels)
    assert not again  # nothing changed: the cached model is kept


@pytest.mark.parametrize(
    "args, message",
    [
        (["train", "--exclude-jurisdiction", "AAA"], "give --out"),
        (["scan", ".", "--out", "/tmp/tipgap-x", "--model", "/nonexistent/model"], "--model"),
    ],
)
def test_model_options_are_checked(args, message):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code != 0
    assert message in result.output
