"""``report.html``: what a legal researcher opens first.

One self-contained file (inline CSS and JavaScript, no network: a Content-Security-Policy
forbids it), deterministic bytes (no timestamps, fixed order). It shows:

- the checklist item x jurisdiction grid, colour-coded met / partial / not found, with the
  confidence of each verdict; a click on a cell (or a ``#cell=XAV:broad-definition`` link)
  opens the reason and every piece of evidence, with the matched words highlighted;
- per jurisdiction, the gaps with the checklist's recommendation for each;
- the parse health of every document and the problems found;
- the reviewer decisions applied, and those that no longer match the texts.

On paper (``@media print``) every cell's evidence is printed in an appendix instead.
All wording about the law comes from the checklist data; this module only lays it out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote as url_quote

from . import __version__
from .highlight import highlighter_for, segments
from .knowledge import Item, load_tags
from .models import STATUSES, Cell, DocumentResult, Evidence, Problem
from .overrides import Review

if TYPE_CHECKING:
    from .api import ScanResult

STATUS_LABELS = {"met": "met", "partial": "partial", "not_found": "not found"}
STATUS_ICONS = {"met": "\u25cf", "partial": "\u25d0", "not_found": "\u25cb"}  # filled, half, empty circle
LOW_KEPT_RATIO = 0.5  # a document whose body text keeps less than this share of its text layer is flagged
ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def e(text: object) -> str:
    """HTML-escaped text (quotes included, for attributes)."""
    return escape(str(text), quote=True)


def cell_key(jurisdiction: str, item: str) -> str:
    return f"{jurisdiction}:{item}"


def cell_href(jurisdiction: str, item: str) -> str:
    return "#cell=" + url_quote(cell_key(jurisdiction, item), safe=":-_.")


def anchor_id(*parts: str) -> str:
    return "-".join(ID_UNSAFE.sub("_", p) for p in parts)


def render_report(result: ScanResult) -> bytes:
    """The bytes of ``report.html`` for ``result``."""
    return Report(result).html().encode("utf-8")


class Report:
    """Lays out one scan as HTML; each ``_section`` method returns a fragment."""

    def __init__(self, result: ScanResult) -> None:
        self.result = result
        self.checklist = result.checklist
        self.items = list(self.checklist.items)
        self.jurisdictions = sorted({c.jurisdiction for c in result.cells} | set(result.jurisdictions))
        self.cells = {(c.jurisdiction, c.item): c for c in result.cells}
        self.reviews = {r.override.key: r for r in result.reviews}
        self.highlighter = highlighter_for(result)
        self.tag_info = load_tags()
        self.problems: dict[tuple[str, str], list[Problem]] = defaultdict(list)
        for problem in sorted(set(result.problem_list), key=lambda p: (p.jurisdiction, p.document, p.severity, p.message)):
            self.problems[(problem.jurisdiction, problem.document)].append(problem)

    # -- page ---------------------------------------------------------------------------------
    def html(self) -> str:
        summary = self.result.summary()
        name = self.result.input_dir.name or str(self.result.input_dir)
        title = f"tipgap report: {name}"
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">",
            f'<meta name="generator" content="tipgap {e(__version__)}">',
            f"<title>{e(title)}</title>",
            f"<style>{CSS}</style>",
            "</head>",
            "<body>",
            '<div class="page">',
            self._header(title, summary),
            "<main>",
            self._matrix(),
            self._gaps(),
            self._reviews(),
            self._documents(),
            "</main>",
            "</div>",
            self._evidence(),
            f"<script>{JS}</script>",
            "</body>",
            "</html>",
        ]
        return "\n".join(p for p in parts if p) + "\n"

    def _header(self, title: str, summary: dict[str, object]) -> str:
        cells = summary["cells"]
        assert isinstance(cells, dict)
        counts = " · ".join(f"{cells.get(s, 0)} {STATUS_LABELS[s]}" for s in STATUSES)
        facts = (
            f"{summary['jurisdictions']} jurisdictions · {summary['documents']} documents · {summary['pages']} pages · "
            f"{summary['provisions']} provisions · {summary['problems']} problems"
        )
        return (
            f'<header class="top"><h1>{e(title)}</h1>'
            f'<p class="sub">{e(self.checklist.title)} (checklist {e(self.checklist.version)}, '
            f"{len(self.items)} items) · tipgap {e(__version__)}</p>"
            f'<p class="facts">{e(facts)}<br><strong>{e(counts)}</strong></p>'
            '<p class="caveat">A cell that is <em>not found</em> means not found in the supplied texts, '
            "never absent from the law: the law may sit in an act that was not supplied.</p>"
            '<nav class="toc"><a href="#matrix">Matrix</a> <a href="#gaps">Gaps</a> '
            + ('<a href="#reviews">Reviews</a> ' if self.result.overrides else "")
            + '<a href="#documents">Documents</a></nav></header>'
        )

    # -- matrix -------------------------------------------------------------------------------
    def _matrix(self) -> str:
        head = "".join(f'<th scope="col" class="jur">{e(j)}</th>' for j in self.jurisdictions)
        rows = []
        for item in self.items:
            tds = "".join(self._grid_cell(j, item) for j in self.jurisdictions)
            rows.append(
                f'<tr><th scope="row" class="item" title="{e(item.question)}">'
                f'<span class="num">{item.number}.</span> {e(item.title)}</th>{tds}</tr>'
            )
        totals = []
        for j in self.jurisdictions:
            n = {s: sum(1 for i in self.items if self._status(j, i.id) == s) for s in STATUSES}
            totals.append(
                f'<td class="tot">{"".join(f"<span class={chr(34)}{s}{chr(34)}>{n[s]}</span>" for s in STATUSES)}</td>'
            )
        legend = "".join(
            f'<span class="lg {s}"><span class="ic">{STATUS_ICONS[s]}</span> {STATUS_LABELS[s]}</span>' for s in STATUSES
        )
        return (
            '<section id="matrix"><h2>Coverage matrix</h2>'
            f'<p class="legend">{legend}<span class="lg rv"><span class="ic">&#9998;</span> reviewed</span>'
            '<span class="hint">Number = confidence. Click a cell for its reason and evidence.</span></p>'
            '<div class="grid-wrap"><table class="grid" id="grid">'
            f'<thead><tr><th scope="col" class="corner">Checklist item</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody>'
            f'<tfoot><tr><th scope="row">met · partial · not found</th>{"".join(totals)}</tr></tfoot>'
            "</table></div></section>"
        )

    def _status(self, jurisdiction: str, item: str) -> str:
        cell = self.cells.get((jurisdiction, item))
        return cell.status if cell else "not_found"

    def _grid_cell(self, jurisdiction: str, item: Item) -> str:
        cell = self.cells.get((jurisdiction, item.id))
        if cell is None:
            return '<td class="none">–</td>'
        reviewed = '<span class="rv" aria-label="reviewed">&#9998;</span>' if cell.reviewed else ""
        tip = f"{jurisdiction} · {item.number}. {item.title}: {STATUS_LABELS[cell.status]} ({cell.confidence:.2f})"
        return (
            f'<td class="{cell.status}"><a class="cell" href="{cell_href(jurisdiction, item.id)}" '
            f'data-cell="{e(cell_key(jurisdiction, item.id))}" title="{e(tip)}">'
            f'<span class="ic">{STATUS_ICONS[cell.status]}</span> <span class="conf">{cell.confidence:.2f}</span>'
            f"{reviewed}</a></td>"
        )

    # -- gaps ---------------------------------------------------------------------------------
    def _gaps(self) -> str:
        blocks = []
        for j in self.jurisdictions:
            gaps = [(item, self.cells[(j, item.id)]) for item in self.items if (j, item.id) in self.cells
                    and self.cells[(j, item.id)].status != "met"]
            if not gaps:
                blocks.append(f'<section class="jur-gaps" id="{anchor_id("gaps", j)}"><h3>{e(j)}: no gaps</h3></section>')
                continue
            rows = "".join(
                f'<tr class="{cell.status}"><td class="n">{item.number}</td>'
                f'<td><a href="{cell_href(j, item.id)}">{e(item.title)}</a></td>'
                f'<td class="st"><span class="badge {cell.status}">{STATUS_LABELS[cell.status]}</span>'
                f'{" &#9998;" if cell.reviewed else ""}</td>'
                f"<td>{e(cell.reason)}</td><td>{e(item.recommendation)}</td></tr>"
                for item, cell in gaps
            )
            counts = ", ".join(
                f"{sum(1 for _, c in gaps if c.status == s)} {STATUS_LABELS[s]}" for s in ("partial", "not_found")
            )
            blocks.append(
                f'<section class="jur-gaps" id="{anchor_id("gaps", j)}"><h3>{e(j)}: {len(gaps)} gaps ({counts})</h3>'
                '<table class="gaps"><thead><tr><th>#</th><th>Item</th><th>Status</th><th>Why</th>'
                f"<th>Recommendation</th></tr></thead><tbody>{rows}</tbody></table></section>"
            )
        return '<section id="gaps"><h2>Gaps by jurisdiction</h2>' + "".join(blocks) + "</section>"

    # -- reviews ------------------------------------------------------------------------------
    def _reviews(self) -> str:
        if not self.result.overrides:
            return ""
        rows = []
        for key in sorted(self.reviews):
            review = self.reviews[key]
            o = review.override
            state = "applied" if review.applied else "not applied: " + "; ".join(review.messages)
            rows.append(
                f'<tr class="{"ok" if review.applied else "stale"}"><td>{e(o.jurisdiction)}</td>'
                f'<td><a href="{cell_href(*key)}">{e(o.item)}</a></td><td>{e(STATUS_LABELS[review.tool_status])}</td>'
                f"<td>{e(STATUS_LABELS.get(o.status, o.status))}</td><td>{e(o.reviewer)}</td><td>{e(o.date)}</td>"
                f"<td>{e(o.comment)}</td><td>{e(state)}</td></tr>"
            )
        return (
            '<section id="reviews"><h2>Reviewer decisions</h2><table class="docs"><thead><tr><th>Jurisdiction</th>'
            "<th>Item</th><th>Tool</th><th>Reviewer</th><th>By</th><th>Date</th><th>Comment</th><th>State</th>"
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table></section>'
        )

    # -- documents ----------------------------------------------------------------------------
    def _documents(self) -> str:
        by_jur: dict[str, list[DocumentResult]] = defaultdict(list)
        for r in sorted(self.result.results, key=lambda r: (r.source.jurisdiction, r.source.name)):
            by_jur[r.source.jurisdiction].append(r)
        blocks = []
        for j in sorted(set(by_jur) | {p.jurisdiction for p in self.result.problem_list}):
            rows = "".join(self._document_row(r) for r in by_jur.get(j, []))
            known = {r.source.name for r in by_jur.get(j, [])}
            other = [p for (pj, doc), ps in sorted(self.problems.items()) if pj == j and doc not in known for p in ps]
            extra = self._problem_list(other) if other else ""
            blocks.append(
                f'<section class="jur-docs" id="{anchor_id("docs", j)}"><h3>{e(j)}</h3>'
                '<table class="docs"><thead><tr><th>Document</th><th>Pages</th><th>OCR pages</th>'
                "<th>Text kept</th><th>Language</th><th>Extractor</th><th>Provisions</th><th>Health</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>{extra}</section>"
            )
        return '<section id="documents"><h2>Documents and parse health</h2>' + "".join(blocks) + "</section>"

    def _document_row(self, r: DocumentResult) -> str:
        h = r.health
        problems = self.problems.get((r.source.jurisdiction, r.source.name), [])
        kept = f"{h.chars_kept / h.chars_layer:.0%}" if h.chars_layer else "–"
        flags = []
        if h.chars_layer and h.chars_kept / h.chars_layer < LOW_KEPT_RATIO:
            flags.append("little text kept")
        if not r.provisions:
            flags.append("no provisions found")
        if h.pages_ocr:
            flags.append(f"{h.pages_ocr} page(s) OCR'd")
        severity = min((p.severity for p in problems), key=("error", "warning", "info").index, default="")
        status = "bad" if severity == "error" or not r.provisions else ("warn" if severity == "warning" or flags else "ok")
        health = "; ".join(flags) or ("ok" if not problems else "")
        title = f'<div class="dtitle">{e(h.title)}</div>' if h.title else ""
        detail = self._problem_list(problems) if problems else ""
        return (
            f'<tr class="{status}"><td><span class="dname">{e(r.source.name)}</span>{title}</td>'
            f"<td>{h.pages}</td><td>{e(' '.join(str(n) for n in r.ocr_pages) or '–')}</td><td>{kept}</td>"
            f"<td>{e(h.language)}</td><td>{e(h.extractor)}</td><td>{len(r.provisions)}</td>"
            f"<td>{e(health)}{detail}</td></tr>"
        )

    @staticmethod
    def _problem_list(problems: list[Problem]) -> str:
        items = "".join(
            f'<li class="{e(p.severity)}"><span class="sev">{e(p.severity)}</span> '
            f"{e(p.document) + ': ' if p.document else ''}{e(p.message)}</li>"
            for p in problems
        )
        return f'<ul class="problems">{items}</ul>'

    # -- evidence panel -------------------------------------------------------------------------
    def _evidence(self) -> str:
        blocks = []
        for j in self.jurisdictions:
            details = "".join(self._detail(self.cells[(j, i.id)], i) for i in self.items if (j, i.id) in self.cells)
            blocks.append(f'<div class="jur-evidence"><h2 class="print-only">Evidence: {e(j)}</h2>{details}</div>')
        return (
            '<aside id="evidence" aria-label="Cell detail" aria-live="polite">'
            '<div class="panel-head"><span class="ptitle">Cell detail</span>'
            '<a class="close" href="#matrix" aria-label="Close">&times;</a></div>'
            '<p class="empty">Select a cell of the matrix to see its reason and evidence.</p>'
            f'{"".join(blocks)}</aside>'
        )

    def _detail(self, cell: Cell, item: Item) -> str:
        review = self.reviews.get((cell.jurisdiction, cell.item))
        evidence = "".join(self._evidence_item(cell, ev, n) for n, ev in enumerate(cell.evidence, start=1))
        if not evidence:
            evidence = '<p class="noev">No evidence in the supplied texts.</p>'
        else:
            evidence = f'<ol class="evlist">{evidence}</ol>'
        recommendation = (
            f'<div class="rec"><h4>Recommendation</h4><p>{e(item.recommendation)}</p></div>' if cell.status != "met" else ""
        )
        sources = "; ".join(item.sources)
        return (
            f'<article class="cell-detail {cell.status}" id="{anchor_id("cell", cell.jurisdiction, cell.item)}" '
            f'data-cell="{e(cell_key(cell.jurisdiction, cell.item))}" tabindex="-1">'
            f'<h3><span class="jcode">{e(cell.jurisdiction)}</span> {item.number}. {e(item.title)}</h3>'
            f'<p class="verdict"><span class="badge {cell.status}">{STATUS_ICONS[cell.status]} '
            f'{STATUS_LABELS[cell.status]}</span> confidence {cell.confidence:.2f}'
            f'{" · <strong>reviewed</strong>" if cell.reviewed else ""}</p>'
            f"{self._review_note(review)}"
            f'<p class="question">{e(item.question)}</p>'
            f'<p class="reason"><strong>Reason.</strong> {e(cell.reason)}</p>'
            f'<h4>Evidence ({len(cell.evidence)})</h4>{evidence}{recommendation}'
            f'<details class="criteria"><summary>Coding criteria</summary><p><strong>Met:</strong> {e(item.met)}</p>'
            f"<p><strong>Partial:</strong> {e(item.partial)}</p><p><strong>Sources:</strong> {e(sources)}</p></details>"
            "</article>"
        )

    @staticmethod
    def _review_note(review: Review | None) -> str:
        if review is None:
            return ""
        o = review.override
        who = ", ".join(x for x in (o.reviewer, o.date) if x) or "no reviewer named"
        if review.applied:
            return (
                f'<p class="review ok">Reviewer decision ({e(who)}): <strong>{e(STATUS_LABELS[o.status])}</strong>'
                f'{": " + e(o.comment) if o.comment else ""}. Tool verdict: {e(STATUS_LABELS[review.tool_status])}.</p>'
            )
        return (
            f'<p class="review stale">A reviewer decision ({e(who)}: {e(STATUS_LABELS[o.status])}) was '
            f'<strong>not applied</strong>: {e("; ".join(review.messages))}. Re-review this cell.</p>'
        )

    def _evidence_item(self, cell: Cell, ev: Evidence, number: int) -> str:
        spans = self.highlighter.spans(cell, ev)
        quote = "".join(self._mark(text, tag) for text, tag in segments(ev.quote, spans))
        matched = sorted({t for s in spans for t in s.tag.split(" ")})
        tags = f'<div class="matched">Matched: {e(", ".join(matched))}</div>' if matched else ""
        return (
            f'<li class="ev"><div class="src"><span class="prov">{e(ev.provision)}</span> · '
            f'<span class="doc">{e(ev.document)}</span> · page {ev.page}</div>'
            f'<blockquote class="quote" data-provision-id="{e(ev.provision_id)}">{quote}</blockquote>{tags}</li>'
        )

    def _mark(self, text: str, tag: str) -> str:
        if not tag:
            return e(text)
        described = "; ".join(
            f"{t}: {self.tag_info[t].description}" if t in self.tag_info else t for t in tag.split(" ")
        )
        return f'<mark title="{e(described)}" data-tags="{e(tag)}">{e(text)}</mark>'


CSS = """
:root{--met:#1a7f37;--met-bg:#d3f2dc;--partial:#8a6100;--partial-bg:#fdeeb5;--nf:#a02020;--nf-bg:#f9dada;
--ink:#1d232a;--muted:#5b6570;--line:#d8dde3;--panel:#f7f8fa;--accent:#0b5cad;--pw:min(44vw,640px)}
*{box-sizing:border-box}
html{font-size:15px}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;color:var(--ink);
line-height:1.45;background:#fff}
.page{margin-right:var(--pw);padding:1.2rem 1.6rem 3rem}
h1{font-size:1.5rem;margin:0 0 .2rem}h2{font-size:1.2rem;margin:1.8rem 0 .6rem;border-bottom:2px solid var(--line);
padding-bottom:.2rem}h3{font-size:1.02rem;margin:1.1rem 0 .4rem}h4{font-size:.92rem;margin:.9rem 0 .3rem}
.sub,.facts{margin:.15rem 0;color:var(--muted)}.facts strong{color:var(--ink)}
.caveat{font-size:.88rem;color:var(--muted);border-left:3px solid var(--line);padding-left:.6rem}
.toc a{margin-right:1rem;color:var(--accent)}
a{color:var(--accent)}
.legend{display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center;font-size:.88rem}
.lg{padding:.1rem .5rem;border-radius:3px}.lg.met{background:var(--met-bg);color:var(--met)}
.lg.partial{background:var(--partial-bg);color:var(--partial)}.lg.not_found{background:var(--nf-bg);color:var(--nf)}
.hint{color:var(--muted)}
.grid-wrap{overflow-x:auto;max-width:100%}
table{border-collapse:collapse}
.grid{font-size:.9rem}
.grid th,.grid td{border:1px solid #fff;padding:0}
.grid thead th{background:#eef1f4;padding:.35rem .5rem;position:sticky;top:0}
.grid th.item{text-align:left;font-weight:normal;background:#f4f6f8;padding:.25rem .6rem;min-width:17rem;max-width:24rem}
.grid th.item .num{color:var(--muted);display:inline-block;min-width:1.6rem}
.grid td{text-align:center;min-width:5.2rem}
.grid td.met{background:var(--met-bg)}.grid td.partial{background:var(--partial-bg)}.grid td.not_found{background:var(--nf-bg)}
a.cell{display:block;padding:.25rem .4rem;text-decoration:none;color:var(--ink);white-space:nowrap}
td.met a.cell .ic{color:var(--met)}td.partial a.cell .ic{color:var(--partial)}td.not_found a.cell .ic{color:var(--nf)}
a.cell:hover,a.cell:focus{outline:2px solid var(--accent);outline-offset:-2px}
a.cell.selected{outline:3px solid var(--ink);outline-offset:-3px}
.conf{font-variant-numeric:tabular-nums;font-size:.82rem;color:var(--muted)}
.rv{margin-left:.2rem;color:var(--accent)}
.grid tfoot th{font-weight:normal;color:var(--muted);text-align:right;padding:.3rem .6rem;font-size:.82rem}
.tot{font-size:.82rem;padding:.3rem}.tot span{display:inline-block;min-width:1.4rem;margin:0 .1rem;border-radius:3px}
.tot .met{background:var(--met-bg)}.tot .partial{background:var(--partial-bg)}.tot .not_found{background:var(--nf-bg)}
table.gaps,table.docs{width:100%;font-size:.88rem}
.gaps th,.gaps td,.docs th,.docs td{border-bottom:1px solid var(--line);padding:.35rem .45rem;vertical-align:top;text-align:left}
.gaps thead th,.docs thead th{background:#eef1f4}
.gaps td.n{color:var(--muted);width:2rem}.gaps td.st{white-space:nowrap}
.badge{display:inline-block;padding:0 .45rem;border-radius:3px;font-size:.85rem;white-space:nowrap}
.badge.met{background:var(--met-bg);color:var(--met)}.badge.partial{background:var(--partial-bg);color:var(--partial)}
.badge.not_found{background:var(--nf-bg);color:var(--nf)}
.docs tr.bad td:first-child{border-left:4px solid var(--nf)}.docs tr.warn td:first-child{border-left:4px solid #d9a400}
.docs tr.ok td:first-child{border-left:4px solid #9fd3ac}.docs tr.stale td{background:#fff6e0}
.dname{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.85rem}.dtitle{color:var(--muted);font-size:.82rem}
ul.problems{margin:.3rem 0;padding-left:1.1rem;font-size:.85rem}.problems .sev{font-weight:600;text-transform:uppercase;
font-size:.72rem}.problems .error .sev{color:var(--nf)}.problems .warning .sev{color:var(--partial)}
#evidence{position:fixed;top:0;right:0;bottom:0;width:var(--pw);overflow-y:auto;background:var(--panel);
border-left:1px solid var(--line);padding:0 1.2rem 2rem}
.panel-head{position:sticky;top:0;background:var(--panel);display:flex;justify-content:space-between;align-items:center;
padding:.8rem 0 .4rem;border-bottom:1px solid var(--line);z-index:1}
.ptitle{font-weight:600;color:var(--muted);text-transform:uppercase;font-size:.78rem;letter-spacing:.05em}
.close{font-size:1.4rem;text-decoration:none;color:var(--muted);line-height:1}
.cell-detail{display:none}.cell-detail.open{display:block}
#evidence.has-open .empty{display:none}
.empty{color:var(--muted);margin-top:1.5rem}
.jur-evidence h2.print-only{display:none}
.cell-detail h3{font-size:1.1rem;margin-top:1rem}.jcode{background:var(--ink);color:#fff;border-radius:3px;padding:0 .35rem;
font-size:.9rem;margin-right:.3rem}
.question{color:var(--muted);font-style:italic}
.review{padding:.4rem .6rem;border-radius:4px}.review.ok{background:#e4effa}.review.stale{background:#fff0c7}
ol.evlist{padding-left:1.2rem}.ev{margin-bottom:.9rem}
.src{font-size:.86rem}.prov{font-weight:600}.doc{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.8rem}
blockquote.quote{margin:.25rem 0;padding:.45rem .7rem;background:#fff;border-left:3px solid var(--line);
font-family:Georgia,"DejaVu Serif",serif;font-size:.93rem}
mark{background:#ffe066;padding:0 .08em;border-radius:2px}
.matched{font-size:.76rem;color:var(--muted)}
.rec{background:#fff;border:1px solid var(--line);border-radius:4px;padding:.1rem .8rem;margin-top:.8rem}
.criteria{margin-top:.8rem;font-size:.86rem;color:var(--muted)}
@media (max-width:1000px){:root{--pw:100vw}.page{margin-right:0}
#evidence{display:none;box-shadow:0 0 0 100vmax rgba(0,0,0,.25)}#evidence.has-open{display:block}}
@media print{
@page{size:A4;margin:14mm 12mm}
html{font-size:10.5pt}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.page{margin:0;padding:0}.toc,.hint,.panel-head,.empty,.close,.criteria{display:none}
a{color:inherit;text-decoration:none}
.grid thead th{position:static}.grid-wrap{overflow:visible}
.grid th.item{min-width:0}
tr,li.ev,.rec,.review{break-inside:avoid}
thead{display:table-header-group}
h2,h3{break-after:avoid}
#evidence{position:static;width:auto;overflow:visible;background:none;border:0;padding:0}
.jur-evidence{break-before:page}.jur-evidence h2.print-only{display:block}
.cell-detail{display:block;break-inside:avoid-page;border-top:1px solid var(--line)}
a.cell.selected,a.cell:focus{outline:0}
blockquote.quote{background:none}
}
"""

JS = """
(function(){
  var panel=document.getElementById('evidence');
  var details=panel.querySelectorAll('.cell-detail');
  var links=document.querySelectorAll('a.cell');
  function clear(){
    for(var i=0;i<details.length;i++){details[i].classList.remove('open');}
    for(var k=0;k<links.length;k++){links[k].classList.remove('selected');}
    panel.classList.remove('has-open');
  }
  function show(key){
    var found=null;
    for(var i=0;i<details.length;i++){if(details[i].getAttribute('data-cell')===key){found=details[i];}}
    if(!found){return false;}
    clear();
    found.classList.add('open');
    panel.classList.add('has-open');
    for(var k=0;k<links.length;k++){if(links[k].getAttribute('data-cell')===key){links[k].classList.add('selected');}}
    panel.scrollTop=0;
    return true;
  }
  function fromHash(){
    var m=/^#cell=(.+)$/.exec(window.location.hash);
    if(m){show(decodeURIComponent(m[1]));}else{clear();}
  }
  document.addEventListener('click',function(ev){
    var a=ev.target.closest?ev.target.closest('a.cell'):null;
    if(a){ev.preventDefault();history.replaceState(null,'',a.getAttribute('href'));show(a.getAttribute('data-cell'));}
  });
  document.addEventListener('keydown',function(ev){if(ev.key==='Escape'){clear();}});
  window.addEventListener('hashchange',fromHash);
  fromHash();
})();
"""
