"""Table-driven tests of the segmentation stage (ISSUE 4). All statute snippets are
invented wording in the drafting styles of real acts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyser.definitions import slug
from analyser.errors import DataFileError
from analyser.models import Document, Page, Provision, Source
from analyser.numbering import all_patterns, expand, label_follows, load_numbering
from analyser.segment import SegmentationError, SegmentSettings, check_coverage, segment


def make_doc(text: str, name: str = "widget_act.txt", jurisdiction: str = "TST", notes: str = "") -> Document:
    return Document(source=Source(jurisdiction, Path("/x") / name, name, "txt", "0", len(text)),
                    pages=(Page(1, text, notes=notes),))


def run(text: str, **kw: str) -> list[Provision]:
    provisions, problems = segment(make_doc(text, **kw))
    assert [p for p in problems if p.severity == "error"] == []
    return provisions


def cites(provisions: list[Provision], kinds: set[str] | None = None) -> list[str]:
    return [p.citation for p in provisions if kinds is None or p.kind in kinds]


STRUCTURAL = {"section", "article", "subsection", "paragraph", "subparagraph", "clause", "subclause", "item",
              "definition"}

# (name, text, expected citations of structural units, in order): one case per numbering
# style of the issue ('Section 4', 'SEC. 4.', '4.', '4.—(1)', '5.(1)', '270.3', '98D', '1.2A',
# '360C', 'Article 150', 'Art. 5 bis', '§ 1589', '(1)', '(a)', '(i)') and the ones met since
NUMBERING_CASES = [
    ("section_word", "SEC. 1. Title. - This Act is the Widget Act.\nSEC. 2. Scope. - It applies.\n",
     ["Section 1", "Section 2"]),
    ("section_word_long", "Section 4. Penalties\n(a) A fine.\n(b) A term.\nSection 5. Repeal\nIt goes.\n",
     ["Section 4", "Section 4(a)", "Section 4(b)", "Section 5"]),
    ("section_word_bare", "Section 4\nA widget whirrs.\nSection 5\nA gadget clicks.\n", ["Section 4", "Section 5"]),
    ("number_dot", "3. The rules apply.\n4. (1) A widget is a thing.\n(2) A gadget is too.\n",
     ["s. 3", "s. 4", "s. 4(1)", "s. 4(2)"]),
    ("number_dash", "4.\u2014(1) Where a widget whirrs, it hums.\n(2) It stops.\n5.(1) The next rule.\n",
     ["s. 4", "s. 4(1)", "s. 4(2)", "s. 5", "s. 5(1)"]),
    ("decimal", "270.3  Widget offences\n(1) A person who:\n(a) makes a widget;\nis guilty.\n270.3A  Widget jurisdiction\nIt extends.\n",
     ["s. 270.3", "s. 270.3(1)", "s. 270.3(1)(a)", "s. 270.3A"]),
    ("letter_suffix", "98C. First rule.\n98D. Second rule.\n99. Third rule.\n",
     ["s. 98C", "s. 98D", "s. 99"]),
    ("letter_suffix_360c", "360. First rule.\n360C. Second rule.\n", ["s. 360", "s. 360C"]),
    ("four_letter_suffix", "3ZZBA Widget warrants\nA rule.\n3ZZBB Gadget warrants\nAnother rule.\n",
     ["s. 3ZZBA", "s. 3ZZBB"]),
    ("dotted_letter", "1.2 Widgets\nA widget whirrs.\n1.2A Gadgets\nA gadget clicks.\n",
     ["s. 1.2", "s. 1.2A"]),
    ("bare_repealed_number", "35 Widgets\nA rule.\n36\n[Repealed, 2012, c. 9, s. 2]\n37 Gadgets\nAnother rule.\n",
     ["s. 35", "s. 36", "s. 37"]),
    ("article", "Article 150\nWidget trafficking\n1. Whoever sells widgets is punished.\n2. The court may also fine.\na) first;\nb) second.\nArticle 151\nMore.\n",
     ["Article 150", "Article 150(1)", "Article 150(2)", "Article 150(2)(a)", "Article 150(2)(b)", "Article 151"]),
    ("article_bis", "Art. 5\nFirst.\nArt. 5 bis\nInserted later.\n", ["Art. 5", "Art. 5 bis"]),
    ("article_vietnamese", "\u0110i\u1ec1u 150. Mua b\u00e1n\n1. Ng\u01b0\u1eddi n\u00e0o:\nd) b\u1ed1n;\n\u0111) n\u0103m;\ne) s\u00e1u.\n",
     ["\u0110i\u1ec1u 150", "\u0110i\u1ec1u 150(1)", "\u0110i\u1ec1u 150(1)(d)", "\u0110i\u1ec1u 150(1)(\u0111)", "\u0110i\u1ec1u 150(1)(e)"]),
    ("us_code", "\u00a7 1589. Widget labor\n(a) Whoever makes widgets\u2014\n(1) by force; or\n(2) by threat,\nshall be fined.\n(b) More.\n",
     ["\u00a7 1589", "\u00a7 1589(a)", "\u00a7 1589(a)(1)", "\u00a7 1589(a)(2)", "\u00a7 1589(b)"]),
    ("us_code_capital_suffix", "\u00a7 1595. Civil remedy\nA rule.\n\u00a7 1595A. Civil injunctions\nAnother.\n",
     ["\u00a7 1595", "\u00a7 1595A"]),
    ("us_code_items", "\u00a7 7105. Widgets\n(b) Rule\n(1) In general\n(E) Certification\n(i) In general\n(II) the person\u2014\n"
     "(aa) has applied; or\n(bb) is present.\n(ii) Period\nIt lasts.\n",
     ["\u00a7 7105", "\u00a7 7105(b)", "\u00a7 7105(b)(1)", "\u00a7 7105(b)(1)(E)", "\u00a7 7105(b)(1)(E)(i)",
      "\u00a7 7105(b)(1)(E)(i)(II)", "\u00a7 7105(b)(1)(E)(i)(II)(aa)", "\u00a7 7105(b)(1)(E)(i)(II)(bb)",
      "\u00a7 7105(b)(1)(E)(ii)"]),
    ("inserted_aa_after_a", "5  Widgets\n(1) A person who:\n(a) makes; or\n(aa) sells; or\n(b) keeps;\nis guilty.\n",
     ["s. 5", "s. 5(1)", "s. 5(1)(a)", "s. 5(1)(aa)", "s. 5(1)(b)"]),
    ("inserted_dotted_labels", "5. (1) Rule.\n(b) one;\n(b.1) inserted;\n(c) two;\n(c.1) inserted;\n(d) three.\n"
     "(1.01) More.\n(1.1) More still.\n(2) End.\n",
     ["s. 5", "s. 5(1)", "s. 5(1)(b)", "s. 5(1)(b.1)", "s. 5(1)(c)", "s. 5(1)(c.1)", "s. 5(1)(d)", "s. 5(1.01)",
      "s. 5(1.1)", "s. 5(2)"]),
    ("inserted_roman_labels", "5. A person who\n(a) does the following:\n(i) one;\n(ii) two;\n(ii.1) inserted;\n(iii) three;\n"
     "(iv) four;\n(iv.1) inserted;\n(v) five.\n",
     ["s. 5", "s. 5(a)", "s. 5(a)(i)", "s. 5(a)(ii)", "s. 5(a)(ii.1)", "s. 5(a)(iii)", "s. 5(a)(iv)", "s. 5(a)(iv.1)",
      "s. 5(a)(v)"]),
]


@pytest.mark.parametrize("name,text,expected", NUMBERING_CASES, ids=[c[0] for c in NUMBERING_CASES])
def test_numbering_styles(name: str, text: str, expected: list[str]) -> None:
    assert cites(run(text), STRUCTURAL) == expected


# references that a line break leaves at the start of a line: they must not start a provision
CROSS_REFERENCES = [
    ("see_section", "5. A person must comply.\nsee section 12(3) for the penalty.\n6. Next.\n", ["s. 5", "s. 6"]),
    ("offence_under", "5. A person commits\nan offence under section 360C and is liable.\n6. Next.\n", ["s. 5", "s. 6"]),
    ("wrapped_subsection", "5. (1) Where subsection\n(2) of section 9 applies, stop.\n(2) Go on.\n",
     ["s. 5", "s. 5(1)", "s. 5(2)"]),
    ("wrapped_subsection_any_word", "5. (1) Rule.\n(3) If an officer suspects that information referred to in subsection\n"
     "(1) would be relevant, he may act.\n(4) Next.\n", ["s. 5", "s. 5(1)", "s. 5(3)", "s. 5(4)"]),
    ("wrapped_list_of_labels", "5. (1) A person who contravenes paragraphs (a), (b) or\n(c) of section 9 is guilty.\n(2) Next.\n",
     ["s. 5", "s. 5(1)", "s. 5(2)"]),
    ("wrapped_label_after_number", "9.91 Agents\nA person referred to in paragraph 5(h) shall\n"
     "(a) not engage a person referred to in any of paragraphs 11.11(1)(a) to\n(f) as an agent; and\n(b) cease.\n",
     ["s. 9.91", "s. 9.91(a)", "s. 9.91(b)"]),
    ("label_going_back", "5. (3) A widget.\n(4) A warrant issued under that rule made by the court\n(1) may be in Form 5.\n(5) Next.\n",
     ["s. 5", "s. 5(3)", "s. 5(4)", "s. 5(5)"]),
    ("amending_section_ref", "SEC. 1. Title.\nThis is it.\nSection 2 of the principal Act is amended by substituting words.\nSEC. 2. Next.\n",
     ["Section 1", "Section 2"]),
    ("wrapped_number", "5. A person is liable to imprisonment for a term of\n12 months or a fine.\n6. Next.\n", ["s. 5", "s. 6"]),
    ("wrapped_bare_number", "35 Widgets\nA rule under section 34 or\n36\nof another Act.\n37 Gadgets\nAnother rule.\n",
     ["s. 35", "s. 37"]),
]


@pytest.mark.parametrize("name,text,expected", CROSS_REFERENCES, ids=[c[0] for c in CROSS_REFERENCES])
def test_cross_references_do_not_start_provisions(name: str, text: str, expected: list[str]) -> None:
    assert cites(run(text), STRUCTURAL) == expected


# enumerators after a line that mentions a provision: they do start one
NOT_CROSS_REFERENCES = [
    ("lead_in_without_colon", "66 Final surrender\n(6) A person shall be surrendered after the person\n"
     "(a) has been temporarily surrendered;\n(b) has been convicted; and\n(c) has served.\n",
     ["s. 66", "s. 66(6)", "s. 66(6)(a)", "s. 66(6)(b)", "s. 66(6)(c)"]),
    ("reference_then_comma", "5. (6) From the date it is filed under subsection\n(3), subject to subsection (4),\n"
     "(a) an order has effect; and\n(b) another order too.\n", ["s. 5", "s. 5(6)", "s. 5(6)(a)", "s. 5(6)(b)"]),
    ("reference_then_label", "5. (6) A hearing may be held on evidence referred to in subsection (3)\n"
     "(a) that raises an issue; and\n(b) that is central.\n", ["s. 5", "s. 5(6)", "s. 5(6)(a)", "s. 5(6)(b)"]),
    ("item_ending_in_reference", "11.2 Exceptions\n(2) An officer may issue the visa if\n(b) it was ranked, but\n"
     "(i) they met the criteria under paragraph 10.3(1)(e),\n(i.1) they met the criteria under paragraph 10.3(1)(h.2), and\n"
     "(ii) they occupied a rank.\n",
     ["s. 11.2", "s. 11.2(2)", "s. 11.2(2)(b)", "s. 11.2(2)(b)(i)", "s. 11.2(2)(b)(i.1)", "s. 11.2(2)(b)(ii)"]),
    ("heading_ending_in_noun", "5. (1) Rules may be made.\nTabling of proposed regulations\n(2) The Minister tables them.\n",
     ["s. 5", "s. 5(1)", "s. 5(2)"]),
    ("list_restarting_after_lead_in", "5. (2) In subsection (1):\n(a) one; and\n(b) two.\nThe following are examples:\n"
     "(a) first;\n(b) second.\n", ["s. 5", "s. 5(2)", "s. 5(2)(a)", "s. 5(2)(b)", "s. 5(2)(a)", "s. 5(2)(b)"]),
]


@pytest.mark.parametrize("name,text,expected", NOT_CROSS_REFERENCES, ids=[c[0] for c in NOT_CROSS_REFERENCES])
def test_enumerators_after_references_start_provisions(name: str, text: str, expected: list[str]) -> None:
    assert cites(run(text), STRUCTURAL) == expected


# (name, text, label, kind it must get): '(i)', '(v)', '(x)', '(c)' are roman numerals and letters
ROMAN_CASES = [
    ("letter_after_h", "7. A person who does the following:\n(g) seven;\n(h) eight;\n(i) nine;\n(j) ten.\n", "i", "paragraph"),
    ("roman_under_h", "7. A person who does the following:\n(g) seven;\n(h) eight, namely\n(i) first; or\n(ii) second.\n",
     "i", "subparagraph"),
    ("roman_under_a", "7. A person who does the following:\n(a) one, namely\n(i) first; or\n(ii) second.\n", "i", "subparagraph"),
    ("lone_roman", "7. A person who does the following:\n(a) one, namely\n(i) first.\n", "i", "subparagraph"),
    ("c_after_b", "7. A person who does the following:\n(a) one;\n(b) two;\n(c) three.\n", "c", "paragraph"),
    ("v_after_iv", "7. A person who:\n(a) one, namely\n(i) a;\n(ii) b;\n(iii) c;\n(iv) d;\n(v) e.\n", "v", "subparagraph"),
    ("x_after_w", "7. A person who:\n(v) twenty-two;\n(w) twenty-three;\n(x) twenty-four;\n(y) twenty-five.\n", "x", "paragraph"),
    ("upper_i_after_h", "\u00a7 7. Widgets\n(a) Rule\n(1) In general\n(G) seven;\n(H) eight;\n(I) nine.\n", "I", "subparagraph"),
    ("upper_roman", "\u00a7 7. Widgets\n(a) Rule\n(1) In general\n(A) one\n(i) first\n(I) the first part; or\n(II) the second.\n",
     "I", "subclause"),
]


@pytest.mark.parametrize("name,text,label,kind", ROMAN_CASES, ids=[c[0] for c in ROMAN_CASES])
def test_roman_or_letter(name: str, text: str, label: str, kind: str) -> None:
    unit = next(p for p in run(text) if p.label == label)
    assert unit.kind == kind


# (name, text, expected (citation, first characters of its text) of sections/articles)
CONTENTS_CASES = [
    ("arrangement_of_clauses", "WIDGET BILL\nARRANGEMENT OF CLAUSES\nClause\n1. Short title.\n2. Interpretation.\n"
     "ENACTED by Parliament as follows:\nShort title\n1. This Act may be cited as the Widget Act.\n"
     "Interpretation\n2. In this Act, a widget is a thing.\n", [("s. 1", "Short title\n1. This"), ("s. 2", "Interpretation\n2.")]),
    ("ocr_noise_before_header", "WIDGET BILL\n' ARRANGEMENT OF CLAUSES\nClause\n1. Short title.\n2. Interpretation.\n"
     "ENACTED by Parliament as follows:\nShort title\n1. This Act may be cited as the Widget Act.\n"
     "Interpretation\n2. In this Act, a widget is a thing.\n", [("s. 1", "Short title\n1. This"), ("s. 2", "Interpretation\n2.")]),
    ("parts_paged_sections_not", "Contents\nPart I--Preliminary\t1\n1 Short title\n2 Commencement\nPart I--Preliminary\n"
     "1 Short title\nThis Act may be cited as the Widget Act.\n2 Commencement\nThis Act commences today.\n",
     [("s. 1", "1 Short title\nThis"), ("s. 2", "2 Commencement\nThis")]),
    ("page_numbers_lost_in_pdf", "Contents\nPart I--Preliminary 1\n1 Short title\n2 Commencement\nPart I--Preliminary\n"
     "1 Short title\nThis Act may be cited as the Widget Act.\n2 Commencement\nThis Act commences today.\n",
     [("s. 1", "1 Short title\nThis"), ("s. 2", "2 Commencement\nThis")]),
    ("markdown_emphasis_in_entries", "Contents\nPart I--Preliminary\t1\n5\tMeaning of _widget\t_5\n6\tMeaning of _gadget\t_6\n"
     "Part I--Preliminary\n5 Meaning of widget\nA widget whirrs.\n6 Meaning of gadget\nA gadget clicks.\n",
     [("s. 5", "5 Meaning of widget\nA"), ("s. 6", "6 Meaning of gadget\nA")]),
]


@pytest.mark.parametrize("name,text,expected", CONTENTS_CASES, ids=[c[0] for c in CONTENTS_CASES])
def test_contents_entries_are_not_sections(name: str, text: str, expected: list[tuple[str, str]]) -> None:
    provisions = run(text)
    sections = [(p.citation, p.text[:len(start)]) for p, (_, start) in
                zip([p for p in provisions if p.kind in ("section", "article")], expected)]
    assert sections == expected and len([p for p in provisions if p.kind == "section"]) == len(expected)
    assert [p.id for p in provisions if p.kind == "section"] == [f"TST/widget_act/s-{c[3:]}" for c, _ in expected]


# (name, text, citation, expected heading, expected start of its text): headings above and after numbers
HEADING_CASES = [
    ("above_number", "Offence of trafficking\n12. (1) Any person who sells a widget commits an offence.\n",
     "s. 12", "Offence of trafficking", "Offence of trafficking\n12."),
    ("after_number", "270.3  Widget offences\nA person who makes a widget is guilty.\n", "s. 270.3", "Widget offences", "270.3"),
    ("history_note_not_a_heading", "1 Short title\nThis Act may be cited as the Widget Act.\nHistorical Note\n"
     "R.S., c. C-34, s. 1\n2 Definitions\nIn this Act, widget means a thing.\n", "s. 2", "Definitions", "2 Definitions"),
    ("article_heading_after_number", "I\nGeneral Provisions\nArticle 1\nScope\nThis Protocol applies.\n",
     "Article 1", "Scope", "Article 1\n"),
    ("enacting_words_not_a_heading", "WIDGET ACT\nIt is hereby enacted as follows:\u2013\n1. Short title.\u2013 (1) This Act may "
     "be called the Widget Act.\n", "s. 1", "Short title", "1. Short title"),
    ("chapter_not_a_heading", "Chapter-I\nPRELIMINARY\n1. Short title.\u2013 (1) This Ordinance may be called the Widget "
     "Ordinance.\n", "s. 1", "Short title", "1. Short"),
    ("section_word_heading", "SEC. 4. Acts of Widgetry. - It shall be unlawful to make widgets.\n", "Section 4",
     "Acts of Widgetry", "SEC. 4."),
]


@pytest.mark.parametrize("name,text,citation,heading,start", HEADING_CASES, ids=[c[0] for c in HEADING_CASES])
def test_headings(name: str, text: str, citation: str, heading: str, start: str) -> None:
    unit = next(p for p in run(text) if p.citation == citation)
    assert (unit.heading, unit.text[:len(start)]) == (heading, start)


# (name, body text per page, margin notes per page, expected section headings)
MARGIN_NOTE_CASES = [
    ("one_page", ["1. First rule.\n2. Second rule.\n"], ["Short title\nScope"], ["Short title", "Scope"]),
    ("notes_stay_on_their_page", ["1. First rule.\n2. Second rule.", "3. Third rule.\n"], ["Short title\nScope", "Penalty"],
     ["Short title", "Scope", "Penalty"]),
    ("printed_heading_wins", ["1. Short title.\u2014This Act is the Widget Act.\n2. Second rule.\n"], ["Scope"],
     ["Short title", "Scope"]),
    ("footnotes_are_no_margin_notes", ["1. First rule.\n2. Second rule.\n3. Third rule.\n"],
     ["Short title\n7 Section 2 substituted vide the Widget (Amendment) Act\nNotification no. 4 of 2020\n"
      "8 Words \u201cgadget\u201d omitted"], ["Short title", "", ""]),
    ("act_citation_in_margin_is_not_a_footnote", ["1. First rule.\n2. Second rule.\n"], ["21 of 2000.\nScope"],
     ["21 of 2000.", "Scope"]),
]


@pytest.mark.parametrize("name,texts,notes,expected", MARGIN_NOTE_CASES, ids=[c[0] for c in MARGIN_NOTE_CASES])
def test_margin_notes_become_headings(name: str, texts: list[str], notes: list[str], expected: list[str]) -> None:
    pages = tuple(Page(i + 1, t, notes=n) for i, (t, n) in enumerate(zip(texts, notes)))
    document = Document(source=Source("TST", Path("/x/w.txt"), "w.txt", "txt", "0", 1), pages=pages)
    provisions, problems = segment(document)
    assert [p for p in problems if p.severity == "error"] == []
    assert [p.heading for p in provisions if p.kind == "section"] == expected


def test_contents_do_not_duplicate_sections() -> None:
    text = ("WIDGET BILL\nARRANGEMENT OF CLAUSES\nPART I\nPRELIMINARY\n1. Short title\n2. Interpretation\n"
            "ENACTED by the Parliament as follows:\nPART I\nPRELIMINARY\nShort title\n"
            "1. This Act may be cited as the Widget Act 2031.\nInterpretation\n2. Words mean things.\n")
    provisions = run(text)
    assert cites(provisions, {"section"}) == ["s. 1", "s. 2"]
    assert [p.kind for p in provisions][:3] == ["preamble", "contents", "preamble"]
    section_1 = next(p for p in provisions if p.citation == "s. 1")
    assert section_1.heading == "Short title" and section_1.act == "Widget Act 2031"
    assert next(p for p in provisions if p.kind == "part").heading == "PRELIMINARY"


def test_definitions_are_units() -> None:
    text = ('2. In this Act, unless the context otherwise requires\u2014\n'
            '\u201cwidget\u201d means a thing that\u2014\n(a) whirrs; or\n(b) clicks;\n'
            '"trafficking in widgets" includes selling them;\n3. Next.\n')
    provisions = run(text)
    defs = [p for p in provisions if p.kind == "definition"]
    assert [d.label for d in defs] == ["widget", "trafficking in widgets"]
    assert defs[0].citation == 's. 2 "widget"'
    assert defs[1].id == "TST/widget_act/s-2/def-trafficking-in-widgets"
    assert cites(provisions, {"paragraph"}) == ['s. 2 "widget"(a)', 's. 2 "widget"(b)']


def test_unquoted_definitions_only_in_definition_sections() -> None:
    text = ("2 Definitions\nIn this Act,\nwidget means a small thing;\ngadget includes a tool.\n"
            "3 Application\nThis rule means business.\n")
    defs = [p.label for p in run(text) if p.kind == "definition"]
    assert defs == ["widget", "gadget"]


# (name, text, defined terms that must come out as definition units)
DEFINITION_CASES = [
    ("quoted", '2. In this Act\u2014\n\u201cchild\u201d means a person under 18;\n"widget" shall mean a thing;\n3. Next.\n',
     ["child", "widget"]),
    ("quoted_with_qualifier", '2. In this Act\u2014\n"associate", in relation to a person, means a partner;\n'
     '"widget" means a thing;\n3. Next.\n', ["associate", "widget"]),
    ("plain_with_short_form_or_qualifier", "5 Definitions\nIn this Act:\nADI (short for authorised deposit-taking "
     "institution) means a bank.\nexcision time, for an excised place, means the time.\n6 Next\nIt goes.\n",
     ["ADI", "excision time"]),
    ("lead_in_naming_a_subsection", "268.16 Widgets\n(1) A person commits an offence.\n(2) In subsection (1):\n"
     "consent means free and voluntary agreement.\nthreat includes a threat of force.\n", ["consent", "threat"]),
    ("numbered_quoted", "2. (1) In this Act,\u2014\n(a) \u201cwidget\u201d means a thing;\n(b) \u201cgadget\u201d means a tool.\n",
     ["widget", "gadget"]),
    ("plain_outside_definitions", "3 Application\nThis rule means business.\nA widget includes a gadget.\n", []),
]


@pytest.mark.parametrize("name,text,terms", DEFINITION_CASES, ids=[c[0] for c in DEFINITION_CASES])
def test_definitions_are_addressable(name: str, text: str, terms: list[str]) -> None:
    definitions = [p for p in run(text) if p.kind == "definition"]
    assert [d.label for d in definitions] == terms
    assert all(d.id.endswith("/def-" + slug(d.label)) or d.path[-1] in ("a", "b") for d in definitions)


def test_wrapped_lines_do_not_start_unquoted_definitions() -> None:
    """In a PDF a definition's second line may begin 'Canada and includes ...'."""
    text = ("2 Definitions\n(1) The definitions in this subsection apply in this Act.\nforeign state, except for the purposes of\n"
            "Part 2, means a country other than\nCanada and includes any political subdivision. (\u00c9tat \u00e9tranger)\n"
            "person means an individual. (personne)\n3 Application\nThis Act applies.\n")
    assert [p.label for p in run(text) if p.kind == "definition"] == ["person"]


