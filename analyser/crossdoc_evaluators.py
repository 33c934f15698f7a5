"""Evaluators that link other laws to the trafficking offence: money-laundering predicates
(a list or schedule that names the offence, or names a repealed act; an all-offences rule; a
penalty threshold checked against the offence's maximum) and extradition (a list, a
threshold, or treaty-only surrender). Registered in :data:`analyser.evaluators.EVALUATORS`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .evaluators import MAX_EVIDENCE, Verdict, cite, evaluator, gather, not_found, threshold_years
from .knowledge import Item, load_tags
from .references import act_titles, trafficking_title_words
from .view import FOCUS_LIST, JurisdictionView, Unit


@dataclass
class _Predicates:
    """What a jurisdiction's money-laundering law says about its predicate offences."""

    offences: list[Unit]  # the laundering offences
    lists: list[Unit]  # predicate definitions and lists that govern them
    naming: list[Unit]  # those (and schedules) that name trafficking or its offence
    every: list[Unit]  # "proceeds of any indictable offence"
    thresholds: list[Unit]  # "an offence punishable by imprisonment for not less than one year"


@evaluator("aml_predicate")
def evaluate_aml(item: Item, view: JurisdictionView) -> Verdict:
    """Trafficking is a predicate when a list that governs the laundering offence names it, when
    laundering reaches the proceeds of every (indictable) offence, or when the trafficking
    maximum meets a serious-offence threshold; partial when the list names a repealed act or
    does not name trafficking."""
    found = _predicates(view, item.rule)
    if found.naming:
        evidence = gather(view, view.nearest(found.naming, found.offences), "trafficking-term", ranked=False)
        repealed = _repealed_title(view, found.naming)
        if repealed:
            return Verdict(
                "partial",
                f"The predicate list ({cite(evidence)}) names {repealed}, which the supplied texts repeal; no list naming "
                "the current trafficking law, and no all-offences or threshold rule, was found in the supplied texts.",
                evidence,
                0.7,
            )
        return Verdict("met", f"The predicate-offence provisions ({cite(evidence)}) name trafficking.", evidence, 0.8)
    if found.every:
        evidence = gather(view, view.nearest(found.every, found.offences), "predicate-all-offences", ranked=False)
        return Verdict(
            "met",
            f"Money laundering extends to the proceeds of all (indictable) offences ({cite(evidence)}), which includes trafficking.",
            evidence,
            0.7,
        )
    if found.thresholds:
        return _threshold_verdict(view, found.thresholds, "predicate-threshold", "a serious (predicate) offence")
    if found.lists:
        evidence = gather(view, found.lists, item.rule["list_tags"][0], focus=FOCUS_LIST)
        return Verdict(
            "partial",
            f"Looked for a predicate list naming trafficking or an all-offences or threshold rule; found a predicate list "
            f"({cite(evidence)}) that does not name trafficking, and no such rule, in the supplied texts.",
            evidence,
            0.5,
        )
    return not_found("a money-laundering predicate list, schedule or threshold that reaches trafficking")


def _predicates(view: JurisdictionView, rule: dict[str, Any]) -> _Predicates:
    """The predicate provisions that govern the laundering offences: in their Part, in the
    act-wide definitions of their act, or in another act that is about laundering."""
    tags = load_tags()
    offences = view.with_tag(*rule["laundering_tags"])
    aml_docs = {u.result.source.name for u in offences}
    words = tuple(k.lower() for k in tags[rule["list_tags"][0]].keywords)
    laundering_words = tuple(k.lower() for k in tags[rule["laundering_tags"][0]].keywords)

    def governs(unit: Unit) -> bool:
        if unit.result.source.name not in aml_docs:
            return unit.has("laundering-term")
        return view.in_scope_of(unit, offences, words)

    lists = [u for u in view.with_tag(*rule["list_tags"], *rule["threshold_tags"]) if governs(u)]
    naming = [u for u in lists + _predicate_schedules(view, offences) if u.has("trafficking-term") or view.refers_to_offence(u)]
    # "proceeds of any indictable offence": in the definition of the predicate, or in the offence itself
    every = [
        u for u in view.with_tag("predicate-all-offences")
        if governs(u) and (
            u.provision.kind == "definition"
            or (u.has(*rule["laundering_tags"]) and any(w in u.provision.heading.lower() for w in laundering_words))
        )
    ]
    thresholds = [
        u for u in view.with_tag("predicate-threshold")
        if governs(u) and (u.provision.kind == "definition" or view.subject(u, words) == 2)
    ]
    return _Predicates(offences, lists, naming, every, thresholds)


