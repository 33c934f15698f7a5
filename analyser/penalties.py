"""Parse the penalties a provision sets: maximum and minimum terms, life, death, fines.

Handles the common drafting styles: "Penalty: Imprisonment for 25 years." (a maximum),
"imprisonment for a term not exceeding fifteen years", "not less than seven years but
which may extend to ten years", "punishable by 3 to 10 years of imprisonment",
"imprisoned not more than 20 years, or both", "imprisonment for life". The vocabulary is
in ``data/penalties.json``; this module only composes it.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

LIFE = math.inf


@dataclass(frozen=True)
class Term:
    """One custodial term found in the text."""

    years: float
    kind: str  # "max" | "min" | "fixed"
    start: int
    end: int


@dataclass(frozen=True)
class Penalty:
    """What a provision's text says about punishment."""

    max_years: float | None = None  # math.inf for life or death
    min_years: float | None = None
    life: bool = False
    death: bool = False
    fine: bool = False
    fine_alternative: bool = False  # a fine may be imposed instead of imprisonment
    start: int = -1  # offsets of the decisive phrase
    end: int = -1

    @property
    def custodial(self) -> bool:
        return self.max_years is not None

    def describe(self) -> str:
        """A short human description: "up to 15 years' imprisonment", "life imprisonment"."""
        if self.death:
            return "death or life imprisonment" if self.life else "the death penalty"
        if self.life:
            return "imprisonment for life"
        if self.max_years is None:
            return "a fine only" if self.fine else "no custodial penalty"
        text = f"up to {_years_text(self.max_years)} imprisonment"
        if self.min_years:
            text += f" (minimum {_years_text(self.min_years)})"
        return text


@dataclass(frozen=True)
class _Vocabulary:
    number: re.Pattern[str]  # a whole number token, digits or words
    quantity: re.Pattern[str]  # a number anywhere, articles ("a", "an") excepted
    unit: str
    term: re.Pattern[str]
    range: re.Pattern[str]
    custodial: re.Pattern[str]
    max_q: re.Pattern[str]
    min_q: re.Pattern[str]
    life: re.Pattern[str]
    life_context: frozenset[str]  # life phrases that count only near a custodial word
    death: re.Pattern[str]
    fine: re.Pattern[str]
    fine_alt: re.Pattern[str]
    numbers: dict[str, int]  # every number word but the multipliers
    multipliers: dict[str, int]
    units: dict[str, float]
    window: int


