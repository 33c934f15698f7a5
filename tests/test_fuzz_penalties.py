"""Property tests (hypothesis) of the penalty parser, analyser/penalties.py (issue 9).

Penalty sentences are generated from the phrasings ``analyser/data/penalties.json``
supports (its qualifiers, units, life and death phrases) with terms in digits and in
words, and must parse to the maximum and minimum they were built with. Numbers in words
come from the test's own speller, not from the parser's vocabulary. The example counts
come from the hypothesis profile (tests/conftest.py): short in ``make test``, long in
``make fuzz``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from importlib import resources

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from analyser.penalties import Penalty, find_terms, parse_number, parse_penalty

pytestmark = pytest.mark.fuzz

VOCAB = json.loads(resources.files("analyser.data").joinpath("penalties.json").read_text(encoding="utf-8"))
UNIT_YEARS = {"year": 1.0, "month": 1 / 12, "day": 1 / 365}

ONES = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def spell(n: int, joiner: str = "-", hundred_and: bool = True) -> str:
    """1-999 in English words: 42 -> "forty-two", 180 -> "one hundred and eighty"."""
    hundreds, rest = divmod(n, 100)
    words = f"{ONES[hundreds]} hundred" if hundreds else ""
    if rest:
        tens, ones = divmod(rest, 10)
        below = ONES[rest] if rest < 20 else TENS[tens] + (joiner + ONES[ones] if ones else "")
        words = f"{words} {'and ' if hundred_and else ''}{below}" if words else below
    return words


# ------------------------------------------------------------------ strategies


@dataclass(frozen=True)
class Term:
    """A generated term of imprisonment: its text and its length in years."""

    text: str
    years: float


@st.composite
def numbers(draw: st.DrawFn, low: int = 1, high: int = 99) -> tuple[str, int]:
    """(text, value): digits, words, words with the digits in brackets, capitalised or not."""
    n = draw(st.integers(low, high))
    words = spell(n, draw(st.sampled_from(["-", " "])), draw(st.booleans()))
    style = draw(st.sampled_from(["digits", "words", "bracketed", "capitalised"]))
    text = {"digits": f"{n:,}", "words": words, "bracketed": f"{words} ({n})", "capitalised": words.title()}[style]
    return text, n


@st.composite
def terms(draw: st.DrawFn, units: tuple[str, ...] = ("year", "month", "day")) -> Term:
    """A term such as "seven (7) years", "18 months", "one hundred and eighty days"."""
    unit = draw(st.sampled_from(units))
    text, n = draw(numbers(1, {"year": 99, "month": 240, "day": 999}[unit]))
    plural = "s" if n != 1 else ""
    return Term(f"{text} {unit}{plural}", n * UNIT_YEARS[unit])


def two_terms(draw: st.DrawFn) -> tuple[Term, Term]:
    """Two terms, the first strictly shorter."""
    low, high = draw(terms()), draw(terms())
    assume(abs(low.years - high.years) > 1e-6)
    return (low, high) if low.years < high.years else (high, low)


LEADS = ("shall be liable to imprisonment", "is punishable by imprisonment", "shall be punished with imprisonment",
         "shall be imprisoned", "Penalty: Imprisonment", "shall be punished with rigorous imprisonment")
MAX_QUALIFIERS = tuple(q for q in VOCAB["max_qualifiers"] if "imprisonment" not in q)
MIN_QUALIFIERS = tuple(VOCAB["min_qualifiers"])
FILLERS = ("", "for ", "for a term ", "for a term of ", "for a period of ", "which ")


@dataclass(frozen=True)
class Clause:
    """A generated penalty clause and what it must parse to."""

    text: str
    max_years: float
    min_years: float | None = None
    life: bool = False
    death: bool = False
    fine: bool = False
    fine_alternative: bool = False


@st.composite
def fixed_clauses(draw: st.DrawFn) -> Clause:
    """"Penalty: Imprisonment for 25 years", "punishable by 10 years' imprisonment"."""
    term = draw(terms())
    text = draw(st.sampled_from([
        f"{draw(st.sampled_from(LEADS))} for {term.text}",
        f"is punishable by {term.text} of imprisonment",
        f"shall be sentenced to {term.text}' imprisonment",
        f"shall be liable to imprisonment for {term.text}",
    ]))
    return Clause(text, term.years)


@st.composite
def max_clauses(draw: st.DrawFn) -> Clause:
    """"imprisonment for a term not exceeding fifteen years"."""
    term = draw(terms())
    filler, qualifier = draw(st.sampled_from(FILLERS)), draw(st.sampled_from(MAX_QUALIFIERS))
    return Clause(f"{draw(st.sampled_from(LEADS))} {filler}{qualifier} {term.text}", term.years)


@st.composite
def min_clauses(draw: st.DrawFn) -> Clause:
    """"imprisonment for not less than one year" (the minimum is also the floor of the maximum)."""
    term = draw(terms())
    filler, qualifier = draw(st.sampled_from(FILLERS)), draw(st.sampled_from(MIN_QUALIFIERS))
    return Clause(f"{draw(st.sampled_from(LEADS))} {filler}{qualifier} {term.text}", term.years, term.years)


@st.composite
def min_max_clauses(draw: st.DrawFn) -> Clause:
    """"not less than seven years but which may extend to ten years"."""
    low, high = two_terms(draw)
    lead, filler = draw(st.sampled_from(LEADS)), draw(st.sampled_from(FILLERS))
    minq, maxq = draw(st.sampled_from(MIN_QUALIFIERS)), draw(st.sampled_from(MAX_QUALIFIERS))
    conj = draw(st.sampled_from([" and", " but", ",", " and shall be", ", and", " but"]))
    return Clause(f"{lead} {filler}{minq} {low.text}{conj} {maxq} {high.text}", high.years, low.years)


@st.composite
def range_clauses(draw: st.DrawFn) -> Clause:
    """"3 to 10 years", "between five and ten years", "6 months to 2 years", "5-10 years"."""
    unit = draw(st.sampled_from(["year", "month"]))
    low_text, low = draw(numbers(1, 98))
    high_text, high = draw(numbers(low + 1, 99))
    low_unit = ""
    if draw(st.booleans()):  # the low end with its own unit: "6 months to 2 years"
        low_unit = draw(st.sampled_from(["month", "year"]))
        if low * UNIT_YEARS[low_unit] >= high * UNIT_YEARS[unit]:
            low_unit = ""
        else:
            low_unit = " " + low_unit + ("s" if low != 1 else "")
    low_years = low * UNIT_YEARS[low_unit.strip().rstrip("s")] if low_unit else low * UNIT_YEARS[unit]
    between = draw(st.sampled_from(["", "from ", "between "]))
    connector = "and" if between == "between " else draw(st.sampled_from(["to", "up to", "-", "–"]))
    space = " " if connector[0].isalpha() or draw(st.booleans()) else ""
    span = f"{between}{low_text}{low_unit}{space}{connector}{space}{high_text} {unit}s"
    text = draw(st.sampled_from([f"is punishable by {span} of imprisonment",
                                 f"shall be liable to imprisonment for {span}",
                                 f"shall be punished with imprisonment of {span}"]))
    return Clause(text, high * UNIT_YEARS[unit], low_years)


@st.composite
def life_clauses(draw: st.DrawFn) -> Clause:
    """Imprisonment for life, alone or as the upper end of a term."""
    base = draw(st.one_of(st.none(), fixed_clauses(), min_clauses()))
    life = draw(st.sampled_from(["imprisonment for life", "life imprisonment",
                                 "imprisonment for the term of his natural life"]))
    if base is None:
        return Clause(f"shall be liable to {life}", math.inf, life=True)
    return Clause(f"{base.text}, or to {life}", math.inf, base.min_years, life=True)


@st.composite
def death_clauses(draw: st.DrawFn) -> Clause:
    """The death penalty, alone or with life imprisonment."""
    text = draw(st.sampled_from(["is punishable with death", "shall be punished by death",
                                 "is punishable by a sentence of death",
                                 "shall be punished with death or imprisonment for life",
                                 "is liable on conviction to imprisonment for life or to the death penalty"]))
    return Clause(text, math.inf, life="for life" in text, death=True)


FINES = (  # (suffix, fine, a fine instead of imprisonment)
    (", and shall also be liable to fine", True, False),
    (" and to a fine of {amount}", True, False),
    (", or to a fine not exceeding {amount}", True, True),
    (", or to a fine not exceeding {amount}, or both", True, True),
    (" or with fine which may extend to {amount}", True, True),
    (", or both", False, True),
    ("", False, False),
)


@st.composite
def amounts(draw: st.DrawFn) -> str:
    """A sum of money: "5,000 dollars", "100 penalty units", "five thousand rupees"."""
    text, _ = draw(numbers(1, 999))
    return draw(st.sampled_from([f"{text},000 dollars", f"{text} penalty units", f"{text} thousand rupees",
                                 f"${text},000"]))


@st.composite
def clauses(draw: st.DrawFn) -> Clause:
    """Any custodial clause, with or without a fine."""
    clause = draw(st.one_of(fixed_clauses(), max_clauses(), min_clauses(), min_max_clauses(), range_clauses(),
                            life_clauses(), death_clauses()))
    suffix, fine, alternative = draw(st.sampled_from(FINES))
    text = clause.text + suffix.format(amount=draw(amounts()))
    return replace(clause, text=text, fine=fine or clause.fine, fine_alternative=alternative)


# Text with none of the parser's words: no numbers, qualifiers, custodial, life, death or fine words.
NEUTRAL_WORDS = ("the", "person", "who", "recruits", "transports", "harbours", "receives", "a", "child", "for",
                 "purpose", "exploitation", "commits", "offence", "under", "this", "section", "court", "may",
                 "order", "forfeiture", "property", "victim", "consent", "is", "irrelevant", "and", "of", "in")
# Sentences of real trafficking statutes that mention life or death without setting a penalty.
NON_PENAL = ("If death results from the offence", "where the offence causes the death of the victim",
             "where the offence endangers the health or life of the victim", "the right to life and liberty",
             "a person whose life is in danger", "any act that results in death or serious injury")


def neutral_text() -> st.SearchStrategy[str]:
    words = st.lists(st.sampled_from(NEUTRAL_WORDS), min_size=1, max_size=40).map(" ".join)
    return st.lists(st.one_of(words, st.sampled_from(NON_PENAL)), max_size=4).map(". ".join)


def assert_parses_to(penalty: Penalty, clause: Clause) -> None:
    assert penalty.max_years == pytest.approx(clause.max_years), clause.text
    if clause.min_years is None:
        assert penalty.min_years is None, clause.text
    else:
        assert penalty.min_years == pytest.approx(clause.min_years), clause.text
    assert (penalty.life, penalty.death) == (clause.life, clause.death), clause.text
    assert (penalty.fine, penalty.fine_alternative) == (clause.fine, clause.fine_alternative), clause.text


# ------------------------------------------------------------------ properties


def check_invariants(text: str, penalty: Penalty) -> None:
    """What holds for any parse: bounds, order, life/death as an infinite maximum."""
    if penalty.min_years is not None:
        assert penalty.max_years is not None and penalty.min_years <= penalty.max_years
    if penalty.life or penalty.death:
        assert penalty.max_years == math.inf
    if penalty.max_years is not None:
        assert 0 <= penalty.start < penalty.end <= len(text)
    assert isinstance(penalty.describe(), str)
    for term in find_terms(text):
        assert 0 <= term.start < term.end <= len(text) and term.years >= 0
        assert term.kind in ("max", "min", "fixed")


PENALTY_WORDS = sorted({w for key in ("max_qualifiers", "min_qualifiers", "custodial_words", "life_phrases",
                                      "death_phrases", "fine_words", "fine_alternative_phrases") for w in VOCAB[key]}
                       | set(VOCAB["number_words"]) | set(VOCAB["units"]))


@given(st.text())
@example("imprisonment for 3 years, or in the case of a second offence, imprisonment for not less than 5 years")
def test_any_text_parses(text: str) -> None:
    check_invariants(text, parse_penalty(text))


@given(st.lists(st.one_of(st.sampled_from(PENALTY_WORDS), st.from_regex(r"\d{1,4}(,\d{3})?", fullmatch=True),
                          st.sampled_from([",", ".", "(7)", "-", "to", "and", "or", "between", "from", "\n"])),
                max_size=40).map(" ".join))
def test_penalty_vocabulary_soup_parses(text: str) -> None:
    """Random sequences of the parser's own words: the inputs most likely to reach odd paths."""
    check_invariants(text, parse_penalty(text))


