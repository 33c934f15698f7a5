"""Tagging models fitted without one jurisdiction, for honest coverage figures (issue 6).

The coverage evaluation (``benchmarks/eval_coverage.py``, ``make eval-coverage``) scans each
gold jurisdiction with a model that never saw that jurisdiction's annotations: the shipped
model (``models/tagger``) was fitted on all of them, so scoring the gold countries with it
would let their labels leak into the verdicts. This module only *uses* the training code
(:func:`analyser.training.labelled_units`, :func:`analyser.modeleval.fit_tagger`); it fits one
model the same way the shipped one is fitted, on a subset of the units.

A fitted model's folder records a key (training units, settings and training code) in its
``meta.json``, so a second run with nothing changed reuses it instead of fitting again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from .annotations import LabelledUnit, training_data_hash
from .errors import ModelError

KEY_FIELD = "lojo_key"
TRAINING_MODULES = ("classify.py", "modeleval.py", "training.py", "annotations.py", "context.py", "model_arrays.py", "lojo.py")


def units_without(units: Sequence[LabelledUnit], excluded: Sequence[str]) -> list[LabelledUnit]:
    """The units of every jurisdiction but ``excluded``."""
    left_out = set(excluded)
    return [u for u in units if u.jurisdiction not in left_out]


def model_key(config: Any, units: Sequence[LabelledUnit], excluded: Sequence[str]) -> str:
    """Changes with the training units, the settings, the combination limits and the training code."""
    from .classify import settings_dict

    digest = hashlib.sha256(training_data_hash(units).encode())
    digest.update(json.dumps(settings_dict(config.settings), sort_keys=True, default=str).encode())
    digest.update(repr(config.combination).encode())
    digest.update(",".join(sorted(excluded)).encode())
    package = Path(str(resources.files("analyser")))
    for name in TRAINING_MODULES:
        digest.update((package / name).read_bytes())
    return digest.hexdigest()[:24]


def fit_without(
    config: Any, excluded: Sequence[str], out_dir: Path, jobs: int = 1,
    units: Sequence[LabelledUnit] | None = None, label_set: Sequence[str] | None = None,
) -> tuple[Path, bool]:
    """Fit a tagging model on every annotated unit except those of ``excluded`` and write it to ``out_dir``.

    Args:
        config: a :class:`analyser.training.TrainingConfig` (e.g. of ``models/tagger``).
        excluded: jurisdiction codes whose annotations the model must not see.
        out_dir: the model folder to write (``model.npz``, ``model.json`` and ``meta.json``).
        jobs: worker processes when the annotated units must be rebuilt from the statutes.
        units, label_set: the labelled units and tags when the caller already has them.

    Returns:
        The model folder, and whether it was fitted now (False: an identical one was reused).

    Raises:
        ModelError: no annotated unit is left, or the training inputs are missing.
    """
    from .classify import META_FILE, save_model
    from .modeleval import fit_tagger
    from .training import labelled_units

    if units is None or label_set is None:
        units, _drift, label_set = labelled_units(config, jobs)
    kept = units_without(units, excluded)
    if not kept:
        raise ModelError(f"no annotated unit left once {', '.join(excluded)} is left out")
    key = model_key(config, kept, excluded)
    meta_path = out_dir / META_FILE
    if meta_path.is_file() and json.loads(meta_path.read_text(encoding="utf-8")).get(KEY_FIELD) == key:
        return out_dir, False
    model = fit_tagger(kept, label_set, config.settings, config.combination).model
    model.meta = {
        "name": f"{config.name}-without-{'-'.join(sorted(excluded))}",
        "excluded_jurisdictions": sorted(excluded),
        "jurisdictions": sorted({u.jurisdiction for u in kept}),
        "training_units": len(kept),
        "training_data_sha256": training_data_hash(kept),
        KEY_FIELD: key,
        "notes": ["Fitted for the leave-one-jurisdiction-out coverage evaluation (analyser/lojo.py); not for use."],
    }
    save_model(model, out_dir)
    return out_dir, True