def _alternation(phrases: list[str]) -> str:
    """Regex alternation of literal phrases, longest first; a space matches any run of
    whitespace, since extracted text breaks lines anywhere, inside a qualifier too (issue 9)."""
    ordered = sorted(phrases, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


# Digits, with thousands separators ("1,000 days" is not "000 days").
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_PHRASE_END = r"\b(?!-\w)"  # "life" but not "life-threatening"


def _number_words(data: dict[str, Any], articles: bool) -> str:
    """Regex of numbers in words: "seven", "twenty-two", "one hundred and eighty"."""
    small, tens = data["number_words"], data["tens_words"]
    ones = _alternation([w for w, v in small.items() if v < 10])
    below_hundred = rf"(?:{_alternation(list(tens))})(?:[-\s]+(?:{ones})\b)?|{_alternation(list(small))}"
    leads = _alternation(list(small) + list(data["article_words"]))
    hundreds = (rf"(?:{leads})[-\s]+(?:{_alternation(list(data['multiplier_words']))})"
                rf"(?:[-\s]+(?:and[-\s]+)?(?:{below_hundred}))?")
    article = "|" + _alternation(list(data["article_words"])) if articles else ""
    return rf"{hundreds}|{below_hundred}{article}"


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    data: dict[str, Any] = json.loads(
        resources.files("analyser.data").joinpath("penalties.json").read_text(encoding="utf-8")
    )
    number = rf"(?:{_DIGITS}|{_number_words(data, articles=True)})"
    unit = "(?:" + _alternation(list(data["units"])) + r")\b"
    flags = re.IGNORECASE
    return _Vocabulary(
        number=re.compile(number, flags),
        quantity=re.compile(rf"\b(?:{_DIGITS}|{_number_words(data, articles=False)})\b", flags),
        unit=unit,
        term=re.compile(rf"\b(?P<num>{number})\s*(?:\(\d+\)\s*)?(?P<unit>{unit})", flags),
        range=re.compile(r"\b" + data["range_pattern"].format(number=number, unit=unit), flags),
        custodial=re.compile(_alternation(data["custodial_words"]), flags),
        max_q=re.compile(r"\b(?:" + _alternation(data["max_qualifiers"]) + r")\b", flags),
        min_q=re.compile(r"\b(?:" + _alternation(data["min_qualifiers"]) + r")\b", flags),
        life=re.compile(r"\b(?:" + _alternation(data["life_phrases"]) + ")" + _PHRASE_END, flags),
        life_context=frozenset(data["life_context_phrases"]),
        death=re.compile(r"\b(?:" + _alternation(data["death_phrases"]) + ")" + _PHRASE_END, flags),
        fine=re.compile(r"\b(?:" + _alternation(data["fine_words"]) + r")\b", flags),
        fine_alt=re.compile(_alternation(data["fine_alternative_phrases"]), flags),
        numbers={**data["number_words"], **data["tens_words"], **data["article_words"]},
        multipliers=data["multiplier_words"],
        units=data["units"],
        window=int(data["custodial_window"]),
    )


def _to_number(token: str, vocab: _Vocabulary) -> float:
    """The value of a token the ``number`` pattern matched."""
    token = token.lower()
    if token[:1].isdigit():
        return float(token.replace(",", ""))
    total = 0
    for word in re.split(r"[-\s]+", token):
        if word in vocab.multipliers:
            total = max(total, 1) * vocab.multipliers[word]
        elif word != "and":
            total += vocab.numbers[word]
    return float(total)


def parse_number(token: str) -> float:
    """A number in digits or words ("18", "1,000", "eighteen", "twenty-two", "one hundred and
    eighty"); ``ValueError`` if it is neither."""
    vocab = _vocabulary()
    if not vocab.number.fullmatch(token.strip()):
        raise ValueError(f"not a number: {token!r}")
    return _to_number(token.strip(), vocab)


def _years_text(years: float) -> str:
    if years == LIFE:
        return "life"
    if years < 1:
        months = round(years * 12)
        return f"{months} month{'s' if months != 1 else ''}'"
    whole = int(years) if float(years).is_integer() else years
    return f"{whole} year{'s' if whole != 1 else ''}'"


def find_terms(text: str) -> list[Term]:
    """Custodial terms in ``text`` (terms of years near imprisonment words)."""
    vocab = _vocabulary()
    terms: list[Term] = []
    covered: list[tuple[int, int]] = []
    for match in vocab.range.finditer(text):
        if not _near_custodial(text, match.start(), match.end(), vocab):
            continue
        factor = vocab.units[match.group("unit").lower()]
        low_unit = match.group("low_unit")  # "6 months to 2 years"
        low = _to_number(match.group("low"), vocab) * (vocab.units[low_unit.lower()] if low_unit else factor)
        high = _to_number(match.group("high"), vocab) * factor
        if low < high:
            terms.append(Term(low, "min", match.start(), match.end()))
            terms.append(Term(high, "max", match.start(), match.end()))
            covered.append((match.start(), match.end()))
    for match in vocab.term.finditer(text):
        if any(s <= match.start() < e for s, e in covered):
            continue
        if not _near_custodial(text, match.start(), match.end(), vocab):
            continue
        years = _to_number(match.group("num"), vocab) * vocab.units[match.group("unit").lower()]
        terms.append(Term(years, _qualifier(text, match.start(), vocab), match.start(), match.end()))
    return sorted(terms, key=lambda t: t.start)


def _near_custodial(text: str, start: int, end: int, vocab: _Vocabulary) -> bool:
    window = text[max(0, start - vocab.window) : min(len(text), end + 60)]
    return bool(vocab.custodial.search(window))


def _life_sentence(text: str, match: re.Match[str], vocab: _Vocabulary) -> bool:
    """Is a life phrase a sentence? "for life" is one only near a custodial word."""
    if " ".join(match.group().lower().split()) not in vocab.life_context:
        return True
    return _near_custodial(text, match.start(), match.end(), vocab)


def _qualifier(text: str, start: int, vocab: _Vocabulary) -> str:
    """"max", "min" or "fixed", from the words just before a term.

    A qualifier with another number between it and the term is that number's: in "a fine of
    not less than 5,000 dollars or imprisonment for 3 years" the term is fixed (issue 9).
    """
    before = text[max(0, start - 60) : start]
    last_max = max((m.end() for m in vocab.max_q.finditer(before)), default=-1)
    last_min = max((m.end() for m in vocab.min_q.finditer(before)), default=-1)
    last = max(last_max, last_min)
    if last < 0 or vocab.quantity.search(before, last):
        return "fixed"
    return "max" if last_max > last_min else "min"


def parse_penalty(text: str) -> Penalty:
    """The most severe penalty ``text`` sets (its maximum) and its minimum, if any."""
    vocab = _vocabulary()
    terms = find_terms(text)
    life = next((m for m in vocab.life.finditer(text) if _life_sentence(text, m, vocab)), None)
    death = vocab.death.search(text) if vocab.custodial.search(text) or "punish" in text.lower() else None
    lower = [t for t in terms if t.kind == "min"]
    # The maximum is at least every minimum: "not less than 7 years" with no stated maximum, or
    # "3 years, or for a second offence not less than 5 years", proves 7 and 5 (issue 9).
    decisive = max(terms, key=lambda t: (t.years, t.kind != "min"), default=None)
    max_years = decisive.years if decisive else None
    start, end = (decisive.start, decisive.end) if decisive else (-1, -1)
    if life or death:
        max_years = LIFE
        match = life or death
        assert match is not None
        start, end = match.start(), match.end()
    return Penalty(
        max_years=max_years,
        min_years=min((t.years for t in lower), default=None),
        life=bool(life),
        death=bool(death),
        fine=bool(vocab.fine.search(text)),
        fine_alternative=bool(vocab.fine_alt.search(text)),
        start=start,
        end=end,
    )
