"""Evaluators that read the trafficking offence itself: its elements (act, means, purpose),
its separation from migrant smuggling, its reach abroad and across borders, its penalty,
child victims and consent. Registered in :data:`analyser.evaluators.EVALUATORS`."""

from __future__ import annotations

import re
from typing import Any

from .evaluators import MAX_EVIDENCE, Verdict, cite, evaluator, gather, not_found
from .knowledge import Item, load_tags
from .penalties import parse_number
from .references import defined_term_words, definition_verbs, trafficking_title_words
from .view import ANCHOR_TAGS, FOCUS_OFFENCE, JurisdictionView, Unit

AGE_PATTERN = re.compile(r"age of (\d+|[a-z-]+)", re.IGNORECASE)


@evaluator("definition_elements")
def evaluate_definition(item: Item, view: JurisdictionView) -> Verdict:
    """The trafficking offence and definition, read element by element."""
    rule = item.rule
    anchors = [u for u in view.with_tag(*rule["anchor_tags"]) if u.has("tip-offence") or view.defines(u, "tip-definition")]
    if not anchors:
        return not_found("a provision that creates a trafficking-in-persons offence or defines trafficking in persons")
    exploitation = view.with_definition_tag("exploitation-definition")
    pool = anchors + [u for u in exploitation if u not in anchors]
    present = {tag for unit in pool for tag in unit.tags}
    acts = [t for t in rule["act_tags"] if t in present]
    means = [t for t in rule["means_tags"] if t in present]
    purposes = [t for t in rule["purpose_tags"] if t in present]
    missing_purposes = [t for t in rule["required_purposes"] if t not in present]
    offences = _basic_first(view, [u for u in anchors if u.has("tip-offence")], rule)
    definitions = _basic_first(view, [u for u in anchors if not u.has("tip-offence")], rule)
    exploitation = view.nearest(exploitation, offences[:1])
    evidence = gather(view, offences[:1] + definitions[:1] + exploitation[:1] + offences[1:2], "tip-offence", ranked=False)
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
        return Verdict(
            "partial",
            f"Looked for the Protocol's acts, means and purposes in the trafficking provisions "
            f"({cite(evidence)}); found {_elements(acts, means, purposes)}, but {'; '.join(shortfalls)} "
            "in the supplied texts.",
            evidence,
            0.65,
        )
    return Verdict(
        "met",
        f"{cite(evidence)} cover{'s' if len(evidence) == 1 else ''} the act ({_names(acts)}), the means "
        f"({_names(means)}) and the purposes ({_names(purposes)}).",
        evidence,
        0.8,
    )


def _basic_first(view: JurisdictionView, units: list[Unit], rule: dict[str, Any]) -> list[Unit]:
    """The provisions a lawyer cites for the offence's elements first: operative text, the
    principal offence (headed as trafficking, not as an aggravated or child offence), the one
    that states most of the three elements (act, means, purpose), the basic (not aggravated)
    offence, then document order."""
    groups = (rule["act_tags"], rule["means_tags"], rule["purpose_tags"])
    principal = view.principal_offences

    def key(unit: Unit) -> tuple[int, bool, int, bool]:
        covered = sum(1 for group in groups if unit.has(*group))
        return (-view.operative(unit), unit not in principal, -covered, unit.has("aggravation"))

    return sorted(units, key=key)


def _elements(acts: list[str], means: list[str], purposes: list[str]) -> str:
    """"acts (recruit, transport), means (force) and purposes (sexual)"."""
    parts = [f"{label} ({_names(tags) or 'none'})" for label, tags in (("acts", acts), ("means", means), ("purposes", purposes))]
    return f"{parts[0]}, {parts[1]} and {parts[2]}"


def _names(tags: list[str]) -> str:
    return ", ".join(t.split("-", 1)[1].replace("-", " ") for t in tags)


@evaluator("separate_offences")
def evaluate_separate(item: Item, view: JurisdictionView) -> Verdict:
    """Met when a migrant-smuggling offence exists apart from the principal trafficking offences."""
    units = view.with_tag(*item.rule["offence_tags"])
    if not units:
        return not_found("an offence of migrant (people, alien) smuggling")
    # merged: the smuggling offence is itself one of the (principal) trafficking offences
    principal = view.principal_offences
    separate = [u for u in units if not (u.has(*item.rule["other_tags"]) and u in principal)]
    if separate:
        evidence = gather(view, separate, "smuggling-offence")
        return Verdict("met", f"{cite(evidence)} create{'s' if len(evidence) == 1 else ''} a smuggling offence distinct from the trafficking offence.", evidence, 0.8)
    evidence = gather(view, units, "smuggling-offence")
    return Verdict(
        "partial",
        f"Looked for a migrant-smuggling offence distinct from trafficking; smuggling is punished only in the same "
        f"provision as trafficking ({cite(evidence)}) and no separate offence was found in the supplied texts.",
        evidence,
        0.65,
    )


