"""Segmentation stage: ``Document`` -> provisions with hierarchy and citations.

Three steps:

1. :mod:`analyser.markers` scans the lines and finds where provisions start, using
   the numbering style the document uses most ('Article N', 'SEC. N.', '§ N', 'N.',
   'N Heading'), which also fixes the drafting tradition.
2. :func:`build_tree` nests the marks with a stack: containers (Part, Chapter,
   Division, ...) nest in the order the document first uses them, sections close
   everything below the innermost container, and an enumerator closes back to the
   open enumerator of the same type ('(2)' closes '(1)' and its '(a)'s). A label that
   would go back among its siblings ('(1)' after '(4)') without a lead-in line before
   it is a cut cross-reference and starts nothing. Explanations and Illustrations are
   unnumbered units that hold their own lists.
3. :func:`to_provisions` gives every node its path, stable id, citation and kind.

Every character of ``Document.text`` is the own text of exactly one provision;
:func:`check_coverage` verifies it and reports any leftover as a :class:`Problem`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from analyser import amendments
from analyser.definitions import slug
from analyser.errors import AnalyserError
from analyser.markers import Mark, Scanner, detect_style, split_lines
from analyser.models import Document, Problem, Provision
from analyser.numbering import (
    NUMBERING_PATH,
    Numbering,
    label_base,
    label_follows,
    letter_successor,
    load_numbering,
    roman_successor,
)

DEFAULT_MAX_SECTION_GAP = 150
DEFAULT_MAX_HEADING_CHARS = 120
DEFAULT_MAX_LOOKBACK_LINES = 2
DEFAULT_MAX_QUOTE_LINES = 60
SHORT_TITLE_WINDOW = 30_000
MAX_COVERAGE_MESSAGES = 10
CONTAINER_KINDS = frozenset({"part", "chapter", "division", "subdivision", "title", "schedule"})
TOP_LEVEL_KINDS = frozenset({"preamble", "contents", "schedule"})
SECTION_KINDS = frozenset({"section", "article"})
NOTE_KINDS = frozenset({"explanation"})
ENUM_KINDS = frozenset({"enum", "definition"})
UNIT_KINDS = ENUM_KINDS | {"subsection", "paragraph", "subparagraph", "clause", "subclause", "item"}
_SPACES = re.compile(r"\s+")


class SegmentationError(AnalyserError):
    """Invalid segmentation settings."""


@dataclass(frozen=True)
class SegmentSettings:
    """Tunable limits of the segmenter (defaults are the named constants above)."""

    max_section_gap: int = DEFAULT_MAX_SECTION_GAP  # largest jump between section numbers
    max_heading_chars: int = DEFAULT_MAX_HEADING_CHARS
    max_lookback_lines: int = DEFAULT_MAX_LOOKBACK_LINES  # heading lines above a number
    max_quote_lines: int = DEFAULT_MAX_QUOTE_LINES  # longest quoted inserted text
    numbering_path: Path = NUMBERING_PATH

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, int) and value < 1:
                raise SegmentationError(f"SegmentSettings.{f.name} = {value} is invalid; must be >= 1")

    @classmethod
    def resolve(cls, settings: SegmentSettings | dict[str, Any] | None) -> SegmentSettings:
        """Accept ``None``, a dict of fields, or a ``SegmentSettings``."""
        if settings is None:
            return cls()
        if isinstance(settings, cls):
            return settings
        if isinstance(settings, dict):
            unknown = set(settings) - {f.name for f in fields(cls)}
            if unknown:
                raise SegmentationError(
                    f"unknown SegmentSettings {sorted(unknown)}; known: {[f.name for f in fields(cls)]}")
            return cls(**settings)
        raise SegmentationError(f"settings must be SegmentSettings, dict or None, not {type(settings).__name__}")


@dataclass
class Node:
    """A provision while the tree is built."""

    kind: str
    type: str
    label: str
    start: int
    heading: str = ""
    cite: str = ""
    prefix: str = ""
    term: str = ""
    end: int = -1
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    path: tuple[str, ...] = ()
    amends: str = ""
    lead_in: bool = False  # comes after a lead-in line, so its list may restart


def segment(document: Document, settings: SegmentSettings | dict[str, Any] | None = None
            ) -> tuple[list[Provision], list[Problem]]:
    """Split a document into provisions, in document order (pre-order of the tree).

    Args:
        document: the extracted document.
        settings: limits of the segmenter; ``None`` for the defaults.

    Returns:
        The provisions and the problems found (leftover text, no sections found).

    Raises:
        SegmentationError: on invalid settings.
        DataFileError: if ``numbering.json`` is invalid.
    """
    settings = SegmentSettings.resolve(settings)
    numbering = load_numbering(settings.numbering_path)
    text = document.text
    lines = split_lines(text)
    style = detect_style(numbering, lines)
    marks = Scanner(numbering, lines, style, settings.max_section_gap, settings.max_heading_chars,
                    settings.max_lookback_lines, settings.max_quote_lines).scan()
    kinds = numbering.kinds[numbering.traditions[style]]
    root = build_tree(marks, len(text), kinds, numbering.letter_order)
    attach_margin_notes(root, document, numbering)
    mark_amendments(root, numbering, text)
    provisions = to_provisions(root, document, text, short_title(numbering, document, text))
    problems = check_coverage(document, provisions)
    if not any(p.kind in SECTION_KINDS for p in provisions) and text.strip():
        problems.append(_problem(document, "warning", "segmentation found no sections or articles"))
    return provisions, problems


# --- step 2: nesting -------------------------------------------------------------


def build_tree(marks: list[Mark], length: int, kinds: dict[str, str],
               letter_order: dict[str, str] | None = None) -> Node:
    """Nest the marks into a tree whose root spans the whole text."""
    root = Node("root", "root", "", 0, end=length)
    stack = [root]
    order: list[str] = []
    if not marks or marks[0].offset > 0 or marks[0].kind == "elision":
        # text before the first provision, or around a leading elision (a leaf), is front matter
        _push(stack, Node("preamble", "front", "Front matter", 0, cite="Preamble"))
    for index, mark in enumerate(marks):
        if mark.kind in ("preamble", "contents") and _continues(stack, mark.kind):
            continue
        if mark.kind == "elision":
            # 'x x x' stands for omitted siblings: it closes the open enumerator
            if len(stack) > 2 and stack[-1].kind not in CONTAINER_KINDS | SECTION_KINDS:
                stack.pop().end = mark.offset
            stack[-1].children.append(Node("elision", "elision", mark.label, mark.offset,
                                           end=mark.end, parent=stack[-1]))
            continue
        cite = mark.label if mark.kind in ("preamble", "contents") else mark.cite
        node = Node(mark.kind, mark.type, mark.label, mark.offset, mark.heading, cite,
                    mark.prefix, mark.term, lead_in=mark.lead_in)
        if mark.kind in TOP_LEVEL_KINDS:
            _close_to(stack, 1, mark.offset)
        elif mark.kind in CONTAINER_KINDS:
            _close_for_container(stack, node, order)
        elif mark.kind in SECTION_KINDS:
            _close_while(stack, mark.offset, lambda n: n.kind not in CONTAINER_KINDS)
        elif mark.kind in NOTE_KINDS:
            # an Explanation closes the lettered items and any Explanation before it; it sits
            # in the subsection, numbered definition or section it explains
            _close_while(stack, mark.offset, lambda n: n.kind in NOTE_KINDS or (
                n.kind in UNIT_KINDS and n.type not in ("num", "dot")))
        elif not _nest_enumerator(stack, node, kinds, _next_label(marks, index), letter_order):
            continue  # a label that goes back is a cut cross-reference: its text stays where it is
        _push(stack, node)
    _close_to(stack, 1, length)
    return root


def _push(stack: list[Node], node: Node) -> None:
    node.parent = stack[-1]
    stack[-1].children.append(node)
    stack.append(node)


def _continues(stack: list[Node], kind: str) -> bool:
    """A second enacting line or contents heading extends the open one."""
    return len(stack) == 2 and stack[1].kind == kind


def _close_to(stack: list[Node], depth: int, offset: int) -> None:
    while len(stack) > depth:
        stack.pop().end = offset


def _close_while(stack: list[Node], offset: int, predicate: Any) -> None:
    while len(stack) > 1 and predicate(stack[-1]):
        stack.pop().end = offset


def _close_for_container(stack: list[Node], node: Node, order: list[str]) -> None:
    """Containers nest in the order the document first uses them."""
    _close_while(stack, node.start, lambda n: n.kind not in CONTAINER_KINDS)
    if node.kind not in order:
        top = stack[-1]
        position = order.index(top.kind) + 1 if top.kind in order else 0
        order.insert(position, node.kind)
    rank = order.index(node.kind)
    _close_while(stack, node.start,
                 lambda n: n.kind != "schedule" and n.kind in order and order.index(n.kind) >= rank)


def _next_label(marks: list[Mark], index: int) -> str:
    """Label of the next enumerator in the same section (for the '(i)' question)."""
    for mark in marks[index + 1:]:
        if mark.kind not in ENUM_KINDS:
            return ""
        if mark.type != "def":
            return mark.label
    return ""


def _nest_enumerator(stack: list[Node], node: Node, kinds: dict[str, str], next_label: str,
                     letter_order: dict[str, str] | None = None) -> bool:
    """Close back to the open enumerator of the same type, if any.

    Returns False (and leaves the stack alone) when the label does not come after that
    open sibling's label and no lead-in line comes before it: '(4) ... under
    subsection\n(1) may be ...' is no new '(1)', but '... includes:\n(a)' starts a list.
    """
    opened = _open_enumerators(stack)
    node.type = settle_type(node, opened, next_label)
    if _is_item(node, opened, letter_order):
        node.type = "item"
    node.kind = "definition" if node.term else kinds.get(node.type, "subparagraph")
    in_note = False
    for depth in range(len(stack) - 1, 0, -1):
        if stack[depth].kind in NOTE_KINDS:
            in_note = True  # look past an open Explanation for a sibling it closes
            continue
        if stack[depth].kind not in UNIT_KINDS:
            return True
        if stack[depth].type == node.type:
            follows = node.type == "def" or label_follows(
                node.type, stack[depth].label, node.label, letter_order)
            if in_note and not follows:
                return True  # '(a)' of an Explanation under '(m)': the Explanation's own list
            if not (follows or node.lead_in):
                return False
            _close_to(stack, depth, node.start)
            return True
    return True


def _is_item(node: Node, opened: list[Node], letter_order: dict[str, str] | None) -> bool:
    """A doubled letter '(aa)' below the letters it cannot follow is an item, a level down
    (US Code: (b)(1)(E)(i)(II)(aa)); after '(a)' it is an inserted paragraph (AUS)."""
    label = node.label
    if node.type not in ("lower", "upper") or len(label) < 2 or len(set(label)) != 1:
        return False
    if any(n.type == "item" and label in letter_successor(n.label) for n in opened):
        return True
    sibling = next((n for n in opened if n.type == node.type), None)
    return label.lower() == "aa" and sibling is not None and not label_follows(
        node.type, sibling.label, label, letter_order)


def _open_enumerators(stack: list[Node]) -> list[Node]:
    out = []
    for node in reversed(stack):
        if node.kind in CONTAINER_KINDS or node.kind in SECTION_KINDS or node.parent is None:
            break
        out.append(node)
    return out


def settle_type(node: Node, open_nodes: list[Node], next_label: str) -> str:
    """Settle '(i)' as a roman numeral or a letter from the open levels and what follows.

    A label is a letter if it follows an open letter ('h' -> 'i'), roman if it follows
    an open numeral ('i' -> 'ii'); when both or neither hold, the next label decides
    ('(ii)' next means roman), and a lone 'i' defaults to roman.
    """
    if not node.type.endswith("?"):
        return node.type
    letter, roman = node.type[:-1], "roman" if node.type == "lower?" else "uroman"
    label = node.label
    base = label_base(label)[0]
    if base != label:  # inserted '(c.1)' takes the type of its open base '(c)'
        same = [n.type for n in open_nodes
                if n.type in (letter, roman) and label_base(n.label)[0] == base]
        if same:
            return same[0]
    letter_ok = any(n.type == letter and label in letter_successor(n.label) for n in open_nodes)
    roman_ok = any(n.type == roman and roman_successor(n.label) == label for n in open_nodes)
    if letter_ok != roman_ok:
        if letter_ok and next_label and next_label == roman_successor(label):
            return roman
        return letter if letter_ok else roman
    if next_label and next_label == roman_successor(label):
        return roman
    if next_label and next_label in letter_successor(label):
        return letter
    return roman if (roman_ok or len(label) > 1 or label in "iI") else letter


# --- step 3: provisions ---------------------------------------------------------


def to_provisions(root: Node, document: Document, text: str, act: str) -> list[Provision]:
    """Pre-order provisions with paths, ids and citations."""
    jurisdiction = document.source.jurisdiction
    stem = Path(document.source.name).stem
    taken: set[str] = set()
    out: list[Provision] = []
    page_of = _page_lookup(document)

    def visit(node: Node, parent_id: str | None) -> None:
        node.path = _unique_path(node, taken)
        pid = f"{jurisdiction}/{stem}/{'/'.join(node.path)}"
        out.append(Provision(
            id=pid, jurisdiction=jurisdiction, document=document.source.name,
            citation=_citation(node), kind=node.kind, label=node.term or node.label,
            heading=node.heading, path=node.path, parent_id=parent_id,
            text=text[node.start:node.end], char_start=node.start, char_end=node.end,
            page_start=page_of(node.start), page_end=page_of(max(node.start, node.end - 1)),
            amends=node.amends, act=act))
        for child in node.children:
            visit(child, pid)

    for child in root.children:
        visit(child, None)
    return out


def _path_part(node: Node) -> str:
    if node.type == "front":
        return "front"
    if node.kind in ("preamble", "contents", "elision"):
        return node.kind
    if node.kind in NOTE_KINDS:
        return slug(node.label)
    if node.term:
        return f"def-{slug(node.term)}"
    if node.kind in CONTAINER_KINDS or node.kind in SECTION_KINDS:
        label = node.label if node.label.replace(".", "").isalnum() else slug(node.label).replace("-", "")
        return f"{node.prefix}-{label.lower() if node.kind == 'schedule' else label}"
    return node.label.strip("().")


def _unique_path(node: Node, taken: set[str]) -> tuple[str, ...]:
    """Label-derived path; a repeat gets its container's path as prefix, then '~n'."""
    part = _path_part(node)
    parent = node.parent
    inherited = parent.path if parent and parent.kind not in CONTAINER_KINDS and parent.kind != "root" else ()
    candidates = [inherited + (part,)]
    if parent and parent.kind in CONTAINER_KINDS:
        candidates.append(parent.path + (part,))
    for path in candidates:
        if "/".join(path) not in taken:
            taken.add("/".join(path))
            return path
    base, n = candidates[-1], 2
    while "/".join(base[:-1] + (f"{part}~{n}",)) in taken:
        n += 1
    path = base[:-1] + (f"{part}~{n}",)
    taken.add("/".join(path))
    return path


