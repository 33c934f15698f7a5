"""Training and evaluating the tagging model from ``corpora/`` (``tipgap train`` / ``tipgap eval``).

A model folder ``models/<name>/`` holds ``config.toml`` (inputs and hyper-parameters,
written by hand), and what training writes: ``model.npz`` and ``model.json``, ``meta.json`` and
``EVAL.md``. Training rebuilds the annotated units from the source files, evaluates leave
one jurisdiction out (fully nested, :mod:`analyser.modeleval`), then fits the shipped
model on every annotated unit the same way each fold's model was fitted: calibration and
thresholds from jurisdiction-grouped out-of-fold scores.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from .annotations import DriftReport, LabelledUnit, load_annotations, load_label_set, rebuild_units
from .annotations import training_data_hash
from .classify import ClassifierSettings, TagModel, save_model, settings_dict
from .errors import ModelError
from .modeleval import Combination, Evaluation, evaluate, fit_tagger

CONFIG_FILE = "config.toml"
EVAL_FILE = "EVAL.md"
CACHE_VERSION = "2"  # 2: units carry their context


@dataclass(frozen=True)
class TrainingConfig:
    """What a model is trained from (``models/<name>/config.toml``; paths relative to the cwd)."""

    name: str
    inputs: tuple[Path, ...]
    annotations: Path
    settings: ClassifierSettings = field(default_factory=ClassifierSettings)
    cache: Path | None = None
    combination: Combination = field(default_factory=Combination)
    notes: tuple[str, ...] = ()  # written into meta.json and EVAL.md (how the configuration was chosen)


def load_config(model_dir: Path, inputs: tuple[Path, ...] = (), cache: Path | None = None) -> TrainingConfig:
    """Read ``config.toml`` of a model folder; ``inputs`` given on the command line win."""
    path = model_dir / CONFIG_FILE
    if not path.is_file():
        raise ModelError(f"{path} is missing: a model folder needs a config.toml (see models/tagger/)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ModelError(f"{path}: {err}") from err
    return TrainingConfig(
        name=model_dir.name,
        inputs=inputs or tuple(Path(p) for p in data.get("inputs", [])),
        annotations=Path(data.get("annotations", "corpora/annotations")),
        settings=ClassifierSettings.resolve(data.get("classifier")),
        cache=cache,
        combination=_combination(data.get("combination", {}), path),
        notes=tuple(str(note) for note in data.get("notes", [])),
    )


def _combination(table: dict[str, Any], path: Path) -> Combination:
    unknown = sorted(set(table) - {"rule_veto", "rules_only", "min_gain", "keep_rules"})
    if unknown:
        raise ModelError(
            f"{path}: unknown [combination] keys {unknown}; known: keep_rules, min_gain, rule_veto, rules_only"
        )
    return Combination(
        bool(table.get("rule_veto", True)), tuple(table.get("rules_only", ())), float(table.get("min_gain", 0.0)),
        tuple(table.get("keep_rules", ())),
    )


# -- the labelled units, with an optional on-disk cache ----------------------------------------------
def labelled_units(config: TrainingConfig, jobs: int = 1) -> tuple[list[LabelledUnit], DriftReport, tuple[str, ...]]:
    """Annotations joined with their rebuilt texts (from the cache when the code and sources match)."""
    missing = [str(p) for p in config.inputs if not p.is_dir()]
    if missing:
        raise ModelError(f"input folders not found: {', '.join(missing)} (the shared corpus is ../shared/corpus)")
    annotations = load_annotations(config.annotations)
    label_set = load_label_set(config.annotations)
    if not annotations:
        raise ModelError(f"no annotations under {config.annotations}")
    key = _cache_key(config, annotations)
    cached = _read_cache(config.cache, key) if config.cache else None
    if cached is not None:
        return cached[0], cached[1], label_set
    units, drift = rebuild_units(config.inputs, annotations, jobs=jobs)
    if config.cache:
        _write_cache(config.cache, key, units, drift)
    return units, drift, label_set


def _cache_key(config: TrainingConfig, annotations: list[Any]) -> str:
    """Changes with the analyser code and data, the input files and the annotations."""
    digest = hashlib.sha256(CACHE_VERSION.encode())
    package = Path(str(resources.files("analyser")))
    for path in sorted(package.rglob("*")):
        if path.suffix in {".py", ".json", ".toml"} and path.is_file():
            digest.update(path.read_bytes())
    for root in config.inputs:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    for annotation in annotations:
        digest.update(f"{annotation.provision_id}:{annotation.text_sha}:{sorted(annotation.labels)}".encode())
    return digest.hexdigest()[:24]


def _read_cache(cache: Path, key: str) -> tuple[list[LabelledUnit], DriftReport] | None:
    from .annotations import Annotation

    path = cache / f"units-{key}.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))

    def annotation(row: dict[str, Any]) -> Annotation:
        return Annotation(**{**row, "labels": frozenset(row["labels"])})

    units = [
        LabelledUnit(
            annotation(u["annotation"]), u["text"], frozenset(u["rule_tags"]),
            u["context"], frozenset(u["context_tags"]),
        )
        for u in data["units"]
    ]
    drift = DriftReport(
        changed=[annotation(a) for a in data["changed"]],
        vanished=[annotation(a) for a in data["vanished"]],
        missing_documents=data["missing_documents"],
    )
    return units, drift


def _write_cache(cache: Path, key: str, units: list[LabelledUnit], drift: DriftReport) -> None:
    def row(a: Any) -> dict[str, Any]:
        return {**a.__dict__, "labels": sorted(a.labels)}

    cache.mkdir(parents=True, exist_ok=True)
    data = {
        "units": [
            {"annotation": row(u.annotation), "text": u.text, "rule_tags": sorted(u.rule_tags), "context": u.context,
             "context_tags": sorted(u.context_tags)}
            for u in units
        ],
        "changed": [row(a) for a in drift.changed],
        "vanished": [row(a) for a in drift.vanished],
        "missing_documents": drift.missing_documents,
    }
    (cache / f"units-{key}.json").write_text(json.dumps(data), encoding="utf-8")


# -- train and evaluate ------------------------------------------------------------------------------
def train(config: TrainingConfig, model_dir: Path, jobs: int = 1) -> tuple[TagModel, Evaluation, DriftReport]:
    """Evaluate LOJO, fit, calibrate and threshold on everything, and write the model folder."""
    units, drift, label_set = labelled_units(config, jobs)
    evaluation = evaluate(units, label_set, config.settings, combination=config.combination)
    model = fit_tagger(units, label_set, config.settings, config.combination).model
    model.meta = _meta(config, units, evaluation, drift)
    save_model(model, model_dir)
    write_report(model_dir / EVAL_FILE, evaluation, drift, model.meta)
    return model, evaluation, drift


def run_evaluation(config: TrainingConfig, jobs: int = 1) -> tuple[Evaluation, DriftReport, dict[str, Any]]:
    """The LOJO evaluation alone (the model folder's trained files are left as they are)."""
    units, drift, label_set = labelled_units(config, jobs)
    evaluation = evaluate(units, label_set, config.settings, combination=config.combination)
    return evaluation, drift, _meta(config, units, evaluation, drift)


def _meta(config: TrainingConfig, units: list[LabelledUnit], evaluation: Evaluation, drift: DriftReport) -> dict[str, Any]:
    from .modeleval import SYSTEMS, item_tags

    items = item_tags(evaluation.labels)
    return {
        "name": config.name,
        "trained": date.today().isoformat(),
        "training_data_sha256": training_data_hash(units),
        "training_units": len(units),
        "jurisdictions": list(evaluation.jurisdictions),
        "classifier": settings_dict(config.settings),
        "combination": {
            "rule_veto": config.combination.rule_veto,
            "rules_only": list(config.combination.rules_only),
            "min_gain": config.combination.min_gain,
            "keep_rules": list(config.combination.keep_rules),
        },
        "notes": list(config.notes),
        "drift": {"changed": len(drift.changed), "vanished": len(drift.vanished),
                  "missing_documents": len(drift.missing_documents)},
        "evaluation": {
            system: {
                "macro_f1_items": round(evaluation.macro_f1(system, items), 4),
                "micro_f1_items": round(evaluation.micro_f1(system, items), 4),
                "macro_f1_all": round(evaluation.macro_f1(system, evaluation.labels), 4),
                "micro_f1_all": round(evaluation.micro_f1(system, evaluation.labels), 4),
            }
            for system in SYSTEMS
        },
    }


def write_report(path: Path, evaluation: Evaluation, drift: DriftReport, meta: dict[str, Any]) -> str:
    """Write (and return) the Markdown evaluation report."""
    from .modeleval import render_report

    text = render_report(evaluation, drift, meta)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text
