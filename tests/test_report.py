"""report.html: structure checked with html.parser (no browser), self-containment, determinism."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from analyser.report import render_report


class Outline(HTMLParser):
    """Collects what the tests look at: elements by class, links, scripts, text inside marks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.grid_cells: list[dict[str, str]] = []
        self.grid_rows = 0
        self.details: dict[str, list[str]] = {}  # data-cell -> text inside the article
        self.marks: list[str] = []
        self.external: list[str] = []
        self.section_ids: list[str] = []
        self.text: list[str] = []
        self.meta: list[dict[str, str]] = []
        self.styles = 0
        self.scripts = 0
        self._detail: str | None = None
        self._in_mark = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.stack.append((tag, a))
        classes = a.get("class", "").split()
        for name in ("src", "href", "action", "data"):
            value = a.get(name, "")
            if value.startswith(("http:", "https:", "//")):
                self.external.append(value)
        if tag == "link":
            self.external.append(a.get("href", "link"))
        if tag == "script" and "src" in a:
            self.external.append(a["src"])
        if tag == "script":
            self.scripts += 1
        if tag == "style":
            self.styles += 1
        if tag == "meta":
            self.meta.append(a)
        if tag == "section" and a.get("id"):
            self.section_ids.append(a["id"])
        if tag == "a" and "cell" in classes:
            self.grid_cells.append(a)
        if tag == "tr" and any(t == "tbody" for t, _ in self.stack) and any(
            x.get("id") == "grid" for _, x in self.stack
        ):
            self.grid_rows += 1
        if tag == "article" and "cell-detail" in classes:
            self._detail = a["data-cell"]
            self.details[self._detail] = []
        if tag == "mark":
            self._in_mark = True
            self.marks.append("")

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break
        if tag == "article":
            self._detail = None
        if tag == "mark":
            self._in_mark = False

    def handle_data(self, data):
        self.text.append(data)
        if self._detail is not None:
            self.details[self._detail].append(data)
        if self._in_mark:
            self.marks[-1] += data


@pytest.fixture(scope="module")
def html(sample_scan) -> str:
    return render_report(sample_scan).decode("utf-8")


@pytest.fixture(scope="module")
def outline(html) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def test_grid_has_one_link_per_cell_and_a_detail_for_each(sample_scan, outline):
    checklist = sample_scan.checklist
    assert outline.grid_rows == len(checklist.items)
    keys = [a["data-cell"] for a in outline.grid_cells]
    expected = {f"{c.jurisdiction}:{c.item}" for c in sample_scan.cells}
    assert set(keys) == expected and len(keys) == len(expected)
    assert set(outline.details) == expected
    for a in outline.grid_cells:
        assert a["href"] == "#cell=" + a["data-cell"]


def test_grid_cells_are_coloured_by_status_and_show_confidence(sample_scan, html):
    for cell in sample_scan.cells:
        key = f"{cell.jurisdiction}:{cell.item}"
        fragment = html.split(f'data-cell="{key}" title="', 1)[1][:400]
        assert f'{cell.confidence:.2f}</span>' in fragment
        before = html.split(f'<a class="cell" href="#cell={key}"', 1)[0]
        assert before.endswith(f'<td class="{cell.status}">')


def test_detail_shows_reason_and_every_piece_of_evidence(sample_scan, outline):
    cell = sample_scan.cell("XAV", "broad-definition")
    text = " ".join("".join(outline.details["XAV:broad-definition"]).split())
    assert " ".join(cell.reason.split()) in text
    for ev in cell.evidence:
        assert ev.document in text and ev.provision in text and f"page {ev.page}" in text
        assert " ".join(ev.quote.split()) in text


def test_matched_words_are_highlighted(sample_scan, outline):
    assert outline.marks, "no <mark> in the report"
    quotes = " ".join(ev.quote for c in sample_scan.cells for ev in c.evidence)
    assert all(m and m in quotes for m in outline.marks)
    text = "".join(outline.details["XAV:broad-definition"])
    assert "recruits" in text
    assert any(m.lower().startswith("recruit") for m in outline.marks)


def test_gaps_list_the_checklist_recommendation_of_each_gap(sample_scan, html):
    assert 'id="gaps-XBE"' in html
    section = html.split('id="gaps-XBE"', 1)[1].split("</section>", 1)[0]
    gaps = sample_scan.gaps("XBE")
    assert len(gaps) > 0
    for recommendation in gaps["recommendation"]:
        assert recommendation.replace("'", "&#x27;").replace('"', "&quot;") in section
    assert section.count("<tr class=") == len(gaps)


def test_every_document_has_a_parse_health_row(sample_scan, html):
    section = html.split('<section id="documents">', 1)[1]
    for result in sample_scan.results:
        assert f'<span class="dname">{result.source.name}</span>' in section
    assert section.count('<span class="dname">') == len(sample_scan.results)


def test_self_contained_and_printable(outline, html):
    assert outline.external == []
    assert outline.scripts == 1 and outline.styles == 1
    csp = [m for m in outline.meta if m.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]["content"]
    assert "@media print" in html and "@page" in html
    assert {"matrix", "gaps", "documents"} <= set(outline.section_ids)


def test_problems_are_shown_with_their_document(sample_scan):
    from dataclasses import replace

    from analyser.models import Problem

    doc = sample_scan.results[0].source
    problem = Problem(doc.jurisdiction, doc.name, "warning", "page 3 has no text layer <odd & chars>")
    result = replace(sample_scan, ingest_problems=[problem])
    html = render_report(result).decode("utf-8")
    row = html.split(f'<span class="dname">{doc.name}</span>', 1)[1].split("</tr>", 1)[0]
    assert "page 3 has no text layer &lt;odd &amp; chars&gt;" in row and 'class="warning"' in row


def test_bytes_are_deterministic(sample_scan, html):
    from dataclasses import replace

    fresh = replace(sample_scan, seconds=sample_scan.seconds + 99)  # no cached highlighter, other timing
    assert render_report(fresh).decode("utf-8") == html
