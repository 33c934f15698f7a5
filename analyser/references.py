"""Find the provision numbers a text refers to ("sections 1581, 1583 or 1589", "s. 279.01").

Used by the coverage stage to link provisions across sections and documents: a penalty
clause that punishes "an offence under section 3", an extraterritoriality clause that names
the trafficking sections, a predicate list that names them.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    """``data/references.json``, read once per process (treat as read-only)."""
    data: dict[str, Any] = json.loads(
        resources.files("analyser.data").joinpath("references.json").read_text(encoding="utf-8")
    )
    return data


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], tuple[str, ...]]:
    data = _data()
    keywords = "|".join(re.escape(k) for k in sorted(data["keywords"], key=len, reverse=True))
    separators = "|".join(re.escape(s) for s in sorted(data["list_separators"], key=len, reverse=True))
    number = data["number"]
    reference = re.compile(
        rf"(?<![\w.])(?:{keywords})\s*(?P<list>{number}(?:\s*(?:{separators})\s*(?:{keywords})?\s*{number})*)",
        re.IGNORECASE,
    )
    return reference, re.compile(number), tuple(data["range_separators"])


def referenced_numbers(text: str) -> set[str]:
    """The bare provision numbers ``text`` refers to, ranges expanded where numeric.

    >>> sorted(referenced_numbers("sections 1581-1584 or 1589"))
    ['1581', '1582', '1583', '1584', '1589']
    """
    return set(_referenced_numbers(text))


@lru_cache(maxsize=8192)
def _referenced_numbers(text: str) -> frozenset[str]:
    """:func:`referenced_numbers`, memoised (the coverage evaluators ask about the same
    provision texts many times)."""
    reference, number, ranges = _patterns()
    found: set[str] = set()
    for match in reference.finditer(text):
        chunk = match.group("list")
        numbers = [(m.group(0), m.start(), m.end()) for m in number.finditer(chunk)]
        for index, (value, _, end) in enumerate(numbers):
            found.add(_base(value))
            if index + 1 < len(numbers):
                between = chunk[end : numbers[index + 1][1]].strip().lower()
                found |= _expand(_base(value), _base(numbers[index + 1][0]), between, ranges)
    return frozenset(found)


def _base(value: str) -> str:
    """"279.01(1)(a)" -> "279.01": references are matched at section level."""
    return value.split("(", 1)[0]


def _expand(low: str, high: str, between: str, ranges: tuple[str, ...]) -> set[str]:
    if between not in ranges or not (low.isdigit() and high.isdigit()):
        return set()
    first, last = int(low), int(high)
    if 0 < last - first <= 200:
        return {str(n) for n in range(first, last + 1)}
    return set()


def section_number(label: str) -> str:
    """Normalise a provision label for matching: "s. 12(1)" / "12." / "Article 12" -> "12"."""
    match = _patterns()[1].search(label)
    return _base(match.group(0)) if match else ""


@lru_cache(maxsize=1)
def _title_pattern() -> re.Pattern[str]:
    data = _data()
    nouns = "|".join(re.escape(n) for n in data["act_title_nouns"])
    connectors = "|".join(re.escape(c) for c in data["act_title_connectors"])
    word = r"[A-Z][\w()'-]*"
    return re.compile(rf"((?:{word}\s+)(?:(?:{word}|{connectors})\s+){{0,10}}(?:{nouns})\b,?(?:\s+(?:of\s+)?\d{{4}})?)")


def act_titles(text: str) -> list[str]:
    """Titles of acts named in ``text``: "Suppression of Traffic Ordinance 1975"."""
    return [m.group(1).strip() for m in _title_pattern().finditer(text)]


@lru_cache(maxsize=1)
def non_operative_headings() -> tuple[str, ...]:
    """Lower-case heading starts of non-operative text (contents, explanatory statements, endnotes)."""
    data = _data()
    return tuple(h.lower() for h in data["non_operative_headings"])


def is_non_operative(citation: str, heading: str) -> bool:
    starts = non_operative_headings()
    return any(text.strip().lower().startswith(starts) for text in (citation, heading) if text)


@lru_cache(maxsize=1)
def _container_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    data = _data()
    keywords: dict[str, str] = data["container_keywords"]
    words = "|".join(re.escape(k) for k in sorted(keywords, key=len, reverse=True))
    number = r"[0-9]+[A-Z]{0,2}|[IVXLC]+[A-Z]?"
    pattern = re.compile(
        rf"\b(?P<kind>{words})\s+(?P<list>(?:{number})(?:\s*(?:,|or|and)\s*(?:(?:{words})\s+)?(?:{number}))*)\b",
        re.IGNORECASE,
    )
    return pattern, keywords


def referenced_containers(text: str) -> set[tuple[str, str]]:
    """(kind, number) of the Parts, Divisions and Chapters ``text`` refers to: "Part 2, Part 3 or Part 4"."""
    pattern, keywords = _container_pattern()
    found: set[tuple[str, str]] = set()
    for match in pattern.finditer(text):
        kind = keywords[match.group("kind").lower()]
        for number in re.findall(r"[0-9]+[A-Z]{0,2}|[IVXLC]+[A-Z]?", match.group("list")):
            found.add((kind, number.upper()))
    return found


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    """Lower-case words that end with a full stop without ending a sentence ("SEC.", "s.", "No.")."""
    data = _data()
    return frozenset(data["abbreviations"])


@lru_cache(maxsize=1)
def trafficking_title_words() -> tuple[str, ...]:
    data = _data()
    return tuple(w.lower() for w in data["trafficking_title_words"])


@lru_cache(maxsize=1)
def definition_verbs() -> str:
    """A regular-expression alternation of the verbs that introduce a meaning ("means", "shall mean")."""
    verbs = sorted(_data()["definition_verbs"], key=len, reverse=True)
    return "|".join(re.escape(v) for v in verbs)


def is_form(citation: str) -> bool:
    """Is ``citation`` that of a prescribed form ("FORM 45")?"""
    first = citation.strip().split(" ", 1)[0].lower()
    return first in _data()["form_citations"]


def is_recital(heading: str) -> bool:
    """Does ``heading`` open a section of findings or a sense of the legislature?"""
    lowered = heading.strip().lower()
    return any(lowered.startswith(h) for h in _data()["recital_headings"])


def defined_term_words(tag: str) -> tuple[str, ...]:
    """Words the term of a definition tagged ``tag`` must contain (empty: no such constraint)."""
    return tuple(w.lower() for w in _data()["defined_terms"].get(tag, ()))


def act_key(name: str) -> str:
    """A comparable form of an act's name: lower case, no years, no "Act", "(Amendment)"...

    >>> act_key("Criminal Code Act 1995"), act_key("Anti-Trafficking in Persons (Amendment) Act 2021")
    ('criminal code', 'anti-trafficking in persons')
    """
    noise = set(_data()["act_name_noise"])
    words = re.findall(r"[\w()'-]+", name.lower())
    kept = [w for w in words if w not in noise and not re.fullmatch(r"\(?\d{4}\)?|\([ivxlc\d]+\)", w)]
    return " ".join(w.strip("()") for w in kept)


def same_act(key: str, other: str) -> bool:
    """Do two act keys (:func:`act_key`) name one act? An amending act's name extends the name
    of the act it amends ("anti-trafficking in persons and anti-smuggling of migrants")."""
    if not key or not other:
        return False
    shorter, longer = sorted((key, other), key=len)
    return longer == shorter or (len(shorter.split()) >= 2 and longer.startswith(shorter + " "))


def mentions_act(text: str, key: str) -> bool:
    """Does ``text`` name the act whose key is ``key`` ("an offence against Division 271 of the Criminal Code")?"""
    if len(key.split()) < 2:
        return False
    folded = " ".join(re.findall(r"[\w()'-]+", text.lower()))
    return key in folded


@lru_cache(maxsize=1)
def _edit_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    edits = _data()["amendment_edits"]
    return re.compile(edits["substitute"], re.IGNORECASE), re.compile(edits["delete"], re.IGNORECASE)


def amendment_edits(text: str) -> list[tuple[str, str, int]]:
    """The word edits an amending clause makes: (old words, new words, offset of the new words
    in ``text``), a deletion having no new words and the offset of the old ones.

    >>> amendment_edits("(c) by substituting for the words “fifteen years” the words “twenty years”;")
    [('fifteen years', 'twenty years', 61)]
    """
    substitute, delete = _edit_patterns()
    found = [(_fold(m.group("old")), _fold(m.group("new")), m.start("new")) for m in substitute.finditer(text)]
    found += [(_fold(m.group("old")), "", m.start("old")) for m in delete.finditer(text)]
    return sorted(found, key=lambda edit: edit[2])


def apply_edits(text: str, edits: list[tuple[str, str, int]]) -> tuple[str, list[int]]:
    """``text`` with ``edits`` applied (whitespace-insensitive), and the offsets in the original
    ``text`` of the words each applied edit replaced."""
    original = text
    changed: list[int] = []
    for old, new, _ in edits:
        pattern = re.compile(r"\s+".join(re.escape(word) for word in old.split()), re.IGNORECASE)
        match = pattern.search(text)
        if match is None:
            continue
        where = pattern.search(original)
        changed.append(where.start() if where else -1)
        text = text[: match.start()] + new + text[match.end() :]
    return text, changed


def _fold(words: str) -> str:
    return " ".join(words.split())


def scope_words(level: str) -> tuple[str, ...]:
    """Lower-case phrases by which a provision names the act ("act") or the Part ("part") it is in."""
    return tuple(w.lower() for w in _data()["scope_words"][level])


def is_minor_heading(heading: str) -> bool:
    """Does ``heading`` announce a section that only names or starts the act ("Short title")?"""
    folded = re.sub(r"[^a-z, ]+", " ", heading.lower()).strip(" ,.")
    return " ".join(folded.split()) in _data()["minor_headings"]


def is_amending_part(heading: str) -> bool:
    """Does a Part's ``heading`` say it amends other acts ("Consequential Amendments")?"""
    lowered = " ".join(heading.lower().split())
    return any(lowered.startswith(h) for h in _data()["amending_part_headings"])


def is_summary_heading(heading: str) -> bool:
    """Does ``heading`` announce a summary of other provisions ("Simplified outline of this Part")?"""
    lowered = " ".join(heading.lower().split())
    return any(lowered.startswith(h) for h in _data()["summary_headings"])


def scope_threshold_text(text: str) -> str:
    """The words after "an offence punishable" in ``text`` (where a threshold that limits the
    provision's scope is stated), or "" when the text states no such threshold.

    >>> scope_threshold_text("conspires to commit an offence punishable by imprisonment for more than 12 months, is guilty")[:44]
    ' by imprisonment for more than 12 months, is'
    """
    match = re.search(_data()["scope_threshold"], text, re.IGNORECASE)
    return text[match.end() : match.end() + SCOPE_THRESHOLD_CHARS] if match else ""


SCOPE_THRESHOLD_CHARS = 160
