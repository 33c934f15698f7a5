"""Coverage reasoning across sections and documents, on small invented statutes."""

from __future__ import annotations

import pytest

from analyser.coverage import build_coverage
from tests.factories import result

TIP_ACT = """TRAFFICKING IN PERSONS ACT 2020
1. Short title
This Act may be cited as the Trafficking in Persons Act 2020.
2. Interpretation
In this Act, "exploitation" includes prostitution, forced labour, slavery, servitude and the removal of organs.
3. Offence of trafficking in persons
(1) A person who recruits, transports, transfers, harbours or receives another person by threat, force, coercion, abduction, fraud or deception for the purpose of exploitation commits an offence and shall be liable to imprisonment for a term not exceeding fifteen years.
(2) The consent of the victim to the intended exploitation is irrelevant.
4. Repeal
The Suppression of Traffic Ordinance 1975 is hereby repealed.
"""


def cells_of(*results):
    jurisdictions = sorted({r.source.jurisdiction for r in results})
    return {(c.jurisdiction, c.item): c for c in build_coverage(jurisdictions, list(results))}


def test_definition_and_penalty_in_one_act():
    cells = cells_of(result("AAA", "tip.txt", TIP_ACT))
    assert cells[("AAA", "broad-definition")].status == "met"
    penalty = cells[("AAA", "proportionate-penalties")]
    assert penalty.status == "met" and "15 years" in penalty.reason
    assert penalty.evidence[0].provision.startswith("s. 3")
    assert cells[("AAA", "consent-irrelevant")].status == "met"


def test_not_found_reason_says_supplied_texts():
    cell = cells_of(result("AAA", "tip.txt", TIP_ACT))[("AAA", "witness-protection")]
    assert cell.status == "not_found"
    assert "supplied texts" in cell.reason and "absent" not in cell.reason
    assert cell.evidence == ()


def test_aml_schedule_naming_a_repealed_act_is_partial():
    aml = """ANTI-MONEY LAUNDERING ACT 2001
1. Offence of money laundering
A person who engages in money laundering commits an offence and shall be liable to imprisonment for ten years.
2. Interpretation
"serious offence" means any of the offences specified in the Schedule.
SCHEDULE
1. Offences under the Suppression of Traffic Ordinance 1975 (trafficking in women).
"""
    cells = cells_of(result("AAA", "tip.txt", TIP_ACT), result("AAA", "aml.txt", aml))
    cell = cells[("AAA", "aml-predicate-offence")]
    assert cell.status == "partial", cell.reason
    assert "Suppression of Traffic Ordinance" in cell.reason


def test_aml_threshold_met_by_trafficking_maximum():
    aml = """PROCEEDS OF CRIME ACT 2005
1. Interpretation
"serious offence" means an offence punishable by imprisonment for a term of not less than one year.
2. Money laundering
A person who deals with the proceeds of a serious offence commits the offence of money laundering and shall be liable to imprisonment for ten years.
"""
    cell = cells_of(result("AAA", "tip.txt", TIP_ACT), result("AAA", "poca.txt", aml))[("AAA", "aml-predicate-offence")]
    assert cell.status == "met", cell.reason
    assert {ev.document for ev in cell.evidence} == {"poca.txt", "tip.txt"}


@pytest.mark.parametrize(
    "threshold,status",
    [("not less than one year", "met"), ("not less than twenty years", "partial")],
)
def test_extradition_by_threshold(threshold, status):
    extradition = f"""EXTRADITION ACT 1990
1. Extradition offence
An extradition offence is an offence punishable by imprisonment for {threshold}.
2. Surrender
A person accused of an extradition offence may be surrendered to a requesting State.
"""
    cell = cells_of(result("AAA", "tip.txt", TIP_ACT), result("AAA", "ext.txt", extradition))[("AAA", "extradition")]
    assert cell.status == status, cell.reason


