"""Stage 4, trained half: a scikit-learn classifier of tagging units (issue 5).

A :class:`sklearn.pipeline.Pipeline` turns a unit's own text (see
:func:`analyser.tag.unit_texts`) into feature blocks: TF-IDF word 1-2-grams and
character n-grams of the *normalised* text (:func:`normalise_text`: numbers, provision
numbering and cross-references masked, US/UK spellings unified, so that drafting style
and citation format are not learnt as signals), one binary feature per rule tag that
hit the unit (the rules' output, context cues included, carried in by :func:`model_input`),
and (format 3) two blocks of the unit's *context* (:mod:`analyser.context`: the act's title,
the file name and the headings above the unit): TF-IDF of its words, and one binary feature per
rule tag that hits it. An item of a laundering act's schedule of serious offences, or a section
of a mutual assistance act, reads like ordinary law out of context.
A one-vs-rest, class-balanced logistic regression scores each tag; a per-tag sigmoid
(Platt scaling) fitted on scores of held-out jurisdictions turns the score into a
calibrated probability. :class:`TagModel` bundles the fitted pipeline with its label set,
calibration, per-tag thresholds and ``meta.json``; :func:`analyser.modeleval.fit_tagger`
fits all of it from training jurisdictions alone.

Each tag has two thresholds: a tag is on when the score passes the ``model`` threshold,
or a rule hits and the score passes the (lower) ``rule`` threshold. ``rule = 0`` keeps
every rule hit; ``model = 2`` (never) leaves the tag to the rules alone.

Persistence never uses pickle: the pipeline is written as JSON settings and an ``.npz`` of
plain arrays (:mod:`analyser.model_arrays`; numpy refuses object arrays on load), and the
one function its vectorizers call (:func:`normalise_text`) is named, not stored; calibration
and thresholds are JSON in ``meta.json``, which also records the library versions: loading
refuses a model made by another scikit-learn minor version. Models load lazily, from an
explicit folder, never at import time.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelError

FORMAT_VERSION = 4  # 2: calibration in meta.json, rule-hit feature block, normalised text; 3: context blocks; 4: arrays and JSON (no skops)
# Formats this code reads: only arrays and JSON (format 4); a model without context blocks is
# one with fewer blocks. Older (skops) models must be re-trained with `tipgap train`.
READABLE_FORMATS = (4,)
MODEL_FILE = "model.npz"  # with model.json (analyser.model_arrays)
META_FILE = "meta.json"
DEFAULT_MODEL_NAME = "tagger"
MODEL_PACKAGE = "analyser.trained"  # pyproject maps this package onto the repository's models/
VERSIONED_LIBRARIES = ("scikit-learn", "scipy", "numpy")
RULE_MARKER = "rulehit_"  # prefix of the marker tokens that carry rule hits into the model
RULE_TOKENS = r"\brulehit_\w+"  # what the rule-hit block reads (and the text blocks drop)
CONTEXT_MARKER = "ctx_"  # prefix of the words of the unit's context (act title, file name, headings above it)
CONTEXT_TOKENS = r"\bctx_[a-z0-9]+"  # what the context block reads
CONTEXT_RULE_MARKER = "ctxhit_"  # prefix of the rule tags that hit the unit's context
CONTEXT_RULE_TOKENS = r"\bctxhit_\w+"  # what the context-rule block reads
CONTEXT_ANCHOR = "ctx_unit"  # every input has it: the context block never has an empty vocabulary
_MARKER_TOKENS = r"\b(?:rulehit|ctxhit|ctx)_\w+"  # all marker tokens (the text blocks drop them)
NEVER = 2.0  # a threshold no calibrated score reaches
PICKLE_MAGIC = (b"\x80", b"(", b"]", b"}", b"c")  # first byte of pickle protocols 0-5

# -- text normalisation ---------------------------------------------------------------------------
# Structural regexes only (citation and numbering shapes), no legal phrasing: what they remove is
# how a jurisdiction numbers and cites, which a model trained on other jurisdictions must not
# learn (issue 5: generalise to unseen drafting styles).
_NUMBER = r"(?:\d+[a-z]{0,3}(?:[.\-]\d+[a-z]{0,3})*|[ivxlc]{1,7})\b"
_CROSS_REFERENCE = re.compile(
    r"(?:§§?\s*|\b(?:sections?|ss?\.|sec\.|sub-?sections?|paragraphs?|paras?\.|sub-?paragraphs?|articles?|"
    r"arts?\.|clauses?|cls?\.|chapters?|ch\.|parts?|pt\.|divisions?|div\.|sub-?divisions?|schedules?|sch\.)\s*)"
    r"(?:" + _NUMBER + r"|\([0-9a-z]{1,5}\))(?:\s*\([0-9a-z]{1,5}\))*"
)
_ENUMERATOR = re.compile(r"\(\s*(?:\d+[a-z]{0,2}|[a-z]{1,2}|[ivxlc]{1,6})\s*\)")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_MARKERS = re.compile(_MARKER_TOKENS)
_CONTEXT_WORDS = re.compile(r"[a-z0-9]+")
# US and UK spellings of words that recur in criminal statutes: one form each.
_SPELLINGS = (
    (re.compile(r"\boffense"), "offence"),
    (re.compile(r"\bdefense"), "defence"),
    (re.compile(r"\blabor"), "labour"),
    (re.compile(r"\bharbor"), "harbour"),
    (re.compile(r"\b(organi|recogni|authori|characteri|penali)z"), r"\1s"),
    (re.compile(r"\bjudgement"), "judgment"),
)


def normalise_text(text: str) -> str:
    """The text the word and character features read (the rule markers are dropped).

    Lower case; cross-references ("section 12(3)", "s. 279.01", "Article 5", "§ 1589") become
    ``xref``; list enumerators ("(a)", "(ii)", "(3)") go; remaining numbers become ``0``;
    US spellings become UK ones (offense -> offence, labor -> labour, organize -> organise).
    """
    lowered = _MARKERS.sub(" ", text.lower())
    lowered = _CROSS_REFERENCE.sub(" xref ", lowered)
    lowered = _ENUMERATOR.sub(" ", lowered)
    lowered = _DIGITS.sub("0", lowered)
    for pattern, replacement in _SPELLINGS:
        lowered = pattern.sub(replacement, lowered)
    return lowered


@dataclass(frozen=True)
class ClassifierSettings:
    """Hyper-parameters of the pipeline (``models/<name>/config.toml`` maps onto these)."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (3, 5)
    word_max_features: int = 20_000
    char_max_features: int = 30_000
    context_max_features: int = 5_000
    min_df: int = 2
    c: float = 4.0
    rule_weight: float = 1.0  # scale of the rule-hit block against the (unit-norm) text blocks
    context_weight: float = 0.0  # scale of the context words block (0: the block is left out)
    context_rule_weight: float = 0.0  # scale of the block of rule tags that hit the context (0: left out)
    context_ngrams: tuple[int, int] = (1, 2)
    calibration_folds: int = 4  # jurisdiction-grouped folds for calibration and thresholds
    min_positives: int = 4  # a tag with fewer positive units is not modelled (rules only)
    min_jurisdictions: int = 1  # keep only n-grams used in at least this many training jurisdictions
    context_min_jurisdictions: int = 1  # the same for the context block
    random_state: int = 0

    def __post_init__(self) -> None:
        for name in ("word_ngrams", "char_ngrams", "context_ngrams"):
            low, high = getattr(self, name)
            if not 1 <= low <= high:
                raise ModelError(f"classifier setting {name}={(low, high)} is invalid; need 1 <= low <= high")
        if self.c <= 0 or self.min_df < 1 or self.calibration_folds < 2 or min(
            self.rule_weight, self.context_weight, self.context_rule_weight
        ) < 0:
            raise ModelError(
                "classifier settings need c > 0, min_df >= 1, calibration_folds >= 2 and "
                "rule_weight, context_weight, context_rule_weight >= 0"
            )
        if min(self.min_jurisdictions, self.context_min_jurisdictions) < 1:
            raise ModelError("min_jurisdictions and context_min_jurisdictions must be at least 1")
        if self.min_positives < 2:
            raise ModelError("min_positives must be at least 2 (calibration needs positives in held-out folds)")

    @classmethod
    def resolve(cls, value: ClassifierSettings | dict[str, Any] | None) -> ClassifierSettings:
        """Settings from None (defaults), a dict (e.g. a config file's table) or an instance."""
        if value is None:
            return cls()
        if isinstance(value, cls):
            return value
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(value) - known)
        if unknown:
            raise ModelError(f"unknown classifier settings {unknown}; known: {sorted(known)}")
        fixed = {k: tuple(v) if isinstance(v, list) else v for k, v in value.items()}
        return cls(**fixed)


