"""Token patterns with bounded wildcard gaps, matched without spaCy's state explosion.

spaCy's ``Matcher`` expands ``{"OP": "{0,20}"}`` into twenty optional wildcard tokens and
keeps one state per *path* through them, so the number of live states grows
combinatorially: one 1,000-token section of the Canadian Criminal Code took 5 s for the
single pattern ``consent-irrelevant-span`` and the whole code about two minutes of
tagging (issue 8). This matcher finds the same spans by dynamic programming over *sets*
of positions: from every token that matches the pattern's first element, each element
maps the set of reachable positions to the next set (a gap ``{a,b}`` adds a..b, an
optional token keeps the position), so the work per start is bounded by the pattern's
length times its widest gap.

Supported (anything else stays with spaCy's ``Matcher``): token specs made of ``LOWER``
(a string or ``{"IN": [...]}``), ``LIKE_NUM`` and ``IS_TITLE``, with no ``OP`` or ``"?"``;
wildcards (``{}``) with no ``OP``, ``"?"`` or ``"{a,b}"``; a first element that is a
required ``LOWER`` token. Like spaCy's ``Matcher``, every (start, end) span the pattern
matches is returned; :func:`analyser.rules._longest_per_pattern` then keeps the longest.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Doc

_RANGE_RE = re.compile(r"^\{(\d*),(\d*)\}$")
_SPEC_KEYS = frozenset({"LOWER", "LIKE_NUM", "IS_TITLE"})

Element = tuple[str, Any, Any]  # ("tok", spec, optional) | ("gap", low, high)


def compile_pattern(tokens: list[dict[str, Any]]) -> list[Element] | None:
    """The elements of a token pattern, or None when this matcher does not support it."""
    elements: list[Element] = []
    for token in tokens:
        op = token.get("OP")
        spec = {k: v for k, v in token.items() if k != "OP"}
        if not spec:  # wildcard
            if op is None:
                elements.append(("gap", 1, 1))
            elif op == "?":
                elements.append(("gap", 0, 1))
            else:
                match = _RANGE_RE.match(str(op))
                if not match or not match.group(2):
                    return None
                elements.append(("gap", int(match.group(1) or 0), int(match.group(2))))
            continue
        if op not in (None, "?") or not set(spec) <= _SPEC_KEYS:
            return None
        lower = spec.get("LOWER")
        from spacy.strings import hash_string

        if lower is not None and not isinstance(lower, str):
            if not (isinstance(lower, dict) and set(lower) == {"IN"} and isinstance(lower["IN"], list)):
                return None
            spec = {**spec, "LOWER": frozenset(hash_string(w) for w in lower["IN"])}
        elif lower is not None:
            spec = {**spec, "LOWER": hash_string(lower)}
        for key in ("LIKE_NUM", "IS_TITLE"):
            if key in spec and not isinstance(spec[key], bool):
                return None
        elements.append(("tok", spec, op == "?"))
    if not elements or elements[0][0] != "tok" or elements[0][2] or "LOWER" not in elements[0][1]:
        return None
    return elements


class GapMatcher:
    """Matches compiled patterns (see :func:`compile_pattern`) against a ``Doc``."""

    def __init__(self) -> None:
        self.patterns: list[tuple[str, list[Element]]] = []

    def add(self, pattern_id: str, tokens: list[dict[str, Any]]) -> bool:
        """Add a pattern; False (and nothing added) when it is not supported."""
        elements = compile_pattern(tokens)
        if elements is None:
            return False
        self.patterns.append((pattern_id, elements))
        return True

    def __len__(self) -> int:
        return len(self.patterns)

    def __call__(self, doc: Doc) -> list[tuple[str, int, int]]:
        """Every ``(pattern_id, start, end)`` span (token offsets) the patterns match."""
        if not self.patterns:
            return []
        lowers = doc.to_array("LOWER").tolist()  # hashes of the lower-case forms
        index: dict[int, list[int]] = {}
        for position, lower in enumerate(lowers):
            index.setdefault(lower, []).append(position)
        flags: dict[tuple[str, int], bool] = {}

        def matches(spec: dict[str, Any], position: int) -> bool:
            lower = spec.get("LOWER")
            if lower is not None:
                word = lowers[position]
                if isinstance(lower, frozenset):
                    if word not in lower:
                        return False
                elif word != lower:
                    return False
            for key in ("LIKE_NUM", "IS_TITLE"):
                if key in spec:
                    cached = flags.get((key, position))
                    if cached is None:
                        token = doc[position]
                        cached = flags[(key, position)] = bool(token.like_num if key == "LIKE_NUM" else token.is_title)
                    if cached != spec[key]:
                        return False
            return True

        size = len(lowers)
        spans: list[tuple[str, int, int]] = []
        for pattern_id, elements in self.patterns:
            first = elements[0][1]
            lower = first["LOWER"]
            words = lower if isinstance(lower, frozenset) else (lower,)
            starts = sorted({p for w in words for p in index.get(w, ())})
            for start in starts:
                if not matches(first, start):
                    continue
                reach = {start + 1}
                for kind, a, b in elements[1:]:
                    if kind == "gap":
                        reach = {p + k for p in reach for k in range(a, b + 1) if p + k <= size}
                    else:
                        moved = {p + 1 for p in reach if p < size and matches(a, p)}
                        reach = moved | reach if b else moved
                    if not reach:
                        break
                spans.extend((pattern_id, start, end) for end in reach if end > start)
        return spans


__all__ = ["GapMatcher", "compile_pattern"]
