"""The trained tagger (issue 5): fit/predict, persistence without pickle, version checks,
annotation drift, and its combination with the rules. Fast: tiny invented data only."""

from __future__ import annotations

import json
import pickle
import re
from dataclasses import replace
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
    assert (tmp_path / MODEL_FILE).read_bytes()[:2] == b"PK"  # an npz (zip of .npy arrays), not a pickle
    with np.load(tmp_path / MODEL_FILE) as arrays:  # numpy refuses object arrays: nothing to unpickle
        assert all(arrays[key].dtype != object for key in arrays.files)
    loaded = load_model(tmp_path)
    assert loaded.labels == model.labels and loaded.thresholds == model.thresholds
    # coefficients are stored as float32: scores agree to about 1e-7
    np.testing.assert_allclose(loaded.predict_proba(TEXTS[:3]), model.predict_proba(TEXTS[:3]), rtol=0, atol=1e-5)
    meta = json.loads((tmp_path / META_FILE).read_text())
    assert {"scikit-learn", "numpy", "scipy"} <= set(meta["libraries"])


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


def test_a_model_without_context_blocks_scores_inputs_with_context(model, tmp_path):
    """A model fitted without context blocks drops the context tokens of today's inputs (its text
    blocks ignore them); older skops formats (2, 3) are refused with the way out."""
    save_model(model, tmp_path)
    meta = json.loads((tmp_path / META_FILE).read_text())
    assert meta["format_version"] == 4
    loaded = load_model(tmp_path)
    text = "Whoever breaks rule 40 is liable to imprisonment for 3 years."
    np.testing.assert_allclose(
        loaded.decision([model_input(text, [])]),
        loaded.decision([model_input(text, [], "Penalties Act | part Offences", ["penalty"])]),
    )
    meta["format_version"] = 3
    (tmp_path / META_FILE).write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="format version 3, this tipgap reads 4; re-train"):
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
    keys = {"jurisdiction", "document", "provision_id", "citation", "text_sha", "labels", "note", "sketch"}
    for path in ANNOTATIONS.glob("*/*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            assert set(row) <= keys, path
            assert len(row.get("citation", "")) < 120, path
            assert re.fullmatch(r"[0-9a-f]{128}", row["sketch"]), path  # a hash, never text


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
    # a rules-only tag: the model may veto its false rule hits but never adds it
    scores_add = np.array([[0.9, 0.9], [0.1, 0.1], [0.2, 0.2], [0.8, 0.8]])
    truth_add = np.array([[1, 1], [0, 0], [0, 0], [1, 1]])
    veto_only = tune_thresholds(scores_add, truth_add, rules, ["penalty", "compensation"],
                                Combination(rule_veto=True, rules_only=("compensation",)))
    assert veto_only["compensation"][0] > 0.2 and veto_only["compensation"][1] == NEVER
    assert veto_only["penalty"][1] <= 0.8  # a free tag: the model adds the unit the rules missed
    # keep_rules: the model may not drop the tag's rule hits, but may still add it
    kept = tune_thresholds(scores_add, truth_add, rules, ["penalty", "compensation"],
                           Combination(rule_veto=True, keep_rules=("penalty",)))
    assert kept["penalty"][0] == 0.0 and kept["penalty"][1] <= 0.8 and kept["compensation"][0] > 0.2


def test_config_reads_keep_rules(tmp_path):
    from analyser.training import load_config

    (tmp_path / "config.toml").write_text('[combination]\nkeep_rules = ["tip-offence"]\n', encoding="utf-8")
    assert load_config(tmp_path).combination.keep_rules == ("tip-offence",)
    (tmp_path / "config.toml").write_text('[combination]\nkeep_rule = ["tip-offence"]\n', encoding="utf-8")
    with pytest.raises(ModelError, match="keep_rules"):
        load_config(tmp_path)


# -- re-keying annotations after drift ------------------------------------------------------------
def test_sketch_ignores_spacing_and_case_but_not_content():
    from analyser.annotations import sketch_similarity, text_sketch

    base = text_sketch("A person who recruits another person for exploitation commits an offence.")
    assert base == text_sketch("A  person who recruits another\nperson for EXPLOITATION commits an offence.")
    assert sketch_similarity(base, text_sketch("The annual report shall be laid before the assembly.")) < 0.3
    assert len(base) == 128 and text_sketch("   ") == ""


def test_rekey_keeps_moves_carries_and_reports():
    from analyser.annotations import rekey, text_sketch

    moved_text = "A person who harbours a trafficked person commits an offence and is liable to 5 years."
    spaced_old = "Consent of the victim is\nno defence to an offence under this Act."
    spaced_new = "Consent of the victim is no defence to an offence under this Act."
    kept_text = "This Act may be cited as the Test Act."
    old = [
        _annotation("XTS/a/s-1", kept_text, ()),
        _annotation("XTS/a/s-2", moved_text),
        replace(_annotation("XTS/a/s-3", spaced_old, ("consent-irrelevant",)), sketch=text_sketch(spaced_old)),
        _annotation("XTS/a/s-4", "a text that is gone"),
        Annotation("XTS", "b.txt", "XTS/b/s-1", "0" * 16, frozenset()),
    ]
    units = {("XTS", "a.txt"): [("XTS/a/s-1", kept_text), ("XTS/a/pt-1/s-2", moved_text), ("XTS/a/s-3", spaced_new)]}
    outcome = rekey(old, units)
    assert [r.status for r in outcome] == ["kept", "moved", "similar", "unresolved", "unchecked"]
    assert outcome[1].annotation.provision_id == "XTS/a/pt-1/s-2"
    assert outcome[2].annotation.text_sha == text_hash(spaced_new)
    assert outcome[2].annotation.labels == {"consent-irrelevant"}
    assert outcome[0].annotation.sketch == text_sketch(kept_text)  # a kept annotation gains its sketch
    assert outcome[3].annotation == old[3]  # left for a person to re-label


def test_rekey_never_gives_one_unit_two_annotations_and_prefers_the_closer_id():
    from analyser.annotations import id_affinity, rekey

    text = "Whoever attempts to commit an offence under this Act is liable to the same punishment."
    old = [_annotation("XTS/a/pt-1/s-9", text), _annotation("XTS/a/pt-2/s-9", text)]
    units = {("XTS", "a.txt"): [("XTS/a/div-3/s-9", text), ("XTS/a/s-10", "another text entirely")]}
    outcome = rekey(old, units)
    assert sorted(r.status for r in outcome) == ["moved", "unresolved"]
    assert id_affinity("XTS/a/pt-1/s-9", "XTS/a/div-3/s-9") == 1
    assert id_affinity("XTS/a/s-9~2/a", "XTS/a/pt-1/s-9/a") == 2
    assert id_affinity("XTS/a/s-9", "XTS/a/s-9") == 2


def test_rekey_drops_a_lost_label_whose_id_another_text_now_holds():
    from analyser.annotations import rekey

    moved = "Whoever harbours a trafficked person commits an offence."
    old = [_annotation("XTS/a/s-1", "the old text of section 1"), _annotation("XTS/a/s-2", moved)]
    outcome = rekey(old, {("XTS", "a.txt"): [("XTS/a/s-1", moved)]})
    assert [r.status for r in outcome] == ["displaced", "moved"]
    assert outcome[1].annotation.provision_id == "XTS/a/s-1"


def test_rekey_command_reattaches_a_renumbered_unit(tmp_path):
    from click.testing import CliRunner

    from analyser.annotations import rebuild_documents, unit_index, write_annotations
    from analyser.commands_model import annotations_group

    statutes = tmp_path / "statutes"
    (statutes / "XTS").mkdir(parents=True)
    body = "1. Short title\nThis Act may be cited as the Test Act.\n\n2. Penalty\nA person who does it is liable to imprisonment for 2 years.\n"
    (statutes / "XTS" / "a.txt").write_text(body, encoding="utf-8")
    probe = Annotation("XTS", "a.txt", "XTS/a/none", "0" * 16, frozenset())
    results, _ = rebuild_documents([statutes], [probe])
    unit_id, text = next((i, t) for i, t in unit_index(results)[("XTS", "a.txt")] if "imprisonment" in t)
    folder = tmp_path / "annotations"
    folder.mkdir()
    (folder / "labels.toml").write_text('labels = ["penalty"]\n')
    write_annotations(folder, [Annotation("XTS", "a.txt", "XTS/a/s-99", text_hash(text), frozenset({"penalty"}))])
    args = ["rekey", "--annotations", str(folder), "--input", str(statutes)]
    outcome = CliRunner().invoke(annotations_group, args)
    assert outcome.exit_code == 0, outcome.output
    assert f"moved: XTS/a/s-99 -> {unit_id}" in outcome.output
    assert load_annotations(folder)[0].provision_id == unit_id
    dry = CliRunner().invoke(annotations_group, args + ["--dry-run"])
    assert "1 kept" in dry.output and "dry run" in dry.output


# -- features robust to drafting style ------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("an offence under section 12(3)(a) of this Act", "an offence under xref of this act"),
        ("contrary to s. 279.01 or § 1589", "contrary to xref or xref"),
        ("Article 5 of Part IV", "xref of xref"),
        ("(1) A person who organizes forced labor", "a person who organises forced labour"),
        ("imprisonment for 14 years and a fine of $500,000", "imprisonment for 0 years and a fine of $0"),
        ("This part of the Act", "this part of the act"),  # a word, not a reference: kept
        ("Some text.\nrulehit_penalty rulehit_attempt", "some text."),
    ],
)
def test_normalise_text_masks_numbering_references_and_spelling(text, expected):
    from analyser.classify import normalise_text

    assert " ".join(normalise_text(text).split()) == expected