def model_input(
    text: str, rule_tags: Iterable[str], context: str | None = None, context_tags: Iterable[str] = ()
) -> str:
    """The string the model reads: the unit's own text, one marker token per rule tag, then its context.

    ``context`` (:func:`analyser.context.unit_contexts`: act title, file name, headings above
    the unit) becomes ``ctx_`` words, normalised as the text is; ``context_tags`` (the rule
    tags that hit the context) become ``ctxhit_`` markers. Without a context (``None``) the
    input is the text and its rule markers alone, as format 2 read it.
    """
    markers = " ".join(RULE_MARKER + tag.replace("-", "_") for tag in sorted(rule_tags))
    out = f"{text}\n{markers}" if markers else text
    if context is None:
        return out
    words = [CONTEXT_ANCHOR] + [CONTEXT_MARKER + w for w in _CONTEXT_WORDS.findall(normalise_text(context))]
    words += [CONTEXT_RULE_MARKER + tag.replace("-", "_") for tag in sorted(context_tags)]
    return f"{out}\n{' '.join(words)}"


def build_features(
    settings: ClassifierSettings | None = None, vocabularies: dict[str, list[str]] | None = None
) -> Any:
    """Unfitted feature union: word and character TF-IDF of the normalised text, plus rule hits.

    ``vocabularies`` fixes the n-grams of the ``word`` and ``char`` blocks (see :func:`fit_features`).
    """
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    s = settings or ClassifierSettings()
    fixed = vocabularies or {}
    common = {"preprocessor": normalise_text, "sublinear_tf": True, "min_df": s.min_df, "dtype": np.float32}
    word = TfidfVectorizer(
        ngram_range=s.word_ngrams, max_features=s.word_max_features, vocabulary=fixed.get("word"), **common
    )
    char = TfidfVectorizer(
        analyzer="char_wb", ngram_range=s.char_ngrams, max_features=s.char_max_features,
        vocabulary=fixed.get("char"), **common,
    )
    rules = CountVectorizer(
        token_pattern=RULE_TOKENS, lowercase=False, binary=True, dtype=np.float32, vocabulary=rule_vocabulary()
    )
    blocks: list[tuple[str, Any]] = [("word", word), ("char", char), ("rules", rules)]
    weights = {"word": 1.0, "char": 1.0, "rules": s.rule_weight}
    if s.context_weight > 0:
        blocks.append(("context", TfidfVectorizer(
            token_pattern=CONTEXT_TOKENS, lowercase=False, ngram_range=s.context_ngrams,
            max_features=s.context_max_features, sublinear_tf=True, min_df=s.min_df, dtype=np.float32,
            vocabulary=fixed.get("context"),
        )))
        weights["context"] = s.context_weight
    if s.context_rule_weight > 0:
        blocks.append(("context_rules", CountVectorizer(
            token_pattern=CONTEXT_RULE_TOKENS, lowercase=False, binary=True, dtype=np.float32,
            vocabulary=rule_vocabulary(CONTEXT_RULE_MARKER),
        )))
        weights["context_rules"] = s.context_rule_weight
    return FeatureUnion(blocks, transformer_weights=weights)


