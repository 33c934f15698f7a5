"""The Python API: ``scan`` a statute folder and get pandas DataFrames back.

The CLI is a thin layer over this module. A :class:`ScanResult` holds the cells and the
per-document results; its DataFrames are built from the same rows as the CSV files, so a
notebook sees exactly what ``coverage.csv`` and ``evidence.csv`` say.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .coverage import build_coverage
from .ingest import Inventory, ingest
from .isolation import FileLimits
from .knowledge import Checklist, load_checklist
from .models import Cell, DocumentResult, Problem, Source
from .overrides import Override, Review, apply_overrides, draft_override, overrides_csv, read_overrides
from .pipeline import PipelineSettings
from .tables import (
    DOCUMENT_COLUMNS,
    EVIDENCE_COLUMNS,
    PROBLEM_COLUMNS,
    PROVISION_COLUMNS,
    coverage_columns,
    coverage_rows,
    document_rows,
    evidence_rows,
    problem_rows,
    provision_rows,
)
from .write import csv_bytes, write_outputs

if TYPE_CHECKING:
    from .cache import ResultCache

ProgressHook = Callable[[Source, int, int], None]


@dataclass
class ScanResult:
    """The outcome of a scan: verdicts, evidence and the per-document records."""

    input_dir: Path
    jurisdictions: list[str]
    cells: list[Cell]
    results: list[DocumentResult]
    ingest_problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    checklist: Checklist = field(default_factory=load_checklist)
    overrides: list[Override] = field(default_factory=list)  # reviewer decisions given to the scan
    reviews: list[Review] = field(default_factory=list)  # what became of each (applied or not)
    review_problems: list[Problem] = field(default_factory=list)
    tool_cells: list[Cell] | None = None  # the tool's own verdicts, when overrides replaced some

    # -- tables -------------------------------------------------------------------------------
    @property
    def problem_list(self) -> list[Problem]:
        return [*self.ingest_problems, *(p for r in self.results for p in r.problems), *self.review_problems]

    def _frame(self, columns: tuple[str, ...], rows: object) -> pd.DataFrame:
        return pd.DataFrame(list(rows), columns=list(columns), dtype="string")  # type: ignore[call-overload]

    @property
    def coverage(self) -> pd.DataFrame:
        """Jurisdiction x item matrix of statuses."""
        return self._frame(coverage_columns(self.checklist), coverage_rows(self.cells, self.checklist))

    @property
    def evidence(self) -> pd.DataFrame:
        """One row per piece of evidence (as ``evidence.csv``)."""
        return self._frame(EVIDENCE_COLUMNS, evidence_rows(self.cells, self.checklist))

    @property
    def provisions(self) -> pd.DataFrame:
        """Every provision found (as ``provisions.csv``)."""
        return self._frame(PROVISION_COLUMNS, provision_rows(self.results))

    @property
    def problems(self) -> pd.DataFrame:
        """File-level problems (as ``problems.csv``)."""
        return self._frame(PROBLEM_COLUMNS, problem_rows(self.problem_list))

    @property
    def documents(self) -> pd.DataFrame:
        """Parse-health record per document (as ``documents.csv``)."""
        return self._frame(DOCUMENT_COLUMNS, document_rows(self.results))

    # -- questions a researcher asks -------------------------------------------------------------
    def cell(self, jurisdiction: str, item: str) -> Cell:
        self.checklist.item(item)  # raises with the list of valid ids
        for cell in self.cells:
            if cell.jurisdiction == jurisdiction and cell.item == item:
                return cell
        raise KeyError(f"no jurisdiction {jurisdiction!r}; scanned: {', '.join(self.jurisdictions)}")

    def gaps(self, jurisdiction: str) -> pd.DataFrame:
        """The items of ``jurisdiction`` that are not met, with the reason and the Guide's recommendation."""
        rows = []
        for cell in self.cells:
            if cell.jurisdiction == jurisdiction and cell.status != "met":
                item = self.checklist.item(cell.item)
                rows.append((item.number, item.id, item.title, cell.status, cell.reason, item.recommendation))
        if not rows and jurisdiction not in self.jurisdictions:
            raise KeyError(f"no jurisdiction {jurisdiction!r}; scanned: {', '.join(self.jurisdictions)}")
        return pd.DataFrame(rows, columns=["number", "item", "title", "status", "reason", "recommendation"])

    def explain(self, jurisdiction: str, item: str) -> str:
        """The verdict of one cell, its reason and its evidence, as readable text."""
        return explain_cell(self.cell(jurisdiction, item), self.checklist)

    # -- review ---------------------------------------------------------------------------------
    def apply_overrides(self, overrides: Path | str | list[Override]) -> ScanResult:
        """A copy of this result with reviewer decisions applied (see :mod:`analyser.overrides`).

        ``overrides`` is an ``overrides.csv`` path or a list of :class:`Override`. Overrides whose
        evidence changed are not applied; they are reported in ``problems`` as warnings.
        """
        name = "overrides.csv"
        if not isinstance(overrides, list):
            name = Path(overrides).name
            overrides = read_overrides(overrides, self.checklist)
        base = self.tool_cells if self.tool_cells is not None else self.cells
        cells, reviews, problems = apply_overrides(base, self.results, overrides, name)
        return replace(self, cells=cells, overrides=list(overrides), reviews=reviews, review_problems=problems,
                       tool_cells=list(base))

    def draft_override(self, jurisdiction: str, item: str, status: str, comment: str = "", reviewer: str = "",
                       date: str = "") -> Override:
        """An override of one cell that records the evidence shown now (ids and text hashes)."""
        provisions = {p.id: p for r in self.results for p in r.provisions}
        cells = self.tool_cells if self.tool_cells is not None else self.cells
        cell = next((c for c in cells if c.jurisdiction == jurisdiction and c.item == item), None)
        if cell is None:
            self.cell(jurisdiction, item)  # raises the helpful KeyError / DataFileError
            raise KeyError(f"no cell {jurisdiction}/{item}")
        return draft_override(cell, provisions, status, comment, reviewer, date)

    # -- output ---------------------------------------------------------------------------------
    def output_files(self) -> dict[str, bytes]:
        """The output files of this scan, by name."""
        from .background import Background
        from .highlight import highlighter_for
        from .report import render_report
        from .xlsx import results_json, xlsx_bytes

        highlighter_for(self)  # built once, before forking: the children share it
        workbook = Background(xlsx_bytes, self)  # in forked children while the tables are written here
        everything = Background(results_json, self)
        files = self._table_files()
        files["report.html"] = render_report(self)
        files["coverage.xlsx"] = workbook.result()
        files["results.json"] = everything.result()
        if self.overrides:
            files["overrides.csv"] = overrides_csv(self.overrides)
        return files

    def _table_files(self) -> dict[str, bytes]:
        cl = self.checklist
        return {
            "coverage.csv": csv_bytes(coverage_columns(cl), coverage_rows(self.cells, cl)),
            "evidence.csv": csv_bytes(EVIDENCE_COLUMNS, evidence_rows(self.cells, cl)),
            "provisions.csv": csv_bytes(PROVISION_COLUMNS, provision_rows(self.results)),
            "problems.csv": csv_bytes(PROBLEM_COLUMNS, problem_rows(self.problem_list)),
            "documents.csv": csv_bytes(DOCUMENT_COLUMNS, document_rows(self.results)),
            "summary.json": (json.dumps(self.summary(), indent=2, sort_keys=True) + "\n").encode("utf-8"),
        }

    def write(self, out_dir: Path | str, force: bool = False) -> Path:
        """Write every output file into ``out_dir`` (atomically). Returns the folder."""
        from .tagmemo import save_memo

        out = Path(out_dir)
        write_outputs(out, dict(self.output_files()), force=force)
        save_memo()  # the report's highlighting tagged the evidence quotes
        return out

    def summary(self) -> dict[str, object]:
        """Counts for the end-of-scan summary (no timings: outputs stay deterministic)."""
        statuses = {s: sum(1 for c in self.cells if c.status == s) for s in ("met", "partial", "not_found")}
        reviews: dict[str, object] = {}
        if self.overrides:
            applied = sum(1 for r in self.reviews if r.applied)
            reviews = {"reviews": {"applied": applied, "not_applied": len({o.key for o in self.overrides}) - applied}}
        return {
            **reviews,
            "checklist_version": self.checklist.version,
            "jurisdictions": len(self.jurisdictions),
            "documents": len(self.results),
            "pages": sum(r.health.pages for r in self.results),
            "provisions": sum(len(r.provisions) for r in self.results),
            "problems": len(set(self.problem_list)),
            "cells": statuses,
        }


