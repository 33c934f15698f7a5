"""The tagging model written as arrays and JSON scores exactly as the fitted pipeline (issue 8)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from analyser import model_arrays
from analyser.classify import ClassifierSettings, build_pipeline, model_input, normalise_text

FUNCTIONS = {"normalise_text": normalise_text}
TEXTS = [
    ("A person who recruits, transports or harbours another person by force commits an offence.", ["tip-offence"]),
    ("Whoever traffics a child for sexual exploitation is liable to imprisonment for life.", ["tip-offence", "child-victim"]),
    ("The Minister may make regulations prescribing forms.", []),
    ("This Act may be cited as the Example Act.", []),
    ("A person who attempts to commit an offence under section 4 is guilty of that offence.", ["attempt"]),
    ("Property derived from an offence may be confiscated by order of the court.", ["confiscation-proceeds"]),
    ("Any person who aids or abets the commission of an offence commits that offence.", ["complicity"]),
    ("The consent of a victim of trafficking is irrelevant.", ["consent-irrelevant"]),
]
LABELS = ["tip-offence", "child-victim", "attempt", "confiscation-proceeds", "complicity", "consent-irrelevant", "never"]


def fitted() -> object:
    pipeline = build_pipeline(ClassifierSettings(min_df=1, word_max_features=500, char_max_features=800))
    texts = [model_input(text, tags[:1]) for text, tags in TEXTS] * 2
    truth = np.array([[label in tags for label in LABELS] for _, tags in TEXTS] * 2, dtype=int)
    import warnings

    with warnings.catch_warnings():  # the "never" label has one class: a constant predictor
        warnings.simplefilter("ignore")
        return pipeline.fit(texts, truth)


def test_round_trip_scores_exactly(tmp_path: Path) -> None:
    pipeline = fitted()
    model_arrays.dump(pipeline, tmp_path, FUNCTIONS)
    loaded = model_arrays.load(tmp_path, FUNCTIONS)
    probes = [model_input(t, []) for t, _ in TEXTS] + ["", "rulehit_tip_offence", "unseen words only", "Ünïcode — “quotes”"]
    expected = np.asarray(pipeline.decision_function(probes), dtype=float)
    assert loaded.decision_function(probes).shape == expected.shape == (len(probes), len(LABELS))
    # float32 coefficients, as the model files store them: equal to about 1e-6
    np.testing.assert_allclose(loaded.decision_function(probes), expected, rtol=0, atol=1e-5)
    assert loaded.constant[LABELS.index("never")] and not loaded.constant[0]


def test_files_hold_no_code(tmp_path: Path) -> None:
    model_arrays.dump(fitted(), tmp_path, FUNCTIONS)
    spec = json.loads((tmp_path / model_arrays.SPEC_FILE).read_text())
    assert [b["name"] for b in spec["blocks"]] == ["word", "char", "rules"]
    assert spec["blocks"][0]["params"]["preprocessor"] == {"function": "normalise_text"}
    with np.load(tmp_path / model_arrays.ARRAYS_FILE) as data:  # no object arrays: numpy reads them without pickle
        assert all(data[key].dtype != object for key in data.files)


def test_object_arrays_and_unknown_functions_are_refused(tmp_path: Path) -> None:
    model_arrays.dump(fitted(), tmp_path, FUNCTIONS)
    with pytest.raises(model_arrays.ModelArraysError, match="unknown function"):
        model_arrays.load(tmp_path, {})
    spec_path = tmp_path / model_arrays.SPEC_FILE
    spec = json.loads(spec_path.read_text())
    spec["blocks"][0]["kind"] = "FunctionTransformer"
    spec_path.write_text(json.dumps(spec))
    with pytest.raises(model_arrays.ModelArraysError, match="unknown kind"):
        model_arrays.load(tmp_path, FUNCTIONS)
    planted = tmp_path / "planted"
    planted.mkdir()
    (planted / model_arrays.SPEC_FILE).write_text(json.dumps({"format": 1, "blocks": [], "features": 0, "labels": 0}))
    np.savez(planted / model_arrays.ARRAYS_FILE, coef=np.array([{"a": 1}], dtype=object))
    with pytest.raises(model_arrays.ModelArraysError, match="cannot read"):
        model_arrays.load(planted, FUNCTIONS)


def test_unregistered_function_cannot_be_written(tmp_path: Path) -> None:
    with pytest.raises(model_arrays.ModelArraysError, match="unregistered function"):
        model_arrays.dump(fitted(), tmp_path, {})


def test_other_vectorizer_settings_score_exactly(tmp_path: Path) -> None:
    """Plain character n-grams, scikit-learn's own lower-casing, raw counts: the scorer follows them too."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import FeatureUnion, Pipeline

    union = FeatureUnion(
        [("chars", CountVectorizer(analyzer="char", ngram_range=(2, 3))),
         ("words", TfidfVectorizer(ngram_range=(1, 3), token_pattern=r"(?u)\b\w+\b", norm="l2"))],
        transformer_weights={"chars": 0.5, "words": 2.0},
    )
    pipeline = Pipeline([("features", union), ("classifier", OneVsRestClassifier(LogisticRegression(max_iter=500)))])
    texts = [text for text, _ in TEXTS]
    truth = np.array([[label in tags for label in LABELS[:3]] for _, tags in TEXTS], dtype=int)
    pipeline.fit(texts, truth)
    model_arrays.dump(pipeline, tmp_path, {})
    probes = texts + ["A  PERSON   who\tRECRUITS", "", "x"]
    expected = np.asarray(pipeline.decision_function(probes), dtype=float)
    np.testing.assert_allclose(model_arrays.load(tmp_path, {}).decision_function(probes), expected, rtol=0, atol=1e-4)