def fit_features(
    texts: Sequence[str], settings: ClassifierSettings, groups: Sequence[str] | None = None
) -> tuple[Any, Any]:
    """Fit the feature union on ``texts``; returns it and the training matrix.

    With ``groups`` (each text's jurisdiction) and ``settings.min_jurisdictions > 1``, the word
    and character n-grams are limited to those that occur in at least that many jurisdictions:
    an n-gram only one country's drafters use (a currency, an agency, a house style) cannot
    become a signal the model then misses in a country it has not seen
    (``settings.context_min_jurisdictions`` does the same for the context block).
    """
    features = build_features(settings)
    matrix = features.fit_transform(list(texts))
    minimums = {"word": settings.min_jurisdictions, "char": settings.min_jurisdictions,
                "context": settings.context_min_jurisdictions}
    if groups is None or max(minimums.values()) <= 1:
        return features, matrix
    shared = shared_vocabularies(features, matrix, groups, minimums)
    features = build_features(settings, shared)
    return features, features.fit_transform(list(texts))


def shared_vocabularies(
    features: Any, matrix: Any, groups: Sequence[str], minimum: int | dict[str, int]
) -> dict[str, list[str]]:
    """Per text block, the fitted n-grams present in the texts of at least ``minimum`` groups (per block)."""
    minimums = minimum if isinstance(minimum, dict) else {"word": minimum, "char": minimum, "context": minimum}
    names = np.asarray(groups)
    present = matrix.tocsc() > 0
    out: dict[str, list[str]] = {}
    start = 0
    for name, vectorizer in features.transformer_list:
        width = len(vectorizer.vocabulary_)
        if name in minimums:
            block = present[:, start : start + width]
            spread = sum((block[names == g].sum(axis=0) > 0).astype(int) for g in sorted(set(groups)))
            keep = np.flatnonzero(np.asarray(spread).ravel() >= minimums[name])
            terms = {index: term for term, index in vectorizer.vocabulary_.items()}
            out[name] = [terms[i] for i in keep]
        start += width
    return out