def test_lone_definition_keeps_the_paragraph_citations() -> None:
    """'(5) In this section, court means (a) ...' is cited s. 32(5)(a); a list of definitions is not."""
    text = ("32 Widgets\n(5) In this section and sections 33 and 34,\ncourt means\n(a) in Ontario, the Superior Court;\n"
            "(b) in Quebec, the Superior Court.\n33 Definitions\nIn this Act:\nwidget means:\n(a) a thing; or\n(b) a tool.\n"
            "gadget means a device.\n")
    provisions = run(text)
    assert cites(provisions, {"definition", "paragraph"}) == [
        's. 32(5) "court"', "s. 32(5)(a)", "s. 32(5)(b)", 's. 33 "widget"', 's. 33 "widget"(a)', 's. 33 "widget"(b)',
        's. 33 "gadget"']
    assert next(p for p in provisions if p.citation == "s. 32(5)(a)").id == "TST/widget_act/s-32/5/def-court/a"


def test_explanations_hold_their_own_lists() -> None:
    text = ("64. (1) Whoever commits the act is punished.\n(2) Whoever,\u2014\n(a) being a widget maker; or\n(b) being a seller,\n"
            "commits the act, is punished.\nExplanation.\u2014For the purposes of this sub-section,\u2014\n"
            "(a) \u201cwidget\u201d means a thing;\n(b) \u201cgadget\u201d means a tool.\nIllustrations.\n(a) A sells a widget.\n"
            "65. Next.\n")
    provisions = run(text)
    assert cites(provisions, STRUCTURAL | {"explanation"}) == [
        "s. 64", "s. 64(1)", "s. 64(2)", "s. 64(2)(a)", "s. 64(2)(b)", "s. 64(2), Explanation",
        "s. 64(2), Explanation (a)", "s. 64(2), Explanation (b)", "s. 64(2), Illustrations", "s. 64(2), Illustrations (a)",
        "s. 65"]
    assert [p.label for p in provisions if p.kind == "definition"] == ["widget", "gadget"]
    assert len({p.id for p in provisions}) == len(provisions)


