"""``coverage.xlsx`` (for spreadsheet users) and ``results.json`` (for other programs).

The workbook has a colour-coded matrix (items as columns, as in ``coverage.csv``) and one sheet
per table: the cells in long format, the evidence, the tagged provisions (those that carry a
checklist tag; every provision of a statute book is in ``provisions.csv``, which a spreadsheet
of hundreds of thousands of rows would only slow down), the documents, the problems and the
checklist. Header rows are frozen and filterable. Excel holds at most 32,767
characters in a cell; longer provision texts are cut and the cell says so.

Both files are deterministic: the same scan gives the same bytes (the workbook's timestamps
and the zip entries' dates are fixed).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import __version__
from .highlight import highlighter_for
from .models import STATUSES
from .tables import (
    DOCUMENT_COLUMNS,
    EVIDENCE_COLUMNS,
    PROBLEM_COLUMNS,
    PROVISION_COLUMNS,
    document_rows,
    evidence_rows,
    problem_rows,
    provision_rows,
)

if TYPE_CHECKING:
    from .api import ScanResult

EXCEL_CELL_MAX = 32_767
TAGS_COLUMN = PROVISION_COLUMNS.index("tags")
FILLS = {"met": "D3F2DC", "partial": "FDEEB5", "not_found": "F9DADA"}
FONTS = {"met": "1A7F37", "partial": "8A6100", "not_found": "A02020"}
HEADER_FILL = PatternFill("solid", fgColor="EEF1F4")
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")
NUMERIC = {"confidence", "page", "page_start", "page_end", "bytes", "pages", "pages_ocr", "chars_layer", "chars_kept",
           "header_footer_lines_removed", "provisions", "problems", "number", "evidence"}
WIDTHS = {"quote": 80, "reason": 60, "text": 90, "recommendation": 70, "message": 80, "title": 40, "question": 60,
          "met": 60, "partial": 60, "comment": 50, "provision_id": 40, "document": 34, "heading": 30}


def truncated(text: str, limit: int = EXCEL_CELL_MAX) -> str:
    """``text`` cut to fit one Excel cell, saying so at the end when it was cut."""
    if len(text) <= limit:
        return text
    note = f" […truncated: {len(text):,} characters in all, Excel's limit is {limit:,}; full text in provisions.csv]"
    return text[: limit - len(note)] + note


def clean(value: object) -> object:
    """A value Excel accepts: control characters dropped, long text truncated."""
    if not isinstance(value, str):
        return value
    return truncated(ILLEGAL_CHARACTERS_RE.sub("", value))


def typed(column: str, value: str) -> object:
    """Numbers as numbers (so that Excel can sort and sum them), the rest as text."""
    if column in NUMERIC and value != "":
        try:
            return float(value) if "." in value else int(value)
        except ValueError:
            return value
    return value


def put(ws: Worksheet, row: int, column: int, value: object) -> None:
    """Write one cell; a string is always a string (never read as a formula, even with a leading '=')."""
    cell = ws.cell(row=row, column=column, value=clean(value))
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"


def table_sheet(wb: Workbook, title: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Worksheet:
    """A sheet with a frozen, filterable header row and one row per record."""
    ws = wb.create_sheet(title)
    for col, name in enumerate(columns, start=1):
        put(ws, 1, col, name)
        ws.cell(row=1, column=col).font = Font(bold=True)
        ws.cell(row=1, column=col).fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(col)].width = WIDTHS.get(name, 14)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, (name, value) in enumerate(zip(columns, row), start=1):
            put(ws, count + 1, col, typed(name, value) if isinstance(value, str) else value)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return ws


def xlsx_bytes(result: ScanResult) -> bytes:
    """The bytes of ``coverage.xlsx`` for ``result``."""
    wb = Workbook()
    matrix_sheet(wb.active, result)
    cl = result.checklist
    cells = sorted(result.cells, key=lambda c: (c.jurisdiction, cl.ids.index(c.item) if c.item in cl.ids else 99))
    long_rows = []
    for c in cells:
        item = cl.item(c.item)
        long_rows.append((c.jurisdiction, item.number, c.item, item.title, c.status, round(c.confidence, 2),
                          "yes" if c.reviewed else "", c.reason, item.recommendation if c.status != "met" else "",
                          len(c.evidence)))
    table_sheet(wb, "Cells", ("jurisdiction", "number", "item", "title", "status", "confidence", "reviewed", "reason",
                              "recommendation", "evidence"), long_rows)
    table_sheet(wb, "Evidence", EVIDENCE_COLUMNS, evidence_rows(result.cells, cl))
    table_sheet(wb, "Tagged provisions", PROVISION_COLUMNS,
                (row for row in provision_rows(result.results) if row[TAGS_COLUMN]))
    table_sheet(wb, "Documents", DOCUMENT_COLUMNS, document_rows(result.results))
    table_sheet(wb, "Problems", PROBLEM_COLUMNS, problem_rows(result.problem_list))
    table_sheet(wb, "Checklist", ("number", "id", "title", "question", "met", "partial", "sources", "recommendation"),
                ((i.number, i.id, i.title, i.question, i.met, i.partial, "; ".join(i.sources), i.recommendation)
                 for i in cl.items))
    if result.overrides:
        from .overrides import OVERRIDE_COLUMNS

        table_sheet(wb, "Overrides", (*OVERRIDE_COLUMNS, "applied", "why not"), (
            (*r.override.row(), "yes" if r.applied else "no", "; ".join(r.messages)) for r in result.reviews))
    wb.properties.creator = f"tipgap {__version__}"
    buffer = io.BytesIO()
    wb.save(buffer)
    return deterministic_zip(buffer.getvalue())


def matrix_sheet(ws: Worksheet, result: ScanResult) -> None:
    """Jurisdictions as rows, items as columns (as ``coverage.csv``); coloured statuses, notes with the reason."""
    ws.title = "Matrix"
    cl = result.checklist
    by_key = {(c.jurisdiction, c.item): c for c in result.cells}
    jurisdictions = sorted({c.jurisdiction for c in result.cells} | set(result.jurisdictions))
    put(ws, 1, 1, "jurisdiction")
    ws.cell(row=1, column=1).font = Font(bold=True)
    ws.column_dimensions["A"].width = 14
    ws.row_dimensions[1].height = 190
    for col, item in enumerate(cl.items, start=2):
        put(ws, 1, col, f"{item.number}. {item.title}")
        header = ws.cell(row=1, column=col)
        header.font, header.fill = Font(bold=True), HEADER_FILL
        header.alignment = Alignment(text_rotation=90, wrap_text=True, vertical="bottom", horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = 10
    thick = Side(style="medium", color="0B5CAD")
    for row, jurisdiction in enumerate(jurisdictions, start=2):
        put(ws, row, 1, jurisdiction)
        ws.cell(row=row, column=1).font = Font(bold=True)
        for col, item in enumerate(cl.items, start=2):
            c = by_key.get((jurisdiction, item.id))
            status = c.status if c else "not_found"
            put(ws, row, col, status)
            cell = ws.cell(row=row, column=col)
            cell.fill = PatternFill("solid", fgColor=FILLS[status])
            cell.font = Font(color=FONTS[status], bold=bool(c and c.reviewed))
            cell.alignment = Alignment(horizontal="center")
            if c is not None:
                reviewed = " Reviewed." if c.reviewed else ""
                cell.comment = Comment(clean(f"Confidence {c.confidence:.2f}.{reviewed} {c.reason}")[:2000], "tipgap")
                if c.reviewed:
                    cell.border = Border(left=thick, right=thick, top=thick, bottom=thick)
    legend_row = len(jurisdictions) + 3
    for offset, status in enumerate(STATUSES):
        put(ws, legend_row + offset, 1, status)
        ws.cell(row=legend_row + offset, column=1).fill = PatternFill("solid", fgColor=FILLS[status])
    put(ws, legend_row + len(STATUSES), 1, "Bold with a blue border: reviewed. Notes give confidence and reason.")
    ws.freeze_panes = "B2"


def deterministic_zip(data: bytes) -> bytes:
    """``data`` (an xlsx) rewritten with fixed entry dates and fixed document timestamps."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = CORE_DATES.sub(rb"\g<1>2000-01-01T00:00:00Z\g<3>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()


