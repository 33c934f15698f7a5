"""Leave-one-jurisdiction-out (LOJO) evaluation of the tagging stage, and threshold tuning.

Four taggers are scored on the same annotated units and the same folds:

- ``keywords``: a tag is on when any of its ``keywords`` (tags.toml) occurs in the text;
- ``rules``: the spaCy rule patterns alone (as the pipeline tags without a model);
- ``model``: the trained classifier alone, with its tuned thresholds;
- ``rules+model``: on when a rule hits or the model's score passes the threshold (the
  pipeline's combination, :func:`analyser.tag.tag_provisions`).

For each held-out jurisdiction, :func:`fit_tagger` fits everything on the other
jurisdictions alone: the vocabulary and IDF weights, the linear models, the per-tag
calibration and the per-tag thresholds. Calibration and thresholds come from an inner,
jurisdiction-grouped cross-validation of the training jurisdictions (fully nested): no
label and no text of the held-out jurisdiction takes part in any fitting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .annotations import LabelledUnit
from .classify import NEVER, ClassifierSettings, TagModel, fit_calibration, fit_with_features, grouped_decisions
from .classify import model_input

SYSTEMS = ("keywords", "rules", "model", "rules+model")
MAX_CANDIDATES = 40  # threshold values tried per tag (quantiles of the positives' scores)


@dataclass(frozen=True)
class TagScore:
    """Scores of one tagger on one tag, pooled over the LOJO folds."""

    tag: str
    support: int  # positive units
    predicted: int
    true_positives: int
    average_precision: float

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.support if self.support else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    """The LOJO figures of every tagger, plus what the final model needs."""

    labels: tuple[str, ...]
    jurisdictions: tuple[str, ...]
    units: int
    scores: dict[str, dict[str, TagScore]] = field(default_factory=dict)  # system -> tag -> score
    oof_scores: np.ndarray | None = None  # LOJO model scores, units x labels
    fold_units: dict[str, int] = field(default_factory=dict)
    positive_jurisdictions: dict[str, int] = field(default_factory=dict)  # tag -> jurisdictions with positives

    def micro_f1(self, system: str, tags: Sequence[str]) -> float:
        rows = [self.scores[system][t] for t in tags if t in self.scores[system]]
        tp = sum(r.true_positives for r in rows)
        predicted = sum(r.predicted for r in rows)
        support = sum(r.support for r in rows)
        return 2 * tp / (predicted + support) if predicted + support else 0.0

    def macro_f1(self, system: str, tags: Sequence[str]) -> float:
        rows = [self.scores[system][t] for t in tags if t in self.scores[system] and self.scores[system][t].support]
        return float(np.mean([r.f1 for r in rows])) if rows else 0.0


# -- the taggers ---------------------------------------------------------------------------------
def label_matrix(units: Sequence[LabelledUnit], labels: Sequence[str]) -> np.ndarray:
    """Units x labels, 1 where the annotator gave the tag."""
    return np.array([[t in u.annotation.labels for t in labels] for u in units], dtype=int).reshape(-1, len(labels))


def rule_matrix(units: Sequence[LabelledUnit], labels: Sequence[str]) -> np.ndarray:
    """Units x labels, 1 where a rule pattern tagged the unit."""
    return np.array([[t in u.rule_tags for t in labels] for u in units], dtype=int).reshape(-1, len(labels))


def keyword_matrix(texts: Sequence[str], labels: Sequence[str]) -> np.ndarray:
    """Units x labels, 1 where any of the tag's keywords occurs (case-insensitive)."""
    from .knowledge import load_tags

    tags = load_tags()
    lowered = [t.lower() for t in texts]
    return np.array(
        [[any(k.lower() in text for k in tags[label].keywords) for label in labels] for text in lowered], dtype=int
    ).reshape(-1, len(labels))