def test_amendment_of_another_act_is_attributed_to_both() -> None:
    """'RA 9208 s. 3, as amended by RA 11862 s. 3': the amending section names the amended one."""
    text = ("SECTION 1. Title. - This Act is the Widget Amendment Act.\n"
            "SEC. 3. Section 3 of Republic Act No. 9208 is hereby amended to read as follows:\n"
            "\u201cSEC. 3. Definition of Terms. - As used in this Act:\n(a) Widget - a thing;\nx x x\u201d\nSEC. 4. Next.\n")
    provisions = run(text)
    section = next(p for p in provisions if p.citation == "Section 3")
    assert section.amends == "RA 9208 s. 3" and cites(provisions, {"section"}) == ["Section 1", "Section 3", "Section 4"]


LABEL_ORDER = [
    ("num", "1", "2", True), ("num", "1", "1.1", True), ("num", "1.01", "1.1", True), ("num", "1.1", "1.01", False),
    ("num", "4", "1", False), ("num", "2", "2A", True), ("lower", "b", "b.1", True), ("lower", "b.1", "c", True),
    ("lower", "a", "aa", True), ("lower", "z", "aa", True), ("lower", "m", "a", False), ("roman", "iv.1", "v", True),
    ("roman", "ix", "x", True), ("roman", "x", "ix", False), ("rparen", "d", "\u0111", True), ("rparen", "\u0111", "e", True),
]