def test_cross_references_in_two_styles_give_the_same_word_features():
    """'an offence under section 12' and 'an offence under Article 7' read alike: citation style is no signal."""
    from analyser.classify import build_features

    features = build_features(SMALL).fit(TEXTS + ["an offence under section 12", "an offence under Article 7"])
    word = features.transformer_list[0][1]
    first, second = word.transform(["an offence under section 12", "an offence under Article 7"]).toarray()
    np.testing.assert_allclose(first, second)


def test_rule_hits_are_a_feature_block_of_their_own():
    from analyser.classify import build_features, rule_vocabulary

    features = build_features(SMALL).fit(TEXTS)
    block = features.transformer_list[2][1]
    row = block.transform([model_input("Some text.", ["penalty", "attempt"])]).toarray()[0]
    vocabulary = rule_vocabulary()
    assert row.sum() == 2 and row[vocabulary.index("rulehit_penalty")] == 1
    assert block.transform(["rulehit_penalty in the text of a statute?"]).sum() == 1  # only exact markers count


# -- calibration and thresholds fitted inside the training jurisdictions ---------------------------
def _units(rows: list[tuple[str, str, tuple[str, ...]]]) -> list:
    from analyser.annotations import LabelledUnit

    return [
        LabelledUnit(Annotation(j, "a.txt", f"{j}/a/s-{i}", text_hash(t), frozenset(labels)), t, frozenset())
        for i, (j, t, labels) in enumerate(rows)
    ]