def rule_vocabulary(marker: str = RULE_MARKER) -> list[str]:
    """One marker token per tag of the tag set (a fixed vocabulary: the block needs no fitting)."""
    from .knowledge import load_tags

    return sorted(marker + tag.replace("-", "_") for tag in load_tags())


def build_classifier(settings: ClassifierSettings | None = None) -> Any:
    """Unfitted one-vs-rest, class-balanced logistic regression (one binary model per tag)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    s = settings or ClassifierSettings()
    linear = LogisticRegression(
        C=s.c, class_weight="balanced", solver="liblinear", dual=True, max_iter=2000, random_state=s.random_state
    )
    return OneVsRestClassifier(linear)


def build_pipeline(settings: ClassifierSettings | None = None) -> Any:
    """An unfitted pipeline: the features of :func:`build_features` into :func:`build_classifier`."""
    from sklearn.pipeline import Pipeline

    return Pipeline([("features", build_features(settings)), ("classifier", build_classifier(settings))])


def sigmoid(values: np.ndarray, slope: float, offset: float) -> np.ndarray:
    """Platt scaling: ``1 / (1 + exp(-(slope * value + offset)))``."""
    return 1.0 / (1.0 + np.exp(-np.clip(slope * values + offset, -60.0, 60.0)))


@dataclass
class TagModel:
    """A fitted pipeline with its label set, calibration, per-tag thresholds and metadata."""

    pipeline: Any
    labels: tuple[str, ...]
    thresholds: dict[str, tuple[float, float]]  # tag -> (with a rule hit, without one)
    meta: dict[str, Any] = field(default_factory=dict)
    calibration: dict[str, tuple[float, float]] = field(default_factory=dict)  # tag -> (slope, offset)

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """Raw linear scores, one row per model input, one column per label."""
        if not texts:
            return np.zeros((0, len(self.labels)))
        values = np.asarray(self.pipeline.decision_function(list(texts)), dtype=float)
        return values.reshape(len(texts), len(self.labels))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated scores, one row per model input (:func:`model_input`), one column per label."""
        return self.calibrate(self.decision(texts))

    def calibrate(self, decision: np.ndarray) -> np.ndarray:
        """Raw scores to calibrated probabilities (a plain logistic link for an uncalibrated tag)."""
        out = np.empty_like(decision, dtype=float)
        for column, tag in enumerate(self.labels):
            slope, offset = self.calibration.get(tag, (1.0, 0.0))
            out[:, column] = sigmoid(decision[:, column], slope, offset)
        return out

    def unit_scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Per model input, the calibrated score of every label."""
        return [dict(zip(self.labels, row.tolist())) for row in self.predict_proba(texts)]

    def decide(self, scores: dict[str, float], rule_tags: Iterable[str] = ()) -> set[str]:
        """The labels that are on: score past the model threshold, or a rule hit and past the rule threshold.

        A label the model does not cover is not decided here (its rule hits stand).
        """
        hits = set(rule_tags)
        on = set()
        for tag, score in scores.items():
            with_rule, alone = self.thresholds.get(tag, (0.0, NEVER))
            if score >= alone or (tag in hits and score >= with_rule):
                on.add(tag)
        return on


def modelled_labels(labels: Sequence[frozenset[str]], label_set: Sequence[str], min_positives: int) -> tuple[str, ...]:
    """The tags of ``label_set`` with at least ``min_positives`` positive units."""
    return tuple(t for t in label_set if sum(t in y for y in labels) >= min_positives)


def fit_model(
    texts: Sequence[str],
    labels: Sequence[frozenset[str]],
    label_set: Sequence[str],
    settings: ClassifierSettings,
    groups: Sequence[str] | None = None,
) -> TagModel:
    """Fit the pipeline on labelled unit texts (no calibration or thresholds: see ``fit_tagger``).

    Args:
        texts: the model inputs (:func:`model_input`).
        labels: the tags of each unit (a subset of ``label_set``).
        label_set: the tags to model, in output order; a tag with fewer than
            ``settings.min_positives`` positive units is left out of the model.
        settings: the pipeline's hyper-parameters.
        groups: each unit's jurisdiction (for ``settings.min_jurisdictions``).

    Returns:
        A :class:`TagModel` with no calibration and no thresholds yet.
    """
    return fit_with_features(texts, labels, label_set, settings, groups)[0]


def fit_with_features(
    texts: Sequence[str],
    labels: Sequence[frozenset[str]],
    label_set: Sequence[str],
    settings: ClassifierSettings,
    groups: Sequence[str] | None = None,
) -> tuple[TagModel, Any, np.ndarray]:
    """:func:`fit_model`, also returning the training feature matrix and label matrix (for calibration)."""
    from sklearn.pipeline import Pipeline

    modelled = modelled_labels(labels, label_set, settings.min_positives)
    if not modelled:
        raise ModelError("no tag has enough positive units to train on")
    matrix = np.array([[t in y for t in modelled] for y in labels], dtype=int)
    features, matrix_x = fit_features(texts, settings, groups)
    classifier = build_classifier(settings).fit(matrix_x, matrix)
    pipeline = Pipeline([("features", features), ("classifier", classifier)])
    return TagModel(pipeline=pipeline, labels=modelled, thresholds={}), matrix_x, matrix


def grouped_decisions(
    features: Any, matrix: np.ndarray, groups: Sequence[str], settings: ClassifierSettings
) -> np.ndarray:
    """Out-of-fold raw scores: each fold of whole groups (jurisdictions) scored by a model of the others.

    A tag with no positive unit in a fold's training part scores that fold below every
    learnt score of the column (the model could not have learnt it).
    """
    from sklearn.base import clone
    from sklearn.model_selection import GroupKFold

    names = np.asarray(groups)
    folds = min(settings.calibration_folds, len(set(groups)))
    scores = np.zeros(matrix.shape, dtype=float)
    unlearnt = np.zeros(matrix.shape, dtype=bool)
    if folds < 2:
        return scores
    for train, test in GroupKFold(n_splits=folds).split(matrix, groups=names):
        with warnings.catch_warnings():  # a tag absent from this fold's training part is expected here
            warnings.filterwarnings("ignore", message="Label not .* is present in all training examples")
            classifier = clone(build_classifier(settings)).fit(features[train], matrix[train])
        scores[test] = np.asarray(classifier.decision_function(features[test]), dtype=float).reshape(len(test), -1)
        unlearnt[test] = (matrix[train].sum(axis=0) == 0)[None, :]
    for column in range(matrix.shape[1]):
        learnt = scores[~unlearnt[:, column], column]
        scores[unlearnt[:, column], column] = (learnt.min() if learnt.size else 0.0) - 1.0
    return scores


def fit_calibration(decision: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """Platt scaling of one tag: (slope, offset) of a logistic fit of truth on out-of-fold scores."""
    from sklearn.linear_model import LogisticRegression

    if truth.min() == truth.max():
        return 1.0, 0.0
    fitted = LogisticRegression(C=1e4).fit(decision.reshape(-1, 1), truth)
    slope = float(fitted.coef_[0, 0])
    if slope <= 0:  # scores that do not rank: keep the order, give up on calibration
        return 1.0, 0.0
    return slope, float(fitted.intercept_[0])


# -- persistence ---------------------------------------------------------------------------------
def library_versions() -> dict[str, str]:
    """Installed versions of the libraries a model file depends on."""
    return {name: metadata.version(name) for name in VERSIONED_LIBRARIES}


def model_functions() -> dict[str, Any]:
    """The functions a model's vectorizers may call, by the name the model files give them."""
    return {"normalise_text": normalise_text}