def _citation(node: Node) -> str:
    if node.cite:
        return node.cite
    parent = node.parent
    if parent and _lone_definition(parent) and node.kind != "elision":
        parent = parent.parent  # '(5) In this section, court means (a) ...' is cited s. 32(5)(a)
    parent_cite = parent.cite if parent and parent.kind != "root" else ""
    if node.kind == "elision":
        node.cite = parent_cite
    elif node.kind in NOTE_KINDS:
        node.cite = f"{parent_cite}, {node.label}".strip(", ")
    elif node.kind == "definition" and node.type == "def":
        node.cite = f'{parent_cite} "{node.term}"'.strip()
    else:
        space = " " if parent and parent.kind in NOTE_KINDS else ""  # 's. 64(2), Explanation (a)'
        node.cite = f"{parent_cite}{space}({node.label.strip('().')})"
    return node.cite


def _lone_definition(node: Node) -> bool:
    """A defined term that is the only one of its unit: its paragraphs are the unit's own.

    In a list of definitions a lawyer cites 'paragraph (a) of the definition "X" in
    s. 2(1)'; a subsection that defines one term has plain paragraphs 's. 32(5)(a)'.
    """
    if node.kind != "definition" or node.type != "def" or node.parent is None:
        return False
    return sum(1 for n in node.parent.children if n.kind == "definition") == 1