@evaluator("linked")
def evaluate_linked(item: Item, view: JurisdictionView) -> Verdict:
    """Met when a rule of jurisdiction over conduct abroad reaches the trafficking offences (by
    naming them, by number, or as a general clause of the act that creates them)."""
    rule = item.rule
    units = view.with_tag(*rule["tags"])
    if not units:
        return not_found("jurisdiction over trafficking offences committed outside the territory")
    linked = [u for u in units if view.linked_to_trafficking(u, tuple(rule["link_tags"])) or view.is_general_clause(u)]
    limited = tuple(rule.get("partial_tags", []))
    words = tuple(w.lower() for w in rule.get("subject_words", [])) or None
    if linked:
        strong = [u for u in linked if not u.has(*limited)]
        evidence = [view.evidence(u, rule["tags"][0]) for u in view.ranked(strong or linked, rule["tags"][0], FOCUS_OFFENCE, words)]
        evidence = list(dict.fromkeys(evidence))[:MAX_EVIDENCE]
        if strong:
            return Verdict("met", f"{cite(evidence)} extend{'s' if len(evidence) == 1 else ''} jurisdiction over trafficking offences committed outside the territory.", evidence, 0.75)
        return Verdict(
            "partial",
            f"Found jurisdiction over trafficking offences abroad in {cite(evidence)}, but "
            f"{rule.get('partial_note', 'it is limited')}; no wider rule was found in the supplied texts.",
            evidence,
            0.6,
        )
    others = cite(gather(view, units, rule["tags"][0], focus=FOCUS_OFFENCE))
    return Verdict(
        "not_found",
        f"Not found in the supplied texts: the extraterritorial provisions found ({others}) do not reach the trafficking offences.",
        [],
        0.5,
    )


@evaluator("border_requirement")
def evaluate_border(item: Item, view: JurisdictionView) -> Verdict:
    """Met when some trafficking offence needs no crossing of a border."""
    rule = item.rule
    offences = view.with_tag(*rule["anchor_tags"])
    if not offences:
        return not_found("a trafficking offence, to check whether it requires a border crossing")
    domestic = [u for u in offences if not u.has(*rule["border_tags"])]
    if domestic:
        evidence = gather(view, domestic, "tip-offence", focus=FOCUS_OFFENCE)
        return Verdict("met", f"The trafficking offence in {cite(evidence)} does not require the victim to cross a border.", evidence, 0.7)
    evidence = gather(view, offences, rule["border_tags"][0], focus=FOCUS_OFFENCE)
    return Verdict(
        "partial",
        f"Every trafficking offence found ({cite(evidence)}) requires entry into or exit from the country; no offence "
        "without a border element was found in the supplied texts.",
        evidence,
        0.65,
    )


@evaluator("penalty")
def evaluate_penalty(item: Item, view: JurisdictionView) -> Verdict:
    """The maximum of the principal trafficking offence (as amended) against the minimum of
    ``min_years``."""
    if not view.with_tag(*item.rule["anchor_tags"]):
        return not_found("a trafficking offence and its penalty")
    best = view.offence_penalty
    if best is None:
        evidence = gather(view, view.with_tag("tip-offence"), "tip-offence", focus=FOCUS_OFFENCE)
        return Verdict(
            "not_found", f"Not found in the supplied texts: a trafficking offence was found ({cite(evidence)}) but no penalty for it.", [], 0.5
        )
    penalty, unit = best.penalty, best.unit
    evidence = [view.evidence(unit, start=unit.provision.char_start + penalty.start if penalty.start >= 0 else None)]
    evidence += [view.provision_evidence(clause, offset) for clause, offset in zip(best.amended_by, best.amended_at)]
    where = cite(evidence[:1]) + (f" as amended by {cite(evidence[1:])}" if best.amended_by else "")
    minimum = float(item.rule["min_years"])
    if (penalty.max_years or 0) >= minimum:
        note = " (a fine may be imposed instead)" if penalty.fine_alternative and not penalty.life else ""
        return Verdict("met", f"The trafficking offence carries {penalty.describe()} ({where}){note}.", evidence[:MAX_EVIDENCE], 0.85)
    return Verdict(
        "partial",
        f"The maximum found for trafficking is {penalty.describe()} ({where}), under the {minimum:g} years looked for; "
        "no higher maximum was found in the supplied texts.",
        evidence[:MAX_EVIDENCE],
        0.7,
    )


