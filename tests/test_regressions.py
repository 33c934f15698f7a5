"""Named regressions: each test is a bug that was found on a real statute, in miniature."""

from __future__ import annotations

import pytest

from analyser.pdftext import _numbers_agree, normalise_text
from analyser.references import act_key, amendment_edits, apply_edits, same_act
from analyser.rules import default_tagger
from analyser.segment import segment
from analyser.statute_status import repeals_act
from tests.factories import document


def test_tabs_survive_normalisation_so_tables_of_contents_are_recognised():
    """AUS Criminal Code vol. 2: tab-separated contents lines ("271.2<TAB>Offence<TAB>12") lost their
    tabs in normalisation, the contents were read as sections, and the real sections (numbered lower
    than the last contents entry) were all rejected: the act came out with no sections at all."""
    assert normalise_text("271.2\tOffence of trafficking\t12") == "271.2\tOffence of trafficking\t12"
    contents = "".join(f"{n}\tHeading number {n}\t{n}\n\n" for n in range(1, 40))
    body = "".join(f"{n} Heading number {n}\n\n(1) A person commits an offence.\n\n" for n in range(1, 40))
    provisions, _ = segment(document("AUS", "code.md", "Contents\n\n" + contents + body))
    sections = [p for p in provisions if p.kind == "section"]
    assert len(sections) == 39


def test_section_heading_opening_two_pages_is_not_a_running_header():
    """Belmora sample penal code: "Article 20" and "Article 182" each opened a page, looked alike once
    digits were ignored, and were removed as a running header, merging two articles into others."""
    assert not _numbers_agree("Article 20", 1, "Article 182", 3)
    assert _numbers_agree("Page 3 of 9", 2, "Page 5 of 9", 4)
    assert _numbers_agree("Trafficking Act 2016", 0, "Trafficking Act 2016", 5)


# -- issue 6: coverage regressions found on the development gold (real phrasings, in miniature) ----


@pytest.mark.parametrize(
    "text,tag,present",
    [
        # AUS Criminal Code s. 309.7: drug trafficking by children is not trafficking in persons
        ("309.7 Procuring children for trafficking marketable quantities of controlled drugs", "trafficking-term", False),
        ("Supplying controlled drugs to children for trafficking", "trafficking-term", False),
        ("The offence of trafficking in persons and drugs", "trafficking-term", True),
        # CAN Criminal Code s. 163.1: child sexual abuse and exploitation material is not exploitation of a person
        ("Every person who transmits child sexual abuse and exploitation material is guilty of an offence", "exploitation-term", False),
        # GBR Modern Slavery Act s. 2(6): "regardless of— (a) where ..." after a list opener
        ("A person who is a UK national commits an offence under this section regardless of—\n(a) where the arranging or facilitating takes place", "extraterritorial", True),
        # PAK AMLA s. 3, Explanation II
        ("Explanation II.- For the purposes of proving an offence under this section, the conviction of an accused for the respective predicate offence shall not be required.", "no-predicate-conviction", True),
        # MYS ATIP s. 59: an agent provocateur's conspiracy is mentioned, not made an offence
        ("no agent provocateur shall be presumed to be unworthy of credit by reason only of his having been engaged in a criminal conspiracy to commit such offence", "conspiracy", False),
        # USA 18 U.S.C. s. 1591(e): a venture "whether or not a legal entity" is not corporate liability
        ("venture means any group of two or more individuals associated in fact, whether or not a legal entity.\n\n(b) The punishment for an offense under subsection (a) is", "legal-person", False),
        # AUS Criminal Code s. 12.1 and CAN Criminal Code s. 22.2: corporate liability
        ("A body corporate may be found guilty of any offence, including one punishable by imprisonment.", "legal-person", True),
        ("an organization is a party to the offence if, with the intent at least in part to benefit the organization", "legal-person", True),
        # USA 18 U.S.C. s. 1592(b): victims are exempt from the document offence
        ("(b) Subsection (a) does not apply to the conduct of a person who is or has been a victim of a severe form of trafficking in persons, if that conduct is caused by, or incident to, that trafficking.", "non-punishment", True),
        # MYS AMLA s. 2(1): "any serious offence" depends on how serious offences are defined
        ("This Act shall apply to any serious offence, foreign serious offence or unlawful activity", "predicate-all-offences", False),
    ],
)
def test_rule_tags_on_real_phrasings(text, tag, present):
    assert (tag in default_tagger().tag_text(text)) is present


def test_amending_clause_word_edits_malaysian_style():
    """MYS ATIPSOM (Amendment) 2021 cl. 4: s. 12's maximum becomes twenty years."""
    clause = "4. Section 12 of the principal Act is amended—\n(a) by deleting the words “for the purpose of exploitation,”; and\n(c) by substituting for the words “fifteen years” the words\n\n“twenty years”."
    edits = amendment_edits(clause)
    text, changed = apply_edits("shall be punished with imprisonment for a term not exceeding fifteen years, for the purpose of exploitation,", edits)
    assert "twenty years" in text and "for the purpose of exploitation" not in text
    assert len(changed) == 2


def test_acts_are_compared_by_name_not_by_file():
    """AUS Criminal Code volumes; MYS amending bills extend the name of the act they amend."""
    assert same_act(act_key("Criminal Code"), act_key("Criminal Code Act 1995"))
    assert same_act(act_key("Anti-Trafficking in Persons Act 2007"), act_key("Anti-Trafficking in Persons and Anti-Smuggling of Migrants (Amendment) Act 2021"))
    assert not same_act(act_key("Anti-Money Laundering Act 2001"), act_key("Anti-Trafficking in Persons Act 2007"))


def test_whole_act_repeal_is_told_from_a_section_repeal():
    """PAK PTPA 2018 s. 16 repeals the 2002 Ordinance (OCR reads "is" as "ts")."""
    title = "Prevention and Control of Human Trafficking Ordinance, 2002"
    assert repeals_act("The Prevention and Control of Human Trafficking\nOrdinance, 2002 (LIX of 2002) ts hereby repealed.", title)
    assert not repeals_act("Section 3 of the Prevention and Control of Human Trafficking Ordinance, 2002 is repealed.", title)