def explain_cell(cell: Cell, checklist: Checklist) -> str:
    item = checklist.item(cell.item)
    lines = [
        f"{cell.jurisdiction} / {item.number}. {item.id} — {cell.status} (confidence {cell.confidence:.2f})"
        + (" [reviewed]" if cell.reviewed else ""),
        f"Question: {item.question}",
        f"Reason: {cell.reason}",
    ]
    for index, ev in enumerate(cell.evidence, start=1):
        lines.append(f"Evidence {index}: {ev.document}, page {ev.page}, {ev.provision}")
        lines.append(f'    "{ev.quote}"')
    if cell.status != "met":
        lines.append(f"Recommendation: {item.recommendation}")
    return "\n".join(lines)


def scan(
    path: Path | str,
    *,
    jobs: int = 1,
    settings: PipelineSettings | None = None,
    progress: ProgressHook | None = None,
    overrides: Path | str | list[Override] | None = None,
    cache: bool | Path | str | None = None,
    scheduler: str | None = None,
    limits: FileLimits | None = None,
) -> ScanResult:
    """Scan a statute folder (one sub-folder per jurisdiction) and code it against the checklist.

    Args:
        path: the input folder.
        jobs: worker processes for the per-document stages (1 = in this process; -1 = all cores).
        settings: per-document settings.
        progress: called as ``progress(source, done, total)`` after each document.
        overrides: reviewer decisions (an ``overrides.csv`` path or a list) to apply.
        cache: reuse per-document results of unchanged files (:mod:`analyser.cache`): True for
            the default folder, a folder path, or None/False (the default here) for no cache.
        scheduler: a Dask scheduler address to run the per-document stages on
            (:mod:`analyser.executor`); None runs them here.
        limits: time and memory limits per file (:class:`analyser.isolation.FileLimits`;
            defaults when None, ``NO_LIMITS`` to run documents in this process).

    Returns:
        A :class:`ScanResult`.

    Raises:
        AnalyserError: when ``path`` is not a usable statute folder.
    """
    from .tagmemo import save_memo, use_memo

    started = time.monotonic()
    inventory = ingest(Path(path))
    store = result_cache(cache, settings)
    use_memo(store.directory if store else None, store.version if store else "")
    results = run_documents(inventory, jobs=jobs, settings=settings, progress=progress, cache=store,
                            scheduler=scheduler, limits=limits)
    cells = build_coverage(inventory.jurisdictions, results)
    save_memo()
    result = ScanResult(
        input_dir=Path(path),
        jurisdictions=inventory.jurisdictions,
        cells=cells,
        results=results,
        ingest_problems=inventory.problems,
        seconds=time.monotonic() - started,
    )
    return result.apply_overrides(overrides) if overrides is not None else result


def result_cache(cache: bool | Path | str | ResultCache | None, settings: PipelineSettings | None) -> ResultCache | None:
    """The result cache a ``cache`` argument names: True for the default folder, a folder, or None/False."""
    from .cache import ResultCache

    if isinstance(cache, ResultCache):
        return cache
    if cache is None or cache is False:
        return None
    return ResultCache(None if cache is True else cache, settings)


def run_documents(
    inventory: Inventory,
    *,
    jobs: int = 1,
    settings: PipelineSettings | None = None,
    progress: ProgressHook | None = None,
    cache: bool | Path | str | ResultCache | None = None,
    scheduler: str | None = None,
    limits: FileLimits | None = None,
) -> list[DocumentResult]:
    """Run the per-document stages over every source, in order: cached, serially, in
    processes or on a Dask cluster (see :mod:`analyser.executor`)."""
    from .executor import run_sources

    store = result_cache(cache, settings)
    return run_sources(inventory.sources, settings, jobs=jobs, cache=store, scheduler=scheduler, progress=progress,
                       limits=limits)