@pytest.mark.parametrize("kind,previous,label,expected", LABEL_ORDER)
def test_label_order(kind: str, previous: str, label: str, expected: bool) -> None:
    numbering = load_numbering()
    assert label_follows(kind, previous, label, numbering.letter_order) is expected


def test_amending_text_is_attributed() -> None:
    text = ("1. This Act may be cited as the Widget (Amendment) Act 2032.\n"
            "Amendment of section 2\n"
            "2. The Widget Act 2031 [Act 999], which is referred to as the \u201cprincipal Act\u201d in this Act, "
            "is amended in section 2 by deleting a word.\n"
            "Substitution of section 13\n3. The principal Act is amended by substituting for section 13 the following section:\n"
            "\u201cWidget offence\n13. (1) Any person who sells a widget commits an offence.\n(a) first;\u201d.\n"
            "4. Section 14 of the principal Act is amended by deleting the word \u201cgadget\u201d.\n")
    provisions = run(text)
    by_cite = {p.citation: p for p in provisions}
    assert by_cite["s. 2"].amends == "Act 999 s. 2"
    assert by_cite["s. 3"].amends == "Act 999 s. 13"
    assert by_cite["s. 4"].amends == "Act 999 s. 14"
    assert "s. 13" not in by_cite and "s. 3(a)" not in by_cite  # quoted inserted text is not structure
    assert by_cite["s. 1"].amends == ""


