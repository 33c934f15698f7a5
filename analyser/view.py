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
from .penalties import parse_penalty
from .pipeline import is_assessable
from .statute_status import OffencePenalty, amended_number, changes_a_term, repealed_documents, shift, states_law, year_of
from .references import (
    abbreviations,
    act_key,
    amendment_edits,
    apply_edits,
    defined_term_words,
    mentions_act,
    is_amending_part,
    is_form,
    is_minor_heading,
    is_recital,
    is_summary_heading,
    referenced_containers,
    referenced_numbers,
    same_act,
    scope_words,
    section_number,
)

T = TypeVar("T")
QUOTE_MAX_CHARS = 320
SENTENCE_END = re.compile(r"(?<=[.;:])\s+(?=[\"“(A-Z0-9])|\n\s*\n")
WHITESPACE = re.compile(r"\s+")
LETTER_LABEL = re.compile(r"^\(?[a-z]{1,2}\)?$")  # "(a)", "b)": an enumeration of particular cases
ANCHOR_TAGS = ("tip-offence", "tip-definition")
REPEAL_TAG = "repeal-cue"
CONTAINER_KINDS = frozenset({"part", "division", "subdivision", "chapter", "title"})
HEADING_CHARS = 90  # the start of a unit's text, where its heading and number sit
FOCUS_OFFENCE, FOCUS_SUBJECT, FOCUS_LIST = "offence", "subject", "list"  # see JurisdictionView.ranked
NON_OPERATIVE_KINDS = frozenset({"preamble", "contents"}) | CONTAINER_KINDS
NUMBERED_KINDS = frozenset({"section", "article", "clause", "rule", "regulation"})
LISTING_KINDS = frozenset({"schedule", "preamble", "contents"})  # list or announce offences; create none


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
            numbered = any(p.kind in NUMBERED_KINDS for p in result.provisions)
            for provision in result.provisions:
                if provision.id in tags_by_unit and states_law(provision, numbered):
                    self.units.append(Unit(provision, result, tags_by_unit[provision.id]))
        # A document that another supplied document repeals is no longer law: it is left out.
        self.repealed = repealed_documents(self.results, [u for u in self.units if u.has(REPEAL_TAG)])
        if self.repealed:
            self.results = [r for r in self.results if r.source.name not in self.repealed]
            self.units = [u for u in self.units if u.result.source.name not in self.repealed]

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
    def offence_references(self) -> dict[str, tuple[set[str], set[tuple[str, str]]]]:
        """Per act (:func:`act_key`), the section numbers of its trafficking offences and the
        (kind, number) of the Parts, Divisions and Chapters that hold them. A schedule that lists
        trafficking offences (as predicates of laundering) does not make its act one that creates them."""
        found: dict[str, tuple[set[str], set[tuple[str, str]]]] = {}
        for unit in self.with_tag("tip-offence"):
            if unit.provision.kind in LISTING_KINDS or self.in_list_schedule(unit):
                continue
            numbers, containers = found.setdefault(self.act_of(unit), (set(), set()))
            number = section_number(unit.provision.label)
            if number:
                numbers.add(number)
            # the Part, Division or Chapter that holds it: a reference to a whole Title or Code
            # (e.g. "under this title") names every offence in it, not the trafficking offence
            container = self._provisions.get(self.container_of(unit) or "")
            if container is not None:
                label = section_number(container[0].label) or container[0].label.upper()
                if label:
                    containers.add((container[0].kind, label))
        return found

    def act_of(self, unit: Unit) -> str:
        """The key of the act ``unit`` belongs to (its document's name when the act is unknown)."""
        return act_key(unit.provision.act) or f"document {unit.result.source.name}"

    def _names_offence(self, text: str, act: str) -> bool:
        """Does ``text``, written in the act keyed ``act``, name a trafficking offence by number or
        by its Part? A bare number refers to the act it is written in (or the act it amends);
        a number in another act counts only when the text names that act."""
        numbers: set[str] | None = None
        for key, (offences, containers) in self.offence_references.items():
            if not (key == act or same_act(key, act) or mentions_act(text, key)):
                continue
            numbers = referenced_numbers(text) if numbers is None else numbers
            if offences & numbers or containers & referenced_containers(text):
                return True
        return False

    @cached_property
    def linking_terms(self) -> dict[str, tuple[str, ...]]:
        """Per document, defined terms whose definition reaches the trafficking offences ("relevant offence")."""
        terms: dict[str, list[str]] = {}
        for unit in self.units:
            if unit.provision.kind != "definition" or not unit.provision.label:
                continue
            if unit.has("trafficking-term", "tip-offence") or self._names_offence(unit.provision.text, self.act_of(unit)):
                terms.setdefault(unit.result.source.name, []).append(unit.provision.label.lower())
        return {doc: tuple(found) for doc, found in terms.items()}

    def refers_to_offence(self, unit: Unit) -> bool:
        """True when ``unit`` names a trafficking offence: by number, by its Part, or by a defined term."""
        if self._names_offence(unit.provision.text, self.act_of(unit)):
            return True
        terms = self.linking_terms.get(unit.result.source.name, ())
        if unit.provision.kind == "definition" or not terms:
            return False
        lowered = unit.provision.text.lower()
        return any(term in lowered for term in terms)

    def container_of(self, unit: Unit) -> str | None:
        """The id of the nearest Part, Division or Chapter that holds ``unit`` (None: none does)."""
        parent = self._provisions.get(unit.provision.parent_id or "")
        while parent is not None:
            if parent[0].kind in CONTAINER_KINDS:
                return parent[0].id
            parent = self._provisions.get(parent[0].parent_id or "")
        return None

    def is_first_container(self, container_id: str, result: DocumentResult) -> bool:
        """Is ``container_id`` the document's first Part (or first Chapter, Division...: the first
        of its kind), usually "Preliminary"? A stray heading of another kind (a gazette's "Part
        II") before it does not count."""
        found = self._provisions.get(container_id)
        if found is None:
            return False
        kind = found[0].kind
        return next((p.id for p in result.provisions if p.kind == kind), None) == container_id

    def in_scope_of(self, unit: Unit, others: list[Unit], words: tuple[str, ...]) -> bool:
        """Does a definition or list in ``unit`` govern the provisions ``others``? It does when it
        sits in the same Part or Division as one of them; elsewhere in their document only when
        it sits in no Part or in the first (preliminary) Part and announces its subject
        (``words``: "serious offence" means...). A definition in another Part of a code
        ("serious offence" for computer offences) governs that Part only."""
        if unit.provision.kind in NON_OPERATIVE_KINDS:
            return False
        same = [o for o in others if o.result.source.name == unit.result.source.name]
        if not same:
            return False
        container = self.container_of(unit)
        if container is not None and any(self.container_of(o) == container for o in same):
            return True
        preliminary = container is None or self.is_first_container(container, unit.result)
        return preliminary and self.subject(unit, words) == 2

    def in_list_schedule(self, unit: Unit) -> bool:
        """Is ``unit`` in a schedule that lists things (offences, forms, members)? A schedule
        divided into Parts, Divisions or Chapters enacts a body of law (a Criminal Code that is
        the schedule of its Act) and is read like the Act itself."""
        schedule = self.schedule_of(unit)
        if schedule is None:
            return False
        key = f"list-schedule:{schedule.id}"
        if key not in self._memo:
            inside = self._starting_in(unit.result, schedule.char_start, schedule.char_end, False)
            self._memo[key] = not any(p.kind in CONTAINER_KINDS for p in inside)
        return bool(self._memo[key])

    def schedule_of(self, unit: Unit) -> Provision | None:
        """The outermost schedule that holds ``unit`` (or is ``unit``), if any."""
        found: Provision | None = None
        provision: Provision | None = unit.provision
        while provision is not None:
            if provision.kind == "schedule":
                found = provision
            parent = self._provisions.get(provision.parent_id or "")
            provision = parent[0] if parent else None
        return found

    def same_act_as_offence(self, unit: Unit) -> bool:
        """Is ``unit`` part of an act that creates a trafficking offence (in any of its volumes)?"""
        act = self.act_of(unit)
        return any(key == act or same_act(key, act) for key in self.offence_references)

    def linked_to_trafficking(self, unit: Unit, link_tags: tuple[str, ...]) -> bool:
        """Does ``unit`` reach the trafficking offences (by words, number, or scope)?"""
        if unit.has(*link_tags) or self.refers_to_offence(unit):
            return True
        return self.scope_covers_offence(unit)

    def scope_covers_offence(self, unit: Unit) -> bool:
        """Does ``unit`` apply to "offences under this Act" (or "this Part") where that act (or
        Part) creates a trafficking offence? "This chapter" in another chapter of a code does not."""
        if not unit.has("self-scope"):
            return False
        text = unit.provision.text.lower()
        if any(w in text for w in scope_words("act")) and self.same_act_as_offence(unit):
            return True
        if any(w in text for w in scope_words("part")):
            container = self.container_of(unit)
            offences = [o for o in self.with_tag("tip-offence") if o.result is unit.result]
            return any(self.container_of(o) == container for o in offences)
        return False

    def relevance(self, unit: Unit) -> int:
        """How directly ``unit`` concerns trafficking (0-5): it is a principal trafficking offence,
        another trafficking offence, names or defines trafficking, names the offence by number,
        or sits in the act that creates it."""
        if unit.has("tip-offence"):
            return 5 if unit in self.principal_offences else 4
        if unit.has("trafficking-term", "victim-of-trafficking") or self.defines(unit, "tip-definition"):
            return 3
        if self.refers_to_offence(unit):
            return 2
        return 1 if self.same_act_as_offence(unit) else 0

    def operative(self, unit: Unit, focus: str = FOCUS_SUBJECT) -> int:
        """2 for an operative provision; 1 for a list schedule (2 when lists are sought), a short
        title or commencement section, or an amendment of another act; 0 for text that states no
        rule of its own: a preamble, a contents list, a form, a Part or Division read as a whole,
        findings."""
        provision = unit.provision
        if provision.kind in NON_OPERATIVE_KINDS or is_form(provision.citation) or is_recital(provision.heading):
            return 0
        if self.in_list_schedule(unit):
            return 2 if focus == FOCUS_LIST else 1
        if is_minor_heading(provision.heading) or self.in_amending_part(unit) or self.in_summary(unit):
            return 1
        return 2

    def in_amending_part(self, unit: Unit) -> bool:
        """Is ``unit`` in a Part that amends other acts ("Consequential Amendments")?"""
        return any(is_amending_part(p.heading) for p in self._containers(unit))

    def in_summary(self, unit: Unit) -> bool:
        """Does ``unit`` only summarise other provisions: it is headed, or sits in a Part or
        Division headed, as an outline ("Simplified outline of this Part", "Outline of this Act")?"""
        return any(is_summary_heading(p.heading) for p in [unit.provision, *self._ancestors(unit)])

    def _containers(self, unit: Unit) -> list[Provision]:
        """The Parts, Divisions and Chapters that hold ``unit``, innermost first."""
        return [p for p in self._ancestors(unit) if p.kind in CONTAINER_KINDS]

    def _ancestors(self, unit: Unit) -> list[Provision]:
        """The provisions that hold ``unit`` (its section, Part...), innermost first."""
        found: list[Provision] = []
        parent = self._provisions.get(unit.provision.parent_id or "")
        while parent is not None and len(found) < 32:
            found.append(parent[0])
            parent = self._provisions.get(parent[0].parent_id or "")
        return found

    def subject(self, unit: Unit, words: tuple[str, ...]) -> int:
        """Does ``unit`` announce the subject ``words`` name? 2: its own heading (a definition:
        the term it defines) does; 1: the heading of its Part or Division, or the title of its
        act, does; 0: neither; -1: it is a definition of some other term."""
        if not words:
            return 0
        provision = unit.provision
        if provision.kind == "definition" and provision.label:
            return 2 if _names(provision.label, words) else -1
        if _names(f"{provision.heading} {provision.text[:HEADING_CHARS]}", words):
            return 2
        return 1 if _names(self.context_heading(unit), words) else 0

    def unrelated_definition(self, unit: Unit, words: tuple[str, ...]) -> bool:
        """A definition of a term that ``words`` do not name ("primary designated offence")."""
        return self.subject(unit, words) == -1

    def defines(self, unit: Unit, tag: str) -> bool:
        """Does ``unit`` carry ``tag`` as a definition of the right term? A definition of another
        term ("primary designated offence" listing trafficking) does not define trafficking."""
        if not unit.has(tag):
            return False
        words = defined_term_words(tag)
        return not (words and self.unrelated_definition(unit, words))

    def with_definition_tag(self, tag: str) -> list[Unit]:
        """Units that carry ``tag`` (a definition tag), less definitions of other terms."""
        return [u for u in self.with_tag(tag) if self.defines(u, tag)]

    def context_heading(self, unit: Unit) -> str:
        """The headings of the Parts and Divisions that hold ``unit``, and its act's title."""
        key = f"context:{unit.id}"
        if key not in self._memo:
            parts = [unit.result.health.title, unit.provision.act]
            parent = self._provisions.get(unit.provision.parent_id or "")
            while parent is not None:
                if parent[0].kind in CONTAINER_KINDS:
                    parts.append(parent[0].heading)
                parent = self._provisions.get(parent[0].parent_id or "")
            self._memo[key] = " ".join(p for p in parts if p)
        return str(self._memo[key])

    def within_subject(self, unit: Unit, words: tuple[str, ...]) -> int:
        """2: the title of ``unit``'s act names the subject ``words`` name (the Proceeds of Crime
        Act for confiscation); 1: the heading of a Part or Division holding it does; 0: neither."""
        if not words:
            return 0
        if _names(f"{unit.result.health.title} {unit.provision.act}", words):
            return 2
        return int(_names(" ".join(p.heading for p in self._containers(unit)), words))

    def ranked(
        self, units: list[Unit], tag: str | None = None, focus: str = FOCUS_SUBJECT, words: tuple[str, ...] | None = None
    ) -> list[Unit]:
        """Best evidence first. Operative text before schedules before preambles, forms and
        contents; then, for an item about the trafficking offence itself (``focus`` "offence"),
        the units that create or name it before those that announce ``tag``'s subject in their
        heading; for other items (``focus`` "subject" or "list"), the other way round; then units
        in an act, Part or Division whose title names the subject (the Proceeds of Crime Act's
        forfeiture orders before a stray "proceeds" in another act). Ties keep document order.
        ``words`` name the subject (default: ``tag``'s keywords)."""
        if words is None:
            words = tuple(k.lower() for k in load_tags()[tag].keywords) if tag in load_tags() else ()

        def key(unit: Unit) -> tuple[int, int, int, int]:
            operative, subject, relevance = self.operative(unit, focus), self.subject(unit, words), self.relevance(unit)
            within = self.within_subject(unit, words)
            if focus == FOCUS_OFFENCE:
                return (-operative, -relevance, -subject, -within)
            return (-operative, -subject, -relevance, -within)

        return sorted(units, key=key)

    def nearest(self, units: list[Unit], anchors: list[Unit]) -> list[Unit]:
        """``units`` as list evidence: operative text first, then by closeness to one of
        ``anchors`` in the same document (the definitions that govern an offence sit next to it,
        even where the Parts of a code were not found), then as :meth:`ranked` orders them."""
        def distance(unit: Unit) -> int:
            gaps = [abs(a.provision.char_start - unit.provision.char_start) for a in anchors if a.result is unit.result]
            return min(gaps, default=1 << 40)

        order = {id(u): i for i, u in enumerate(self.ranked(units, None, FOCUS_LIST))}
        return sorted(units, key=lambda u: (-self.operative(u, FOCUS_LIST), distance(u), order[id(u)]))

    @cached_property
    def offence_penalty(self) -> OffencePenalty | None:
        """The penalty of the basic trafficking offence: the highest maximum among the
        non-aggravated offences headed as trafficking (or among all, when none is), with the
        unit that sets it, as amended by any supplied amending act.

        A penalty may sit in the offence itself or in a penalty clause that names the offence by
        number; in a clause, only the sub-provisions that name a trafficking offence count, so
        "(a) ... acts in Section 3: 3 years; (b) ... qualified trafficking under Section 4: 6 years"
        gives 3 years for the offence in Section 3.
        """
        found = [self._amended_penalty(unit) for unit in self.principal_offences]
        if not any(f.penalty.custodial or f.penalty.fine for f in found):
            # the offences state no penalty: a separate penalty clause that names them sets it
            for unit in self.with_tag("penalty"):
                if unit.has("tip-offence") or unit.provision.amends:
                    continue
                for part in self._parts_naming_offence(unit):
                    found.append(OffencePenalty(shift(parse_penalty(part.text), part.char_start - unit.provision.char_start), unit))
        best: OffencePenalty | None = None
        for candidate in found:
            if candidate.penalty.max_years is None and not candidate.penalty.fine:
                continue
            if best is None or (candidate.penalty.max_years or 0) > (best.penalty.max_years or 0):
                best = candidate
        return best

    @cached_property
    def principal_offences(self) -> list[Unit]:
        """The basic trafficking offences: operative offence provisions headed as trafficking,
        less those headed as aggravated or child offences (each narrowing dropped in turn when
        it would leave none)."""
        offences = [u for u in self.with_tag("tip-offence") if self.operative(u)]
        # headed as trafficking; a section whose heading was not found is not ruled out
        named = [
            u for u in offences
            if (not u.provision.heading and u.provision.kind in NUMBERED_KINDS) or "trafficking-term" in self.heading_tags(u)
        ] or offences
        aggravated = tuple(k.lower() for k in load_tags()["aggravation"].keywords)
        return [
            u for u in named
            if not self.heading_tags(u) & {"child-victim", "age-limit"} and not _names(u.provision.heading, aggravated)
        ] or named

    def heading_tags(self, unit: Unit) -> set[str]:
        """The rule tags of ``unit``'s heading (or, with no heading, its opening words): what the
        provision announces itself to be ("Offence of trafficking in children")."""
        key = f"heading-tags:{unit.id}"
        if key not in self._memo:
            from .tagmemo import rule_tags  # remembered across scans: a warm scan needs no spaCy

            heading = unit.provision.heading or unit.provision.text[:HEADING_CHARS]
            self._memo[key] = set(rule_tags(heading))
        return self._memo[key]  # type: ignore[return-value]

    def _amended_penalty(self, unit: Unit) -> OffencePenalty:
        """``unit``'s penalty after the word edits of the amending clauses that target it
        ("by substituting for the words 'fifteen years' the words 'twenty years'")."""
        clauses = self.amendments_of(unit)
        edits = [(edit, clause) for clause in clauses for edit in amendment_edits(clause.text)]
        text, changed = apply_edits(unit.provision.text, [edit for edit, _ in edits])
        penalty = parse_penalty(text)
        if not changed or text == unit.provision.text:
            return OffencePenalty(penalty, unit)
        start = min((c for c in changed if c >= 0), default=-1)
        penalty = replace(penalty, start=start, end=start)
        amending = [(clause, clause.char_start + edit[2]) for edit, clause in edits if edit[1] and changes_a_term(edit[1])]
        return OffencePenalty(penalty, unit, tuple(c for c, _ in amending), tuple(o for _, o in amending))

    def amendments_of(self, unit: Unit) -> list[Provision]:
        """The supplied amending sections that target ``unit``'s section, oldest act first."""
        number = section_number(unit.provision.label).lower()
        act = self.act_of(unit)
        return sorted(
            (p for p in self._amending if amended_number(p.amends) == number and same_act(act_key(p.act), act)),
            key=lambda p: (year_of(p.act), p.char_start),
        )

    @cached_property
    def _amending(self) -> list[Provision]:
        return [p for r in self.results for p in r.provisions if p.amends and p.kind in NUMBERED_KINDS]

    def _parts_naming_offence(self, unit: Unit) -> list[Provision]:
        """The deepest sub-provisions of ``unit`` that name a trafficking offence (or the unit itself)."""
        provision, result = unit.provision, unit.result
        inside = [p for p in self._starting_in(result, provision.char_start, provision.char_end, True)
                  if p.char_end <= provision.char_end and p is not provision]
        act = self.act_of(unit)
        naming = [p for p in inside if self._names_offence(p.text, act)]
        leaves = [p for p in naming if not any(q is not p and p.char_start <= q.char_start and q.char_end <= p.char_end for q in naming)]
        if leaves:
            return leaves
        return [provision] if self._names_offence(provision.text, act) else []

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
        hit = unit.tags.get(tag) if tag else None
        offset = start if start is not None else (hit.start if hit and hit.start >= 0 else unit.provision.char_start)
        evidence = self.provision_evidence(unit.provision, offset, unit.result)
        return replace(evidence, tags=tuple(sorted(unit.tags)), score=hit.score if hit else 0.9)

    def provision_evidence(self, provision: Provision, offset: int, result: DocumentResult | None = None) -> Evidence:
        """Quotable evidence for any provision (an amending clause need carry no tag): the
        sentence around document offset ``offset``, cited by the deepest provision holding it."""
        result = result or self._provisions[provision.id][1]
        quote, q_start, q_end = self.quote(provision, offset)
        cited = self.deepest(result, offset) or provision
        return Evidence(
            document=result.source.name,
            page=result.page_at(q_start),
            provision=cited.citation,
            quote=quote,
            provision_id=cited.id,
            start=q_start,
            end=q_end,
            score=0.9,
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


def _names(text: str, words: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in words)


def _after_abbreviation(text: str, position: int) -> bool:
    """Is the full stop before ``position`` the end of an abbreviation ("SEC. 3", "s. 12")?"""
    if position == 0 or text[position - 1] != ".":
        return False
    word = re.search(r"([\w.]+)\.$", text[max(0, position - 12) : position])
    return bool(word) and word.group(1).lower() in abbreviations()