def test_mla_limited_to_prescribed_states_is_partial():
    mla = """MUTUAL ASSISTANCE IN CRIMINAL MATTERS ACT 2002
1. Requests
A prescribed foreign state may make a request for assistance in a criminal matter to the Attorney-General.
"""
    cell = cells_of(result("AAA", "tip.txt", TIP_ACT), result("AAA", "mla.txt", mla))[("AAA", "mutual-legal-assistance")]
    assert cell.status == "partial", cell.reason


def test_general_witness_act_counts():
    witness = """WITNESS PROTECTION ACT 2008
1. Witness protection programme
The Director may admit any witness in criminal proceedings to the witness protection programme and provide for the relocation of witnesses.
"""
    cell = cells_of(result("AAA", "tip.txt", TIP_ACT), result("AAA", "wp.txt", witness))[("AAA", "witness-protection")]
    assert cell.status == "met", cell.reason
    assert cell.evidence[0].document == "wp.txt"


def test_border_crossing_requirement_is_partial():
    act = TIP_ACT.replace("for the purpose of exploitation", "for the purpose of transporting that person out of the country for exploitation")
    cell = cells_of(result("AAA", "tip.txt", act))[("AAA", "domestic-and-transnational")]
    assert cell.status == "partial", cell.reason


def test_non_english_jurisdiction_is_not_assessed():
    from dataclasses import replace

    res = result("VVV", "bo-luat.txt", "Điều 150. Tội mua bán người\nNgười nào dùng vũ lực, đe dọa dùng vũ lực...\n")
    res = replace(res, health=replace(res.health, language="vi"), tags=())
    cells = build_coverage(["VVV"], [res])
    assert all(c.status == "not_found" and c.reason.startswith("Not assessed") for c in cells)


# -- issue 6: elements, penalties, cross-document links, amendments, evidence ranking -----------

TIP_ACT_2007 = """ANTI-TRAFFICKING IN PERSONS ACT 2007
1. Short title
This Act may be cited as the Anti-Trafficking in Persons Act 2007.
2. Interpretation
In this Act, "exploitation" means all forms of sexual exploitation, forced labour or services, slavery, servitude and the removal of organs.
12. Offence of trafficking in persons
Any person who recruits, transports, transfers, harbours or receives another person by threat, force, coercion, abduction, fraud or deception for the purpose of exploitation commits an offence and shall, on conviction, be punished with imprisonment for a term not exceeding fifteen years.
"""

AMENDING_ACT_2021 = """ANTI-TRAFFICKING IN PERSONS (AMENDMENT) ACT 2021
An Act to amend the Anti-Trafficking in Persons Act 2007.
Short title
1. (1) This Act may be cited as the Anti-Trafficking in Persons (Amendment) Act 2021.
(2) The Anti-Trafficking in Persons Act 2007 [Act 670], which is referred to as the “principal Act” in this Act, is amended as follows.
Amendment of section 12
2. Section 12 of the principal Act is amended by substituting for the words “fifteen years” the words “twenty years”.
"""


def test_amending_act_that_replaces_the_penalty_replaces_it_and_both_are_cited():
    cells = cells_of(result("AAA", "tip.txt", TIP_ACT_2007), result("AAA", "amend.txt", AMENDING_ACT_2021))
    cell = cells[("AAA", "proportionate-penalties")]
    assert cell.status == "met" and "20 years" in cell.reason and "as amended by" in cell.reason
    assert [(ev.document, ev.provision) for ev in cell.evidence] == [("tip.txt", "s. 12"), ("amend.txt", "s. 2")]


def test_penalty_of_the_principal_offence_not_of_a_conspiracy_clause():
    act = TIP_ACT_2007 + """13. General provisions
(a) Whoever conspires with another to violate section 12 shall be imprisoned for life.
"""
    cell = cells_of(result("AAA", "tip.txt", act))[("AAA", "proportionate-penalties")]
    assert "15 years" in cell.reason, cell.reason
    assert cell.evidence[0].provision.startswith("s. 12")


