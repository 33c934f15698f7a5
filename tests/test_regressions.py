"""Named regressions: each test is a bug that was found on a real statute, in miniature."""

from __future__ import annotations

from analyser.pdftext import _numbers_agree, normalise_text
from tests.factories import document
from analyser.segment import segment


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
