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