def _page_lookup(document: Document) -> Any:
    """``Document.page_at`` with the page starts computed once."""
    starts = document.page_starts
    numbers = [p.number for p in document.pages]

    def page_of(offset: int) -> int:
        if not numbers:
            return 1
        return numbers[max(bisect.bisect_right(starts, offset) - 1, 0)]

    return page_of


def short_title(numbering: Numbering, document: Document, text: str) -> str:
    """The short title from the 'may be cited as' clause, else the document title."""
    match = numbering.short_title.regex.search(_SPACES.sub(" ", text[:SHORT_TITLE_WINDOW]))
    return match.group("title").strip() if match else document.health.title


def attach_margin_notes(root: Node, document: Document, numbering: Numbering) -> None:
    """Give sections without a heading the margin notes of their page, in order; numbered
    footnotes ('31 Section 12 substituted ...') among the notes are no margin notes."""
    if not any(p.notes.strip() for p in document.pages):
        return
    page_of = _page_lookup(document)
    waiting: dict[int, list[Node]] = {}
    for node in _walk(root):
        if node.kind in SECTION_KINDS and not node.heading:
            waiting.setdefault(page_of(node.start), []).append(node)
    for page in document.pages:
        notes = _margin_notes(page.notes, numbering)
        for node, note in zip(waiting.get(page.number, []), notes):
            node.heading = note


