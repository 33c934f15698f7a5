"""Rule tagging: spaCy phrase and token patterns from ``data/patterns.json``.

A blank English pipeline (no pretrained model) tokenises the text; a ``PhraseMatcher``
finds literal phrases and a ``Matcher`` the structural token patterns. On top of the raw
hits the tagger applies three pieces of logic, all configured from the data file:

- negation: a hit of a ``negatable`` pattern that follows a negation or exception cue
  ("does not apply", "other than") in the same clause is cancelled;
- blocking: hits of a blocker pattern ("drug trafficking") cancel overlapping hits of
  the tag they block;
- composites: provision-level tags derived from base tags ("creates an offence" and
  "names trafficking" gives ``tip-offence``), where hits that sit in a mere
  cross-reference ("an offence under section 12") can be excluded, so that provisions
  that mention an offence are told apart from provisions that create it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable

from .gapmatch import GapMatcher
from .knowledge import load_patterns

if TYPE_CHECKING:  # spaCy is imported when a tagger is built: a warm scan never needs it
    from spacy.language import Language
    from spacy.tokens import Doc

CROSS_REFERENCE_TAG = "cross-reference"
REFERENCE_TAIL_TOKENS = 10  # a term this close after a cross-reference still belongs to it
MAX_UNIT_CHARS = 400_000  # longer units are tagged in slices (spaCy's default limit is 1e6)
# A line break inside a sentence (PDF text wraps at the margin: "The penalty of\nimprisonment")
# is read as a space: spaCy makes "\n" a token of its own, which no phrase spans. Same length,
# so offsets are unchanged; a blank line still separates (two spaces are a token of their own).
_LINE_BREAKS = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\f": " ", "\v": " "})


@dataclass(frozen=True)
class Hit:
    """One pattern hit, with character offsets into the tagged text."""

    tag: str
    start: int
    end: int
    pattern_id: str
    negated: bool = False


class RuleTagger:
    """Tags text with the patterns of ``patterns.json``. Build once per process."""

    def __init__(self, patterns: dict[str, Any] | None = None) -> None:
        import spacy
        from spacy.matcher import Matcher, PhraseMatcher

        self.data = patterns if patterns is not None else load_patterns()
        self.nlp: Language = spacy.blank("en")
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.tokens = Matcher(self.nlp.vocab, validate=True)
        self.negation_cues = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        # token patterns go to the gap matcher where it supports them: spaCy's Matcher explodes
        # on wildcard gaps ({0,20}) and costs a Python call per token and state on the rest
        self.gaps = GapMatcher()
        self._pattern_info: dict[str, dict[str, Any]] = {}
        for pattern in self.data["patterns"]:
            self._pattern_info[pattern["id"]] = pattern
            if "phrases" in pattern:
                self.phrases.add(pattern["id"], list(self.nlp.tokenizer.pipe(pattern["phrases"])))
            elif not self.gaps.add(pattern["id"], pattern["tokens"]):
                self.tokens.add(pattern["id"], [pattern["tokens"]])
        negation = self.data["negation"]
        self.negation_cues.add("negation", list(self.nlp.tokenizer.pipe(negation["cues"])))
        self._window = int(negation["window"])
        self._breaks = frozenset(negation["clause_breaks"])

    # -- raw hits -------------------------------------------------------------------------
    def match(self, doc: Doc) -> list[Hit]:
        """All hits in ``doc`` after negation and blocking, in text order."""
        strings = self.nlp.vocab.strings
        spans: list[tuple[str, int, int]] = []
        for match_id, start, end in self.phrases(doc):
            spans.append((strings[match_id], start, end))
        if len(self.tokens):
            for match_id, start, end in self.tokens(doc, with_alignments=False):
                spans.append((strings[match_id], start, end))
        spans += self.gaps(doc)
        spans = _longest_per_pattern(spans)
        cues = [(start, end) for _, start, end in self.negation_cues(doc)]
        hits: list[Hit] = []
        blockers: list[tuple[str, int, int]] = []
        for pattern_id, start, end in sorted(spans, key=lambda s: (s[1], s[2], s[0])):
            info = self._pattern_info[pattern_id]
            if info.get("blocks"):
                blockers.append((info["blocks"], start, end))
                continue
            negated = bool(info.get("negatable")) and self._is_negated(doc, start, cues)
            hits.append(Hit(info["tag"], doc[start].idx, _end_char(doc, end), pattern_id, negated))
        return _apply_blockers(hits, [(tag, doc[s].idx, _end_char(doc, e)) for tag, s, e in blockers])

    def _is_negated(self, doc: Doc, start: int, cues: list[tuple[int, int]]) -> bool:
        for cue_start, cue_end in cues:
            if cue_end <= start and start - cue_end <= self._window:
                between = doc[cue_end:start]
                if not any(token.text in self._breaks for token in between):
                    return True
        return False

    # -- provision-level tags -------------------------------------------------------------
    def tag_text(self, text: str) -> dict[str, list[Hit]]:
        """Base and composite tags of one provision's text, each with its hits."""
        hits: list[Hit] = []
        for offset, chunk in _slices(text, MAX_UNIT_CHARS):
            doc = self.nlp(chunk.translate(_LINE_BREAKS))
            hits += [Hit(h.tag, h.start + offset, h.end + offset, h.pattern_id, h.negated) for h in self.match(doc)]
        return self.combine(hits, text)

    def combine(self, hits: list[Hit], text: str = "") -> dict[str, list[Hit]]:
        """Group hits by tag and add the composite tags."""
        by_tag: dict[str, list[Hit]] = defaultdict(list)
        for hit in hits:
            if not hit.negated:
                by_tag[hit.tag].append(hit)
        references = by_tag.get(CROSS_REFERENCE_TAG, [])
        composites: dict[str, list[Hit]] = {}
        for composite in self.data["composites"]:
            evidence = self._composite_hits(composite, by_tag, references, text)
            if evidence and composite["tag"] not in composites:
                composites[composite["tag"]] = evidence
        by_tag.update(composites)
        return dict(by_tag)

    def _composite_hits(
        self, composite: dict[str, Any], by_tag: dict[str, list[Hit]], references: list[Hit], text: str
    ) -> list[Hit]:
        if any(by_tag.get(tag) for tag in composite["none"]):
            return []
        unreferenced = set(composite.get("unreferenced", []))
        group_hits: list[list[Hit]] = []
        for group in composite["all"]:
            found = [
                hit
                for tag in group
                for hit in by_tag.get(tag, [])
                if tag not in unreferenced or not _is_referenced(hit, references, text)
            ]
            if not found:
                return []
            group_hits.append(sorted(found, key=lambda h: h.start))
        # The evidence of a composite is the first hit of its most specific (last) group.
        anchor = group_hits[-1][0] if len(group_hits) > 1 else group_hits[0][0]
        return [Hit(composite["tag"], anchor.start, anchor.end, f"composite:{composite['tag']}")]