# -- results.json ----------------------------------------------------------------------------------
def results_data(result: ScanResult) -> dict[str, object]:
    """Everything a scan found, as plain JSON-ready data (see ``results.json``)."""
    cl = result.checklist
    highlighter = highlighter_for(result)
    reviews = {r.override.key: r for r in result.reviews}
    order = {item: n for n, item in enumerate(cl.ids)}
    cells = []
    for c in sorted(result.cells, key=lambda c: (c.jurisdiction, order.get(c.item, len(order)))):
        review = reviews.get((c.jurisdiction, c.item))
        cells.append({
            "jurisdiction": c.jurisdiction, "item": c.item, "status": c.status, "confidence": round(c.confidence, 4),
            "reason": c.reason, "reviewed": c.reviewed,
            "review": None if review is None else {
                **dict(zip(("jurisdiction", "item", "status", "comment", "reviewer", "date"), review.override.row())),
                "provision_ids": list(review.override.provision_ids), "text_hashes": list(review.override.text_hashes),
                "applied": review.applied, "tool_status": review.tool_status, "tool_reason": review.tool_reason,
                "messages": list(review.messages),
            },
            "evidence": [{
                "document": ev.document, "page": ev.page, "provision": ev.provision, "provision_id": ev.provision_id,
                "quote": ev.quote, "start": ev.start, "end": ev.end, "score": round(ev.score, 4), "tags": list(ev.tags),
                "highlights": [{"start": s.start, "end": s.end, "tags": s.tag.split(" ")} for s in highlighter.spans(c, ev)],
            } for ev in c.evidence],
        })
    return {
        "format": "tipgap-results",
        "format_version": 1,
        "tipgap_version": __version__,
        "input": result.input_dir.name,
        "summary": result.summary(),
        "checklist": {
            "version": cl.version, "title": cl.title,
            "items": [{"number": i.number, "id": i.id, "title": i.title, "question": i.question, "met": i.met,
                       "partial": i.partial, "sources": list(i.sources), "recommendation": i.recommendation}
                      for i in cl.items],
        },
        "jurisdictions": sorted(set(result.jurisdictions) | {c.jurisdiction for c in result.cells}),
        "cells": cells,
        "documents": [_typed_record(DOCUMENT_COLUMNS, row) for row in document_rows(result.results)],
        "provisions": _provisions(result),
        "problems": [dict(zip(PROBLEM_COLUMNS, row)) for row in problem_rows(result.problem_list)],
    }