def _toy_units() -> list:
    rows = []
    for j, jur in enumerate(("XAA", "XBB", "XCC", "XDD")):
        rows += [(jur, f"Whoever breaks rule {j}{i} is liable to imprisonment for {i} years.", ("penalty",)) for i in range(4)]
        rows += [(jur, f"The report number {j}{i} shall be laid before the assembly.", ()) for i in range(6)]
    return rows


def test_grouped_decisions_score_each_group_with_a_model_that_never_saw_it():
    from analyser.classify import build_features, grouped_decisions

    rows = _toy_units()
    texts = [t for _, t, _ in rows]
    truth = np.array([[("penalty" in labels)] for _, _, labels in rows], dtype=int)
    features = build_features(SMALL).fit_transform(texts)
    scores = grouped_decisions(features, truth, [j for j, _, _ in rows], SMALL)
    assert scores.shape == truth.shape
    assert scores[truth[:, 0] == 1].min() > scores[truth[:, 0] == 0].max()
    # a tag whose only positives sit in one group cannot be learnt when that group is held out
    lonely = np.array([[j == "XAA" and "penalty" in labels] for j, _, labels in rows], dtype=int)
    floor = grouped_decisions(features, lonely, [j for j, _, _ in rows], SMALL)
    held = np.array([j == "XAA" for j, _, _ in rows])
    assert np.all(floor[held] == floor.min()) and floor.max() > floor.min()


