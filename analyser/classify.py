"""Stage 4, trained half: a scikit-learn classifier of tagging units (issue 5).

A :class:`sklearn.pipeline.Pipeline` turns a unit's own text (see
:func:`analyser.tag.unit_texts`) into TF-IDF word 1-2-grams and character n-grams, and a
one-vs-rest, class-balanced logistic regression, calibrated with a sigmoid fitted on
cross-validated scores, gives one probability per tag. The rules take part as features:
the names of the rule tags that hit the unit are appended to its text as marker tokens
(:func:`model_input`), so the model learns when a pattern hit is right. :class:`TagModel`
bundles the fitted pipeline with its label set, its per-tag thresholds and its ``meta.json``.

Each tag has two thresholds, tuned leave one jurisdiction out: a tag is on when the score
passes ``model`` threshold, or a rule hits and the score passes the (lower) ``rule``
threshold. ``rule = 0`` keeps every rule hit; ``model = 2`` (never) leaves the tag to the
rules alone.

Persistence never uses pickle: the pipeline is written with ``skops.io`` and read back
with the types in :data:`TRUSTED_TYPES` only; ``meta.json`` records the library versions,
and loading refuses a model made by another scikit-learn minor version. Models load
lazily, from an explicit folder, never at import time.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelError

FORMAT_VERSION = 1
MODEL_FILE = "model.skops"
META_FILE = "meta.json"
DEFAULT_MODEL_NAME = "tagger"
MODEL_PACKAGE = "analyser.trained"  # pyproject maps this package onto the repository's models/
VERSIONED_LIBRARIES = ("scikit-learn", "scipy", "numpy", "skops")
RULE_MARKER = "rulehit_"  # prefix of the marker tokens that carry rule hits into the model
NEVER = 2.0  # a threshold no calibrated score reaches
PICKLE_MAGIC = (b"\x80", b"(", b"]", b"}", b"c")  # first byte of pickle protocols 0-5
# The only types a model file may hold (skops refuses anything else on load).
TRUSTED_TYPES = (
    "analyser.classify._strip_numbers",
    "builtins.slice",
    "numpy.dtype",
    "numpy.float32",
    "numpy.float64",
    "numpy.int64",
    "numpy.ndarray",
    "scipy.sparse._csr.csr_matrix",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.multiclass._ConstantPredictor",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._label.LabelBinarizer",
)


@dataclass(frozen=True)
class ClassifierSettings:
    """Hyper-parameters of the pipeline (``models/<name>/config.toml`` maps onto these)."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (3, 5)
    word_max_features: int = 20_000
    char_max_features: int = 30_000
    min_df: int = 2
    c: float = 4.0
    calibration_folds: int = 3
    min_positives: int = 4  # a tag with fewer positive units is not modelled (rules only)
    random_state: int = 0

    def __post_init__(self) -> None:
        for name in ("word_ngrams", "char_ngrams"):
            low, high = getattr(self, name)
            if not 1 <= low <= high:
                raise ModelError(f"classifier setting {name}={(low, high)} is invalid; need 1 <= low <= high")
        if self.c <= 0 or self.min_df < 1 or self.calibration_folds < 2:
            raise ModelError("classifier settings need c > 0, min_df >= 1 and calibration_folds >= 2")
        if self.min_positives < self.calibration_folds:
            raise ModelError("min_positives must be at least calibration_folds (the calibration needs them)")

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


def model_input(text: str, rule_tags: Iterable[str]) -> str:
    """The string the model reads: the unit's own text, then one marker token per rule tag."""
    markers = " ".join(RULE_MARKER + tag.replace("-", "_") for tag in sorted(rule_tags))
    return f"{text}\n{markers}" if markers else text


def _strip_numbers(text: str) -> str:
    """Lower-case and replace digits by '0', so section numbers do not become features."""
    return "".join("0" if ch.isdigit() else ch for ch in text.lower())


def build_pipeline(settings: ClassifierSettings | None = None) -> Any:
    """An unfitted pipeline: word + character TF-IDF into calibrated one-vs-rest logistic regression."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import FeatureUnion, Pipeline

    s = settings or ClassifierSettings()
    common = {"preprocessor": _strip_numbers, "sublinear_tf": True, "min_df": s.min_df, "dtype": np.float32}
    features = FeatureUnion(
        [
            ("word", TfidfVectorizer(ngram_range=s.word_ngrams, max_features=s.word_max_features, **common)),
            (
                "char",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=s.char_ngrams, max_features=s.char_max_features, **common
                ),
            ),
        ]
    )
    linear = LogisticRegression(
        C=s.c, class_weight="balanced", solver="liblinear", dual=True, max_iter=2000, random_state=s.random_state
    )
    calibrated = CalibratedClassifierCV(linear, method="sigmoid", cv=s.calibration_folds, ensemble=False)
    return Pipeline([("features", features), ("classifier", OneVsRestClassifier(calibrated))])


@dataclass
class TagModel:
    """A fitted pipeline with its label set, per-tag thresholds and metadata."""

    pipeline: Any
    labels: tuple[str, ...]
    thresholds: dict[str, tuple[float, float]]  # tag -> (with a rule hit, without one)
    meta: dict[str, Any] = field(default_factory=dict)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated scores, one row per model input (:func:`model_input`), one column per label."""
        if not texts:
            return np.zeros((0, len(self.labels)))
        scores = np.asarray(self.pipeline.predict_proba(list(texts)), dtype=float)
        return scores.reshape(len(texts), len(self.labels))

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


