"""The penalty parser on phrasings from real statutes (paraphrased structures, not copied text)."""

from __future__ import annotations

import math

import pytest

from analyser.penalties import find_terms, parse_penalty


@pytest.mark.parametrize(
    "text,max_years,min_years",
    [
        ("Penalty: Imprisonment for 25 years.", 25, None),  # Australian Commonwealth style
        ("shall be punished with rigorous imprisonment for a term which shall not be less than seven years "
         "but which may extend to ten years, and shall also be liable to fine", 10, 7),  # Indian Penal Code style
        ("is punishable by 3 to 10 years of imprisonment", 10, 3),  # civil-law range
        ("shall be fined under this title or imprisoned not more than 20 years, or both", 20, None),  # U.S. Code
        ("liable to imprisonment for a term of not more than 14 years and to a minimum punishment of "
         "imprisonment for a term of four years", 14, 4),  # Canadian Criminal Code
        ("shall be punished with imprisonment for a term not exceeding fifteen years", 15, None),
        ("punishable with imprisonment which may extend to seven years and fine which may extend to one million rupees", 7, None),
        ("liable to imprisonment for a term of six months", 0.5, None),
        ("imprisonment for a term of not less than three (3) years and not more than seven (7) years", 7, 3),
    ],
)
def test_terms(text, max_years, min_years):
    penalty = parse_penalty(text)
    assert penalty.max_years == pytest.approx(max_years)
    assert penalty.min_years == (pytest.approx(min_years) if min_years is not None else None)


@pytest.mark.parametrize(
    "text",
    ["liable to imprisonment for life", "shall be imprisoned for any term of years or life", "punishable with death or imprisonment for life"],
)
def test_life_and_death(text):
    assert parse_penalty(text).max_years == math.inf


def test_fine_only_and_alternative():
    fine_only = parse_penalty("liable to a fine not exceeding 5,000 dollars")
    assert fine_only.max_years is None and fine_only.fine
    alternative = parse_penalty("liable to imprisonment for 3 years or to a fine, or both")
    assert alternative.fine_alternative and alternative.max_years == 3


@pytest.mark.parametrize(
    "text",
    ["within 12 months of the request", "a person who has resided for 5 years in the country", "the age of 18 years"],
)
def test_non_custodial_numbers_are_not_terms(text):
    assert find_terms(text) == []


def test_threshold_phrase_is_a_minimum():
    terms = find_terms("an offence punishable by imprisonment for not less than one year")
    assert [(t.years, t.kind) for t in terms] == [(1.0, "min")]


def test_describe():
    assert parse_penalty("Penalty: Imprisonment for 12 years.").describe() == "up to 12 years' imprisonment"