def test_calibration_is_monotone_and_handles_constant_truth():
    from analyser.classify import fit_calibration, sigmoid

    decision = np.array([-3.0, -2.0, -1.0, 0.5, 1.0, 2.0])
    slope, offset = fit_calibration(decision, np.array([0, 0, 0, 1, 1, 1]))
    probabilities = sigmoid(decision, slope, offset)
    assert slope > 0 and np.all(np.diff(probabilities) > 0) and probabilities[0] < 0.5 < probabilities[-1]
    assert fit_calibration(decision, np.zeros(6, dtype=int)) == (1.0, 0.0)


def test_evaluation_never_lets_the_held_out_jurisdiction_fit_anything():
    """Flip every label of one jurisdiction: its held-out scores and decisions must not move."""
    from analyser.modeleval import evaluate

    rows = _toy_units()
    flipped = [(j, t, () if j == "XAA" and labels else (("penalty",) if j == "XAA" else labels)) for j, t, labels in rows]
    first = evaluate(_units(rows), ["penalty"], SMALL, log=False)
    second = evaluate(_units(flipped), ["penalty"], SMALL, log=False)
    held = np.array([j == "XAA" for j, _, _ in rows])
    assert first.oof_scores is not None and second.oof_scores is not None
    np.testing.assert_allclose(first.oof_scores[held], second.oof_scores[held])
    assert not np.allclose(first.oof_scores[~held], second.oof_scores[~held])  # the others did learn from XAA


def test_fit_tagger_sets_calibration_and_both_thresholds():
    from analyser.modeleval import fit_tagger

    fitted = fit_tagger(_units(_toy_units()), ["penalty", "attempt"], SMALL)
    assert fitted.model.labels == ("penalty",)  # no positives for attempt: left to the rules
    slope, _ = fitted.model.calibration["penalty"]
    rule_t, model_t = fitted.model.thresholds["penalty"]
    assert slope > 0 and 0 <= rule_t <= model_t <= NEVER and 0 < fitted.alone["penalty"] <= 1
    scores = fitted.model.predict_proba(["Whoever breaks rule 77 is liable to imprisonment for 9 years."])
    assert scores[0, 0] > 0.5


def test_min_jurisdictions_drops_ngrams_only_one_country_uses():
    from analyser.classify import fit_features

    settings = ClassifierSettings(min_df=1, min_jurisdictions=2, word_max_features=500, char_max_features=500)
    texts = ["the ringgit fine is payable", "the fine is payable in dollars", "a fine is payable", "nothing"]
    features, matrix = fit_features(texts, settings, ["MYS", "CAN", "AUS", "AUS"])
    words = set(features.transformer_list[0][1].vocabulary_)
    assert {"fine", "is payable"} <= words and not {"ringgit", "dollars", "nothing"} & words
    assert matrix.shape[0] == 4
    everything = fit_features(texts, ClassifierSettings(min_df=1, word_max_features=500, char_max_features=500))[0]
    assert "ringgit" in everything.transformer_list[0][1].vocabulary_  # off by default


