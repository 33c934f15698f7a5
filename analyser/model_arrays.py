"""A fitted tagging pipeline as plain arrays and JSON, read back without pickle or skops.

The pipeline the trainer fits (:func:`analyser.classify.build_pipeline`) is a union of text
vectorizers (TF-IDF or counts, each with a weight) into one linear model per tag. All of it
is numbers and strings: each block's settings and vocabulary, the inverse document
frequencies, and one coefficient row and intercept per tag. This module writes them as
``model.json`` (settings, block order, label order) and ``model.npz`` (numeric and string
arrays: numpy reads them without pickle, and refuses an object array), and rebuilds a scorer
whose ``decision_function`` equals the fitted pipeline's.

Why not skops: importing it and parsing its schema took about 8 s and a few hundred MB per
worker process on a 50,000-feature model, more than tagging a 100-page act (issue 8). A
function a vectorizer calls (the text normaliser) is stored by name and looked up in a
registry the caller passes, so a model file cannot name code to run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SPEC_FILE = "model.json"
ARRAYS_FILE = "model.npz"
FORMAT = 1
VECTORIZERS = ("TfidfVectorizer", "CountVectorizer")
# Vectorizer settings that are stored (everything that changes ``transform``).
_STORED_PARAMS = (
    "analyzer", "binary", "lowercase", "max_df", "min_df", "max_features", "ngram_range", "norm",
    "smooth_idf", "strip_accents", "sublinear_tf", "token_pattern", "use_idf", "preprocessor", "dtype",
)


class ModelArraysError(ValueError):
    """A model that cannot be written as arrays, or files that do not describe one."""


@dataclass
class Block:
    name: str
    vectorizer: Any
    weight: float


class ArrayPipeline:
    """Feature blocks into per-tag linear scores: the fitted pipeline's ``decision_function``."""

    def __init__(self, blocks: Sequence[Block], coef: np.ndarray, intercept: np.ndarray,
                 constant: np.ndarray, constant_value: np.ndarray) -> None:
        self.blocks = list(blocks)
        self.coef = coef  # (labels, features), float32
        self.intercept = intercept  # (labels,)
        self.constant = constant  # (labels,) bool: a tag the training data had one class of
        self.constant_value = constant_value

    def transform(self, texts: Sequence[str]) -> Any:
        from scipy.sparse import hstack

        parts = [block.vectorizer.transform(texts) * block.weight for block in self.blocks]
        return hstack(parts, format="csr", dtype=np.float32)

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        matrix = self.transform(list(texts))
        scores = np.asarray(matrix @ self.coef.T, dtype=float) + self.intercept
        if self.constant.any():
            scores[:, self.constant] = self.constant_value[self.constant]
        return scores


