"""The trained tagger (issue 5): fit/predict, persistence without pickle, version checks,
annotation drift, and its combination with the rules. Fast: tiny invented data only."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from analyser.annotations import (
    Annotation,
    DriftReport,
    load_annotations,
    load_label_set,
    match_units,
    text_hash,
)
from analyser.classify import (
    META_FILE,
    MODEL_FILE,
    TRUSTED_TYPES,
    ClassifierSettings,
    TagModel,
    fit_model,
    load_model,
    model_input,
    save_model,
)
from analyser.errors import DataFileError, ModelError
from analyser.classify import NEVER
from analyser.modeleval import best_threshold, best_thresholds, keyword_matrix
from analyser.tag import tag_provisions, unit_texts
from tests.conftest import ROOT
from tests.factories import result

ANNOTATIONS = ROOT / "corpora" / "annotations"
SMALL = ClassifierSettings(
    word_max_features=500, char_max_features=500, min_df=1, min_positives=3, calibration_folds=3
)
# Invented sentences: two easy "tags" and filler. Not statute text.
PENALTY = [f"Whoever breaks rule {i} is liable to imprisonment for {i} years and a fine." for i in range(1, 9)]
ASSIST = [f"The agency shall give shelter and medical care to person number {i}." for i in range(1, 9)]
FILLER = [f"The annual report number {i} shall be laid before the assembly." for i in range(1, 13)]
TEXTS = PENALTY + ASSIST + FILLER
LABELS = [frozenset({"penalty"})] * 8 + [frozenset({"compensation"})] * 8 + [frozenset()] * 12
LABEL_SET = ("penalty", "compensation", "attempt")  # "attempt" has no positives: left out


@pytest.fixture(scope="module")
def model() -> TagModel:
    fitted = fit_model(TEXTS, LABELS, LABEL_SET, SMALL)
    fitted.thresholds = {"penalty": (0.5, 0.5), "compensation": (0.1, 0.5)}
    return fitted


def test_fit_models_only_tags_with_enough_positives(model):
    assert model.labels == ("penalty", "compensation")


def test_predict_proba_ranks_positives_first(model):
    scores = model.predict_proba(["Whoever breaks rule 40 is liable to imprisonment for 3 years.",
                                  "The report shall be laid before the assembly."])
    assert scores.shape == (2, 2)
    assert ((scores >= 0) & (scores <= 1)).all()
    assert scores[0, 0] > scores[1, 0]
    assert model.predict_proba([]).shape == (0, 2)


def test_decide_uses_thresholds_and_ignores_unknown_tags(model):
    assert model.decide({"penalty": 0.7, "compensation": 0.2, "attempt": 0.99}) == {"penalty"}
    # a rule hit lowers the bar to the rule threshold
    assert model.decide({"penalty": 0.7, "compensation": 0.2}, {"compensation"}) == {"penalty", "compensation"}
    assert model.decide({"compensation": 0.05}, {"compensation"}) == set()


def test_model_input_appends_rule_markers():
    assert model_input("Some text.", []) == "Some text."
    assert model_input("Some text.", ["tip-offence", "attempt"]).endswith("rulehit_attempt rulehit_tip_offence")


def test_save_load_round_trip_without_pickle(model, tmp_path):
    save_model(model, tmp_path)
    assert (tmp_path / MODEL_FILE).read_bytes()[:2] == b"PK"  # a skops zip, not a pickle
    import skops.io as sio

    assert set(sio.get_untrusted_types(file=tmp_path / MODEL_FILE)) <= set(TRUSTED_TYPES)
    loaded = load_model(tmp_path)
    assert loaded.labels == model.labels and loaded.thresholds == model.thresholds
    np.testing.assert_allclose(loaded.predict_proba(TEXTS[:3]), model.predict_proba(TEXTS[:3]))
    meta = json.loads((tmp_path / META_FILE).read_text())
    assert {"scikit-learn", "numpy", "scipy", "skops"} <= set(meta["libraries"])


def test_version_mismatch_is_a_clear_error(model, tmp_path):
    save_model(model, tmp_path)
    meta = json.loads((tmp_path / META_FILE).read_text())
    meta["libraries"]["scikit-learn"] = "0.1.0"
    (tmp_path / META_FILE).write_text(json.dumps(meta))
    with pytest.raises(ModelError, match=r"scikit-learn 0\.1\.0 .* re-train"):
        load_model(tmp_path)


def test_format_version_mismatch_is_a_clear_error(model, tmp_path):
    save_model(model, tmp_path)
    meta = json.loads((tmp_path / META_FILE).read_text())
    meta["format_version"] = 999
    (tmp_path / META_FILE).write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="format version 999"):
        load_model(tmp_path)


def test_loading_refuses_a_pickle(model, tmp_path):
    save_model(model, tmp_path)
    (tmp_path / MODEL_FILE).write_bytes(pickle.dumps({"not": "a model"}))
    with pytest.raises(ModelError, match="pickle"):
        load_model(tmp_path)


def test_missing_model_folder_says_how_to_make_one(tmp_path):
    with pytest.raises(ModelError, match="tipgap train"):
        load_model(tmp_path / "nowhere")


def test_settings_are_validated():
    with pytest.raises(ModelError, match="unknown classifier settings"):
        ClassifierSettings.resolve({"bogus": 1})
    with pytest.raises(ModelError, match="char_ngrams"):
        ClassifierSettings(char_ngrams=(5, 3))
    assert ClassifierSettings.resolve({"word_ngrams": [1, 3]}).word_ngrams == (1, 3)


# -- the combination with the rules ----------------------------------------------------------------
SECTION = "1. Short title\nThis Act may be cited as the Test Act.\n"


class FixedModel(TagModel):
    """A stand-in model with fixed scores (the combination logic, not the learning, is tested)."""

    def __init__(self, scores: dict[str, float]) -> None:
        super().__init__(pipeline=None, labels=tuple(scores), thresholds={t: (0.3, 0.5) for t in scores})
        self.scores = scores

    def unit_scores(self, texts):  # type: ignore[override]
        return [dict(self.scores) for _ in texts]


def test_tag_provisions_without_model_is_rules_only():
    doc = result("XTS", "a.txt", SECTION)
    assert all(t.source == "rule" and t.score == 0.9 for t in tag_provisions(doc.provisions))


def test_model_adds_tags_with_calibrated_scores_and_sources():
    doc = result("XTS", "a.txt", SECTION)
    tags = tag_provisions(doc.provisions, model=FixedModel({"compensation": 0.8, "penalty": 0.1}))
    by_tag = {t.tag: t for t in tags}
    assert by_tag["compensation"].source == "model" and by_tag["compensation"].score == 0.8
    assert by_tag["compensation"].start == -1
    assert "penalty" not in by_tag


PENALTY_SECTION = "2. Penalty\nA person who does it is liable to imprisonment for 2 years.\n"


def test_rule_hit_confirmed_or_dropped_by_the_model():
    doc = result("XTS", "a.txt", PENALTY_SECTION)
    rules_only = {t.tag for t in tag_provisions(doc.provisions)}
    assert "penalty" in rules_only
    kept = {t.tag: t for t in tag_provisions(doc.provisions, model=FixedModel({"penalty": 0.4}))}
    assert kept["penalty"].source == "rule+model" and kept["penalty"].start >= 0
    dropped = {t.tag for t in tag_provisions(doc.provisions, model=FixedModel({"penalty": 0.1}))}
    assert "penalty" not in dropped and rules_only - {"penalty"} <= dropped


# -- annotations -----------------------------------------------------------------------------------
def _annotation(provision_id: str, text: str, labels=("penalty",)) -> Annotation:
    return Annotation("XTS", "a.txt", provision_id, text_hash(text), frozenset(labels))


def test_drift_is_reported_not_raised():
    doc = result("XTS", "a.txt", SECTION, "2. Penalty\nA person who does it is liable to imprisonment for 2 years.\n")
    units = unit_texts(doc.provisions)
    (first, first_text), (second, _) = units[0], units[1]
    annotations = [
        _annotation(first.id, first_text),  # unchanged
        _annotation(second.id, "the text as it was when labelled"),  # changed
        _annotation("XTS/a/s-99", "gone"),  # vanished
    ]
    report = DriftReport()
    matched = match_units(annotations, [doc], report)
    assert [m.annotation.provision_id for m in matched] == [first.id]
    assert [a.provision_id for a in report.changed] == [second.id]
    assert [a.provision_id for a in report.vanished] == ["XTS/a/s-99"]
    assert "1 annotated units changed text, 1 vanished" in report.summary()


def test_shipped_annotations_are_valid_and_hold_no_statute_text():
    annotations = load_annotations(ANNOTATIONS)
    label_set = set(load_label_set(ANNOTATIONS))
    assert len(annotations) >= 2000
    assert len({a.jurisdiction for a in annotations if not a.jurisdiction.startswith("X")}) >= 6
    assert all(a.labels <= label_set and len(a.text_sha) == 16 for a in annotations)
    keys = {"jurisdiction", "document", "provision_id", "citation", "text_sha", "labels", "note"}
    for path in ANNOTATIONS.glob("*/*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            assert set(row) <= keys, path
            assert len(row.get("citation", "")) < 120, path


def test_every_core_tag_has_positives_from_three_jurisdictions():
    annotations = load_annotations(ANNOTATIONS)
    for tag in load_label_set(ANNOTATIONS):
        jurisdictions = {a.jurisdiction for a in annotations if tag in a.labels}
        assert len(jurisdictions) >= 3, tag


def test_unknown_label_is_a_data_error(tmp_path):
    (tmp_path / "labels.toml").write_text('labels = ["penalty"]\n')
    (tmp_path / "XTS").mkdir()
    row = {"jurisdiction": "XTS", "document": "a.txt", "provision_id": "XTS/a/s-1", "text_sha": "0" * 16,
           "labels": ["nonsense"]}
    (tmp_path / "XTS" / "a.jsonl").write_text(json.dumps(row) + "\n")
    with pytest.raises(DataFileError, match="nonsense"):
        load_annotations(tmp_path)


# -- evaluation helpers ----------------------------------------------------------------------------
def test_thresholds_keep_the_rules_when_the_model_cannot_help():
    truth = np.array([1, 0, 1, 0])
    rules = np.array([1, 0, 1, 0])
    assert best_thresholds(np.array([0.9, 0.8, 0.1, 0.2]), truth, rules) == (0.0, NEVER)


def test_thresholds_add_model_hits_the_rules_miss():
    truth = np.array([1, 1, 0, 0])
    rules = np.array([1, 0, 0, 0])
    assert best_thresholds(np.array([0.9, 0.7, 0.2, 0.1]), truth, rules) == (0.0, pytest.approx(0.7))


def test_thresholds_can_drop_rule_false_positives():
    truth = np.array([1, 0, 0, 0])
    rules = np.array([1, 1, 1, 0])
    rule_t, model_t = best_thresholds(np.array([0.9, 0.1, 0.2, 0.05]), truth, rules)
    assert 0.2 < rule_t <= 0.9


def test_model_alone_threshold():
    assert best_threshold(np.array([0.9, 0.6, 0.4, 0.1]), np.array([1, 1, 0, 0])) == pytest.approx(0.6)


def test_keyword_baseline_reads_tags_toml():
    matrix = keyword_matrix(["He is liable to imprisonment.", "Nothing here."], ["penalty"])
    assert matrix.tolist() == [[1], [0]]


def test_commands_have_help():
    from click.testing import CliRunner

    from analyser.commands_model import eval_command, train_command

    for command in (train_command, eval_command):
        outcome = CliRunner().invoke(command, ["--help"])
        assert outcome.exit_code == 0 and "Example" in outcome.output


def test_eval_command_reports_missing_config(tmp_path):
    from click.testing import CliRunner

    from analyser.commands_model import eval_command

    outcome = CliRunner().invoke(eval_command, ["--model", str(tmp_path)])
    assert outcome.exit_code == 1 and "config.toml" in outcome.output


@pytest.mark.corpus
def test_annotated_units_of_a_corpus_document_are_found_again(corpus):
    """GBR's small text file: its annotated units rebuild with unchanged hashes."""
    from analyser.annotations import rebuild_units

    annotations = [a for a in load_annotations(ANNOTATIONS) if a.jurisdiction == "GBR"]
    units, report = rebuild_units([Path(corpus)], annotations)
    assert report.ok, report.summary()
    assert len(units) == len(annotations)


def test_combination_limits_what_the_model_may_change():
    from analyser.modeleval import Combination, tune_thresholds

    scores = np.array([[0.9, 0.9], [0.1, 0.1], [0.2, 0.2], [0.05, 0.05]])
    truth = np.array([[1, 1], [0, 0], [0, 0], [0, 0]])
    rules = np.array([[1, 1], [1, 1], [1, 1], [0, 0]])
    free = tune_thresholds(scores, truth, rules, ["penalty", "compensation"])
    assert free["penalty"][0] > 0.2  # the model vetoes the two false rule hits
    limited = tune_thresholds(scores, truth, rules, ["penalty", "compensation"],
                              Combination(rule_veto=False, rules_only=("compensation",)))
    assert limited["penalty"][0] == 0.0 and limited["compensation"] == (0.0, NEVER)
