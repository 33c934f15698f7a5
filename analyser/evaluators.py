"""Checklist evaluators: from a jurisdiction's tagged provisions to one cell's verdict.

Each checklist item names its evaluator and the tags it reads in ``data/checklist.toml``.
Every evaluator returns a :class:`Verdict` with a one-sentence reason a lawyer can check:
what was looked for, what was found, and (for ``partial``) what falls short. A
``not_found`` verdict says "not found in the supplied texts", never "absent from the law".

This module holds the registry, the shared helpers and the generic ``groups`` evaluator;
the evaluators that read the trafficking offence itself are in
:mod:`analyser.offence_evaluators`, those that link other laws to it (money laundering,
extradition) in :mod:`analyser.crossdoc_evaluators`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

from .knowledge import Item, load_tags
from .models import Evidence
from .penalties import find_terms
from .references import referenced_numbers, scope_threshold_text
from .view import FOCUS_SUBJECT, JurisdictionView, Unit

MAX_EVIDENCE = 3


@dataclass
class Verdict:
    """One cell's status, its reason sentence, its evidence (best first) and a confidence."""

    status: str
    reason: str
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.8


Evaluator = Callable[[Item, JurisdictionView], Verdict]
EVALUATORS: dict[str, Evaluator] = {}


def evaluator(name: str) -> Callable[[Evaluator], Evaluator]:
    """Register an evaluator under the name ``checklist.toml`` gives it."""
    def register(fn: Evaluator) -> Evaluator:
        EVALUATORS[name] = fn
        return fn

    return register


# -- helpers --------------------------------------------------------------------------------
def describe(tags: list[str] | tuple[str, ...]) -> str:
    """Human names of tags, from the tag set's descriptions."""
    known = load_tags()
    return "; ".join(known[t].description.rstrip(".").lower() if t in known else t for t in tags)


def cite(evidence: list[Evidence]) -> str:
    """"s. 12 of trafficking_act.pdf and s. 3 of aml.pdf"."""
    seen: list[str] = []
    for ev in evidence:
        label = f"{ev.provision or 'text'} ({ev.document})"
        if label not in seen:
            seen.append(label)
    return " and ".join(seen[:MAX_EVIDENCE])


def gather(
    view: JurisdictionView,
    units: list[Unit],
    tag: str | None,
    ranked: bool = True,
    focus: str = FOCUS_SUBJECT,
    alternatives: tuple[str, ...] = (),
) -> list[Evidence]:
    """Evidence from the best of ``units`` (see :meth:`JurisdictionView.ranked`; in the given
    order when ``ranked`` is false), quoting each at ``tag`` (or, for a unit without it, at the
    first of ``alternatives`` it has)."""
    evidence: list[Evidence] = []
    seen: set[tuple[str, int]] = set()
    for unit in view.ranked(units, tag, focus) if ranked else units:
        ev = view.evidence(unit, tag if tag is None or unit.has(tag) else next((t for t in alternatives if unit.has(t)), tag))
        key = (ev.document, ev.start)
        if key not in seen:
            seen.add(key)
            evidence.append(ev)
        if len(evidence) >= MAX_EVIDENCE:
            break
    return evidence


def not_found(what: str) -> Verdict:
    """A ``not_found`` verdict that says what was looked for."""
    return Verdict("not_found", f"Not found in the supplied texts: looked for {what}.", [], 0.6)


