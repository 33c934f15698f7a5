"""Terminal feedback for ``tipgap scan``: a progress bar per document, and the end summary.

The bar (rich) is drawn on stderr only when stderr is a terminal and ``--quiet`` is not
given; redirected output (CI, ``2> log``) gets no bar, only the summary. Data never goes
to the terminal: it is in the output folder.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import click

from .models import Source

if TYPE_CHECKING:
    from .api import ScanResult

MAX_LISTED_PROBLEMS = 5
MAX_NAME_CHARS = 30  # the document named next to the bar


class ScanProgress:
    """A context manager whose :meth:`hook` is the ``progress`` callback of :func:`analyser.scan`."""

    def __init__(self, enabled: bool = True, stream: object = None) -> None:
        stream = stream if stream is not None else sys.stderr
        isatty = getattr(stream, "isatty", None)
        self.enabled = bool(enabled and callable(isatty) and isatty())
        self._progress = None
        self._task = None
        self._pages = 0

    def __enter__(self) -> ScanProgress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

            self._progress = Progress(
                TextColumn("[bold]Scanning"), BarColumn(bar_width=24), MofNCompleteColumn(), TimeElapsedColumn(),
                TimeRemainingColumn(), TextColumn("{task.description}", markup=False),
                console=Console(stderr=True), transient=True,
            )
            self._progress.start()
        return self

    def hook(self, source: Source, done: int, total: int) -> None:
        """Called after each document: advance the bar and name the document just read."""
        if self._progress is None:
            return
        if self._task is None:
            self._task = self._progress.add_task("", total=total)
        name = f"{source.jurisdiction}/{source.name}"
        if len(name) > MAX_NAME_CHARS:
            name = "…" + name[-(MAX_NAME_CHARS - 1):]
        self._progress.update(self._task, completed=done, description=name)

    def writing(self) -> None:
        """The documents are done; the outputs are being written."""
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, description="writing the outputs")

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        if self._progress is not None:
            self._progress.stop()


def summary_lines(result: ScanResult, out_dir: Path) -> list[str]:
    """The end-of-scan summary: documents, pages, time, verdicts, problems, reviews and outputs."""
    s = result.summary()
    cells = s["cells"]
    assert isinstance(cells, dict)
    lines = [
        f"Scanned {s['documents']} documents ({s['pages']} pages, {s['provisions']} provisions) of "
        f"{s['jurisdictions']} jurisdictions in {result.seconds:.1f} s.",
        f"Coverage: {cells['met']} met, {cells['partial']} partial, {cells['not_found']} not found.",
    ]
    problems = sorted(set(result.problem_list), key=lambda p: ("error", "warning", "info").index(p.severity))
    if not problems:
        lines.append("Problems: none.")
    else:
        by_severity = Counter(p.severity for p in problems)
        counts = ", ".join(f"{by_severity[k]} {k}{'s' if by_severity[k] != 1 else ''}" for k in ("error", "warning", "info") if by_severity[k])
        lines.append(f"Problems: {counts} (all in problems.csv and report.html):")
        for p in problems[:MAX_LISTED_PROBLEMS]:
            lines.append(f"  {p.severity}: {p.jurisdiction}/{p.document}: {p.message}")
        if len(problems) > MAX_LISTED_PROBLEMS:
            lines.append(f"  ... and {len(problems) - MAX_LISTED_PROBLEMS} more.")
    if result.overrides:
        applied = sum(1 for r in result.reviews if r.applied)
        lines.append(f"Reviews: {applied} applied, {len({o.key for o in result.overrides}) - applied} not applied.")
    lines.append(f"Outputs written to {out_dir}/ ; open {out_dir / 'report.html'} in a browser.")
    return lines


def print_summary(result: ScanResult, out_dir: Path) -> None:
    for line in summary_lines(result, out_dir):
        click.echo(line, err=True)