def _typed_record(columns: Sequence[str], row: Sequence[str]) -> dict[str, object]:
    record = {name: typed(name, value) for name, value in zip(columns, row)}
    if "ocr_pages" in record:
        record["ocr_pages"] = [int(n) for n in str(record["ocr_pages"]).split()]
    return record


def _provisions(result: ScanResult) -> list[dict[str, object]]:
    records = []
    for r in sorted(result.results, key=lambda r: (r.source.jurisdiction, r.source.name)):
        tags: dict[str, set[str]] = {}
        for t in r.tags:
            tags.setdefault(t.provision_id, set()).add(t.tag)
        for p in r.provisions:
            records.append({
                "id": p.id, "jurisdiction": p.jurisdiction, "document": p.document, "citation": p.citation,
                "kind": p.kind, "label": p.label, "heading": p.heading, "parent_id": p.parent_id,
                "page_start": p.page_start, "page_end": p.page_end, "char_start": p.char_start, "char_end": p.char_end,
                "amends": p.amends, "act": p.act, "tags": sorted(tags.get(p.id, ())), "text": p.text,
            })
    return records


def results_json(result: ScanResult) -> bytes:
    """The bytes of ``results.json``: deterministic (sorted keys, fixed order, no timings).

    Compact: an indented dump goes through the json module's pure-Python encoder, about five
    times slower on a statute book (pretty-print it with ``python -m json.tool`` to read it).
    """
    text = json.dumps(results_data(result), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")
