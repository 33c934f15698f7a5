"""Table-driven tests of the segmentation stage (ISSUE 4). All statute snippets are
invented wording in the drafting styles of real acts."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyser.errors import DataFileError
from analyser.models import Document, Page, Provision, Source
from analyser.numbering import all_patterns, expand, load_numbering
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


STRUCTURAL = {"section", "article", "subsection", "paragraph", "subparagraph", "clause", "definition"}

# (name, text, expected citations of structural units, in order)
NUMBERING_CASES = [
    ("section_word", "SEC. 1. Title. - This Act is the Widget Act.\nSEC. 2. Scope. - It applies.\n",
     ["Section 1", "Section 2"]),
    ("section_word_long", "Section 4. Penalties\n(a) A fine.\n(b) A term.\nSection 5. Repeal\nIt goes.\n",
     ["Section 4", "Section 4(a)", "Section 4(b)", "Section 5"]),
    ("number_dot", "3. The rules apply.\n4. (1) A widget is a thing.\n(2) A gadget is too.\n",
     ["s. 3", "s. 4", "s. 4(1)", "s. 4(2)"]),
    ("number_dash", "4.\u2014(1) Where a widget whirrs, it hums.\n(2) It stops.\n5.(1) The next rule.\n",
     ["s. 4", "s. 4(1)", "s. 4(2)", "s. 5", "s. 5(1)"]),
    ("decimal", "270.3  Widget offences\n(1) A person who:\n(a) makes a widget;\nis guilty.\n270.3A  Widget jurisdiction\nIt extends.\n",
     ["s. 270.3", "s. 270.3(1)", "s. 270.3(1)(a)", "s. 270.3A"]),
    ("letter_suffix", "98C. First rule.\n98D. Second rule.\n99. Third rule.\n",
     ["s. 98C", "s. 98D", "s. 99"]),
    ("letter_suffix_360c", "360. First rule.\n360C. Second rule.\n", ["s. 360", "s. 360C"]),
    ("dotted_letter", "1.2 Widgets\nA widget whirrs.\n1.2A Gadgets\nA gadget clicks.\n",
     ["s. 1.2", "s. 1.2A"]),
    ("article", "Article 150\nWidget trafficking\n1. Whoever sells widgets is punished.\n2. The court may also fine.\na) first;\nb) second.\nArticle 151\nMore.\n",
     ["Article 150", "Article 150(1)", "Article 150(2)", "Article 150(2)(a)", "Article 150(2)(b)", "Article 151"]),
    ("article_bis", "Art. 5\nFirst.\nArt. 5 bis\nInserted later.\n", ["Art. 5", "Art. 5 bis"]),
    ("us_code", "\u00a7 1589. Widget labor\n(a) Whoever makes widgets\u2014\n(1) by force; or\n(2) by threat,\nshall be fined.\n(b) More.\n",
     ["\u00a7 1589", "\u00a7 1589(a)", "\u00a7 1589(a)(1)", "\u00a7 1589(a)(2)", "\u00a7 1589(b)"]),
]


@pytest.mark.parametrize("name,text,expected", NUMBERING_CASES, ids=[c[0] for c in NUMBERING_CASES])
def test_numbering_styles(name: str, text: str, expected: list[str]) -> None:
    assert cites(run(text), STRUCTURAL) == expected


CROSS_REFERENCES = [
    ("see_section", "5. A person must comply.\nsee section 12(3) for the penalty.\n6. Next.\n", ["s. 5", "s. 6"]),
    ("offence_under", "5. A person commits\nan offence under section 360C and is liable.\n6. Next.\n", ["s. 5", "s. 6"]),
    ("wrapped_subsection", "5. (1) Where subsection\n(2) of section 9 applies, stop.\n(2) Go on.\n",
     ["s. 5", "s. 5(1)", "s. 5(2)"]),
    ("amending_section_ref", "SEC. 1. Title.\nThis is it.\nSection 2 of the principal Act is amended by substituting words.\nSEC. 2. Next.\n",
     ["Section 1", "Section 2"]),
    ("wrapped_number", "5. A person is liable to imprisonment for a term of\n12 months or a fine.\n6. Next.\n", ["s. 5", "s. 6"]),
]


@pytest.mark.parametrize("name,text,expected", CROSS_REFERENCES, ids=[c[0] for c in CROSS_REFERENCES])
def test_cross_references_do_not_start_provisions(name: str, text: str, expected: list[str]) -> None:
    assert cites(run(text), STRUCTURAL) == expected


ROMAN_CASES = [
    ("letter_after_h", "(g) seven;\n(h) eight;\n(i) nine;\n(j) ten.\n", "paragraph"),
    ("roman_under_h", "(g) seven;\n(h) eight, namely\n(i) first; or\n(ii) second.\n", "subparagraph"),
    ("roman_under_a", "(a) one, namely\n(i) first; or\n(ii) second.\n", "subparagraph"),
]


@pytest.mark.parametrize("name,body,kind_of_i", ROMAN_CASES, ids=[c[0] for c in ROMAN_CASES])
def test_roman_or_letter(name: str, body: str, kind_of_i: str) -> None:
    provisions = run("7. A person who does the following:\n" + body)
    unit = next(p for p in provisions if p.label == "i")
    assert unit.kind == kind_of_i


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


def test_margin_notes_become_headings() -> None:
    provisions, _ = segment(make_doc("1. First rule.\n2. Second rule.\n", notes="Short title\nScope"))
    assert [p.heading for p in provisions if p.kind == "section"] == ["Short title", "Scope"]


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
                              "context_heading", "context_intro")
    find = pattern.regex.search if search else pattern.regex.match
    assert pattern.meta.get("examples"), f"{pattern.name} has no examples"
    for example in pattern.meta["examples"]:
        assert find(example), f"{pattern.name} misses example {example!r}"
    for counter in pattern.meta.get("counter_examples", []):
        assert not find(counter), f"{pattern.name} matches counter-example {counter!r}"


def test_unknown_fragment_is_a_data_error() -> None:
    with pytest.raises(DataFileError, match="unknown fragment"):
        expand("$nope", {})
