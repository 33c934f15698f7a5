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
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TypeVar

from .knowledge import load_tags
from .models import DocumentResult, Evidence, Provision, Tag
from .penalties import Penalty, parse_penalty
from .pipeline import is_assessable
from .references import abbreviations, referenced_containers, referenced_numbers, section_number

T = TypeVar("T")
QUOTE_MAX_CHARS = 320
SENTENCE_END = re.compile(r"(?<=[.;:])\s+(?=[\"“(A-Z0-9])|\n\s*\n")
WHITESPACE = re.compile(r"\s+")
LETTER_LABEL = re.compile(r"^\(?[a-z]{1,2}\)?$")  # "(a)", "b)": an enumeration of particular cases
ANCHOR_TAGS = ("tip-offence", "tip-definition")
CONTAINER_KINDS = frozenset({"part", "division", "subdivision", "chapter", "title"})
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
        self.results = [r for r in results if is_assessable(r.health.language)]
        self.skipped_languages = sorted({r.health.language for r in results if not is_assessable(r.health.language)})
        self._provisions: dict[str, tuple[Provision, DocumentResult]] = {}
        self._starts: dict[str, list[int]] = {}
        tags_by_unit: dict[str, dict[str, Tag]] = defaultdict(dict)
        for result in self.results:
            for provision in result.provisions:
                self._provisions[provision.id] = (provision, result)
            self._starts[result.source.name] = [p.char_start for p in result.provisions]
            for tag in result.tags:
                tags_by_unit[tag.provision_id].setdefault(tag.tag, tag)
        self._memo: dict[str, object] = {}
        self._span_index: dict[int, tuple[list[int], list[int]]] = {}
        self._by_tag: dict[str, list[int]] | None = None
        self.units: list[Unit] = []
        for result in self.results:
            for provision in result.provisions:
                if provision.id in tags_by_unit:
                    self.units.append(Unit(provision, result, tags_by_unit[provision.id]))

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """A value computed once per jurisdiction (e.g. one item's verdict that another item needs)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[return-value]

    # -- lookups ---------------------------------------------------------------------------
    def with_tag(self, *tags: str) -> list[Unit]:
        """Units that carry any of ``tags``, in document order."""
        if self._by_tag is None:  # index once: evaluators ask for tags hundreds of times
            self._by_tag = defaultdict(list)
            for position, unit in enumerate(self.units):
                for tag in unit.tags:
                    self._by_tag[tag].append(position)
        positions = sorted({p for tag in tags for p in self._by_tag.get(tag, ())})
        return [self.units[p] for p in positions]

    @cached_property
    def anchors(self) -> list[Unit]:
        """Units that create or define the trafficking offence."""
        return self.with_tag(*ANCHOR_TAGS)

    @cached_property
    def offence_numbers(self) -> set[str]:
        """Section numbers of the trafficking offences, for cross-references."""
        numbers = {section_number(u.provision.label) for u in self.with_tag("tip-offence")}
        return {n for n in numbers if n}

    @cached_property
    def offence_containers(self) -> set[tuple[str, str]]:
        """(kind, number) of the Parts, Divisions and Chapters that hold a trafficking offence."""
        found: set[tuple[str, str]] = set()
        for unit in self.with_tag("tip-offence"):
            parent = self._provisions.get(unit.provision.parent_id or "")
            while parent is not None:
                provision = parent[0]
                number = section_number(provision.label) or provision.label.upper()
                if provision.kind in CONTAINER_KINDS and number:
                    found.add((provision.kind, number))
                parent = self._provisions.get(provision.parent_id or "")
        return found

    def _names_offence(self, text: str) -> bool:
        return bool(self.offence_numbers & referenced_numbers(text)) or bool(
            self.offence_containers & referenced_containers(text)
        )

    @cached_property
    def linking_terms(self) -> dict[str, tuple[str, ...]]:
        """Per document, defined terms whose definition reaches the trafficking offences ("relevant offence")."""
        terms: dict[str, list[str]] = {}
        for unit in self.units:
            if unit.provision.kind != "definition" or not unit.provision.label:
                continue
            if unit.has("trafficking-term", "tip-offence") or self._names_offence(unit.provision.text):
                terms.setdefault(unit.result.source.name, []).append(unit.provision.label.lower())
        return {doc: tuple(found) for doc, found in terms.items()}

    def refers_to_offence(self, unit: Unit) -> bool:
        """True when ``unit`` names a trafficking offence: by number, by its Part, or by a defined term."""
        if self._names_offence(unit.provision.text):
            return True
        terms = self.linking_terms.get(unit.result.source.name, ())
        if unit.provision.kind == "definition" or not terms:
            return False
        lowered = unit.provision.text.lower()
        return any(term in lowered for term in terms)

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
        """The penalty of the basic trafficking offence: the highest maximum among non-aggravated
        offences (or among all, when every offence is aggravated), with the unit that sets it.

        A penalty may sit in the offence itself or in a penalty clause that names the offence by
        number; in a clause, only the sub-provisions that name a trafficking offence count, so
        "(a) ... acts in Section 3: 3 years; (b) ... qualified trafficking under Section 4: 6 years"
        gives 3 years for the offence in Section 3.
        """
        offences = self.with_tag("tip-offence")
        basic = [u for u in offences if not u.has("aggravation")] or offences
        found: list[tuple[Penalty, Unit, int]] = []
        for unit in basic:
            found.append((parse_penalty(unit.provision.text), unit, unit.provision.char_start))
        for unit in self.with_tag("penalty"):
            if unit.has("tip-offence"):
                continue
            for part in self._parts_naming_offence(unit):
                found.append((parse_penalty(part.text), unit, part.char_start))
        best: tuple[Penalty, Unit] | None = None
        for penalty, unit, offset in found:
            if penalty.max_years is None and not penalty.fine:
                continue
            located = replace(penalty, start=penalty.start + offset - unit.provision.char_start if penalty.start >= 0 else -1,
                              end=penalty.end + offset - unit.provision.char_start if penalty.end >= 0 else -1)
            if best is None or (located.max_years or 0) > (best[0].max_years or 0):
                best = (located, unit)
        return best

    def _parts_naming_offence(self, unit: Unit) -> list[Provision]:
        """The deepest sub-provisions of ``unit`` that name a trafficking offence (or the unit itself)."""
        provision, result = unit.provision, unit.result
        inside = [p for p in self._starting_in(result, provision.char_start, provision.char_end, True)
                  if p.char_end <= provision.char_end and p is not provision]
        naming = [p for p in inside if self._names_offence(p.text)]
        leaves = [p for p in naming if not any(q is not p and p.char_start <= q.char_start and q.char_end <= p.char_end for q in naming)]
        if leaves:
            return leaves
        return [provision] if self._names_offence(provision.text) else []

    def is_general_clause(self, unit: Unit) -> bool:
        """A clause of the same act as the offence that states a general rule (no list of cases)."""
        if not self.same_act_as_offence(unit):
            return False
        provision, result = unit.provision, unit.result
        return not any(
            LETTER_LABEL.match(p.label)
            for p in self._starting_in(result, provision.char_start, provision.char_end, False)
            if p is not provision
        )

    def _starting_in(self, result: DocumentResult, low: int, high: int, inclusive: bool) -> list[Provision]:
        """The provisions of ``result`` whose ``char_start`` lies in [low, high] (or [low, high)),
        in document order; an index per document replaces a scan of all its provisions."""
        index = self._span_index.get(id(result))
        if index is None:
            order = sorted(range(len(result.provisions)), key=lambda i: result.provisions[i].char_start)
            index = ([result.provisions[i].char_start for i in order], order)
            self._span_index[id(result)] = index
        starts, order = index
        first = bisect.bisect_left(starts, low)
        last = bisect.bisect_right(starts, high) if inclusive else bisect.bisect_left(starts, high)
        return [result.provisions[i] for i in sorted(order[first:last])]

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
        breaks = [m for m in SENTENCE_END.finditer(text) if not _after_abbreviation(text, m.start())]
        begin = max((m.end() for m in breaks if m.end() <= local), default=0)
        end = min((m.start() for m in breaks if m.start() >= local), default=len(text))
        if end - begin > QUOTE_MAX_CHARS:
            begin = max(begin, local - QUOTE_MAX_CHARS // 3)
            end = min(end, begin + QUOTE_MAX_CHARS)
        raw = text[begin:end]
        lead = len(raw) - len(raw.lstrip())
        raw = raw.strip()
        quote = WHITESPACE.sub(" ", raw)
        q_start = provision.char_start + begin + lead
        return quote, q_start, q_start + len(raw)


def _after_abbreviation(text: str, position: int) -> bool:
    """Is the full stop before ``position`` the end of an abbreviation ("SEC. 3", "s. 12")?"""
    if position == 0 or text[position - 1] != ".":
        return False
    word = re.search(r"([\w.]+)\.$", text[max(0, position - 12) : position])
    return bool(word) and word.group(1).lower() in abbreviations()