def _margin_notes(notes: str, numbering: Numbering) -> list[str]:
    """The notes of a page up to its first numbered footnote: footnotes, with their
    wrapped lines, come last ('31 Section 12 substituted ...' / 'dated 24-Sep-2020')."""
    footnote = numbering.line_patterns["footnote_note"].regex
    kept: list[str] = []
    for note in (n.strip() for n in notes.splitlines()):
        if footnote.match(note):
            break
        if note:
            kept.append(note)
    return kept


def mark_amendments(root: Node, numbering: Numbering, text: str) -> None:
    """Attribute amending sections (and their units) to the provision they amend."""
    principal = amendments.find_principal_act(numbering, text)
    for node in _walk(root):
        if node.kind not in SECTION_KINDS:
            continue
        words = node.heading + "\n" + text[node.start:min(node.end, node.start + 600)]
        if not amendments.is_amending(numbering, words):
            continue
        act = amendments.amended_act_in(numbering, words) or principal
        where = amendments.target(numbering, node.heading) or amendments.target(numbering, words)
        if act and where:
            for unit in _walk(node):
                unit.amends = f"{act.cite} {where}"


def _walk(node: Node) -> list[Node]:
    out, todo = [], [node]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(reversed(current.children))
    return out


# --- checks ----------------------------------------------------------------------


