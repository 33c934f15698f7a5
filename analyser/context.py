"""The context of a tagging unit: where it sits in its act (issue 5).

Out of its act, a unit can look like something else: an item of a money-laundering act's
schedule of serious offences ("4. Penal Code, section 210 Theft of livestock") reads like
any offence, and a section of a mutual assistance act (an order to take evidence by video
link) like ordinary procedure. Its context says what it is: the short title of its act, the
name of its file, and the headings of the provisions above it (Part, Division, Schedule),
with the opening words of a heading-less container ("THIRD SCHEDULE [section 2, definition of
"predicate offence"]").

Two consumers read it, both from the provisions alone (what the segment stage returns), so
that the scan (:func:`analyser.tag.tag_provisions`) and training
(:func:`analyser.annotations.match_units`) see the same thing:

- the trained model, as a feature block of its own (:func:`unit_contexts`);
- the *context composites* of ``patterns.json`` (:func:`context_rule_hits`): a tag given to a
  unit because of where it sits, e.g. ``predicate-list`` for an item of a schedule whose
  heading names the laundering predicate, in an act about money laundering. No legal phrase
  is written here: the composites name pattern tags, and the patterns hold the phrases.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from .models import Provision

if TYPE_CHECKING:
    from .rules import Hit, RuleTagger

OPENING_CHARS = 160  # of a container's own text before its first child, when it has no heading
MAX_ANCESTORS = 5  # the innermost ones (the outer ones of a deep code say little)
FRAMES = ("schedule", "ancestor", "term", "text")
_SPACES = re.compile(r"\s+")
_FILE_WORDS = re.compile(r"[_\-.]+")


def document_words(document: str) -> str:
    """A file name as words: ``A-12.3-sample_legal-aid-act.md`` -> ``A 12 3 sample legal aid act``."""
    return _FILE_WORDS.sub(" ", PurePosixPath(document).stem).strip()


class Outline:
    """The headings of a document's provisions, and each unit's chain of ancestors."""

    def __init__(self, provisions: Sequence[Provision]) -> None:
        self.by_id = {p.id: p for p in provisions}
        self._first_child: dict[str, int] = {}
        for provision in provisions:
            if provision.parent_id in self.by_id:
                start = self._first_child.get(provision.parent_id)
                if start is None or provision.char_start < start:
                    self._first_child[provision.parent_id] = provision.char_start
        self._headings: dict[str, str] = {}

    def heading(self, provision: Provision) -> str:
        """The provision's heading, or the opening of its own text when it has none (kind first)."""
        if provision.id not in self._headings:
            text = provision.heading.strip()
            if not text:
                end = self._first_child.get(provision.id, provision.char_end) - provision.char_start
                text = provision.text[: max(0, min(end, OPENING_CHARS))]
            self._headings[provision.id] = _SPACES.sub(" ", f"{provision.kind} {text[:OPENING_CHARS]}").strip()
        return self._headings[provision.id]

    def ancestors(self, unit: Provision) -> list[Provision]:
        """The provisions above ``unit``, innermost first."""
        out: list[Provision] = []
        parent = self.by_id.get(unit.parent_id or "")
        while parent is not None and parent.id not in {p.id for p in out}:
            out.append(parent)
            parent = self.by_id.get(parent.parent_id or "")
        return out

    def context(self, unit: Provision) -> str:
        """Act title | file name | headings of the innermost ancestors, outermost first."""
        chain = [self.heading(p) for p in self.ancestors(unit)[:MAX_ANCESTORS]]
        pieces = [unit.act, document_words(unit.document), *reversed(chain)]
        return " | ".join(p for p in pieces if p)

    def frames(self, unit: Provision, frame: str) -> list[str]:
        """The texts a context composite's ``frame_all`` is matched against (any one of them may match).

        ``schedule``: the heading (or opening) of the nearest schedule at or above the unit;
        ``ancestor``: the heading of each provision above the unit; ``term``: the term a
        definition defines; ``text``: the unit's own text, whose rule tags the caller has
        (:func:`context_rule_hits` matches it against them, not against a new tagging).
        """
        if frame == "schedule":
            for provision in [unit, *self.ancestors(unit)]:
                if provision.kind == "schedule":
                    return [self.heading(provision)]
            return []
        if frame == "ancestor":
            return [self.heading(p) for p in self.ancestors(unit)]
        if frame == "term":
            return [unit.label] if unit.kind == "definition" and unit.label else []
        if frame == "text":
            return [unit.text]
        raise ValueError(f"unknown context frame {frame!r}; known: {', '.join(FRAMES)}")


def unit_contexts(provisions: Sequence[Provision], units: Sequence[Provision]) -> dict[str, str]:
    """For each unit id: its act's title, its file name and the headings of its ancestors (outermost first)."""
    outline = Outline(provisions)
    return {unit.id: outline.context(unit) for unit in units}


def composite_applies(
    composite: dict[str, Any], frames: Sequence[str], context: str, own_tags: set[str], tags_of: Any,
    document_tags: set[str] | None = None,
) -> bool:
    """Whether a context composite gives its tag to a unit.

    ``frames``: the unit's frame texts (:meth:`Outline.frames`); ``context``: its context
    string; ``own_tags``: the rule tags of its own text (the tags of a ``text`` frame);
    ``tags_of``: text -> set of rule tags; ``document_tags``: the rule tags of every unit of
    the document (``document_all``: the act creates a laundering offence).
    """
    if any(tag in own_tags for tag in composite.get("text_none", [])):
        return False
    document = document_tags or set()
    if not all(any(tag in document for tag in group) for group in composite.get("document_all", [])):
        return False
    for frame in frames:  # the frames first: few distinct headings, and most match nothing
        found = own_tags if composite["frame"] == "text" else tags_of(frame)
        if all(any(tag in found for tag in group) for group in composite["frame_all"]) and not any(
            tag in found for tag in composite.get("frame_none", [])
        ):
            break
    else:
        return False
    context_tags = tags_of(context)
    return all(any(tag in context_tags for tag in group) for group in composite.get("context_all", []))


def context_rule_hits(
    provisions: Sequence[Provision], units: Sequence[Provision], own: Sequence[dict[str, Any]], tagger: RuleTagger
) -> list[dict[str, Hit]]:
    """Per unit (in order), the tags the context composites of ``patterns.json`` give it.

    ``own``: per unit, its rule tags (of its own text). A hit is anchored on the unit's first
    line (the item itself is the evidence: "4. Penal Code, section 210 Theft of livestock").
    """
    from .rules import Hit

    composites = tagger.data.get("context_composites", [])
    out: list[dict[str, Hit]] = [{} for _ in units]
    if not composites:
        return out
    outline = Outline(provisions)
    cache: dict[str, set[str]] = {}
    document: set[str] = set().union(*own) if own else set()

    def tags_of(text: str) -> set[str]:
        if text not in cache:
            cache[text] = set(tagger.tag_text(text))
        return cache[text]

    for index, unit in enumerate(units):
        for composite in composites:
            if composite["tag"] in own[index] or composite["tag"] in out[index]:
                continue
            frames = outline.frames(unit, composite["frame"])
            if frames and composite_applies(
                composite, frames, outline.context(unit), set(own[index]), tags_of, document
            ):
                start, end = _first_line(unit.text)
                out[index][composite["tag"]] = Hit(composite["tag"], start, end, f"context:{composite['id']}")
    return out


def _first_line(text: str) -> tuple[int, int]:
    start = len(text) - len(text.lstrip())
    newline = text.find("\n", start)
    end = newline if newline > start else len(text.rstrip())
    return start, max(end, start)