def best_thresholds(
    scores: np.ndarray, truth: np.ndarray, rules: np.ndarray, veto: bool = True, add: bool = True,
    min_gain: float = 0.0,
) -> tuple[float, float]:
    """The (rule, model) thresholds that maximise F1 of ``(rules & s >= t_rule) | (s >= t_model)``.

    Ties go to the lowest rule threshold and the highest model threshold: keep rule hits, and
    let the model add tags only when that helps. Without ``veto`` every rule hit stands;
    without ``add`` the model never adds a tag the rules did not find. The rules alone
    (``(0, NEVER)``) win unless another choice beats their F1 by more than ``min_gain``: with
    a handful of positives, a small gain on the training jurisdictions is mostly noise.
    """
    candidates = _candidates(scores, truth)
    model_options = np.array(sorted(candidates + [NEVER], reverse=True) if add else [NEVER])
    fires = scores[:, None] >= model_options[None, :]  # units x model thresholds
    rules_f1 = _f1(rules.astype(bool), truth.astype(bool)) if rules.any() else 0.0
    best, best_f1 = (0.0, NEVER), rules_f1 + min_gain
    for rule_t in [0.0] + (sorted(candidates) if veto else []):
        predicted = fires | (rules.astype(bool) & (scores >= rule_t))[:, None]
        f1s = _f1_columns(predicted, truth)
        index = int(np.argmax(f1s))  # first maximum: the highest model threshold
        if f1s[index] > best_f1 + 1e-9:
            best_f1, best = float(f1s[index]), (float(rule_t), float(model_options[index]))
    return best


def best_threshold(scores: np.ndarray, truth: np.ndarray) -> float:
    """The single threshold that maximises F1 of ``s >= t`` (the model alone)."""
    return best_thresholds(scores, truth, np.zeros_like(truth))[1]


def _candidates(scores: np.ndarray, truth: np.ndarray) -> list[float]:
    positives = np.unique(np.round(scores[truth == 1], 6))
    if len(positives) > MAX_CANDIDATES:
        positives = np.unique(np.quantile(positives, np.linspace(0, 1, MAX_CANDIDATES)))
    return [float(v) for v in positives if v > 0]


def _f1_columns(predicted: np.ndarray, truth: np.ndarray) -> np.ndarray:
    tp = (predicted & truth.astype(bool)[:, None]).sum(axis=0)
    denominator = predicted.sum(axis=0) + truth.sum()
    return np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), 0.0)


def _f1(predicted: np.ndarray, truth: np.ndarray) -> float:
    tp = int((predicted & truth).sum())
    denominator = int(predicted.sum() + truth.sum())
    return 2 * tp / denominator if denominator else 0.0


def model_inputs(units: Sequence[LabelledUnit]) -> list[str]:
    """What the model reads for each unit: its text, its rule hits, its context and the context's rule hits."""
    return [model_input(u.text, u.rule_tags, u.context, u.context_tags) for u in units]


@dataclass(frozen=True)
class Combination:
    """How far the model may change the rules' output (``[combination]`` of a model's config.toml)."""

    rule_veto: bool = True  # may the model drop a rule hit it scores low?
    rules_only: tuple[str, ...] = ()  # tags the model may not add (it may still veto them when rule_veto)
    min_gain: float = 0.0  # F1 the tuned thresholds must gain over the rules alone on the training folds
    keep_rules: tuple[str, ...] = ()  # tags whose rule hits the model may not drop (it may still add them)


def tune_thresholds(
    scores: np.ndarray, truth: np.ndarray, rules: np.ndarray, labels: Sequence[str],
    combination: Combination = Combination(),
) -> dict[str, tuple[float, float]]:
    """Per-tag (rule, model) thresholds of the combination, from out-of-fold scores.

    A ``rules_only`` tag gets no model threshold (the model never adds it); with ``rule_veto``
    its rule threshold is still tuned, so the model may drop a rule hit it scores low, unless
    the tag is one of ``keep_rules``.
    """
    return {
        tag: best_thresholds(
            scores[:, j], truth[:, j], rules[:, j], combination.rule_veto and tag not in combination.keep_rules,
            add=tag not in combination.rules_only, min_gain=combination.min_gain,
        )
        for j, tag in enumerate(labels)
    }


@dataclass
class FittedTagger:
    """A model fitted, calibrated and thresholded on training jurisdictions only."""

    model: TagModel  # thresholds: the rules+model combination as shipped
    alone: dict[str, float]  # per tag: the threshold of the model used without the rules


def fit_tagger(
    units: Sequence[LabelledUnit],
    labels: Sequence[str],
    settings: ClassifierSettings,
    combination: Combination = Combination(),
) -> FittedTagger:
    """Fit the model on ``units``, then calibrate it and tune its thresholds on grouped out-of-fold scores.

    The out-of-fold scores come from folds of whole jurisdictions of ``units``
    (:func:`analyser.classify.grouped_decisions`), so calibration and thresholds are
    chosen on jurisdictions the scoring model did not see, as a new country will be.
    """
    groups = [u.jurisdiction for u in units]
    model, features, truth = fit_with_features(
        model_inputs(units), [u.annotation.labels for u in units], labels, settings, groups
    )
    rules = rule_matrix(units, model.labels)
    decisions = grouped_decisions(features, truth, groups, settings)
    model.calibration = {tag: fit_calibration(decisions[:, j], truth[:, j]) for j, tag in enumerate(model.labels)}
    scores = model.calibrate(decisions)
    model.thresholds = tune_thresholds(scores, truth, rules, model.labels, combination)
    alone = {tag: best_threshold(scores[:, j], truth[:, j]) for j, tag in enumerate(model.labels)}
    return FittedTagger(model, alone)