def test_elisions_are_kept_as_elisions() -> None:
    text = "SEC. 3. Definitions. -\n(a) Widget - a thing;\nx x x\n(c) Gadget - a tool.\nSEC. 4. Next.\n"
    provisions = run(text)
    elision = next(p for p in provisions if p.kind == "elision")
    assert elision.text.strip() == "x x x" and elision.label == "x x x"
    assert cites(provisions, {"paragraph"}) == ["Section 3(a)", "Section 3(c)"]
    assert "x x x" not in next(p for p in provisions if p.citation == "Section 3(a)").text


def test_hierarchy_and_ids() -> None:
    text = ("Chapter 8--Widget offences\nDivision 270--Widgets\nSubdivision B--Making\n"
            "270.3  Widget offences\n(1) A person who:\n(a) makes; or\n(b) sells;\nis guilty.\n"
            "Division 271--Gadgets\n271.1  Gadget offences\nA person is guilty.\n")
    provisions = run(text)
    by_cite = {p.citation: p for p in provisions}
    para = by_cite["s. 270.3(1)(a)"]
    assert para.kind == "paragraph" and para.path == ("s-270.3", "1", "a")
    assert para.id == "TST/widget_act/s-270.3/1/a"
    assert by_cite["s. 270.3"].parent_id == by_cite["Subdivision B"].id
    assert by_cite["Subdivision B"].parent_id == by_cite["Division 270"].id
    assert by_cite["Division 271"].parent_id == by_cite["Chapter 8"].id
    assert by_cite["s. 270.3"].heading == "Widget offences"