def dump(pipeline: Any, directory: Path, functions: Mapping[str, Callable[..., Any]]) -> list[Path]:
    """Write a fitted ``Pipeline([features: FeatureUnion, classifier: OneVsRestClassifier])``."""
    features, classifier = pipeline.named_steps["features"], pipeline.named_steps["classifier"]
    names_of = {id(function): name for name, function in functions.items()}
    weights = features.transformer_weights or {}
    blocks: list[dict[str, Any]] = []
    arrays: dict[str, np.ndarray] = {}
    width = 0
    for name, vectorizer in features.transformer_list:
        kind = type(vectorizer).__name__
        if kind not in VECTORIZERS:
            raise ModelArraysError(f"block {name!r} is a {kind}; only {', '.join(VECTORIZERS)} can be written")
        params = vectorizer.get_params()
        stored: dict[str, Any] = {}
        for key in _STORED_PARAMS:
            if key not in params:
                continue
            value = params[key]
            if key == "preprocessor" and value is not None:
                if id(value) not in names_of:
                    raise ModelArraysError(f"block {name!r} calls an unregistered function {value!r}")
                value = {"function": names_of[id(value)]}
            elif key == "dtype":
                value = np.dtype(value).name
            elif isinstance(value, tuple):
                value = list(value)
            stored[key] = value
        if params.get("tokenizer") is not None or params.get("stop_words") is not None:
            raise ModelArraysError(f"block {name!r} has a tokenizer or stop words, which are not stored")
        vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        if [vectorizer.vocabulary_[term] for term in vocabulary] != list(range(len(vocabulary))):
            raise ModelArraysError(f"block {name!r} has a vocabulary with gaps")
        arrays[f"{name}.vocabulary"] = np.array(vocabulary, dtype=str)
        if kind == "TfidfVectorizer" and params.get("use_idf", True):
            arrays[f"{name}.idf"] = np.asarray(vectorizer.idf_)
        blocks.append({"name": name, "kind": kind, "weight": float(weights.get(name, 1.0)), "params": stored})
        width += len(vocabulary)
    coef = np.zeros((len(classifier.estimators_), width), dtype=np.float32)
    intercept = np.zeros(len(classifier.estimators_))
    constant = np.zeros(len(classifier.estimators_), dtype=bool)
    constant_value = np.zeros(len(classifier.estimators_))
    for row, estimator in enumerate(classifier.estimators_):
        if hasattr(estimator, "coef_"):
            coef[row] = np.asarray(estimator.coef_, dtype=np.float32).ravel()
            intercept[row] = float(np.ravel(estimator.intercept_)[0])
        else:  # scikit-learn's constant predictor: the label had one class in training
            constant[row] = True
            constant_value[row] = float(np.ravel(estimator.y_)[0])
    arrays.update(coef=coef, intercept=intercept, constant=constant, constant_value=constant_value)
    directory.mkdir(parents=True, exist_ok=True)
    spec = {"format": FORMAT, "blocks": blocks, "features": width, "labels": len(classifier.estimators_)}
    spec_path, arrays_path = directory / SPEC_FILE, directory / ARRAYS_FILE
    spec_path.write_text(json.dumps(spec, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    with arrays_path.open("wb") as handle:
        np.savez_compressed(handle, **arrays)
    return [spec_path, arrays_path]


def load(directory: Path, functions: Mapping[str, Callable[..., Any]]) -> ArrayPipeline:
    """Rebuild the scorer of :func:`dump` (numpy refuses object arrays: nothing is unpickled)."""
    try:
        spec = json.loads((directory / SPEC_FILE).read_text(encoding="utf-8"))
        with np.load(directory / ARRAYS_FILE) as data:
            arrays = {key: data[key] for key in data.files}
    except (OSError, ValueError, KeyError) as err:
        raise ModelArraysError(f"cannot read the model arrays in {directory}: {err}") from err
    if not isinstance(spec, dict) or spec.get("format") != FORMAT:
        raise ModelArraysError(f"{directory / SPEC_FILE} is not a model of format {FORMAT}")
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    classes = {"TfidfVectorizer": TfidfVectorizer, "CountVectorizer": CountVectorizer}
    blocks = []
    width = 0
    for block in spec["blocks"]:
        name, kind = block["name"], block["kind"]
        if kind not in classes:
            raise ModelArraysError(f"block {name!r} is of unknown kind {kind!r}")
        params = dict(block["params"])
        if isinstance(params.get("preprocessor"), dict):
            function = params["preprocessor"].get("function")
            if function not in functions:
                raise ModelArraysError(f"block {name!r} names an unknown function {function!r}")
            params["preprocessor"] = functions[function]
        if "dtype" in params:
            params["dtype"] = np.dtype(params["dtype"]).type
        for key in ("ngram_range",):
            if key in params:
                params[key] = tuple(params[key])
        vocabulary = arrays[f"{name}.vocabulary"].tolist()
        vectorizer = classes[kind](**params, vocabulary=vocabulary)
        if f"{name}.idf" in arrays:
            vectorizer.idf_ = arrays[f"{name}.idf"]
        blocks.append(Block(name, vectorizer, float(block["weight"])))
        width += len(vocabulary)
    coef = arrays["coef"]
    if coef.shape != (spec["labels"], width):
        raise ModelArraysError(f"coefficients of shape {coef.shape} do not fit {spec['labels']} labels x {width} features")
    return ArrayPipeline(blocks, coef, arrays["intercept"], arrays["constant"].astype(bool), arrays["constant_value"])