def evaluate(
    units: Sequence[LabelledUnit],
    labels: Sequence[str],
    settings: ClassifierSettings,
    log: bool = True,
    combination: Combination = Combination(),
) -> Evaluation:
    """LOJO figures of the four taggers on the annotated units.

    Args:
        units: labelled units with rebuilt texts and their rule tags.
        labels: the annotated tags.
        settings: the classifier's hyper-parameters.
        log: print one line per fold.
        combination: the limits on the rules+model combination (as shipped).

    Returns:
        An :class:`Evaluation`, with the held-out scores of every unit in ``oof_scores``.
    """
    labels = list(labels)
    truth, rules = label_matrix(units, labels), rule_matrix(units, labels)
    keywords = keyword_matrix([u.text for u in units], labels)
    jurisdictions = sorted({u.jurisdiction for u in units})
    oof = np.zeros(truth.shape)
    model_on = np.zeros_like(truth)
    combined = rules.copy()  # tags the fold's model does not cover stay with the rules
    for jurisdiction in jurisdictions:
        held = np.array([u.jurisdiction == jurisdiction for u in units])
        train = [u for u, h in zip(units, held) if not h]
        fitted = fit_tagger(train, labels, settings, combination)
        _score_fold(fitted, [u for u, h in zip(units, held) if h], labels, held, rules, (oof, model_on, combined))
        if log:
            print(f"  fold {jurisdiction}: {int(held.sum())} held-out units, {len(train)} training units", flush=True)
    result = Evaluation(tuple(labels), tuple(jurisdictions), len(units), oof_scores=oof)
    result.fold_units = {j: sum(u.jurisdiction == j for u in units) for j in jurisdictions}
    result.positive_jurisdictions = {
        tag: len({u.jurisdiction for u in units if tag in u.annotation.labels}) for tag in labels
    }
    ranked = {"keywords": keywords.astype(float), "rules": rules.astype(float), "model": oof, "rules+model": oof}
    decided = {"keywords": keywords, "rules": rules, "model": model_on, "rules+model": combined}
    for system in SYSTEMS:
        result.scores[system] = {
            tag: _tag_score(tag, truth[:, j], decided[system][:, j], ranked[system][:, j])
            for j, tag in enumerate(labels)
        }
    return result