@evaluator("child_no_means")
def evaluate_child(item: Item, view: JurisdictionView) -> Verdict:
    """Is a child trafficking offence made out without proof of the means?

    Met by an express provision (in or naming the trafficking law) that the means need not be
    shown for a child, or by a child trafficking offence that states no means, up to the age of
    18 and for every purpose. Partial when the age is lower, when only some purposes (sexual
    exploitation) are covered, or when the child offence drops the means but the "exploitation"
    it requires is itself defined by force, threats or deception (the means come back through
    the purpose).
    """
    rule = item.rule
    express = _express_child_rules(view, rule)
    child_offences = _child_offences(view, rule)
    if not express and not child_offences:
        return not_found("a provision that dispenses with proof of the means where the victim of trafficking is a child")
    if not express:
        return _implicit_child_verdict(view, rule, child_offences)
    evidence = gather(view, express, rule["tags"][0], focus=FOCUS_OFFENCE)
    ages = [a for u in express for a in _ages(u.provision.text)] or _defined_child_ages(view, express)
    limit = int(rule["child_age"])
    if ages and max(ages) < limit:
        return Verdict(
            "partial",
            f"Means are dispensed with for children ({cite(evidence)}) only below the age of {max(ages)}; no such rule up to "
            f"{limit} was found in the supplied texts.",
            evidence,
            0.65,
        )
    narrow, broad = tuple(rule["narrow_purpose_tags"]), tuple(rule["broad_purpose_tags"])
    if all(u.has(*narrow) and not u.has(*broad) for u in express):
        return Verdict(
            "partial",
            f"Means are dispensed with for children only for sexual exploitation ({cite(evidence)}); no such rule was "
            "found for labour or other exploitation in the supplied texts.",
            evidence,
            0.65,
        )
    return Verdict("met", f"For child victims the means need not be proved, expressly ({cite(evidence)}).", evidence, 0.75)


def _express_child_rules(view: JurisdictionView, rule: dict[str, Any]) -> list[Unit]:
    """Provisions that say the means need not be shown for a child: tagged so and naming trafficking
    (or its offence), or, in the act that creates the offence, a child rule that names the means it
    dispenses with ("where the victim is a child, the prosecution need not prove force, fraud or coercion")."""
    tagged = [u for u in view.with_tag(*rule["tags"]) if view.relevance(u) >= 3]
    child_words = tuple(k.lower() for k in load_tags()["child-victim"].keywords)
    naming = [
        u for u in view.with_tag("means-irrelevance")
        if u.has("child-victim") and u.has(*rule["coercive_means_tags"]) and view.relevance(u) >= 1
        and view.subject(u, child_words) == 2 and u not in tagged
    ]
    return tagged + naming


def _child_offences(view: JurisdictionView, rule: dict[str, Any]) -> list[Unit]:
    """Trafficking offences against children: headed as trafficking, with an act (recruits, transports...)
    done to a child ("exploitation of a trafficked child" is another offence)."""
    acts = [t for t in load_tags() if t.startswith("act-")]
    return [
        u for u in view.with_tag("tip-offence")
        if u.has("child-victim") and u.has(*acts) and view.subject(u, trafficking_title_words()) == 2
    ]


def _element_means(unit: Unit, means: tuple[str, ...]) -> list[str]:
    """The means ``unit`` states as elements: those named before its penalty (a means named in the
    penalty clause, "liable to life imprisonment if they kidnap", aggravates; it is not an element)."""
    penalty = unit.tags.get("penalty")
    cut = penalty.start if penalty is not None and penalty.start >= 0 else None
    return [t for t in means if t in unit.tags and (cut is None or unit.tags[t].start < cut)]


def _implicit_child_verdict(view: JurisdictionView, rule: dict[str, Any], offences: list[Unit]) -> Verdict:
    means = tuple(rule["coercive_means_tags"])
    free = [u for u in offences if not _element_means(u, means)]
    if not free:
        evidence = gather(view, offences, "child-victim", focus=FOCUS_OFFENCE)
        return Verdict(
            "not_found",
            f"Not found in the supplied texts: the child trafficking provisions found ({cite(evidence)}) keep the "
            "means element, and no provision says the means need not be proved for a child.",
            [],
            0.55,
        )
    evidence = gather(view, free, "child-victim", focus=FOCUS_OFFENCE)
    documents = {u.result.source.name for u in free}
    embedded = [
        u for u in view.with_definition_tag("exploitation-definition")
        if u.result.source.name in documents and not u.has(*ANCHOR_TAGS) and u.has(*means)
        and view.subject(u, defined_term_words("exploitation-definition")) == 2
    ]
    if embedded:
        evidence = (evidence[:2] + gather(view, embedded, "exploitation-definition", focus=FOCUS_OFFENCE))[:MAX_EVIDENCE]
        return Verdict(
            "partial",
            f"The child trafficking offence ({cite(evidence[:1])}) states no means, but the exploitation it requires is "
            f"defined by threats, force, coercion or deception ({cite(evidence[-1:])}), so the means are not dispensed "
            "with for children; no provision that dispenses with them was found in the supplied texts.",
            evidence,
            0.6,
        )
    return Verdict("met", f"For child victims the means need not be proved: the child trafficking offence states no means ({cite(evidence)}).", evidence, 0.6)


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
    """Met when consent is made irrelevant for all victims; partial when only for children."""
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
        evidence = gather(view, general, rule["tags"][0], focus=FOCUS_OFFENCE)
        return Verdict("met", f"Consent of the victim is made irrelevant in {cite(evidence)}.", evidence, 0.8)
    evidence = gather(view, units, rule["tags"][0], focus=FOCUS_OFFENCE)
    return Verdict(
        "partial",
        f"Consent is made irrelevant only for child victims ({cite(evidence)}); no such rule for adult victims was found "
        "in the supplied texts.",
        evidence,
        0.65,
    )
