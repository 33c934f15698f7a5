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
    number: str
    unit: str
    term: re.Pattern[str]
    range: re.Pattern[str]
    custodial: re.Pattern[str]
    max_q: re.Pattern[str]
    min_q: re.Pattern[str]
    life: re.Pattern[str]
    death: re.Pattern[str]
    fine: re.Pattern[str]
    fine_alt: re.Pattern[str]
    numbers: dict[str, int]
    units: dict[str, float]
    window: int


def _alternation(phrases: list[str]) -> str:
    ordered = sorted(phrases, key=len, reverse=True)
    return "|".join(re.escape(p) for p in ordered)


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    data: dict[str, Any] = json.loads(
        resources.files("analyser.data").joinpath("penalties.json").read_text(encoding="utf-8")
    )
    number = r"(?:\d+(?:\.\d+)?|" + _alternation(list(data["number_words"])) + r")"
    unit = "(?:" + _alternation(list(data["units"])) + r")\b"
    flags = re.IGNORECASE
    return _Vocabulary(
        number=number,
        unit=unit,
        term=re.compile(rf"\b(?P<num>{number})\s*(?:\(\d+\)\s*)?(?P<unit>{unit})", flags),
        range=re.compile(r"\b" + data["range_pattern"].format(number=number, unit=unit), flags),
        custodial=re.compile(_alternation(data["custodial_words"]), flags),
        max_q=re.compile(r"\b(?:" + _alternation(data["max_qualifiers"]) + r")\b", flags),
        min_q=re.compile(r"\b(?:" + _alternation(data["min_qualifiers"]) + r")\b", flags),
        life=re.compile(r"\b(?:" + _alternation(data["life_phrases"]) + r")\b", flags),
        death=re.compile(r"\b(?:" + _alternation(data["death_phrases"]) + r")\b", flags),
        fine=re.compile(r"\b(?:" + _alternation(data["fine_words"]) + r")\b", flags),
        fine_alt=re.compile(_alternation(data["fine_alternative_phrases"]), flags),
        numbers=data["number_words"],
        units=data["units"],
        window=int(data["custodial_window"]),
    )


def _to_number(token: str, vocab: _Vocabulary) -> float:
    token = token.lower()
    return float(vocab.numbers[token]) if token in vocab.numbers else float(token)


def parse_number(token: str) -> float:
    """A number written in digits or words ("18", "eighteen"); ``ValueError`` if it is neither."""
    try:
        return _to_number(token, _vocabulary())
    except KeyError as err:
        raise ValueError(f"not a number: {token!r}") from err


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
        low = _to_number(match.group("low"), vocab) * factor
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


def _qualifier(text: str, start: int, vocab: _Vocabulary) -> str:
    """"max", "min" or "fixed", from the words just before a term."""
    before = text[max(0, start - 60) : start]
    last_max = max((m.end() for m in vocab.max_q.finditer(before)), default=-1)
    last_min = max((m.end() for m in vocab.min_q.finditer(before)), default=-1)
    if last_max < 0 and last_min < 0:
        return "fixed"
    return "max" if last_max > last_min else "min"


def parse_penalty(text: str) -> Penalty:
    """The most severe penalty ``text`` sets (its maximum) and its minimum, if any."""
    vocab = _vocabulary()
    terms = find_terms(text)
    life = vocab.life.search(text)
    death = vocab.death.search(text) if vocab.custodial.search(text) or "punish" in text.lower() else None
    upper = [t for t in terms if t.kind in ("max", "fixed")]
    lower = [t for t in terms if t.kind == "min"]
    max_years: float | None = max((t.years for t in upper), default=None)
    if max_years is None and lower:
        # "not less than 7 years" with no stated maximum: the minimum is the floor we can prove.
        max_years = max(t.years for t in lower)
    decisive = max(upper or lower, key=lambda t: t.years, default=None)
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
