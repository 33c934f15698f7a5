"""Stage 4: tag provisions.

The tagging unit is the section (or article, definition, schedule item): the smallest
provision that usually states a whole rule. Subsections and paragraphs are not tagged on
their own, but every hit keeps its offsets, so evidence can still cite the deepest
provision (``s. 4(1)(a)``) that holds the matched words. A definition is a unit of its own,
and hits inside it are not counted again for the section that holds it.
"""

from __future__ import annotations

from collections.abc import Sequence

from .models import Provision, Tag
from .references import is_non_operative
from .rules import Hit, RuleTagger, default_tagger

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


def tag_provisions(provisions: Sequence[Provision], tagger: RuleTagger | None = None) -> list[Tag]:
    """Rule tags of every tagging unit, with hit offsets into the document text.

    Args:
        provisions: the provisions of one document, as the segment stage returns them.
        tagger: a :class:`RuleTagger`; the process-wide default when omitted.

    Returns:
        One :class:`Tag` per (unit, tag), anchored on the tag's first hit.
    """
    tagger = tagger or default_tagger()
    units = tagging_units(provisions)
    nested = _nested_units(provisions, units)
    tags: list[Tag] = []
    for unit in units:
        inner = [(p.char_start - unit.char_start, p.char_end - unit.char_start) for p in nested.get(unit.id, [])]
        for tag, hits in sorted(tagger.tag_text(unit.text).items()):
            own = [h for h in hits if not _inside(h, inner)]
            if not own:
                continue
            first = own[0]
            tags.append(
                Tag(
                    provision_id=unit.id,
                    tag=tag,
                    score=RULE_SCORE,
                    source="rule",
                    start=unit.char_start + first.start,
                    end=unit.char_start + first.end,
                    pattern_id=first.pattern_id,
                )
            )
    return tags


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