def _has_range(tokens: list[dict[str, Any]]) -> bool:
    """Whether a token pattern has a ``{a,b}`` quantifier."""
    return any(str(token.get("OP", "")).startswith("{") for token in tokens)


@lru_cache(maxsize=1)
def default_tagger() -> RuleTagger:
    """The process-wide tagger (built lazily: spaCy set-up costs about a second)."""
    return RuleTagger()


def _longest_per_pattern(spans: Iterable[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Drop hits of a pattern that sit inside a longer hit of the same pattern."""
    by_pattern: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for pattern_id, start, end in spans:
        by_pattern[pattern_id].append((start, end))
    kept: list[tuple[str, int, int]] = []
    for pattern_id, ranges in by_pattern.items():
        last_end = -1
        for start, end in sorted(set(ranges), key=lambda r: (r[0], -r[1])):
            if end <= last_end:
                continue
            kept.append((pattern_id, start, end))
            last_end = max(last_end, end)
    return kept


def _apply_blockers(hits: list[Hit], blockers: list[tuple[str, int, int]]) -> list[Hit]:
    if not blockers:
        return hits
    kept = []
    for hit in hits:
        blocked = any(tag == hit.tag and start < hit.end and hit.start < end for tag, start, end in blockers)
        if not blocked:
            kept.append(hit)
    return kept


def _is_referenced(hit: Hit, references: list[Hit], text: str) -> bool:
    """True when ``hit`` lies in, or just after, a cross-reference in the same clause."""
    for ref in references:
        if ref.start <= hit.start < ref.end:
            return True
        if ref.end <= hit.start:
            gap = text[ref.end : hit.start] if text else ""
            if text and len(gap.split()) <= REFERENCE_TAIL_TOKENS and not any(c in gap for c in ";.:"):
                return True
    return False


def _end_char(doc: Doc, end_token: int) -> int:
    token = doc[end_token - 1]
    return token.idx + len(token.text)


def _slices(text: str, size: int) -> Iterable[tuple[int, str]]:
    if len(text) <= size:
        yield 0, text
        return
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            newline = text.rfind("\n", start, end)
            end = newline + 1 if newline > start else end
        yield start, text[start:end]
        start = end