# -- generic evaluator ----------------------------------------------------------------------
@evaluator("groups")
def evaluate_groups(item: Item, view: JurisdictionView) -> Verdict:
    """Met when enough tag groups are present; partial on fewer, on weaker or limited evidence,
    or when the provisions found do not reach trafficking offences."""
    rule: dict[str, Any] = item.rule
    groups: list[list[str]] = rule["groups"]
    names: list[str] = rule.get("group_names", [describe(g) for g in groups])
    looked = " or ".join(names)
    focus = rule.get("evidence", FOCUS_SUBJECT)
    found = _found_groups(view, rule)
    reach = rule.get("reach")
    if reach and found:
        reaching = {i: [u for u in units if _reaches(view, u, reach)] for i, units in found.items()}
        reaching = {i: units for i, units in reaching.items() if units}
        if not reaching:
            return _unreached(view, rule, found, focus)
        found = reaching
    met_min = int(rule.get("met_min", len(groups)))
    if found and len(found) >= met_min:
        return _enough_groups(view, rule, found, focus)
    if found:
        units = _best_per_group(view, found, groups, focus, rule)
        evidence = gather(view, units, _first_tag(groups, found), ranked=False)
        have = ", ".join(names[i] for i in sorted(found))
        missing = ", ".join(names[i] for i in range(len(groups)) if i not in found)
        return Verdict(
            "partial", f"Looked for {looked}; found {have} ({cite(evidence)}) but not {missing} in the supplied texts.", evidence, 0.6
        )
    weak_units = _weak_units(view, rule)
    if weak_units:
        weaker = tuple(rule["partial_tags"])
        evidence = gather(view, weak_units, weaker[0], focus=focus, alternatives=weaker)
        note = rule.get("partial_note", "only weaker provisions were found")
        return Verdict("partial", f"Looked for {looked}: not found in the supplied texts, but {note} ({cite(evidence)}).", evidence, 0.55)
    return not_found(looked)


def _found_groups(view: JurisdictionView, rule: dict[str, Any]) -> dict[int, list[Unit]]:
    """For each tag group of ``rule``, the units that carry it (within ``scope_tags`` if given),
    less definitions (a definition names a thing, it does not provide it: "the Programme means
    ..."), less units that carry all of ``exclude_if_all_tags`` (an aggravated trafficking
    offence is not an offence of participating in a criminal group) and less units that carry
    any of ``exclude_tags`` (a definition of extradition offences that includes conspiracy to
    commit them creates no conspiracy offence)."""
    scope = tuple(rule.get("scope_tags", []))
    excluded = tuple(rule.get("exclude_if_all_tags", []))
    other_subject = tuple(rule.get("exclude_tags", []))
    about = tuple(w.lower() for w in rule.get("subject_words", [])) if rule.get("require_subject") else ()
    found: dict[int, list[Unit]] = {}
    for index, group in enumerate(rule["groups"]):
        units = [
            u for u in view.with_tag(*group)
            if (not scope or u.has(*scope)) and u.provision.kind != "definition"
            and not (excluded and all(u.has(t) for t in excluded))
            and not (other_subject and u.has(*other_subject))
            and any(u.has(tag) and not _same_words(u, tag, rule) for tag in group)
            and (not about or view.subject(u, about) >= 1)
        ]
        if units:
            found[index] = units
    extending = _extending_definitions(view, rule)
    if extending:
        found[0] = found.get(0, []) + extending
    for index, units in _inline_groups(view, rule).items():
        found[index] = found.get(index, []) + [u for u in units if u not in found.get(index, [])]
    return found


def _inline_groups(view: JurisdictionView, rule: dict[str, Any]) -> dict[int, list[Unit]]:
    """Units outside ``scope_tags`` that still count, per group: those that carry every tag of
    ``inline_tags`` and at least ``inline_min_groups`` of the groups. A trafficking offence that
    sets its own higher penalties for a child victim, several victims or a public servant is an
    aggravated offence even where no word like "aggravated" says so."""
    needed = tuple(rule.get("inline_tags", []))
    if not needed:
        return {}
    minimum = int(rule.get("inline_min_groups", 2))
    found: dict[int, list[Unit]] = {}
    for unit in view.with_tag(needed[0]):
        if not all(unit.has(t) for t in needed) or unit.provision.kind == "definition":
            continue
        groups = [i for i, group in enumerate(rule["groups"]) if unit.has(*group)]
        if len(groups) >= minimum:
            for index in groups:
                found.setdefault(index, []).append(unit)
    return found


def _extending_definitions(view: JurisdictionView, rule: dict[str, Any]) -> list[Unit]:
    """Definitions that extend the persons who can commit the trafficking offences ("'person'
    includes any company"), in scope of those offences (``extending_definitions``: the defined
    terms; ``extending_term``: the tag of what they must include)."""
    labels = tuple(w.lower() for w in rule.get("extending_definitions", []))
    if not labels:
        return []
    offences = view.principal_offences
    return [
        u for u in view.with_tag(rule["extending_term"])
        if u.provision.kind == "definition" and u.provision.label.lower().strip("\"“”' ").startswith(labels)
        and view.in_scope_of(u, offences, labels)
    ]