def check_coverage(document: Document, provisions: list[Provision]) -> list[Problem]:
    """Check that every character is the own text of exactly one provision.

    Also checks offsets, parent links and id uniqueness. Returns problems (empty when
    all is well); never raises.
    """
    text = document.text
    problems: list[str] = []
    by_id: dict[str, Provision] = {}
    children: dict[str | None, list[Provision]] = {}
    for p in provisions:
        if p.id in by_id:
            problems.append(f"duplicate provision id {p.id}")
        by_id[p.id] = p
        children.setdefault(p.parent_id, []).append(p)
        if not 0 <= p.char_start <= p.char_end <= len(text):
            problems.append(f"{p.id}: span {p.char_start}-{p.char_end} outside the text")
    for p in provisions:
        parent = by_id.get(p.parent_id) if p.parent_id else None
        if p.parent_id and parent is None:
            problems.append(f"{p.id}: unknown parent {p.parent_id}")
        elif parent and not parent.char_start <= p.char_start <= p.char_end <= parent.char_end:
            problems.append(f"{p.id}: span lies outside its parent {parent.id}")
    problems.extend(_tiling_problems(_own_segments(provisions, children), len(text), text))
    return [_problem(document, "error", m) for m in _capped(problems)]


def _own_segments(provisions: list[Provision], children: dict[str | None, list[Provision]]
                  ) -> list[tuple[int, int, str]]:
    segments = []
    for p in provisions:
        cursor = p.char_start
        for child in sorted(children.get(p.id, []), key=lambda c: c.char_start):
            if child.char_start > cursor:
                segments.append((cursor, child.char_start, p.id))
            cursor = max(cursor, child.char_end)
        if p.char_end > cursor:
            segments.append((cursor, p.char_end, p.id))
    return sorted(segments)


def _tiling_problems(segments: list[tuple[int, int, str]], length: int, text: str) -> list[str]:
    out, cursor = [], 0
    for start, end, pid in segments:
        if start > cursor:
            out.append(f"characters {cursor}-{start} belong to no provision: {text[cursor:start][:60]!r}")
        elif start < cursor:
            out.append(f"characters {start}-{min(end, cursor)} of {pid} belong to two provisions")
        cursor = max(cursor, end)
    if cursor < length:
        out.append(f"characters {cursor}-{length} belong to no provision: {text[cursor:length][:60]!r}")
    return out


def _capped(messages: list[str]) -> list[str]:
    if len(messages) <= MAX_COVERAGE_MESSAGES:
        return messages
    return messages[:MAX_COVERAGE_MESSAGES] + [f"... and {len(messages) - MAX_COVERAGE_MESSAGES} more"]


def _problem(document: Document, severity: str, message: str) -> Problem:
    return Problem(document.source.jurisdiction, document.source.name, severity,  # type: ignore[arg-type]
                   f"segment: {message}")