def test_report_states_targets_protocol_notes_and_drift():
    from analyser.modeleval import evaluate, render_report

    evaluation = evaluate(_units(_toy_units()), ["penalty", "attempt"], SMALL, log=False)
    meta = {"name": "toy", "notes": ["chosen among two settings"], "combination": {"rule_veto": True}}
    text = render_report(evaluation, DriftReport(vanished=[_annotation("XTS/a/s-9", "gone")]), meta)
    assert text.startswith("# Tagging model `toy`")
    for needle in ("macro-F1 >= 0.85", "keyword baseline", "## Protocol", "Fully nested",
                   "- chosen among two settings", "1 vanished", "| penalty | 16 | 4 |"):
        assert needle in text, needle


# -- the unit's context (format 3) -----------------------------------------------------------------
SCHEDULED = (
    "SAMPLE MONEY LAUNDERING ACT 2001\n\nPART I\nPRELIMINARY\n\n1. Short title\nThis Act may be cited as the "
    "Sample Money Laundering Act 2001.\n\nTHIRD SCHEDULE\n[section 2, meaning of \"scheduled offence\"]\n\n"
    "1. Section 12 Theft of cattle\n\n2. Section 40 Forgery of a seal\n"
)


def test_unit_context_names_the_act_the_file_and_the_headings_above_the_unit():
    from analyser.context import document_words, unit_contexts

    assert document_words("A-12.3-sample_legal-aid.act.md") == "A 12 3 sample legal aid act"
    provisions = result("XAA", "sample_aml_act_2001.txt", SCHEDULED).provisions
    units = [p for p, _ in unit_texts(provisions)]
    contexts = unit_contexts(provisions, units)
    assert set(contexts) == {u.id for u in units}
    assert all("sample aml act 2001" in c for c in contexts.values())
    inside = [contexts[u.id] for u in units if u.text.lstrip().startswith("2. Section 40")]
    assert inside == ['Sample Money Laundering Act 2001 | sample aml act 2001 | '
                      'schedule THIRD SCHEDULE [section 2, meaning of "scheduled offence"]']


def test_model_input_carries_context_words_and_context_rule_hits():
    from analyser.classify import normalise_text

    plain = model_input("Some text.", ["penalty"])
    framed = model_input("Some text.", ["penalty"], "Witness Protection Act | part 2", ["witness-protection"])
    assert framed.startswith(plain) and "ctx_unit" in framed
    assert "ctx_witness ctx_protection" in framed and framed.endswith("ctxhit_witness_protection")
    assert normalise_text(framed).split() == normalise_text(plain).split()  # the text blocks never read context


def test_context_blocks_are_fitted_only_when_weighted():
    from analyser.classify import build_features

    assert [n for n, _ in build_features(SMALL).transformer_list] == ["word", "char", "rules"]
    weighted = replace(SMALL, context_weight=1.0, context_rule_weight=0.5)
    inputs = [model_input(t, [], "Sample Act | part Penalties", ["penalty"]) for t in TEXTS]
    features = build_features(weighted).fit(inputs)
    assert [n for n, _ in features.transformer_list] == ["word", "char", "rules", "context", "context_rules"]
    context = dict(features.transformer_list)["context"]
    assert "ctx_penalties" in context.vocabulary_ and "ctx_some" not in context.vocabulary_
    assert dict(features.transformer_list)["context_rules"].transform(inputs[:1]).sum() == 1


def test_tag_provisions_gives_the_model_the_same_context_as_training(monkeypatch):
    """The scan builds each unit's model input with the context that match_units gives a labelled unit."""
    from analyser import tag as tag_module
    from analyser.modeleval import model_inputs

    res = result("XAA", "sample_aml_act_2001.txt", SCHEDULED)
    seen: list[str] = []

    class Recorder:
        labels = ("penalty",)

        def unit_scores(self, inputs):
            seen.extend(inputs)
            return [{"penalty": 0.0} for _ in inputs]

        def decide(self, scores, rule_tags=()):
            return set()

    tag_module.tag_provisions(res.provisions, model=Recorder())
    annotations = [
        Annotation("XAA", res.source.name, unit.id, text_hash(text), frozenset()) for unit, text in unit_texts(res.provisions)
    ]
    units = match_units(annotations, [res], DriftReport())
    assert model_inputs(units) == seen
    assert any("ctxhit_predicate_cue" in s for s in seen)