def _same_words(unit: Unit, tag: str, rule: dict[str, Any]) -> bool:
    """Does ``unit`` carry ``tag`` only on words that make another tag (``same_words``: [tag,
    term, other term])? "Bonded labour" is debt bondage; it is not also a forced-labour offence."""
    for named, term, other in rule.get("same_words", []):
        if named == tag and term in unit.tags and other in unit.tags:
            return unit.tags[term].start == unit.tags[other].start
    return False


def _enough_groups(view: JurisdictionView, rule: dict[str, Any], found: dict[int, list[Unit]], focus: str) -> Verdict:
    """Met, or partial when every provision found is limited (``limiting_tags``) and nothing
    lifts the limit (``partial_unless_tags``)."""
    groups, names = rule["groups"], rule.get("group_names", [describe(g) for g in rule["groups"]])
    limiting = tuple(rule.get("limiting_tags", []))
    unless = tuple(rule.get("partial_unless_tags", []))
    units = _best_per_group(view, found, groups, focus, rule)
    evidence = gather(view, _prefer(units, limiting), _first_tag(groups, found), ranked=False)
    have = ", ".join(names[i] for i in sorted(found))
    if limiting and all(u.has(*limiting) for u in units) and not view.with_tag(*unless):
        note = rule.get("partial_note", "the provision is limited")
        return Verdict(
            "partial", f"Found {have} in {cite(evidence)}, but {note}; no unlimited provision was found in the supplied texts.", evidence, 0.7
        )
    return Verdict("met", f"Found {have} in {cite(evidence)}.", evidence, _confidence(found))


def _unreached(view: JurisdictionView, rule: dict[str, Any], found: dict[int, list[Unit]], focus: str) -> Verdict:
    """Partial: the provisions found apply only to offences that do not include trafficking.
    Weaker provisions that do reach trafficking (``partial_tags``: forfeiture of instruments
    used in a trafficking offence) are cited first."""
    groups, names = rule["groups"], rule.get("group_names", [describe(g) for g in rule["groups"]])
    units = _best_per_group(view, found, groups, focus, rule)
    evidence = gather(view, units, _first_tag(groups, found), ranked=False)
    have = ", ".join(names[i] for i in sorted(found))
    weak = _weak_units(view, rule)
    if weak:
        near = gather(view, weak, rule["partial_tags"][0], focus=focus, alternatives=tuple(rule["partial_tags"]))
        evidence = (near[:1] + evidence)[:MAX_EVIDENCE]
        note = rule.get("partial_note", "only weaker provisions were found")
        return Verdict(
            "partial",
            f"For trafficking offences {note} ({cite(near[:1])}); {have} was found only for offences that do not "
            f"include trafficking ({cite(evidence[1:])}), and nothing wider in the supplied texts.",
            evidence,
            0.6,
        )
    return Verdict(
        "partial",
        f"Found {have} ({cite(evidence)}), but only for offences that do not include trafficking; none reaching "
        "trafficking offences was found in the supplied texts.",
        evidence,
        0.6,
    )


def _weak_units(view: JurisdictionView, rule: dict[str, Any]) -> list[Unit]:
    """Units with the item's weaker tags (``partial_tags``), in the item's context
    (``partial_scope_tags``), without ``partial_exclude_tags``, and reaching trafficking where
    the item requires it."""
    weaker = tuple(rule.get("partial_tags", []))
    if not weaker:
        return []
    scope = tuple(rule.get("partial_scope_tags", []))
    exclude = tuple(rule.get("partial_exclude_tags", []))
    reach = rule.get("reach")
    return [
        u for u in view.with_tag(*weaker)
        if (not scope or u.has(*scope)) and not (exclude and u.has(*exclude)) and (not reach or _reaches(view, u, reach))
    ]


