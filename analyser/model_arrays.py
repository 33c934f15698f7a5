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

The scorer does not import scikit-learn (about 1.5 s per worker process): it applies the
stored vectorizer settings itself, exactly as scikit-learn's ``TfidfVectorizer`` and
``CountVectorizer`` transform (the same tokens, n-grams, sublinear term frequency, idf and
L2 norm, in float32), counting the character n-grams of each distinct word once. The
tests compare its scores with the fitted pipeline's.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
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


_WHITE_SPACES = re.compile(r"\s\s+")  # what scikit-learn's character analyzers fold to one space
ANALYZERS = ("word", "char", "char_wb")
WORD_MEMO_SIZE = 200_000  # distinct words whose character n-gram columns are remembered


class TextBlock:
    """One vectorizer of the union, applied to one text at a time."""

    def __init__(self, name: str, params: Mapping[str, Any], vocabulary: Sequence[str], idf: np.ndarray | None,
                 weight: float, offset: int, functions: Mapping[str, Callable[..., Any]]) -> None:
        analyzer = params.get("analyzer", "word")
        if analyzer not in ANALYZERS or params.get("strip_accents"):
            raise ModelArraysError(f"block {name!r}: analyzer {analyzer!r} / strip_accents are not supported")
        self.name, self.analyzer, self.weight, self.offset = name, analyzer, weight, offset
        preprocessor = params.get("preprocessor")
        if isinstance(preprocessor, dict):
            function = preprocessor.get("function")
            if function not in functions:
                raise ModelArraysError(f"block {name!r} names an unknown function {function!r}")
            self.preprocess: Callable[[str], str] = functions[function]
        elif preprocessor is None:
            self.preprocess = str.lower if params.get("lowercase", True) else (lambda text: text)
        else:
            raise ModelArraysError(f"block {name!r} has an unreadable preprocessor {preprocessor!r}")
        self.tokens = re.compile(params.get("token_pattern") or r"(?u)\b\w\w+\b")
        if self.tokens.groups > 1:
            raise ModelArraysError(f"block {name!r}: a token pattern may have at most one group")
        low, high = params.get("ngram_range", (1, 1))
        self.low, self.high = int(low), int(high)
        self.binary = bool(params.get("binary", False))
        self.sublinear = bool(params.get("sublinear_tf", False))
        self.norm = params.get("norm")
        if self.norm not in (None, "l2"):
            raise ModelArraysError(f"block {name!r}: norm {self.norm!r} is not supported")
        self.idf = None if idf is None else np.asarray(idf, dtype=np.float32)
        self.index = {term: position for position, term in enumerate(vocabulary)}
        self.width = len(vocabulary)
        self._word_columns: dict[str, tuple[int, ...]] = {}  # char_wb: a word's vocabulary columns

    def features(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, columns of the union, float32 values) of the non-zero features of ``texts``
        (already through :attr:`preprocess`)."""
        rows: list[int] = []
        columns: list[int] = []
        counts: list[int] = []
        for row, text in enumerate(texts):
            found = self._columns(text)
            rows += [row] * len(found)
            columns += found.keys()
            counts += found.values()
        row_ids = np.asarray(rows, dtype=np.int64)
        column_ids = np.asarray(columns, dtype=np.int64)
        values = np.asarray(counts, dtype=np.float32)
        if self.binary:
            values[:] = 1.0
        if self.sublinear:
            values = np.log(values) + np.float32(1.0)
        if self.idf is not None:
            values = values * self.idf[column_ids]
        if self.norm == "l2":
            norms = np.sqrt(np.bincount(row_ids, weights=values.astype(np.float64) ** 2, minlength=len(texts)))
            values = values / np.where(norms > 0, norms, 1.0).astype(np.float32)[row_ids]
        return row_ids, column_ids + self.offset, (values * np.float32(self.weight)).astype(np.float32)

    def _columns(self, text: str) -> dict[int, int]:
        """Vocabulary column -> count of the terms of one preprocessed text."""
        index = self.index
        found: dict[int, int] = {}
        if self.analyzer == "char_wb":  # a word's n-grams do not depend on its neighbours
            for word, times in Counter(_WHITE_SPACES.sub(" ", text).split()).items():
                word_columns = self._word_columns.get(word)
                if word_columns is None:
                    if len(self._word_columns) >= WORD_MEMO_SIZE:
                        self._word_columns.clear()
                    grams = self._char_wb(f" {word} ")
                    word_columns = self._word_columns[word] = tuple(index[g] for g in grams if g in index)
                for column in word_columns:
                    found[column] = found.get(column, 0) + times
            return found
        if self.analyzer == "word":
            terms = Counter(self._word_ngrams(self._token_list(text)))
        else:
            text = _WHITE_SPACES.sub(" ", text)
            terms = Counter(text[i : i + n] for n in range(self.low, self.high + 1) for i in range(len(text) - n + 1))
        for term, times in terms.items():
            column = index.get(term)
            if column is not None:
                found[column] = times
        return found

    def _token_list(self, text: str) -> list[str]:
        return self.tokens.findall(text)

    def _word_ngrams(self, tokens: list[str]) -> list[str]:
        if self.high == 1:
            return tokens if self.low == 1 else []
        out = list(tokens) if self.low == 1 else []
        for n in range(max(self.low, 2), min(self.high + 1, len(tokens) + 1)):
            out += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
        return out

    def _char_wb(self, padded: str) -> list[str]:
        grams = []
        length = len(padded)
        for n in range(self.low, self.high + 1):
            offset = 0
            grams.append(padded[offset : offset + n])
            while offset + n < length:
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:  # a short word (shorter than n) counts once
                break
        return grams


class ArrayPipeline:
    """Feature blocks into per-tag linear scores: the fitted pipeline's ``decision_function``."""

    def __init__(self, blocks: Sequence[TextBlock], coef: np.ndarray, intercept: np.ndarray,
                 constant: np.ndarray, constant_value: np.ndarray) -> None:
        self.blocks = list(blocks)
        self.coef = coef  # (labels, features), float32
        self.intercept = intercept  # (labels,)
        self.constant = constant  # (labels,) bool: a tag the training data had one class of
        self.constant_value = constant_value

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        from scipy.sparse import csr_matrix

        texts = list(texts)
        preprocessed: dict[Any, list[str]] = {}  # the blocks usually share one normaliser: run it once
        for block in self.blocks:
            if block.preprocess not in preprocessed:
                preprocessed[block.preprocess] = [block.preprocess(text) for text in texts]
        parts = [block.features(preprocessed[block.preprocess]) for block in self.blocks]
        rows = np.concatenate([r for r, _, _ in parts])
        columns = np.concatenate([c for _, c, _ in parts])
        values = np.concatenate([v for _, _, v in parts])
        matrix = csr_matrix((values, (rows, columns)), shape=(len(texts), self.coef.shape[1]), dtype=np.float32)
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
    blocks = []
    width = 0
    try:
        for block in spec["blocks"]:
            name, kind = block["name"], block["kind"]
            if kind not in VECTORIZERS:
                raise ModelArraysError(f"block {name!r} is of unknown kind {kind!r}")
            vocabulary = arrays[f"{name}.vocabulary"].tolist()
            idf = arrays.get(f"{name}.idf") if kind == "TfidfVectorizer" else None
            params = dict(block["params"], norm=block["params"].get("norm") if kind == "TfidfVectorizer" else None)
            blocks.append(TextBlock(name, params, vocabulary, idf, float(block["weight"]), width, functions))
            width += len(vocabulary)
        coef = arrays["coef"]
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ModelArraysError(f"the model files in {directory} do not describe a model: {err!r}") from err
    if coef.shape != (spec["labels"], width):
        raise ModelArraysError(f"coefficients of shape {coef.shape} do not fit {spec['labels']} labels x {width} features")
    return ArrayPipeline(blocks, coef, arrays["intercept"], arrays["constant"].astype(bool), arrays["constant_value"])