def test_repealed_act_is_not_evidence():
    old = """PREVENTION OF HUMAN TRAFFICKING ORDINANCE, 2002
3. Punishment for human trafficking
Whoever recruits, transports or harbours any person by force or fraud for the purpose of exploitation commits an offence and shall be punished with imprisonment for a term which may extend to seven years.
"""
    new = TIP_ACT_2007 + """20. Repeal
The Prevention of Human Trafficking Ordinance, 2002 (LIX of 2002) is hereby repealed.
"""
    cells = cells_of(result("AAA", "old.txt", old), result("AAA", "tip.txt", new))
    assert all(ev.document != "old.txt" for cell in cells.values() for ev in cell.evidence)


def test_predicate_list_numbers_refer_to_their_own_act():
    aml = """ANTI-MONEY LAUNDERING ACT 2001
4. Offence of money laundering
Any person who engages in money laundering commits an offence and shall be liable to imprisonment for a term not exceeding five years.
12. Serious offences
In this Act, "serious offence" means an offence under section 4 or section 12 of this Act.
"""
    cell = cells_of(result("AAA", "tip.txt", TIP_ACT_2007), result("AAA", "aml.txt", aml))[("AAA", "aml-predicate-offence")]
    assert cell.status != "met", cell.reason  # "section 12" of the AML act is not the trafficking offence


def test_predicate_list_that_names_the_trafficking_act_is_met():
    aml = """ANTI-MONEY LAUNDERING ACT 2001
4. Offence of money laundering
Any person who engages in money laundering commits an offence and shall be liable to imprisonment for a term not exceeding five years.
5. Interpretation
In this Act, "serious offence" means an offence under section 12 of the Anti-Trafficking in Persons Act 2007 (trafficking in persons).
"""
    cell = cells_of(result("AAA", "tip.txt", TIP_ACT_2007), result("AAA", "aml.txt", aml))[("AAA", "aml-predicate-offence")]
    assert cell.status == "met", cell.reason
    assert cell.evidence[0].document == "aml.txt"


def test_extradition_threshold_in_a_definition_real_phrasing():
    extradition = """EXTRADITION ACT 1988
5. Interpretation
In this Act:
"extradition offence" means an offence against a law of the country for which the maximum penalty is death or imprisonment, or other deprivation of liberty, for a period of not less than 12 months.
6. Surrender
An eligible person may be surrendered to an extradition country for an extradition offence.
"""
    cell = cells_of(result("AAA", "tip.txt", TIP_ACT_2007), result("AAA", "ext.txt", extradition))[("AAA", "extradition")]
    assert cell.status == "met", cell.reason
    assert {ev.document for ev in cell.evidence} == {"ext.txt", "tip.txt"}


def test_extradition_by_treaty_only_is_partial():
    extradition = """EXTRADITION
3181. Scope and limitation of chapter
(a) The provisions of this chapter relating to the surrender of persons who have committed crimes in foreign countries shall continue in force only during the existence of any treaty of extradition with such foreign government.
3184. Fugitives from foreign country
Whenever there is a treaty or convention for extradition between the United States and any foreign government, a judge may issue a warrant for the extradition of the person charged.
"""
    cell = cells_of(result("AAA", "tip.txt", TIP_ACT_2007), result("AAA", "ch209.txt", extradition))[("AAA", "extradition")]
    assert cell.status == "partial", cell.reason
    assert "treaty" in cell.reason and "supplied texts" in cell.reason


def test_a_mention_of_extradition_outside_an_extradition_law_is_not_found():
    act = TIP_ACT_2007 + """30. Harbouring offender
Whoever harbours a person who has committed an offence outside the country and is liable to be apprehended under any law relating to extradition shall be punished with imprisonment for a term which may extend to three years.
"""
    cell = cells_of(result("AAA", "tip.txt", act))[("AAA", "extradition")]
    assert cell.status == "not_found" and cell.evidence == ()