def test_ids_are_stable_when_unrelated_text_changes() -> None:
    base = "1. First rule.\n2. (1) Second rule.\n(2) More.\n3. Third.\n"
    changed = base.replace("First rule.", "First rule, now much longer than before.\n(1) Inserted.")
    ids_before = {p.citation: p.id for p in run(base)}
    ids_after = {p.citation: p.id for p in run(changed)}
    assert all(ids_after[c] == i for c, i in ids_before.items())


def test_schedule_items_get_schedule_prefix() -> None:
    text = ("5. Main rule.\n6. Other rule.\nFIRST SCHEDULE\n5. Listed item.\n"
            "SCHEDULE\n1. Item.\nSCHEDULE\n1. Item again.\n")
    ids = [p.id for p in run(text) if p.kind in ("section", "schedule")]
    assert ids == ["TST/widget_act/s-5", "TST/widget_act/s-6", "TST/widget_act/sch-first",
                   "TST/widget_act/sch-first/s-5", "TST/widget_act/sch-schedule", "TST/widget_act/s-1",
                   "TST/widget_act/sch-schedule~2", "TST/widget_act/sch-schedule~2/s-1"]


def test_no_character_lost_and_pages() -> None:
    pages = (Page(1, "WIDGET ACT\n1. First rule.\n(1) Part one."), Page(2, "(2) Part two.\n2. Second."))
    document = Document(source=Source("TST", Path("/x/w.txt"), "w.txt", "txt", "0", 1), pages=pages)
    provisions, problems = segment(document)
    assert problems == []
    sub2 = next(p for p in provisions if p.citation == "s. 1(2)")
    assert (sub2.page_start, sub2.page_end) == (2, 2)
    assert next(p for p in provisions if p.citation == "s. 1").page_end == 2