def _score_fold(
    fitted: FittedTagger,
    held_units: Sequence[LabelledUnit],
    labels: Sequence[str],
    held: np.ndarray,
    rules: np.ndarray,
    out: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    """Write the held-out jurisdiction's scores and decisions into ``out`` (scores, model, combined)."""
    oof, model_on, combined = out
    scores = fitted.model.predict_proba(model_inputs(held_units))
    for k, tag in enumerate(fitted.model.labels):
        column = labels.index(tag)
        rule_t, model_t = fitted.model.thresholds[tag]
        oof[held, column] = scores[:, k]
        model_on[held, column] = scores[:, k] >= fitted.alone[tag]
        combined[held, column] = (rules[held, column].astype(bool) & (scores[:, k] >= rule_t)) | (
            scores[:, k] >= model_t
        )


def _tag_score(tag: str, truth: np.ndarray, predicted: np.ndarray, ranking: np.ndarray) -> TagScore:
    from sklearn.metrics import average_precision_score

    ap = float(average_precision_score(truth, ranking)) if truth.any() else 0.0
    return TagScore(tag, int(truth.sum()), int(predicted.sum()), int((truth & predicted.astype(int)).sum()), ap)


# -- report -----------------------------------------------------------------------------------------
def item_tags(labels: Sequence[str]) -> tuple[str, ...]:
    """The labels that are checklist-item tags (group "item" in tags.toml)."""
    from .knowledge import load_tags

    tags = load_tags()
    return tuple(t for t in labels if tags[t].group == "item")


def render_report(evaluation: Evaluation, drift: object, meta: dict[str, object]) -> str:
    """EVAL.md: summary, targets, protocol, notes, drift, per-tag figures of the baseline and of each tagger."""
    lines = _report_head(evaluation, meta) + _report_summary(evaluation, meta)
    lines += ["", "## Annotation drift", "", drift.summary() if hasattr(drift, "summary") else str(drift), ""]
    return "\n".join(lines + _report_tags(evaluation)) + "\n"


def _report_head(evaluation: Evaluation, meta: dict[str, object]) -> list[str]:
    return [
        f"# Tagging model `{meta.get('name', '')}`: leave-one-jurisdiction-out evaluation",
        "",
        f"Made by `tipgap train` / `tipgap eval` (`make eval`). {evaluation.units} annotated units from "
        f"{len(evaluation.jurisdictions)} jurisdictions: "
        + ", ".join(f"{j} {n}" for j, n in evaluation.fold_units.items())
        + ". Each jurisdiction is scored by a model fitted on the others alone. Training data sha256 `"
        + str(meta.get("training_data_sha256", ""))[:16] + "`.",
        "",
        "## Summary",
        "",
        "| tagger | macro-F1 item tags | micro-F1 item tags | macro-F1 all labels | micro-F1 all labels |",
        "|---|---|---|---|---|",
    ]


def _report_summary(evaluation: Evaluation, meta: dict[str, object]) -> list[str]:
    items = item_tags(evaluation.labels)
    lines = [
        f"| {system} | {evaluation.macro_f1(system, items):.3f} | {evaluation.micro_f1(system, items):.3f} | "
        f"{evaluation.macro_f1(system, evaluation.labels):.3f} | {evaluation.micro_f1(system, evaluation.labels):.3f} |"
        for system in SYSTEMS
    ]
    combined, baseline = evaluation.macro_f1("rules+model", items), evaluation.macro_f1("keywords", items)
    lines += [
        "",
        f"Targets (issue 5), on the {len(items)} checklist-item tags: macro-F1 >= 0.85 -> "
        f"{combined:.3f} ({'met' if combined >= 0.85 else 'NOT met'}); >= 15 points above the keyword baseline -> "
        f"{100 * (combined - baseline):+.1f} points ({'met' if combined - baseline >= 0.15 else 'NOT met'}).",
        "",
        "## Protocol",
        "",
        f"Combination as evaluated and shipped: {meta.get('combination', 'free')}; classifier settings: "
        f"{meta.get('classifier', {})}. Fully nested: for each held-out jurisdiction the vocabulary, the linear "
        "models, the per-tag calibration (Platt) and the per-tag thresholds are fitted on the other "
        "jurisdictions alone, calibration and thresholds on their jurisdiction-grouped out-of-fold scores. "
        "The keyword baseline (any keyword of `tags.toml`) and the rules are scored on the same units.",
    ]
    notes = meta.get("notes") or []
    if notes:
        lines += ["", "## Notes", ""] + [f"- {note}" for note in notes]  # type: ignore[union-attr]
    return lines


def _report_tags(evaluation: Evaluation) -> list[str]:
    items = item_tags(evaluation.labels)
    lines = [
        "## Per tag",
        "",
        "`n+`: positive units; `jur+`: jurisdictions with positives; P/R/F1 at the tuned thresholds, AP: "
        "average precision of the scores (binary for keywords and rules; the calibrated score for the model, "
        "which reads the rule hits, and for rules+model). Item tags are marked *.",
        "",
        "| tag | n+ | jur+ | kw P | kw R | kw F1 | kw AP | rules F1 | model F1 | model AP "
        "| r+m P | r+m R | r+m F1 | r+m AP |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for tag in evaluation.labels:
        kw, ru = evaluation.scores["keywords"][tag], evaluation.scores["rules"][tag]
        mo, co = evaluation.scores["model"][tag], evaluation.scores["rules+model"][tag]
        lines.append(
            f"| {tag}{' *' if tag in items else ''} | {co.support} | {evaluation.positive_jurisdictions.get(tag, 0)} "
            f"| {kw.precision:.2f} | {kw.recall:.2f} | {kw.f1:.2f} | {kw.average_precision:.2f} | {ru.f1:.2f} "
            f"| {mo.f1:.2f} | {mo.average_precision:.2f} | {co.precision:.2f} | {co.recall:.2f} | {co.f1:.2f} "
            f"| {co.average_precision:.2f} |"
        )
    lines += ["", "Counts per tagger (predicted / true positives):", ""]
    for system in SYSTEMS:
        rows = evaluation.scores[system].values()
        lines.append(
            f"- {system}: {sum(r.predicted for r in rows)} predicted, {sum(r.true_positives for r in rows)} true "
            f"positives, of {sum(r.support for r in rows)} positive labels."
        )
    return lines