def test_information_sharing_by_a_financial_unit_is_not_mutual_legal_assistance():
    aml = """ANTI-MONEY LAUNDERING ACT 2001
9. Authorisation to release information
The competent authority may authorise the Attorney-General to have access to such information as it may specify for the purpose of dealing with a foreign State's request for mutual assistance in a criminal matter.
"""
    cell = cells_of(result("AAA", "tip.txt", TIP_ACT_2007), result("AAA", "aml.txt", aml))[("AAA", "mutual-legal-assistance")]
    assert cell.status == "not_found", cell.reason


CHILD_OFFENCE = """
14. Offence of trafficking in children
Any person who recruits, transports, harbours or receives a child for the purpose of exploitation commits an offence and shall be punished with imprisonment for a term not exceeding twenty years.
15. Interpretation
In this Act, "child" means a person under the age of eighteen years.
"""


@pytest.mark.parametrize(
    "exploitation,status",
    [
        ("all forms of sexual exploitation, forced labour or services, slavery, servitude and the removal of organs", "met"),
        ("causing a person to provide labour or a service by engaging in conduct that causes them to fear for their safety, "
         "or by threats, force, coercion or deception", "partial"),
    ],
)
def test_child_offence_without_means_unless_exploitation_brings_them_back(exploitation, status):
    act = TIP_ACT_2007.replace(
        '"exploitation" means all forms of sexual exploitation, forced labour or services, slavery, servitude and the removal of organs',
        f'"exploitation" means {exploitation}',
    ).replace("2. Interpretation", "2. Exploitation") + CHILD_OFFENCE
    cell = cells_of(result("AAA", "tip.txt", act))[("AAA", "child-no-means")]
    assert cell.status == status, cell.reason
    assert cell.evidence[0].provision.startswith("s. 14")


def test_child_trafficking_that_keeps_the_means_is_not_found():
    act = TIP_ACT_2007 + """
14. Offence of trafficking in children
Any person who recruits or transports a child by threat, force or deception for the purpose of exploitation commits an offence and shall be punished with imprisonment for a term not exceeding twenty years.
"""
    cell = cells_of(result("AAA", "tip.txt", act))[("AAA", "child-no-means")]
    assert cell.status == "not_found" and "keep the means" in cell.reason


def test_express_child_rule_for_sex_trafficking_only_is_partial():
    act = TIP_ACT_2007 + """
16. Sex trafficking of children or by force, fraud, or coercion
(a) Whoever knowingly recruits, entices, harbors or transports a person knowing that means of force, threats of force, fraud or coercion will be used, or that the person has not attained the age of 18 years, to cause the person to engage in a commercial sex act, shall be punished as provided in subsection (b).
"""
    cell = cells_of(result("AAA", "tip.txt", act))[("AAA", "child-no-means")]
    assert cell.status == "partial" and "sexual exploitation" in cell.reason, cell.reason


def test_child_presumption_that_names_the_means_is_express():
    act = TIP_ACT_2007 + """
16. Presumption in case of child victim
Where the victim is a child, the prosecution may not prove actual use of force, fraud or coercion.
"""
    cell = cells_of(result("AAA", "tip.txt", act))[("AAA", "child-no-means")]
    assert cell.status == "met" and cell.evidence[0].provision.startswith("s. 16"), cell.reason


def test_bonded_labour_is_debt_bondage_not_also_forced_labour():
    act = """BONDED LABOUR SYSTEM (ABOLITION) ACT 1992
11. Punishment for enforcement of bonded labour
Whoever, after the commencement of this Act, compels any person to render any bonded labour shall be punishable with imprisonment for a term which may extend to five years.
"""
    cell = cells_of(result("AAA", "tip.txt", TIP_ACT_2007), result("AAA", "blsa.txt", act))[("AAA", "standalone-exploitation-offences")]
    assert cell.status == "partial" and "not an offence of forced labour" in cell.reason, cell.reason


