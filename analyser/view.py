"""A jurisdiction's tagged provisions, indexed for the checklist evaluators.

The coverage stage is the only stage that sees all documents of a jurisdiction at once:
definitions in one act, offences in another, predicate lists in a third. This module
gives the evaluators that whole view: which provisions carry which tags, how they refer
to each other, and how to turn a tag into quotable evidence.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from .knowledge import load_tags
from .models import DocumentResult, Evidence, Provision, Tag
from .penalties import Penalty, parse_penalty
from .references import referenced_numbers, section_number

QUOTE_MAX_CHARS = 320
SENTENCE_END = re.compile(r"(?<=[.;:])\s+(?=[\"“(A-Z0-9])|\n\s*\n")
WHITESPACE = re.compile(r"\s+")
ANCHOR_TAGS = ("tip-offence", "tip-definition")
HEADING_CHARS = 90  # the start of a unit's text, where its heading and number sit
HEADING_WEIGHT = 4  # a heading naming the subject outranks any other sign of relevance


@dataclass(frozen=True)
class Unit:
    """A tagged provision with the document it belongs to."""

    provision: Provision
    result: DocumentResult
    tags: dict[str, Tag]

    @property
    def id(self) -> str:
        return self.provision.id

    def has(self, *tags: str) -> bool:
        return any(tag in self.tags for tag in tags)


class JurisdictionView:
    """All documents of one jurisdiction, with tag and reference indexes."""

    def __init__(self, jurisdiction: str, results: list[DocumentResult]) -> None:
        self.jurisdiction = jurisdiction
        self.results = [r for r in results if r.health.language in ("en", "")]
        self.skipped_languages = sorted({r.health.language for r in results} - {"en", ""})
        self._provisions: dict[str, tuple[Provision, DocumentResult]] = {}
        self._starts: dict[str, list[int]] = {}
        tags_by_unit: dict[str, dict[str, Tag]] = defaultdict(dict)
        for result in self.results:
            for provision in result.provisions:
                self._provisions[provision.id] = (provision, result)
            self._starts[result.source.name] = [p.char_start for p in result.provisions]
            for tag in result.tags:
                tags_by_unit[tag.provision_id].setdefault(tag.tag, tag)
        self.units: list[Unit] = []
        for result in self.results:
            for provision in result.provisions:
                if provision.id in tags_by_unit:
                    self.units.append(Unit(provision, result, tags_by_unit[provision.id]))

    # -- lookups ---------------------------------------------------------------------------
    def with_tag(self, *tags: str) -> list[Unit]:
        """Units that carry any of ``tags``, in document order."""
        return [u for u in self.units if u.has(*tags)]

    @cached_property
    def anchors(self) -> list[Unit]:
        """Units that create or define the trafficking offence."""
        return self.with_tag(*ANCHOR_TAGS)

    @cached_property
    def offence_numbers(self) -> set[str]:
        """Section numbers of the trafficking offences, for cross-references."""
        numbers = {section_number(u.provision.label) for u in self.with_tag("tip-offence")}
        return {n for n in numbers if n}

    def refers_to_offence(self, unit: Unit) -> bool:
        """True when ``unit`` names a trafficking offence by its section number."""
        return bool(self.offence_numbers & referenced_numbers(unit.provision.text))

    def in_schedule(self, unit: Unit) -> bool:
        """True when ``unit`` is a schedule or sits inside one."""
        provision: Provision | None = unit.provision
        while provision is not None:
            if provision.kind == "schedule":
                return True
            parent = self._provisions.get(provision.parent_id or "")
            provision = parent[0] if parent else None
        return False

    def same_act_as_offence(self, unit: Unit) -> bool:
        return any(a.result.source.name == unit.result.source.name for a in self.with_tag("tip-offence"))

    def linked_to_trafficking(self, unit: Unit, link_tags: tuple[str, ...]) -> bool:
        """Does ``unit`` reach the trafficking offences (by words, number, or scope)?"""
        if unit.has(*link_tags) or self.refers_to_offence(unit):
            return True
        return unit.has("self-scope") and self.same_act_as_offence(unit)

    def relevance(self, unit: Unit) -> int:
        """How directly ``unit`` concerns trafficking: ranks evidence, best first."""
        if unit.has("tip-offence", "tip-definition", "trafficking-term", "victim-of-trafficking"):
            return 3
        if self.refers_to_offence(unit):
            return 2
        return 1 if self.same_act_as_offence(unit) else 0

    def ranked(self, units: list[Unit], tag: str | None = None) -> list[Unit]:
        """Best evidence first: a heading that names ``tag``'s subject, then trafficking-specific units."""
        words = tuple(k.lower() for k in load_tags()[tag].keywords) if tag in load_tags() else ()

        def key(unit: Unit) -> int:
            heading = f"{unit.provision.heading} {unit.provision.text[:HEADING_CHARS]}".lower()
            return -(HEADING_WEIGHT * any(w in heading for w in words) + self.relevance(unit))

        return sorted(units, key=key)

    @cached_property
    def offence_penalty(self) -> tuple[Penalty, Unit] | None:
        """The most severe penalty set for a trafficking offence, with its unit."""
        best: tuple[Penalty, Unit] | None = None
        candidates = self.with_tag("tip-offence") + [
            u for u in self.with_tag("penalty") if not u.has("tip-offence") and self.refers_to_offence(u)
        ]
        for unit in candidates:
            penalty = parse_penalty(unit.provision.text)
            if penalty.max_years is None and not penalty.fine:
                continue
            if best is None or (penalty.max_years or 0) > (best[0].max_years or 0):
                best = (penalty, unit)
        return best

    # -- evidence --------------------------------------------------------------------------
    def evidence(self, unit: Unit, tag: str | None = None, start: int | None = None) -> Evidence:
        """Quotable evidence for ``unit``: the sentence holding ``tag``'s first hit."""
        provision, result = unit.provision, unit.result
        hit = unit.tags.get(tag) if tag else None
        offset = start if start is not None else (hit.start if hit and hit.start >= 0 else provision.char_start)
        quote, q_start, q_end = self.quote(provision, offset)
        cited = self.deepest(result, offset) or provision
        return Evidence(
            document=result.source.name,
            page=result.page_at(q_start),
            provision=cited.citation,
            quote=quote,
            provision_id=cited.id,
            tags=tuple(sorted(unit.tags)),
            start=q_start,
            end=q_end,
            score=hit.score if hit else 0.9,
        )

    def deepest(self, result: DocumentResult, offset: int) -> Provision | None:
        """The deepest provision of ``result`` whose span holds ``offset``."""
        starts = self._starts.get(result.source.name, [])
        index = bisect.bisect_right(starts, offset) - 1
        while index >= 0:
            provision = result.provisions[index]
            if provision.char_start <= offset < provision.char_end:
                return provision
            index -= 1
        return None

    @staticmethod
    def quote(provision: Provision, offset: int) -> tuple[str, int, int]:
        """The sentence of ``provision`` around document offset ``offset``, whitespace folded."""
        text = provision.text
        local = min(max(offset - provision.char_start, 0), max(len(text) - 1, 0))
        begin = 0
        for match in SENTENCE_END.finditer(text, 0, local + 1):
            if match.end() <= local:
                begin = match.end()
        end_match = SENTENCE_END.search(text, local)
        end = end_match.start() if end_match else len(text)
        if end - begin > QUOTE_MAX_CHARS:
            begin = max(begin, local - QUOTE_MAX_CHARS // 3)
            end = min(end, begin + QUOTE_MAX_CHARS)
        raw = text[begin:end]
        lead = len(raw) - len(raw.lstrip())
        raw = raw.strip()
        quote = WHITESPACE.sub(" ", raw)
        q_start = provision.char_start + begin + lead
        return quote, q_start, q_start + len(raw)