def test_check_coverage_reports_leftovers() -> None:
    document = make_doc("1. First rule.\n2. Second rule.\n")
    provisions, _ = segment(document)
    dropped = [p for p in provisions if p.citation != "s. 2"]
    problems = check_coverage(document, dropped)
    assert problems and "belong to no provision" in problems[0].message


def test_settings_validation() -> None:
    with pytest.raises(SegmentationError, match="max_section_gap"):
        SegmentSettings(max_section_gap=0)
    with pytest.raises(SegmentationError, match="unknown SegmentSettings"):
        SegmentSettings.resolve({"nope": 1})
    assert SegmentSettings.resolve({"max_section_gap": 10}).max_section_gap == 10


def test_empty_document_has_one_unit_and_no_errors() -> None:
    provisions, problems = segment(make_doc("Just a sentence with no numbers.\n"))
    assert [p.kind for p in provisions] == ["preamble"]
    assert [p.severity for p in problems] == ["warning"]


# --- the data file --------------------------------------------------------------

PATTERNS = all_patterns(load_numbering())


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.name for p in PATTERNS])
def test_numbering_examples(pattern) -> None:  # type: ignore[no-untyped-def]
    search = pattern.name in ("amending_words", "amending_context", "quote_intro", "quote_close",
                              "target", "principal_act", "amended_act", "short_title",
                              "context_heading", "context_intro", "cross_reference_tail", "unit_end", "lead_in")
    find = pattern.regex.search if search else pattern.regex.match
    assert pattern.meta.get("examples"), f"{pattern.name} has no examples"
    for example in pattern.meta["examples"]:
        assert find(example), f"{pattern.name} misses example {example!r}"
    for counter in pattern.meta.get("counter_examples", []):
        assert not find(counter), f"{pattern.name} matches counter-example {counter!r}"