def fit_model(
    texts: Sequence[str], labels: Sequence[frozenset[str]], label_set: Sequence[str], settings: ClassifierSettings
) -> TagModel:
    """Fit the pipeline on labelled unit texts.

    Args:
        texts: the units' own texts.
        labels: the tags of each unit (a subset of ``label_set``).
        label_set: the tags to model, in output order; a tag with fewer than
            ``settings.min_positives`` positive units is left out of the model.
        settings: the pipeline's hyper-parameters.

    Returns:
        A :class:`TagModel` with no thresholds yet (see :func:`analyser.modeleval`).
    """
    modelled = tuple(t for t in label_set if sum(t in y for y in labels) >= settings.min_positives)
    if not modelled:
        raise ModelError("no tag has enough positive units to train on")
    matrix = np.array([[t in y for t in modelled] for y in labels], dtype=int)
    pipeline = build_pipeline(settings).fit(list(texts), matrix)
    return TagModel(pipeline=pipeline, labels=modelled, thresholds={})


# -- persistence ---------------------------------------------------------------------------------
def library_versions() -> dict[str, str]:
    """Installed versions of the libraries a model file depends on."""
    return {name: metadata.version(name) for name in VERSIONED_LIBRARIES}


def save_model(model: TagModel, directory: Path) -> Path:
    """Write ``model.skops`` and ``meta.json`` into ``directory`` (created if needed)."""
    import skops.io as sio

    directory.mkdir(parents=True, exist_ok=True)
    _slim(model.pipeline)
    sio.dump(model.pipeline, directory / MODEL_FILE, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    meta = dict(model.meta)
    meta.update(
        format_version=FORMAT_VERSION,
        libraries=library_versions(),
        labels=list(model.labels),
        thresholds={t: [round(v, 4) for v in model.thresholds[t]] for t in model.labels if t in model.thresholds},
    )
    (directory / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return directory


def _slim(pipeline: Any) -> None:
    """Shrink a fitted pipeline before it is written (the wheel carries it).

    Vocabulary indices become plain ints (skops would write one file per numpy scalar), the
    ``stop_words_`` introspection attribute is dropped (scikit-learn documents it as safe to
    remove), and coefficients are stored as float32 (scores change by about 1e-7).
    """
    for _, vectorizer in pipeline.named_steps["features"].transformer_list:
        vectorizer.vocabulary_ = {term: int(index) for term, index in vectorizer.vocabulary_.items()}
        if hasattr(vectorizer, "stop_words_"):
            vectorizer.stop_words_ = None
    for calibrated in pipeline.named_steps["classifier"].estimators_:
        for member in getattr(calibrated, "calibrated_classifiers_", []):
            member.estimator.coef_ = np.asarray(member.estimator.coef_, dtype=np.float32)


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
    return TagModel(pipeline=pipeline, labels=labels, thresholds=thresholds, meta=meta)


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
    """Refuse a model of another format version or scikit-learn/numpy/scipy minor version."""
    if meta["format_version"] != FORMAT_VERSION:
        raise ModelError(
            f"model at {directory} has format version {meta['format_version']}, this tipgap reads "
            f"{FORMAT_VERSION}; re-train it with `tipgap train`"
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
    import skops.io as sio
    from skops.io.exceptions import UntrustedTypesFoundException

    if not path.is_file():
        raise ModelError(f"model file {path} is missing")
    with path.open("rb") as handle:
        head = handle.read(2)
    if not head.startswith(b"PK"):
        kind = "a pickle" if head[:1] in PICKLE_MAGIC else "not a skops (zip) file"
        raise ModelError(f"refusing to load {path}: it is {kind}; tipgap only loads skops files")
    try:
        return sio.load(path, trusted=list(TRUSTED_TYPES))
    except UntrustedTypesFoundException as err:
        raise ModelError(f"refusing to load {path}: it holds types outside the trusted list ({err})") from err
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as err:
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
