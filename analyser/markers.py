"""Line scan: find where provisions start (``Mark``s), before any nesting.

One pass over the lines of ``Document.text``. Each line is tested against the
patterns of ``numbering.json`` in a fixed order (quoted inserted text, elision,
contents, enacting words, containers, sections, Explanations, enumerators,
definitions). The scan keeps only the state that decides whether a candidate is real:
the last section number (numbers must increase, so a wrapped '12 months' is not a
section), whether a table of contents is open, and whether the current section holds
definitions or amending text.

PDF lines wrap anywhere, so the line before a candidate matters: a line that ends
inside a cross-reference ('... under subsection') makes the '(2)' that opens the next
line part of it; an unquoted defined term starts a definition only after a line that
ends a unit; and a mark records whether a lead-in line ('... includes:') comes before
it, so that the nesting step may let its list restart.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from analyser import amendments, definitions
from analyser.numbering import Numbering, follows, integer_part, is_roman

CONTAINER_PATTERNS = ("schedule", "part", "chapter", "division", "subdivision", "title")
STYLE_ORDER = ("section_word", "article", "sign", "number_dot", "number_space")
STYLE_WEIGHT = {"section_word": 3, "article": 3, "sign": 3, "number_dot": 1, "number_space": 1}
SECONDARY_STYLES = {"number_space": ("number_bare",)}
MAX_INLINE_STARTS = 3
MAX_BARE_GAP = 3
MIN_BODY_VOTES = 5  # style votes needed before a schedule heading ends the vote
# A line that ends a sentence or a list item. 'and'/'or' count only after punctuation
# ('(a) sells; or'): a PDF line that ends '... section 487.055 or' is cut mid-sentence.
_TERMINAL = re.compile(r"(?:[.;:\u2014\u2013-]|[;,]\s*(?:and|or))\s*$")
_WORD = re.compile(r"[A-Za-z]+")
_BRACKETED = re.compile(r"\(([\w.]{1,6})\)")
_HEADING_WORD = re.compile(r"[^\W\d_]{3}")  # a heading has a word of three letters or more
ENUM_MARKS = ("enum", "definition", "elision")


@dataclass
class Line:
    """One line of the document: offsets and its text without surrounding spaces."""

    start: int  # offset of the first character of the line
    lead: int  # offset of the first non-space character
    end: int  # offset just after the newline
    text: str


@dataclass
class Mark:
    """A place where a provision starts, as found by the scan."""

    offset: int
    kind: str  # preamble|contents|part|...|schedule|section|article|enum|definition|elision
    type: str = ""  # enum label type (num/lower/roman/...), 'def', or the section style
    label: str = ""
    heading: str = ""
    cite: str = ""  # citation of a section or container ('s. 12', 'Part II')
    prefix: str = ""  # path prefix ('s', 'art', 'pt')
    end: int = -1  # leaf marks (elision) end here
    line: int = -1  # index of the line
    term: str = ""  # defined term of a numbered definition
    lead_in: bool = False  # an enumerator after a finished sentence or lead-in ('... includes:')
    extra: dict[str, str] = field(default_factory=dict)


def split_lines(text: str) -> list[Line]:
    """Lines with offsets; every character of ``text`` is in exactly one line."""
    lines, pos = [], 0
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        lead = pos + (len(raw) - len(raw.lstrip())) if stripped else pos
        lines.append(Line(pos, lead, pos + len(raw), stripped))
        pos += len(raw)
    return lines


def detect_style(numbering: Numbering, lines: list[Line]) -> str:
    """The section style the document uses most (weighted; see ``STYLE_WEIGHT``).

    Only the body votes: counting stops at a schedule heading once the body has voted,
    because a schedule listing the sections of other laws ('109 Punishment of abetment')
    can outnumber the sections of a short act ('1. Short title.--')."""
    counts: Counter[str] = Counter()
    entry = numbering.line_patterns["contents_entry"].regex
    schedule = numbering.line_patterns["schedule"].regex
    for line in lines:
        if not line.text or entry.match(line.text):
            continue
        if sum(counts.values()) >= MIN_BODY_VOTES and schedule.match(line.text):
            break  # a schedule's numbered list ('109 Punishment of abetment') is not the body
        for style in STYLE_ORDER:
            if numbering.section_styles[style].regex.match(line.text):
                counts[style] += STYLE_WEIGHT[style]
                break
    if not counts:
        return "number_dot"
    best = max(counts.values())
    return next(s for s in STYLE_ORDER if counts[s] == best)


class Scanner:
    """Turns lines into marks for one document (state lives for one scan)."""

    def __init__(self, numbering: Numbering, lines: list[Line], style: str,
                 max_gap: int, max_heading: int, max_lookback: int, max_quote: int) -> None:
        self.n = numbering
        self.lines = lines
        self.style = style
        self.tradition = numbering.traditions[style]
        self.max_gap = max_gap
        self.max_heading = max_heading
        self.max_lookback = max_lookback
        self.max_quote = max_quote
        self.marks: list[Mark] = []
        self.last_num: str | None = None
        self.reset_allowed = True
        self.in_contents = False
        self.contents_paged = False
        self.contents_nums: set[str] = set()
        self.quote_left = 0
        self.def_context = False
        self.def_intro = -1  # index of the line that opened the definitions
        self.amending = False
        self.seen_section = False
        self.previous = ""  # text of the previous non-blank line
        self.previous_index = -1  # its index
        self.previous_blank = True  # the line just before is blank (a paragraph break)
        self.consumed = -1  # index of the last line used by a mark (no lookback past it)

    # -- driver ----------------------------------------------------------------------

    def scan(self) -> list[Mark]:
        """Run the scan and return the marks in document order."""
        for index, line in enumerate(self.lines):
            if line.text:
                self._line(index, line)
                self.previous, self.previous_index = line.text, index
            self.previous_blank = not line.text
        return self.marks

    def _line(self, i: int, line: Line) -> None:
        text = line.text
        if self.quote_left:
            self._in_quote(text)
            return
        if self.amending and amendments.opens_quote(self.n, text, self.previous):
            self.quote_left = self.max_quote
            self._in_quote(text)
            return
        for handler in (self._elision, self._contents, self._enacting, self._container,
                        self._section, self._explanation, self._enumerator, self._definition):
            if handler(i, line):
                return
        if self.seen_section and definitions.opens_definitions(self.n, text):
            self.def_context, self.def_intro = True, i
        if self.seen_section and amendments.in_amending_context(self.n, text):
            self.amending = True

    def _in_quote(self, text: str) -> None:
        self.quote_left -= 1
        if amendments.closes_quote(self.n, text):
            self.quote_left = 0

    def _add(self, mark: Mark, i: int) -> Mark:
        mark.line = i
        self.marks.append(mark)
        self.consumed = i
        return mark

    # -- handlers: each returns True when it consumed the line ---------------------

    def _elision(self, i: int, line: Line) -> bool:
        if not self.n.line_patterns["elision"].regex.match(line.text):
            return False
        self._add(Mark(line.lead, "elision", label="x x x", end=line.end), i)
        return True

    def _contents(self, i: int, line: Line) -> bool:
        text = line.text
        if not self.seen_section and self.n.line_patterns["contents_header"].regex.match(text):
            self.in_contents, self.contents_paged = True, False
            self._add(Mark(line.lead, "contents", label="Contents"), i)
            return True
        if not self.in_contents:
            return False
        entry = self.n.line_patterns["contents_entry"].regex.match(text)
        body = text[:entry.start("page")].rstrip(" \t_*") if entry else text
        if not entry and self._ends_contents(i, body):
            self.in_contents = False
            return False
        self.contents_paged = self.contents_paged or bool(entry)
        key = self._contents_key(body)
        if key:
            self.contents_nums.add(key)
        return True

    def _contents_key(self, text: str) -> str:
        """'pt:Part I' or 's:12' for a line that names a container or a section, else ''."""
        found = self._container_match(text)
        if found:
            return f"{found[0]}:{found[1].group('num') or ''}".lower()
        match = self._style_match(text)
        return f"s:{match.group('num')}" if match else ""

    def _ends_contents(self, i: int, text: str) -> bool:
        """Contents end at the enacting words or where a listed heading comes again; after
        entries with page numbers, also at a heading whose next line is no entry (ComLaw
        contents give page numbers to Parts only, so '1 Short title' may be an entry)."""
        if self.n.line_patterns["enacting"].regex.match(text):
            return True
        key = self._contents_key(text)
        if not key:
            return False
        return key in self.contents_nums or (self.contents_paged and not self._entry_follows(i))

    def _entry_follows(self, i: int) -> bool:
        """The next non-blank line looks like a contents entry (a heading or a paged line)."""
        for line in self.lines[i + 1:]:
            if line.text:
                return bool(self.n.line_patterns["contents_entry"].regex.match(line.text)
                            or self._contents_key(line.text))
        return False

    def _enacting(self, i: int, line: Line) -> bool:
        if self.seen_section or not self.n.line_patterns["enacting"].regex.match(line.text):
            return False
        if not (self.marks and self.marks[-1].kind == "preamble"):
            self._add(Mark(line.lead, "preamble", label="Preamble"), i)
        return True

    def _container_match(self, text: str) -> tuple[str, re.Match[str]] | None:
        if len(text) > self.max_heading * 2:
            return None
        for name in CONTAINER_PATTERNS:
            match = self.n.line_patterns[name].regex.match(text)
            if match:
                return name, match
        return None

    def _container(self, i: int, line: Line) -> bool:
        found = self._container_match(line.text)
        if not found:
            return False
        name, match = found
        if name == "schedule" and not match.group("num") and self._numbering_goes_on(i):
            return False  # a cross-heading named 'Schedule' over the section on the schedule
        meta = self.n.line_patterns[name].meta
        num = match.group("num") or ""
        rest = re.sub(r"^\s*(?:--|[\u2014\u2013:.-])?\s*", "", match.group("rest") or "")
        kw = match.group("kw")
        cite_kw = line.text[: match.start("kw")].lstrip("\u201c\"") + kw if name == "schedule" else kw
        ordinal = match.groupdict().get("ord") or ""
        label = num or (ordinal if ordinal and ordinal.lower() != "the" else kw)
        mark = Mark(line.lead, meta["kind"], type=name, label=label.strip(),
                    heading=rest.strip().strip("\u201d\"").strip(),
                    cite=f"{cite_kw.strip()} {num}".strip(), prefix=meta.get("prefix", name))
        self._add(mark, i)
        if not mark.heading:
            self._take_next_heading(i, mark)
        self.reset_allowed = True
        self.def_context = False
        return True

    def _numbering_goes_on(self, i: int) -> bool:
        """The next non-blank line is the next section of the body ('3 ...', 'Schedule',
        '4 Designation'): a schedule restarts its numbering, so this is a cross-heading."""
        if not self.seen_section or self.last_num is None:
            return False
        for line in self.lines[i + 1:i + 4]:
            if line.text:
                match = self._style_match(line.text)
                if not match:
                    return False
                first = _range_ends(match.group("num"))[0]
                return follows(self.last_num, first) and (
                    0 < integer_part(first) - integer_part(self.last_num) <= 1)
        return False

    def _take_next_heading(self, i: int, mark: Mark) -> None:
        """A container whose heading is on the next line ('PART I' / 'PRELIMINARY')."""
        for j in range(i + 1, min(i + 4, len(self.lines))):
            text = self.lines[j].text
            if not text:
                continue
            if self._heading_like(text) and not self._style_match(text) and not self._container_match(text):
                mark.heading = text
                self.consumed = j
            return

    # -- sections ---------------------------------------------------------------------

    def _style_match(self, text: str) -> re.Match[str] | None:
        match = self.n.section_styles[self.style].regex.match(text)
        if match:
            return match
        for extra in SECONDARY_STYLES.get(self.style, ()):
            match = self.n.section_styles[extra].regex.match(text)
            if match:
                return match
        return None

    def _section(self, i: int, line: Line) -> bool:
        match = self._style_match(line.text)
        pattern = self.n.section_styles[self.style]
        if match and self._plausible(match, line.text, i):
            num = match.group("num")
            mark = Mark(line.lead, pattern.meta["kind"], type=self.style, label=num,
                        cite=self._section_cite(match), prefix=pattern.meta["prefix"])
            if match.groupdict().get("suffix"):
                mark.label = f"{num} {match.group('suffix')}"
            rest = match.groupdict().get("rest")
            rest_start = match.start("rest") if rest is not None else len(line.text)
        else:
            ocr = None if match else self._ocr_number(line.text) or self._marginal_note_number(line.text)
            if not ocr:
                return False
            num, rest, rest_start = ocr
            mark = Mark(line.lead, pattern.meta["kind"], type=self.style, label=num,
                        cite=pattern.meta["citation"].format(kw="", num=num, suffix="").strip(),
                        prefix=pattern.meta["prefix"])
        floor = self.consumed
        self._add(mark, i)
        body_offset = line.lead + rest_start
        self._section_heading(i, mark, rest or "", body_offset)
        if pattern.meta.get("heading_above"):
            self._lookback(i, mark, floor)
        self.last_num, self.reset_allowed, self.seen_section = _range_ends(num)[1], False, True
        self.def_context = definitions.opens_definitions(self.n, mark.heading)
        self.def_intro = i
        self.amending = amendments.in_amending_context(self.n, mark.heading + " " + line.text)
        return True

    def _ocr_number(self, text: str) -> tuple[str, str, int] | None:
        """The next section number misread by OCR ('li.' for 10 after section 9): the
        token must have the expected number's length and its digits where it has digits;
        a token that could be a roman numeral ('I.', 'II.') needs a dashed heading."""
        if self.style != "number_dot" or self.reset_allowed and self.last_num is not None:
            return None
        match = self.n.line_patterns["ocr_section_number"].regex.match(text)
        if not match:
            return None
        token, rest = match.group("token"), match.group("rest")
        expected = str(integer_part(self.last_num) + 1) if self.last_num else "1"
        if len(token) != len(expected) or any(
                t.isdigit() and t != e for t, e in zip(token, expected)):
            return None
        split = self.n.heading_separator.regex.match(rest)
        if set(token.lower()) <= set("ivx") and not (split and split.group("body").strip()):
            return None
        if self._continuation(rest):
            return None
        return expected, rest, match.start("rest")

    def _marginal_note_number(self, text: str) -> tuple[str, str, int] | None:
        """The next section number after a marginal note the text layer put first on the line
        ('Extradition 6. (1) A fugitive criminal'): only a number that follows the last section's
        closely (as for a bare number) counts."""
        if self.style != "number_dot" or self.last_num is None or self.in_contents:
            return None
        match = self.n.line_patterns["marginal_note_section"].regex.match(text)
        if not match:
            return None
        num = match.group("num")
        if not (follows(self.last_num, num) and integer_part(num) - integer_part(self.last_num) <= MAX_BARE_GAP):
            return None
        return num, match.group("rest"), match.start("rest")

    def _section_cite(self, match: re.Match[str]) -> str:
        template = self.n.section_styles[self.style].meta["citation"]
        groups = match.groupdict()
        kw = groups.get("kw") or ""
        suffix = f" {groups['suffix']}" if groups.get("suffix") else ""
        if self.style == "number_space" or match.re is not self.n.section_styles[self.style].regex:
            template = "s. {num}"
        return template.format(kw=kw, num=match.group("num"), suffix=suffix)

    def _plausible(self, match: re.Match[str], text: str, i: int) -> bool:
        """Numbers must go up (within ``max_gap``) unless a container allows a restart."""
        first, last = _range_ends(match.group("num"))
        rest = (match.groupdict().get("rest") or "").strip()
        if self.in_contents and self.n.line_patterns["contents_entry"].regex.match(text):
            return False
        if self._continuation(rest) or self._wrapped_reference(rest, bare_noun_only=True):
            return False
        bare = match.re is not self.n.section_styles[self.style].regex
        if bare:
            return self.last_num is not None and follows(self.last_num, first) and (
                integer_part(first) - integer_part(self.last_num) <= MAX_BARE_GAP
            ) and self._note_follows(i)
        if self.last_num is None or self.reset_allowed and not follows(self.last_num, first):
            return True
        if match.groupdict().get("suffix") and first == self.last_num:
            return True  # 'Art. 5 bis' after 'Art. 5'
        return follows(self.last_num, first) and (
            self.reset_allowed or integer_part(first) - integer_part(self.last_num) <= self.max_gap)

    def _continuation(self, rest: str) -> bool:
        """A number whose line goes on with 'of', 'and', ... after an unfinished line."""
        word = _WORD.match(rest)
        return bool(word and word.group(0) in self.n.continuation_words
                    and not self.previous_blank and not _TERMINAL.search(self.previous))

    def _wrapped_reference(self, rest: str, label: str = "", bare_noun_only: bool = False) -> bool:
        """The previous line ends inside a cross-reference, so the number or ``label`` that
        opens this line belongs to it: '... under subsection\n(2)', 'paragraphs (a), (b)
        or\n(c)'. Lines wrap only at spaces, so after a number or label the reference
        goes on only past a conjunction or comma, and only with a label of the same kind:
        'subject to subsection (4),\n(a) an order' starts a paragraph."""
        if self.previous_blank or self._previous_is_heading():
            return False
        tail = self.n.line_patterns["cross_reference_tail"].regex.search(self.previous)
        if not tail:
            return False
        if not (tail.group("num") or tail.group("labels")):
            return True
        if bare_noun_only or not tail.group("joint"):
            return False
        labels = _BRACKETED.findall((tail.group("num") or "") + tail.group("labels"))
        return bool(labels) and _label_class(labels[-1]) == _label_class(label)

    def _previous_is_heading(self) -> bool:
        """The previous line heads this unit: a section's or container's own line, or a
        heading-like line after a finished sentence ('Tabling of proposed regulations')."""
        if self.consumed == self.previous_index and self.marks and self.marks[-1].kind not in ENUM_MARKS:
            return True
        return self._heading_like(self.previous) and self._starts_paragraph(
            self.previous_index, self.consumed)

    def _after_unit_end(self) -> bool:
        """The previous line ends a unit, is blank, or opened the definitions ('In this Act,')."""
        return (self.previous_blank or self.def_intro == self.previous_index
                or bool(self.n.line_patterns["unit_end"].regex.search(self.previous)))

    def _note_follows(self, i: int) -> bool:
        """The next non-blank line is an editorial note ('[Repealed, ...]')."""
        for line in self.lines[i + 1:i + 3]:
            if line.text:
                return bool(self.n.line_patterns["bracket_note"].regex.match(line.text))
        return False

    def _section_heading(self, i: int, mark: Mark, rest: str, body_offset: int) -> None:
        rest = rest.strip()
        if self.style in ("number_space", "sign"):
            mark.heading = rest
            return
        if self.style == "article" and not rest:
            self._take_next_heading(i, mark)
            return
        split = self.n.heading_separator.regex.match(rest)
        body = rest
        if split and split.group("body").strip() and len(split.group("heading")) <= self.max_heading:
            mark.heading = split.group("heading").strip().rstrip(".")
            body = split.group("body")
        elif self.style == "section_word" and rest and not rest.endswith((".", ";", ",")):
            mark.heading, body = rest, ""
        self._inline_enumerators(i, body, body_offset + (len(rest) - len(body)) if body else 0)

    def _inline_enumerators(self, i: int, body: str, offset: int) -> None:
        """Starts that share the section's line: '12. (1) Any person ...'."""
        for _ in range(MAX_INLINE_STARTS):
            stripped = body.lstrip(" \t\u2014\u2013-")
            offset += len(body) - len(stripped)
            found = self._enum_match(stripped)
            if not found:
                return
            name, match = found
            self._add_enum(i, offset, name, match, stripped, lead_in=True)
            body = stripped[match.end():]
            offset += match.end()

    def _lookback(self, i: int, mark: Mark, floor: int) -> None:
        """Headings printed above the number ('Offence of trafficking\\n12. (1) ...')."""
        j, taken = i - 1, 0
        while j > floor and taken < self.max_lookback:
            text = self.lines[j].text
            if text:
                if not self._heading_like(text) or self._style_match(text):
                    break
                if not self._starts_paragraph(j, floor):
                    break
                mark.offset = self.lines[j].lead
                if not mark.heading:
                    mark.heading = text
                taken += 1
            j -= 1

    def _starts_paragraph(self, j: int, floor: int) -> bool:
        """The line before a heading is blank, ends a sentence, or is consumed."""
        k = j - 1
        if k <= floor or not self.lines[k].text:
            return True
        return bool(_TERMINAL.search(self.lines[k].text)) or self._heading_like(self.lines[k].text)

    def _heading_like(self, text: str) -> bool:
        """Short, capitalised, not ending a sentence, with a word: 'Offence of trafficking',
        'PRELIMINARY'; not 'R.S., c. C-34, s. 1' (a history note) nor 'I' (a bare number)."""
        return (len(text) <= self.max_heading and text[0].isupper()
                and not text.endswith((".", ",", ";", ":", "\u2014", "\u2013", "-"))
                and bool(_HEADING_WORD.search(text))
                and not self.n.line_patterns["contents_entry"].regex.match(text))

    # -- enumerators and definitions -----------------------------------------------

    def _enum_match(self, text: str) -> tuple[str, re.Match[str]] | None:
        names = ("paren", "rparen", "dot") if self.tradition == "article" else ("paren",)
        for name in names:
            match = self.n.enumerators[name].regex.match(text)
            if match:
                return name, match
        return None

    def _enumerator(self, i: int, line: Line) -> bool:
        if not self.seen_section:
            return False
        found = self._enum_match(line.text)
        if not found:
            return False
        name, match = found
        if self._wrapped_reference(line.text[match.end():].strip(), match.group("label")):
            return False
        floor = self.consumed
        lead_in = self.previous_blank or bool(
            self.n.line_patterns["lead_in"].regex.search(self.previous))
        mark = self._add_enum(i, line.lead, name, match, line.text, lead_in)
        if mark.type == "num" and self.tradition != "us":
            self._lookback(i, mark, floor)
        if definitions.opens_definitions(self.n, line.text):
            self.def_context, self.def_intro = True, i
        return True

    def _add_enum(self, i: int, offset: int, name: str, match: re.Match[str], text: str,
                  lead_in: bool) -> Mark:
        label = match.group("label")
        kind_type = name if name in ("rparen", "dot") else _label_type(label)
        term = definitions.quoted_term(self.n, text[match.end():].strip())
        mark = Mark(offset, "definition" if term else "enum", type=kind_type, label=label,
                    term=term, lead_in=lead_in)
        return self._add(mark, i)

    def _explanation(self, i: int, line: Line) -> bool:
        """'Explanation 1.—...' / 'Illustrations.': an unnumbered unit inside the section."""
        match = self.n.line_patterns["explanation"].regex.match(line.text)
        if not self.seen_section or not match:
            return False
        label = f"{match.group('kw').capitalize()} {match.group('num') or ''}".strip()
        self._add(Mark(line.lead, "explanation", type="explanation", label=label, prefix="expl"), i)
        return True

    def _definition(self, i: int, line: Line) -> bool:
        if not self.seen_section:
            return False
        term = definitions.quoted_term(self.n, line.text)
        if not term and self.def_context and self._after_unit_end():
            term = definitions.plain_term(self.n, line.text)
        if not term:
            return False
        self._add(Mark(line.lead, "definition", type="def", label=term, term=term), i)
        return True


def _range_ends(num: str) -> tuple[str, str]:
    """First and last number of '86 to 88' (or of a single number)."""
    parts = num.split()
    return parts[0], parts[-1]


def _label_class(label: str) -> str:
    """'num', 'lower' or 'upper': the kind of a label, roman numerals counted as letters."""
    return "num" if label[:1].isdigit() else "lower" if label[:1].islower() else "upper"


def _label_type(label: str) -> str:
    """num | lower | upper | ambiguous-roman ('i?' / 'I?'), settled when nesting."""
    if label[0].isdigit():
        return "num"
    label = label.split(".")[0]  # Canadian inserted labels: (b.1), (ii.1)
    if label.islower():
        return "lower?" if is_roman(label) else "lower"
    return "upper?" if is_roman(label) else "upper"