def test_numbering_data_matches_its_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    data_dir = Path(__file__).resolve().parents[1] / "analyser" / "data"
    schema = json.loads((data_dir / "schemas" / "numbering.schema.json").read_text(encoding="utf-8"))
    data = json.loads((data_dir / "numbering.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "fragments": {"sp": {"regex": " "}}}, schema)  # no examples, no note


def test_unknown_fragment_is_a_data_error() -> None:
    with pytest.raises(DataFileError, match="unknown fragment"):
        expand("$nope", {})


# Pakistani acts (and OCR of them): the body must not lose to a schedule that lists the
# sections of another law, a wrapped 'Schedule-IV of this Act' is a cross-reference, OCR
# may read a section's full stop as a comma or its digits as letters, and a Canadian
# cross-heading named 'Schedule' is no schedule when the numbering goes on after it.
_SCHEDULE_LIST = "".join(f"{n} Gadget offence number {n}\n" for n in range(101, 131))
BODY_AND_SCHEDULE_CASES = [
    ("schedule_list_outvotes_body",
     "1. Short title.\u2014This Act is the Widget Act.\n"
     "2. Definitions.\u2014In this Act, \u201cregulator\u201d means a regulator in clause (1) of\n"
     "Schedule \u2013IV of this Act; 7\n"
     "(b) \u201cgadget\u201d means a gadget named in\nSchedule-II of this Act.\n"
     "3. Offence of widgetry.\u2014(1) A person who sells widgets commits an offence.\n"
     "(2) A gadget is a widget.\n"
     "4. Punishment.\u2014Whoever commits widgetry shall be fined.\n"
     "5. Power to amend the Schedule.\u2014The Government may amend the Schedule.\n"
     "\u201cTHE SCHEDULE-I\u201d\n[see section 2]\n" + _SCHEDULE_LIST,
     ["s. 1", "s. 2", "s. 3", "s. 3(1)", "s. 3(2)", "s. 4", "s. 5", "THE SCHEDULE I"]),
    ("schedule_with_footnote_number",
     "1. Short title.\u2014This Act is the Widget Act.\n2. Scope.\u2014It applies.\n"
     "3. Rules.\u2014They apply.\n4. Fees.\u2014They apply.\n5. Forms.\u2014They apply.\n"
     "THE SCHEDULE-II12\nA list of gadgets.\n",
     ["s. 1", "s. 2", "s. 3", "s. 4", "s. 5", "THE SCHEDULE II"]),
    ("ocr_comma_for_full_stop",
     "4. Aggravation.\u2014Where a widget is sold to a child.\n"
     "5, Abetment and conspiracy.\u2014(1) Any person who abets widgetry\n"
     "shall be punished.\n6. Victims.\u2014A victim is not liable.\n",
     ["s. 4", "s. 5", "s. 5(1)", "s. 6"]),
    ("ocr_letters_for_digits",
     "i. Short title and extent.\u2014(1) This Act is the Widget Act.\n"
     "(2) It extends everywhere.\n"
     "9. Cognizance.\u2014A widget offence shall be cognizable.\n"
     "li. Trial of widget offences Notwithstanding anything in the Code,\n"
     "a court may try a widget offence.\n"
     "lt. Safety of witnesses.\u2014(1) The Government may protect a witness.\n"
     "[2. Protection by the Court.\u2014(1) The rules may provide for hearings.\n"
     "13. Compensation.\u2014The court may order compensation.\n",
     ["s. 1", "s. 1(1)", "s. 1(2)", "s. 9", "s. 10", "s. 11", "s. 11(1)", "s. 12", "s. 12(1)",
      "s. 13"]),
    ("roman_heading_is_no_ocr_section",
     "1. Short title.\u2014This Act is the Widget Act.\nII. GADGETS\n2. Gadgets.\u2014They click.\n",
     ["s. 1", "s. 2"]),
    ("cross_heading_named_schedule",
     "3 Inconsistency\nThis Act prevails.\n\nSchedule\n\n4 Designation\n"
     "(1) The courts in the schedule are designated.\n\n5 Publication\nAgreements are published.\n",
     ["s. 3", "s. 4", "s. 4(1)", "s. 5"]),
    ("real_schedule_restarts_numbering",
     "3 Inconsistency\nThis Act prevails.\n\nSchedule\n\n1 The First Widget Court\n2 The Second Widget Court\n",
     ["s. 3", "Schedule", "s. 1", "s. 2"]),
]


@pytest.mark.parametrize("name,text,expected", BODY_AND_SCHEDULE_CASES,
                         ids=[c[0] for c in BODY_AND_SCHEDULE_CASES])
def test_body_sections_and_schedules(name: str, text: str, expected: list[str]) -> None:
    provisions = run(text)
    assert cites(provisions, {"section", "schedule", "subsection"}) == expected
    schedules = {p.id for p in provisions if p.kind == "schedule"}
    body = [p for p in provisions if p.kind == "section" and p.parent_id not in schedules]
    in_schedule = {"real_schedule_restarts_numbering": ["s. 1", "s. 2"]}.get(name, [])
    assert [p.citation for p in body] == [c for c in expected if c.startswith("s. ") and "(" not in c
                                          and c not in in_schedule]


# Issue 6: a marginal note that the text layer put first on a section's line ('Extradition 6. (1) ...',
# two-column bills) does not hide the section; only a number that follows the last section counts.
INLINE_MARGIN_NOTE_CASES = [
    ("note_before_subsection",
     "1. This Act is the Gadget Act.\nGadgets 2. (1) A gadget shall be registered.\n(2) A register shall be kept.\n",
     ["s. 1", "s. 2", "s. 2(1)", "s. 2(2)"]),
    ("two_word_note_before_text",
     "1. This Act is the Gadget Act.\nRegister of 2. The Registrar shall keep a register.\n",
     ["s. 1", "s. 2"]),
    ("after_a_part_heading",
     "1. This Act is the Gadget Act.\n2. Scope.\nPART II\nREGISTRATION\nRegistration 3. (1) A gadget shall be registered.\n",
     ["s. 1", "s. 2", "s. 3", "s. 3(1)"]),
    ("a_number_out_of_sequence_is_text",
     "1. This Act is the Gadget Act.\nRegister 40. The Registrar shall keep a register.\n",
     ["s. 1"]),
    ("a_long_sentence_is_not_a_note",
     "1. This Act is the Gadget Act.\nThe fee is set by the rules in force on 2. January each year.\n",
     ["s. 1"]),
]


@pytest.mark.parametrize("name,text,expected", INLINE_MARGIN_NOTE_CASES, ids=[c[0] for c in INLINE_MARGIN_NOTE_CASES])
def test_inline_margin_notes_do_not_hide_sections(name: str, text: str, expected: list[str]) -> None:
    assert cites(run(text), STRUCTURAL) == expected
