"""Defined terms: which lines open a definition, and which sections hold definitions."""

from __future__ import annotations

from analyser.numbering import Numbering

MAX_TERM_WORDS = 8
_FORBIDDEN_TERM_CHARS = frozenset(",;:()[]")


def quoted_term(numbering: Numbering, text: str) -> str:
    """The term of a quoted definition opening ``text`` ('"child" means ...'), or ''."""
    match = numbering.definitions["quoted"].regex.match(text)
    return match.group("term").strip() if match else ""


def plain_term(numbering: Numbering, text: str) -> str:
    """The term of an unquoted definition ('appearance notice means ...'), or ''.

    Only meaningful inside a definitions provision; rejects lead-ins such as
    'and, without restricting the generality, includes'.
    """
    match = numbering.definitions["plain"].regex.match(text)
    if not match:
        return ""
    term = match.group("term").strip()
    words = term.split()
    if not words or len(words) > MAX_TERM_WORDS or _FORBIDDEN_TERM_CHARS & set(term):
        return ""
    lowered = term.lower()
    if any(lowered == w or lowered.startswith(w + " ") for w in numbering.definition_stop_words):
        return ""
    return term


def opens_definitions(numbering: Numbering, text: str) -> bool:
    """True if a heading or lead-in line introduces definitions ('In this Act,')."""
    return bool(
        numbering.definitions["context_heading"].regex.search(text)
        or numbering.definitions["context_intro"].regex.search(text)
    )


def slug(term: str) -> str:
    """Path part for a defined term: 'Trafficking in persons' -> 'trafficking-in-persons'."""
    out = []
    for ch in term.lower():
        out.append(ch if ch.isalnum() else "-")
    return "-".join(p for p in "".join(out).split("-") if p) or "term"