@given(clauses())
@example(Clause("imprisonment for twenty-two years", 22.0))
@example(Clause("is punishable by 6 months to 2 years of imprisonment", 2.0, 0.5))
def test_generated_clause_parses_to_its_terms(clause: Clause) -> None:
    penalty = parse_penalty(clause.text)
    assert_parses_to(penalty, clause)
    check_invariants(clause.text, penalty)


@given(clauses(), neutral_text(), neutral_text())
def test_unrelated_text_around_a_clause_changes_nothing(clause: Clause, before: str, after: str) -> None:
    prefix = f"{before}. " if before else ""
    text = f"{prefix}{clause.text}. {after}"
    alone, embedded = parse_penalty(clause.text), parse_penalty(text)
    assert embedded == replace(alone, start=alone.start + len(prefix) if alone.start >= 0 else -1,
                               end=alone.end + len(prefix) if alone.end >= 0 else -1)


@given(clauses(), st.data())
def test_line_breaks_between_words_change_nothing(clause: Clause, data: st.DataObject) -> None:
    """Extracted text breaks lines anywhere, inside a qualifier or a life phrase too."""
    spaces = [i for i, char in enumerate(clause.text) if char == " "]
    breaks = data.draw(st.sets(st.sampled_from(spaces))) if spaces else set()
    text = "".join("\n" if i in breaks else char for i, char in enumerate(clause.text))
    assert parse_penalty(text) == parse_penalty(clause.text)