def test_definition_of_person_that_includes_companies_reaches_the_offences():
    act = TIP_ACT_2007.replace(
        '2. Interpretation\nIn this Act, "exploitation"',
        '2. Interpretation\nIn this Act—\n"person" includes any company or association or body of persons, whether incorporated or not;\n"exploitation"',
    )
    cell = cells_of(result("AAA", "tip.txt", act))[("AAA", "legal-person-liability")]
    assert cell.status == "met", cell.reason
    assert cell.evidence[0].provision.startswith("s. 2")


def test_company_named_in_an_offence_is_not_corporate_liability():
    act = TIP_ACT_2007 + """
13. Venture
Whoever benefits from participation in a venture, which means any group of two or more individuals associated in fact, whether or not a legal entity, shall be punished with imprisonment for a term not exceeding ten years.
"""
    cell = cells_of(result("AAA", "tip.txt", act))[("AAA", "legal-person-liability")]
    assert cell.status == "not_found", cell.reason


def test_conspiracy_limited_to_another_acts_offences_is_partial():
    aml = """ANTI-MONEY LAUNDERING ACT 2001
86a. Attempts, abetments and criminal conspiracies
Any person who abets or is engaged in a criminal conspiracy to commit an offence under this Act commits an offence and shall be liable on conviction to the penalty provided for that offence.
"""
    cell = cells_of(result("AAA", "tip.txt", TIP_ACT_2007), result("AAA", "aml.txt", aml))[("AAA", "organised-group-participation")]
    assert cell.status == "partial" and "do not include trafficking" in cell.reason, cell.reason


def test_conspiracy_to_commit_serious_offences_reaches_trafficking_by_its_threshold():
    code = """CRIMINAL CODE
11.5 Conspiracy
A person who conspires with another person to commit an offence punishable by imprisonment for more than 12 months, or by a fine of 200 penalty units as defined in section 4AA, is guilty of the offence of conspiracy.
"""
    cell = cells_of(result("AAA", "tip.txt", TIP_ACT_2007), result("AAA", "code.txt", code))[("AAA", "organised-group-participation")]
    assert cell.status == "met", cell.reason


def test_exemption_of_victims_from_a_document_offence_is_limited_non_punishment():
    act = TIP_ACT_2007 + """
16. Unlawful conduct with respect to documents in furtherance of trafficking
(a) Whoever knowingly destroys any actual or purported passport or other immigration document of another person in the course of a violation of section 12 shall be imprisoned for not more than 5 years.
(b) Subsection (a) does not apply to the conduct of a person who is or has been a victim of a severe form of trafficking in persons, if that conduct is caused by, or incident to, that trafficking.
"""
    cell = cells_of(result("AAA", "tip.txt", act))[("AAA", "victim-non-punishment")]
    assert cell.status == "partial", cell.reason


def test_in_court_measures_alone_are_narrow_victim_assistance():
    cpc = """CRIMINAL PROCEDURE CODE
486.1 Support person
In any proceedings against an accused, the judge may order that a support person of the witness's choice be permitted to be present while the witness testifies, and that the witness testify by closed-circuit television or behind a screen.
"""
    cell = cells_of(result("AAA", "tip.txt", TIP_ACT_2007), result("AAA", "cpc.txt", cpc))[("AAA", "victim-assistance")]
    assert cell.status == "partial" and "in-court" in cell.reason, cell.reason


def test_civil_action_mentioned_in_an_offence_is_not_a_victims_claim():
    code = TIP_ACT_2007 + """
318. Cheating
Whoever, by deceiving any person, induces the person to deliver property is said to cheat and shall be punished with imprisonment for a term which may extend to three years; but a person who fails to deliver under a contract is liable only to a civil action for damages to the injured person.
"""
    cell = cells_of(result("AAA", "tip.txt", code))[("AAA", "victim-compensation")]
    assert cell.status == "not_found", cell.reason


