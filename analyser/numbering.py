"""Numbering schemes of statutes, loaded from ``analyser/data/numbering.json``.

The JSON holds named regex fragments (``$name`` inside a regex is replaced by the
fragment, wrapped in ``(?:...)``), line patterns, section styles and enumerators, each
with examples and counter-examples. This module only composes and compiles them and
offers the small label arithmetic that segmentation needs (roman numerals, letter
successors, ordering keys of section numbers).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from collections.abc import Mapping
from typing import Any

from analyser.errors import DataFileError

NUMBERING_PATH = Path(__file__).parent / "data" / "numbering.json"
_VARIABLE = re.compile(r"\$([a-z_]+)")
_MAX_EXPANSION_DEPTH = 5
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_ROMAN_RE = re.compile(r"^(?=[ivxlcdm])m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_NUMBER_PART = re.compile(r"(\d+)([A-Za-z]*)")


@dataclass(frozen=True)
class Pattern:
    """One compiled, documented pattern from the data file."""

    name: str
    regex: re.Pattern[str]
    meta: dict[str, Any]


@dataclass(frozen=True)
class Numbering:
    """All compiled numbering patterns (see ``numbering.json`` for what each means)."""

    line_patterns: dict[str, Pattern]
    section_styles: dict[str, Pattern]
    enumerators: dict[str, Pattern]
    heading_separator: Pattern
    definitions: dict[str, Pattern]
    amendments: dict[str, Pattern]
    short_title: Pattern
    continuation_words: frozenset[str]
    definition_stop_words: tuple[str, ...]
    kinds: dict[str, dict[str, str]]
    traditions: dict[str, str]
    letter_order: dict[str, str]


def expand(regex: str, fragments: dict[str, str], depth: int = 0) -> str:
    """Replace ``$name`` by its fragment, recursively.

    Raises:
        DataFileError: on an unknown fragment name or a cycle.
    """
    if depth > _MAX_EXPANSION_DEPTH:
        raise DataFileError(f"numbering.json: fragment nesting deeper than {_MAX_EXPANSION_DEPTH}")

    def repl(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in fragments:
            raise DataFileError(
                f"numbering.json: unknown fragment ${name}; known: {sorted(fragments)}"
            )
        return "(?:" + expand(fragments[name], fragments, depth + 1) + ")"

    return _VARIABLE.sub(repl, regex)


def _compile(name: str, entry: dict[str, Any], fragments: dict[str, str]) -> Pattern:
    try:
        compiled = re.compile(expand(entry["regex"], fragments))
    except (re.error, KeyError, TypeError) as exc:
        raise DataFileError(f"numbering.json: pattern {name!r} is invalid: {exc}") from exc
    return Pattern(name, compiled, {k: v for k, v in entry.items() if k != "regex"})


def _section(data: dict[str, Any], key: str, fragments: dict[str, str]) -> dict[str, Pattern]:
    return {
        name: _compile(name, entry, fragments)
        for name, entry in data[key].items()
        if not name.startswith("#") and isinstance(entry, dict)
    }


@lru_cache(maxsize=4)
def load_numbering(path: Path = NUMBERING_PATH) -> Numbering:
    """Load and compile the numbering data file (cached).

    Raises:
        DataFileError: if the file is missing, not JSON, or a regex is invalid.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        fragments = {k: v["regex"] for k, v in data["fragments"].items() if not k.startswith("#")}
        return Numbering(
            line_patterns=_section(data, "line_patterns", fragments),
            section_styles=_section(data, "section_styles", fragments),
            enumerators=_section(data, "enumerators", fragments),
            heading_separator=_compile("heading_separator", data["heading_separator"], fragments),
            definitions=_section(data, "definitions", fragments),
            amendments=_section(data, "amendments", fragments),
            short_title=_compile("short_title", data["short_title"], fragments),
            continuation_words=frozenset(data["continuation_words"]["words"]),
            definition_stop_words=tuple(data["definitions"]["stop_words"]),
            kinds={k: v for k, v in data["kinds"].items() if not k.startswith("#")},
            traditions={k: v for k, v in data["traditions"].items() if not k.startswith("#")},
            letter_order={k: v for k, v in data["letter_order"].items() if not k.startswith("#")},
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataFileError(f"cannot load numbering data {path}: {exc}") from exc


def all_patterns(numbering: Numbering) -> list[Pattern]:
    """Every documented pattern, for the data tests."""
    groups = (
        numbering.line_patterns,
        numbering.section_styles,
        numbering.enumerators,
        numbering.definitions,
        numbering.amendments,
    )
    singles = [numbering.heading_separator, numbering.short_title]
    return [p for g in groups for p in g.values()] + singles


# --- label arithmetic -------------------------------------------------------------


def is_roman(label: str) -> bool:
    """True for a well-formed roman numeral (either case)."""
    return bool(label) and bool(_ROMAN_RE.match(label.lower()))


def roman_value(label: str) -> int:
    """Value of a roman numeral; 0 if it is not one."""
    if not is_roman(label):
        return 0
    values = [_ROMAN_VALUES[c] for c in label.lower()]
    total = 0
    for i, v in enumerate(values):
        total += -v if i + 1 < len(values) and values[i + 1] > v else v
    return total


def to_roman(value: int) -> str:
    """Lower-case roman numeral of ``value`` (1..3999)."""
    table = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
             (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = []
    for number, numeral in table:
        while value >= number:
            out.append(numeral)
            value -= number
    return "".join(out)


def label_base(label: str) -> tuple[str, str]:
    """An inserted label split into base and insertion digits: 'c.1' -> ('c', '1').

    Canadian acts insert units between existing ones with a dotted number
    ((b.1), (ii.1), (1.01)); they take the type and the place of their base. The digits
    are a decimal fraction: (1.01) comes before (1.1), so they compare as strings.
    """
    base, _, number = label.partition(".")
    return (base, number) if number.isdigit() else (label, "")


def roman_successor(label: str) -> str:
    """The roman numeral after ``label`` (or after its base: 'iv.1' -> 'v'), in the same case."""
    base = label_base(label)[0]
    nxt = to_roman(roman_value(base) + 1)
    return nxt.upper() if base.isupper() else nxt


def letter_successor(label: str) -> set[str]:
    """Labels that may follow letter ``label``: 'h'->'i', 'z'->'aa', 'bb'->'cc'; an
    inserted label ('ba', 'aa') may follow too, so the same letter doubled counts.
    An inserted label 'c.1' is followed by what follows 'c'."""
    label = label_base(label)[0]
    if not label or not label.isalpha():
        return set()
    last = label[-1]
    if last in "zZ":
        nxt = {("a" if last == "z" else "A") * (len(label) + 1)}
    else:
        step = chr(ord(last) + 1)
        nxt = {label[:-1] + step, step * len(label)}
    return nxt | {label + ("a" if label.islower() else "A")}


def label_follows(kind: str, previous: str, label: str,
                  letter_order: Mapping[str, str] | None = None) -> bool:
    """True if enumerator ``label`` may come after its sibling ``previous`` of type ``kind``.

    Siblings go up: (2) after (1), (1.1) after (1), (b) after (a), (aa) after (z), (v)
    after (iv.1). A label that goes back or repeats is a cross-reference cut by a line
    end ('... under subsection\n(1) may ...'), not a new unit. ``letter_order`` places
    letters outside a-z (Vietnamese 'đ' after 'd'; see ``numbering.json``).
    """
    (base, inserted), (old_base, old_inserted) = label_base(label), label_base(previous)
    if base == old_base:
        return inserted > old_inserted
    if kind in ("roman", "uroman") and is_roman(base) and is_roman(old_base):
        return roman_value(base) > roman_value(old_base)
    if base.isdigit() or old_base.isdigit() or not base.isalpha():
        return number_key(base) > number_key(old_base)
    order = letter_order or {}

    def key(text: str) -> str:
        return "".join(order.get(ch, ch) for ch in text.lower())

    return key(base) > key(old_base) or base in letter_successor(old_base)


def number_key(num: str) -> tuple[tuple[int, str], ...]:
    """Ordering key of a section number: '270.3A' -> ((270, ''), (3, 'A'))."""
    parts = []
    for piece in num.split("."):
        match = _NUMBER_PART.fullmatch(piece)
        parts.append((int(match.group(1)), match.group(2).upper()) if match else (0, piece))
    return tuple(parts)


def decimal_key(num: str) -> tuple[str, ...]:
    """Canadian decimal ordering: 279.011 < 279.02 (fractions compare as strings)."""
    head, _, tail = num.partition(".")
    match = _NUMBER_PART.fullmatch(head)
    return (f"{int(match.group(1)):06d}{match.group(2)}" if match else head, tail)


def follows(previous: str | None, num: str) -> bool:
    """True if section ``num`` may come after ``previous`` (integer or decimal order)."""
    if previous is None:
        return True
    return number_key(num) > number_key(previous) or decimal_key(num) > decimal_key(previous)


def integer_part(num: str) -> int:
    """Leading integer of a section number ('270.3A' -> 270)."""
    match = re.match(r"\d+", num)
    return int(match.group(0)) if match else 0