@given(st.one_of(fixed_clauses(), max_clauses()), amounts())
def test_fine_first_does_not_qualify_the_term(clause: Clause, amount: str) -> None:
    """"a fine of not less than 5,000 dollars or imprisonment for 3 years": the qualifier is the fine's."""
    text = f"is liable to a fine of not less than {amount} or {clause.text}"
    penalty = parse_penalty(text)
    assert penalty.max_years == pytest.approx(clause.max_years) and penalty.min_years is None, text


@given(st.integers(1, 999), st.sampled_from(["-", " "]), st.booleans(),
       st.sampled_from([str.lower, str.title, str.upper]))
def test_parse_number_reads_words(n: int, joiner: str, hundred_and: bool, case) -> None:
    assert parse_number(case(spell(n, joiner, hundred_and))) == n


@given(st.integers(0, 10**7))
def test_parse_number_reads_digits(n: int) -> None:
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n


@given(st.text(alphabet=st.characters(categories=["Ll", "Lu", "Zs", "P"]), min_size=1))
def test_parse_number_rejects_other_words(text: str) -> None:
    words = {w for key in ("number_words", "tens_words", "multiplier_words", "article_words") for w in VOCAB[key]}
    assume(not set(text.lower().replace("-", " ").split()) & words)
    with pytest.raises(ValueError):
        parse_number(text)
