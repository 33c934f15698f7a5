"""The penalty parser on phrasings from real statutes (paraphrased structures, not copied text)."""

from __future__ import annotations

import math

import pytest

from analyser.penalties import find_terms, parse_number, parse_penalty


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


# Issue 9: found by the property tests in tests/test_fuzz_penalties.py.
@pytest.mark.parametrize(
    "text,max_years,min_years",
    [
        ("imprisonment for twenty-two years", 22, None),  # was 2: compound number words
        ("imprisonment for a term not exceeding seventy years", 70, None),  # was no term: "seventy" unknown
        ("imprisonment for one hundred and eighty days", 180 / 365, None),
        ("imprisonment for 1,000 days", 1000 / 365, None),  # was 0: "000 days"
        ("is punishable by 6 months to 2 years of imprisonment", 2, 0.5),  # was min None: low end's own unit
        ("imprisonment for 2 years and 6 months", 2, None),  # not a range of 2 to 6 months
        ("imprisonment for 3 years, or in the case of a second offence, imprisonment for not less than 5 years",
         5, 5),  # was max 3 < min 5
        ("liable to a fine of not less than 5,000 dollars or to imprisonment for 3 years", 3, None),  # the fine's minimum
        ("imprisonment for 5 to 10 years where the offence endangers the health or life of the victim", 10, 5),  # was life
        ("If death results from the offence, the offender shall be imprisoned for 20 years", 20, None),  # was death
        ("shall be prohibited from possessing any firearm for life", None, None),  # was life imprisonment
        ("imprisonment for a term which shall not be\nless than five years but which may\nextend to ten years", 10, 5),
        # was min None: a qualifier broken over two lines
        ("is punishable by one (1) up\nto 2 years of imprisonment", 2, 1),  # a range connector too
    ],
)
def test_issue_9_penalty_parser_regressions(text, max_years, min_years):
    penalty = parse_penalty(text)
    assert penalty.max_years == (pytest.approx(max_years) if max_years is not None else None)
    assert penalty.min_years == (pytest.approx(min_years) if min_years is not None else None)
    assert not penalty.life and not penalty.death


@pytest.mark.parametrize(
    "text,death",
    [("is punishable by a sentence of death", True), ("is punishable by death or imprisonment for life", True),
     ("is punishable with imprisonment for not less than one year or\nwith death", True),
     ("there is no real risk that the death penalty will be carried out", False),  # extradition, not a penalty
     ("causes the death of the victim, and is liable to imprisonment for 10 years", False),
     ("any act that results in death or life-threatening injury, punishable by imprisonment for 8 years", False)],
)
def test_issue_9_death_is_a_penalty_only_in_penal_phrases(text, death):
    assert parse_penalty(text).death is death


@pytest.mark.parametrize(
    "token,value",
    [("18", 18), ("1,000", 1000), ("eighteen", 18), ("Twenty-Two", 22), ("thirty five", 35), ("seventy", 70),
     ("one hundred and eighty", 180), ("a", 1)],
)
def test_parse_number(token, value):
    assert parse_number(token) == value


@pytest.mark.parametrize("token", ["twenty-a", "hundred-and", "eighteenth", "", "12 years"])
def test_parse_number_rejects(token):
    with pytest.raises(ValueError, match="not a number"):
        parse_number(token)
