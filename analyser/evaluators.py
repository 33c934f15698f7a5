"""Checklist evaluators: from a jurisdiction's tagged provisions to one cell's verdict.

Each checklist item names its evaluator and the tags it reads in ``data/checklist.toml``.
Every evaluator returns a :class:`Verdict` with a one-sentence reason a lawyer can check:
what was looked for, what was found, and (for ``partial``) what falls short. A
``not_found`` verdict says "not found in the supplied texts", never "absent from the law".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .knowledge import Item, load_tags
from .models import Evidence
from .penalties import find_terms, parse_number, parse_penalty
from .references import act_titles, definition_verbs, referenced_numbers, trafficking_title_words
from .view import JurisdictionView, Unit

MAX_EVIDENCE = 3
AGE_PATTERN = re.compile(r"age of (\d+|[a-z-]+)", re.IGNORECASE)


@dataclass
class Verdict:
    status: str
    reason: str
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.8


Evaluator = Callable[[Item, JurisdictionView], Verdict]
EVALUATORS: dict[str, Evaluator] = {}


def evaluator(name: str) -> Callable[[Evaluator], Evaluator]:
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


def gather(view: JurisdictionView, units: list[Unit], tag: str | None, ranked: bool = True) -> list[Evidence]:
    """Evidence from the best of ``units`` (most trafficking-specific first unless ``ranked`` is false)."""
    evidence: list[Evidence] = []
    seen: set[tuple[str, int]] = set()
    for unit in view.ranked(units, tag) if ranked else units:
        ev = view.evidence(unit, tag)
        key = (ev.document, ev.start)
        if key not in seen:
            seen.add(key)
            evidence.append(ev)
        if len(evidence) >= MAX_EVIDENCE:
            break
    return evidence


def not_found(what: str) -> Verdict:
    return Verdict("not_found", f"Not found in the supplied texts: looked for {what}.", [], 0.6)


# -- generic evaluator ----------------------------------------------------------------------
@evaluator("groups")
def evaluate_groups(item: Item, view: JurisdictionView) -> Verdict:
    """Met when enough tag groups are present; partial on fewer, on weaker or limited evidence."""
    rule: dict[str, Any] = item.rule
    groups: list[list[str]] = rule["groups"]
    names: list[str] = rule.get("group_names", [describe(g) for g in groups])
    scope = tuple(rule.get("scope_tags", []))
    found: dict[int, list[Unit]] = {}
    for index, group in enumerate(groups):
        # A definition names a thing; it does not itself provide it (e.g. "the Programme means ...").
        units = [u for u in view.with_tag(*group) if (not scope or u.has(*scope)) and u.provision.kind != "definition"]
        if units:
            found[index] = units
    reach = rule.get("reach")
    if reach and found:
        reaching = {i: [u for u in units if _reaches(view, u, reach)] for i, units in found.items()}
        reaching = {i: units for i, units in reaching.items() if units}
        if not reaching:
            units = _best_per_group(view, found, groups)
            evidence = gather(view, units, _first_tag(groups, found), ranked=False)
            return Verdict("partial", f"Found {', '.join(names[i] for i in sorted(found))} ({cite(evidence)}), but only for offences that do not include trafficking.", evidence, 0.6)
        found = reaching
    met_min = int(rule.get("met_min", len(groups)))
    limiting = tuple(rule.get("limiting_tags", []))
    unless = tuple(rule.get("partial_unless_tags", []))
    if found and len(found) >= met_min:
        units = _best_per_group(view, found, groups)
        evidence = gather(view, _prefer(units, limiting), _first_tag(groups, found), ranked=False)
        if limiting and all(u.has(*limiting) for u in units) and not view.with_tag(*unless):
            note = rule.get("partial_note", "the provision is limited")
            return Verdict("partial", f"Found in {cite(evidence)}, but {note}.", evidence, 0.7)
        have = ", ".join(names[i] for i in sorted(found))
        return Verdict("met", f"Found {have} in {cite(evidence)}.", evidence, _confidence(found))
    if found:
        units = _best_per_group(view, found, groups)
        evidence = gather(view, units, _first_tag(groups, found), ranked=False)
        have = ", ".join(names[i] for i in sorted(found))
        missing = ", ".join(names[i] for i in range(len(groups)) if i not in found)
        return Verdict(
            "partial", f"Found {have} ({cite(evidence)}) but not {missing} in the supplied texts.", evidence, 0.6
        )
    weaker = tuple(rule.get("partial_tags", []))
    weak_units = [u for u in view.with_tag(*weaker) if not reach or _reaches(view, u, reach)] if weaker else []
    if weak_units:
        evidence = gather(view, weak_units, weaker[0])
        note = rule.get("partial_note", "only weaker provisions were found")
        return Verdict("partial", f"Only partly: {note} ({cite(evidence)}).", evidence, 0.55)
    return not_found(" or ".join(names))


def _reaches(view: JurisdictionView, unit: Unit, reach: str) -> bool:
    """Does a general provision (confiscation, criminal association) reach trafficking offences?"""
    if unit.has("trafficking-term", "tip-offence", "all-offences-cue") or view.refers_to_offence(unit):
        return True
    if reach == "listed-offences":
        # Limited only when it lists specific offences, none of them trafficking.
        return unit.has("predicate-cue") or not referenced_numbers(unit.provision.text)
    if view.same_act_as_offence(unit) and not unit.has("offence-creating"):
        return True  # a general rule of the code or act that creates the trafficking offence
    in_aml_act = any(u.result.source.name == unit.result.source.name for u in view.with_tag("laundering-offence"))
    return in_aml_act and view.memo("aml-predicate-met", lambda: _aml_met(view))


def _aml_met(view: JurisdictionView) -> bool:
    from .knowledge import load_checklist

    for item in load_checklist().items:
        if item.rule["evaluator"] == "aml_predicate":
            return evaluate_aml(item, view).status == "met"
    return False


def _best_per_group(view: JurisdictionView, found: dict[int, list[Unit]], groups: list[list[str]]) -> list[Unit]:
    """The best unit of each group first, then the rest: evidence covers every group found."""
    ranked = {index: view.ranked(units, groups[index][0]) for index, units in found.items()}
    firsts = [ranked[index][0] for index in sorted(ranked)]
    rest = view.ranked([u for index in sorted(ranked) for u in ranked[index][1:]])
    ordered: list[Unit] = []
    for unit in firsts + rest:
        if unit not in ordered:
            ordered.append(unit)
    return ordered


def _first_tag(groups: list[list[str]], found: dict[int, list[Unit]]) -> str:
    index = min(found)
    unit = found[index][0]
    return next(t for t in groups[index] if unit.has(t))


def _prefer(units: list[Unit], limiting: tuple[str, ...]) -> list[Unit]:
    """Unlimited provisions first: they are the stronger evidence."""
    return sorted(units, key=lambda u: u.has(*limiting)) if limiting else units


def _confidence(found: dict[int, list[Unit]]) -> float:
    scores = [max(t.score for t in u.tags.values()) for units in found.values() for u in units[:1]]
    return round(min(scores) if scores else 0.8, 2)


# -- item-specific evaluators ------------------------------------------------------------------
@evaluator("definition_elements")
def evaluate_definition(item: Item, view: JurisdictionView) -> Verdict:
    """The trafficking offence and definition, read element by element."""
    rule = item.rule
    anchors = view.with_tag(*rule["anchor_tags"])
    if not anchors:
        return not_found("a provision that creates a trafficking-in-persons offence or defines trafficking in persons")
    exploitation = view.with_tag("exploitation-definition")
    pool = anchors + [u for u in exploitation if u not in anchors]
    present = {tag for unit in pool for tag in unit.tags}
    acts = [t for t in rule["act_tags"] if t in present]
    means = [t for t in rule["means_tags"] if t in present]
    purposes = [t for t in rule["purpose_tags"] if t in present]
    missing_purposes = [t for t in rule["required_purposes"] if t not in present]
    elements = (*rule["act_tags"], *rule["means_tags"], *rule["purpose_tags"])
    richest = sorted(anchors, key=lambda u: -sum(1 for t in elements if t in u.tags))
    offences = [u for u in richest if u.has("tip-offence")]
    definitions = [u for u in richest if not u.has("tip-offence")]
    evidence = gather(view, offences[:2] + definitions[:1] + exploitation[:1], "tip-offence", ranked=False)
    evidence = evidence or gather(view, anchors, "tip-definition")
    shortfalls = []
    if len(acts) < rule["min_acts"]:
        shortfalls.append(f"only {len(acts)} of the Protocol's acts ({_names(acts) or 'none'})")
    if len(means) < rule["min_means"]:
        shortfalls.append(f"only {len(means)} of its means ({_names(means) or 'none'})")
    if missing_purposes:
        shortfalls.append(f"no purpose of {_names(missing_purposes)}")
    narrowing = tuple(rule.get("narrowing_tags", []))
    basic = [u for u in offences if not u.has("aggravation")] or offences
    if narrowing and basic and all(u.has(*narrowing) for u in basic):
        shortfalls.append("victims limited to women or children")
    if not offences:
        shortfalls.append("a definition of trafficking but no provision creating the offence")
    if shortfalls:
        return Verdict("partial", f"The trafficking provisions ({cite(evidence)}) are narrower: {'; '.join(shortfalls)}.", evidence, 0.65)
    return Verdict(
        "met",
        f"{cite(evidence)} cover{'s' if len(evidence) == 1 else ''} the act ({_names(acts)}), the means "
        f"({_names(means)}) and the purposes ({_names(purposes)}).",
        evidence,
        0.8,
    )


def _names(tags: list[str]) -> str:
    return ", ".join(t.split("-", 1)[1].replace("-", " ") for t in tags)


@evaluator("separate_offences")
def evaluate_separate(item: Item, view: JurisdictionView) -> Verdict:
    units = view.with_tag(*item.rule["offence_tags"])
    if not units:
        return not_found("an offence of migrant (people, alien) smuggling")
    separate = [u for u in units if not u.has(*item.rule["other_tags"])]
    if separate:
        evidence = gather(view, separate, "smuggling-offence")
        return Verdict("met", f"{cite(evidence)} create{'s' if len(evidence) == 1 else ''} a smuggling offence distinct from the trafficking offence.", evidence, 0.8)
    evidence = gather(view, units, "smuggling-offence")
    return Verdict("partial", f"Smuggling is punished only in the same provision as trafficking ({cite(evidence)}).", evidence, 0.65)


@evaluator("linked")
def evaluate_linked(item: Item, view: JurisdictionView) -> Verdict:
    rule = item.rule
    units = view.with_tag(*rule["tags"])
    if not units:
        return not_found("jurisdiction over trafficking offences committed outside the territory")
    linked = [u for u in units if view.linked_to_trafficking(u, tuple(rule["link_tags"])) or view.is_general_clause(u)]
    limited = tuple(rule.get("partial_tags", []))
    if linked:
        strong = [u for u in linked if not u.has(*limited)]
        evidence = gather(view, strong or linked, rule["tags"][0])
        if strong:
            return Verdict("met", f"{cite(evidence)} extend{'s' if len(evidence) == 1 else ''} jurisdiction over trafficking offences committed outside the territory.", evidence, 0.75)
        return Verdict("partial", f"Found in {cite(evidence)}, but {rule.get('partial_note', 'it is limited')}.", evidence, 0.6)
    others = cite(gather(view, units, rule["tags"][0]))
    return Verdict(
        "not_found",
        f"Not found in the supplied texts: the extraterritorial provisions found ({others}) do not reach the trafficking offences.",
        [],
        0.5,
    )


@evaluator("border_requirement")
def evaluate_border(item: Item, view: JurisdictionView) -> Verdict:
    rule = item.rule
    offences = view.with_tag(*rule["anchor_tags"])
    if not offences:
        return not_found("a trafficking offence, to check whether it requires a border crossing")
    domestic = [u for u in offences if not u.has(*rule["border_tags"])]
    if domestic:
        evidence = gather(view, domestic, "tip-offence")
        return Verdict("met", f"The trafficking offence in {cite(evidence)} does not require the victim to cross a border.", evidence, 0.7)
    evidence = gather(view, offences, rule["border_tags"][0])
    return Verdict("partial", f"Every trafficking offence found ({cite(evidence)}) requires entry into or exit from the country.", evidence, 0.65)


@evaluator("penalty")
def evaluate_penalty(item: Item, view: JurisdictionView) -> Verdict:
    if not view.with_tag(*item.rule["anchor_tags"]):
        return not_found("a trafficking offence and its penalty")
    best = view.offence_penalty
    if best is None:
        evidence = gather(view, view.with_tag("tip-offence"), "tip-offence")
        return Verdict("not_found", f"A trafficking offence was found ({cite(evidence)}) but no penalty for it in the supplied texts.", evidence, 0.5)
    penalty, unit = best
    evidence = [view.evidence(unit, start=unit.provision.char_start + penalty.start if penalty.start >= 0 else None)]
    minimum = float(item.rule["min_years"])
    if (penalty.max_years or 0) >= minimum:
        note = " (a fine may be imposed instead)" if penalty.fine_alternative and not penalty.life else ""
        return Verdict("met", f"The trafficking offence carries {penalty.describe()} ({cite(evidence)}){note}.", evidence, 0.85)
    return Verdict(
        "partial",
        f"The maximum found for trafficking is {penalty.describe()} ({cite(evidence)}), under {minimum:g} years.",
        evidence,
        0.7,
    )


@evaluator("aml_predicate")
def evaluate_aml(item: Item, view: JurisdictionView) -> Verdict:
    rule = item.rule
    aml_docs = {u.result.source.name for u in view.with_tag(*rule["laundering_tags"])}
    lists = [
        u for u in view.with_tag(*rule["list_tags"], *rule["threshold_tags"])
        if u.result.source.name in aml_docs or u.has("laundering-term")
    ]
    schedules = [u for u in view.units if u.result.source.name in aml_docs and view.in_schedule(u)]
    naming = [u for u in lists + schedules if u.has("trafficking-term") or view.refers_to_offence(u)]
    if naming:
        repealed = _repealed_title(view, naming)
        evidence = gather(view, naming, "trafficking-term")
        if repealed:
            return Verdict("partial", f"The predicate list ({cite(evidence)}) names {repealed}, which the supplied texts repeal.", evidence, 0.7)
        return Verdict("met", f"The predicate-offence provisions ({cite(evidence)}) name trafficking.", evidence, 0.8)
    every = view.with_tag("predicate-all-offences")
    if every:
        evidence = gather(view, every, "predicate-all-offences")
        return Verdict("met", f"Money laundering extends to the proceeds of all (indictable) offences ({cite(evidence)}), which includes trafficking.", evidence, 0.7)
    thresholds = view.with_tag("predicate-threshold")
    if thresholds:
        return _threshold_verdict(view, thresholds, "predicate-threshold", "a serious (predicate) offence")
    if lists:
        evidence = gather(view, lists, rule["list_tags"][0])
        return Verdict("partial", f"A predicate-offence list exists ({cite(evidence)}) but trafficking was not found in it.", evidence, 0.5)
    return not_found("a money-laundering predicate list, schedule or threshold that reaches trafficking")


def _repealed_title(view: JurisdictionView, naming: list[Unit]) -> str:
    """The title of a repealed act that a predicate list names, if any."""
    words = trafficking_title_words()
    titles = [t for t in act_titles(" ".join(u.provision.text for u in naming)) if any(w in t.lower() for w in words)]
    repeals = " ".join(u.provision.text for u in view.with_tag("repeal-cue"))
    current = {u.result.source.name for u in view.with_tag("tip-offence")}
    for title in titles:
        core = title.split(",")[0]
        if core and core in repeals and not any(core.lower() in name.lower().replace("_", " ") for name in current):
            return title
    return ""


def _threshold_verdict(view: JurisdictionView, units: list[Unit], tag: str, what: str) -> Verdict:
    evidence = gather(view, units, tag)
    threshold = _threshold_years(units)
    best = view.offence_penalty
    if threshold is None or best is None or best[0].max_years is None:
        return Verdict("partial", f"{what.capitalize()} is defined by a penalty threshold ({cite(evidence)}), but it could not be checked against the trafficking penalty.", evidence, 0.5)
    penalty, unit = best
    evidence.append(view.evidence(unit, "tip-offence"))
    if penalty.max_years >= threshold:
        return Verdict("met", f"Trafficking ({penalty.describe()}) meets the threshold of {threshold:g} year(s) for {what} ({cite(evidence)}).", evidence, 0.75)
    return Verdict("partial", f"Trafficking ({penalty.describe()}) falls below the threshold of {threshold:g} year(s) for {what} ({cite(evidence)}).", evidence, 0.6)


def _threshold_years(units: list[Unit]) -> float | None:
    """The first threshold stated ("not less than one year"); later terms are usually other cases."""
    for unit in units:
        values = [t.years for t in find_terms(unit.provision.text) if t.kind in ("min", "fixed")]
        if values:
            return values[0]
    return None


@evaluator("extradition")
def evaluate_extradition(item: Item, view: JurisdictionView) -> Verdict:
    rule = item.rule
    units = view.with_tag(*rule["tags"])
    if not units:
        return not_found("an extradition law or provision that reaches trafficking offences")
    listing = [u for u in units if u.has("trafficking-term") or view.refers_to_offence(u) or (u.has("self-scope") and view.same_act_as_offence(u))]
    restricted = tuple(rule.get("partial_tags", []))
    if listing:
        evidence = gather(view, listing, rule["tags"][0])
        return Verdict("met", f"Trafficking offences are made extraditable in {cite(evidence)}.", evidence, 0.75)
    thresholds = view.with_tag(*rule["threshold_tags"])
    if thresholds:
        verdict = _threshold_verdict(view, thresholds, rule["threshold_tags"][0], "an extradition offence")
        limited = [u for u in thresholds if u.has(*restricted)]
        if verdict.status == "met" and limited:
            where = cite(gather(view, limited, restricted[0]))
            verdict.status, verdict.confidence = "partial", 0.65
            verdict.reason = verdict.reason.rstrip(".") + f", but extradition is limited to treaty or listed states ({where})."
        return verdict
    evidence = gather(view, units, rule["tags"][0])
    return Verdict("partial", f"Extradition provisions exist ({cite(evidence)}) but neither a list naming trafficking nor a penalty threshold was found.", evidence, 0.5)


@evaluator("child_no_means")
def evaluate_child(item: Item, view: JurisdictionView) -> Verdict:
    rule = item.rule
    units = view.with_tag(*rule["tags"])
    # A child trafficking offence (it names an act: recruits, transports...) that states no means.
    acts = [t for t in load_tags() if t.startswith("act-")]
    implicit = [
        u for u in view.with_tag("tip-offence")
        if u.has("child-victim") and u.has(*acts) and not any(t.startswith("means-") and t != "means-irrelevance" for t in u.tags)
    ]
    if not units and not implicit:
        return not_found("a provision that dispenses with proof of the means where the victim is a child")
    chosen = units or implicit
    evidence = gather(view, chosen, rule["tags"][0] if units else "child-victim")
    ages = [a for u in chosen for a in _ages(u.provision.text)] or _defined_child_ages(view, chosen)
    limit = int(rule["child_age"])
    if ages and max(ages) < limit:
        return Verdict("partial", f"Means are dispensed with for children ({cite(evidence)}) only below the age of {max(ages)}, not {limit}.", evidence, 0.65)
    how = "expressly" if units else "by a child offence without a means element"
    return Verdict("met", f"For child victims the means need not be proved, {how} ({cite(evidence)}).", evidence, 0.75 if units else 0.6)


def _defined_child_ages(view: JurisdictionView, units: list[Unit]) -> list[int]:
    """Ages in the definitions of the child terms ("minor", "child") that ``units`` use."""
    words = {k.lower() for k in load_tags()["child-victim"].keywords if " " not in k}
    used = {w for u in units for w in words if re.search(rf"\b{re.escape(w)}\b", u.provision.text, re.IGNORECASE)}
    ages: list[int] = []
    for result in view.results:
        for provision in result.provisions:
            label = provision.label.lower().strip("\"“”' ")
            if label in used or (provision.kind == "definition" and label in words):
                ages += _ages(provision.text)
            elif provision.kind in ("paragraph", "subparagraph") and any(
                re.match(rf"[\W]*{re.escape(w)}[\W]+(?:{definition_verbs()})\b", provision.text.split(")", 1)[-1].strip(), re.IGNORECASE)
                for w in used
            ):
                ages += _ages(provision.text)
    return ages


def _ages(text: str) -> list[int]:
    ages = []
    for match in AGE_PATTERN.finditer(text):
        try:
            ages.append(int(parse_number(match.group(1))))
        except ValueError:
            continue
    return ages


@evaluator("consent")
def evaluate_consent(item: Item, view: JurisdictionView) -> Verdict:
    rule = item.rule
    units = view.with_tag(*rule["tags"])
    if not units:
        return not_found("a provision that the victim's consent is irrelevant or no defence")
    general = []
    for unit in units:
        ev = view.evidence(unit, rule["tags"][0])
        if not any(word in ev.quote.lower() for word in load_tags()["child-victim"].keywords):
            general.append(unit)
    if general:
        evidence = gather(view, general, rule["tags"][0])
        return Verdict("met", f"Consent of the victim is made irrelevant in {cite(evidence)}.", evidence, 0.8)
    evidence = gather(view, units, rule["tags"][0])
    return Verdict("partial", f"Consent is made irrelevant only for child victims ({cite(evidence)}).", evidence, 0.65)


def evaluate(item: Item, view: JurisdictionView) -> Verdict:
    """Run the item's evaluator."""
    return EVALUATORS[item.rule["evaluator"]](item, view)


__all__ = ["EVALUATORS", "Verdict", "evaluate", "parse_penalty"]