def _predicate_schedules(view: JurisdictionView, offences: list[Unit]) -> list[Unit]:
    """Units of the schedules of the money-laundering acts that list offences: a schedule that
    holds the trafficking offences themselves is the body of a code (a Criminal Code enacted as
    the schedule of an Act), not a list of predicates."""
    documents = {u.result.source.name for u in offences}
    holding = {id(s) for u in view.with_tag("tip-offence") if (s := view.schedule_of(u)) is not None}
    found = []
    for unit in view.units:
        schedule = view.schedule_of(unit) if unit.result.source.name in documents else None
        if schedule is not None and id(schedule) not in holding:
            found.append(unit)
    return found


def _repealed_title(view: JurisdictionView, naming: list[Unit]) -> str:
    """The title of a repealed act that a predicate list names, if any."""
    words = trafficking_title_words()
    titles = [" ".join(t.split()) for t in act_titles(" ".join(u.provision.text for u in naming)) if any(w in t.lower() for w in words)]
    repeals = " ".join(u.provision.text for u in view.with_tag("repeal-cue"))
    current = {u.result.source.name for u in view.with_tag("tip-offence")}
    for title in titles:
        core = title.split(",")[0]
        if core and core in repeals and not any(core.lower() in name.lower().replace("_", " ") for name in current):
            return title
    return ""


def _threshold_verdict(view: JurisdictionView, units: list[Unit], tag: str, what: str) -> Verdict:
    evidence = gather(view, units, tag, focus=FOCUS_LIST)
    threshold = threshold_years(units)
    best = view.offence_penalty
    if threshold is None or best is None or best.penalty.max_years is None:
        return Verdict(
            "partial",
            f"{what.capitalize()} is defined by a penalty threshold ({cite(evidence)}), but the threshold or the "
            "trafficking penalty was not found in the supplied texts, so the two could not be compared.",
            evidence,
            0.5,
        )
    penalty, unit = best.penalty, best.unit
    evidence.append(view.evidence(unit, "tip-offence"))
    if penalty.max_years >= threshold:
        return Verdict("met", f"Trafficking ({penalty.describe()}) meets the threshold of {threshold:g} year(s) for {what} ({cite(evidence)}).", evidence, 0.75)
    return Verdict(
        "partial",
        f"Trafficking ({penalty.describe()}) falls below the threshold of {threshold:g} year(s) for {what} ({cite(evidence)}); "
        "no list naming trafficking was found in the supplied texts.",
        evidence,
        0.6,
    )


@evaluator("extradition")
def evaluate_extradition(item: Item, view: JurisdictionView) -> Verdict:
    """Met when an extradition law lists trafficking, or its penalty threshold is met by the
    trafficking maximum; partial when extradition depends on a treaty or a list of states, or
    when extradition provisions exist with neither a list nor a threshold."""
    rule = item.rule
    units = view.with_tag(*rule["tags"])
    words = tuple(k.lower() for k in load_tags()[rule["tags"][0]].keywords)
    # an extradition law or Part, or a provision that makes offences extraditable (not a mention of extradition)
    relevant = [u for u in units if view.subject(u, words) >= 1 or u.has("extradition-offence-term")]
    if not relevant:
        return not_found("an extradition law or provision that reaches trafficking offences (only passing mentions of extradition were found)" if units else "an extradition law or provision that reaches trafficking offences")
    listing = [
        u for u in relevant
        if u.has("trafficking-term") or view.refers_to_offence(u)
        or (u.has("extradition-offence-term") and view.scope_covers_offence(u))  # "offences under this Act are extraditable"
    ]
    restricted = tuple(rule.get("partial_tags", []))
    if listing:
        evidence = gather(view, listing, rule["tags"][0], focus=FOCUS_LIST)
        return Verdict("met", f"Trafficking offences are made extraditable in {cite(evidence)}.", evidence, 0.75)
    thresholds = view.with_tag(*rule["threshold_tags"])
    if thresholds:
        verdict = _threshold_verdict(view, thresholds, rule["threshold_tags"][0], "an extradition offence")
        limited = [u for u in thresholds if u.has(*restricted)]
        if verdict.status == "met" and limited:
            where = cite(gather(view, limited, restricted[0], focus=FOCUS_LIST))
            verdict.status, verdict.confidence = "partial", 0.65
            verdict.reason = verdict.reason.rstrip(".") + f", but extradition is limited to treaty or listed states ({where})."
        return verdict
    limiting = [u for u in relevant if u.has(*restricted)]
    evidence = gather(view, limiting, restricted[0], focus=FOCUS_LIST)[:1] if limiting else []
    evidence = (evidence + [e for e in gather(view, relevant, rule["tags"][0], focus=FOCUS_LIST) if e not in evidence])[:MAX_EVIDENCE]
    limited = " (extradition depends on a treaty or on the requesting state being listed)" if limiting else ""
    return Verdict(
        "partial",
        f"Looked for an extradition list naming trafficking or a penalty threshold that trafficking meets; found "
        f"extradition provisions{limited} ({cite(evidence)}) but neither a list nor a threshold in the supplied texts.",
        evidence,
        0.5,
    )