def test_evidence_cites_the_trafficking_offence_before_other_laws():
    migration = """MIGRATION ACT 1958
233B. Aggravated offence of people smuggling (danger of death or serious harm)
A person commits an offence if the person organises the bringing of a group of persons into the country and there is a danger of death or serious harm to the persons. Penalty: Imprisonment for 20 years.
"""
    act = TIP_ACT_2007 + """
13. Aggravated offence of trafficking in persons
Any person who commits the offence of trafficking in persons where the trafficked person is a child, or suffers death or serious harm, commits an offence and shall be punished with imprisonment for life.
"""
    cell = cells_of(result("AAA", "tip.txt", act), result("AAA", "mig.txt", migration))[("AAA", "aggravating-circumstances")]
    assert cell.status == "met"
    assert (cell.evidence[0].document, cell.evidence[0].provision[:5]) == ("tip.txt", "s. 13")


def test_findings_and_preambles_are_not_law():
    findings = """TRAFFICKING VICTIMS PROTECTION ACT
Short title
1. This Act may be cited as the Trafficking Victims Protection Act.
Purposes and findings
2. (b) Findings: trafficked persons should receive shelter, medical care and legal assistance, and should not be punished for unlawful acts committed as a direct result of being trafficked.
"""
    cells = cells_of(result("AAA", "tip.txt", TIP_ACT_2007), result("AAA", "tvpa.txt", findings))
    assert cells[("AAA", "victim-non-punishment")].status == "not_found"
    assert cells[("AAA", "victim-assistance")].status == "not_found"


def test_every_partial_and_not_found_reason_says_what_is_missing_in_the_supplied_texts():
    cells = cells_of(result("AAA", "tip.txt", TIP_ACT_2007))
    for cell in cells.values():
        if cell.status != "met":
            assert "supplied texts" in cell.reason, (cell.item, cell.reason)
            assert "absent from the law" not in cell.reason
        if cell.status == "not_found":
            assert cell.evidence == ()


