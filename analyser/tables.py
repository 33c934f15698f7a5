"""The output tables as rows of strings: one source for the CSV files and the DataFrames.

Column names and order are a public contract (see the README): change them only by
adding columns at the end, never by renaming or removing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from .knowledge import Checklist, load_tags
from .models import Cell, DocumentResult, Problem

EVIDENCE_COLUMNS = (
    "jurisdiction", "item", "status", "confidence", "document", "page", "provision", "quote", "reason",
    "provision_id", "reviewed",
)
PROVISION_COLUMNS = (
    "jurisdiction", "document", "provision", "heading", "page_start", "page_end", "tags", "text",
    "provision_id", "kind", "parent_id", "amends",
)
PROBLEM_COLUMNS = ("jurisdiction", "document", "severity", "message")
DOCUMENT_COLUMNS = (
    "jurisdiction", "document", "kind", "sha256", "bytes", "pages", "pages_ocr", "ocr_pages", "chars_layer",
    "chars_kept", "header_footer_lines_removed", "extractor", "language", "title", "provisions", "problems",
)
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def coverage_columns(checklist: Checklist) -> tuple[str, ...]:
    return ("jurisdiction", *checklist.ids)


def coverage_rows(cells: Sequence[Cell], checklist: Checklist) -> Iterator[tuple[str, ...]]:
    """One row per jurisdiction, sorted; one column per item in checklist order."""
    by_jurisdiction: dict[str, dict[str, str]] = {}
    for cell in cells:
        by_jurisdiction.setdefault(cell.jurisdiction, {})[cell.item] = cell.status
    for jurisdiction in sorted(by_jurisdiction):
        statuses = by_jurisdiction[jurisdiction]
        yield (jurisdiction, *(statuses.get(item, "not_found") for item in checklist.ids))


def evidence_rows(cells: Sequence[Cell], checklist: Checklist) -> Iterator[tuple[str, ...]]:
    """One row per piece of evidence, best first; an empty-evidence row for a cell without any."""
    order = {item: index for index, item in enumerate(checklist.ids)}
    for cell in sorted(cells, key=lambda c: (c.jurisdiction, order.get(c.item, len(order)))):
        common = (cell.jurisdiction, cell.item, cell.status, f"{cell.confidence:.2f}")
        reviewed = "yes" if cell.reviewed else ""
        if not cell.evidence:
            yield (*common, "", "", "", "", cell.reason, "", reviewed)
            continue
        for ev in cell.evidence:
            yield (*common, ev.document, str(ev.page), ev.provision, ev.quote, cell.reason, ev.provision_id, reviewed)


def provision_rows(results: Iterable[DocumentResult]) -> Iterator[tuple[str, ...]]:
    """Every provision of every document, in document order, with its evidence-bearing tags."""
    visible = {tag for tag, info in load_tags().items() if info.group != "context"}
    for result in sorted(results, key=lambda r: (r.source.jurisdiction, r.source.name)):
        tags_by_provision: dict[str, set[str]] = {}
        for tag in result.tags:
            if tag.tag in visible:
                tags_by_provision.setdefault(tag.provision_id, set()).add(tag.tag)
        for p in result.provisions:
            yield (
                p.jurisdiction, p.document, p.citation, p.heading, str(p.page_start), str(p.page_end),
                ";".join(sorted(tags_by_provision.get(p.id, ()))), p.text, p.id, p.kind, p.parent_id or "", p.amends,
            )


def problem_rows(problems: Iterable[Problem]) -> Iterator[tuple[str, ...]]:
    """Problems sorted by jurisdiction, document and severity, duplicates removed."""
    unique = {(p.jurisdiction, p.document, p.severity, p.message) for p in problems}
    yield from sorted(unique, key=lambda r: (r[0], r[1], SEVERITY_ORDER.get(r[2], 9), r[3]))


def document_rows(results: Iterable[DocumentResult]) -> Iterator[tuple[str, ...]]:
    """The parse-health record of every document."""
    for r in sorted(results, key=lambda r: (r.source.jurisdiction, r.source.name)):
        h = r.health
        yield (
            r.source.jurisdiction, r.source.name, r.source.kind, r.source.sha256, str(r.source.size), str(h.pages),
            str(h.pages_ocr), " ".join(str(n) for n in r.ocr_pages), str(h.chars_layer), str(h.chars_kept),
            str(h.header_footer_lines_removed), h.extractor, h.language, h.title, str(len(r.provisions)),
            str(len(r.problems)),
        )