def save_model(model: TagModel, directory: Path) -> Path:
    """Write ``model.json``, ``model.npz`` and ``meta.json`` into ``directory`` (created if needed).

    Coefficients are stored as float32 (scores change by about 1e-7).
    """
    from .model_arrays import dump

    directory.mkdir(parents=True, exist_ok=True)
    dump(model.pipeline, directory, model_functions())
    meta = dict(model.meta)
    meta.update(
        format_version=FORMAT_VERSION,
        libraries=library_versions(),
        labels=list(model.labels),
        thresholds={t: [round(v, 4) for v in model.thresholds[t]] for t in model.labels if t in model.thresholds},
        calibration={t: [float(v) for v in model.calibration[t]] for t in model.labels if t in model.calibration},
    )
    (directory / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return directory


def load_model(directory: Path | str) -> TagModel:
    """Load a model folder written by :func:`save_model`, checking its versions first.

    Raises:
        ModelError: the folder or its files are missing, the model file is a pickle or
            holds untrusted types, or it was made by another format or library version.
    """
    directory = Path(directory)
    meta = _read_meta(directory)
    check_versions(meta, directory)
    pipeline = _read_pipeline(directory / MODEL_FILE)
    labels = tuple(meta["labels"])
    thresholds = {t: (float(v[0]), float(v[1])) for t, v in meta.get("thresholds", {}).items()}
    calibration = {t: (float(v[0]), float(v[1])) for t, v in meta.get("calibration", {}).items()}
    return TagModel(pipeline=pipeline, labels=labels, thresholds=thresholds, meta=meta, calibration=calibration)


def _read_meta(directory: Path) -> dict[str, Any]:
    path = directory / META_FILE
    if not path.is_file():
        raise ModelError(f"no model at {directory}: {META_FILE} is missing (train one with `tipgap train`)")
    try:
        meta: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ModelError(f"{path} is not valid JSON: {err}") from err
    for key in ("format_version", "libraries", "labels"):
        if key not in meta:
            raise ModelError(f"{path} lacks {key!r}; re-train the model with `tipgap train`")
    return meta


def check_versions(meta: dict[str, Any], directory: Path) -> None:
    """Refuse a model of an unreadable format version or another scikit-learn/numpy/scipy minor version."""
    if meta["format_version"] not in READABLE_FORMATS:
        raise ModelError(
            f"model at {directory} has format version {meta['format_version']}, this tipgap reads "
            f"{', '.join(map(str, READABLE_FORMATS))}; re-train it with `tipgap train`"
        )
    installed = library_versions()
    for name, trained in sorted(meta["libraries"].items()):
        if name in installed and _minor(trained) != _minor(installed[name]):
            raise ModelError(
                f"model at {directory} was trained with {name} {trained} but {installed[name]} is installed; "
                f"install {name}=={trained} or re-train with `tipgap train`"
            )


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _read_pipeline(path: Path) -> Any:
    from .model_arrays import SPEC_FILE, ModelArraysError, load

    if not path.is_file() or not (path.parent / SPEC_FILE).is_file():
        raise ModelError(f"model file {path} or {path.parent / SPEC_FILE} is missing")
    with path.open("rb") as handle:
        head = handle.read(2)
    if not head.startswith(b"PK"):
        kind = "a pickle" if head[:1] in PICKLE_MAGIC else "not an npz (zip) file"
        raise ModelError(f"refusing to load {path}: it is {kind}; tipgap only loads arrays and JSON")
    try:
        return load(path.parent, model_functions())
    except (ModelArraysError, KeyError, ValueError, TypeError) as err:
        raise ModelError(f"cannot read model file {path}: {err}") from err


# -- the shipped model ---------------------------------------------------------------------------
def default_model_dir() -> Path:
    """Folder of the model shipped with the package (``models/tagger`` in the repository).

    An installed wheel holds it as the package ``analyser.trained``; an editable install
    made before that mapping existed finds it in the checkout's ``models/`` instead.
    """
    try:
        return Path(str(resources.files(MODEL_PACKAGE).joinpath(DEFAULT_MODEL_NAME)))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[1] / "models" / DEFAULT_MODEL_NAME


@lru_cache(maxsize=4)
def cached_model(directory: str) -> TagModel:
    """A model loaded once per process (worker processes each load their own)."""
    return load_model(Path(directory))


def settings_dict(settings: ClassifierSettings) -> dict[str, Any]:
    """The settings as plain JSON values (for ``meta.json``)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(settings).items()}
