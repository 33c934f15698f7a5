"""Rule tagging: negation and exceptions, mention versus creation, blockers."""

from __future__ import annotations

import pytest

from analyser.rules import RuleTagger


@pytest.fixture(scope="module")
def tagger() -> RuleTagger:
    return RuleTagger()


@pytest.mark.parametrize(
    "text,tag,expected",
    [
        # creation versus mere mention of the offence
        ("A person who traffics another person commits an offence and is liable to imprisonment for 12 years.", "tip-offence", True),
        ("A person convicted of an offence under section 360C (trafficking in persons) may be deported.", "tip-offence", False),
        ("Any person who commits an offence under section 12 (trafficking in persons) shall have the conveyance forfeited.", "tip-offence", False),
        ("Whoever recruits, harbours or transports a person by deception for the purpose of exploitation commits an offence.", "tip-offence", True),
        # negation and exceptions
        ("This section does not apply to trafficking in persons.", "trafficking-term", False),
        ("Offences other than trafficking in persons are listed in the Schedule.", "trafficking-term", False),
        ("Nothing in this Part shall be construed as requiring that the person was moved across a border.", "border-crossing-required", False),
        ("The offence is committed whether or not the victim was taken across a border.", "border-crossing-required", False),
        ("A person who transports a person into or out of the country for exploitation commits an offence.", "border-crossing-required", True),
        # blockers: drug trafficking is not trafficking in persons
        ("Whoever is guilty of drug trafficking shall be liable to imprisonment for life.", "trafficking-term", False),
        ("Whoever is guilty of drug trafficking shall be liable to imprisonment for life.", "tip-offence", False),
        # consent of an official is not the victim's consent
        ("No prosecution shall be instituted without the consent of the Attorney-General.", "consent-irrelevant", False),
        ("The consent of the trafficked person to the intended exploitation is irrelevant.", "consent-irrelevant", True),
    ],
)
def test_rule_cases(tagger, text, tag, expected):
    assert (tag in tagger.tag_text(text)) is expected


def test_hits_carry_offsets_into_the_text(tagger):
    text = "The Minister shall fund shelters.\nA person who traffics another person commits an offence."
    tags = tagger.tag_text(text)
    hit = tags["trafficking-term"][0]
    assert text[hit.start : hit.end].lower().startswith("traffics")


def test_long_text_is_tagged_in_slices(tagger):
    filler = "The Board shall meet.\n" * 30000
    text = filler + "A person who traffics another person commits an offence.\n"
    tags = tagger.tag_text(text)
    assert "tip-offence" in tags
    assert text[tags["trafficking-term"][0].start :].startswith("traffics")
