"""Stage 4: tag provisions.

The tagging unit is the section (or article, definition, schedule item): the smallest
provision that usually states a whole rule. Subsections and paragraphs are not tagged on
their own, but every hit keeps its offsets, so evidence can still cite the deepest
provision (``s. 4(1)(a)``) that holds the matched words. A definition is a unit of its own,
and hits inside it are not counted again for the section that holds it.

Two taggers combine here: the rule patterns (:mod:`analyser.rules`) and, when one is
given, the trained model (:mod:`analyser.classify`, issue 5), which reads the unit's text
together with the rule tags that hit it and its context (:mod:`analyser.context`: act title,
file name, headings above it, and the rule tags that hit those). A tag the model covers is
on when its calibrated score passes the tag's threshold, or a rule hits and the score passes
the tag's (lower) rule threshold; both are tuned leave one jurisdiction out
(``models/tagger/EVAL.md``). Its ``score`` is then the calibrated score and its ``source``
says who found it. Tags the model does not cover (the context cues the coverage stage
combines) stay rule-only. The rules also give a few tags from where a unit sits
(``context_composites`` of ``patterns.json``, :func:`analyser.context.context_rule_hits`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .context import context_rule_hits, unit_contexts
from .models import Provision, Tag
from .references import is_non_operative
from .rules import Hit, RuleTagger, default_tagger

if TYPE_CHECKING:  # the model module imports scikit-learn: only when a model is used
    from .classify import TagModel

UNIT_KINDS = frozenset({"section", "article", "definition", "schedule", "rule", "regulation", "clause"})
SKIPPED_KINDS = frozenset({"contents"})
RULE_SCORE = 0.9  # confidence of a rule hit before the model weighs in


def tagging_units(provisions: Sequence[Provision]) -> list[Provision]:
    """The provisions to tag: units, plus provisions that neither hold nor sit in a unit."""
    by_id = {p.id: p for p in provisions}
    above_units: set[str] = set()  # ids of provisions that have a unit below them
    below_units: set[str] = set()  # ids of provisions that have a unit above them
    for provision in provisions:
        if provision.kind in UNIT_KINDS:
            parent = by_id.get(provision.parent_id or "")
            while parent is not None and parent.id not in above_units:
                above_units.add(parent.id)
                parent = by_id.get(parent.parent_id or "")
    skipped: set[str] = set()  # non-operative text: contents, explanatory statements, endnotes
    for provision in provisions:  # pre-order: a parent's marks are known before its children
        parent = by_id.get(provision.parent_id or "")
        if parent is not None and (parent.kind in UNIT_KINDS or parent.id in below_units):
            below_units.add(provision.id)
        if provision.kind in SKIPPED_KINDS or is_non_operative(provision.citation, provision.heading) or (
            parent is not None and parent.id in skipped
        ):
            skipped.add(provision.id)
    return [
        p
        for p in provisions
        if p.id not in skipped
        and (p.kind in UNIT_KINDS or (p.id not in above_units and p.id not in below_units and p.text.strip()))
    ]


def tag_provisions(
    provisions: Sequence[Provision], tagger: RuleTagger | None = None, model: TagModel | None = None
) -> list[Tag]:
    """Tags of every tagging unit: rule hits, combined with the model's scores when given.

    Args:
        provisions: the provisions of one document, as the segment stage returns them.
        tagger: a :class:`RuleTagger`; the process-wide default when omitted.
        model: a trained :class:`analyser.classify.TagModel`; rules only when omitted.

    Returns:
        One :class:`Tag` per (unit, tag), anchored on the tag's first rule hit (offsets
        -1 for a tag only the model found), in unit order then tag order.
    """
    tagger = tagger or default_tagger()
    units = tagging_units(provisions)
    nested = _nested_units(provisions, units)
    hits = [_rule_hits(unit, nested.get(unit.id, []), tagger) for unit in units]
    for found, extra in zip(hits, context_rule_hits(provisions, units, hits, tagger)):
        for tag, hit in extra.items():  # tags a unit gets from where it sits (patterns.json "context_composites")
            found.setdefault(tag, hit)
    if model is None:
        return [_make_tag(u, tag, hit, None, False) for u, found in zip(units, hits) for tag, hit in sorted(found.items())]
    from .classify import model_input

    contexts = unit_contexts(provisions, units)
    context_hits = context_tags(contexts.values(), tagger)
    inputs = [
        model_input(_own_text(unit, nested.get(unit.id, [])), found, contexts[unit.id], context_hits[contexts[unit.id]])
        for unit, found in zip(units, hits)
    ]
    tags: list[Tag] = []
    for unit, found, scores in zip(units, hits, model.unit_scores(inputs)):
        decided = model.decide(scores, found)
        for tag in sorted((set(found) - set(scores)) | decided):  # rule hits of tags the model decides may go
            tags.append(_make_tag(unit, tag, found.get(tag), scores.get(tag), tag in decided))
    return tags


def context_tags(contexts: Iterable[str], tagger: RuleTagger | None = None) -> dict[str, frozenset[str]]:
    """The rule tags that hit each distinct context string (:func:`analyser.context.unit_contexts`)."""
    tagger = tagger or default_tagger()
    return {context: frozenset(tagger.tag_text(context)) for context in set(contexts)}


def unit_texts(provisions: Sequence[Provision]) -> list[tuple[Provision, str]]:
    """Each tagging unit with its own text: the text of the units nested in it is cut out.

    This is the text both taggers read, and the text an annotation's hash is taken of
    (``corpora/README.md``, "Provision annotations"). A cut-out leaves one newline.
    """
    units = tagging_units(provisions)
    nested = _nested_units(provisions, units)
    return [(unit, _own_text(unit, nested.get(unit.id, []))) for unit in units]


def _own_text(unit: Provision, inner: list[Provision]) -> str:
    pieces, position = [], 0
    for provision in sorted(inner, key=lambda p: p.char_start):
        start = max(provision.char_start - unit.char_start, position)
        pieces.append(unit.text[position:start])
        pieces.append("\n")
        position = max(position, provision.char_end - unit.char_start)
    pieces.append(unit.text[position:])
    return "".join(pieces)


def _rule_hits(unit: Provision, nested: list[Provision], tagger: RuleTagger) -> dict[str, Hit]:
    """The first own hit of each rule tag of ``unit`` (hits inside nested units do not count)."""
    inner = [(p.char_start - unit.char_start, p.char_end - unit.char_start) for p in nested]
    first: dict[str, Hit] = {}
    for tag, hits in tagger.tag_text(unit.text).items():
        own = [h for h in hits if not _inside(h, inner)]
        if own:
            first[tag] = own[0]
    return first


def _make_tag(unit: Provision, tag: str, hit: Hit | None, score: float | None, by_model: bool) -> Tag:
    """One tag record: offsets from the rule hit, score from the model when it scored the tag."""
    source = "rule+model" if hit is not None and by_model else ("model" if by_model else "rule")
    return Tag(
        provision_id=unit.id,
        tag=tag,
        score=round(float(score), 4) if score is not None else RULE_SCORE,
        source=source,  # type: ignore[arg-type]
        start=unit.char_start + hit.start if hit is not None else -1,
        end=unit.char_start + hit.end if hit is not None else -1,
        pattern_id=hit.pattern_id if hit is not None else "",
    )


def _nested_units(provisions: Sequence[Provision], units: list[Provision]) -> dict[str, list[Provision]]:
    """For each unit, the units directly below it (their own nested units are inside them)."""
    by_id = {p.id: p for p in provisions}
    unit_ids = {u.id for u in units}
    nested: dict[str, list[Provision]] = {}
    for unit in units:
        parent = by_id.get(unit.parent_id or "")
        while parent is not None and parent.id not in unit_ids:
            parent = by_id.get(parent.parent_id or "")
        if parent is not None:
            nested.setdefault(parent.id, []).append(unit)
    return nested


def _inside(hit: Hit, spans: list[tuple[int, int]]) -> bool:
    return any(start <= hit.start and hit.end <= end for start, end in spans)