def test_evidence_hit_rate_and_strict_first_row_rate(tmp_path):
    from analyser.evaluation import evaluate_coverage

    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "AAA.csv").write_text(
        "jurisdiction,item,status,file,page,provision,quote,reason\n"
        "AAA,broad-definition,met,tip.txt,1,s. 12(1),recruits,r\n"
        "AAA,proportionate-penalties,met,tip.txt,1,s. 12,fifteen years,r\n"
        "AAA,witness-protection,not_found,,,,,r\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    out.mkdir()
    (out / "evidence.csv").write_text(
        "jurisdiction,item,status,document,provision\n"
        "AAA,broad-definition,met,tip.txt,s. 2\n"  # the gold provision is cited second: a hit, not a strict hit
        "AAA,broad-definition,met,tip.txt,s. 12(1)(a)\n"
        "AAA,proportionate-penalties,met,tip.txt,s. 12(2)\n"
        "AAA,witness-protection,not_found,,\n",
        encoding="utf-8",
    )
    (out / "provisions.csv").write_text("jurisdiction,document,provision,kind,text\n", encoding="utf-8")
    tool, _ = evaluate_coverage(out, gold)
    assert (tool.correct, tool.cells) == (3, 3)
    assert (tool.evidence_hits, tool.first_hits, tool.evidence_cells) == (2, 1, 2)


def test_confiscation_without_conviction_is_not_laundering_without_a_predicate_conviction():
    poca = """PROCEEDS OF CRIME ACT 2002
49. Forfeiture orders
A court must make a forfeiture order in respect of proceeds of crime whether or not any person has been convicted of an offence.
"""
    aml = """CRIMINAL CODE
Money laundering
400.13. Proof of certain matters
In proceedings for money laundering it is not necessary to prove that any person has been convicted of the predicate offence.
"""
    cells = cells_of(result("AAA", "tip.txt", TIP_ACT_2007), result("AAA", "poca.txt", poca))
    assert cells[("AAA", "aml-no-predicate-conviction")].status == "not_found"
    cells = cells_of(result("AAA", "tip.txt", TIP_ACT_2007), result("AAA", "poca.txt", poca), result("AAA", "code.txt", aml))
    cell = cells[("AAA", "aml-no-predicate-conviction")]
    assert cell.status == "met" and cell.evidence[0].document == "code.txt", cell.reason


# Issue 6: evidence ranking among provisions that tie on operative force, subject and relevance.
POLICE_ACT = """POLICE POWERS ACT 2001
PART 1 Seized things
5. Forfeiture of things seized
Where a thing seized in connection with any offence is not claimed, the court may order that the thing be forfeited and sold and the proceeds be paid into the Consolidated Fund.
"""
PROCEEDS_ACT = """PROCEEDS OF CRIME ACT 2003
PART 1 Outline of this Act
2. Simplified outline
This Act provides for the forfeiture of the proceeds of any offence and of property used in an offence.
PART 2 Forfeiture orders
10. Forfeiture orders
A court must order that the proceeds of crime derived from any indictable offence be forfeited to the State.
"""


@pytest.mark.parametrize(
    "documents, expected",
    [
        # an act whose title names the subject before a stray mention in another act (same ties otherwise)
        ((("police.txt", POLICE_ACT), ("proceeds.txt", PROCEEDS_ACT)), ("proceeds.txt", "s. 10")),
        # a summary ("Simplified outline", a Part headed "Outline of this Act") after the rule it summarises
        ((("proceeds.txt", PROCEEDS_ACT),), ("proceeds.txt", "s. 10")),
    ],
)
def test_confiscation_evidence_prefers_the_act_on_the_subject_and_operative_rules(documents, expected):
    results = [result("AAA", "tip.txt", TIP_ACT)] + [result("AAA", name, text) for name, text in documents]
    cell = cells_of(*results)[("AAA", "confiscation-of-proceeds")]
    assert cell.status == "met", cell.reason
    assert (cell.evidence[0].document, cell.evidence[0].provision[:5]) == expected, cell.evidence


@pytest.mark.parametrize(
    "body, placeholder",
    [
        ("2\n\n[Amendments]", True),
        ("2 [Repealed, 2004, c. 12, s. 3]", True),
        ("2 Arrangements\n\nThe Minister may make arrangements for mutual legal assistance [see Part 2].", False),
    ],
)
def test_a_consolidation_placeholder_states_no_law(body, placeholder):
    """Issue 6: a spent amendment kept as its heading (the amended act's name) and an editor's note."""
    from analyser.statute_status import is_editorial_placeholder

    other = f"""GADGET ACT

1 Short title

This Act may be cited as the Gadget Act.

Consequential Amendments

Mutual Legal Assistance in Criminal Matters Act

{body}
"""
    provision = next(p for p in result("AAA", "gadget.txt", other).provisions if p.citation == "s. 2")
    assert is_editorial_placeholder(provision) is placeholder, provision


EXTRADITION_BILL = """EXTRADITION ACT 1991
1. This Act may be cited as the Extradition Act 1991.
2. (1) For the purposes of this Act, an extradition offence is an offence punishable with imprisonment for not less than one year.
(2) An offence shall also be an extradition offence if it consists of an attempt or a conspiracy to commit, or an abetment of, any offence described in subsection (1).
"""


@pytest.mark.parametrize("item", ["organised-group-participation", "extended-liability"])
def test_a_definition_of_extradition_offences_creates_no_conspiracy_or_attempt_offence(item):
    """Issue 6: 'an extradition offence includes a conspiracy or attempt to commit one' is no offence."""
    cells = cells_of(result("AAA", "tip.txt", TIP_ACT), result("AAA", "extradition.txt", EXTRADITION_BILL))
    assert all(e.document != "extradition.txt" for e in cells[("AAA", item)].evidence), cells[("AAA", item)]


SANHITA = """PENAL SANHITA 2024
10. Trafficking of persons
(1) Whoever, for the purpose of exploitation, recruits, transports, harbours or receives a person by using threats, force or deception commits the offence of trafficking.
(2) Whoever commits the offence of trafficking shall be punished with rigorous imprisonment for a term which shall not be less than seven years.
(3) Where the offence involves the trafficking of a child, it shall be punishable with rigorous imprisonment for a term which shall not be less than ten years.
(4) When a public servant is involved in the trafficking of any person, such public servant shall be punished with imprisonment for life.
"""
SANHITA_ONE_FACTOR = SANHITA.split("(4)")[0]


@pytest.mark.parametrize(
    "text, status",
    [
        (SANHITA, "met"),  # two factors with their own penalties in the offence itself: an aggravated offence
        # one factor alone may be a scope ("a child") rather than an aggravation: only words like
        # "aggravated" make it count, as before
        (SANHITA_ONE_FACTOR, "not_found"),
    ],
)
def test_aggravations_set_inside_the_trafficking_offence_count(text, status):
    """Issue 6: no word like 'aggravated', but the offence sets higher penalties for particular cases."""
    cell = cells_of(result("AAA", "code.txt", text))[("AAA", "aggravating-circumstances")]
    assert cell.status == status, cell.reason
    assert status == "not_found" or cell.evidence[0].provision.startswith("s. 10"), cell.evidence


@pytest.mark.parametrize(
    "clause, status",
    [
        ("A victim of trafficking in persons shall not be criminally liable for an offence under this Act.", "partial"),
        ("A trafficked person shall not be criminally liable for any offence committed as a direct result of being "
         "trafficked.", "met"),
    ],
)
def test_immunity_only_for_the_acts_own_offences_is_limited(clause, status):
    """Issue 6: the offences a victim commits (immigration, documents, prostitution) lie outside the act."""
    cell = cells_of(result("AAA", "tip.txt", TIP_ACT + f"5. Victims\n{clause}\n"))[("AAA", "victim-non-punishment")]
    assert cell.status == status, cell.reason
    assert status == "met" or "supplied texts" in cell.reason


AML_WITH_SCHEDULE = """ANTI-MONEY LAUNDERING ACT 2010
3. Money laundering
Any person who acquires, converts or transfers property knowing that it is proceeds of crime commits the offence of money laundering.
9. Forfeiture
Where a person is convicted of money laundering, the Court shall make an order for forfeiture of the proceeds of crime involved in the laundering.
SCHEDULE I
Predicate offences
1. Any person who recruits, transports or harbours another person by force for the purpose of exploitation commits an offence under the Trafficking in Persons Act 2020.
"""


def test_a_predicate_schedule_does_not_make_the_aml_act_a_trafficking_act():
    """Issue 6: forfeiture tied to the laundering offence is not confiscation of trafficking proceeds
    just because the laundering act's schedule lists the trafficking offence as a predicate."""
    from analyser.view import JurisdictionView

    results = [result("AAA", "aml.txt", AML_WITH_SCHEDULE), result("AAA", "tip.txt", TIP_ACT)]
    view = JurisdictionView("AAA", results)
    listed = [u for u in view.with_tag("tip-offence") if u.result.source.name == "aml.txt"]
    assert listed and all(view.in_list_schedule(u) for u in listed)  # the schedule item reads like an offence
    forfeiture = next(u for u in view.units if u.result.source.name == "aml.txt" and u.provision.citation == "s. 9")
    assert not view.same_act_as_offence(forfeiture)
    offence = next(u for u in view.units if u.result.source.name == "tip.txt" and u.provision.citation.startswith("s. 3"))
    assert view.same_act_as_offence(offence)
