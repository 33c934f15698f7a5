"""Which words of an evidence quote matched: spans to highlight in the report and results.json.

An :class:`~analyser.models.Evidence` quote is ``document.text[start:end]`` with whitespace
runs folded to one space. The words that matched are known two ways: the stored
:class:`~analyser.models.Tag` hits (one per provision and tag, in document offsets), and the
rule patterns run again over the quote's raw text, which finds every hit and not only the
first. Both are mapped into quote offsets and limited to the tags that decide the cell's
checklist item (its ``rule``), so the marks show why *this* cell was coded as it was.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from .knowledge import Checklist, load_tags
from .models import Cell, DocumentResult, Evidence, Provision, Tag

log = logging.getLogger(__name__)
WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Span:
    """A highlighted stretch of a quote, in quote offsets; ``tag`` names what matched."""

    start: int
    end: int
    tag: str


def rule_tags(rule: dict[str, object]) -> frozenset[str]:
    """Every tag a checklist item's rule names (its ``*_tags``, ``tags`` and ``groups``)."""
    found: set[str] = set()
    for key, value in rule.items():
        if (key.endswith("_tags") or key == "tags") and isinstance(value, list):
            found.update(str(v) for v in value)
        elif key == "groups" and isinstance(value, list):
            found.update(str(tag) for group in value for tag in group)
    return frozenset(found)


def fold_offsets(raw: str) -> tuple[str, list[int]]:
    """``raw`` with whitespace runs folded to one space, and for each raw index its folded index."""
    folded: list[str] = []
    index: list[int] = []
    previous_space = False
    for char in raw:
        if WHITESPACE.fullmatch(char):
            if not previous_space:
                folded.append(" ")
            index.append(len(folded) - 1)
            previous_space = True
        else:
            index.append(len(folded))
            folded.append(char)
            previous_space = False
    return "".join(folded), index


def merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted, non-overlapping spans; overlapping ones are joined and their tags listed together."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.tag)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            tags = last.tag.split(" ")
            if span.tag not in tags:
                tags.append(span.tag)
            merged[-1] = Span(last.start, max(last.end, span.end), " ".join(sorted(tags)))
        else:
            merged.append(span)
    return merged


class Highlighter:
    """Finds the matched words of evidence quotes, given the scan's per-document results."""

    def __init__(self, results: Sequence[DocumentResult], checklist: Checklist, retag: bool = True) -> None:
        self.checklist = checklist
        self.retag = retag
        self._provisions: dict[str, Provision] = {p.id: p for r in results for p in r.provisions}
        self._tags: dict[tuple[str, str], list[Tag]] = {}
        self._memo: dict[tuple[str, str, Evidence], list[Span]] = {}
        for result in results:
            key = (result.source.jurisdiction, result.source.name)
            self._tags[key] = [t for t in result.tags if t.start >= 0 and not t.negated]

    @cached_property
    def _visible(self) -> frozenset[str]:
        return frozenset(tag for tag, info in load_tags().items() if info.group != "context")

    def _item_tags(self, item: str) -> frozenset[str]:
        return rule_tags(self.checklist.item(item).rule)

    def raw_text(self, ev: Evidence) -> str | None:
        """The document text behind ``ev``'s quote, or None when its offsets are unknown."""
        if ev.start < 0 or ev.end <= ev.start:
            return None
        provision = self._provisions.get(ev.provision_id)
        while provision is not None and not (provision.char_start <= ev.start and ev.end <= provision.char_end):
            provision = self._provisions.get(provision.parent_id or "")
        if provision is None:
            return None
        return provision.text[ev.start - provision.char_start : ev.end - provision.char_start]

    def spans(self, cell: Cell, ev: Evidence) -> list[Span]:
        """The matched words of ``ev`` (evidence of ``cell``), in offsets of ``ev.quote``."""
        key = (cell.jurisdiction, cell.item, ev)
        if key not in self._memo:
            self._memo[key] = self._spans(cell, ev)
        return self._memo[key]

    def _spans(self, cell: Cell, ev: Evidence) -> list[Span]:
        raw = self.raw_text(ev)
        if raw is None:
            return []
        folded, index = fold_offsets(raw)
        if folded != ev.quote:
            return []
        wanted = self._item_tags(cell.item)
        found = self._raw_spans(cell.jurisdiction, ev, raw, wanted)
        if not found:  # the item's own tags are elsewhere (e.g. a penalty quote): show what did match
            found = [s for s in self._stored_spans(cell.jurisdiction, ev, len(raw)) if s.tag in self._visible]
        spans = []
        for span in found:
            start, end = index[span.start], index[span.end - 1] + 1
            if end > start:
                spans.append(Span(start, end, span.tag))
        return merge(spans)

    def _raw_spans(self, jurisdiction: str, ev: Evidence, raw: str, wanted: frozenset[str]) -> list[Span]:
        spans = [s for s in self._stored_spans(jurisdiction, ev, len(raw)) if s.tag in wanted]
        if self.retag:
            spans += self._retagged(raw, wanted)
        return spans

    def _stored_spans(self, jurisdiction: str, ev: Evidence, length: int) -> list[Span]:
        spans = []
        for tag in self._tags.get((jurisdiction, ev.document), ()):
            start, end = max(tag.start, ev.start) - ev.start, min(tag.end, ev.end) - ev.start
            if 0 <= start < end <= length:
                spans.append(Span(start, end, tag.tag))
        return spans

    def _retagged(self, raw: str, wanted: frozenset[str]) -> list[Span]:
        try:
            from .tagmemo import rule_tags

            hits = rule_tags(raw)
        except Exception as err:  # highlighting is a convenience: never fail an output for it
            log.debug("re-tagging a quote failed: %s", err)
            return []
        return [
            Span(h.start, h.end, tag)
            for tag, tag_hits in hits.items()
            if tag in wanted
            for h in tag_hits
            if not getattr(h, "negated", False) and 0 <= h.start < h.end <= len(raw)
        ]


def highlighter_for(result: object) -> Highlighter:
    """The highlighter of a :class:`~analyser.api.ScanResult`, built once and kept on it."""
    found = getattr(result, "_highlighter", None)
    if not isinstance(found, Highlighter):
        found = Highlighter(result.results, result.checklist)  # type: ignore[attr-defined]
        object.__setattr__(result, "_highlighter", found)
    return found


def segments(quote: str, spans: Sequence[Span]) -> list[tuple[str, str]]:
    """``quote`` cut into (text, tag) pieces; ``tag`` is empty for words that did not match."""
    pieces: list[tuple[str, str]] = []
    position = 0
    for span in spans:
        if span.start > position:
            pieces.append((quote[position : span.start], ""))
        pieces.append((quote[span.start : span.end], span.tag))
        position = span.end
    if position < len(quote):
        pieces.append((quote[position:], ""))
    return pieces