def _reaches(view: JurisdictionView, unit: Unit, reach: str) -> bool:
    """Does a general provision (confiscation, criminal association) reach trafficking offences?"""
    if unit.has("trafficking-term", "tip-offence", "all-offences-cue") or view.refers_to_offence(unit):
        return True
    scope = scope_threshold_text(unit.provision.text)  # "an offence punishable by imprisonment for more than 12 months"
    if scope and meets_threshold(view, [scope]):
        return True
    own_act_only = unit.has("self-scope") and not view.scope_covers_offence(unit)  # "an offence under this Act"
    if reach == "listed-offences":
        # Limited only when it lists specific offences, none of them trafficking, or only its own act's.
        return not own_act_only and (unit.has("predicate-cue") or not referenced_numbers(unit.provision.text))
    if view.same_act_as_offence(unit) and not unit.has("offence-creating"):
        return True  # a general rule of the code or act that creates the trafficking offence
    in_aml_act = any(u.result.source.name == unit.result.source.name for u in view.with_tag("laundering-offence"))
    return in_aml_act and view.memo("aml-predicate-met", lambda: _aml_met(view))


def threshold_years(units: list[Unit] | list[str]) -> float | None:
    """The first threshold stated ("not less than one year") in ``units`` (or texts); later terms
    are usually other cases."""
    for unit in units:
        text = unit if isinstance(unit, str) else unit.provision.text
        values = [t.years for t in find_terms(text) if t.kind in ("min", "fixed")]
        if values:
            return values[0]
    return None


def meets_threshold(view: JurisdictionView, units: list[Unit] | list[str]) -> bool:
    """Does the trafficking offence's maximum reach the penalty threshold ``units`` state?"""
    threshold = threshold_years(units)
    best = view.offence_penalty
    return threshold is not None and best is not None and (best.penalty.max_years or 0) >= threshold


def _aml_met(view: JurisdictionView) -> bool:
    from .crossdoc_evaluators import evaluate_aml
    from .knowledge import load_checklist

    for item in load_checklist().items:
        if item.rule["evaluator"] == "aml_predicate":
            return evaluate_aml(item, view).status == "met"
    return False


def _best_per_group(
    view: JurisdictionView, found: dict[int, list[Unit]], groups: list[list[str]], focus: str, rule: dict[str, Any] | None = None
) -> list[Unit]:
    """The best unit of each group first, then the rest: evidence covers every group found."""
    tags = load_tags()
    given = tuple(w.lower() for w in rule["subject_words"]) if rule and rule.get("subject_words") else None

    def words(group: list[str]) -> tuple[str, ...]:  # every tag of a group names its subject
        return given or tuple(k.lower() for t in group if t in tags for k in tags[t].keywords)

    ranked = {index: view.ranked(units, groups[index][0], focus, words(groups[index])) for index, units in found.items()}
    firsts = view.ranked([ranked[index][0] for index in sorted(ranked)], None, focus)
    rest = [u for layer in zip_longest(*(ranked[index][1:] for index in sorted(ranked))) for u in layer if u is not None]
    ordered: list[Unit] = []
    for unit in firsts + rest:  # the best of each group, then the next best of each in turn
        if unit not in ordered:
            ordered.append(unit)
    return ordered


def _first_tag(groups: list[list[str]], found: dict[int, list[Unit]]) -> str:
    index = min(found)
    unit = found[index][0]
    return next((t for t in groups[index] if unit.has(t)), groups[index][0])


def _prefer(units: list[Unit], limiting: tuple[str, ...]) -> list[Unit]:
    """Unlimited provisions first: they are the stronger evidence."""
    return sorted(units, key=lambda u: u.has(*limiting)) if limiting else units


def _confidence(found: dict[int, list[Unit]]) -> float:
    scores = [max(t.score for t in u.tags.values()) for units in found.values() for u in units[:1]]
    return round(min(scores) if scores else 0.8, 2)


def evaluate(item: Item, view: JurisdictionView) -> Verdict:
    """Run the item's evaluator."""
    return EVALUATORS[item.rule["evaluator"]](item, view)


# The item-specific evaluators register themselves on import.
from . import crossdoc_evaluators, offence_evaluators  # noqa: E402,F401

__all__ = ["EVALUATORS", "MAX_EVIDENCE", "Verdict", "cite", "evaluate", "evaluator", "gather", "not_found"]
