"""The ``tipgap`` command line: a thin layer over :mod:`analyser.api`."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from . import __version__
from .api import explain_cell, scan
from .errors import AnalyserError
from .models import Source

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="tipgap")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
def cli(verbose: int) -> None:
    """Code national statutes against the Policy Guide's tips for criminalizing trafficking in persons."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


@cli.command("scan")
@click.argument("input_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Folder for the outputs.")
@click.option("-j", "--jobs", default=1, show_default=True, type=int, help="Documents processed in parallel (-1: all cores).")
@click.option("--force", is_flag=True, help="Replace --out even if it is a non-empty folder tipgap did not write.")
@click.option("--no-ocr", is_flag=True, help="Do not OCR pages without a text layer (they are reported instead).")
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary.")
def scan_command(input_dir: Path, out_dir: Path, jobs: int, force: bool, no_ocr: bool, quiet: bool) -> None:
    """Scan INPUT_DIR (one sub-folder per jurisdiction) and write the coverage matrix to --out.

    Writes coverage.csv, evidence.csv, provisions.csv, problems.csv and documents.csv.
    Files that cannot be read are listed in problems.csv; the scan still completes.

    Example:

    \b
        tipgap scan statutes/ --out results/ --jobs 2
    """
    from .pipeline import PipelineSettings
    from .write import check_out_dir

    if jobs == 0 or jobs < -1:
        raise click.BadParameter("must be a positive number of processes, or -1 for all cores", param_hint="--jobs")
    try:
        check_out_dir(out_dir, force)
        settings = PipelineSettings(ocr=not no_ocr, extract={"ocr": False} if no_ocr else {})
        result = scan(input_dir, jobs=jobs, settings=settings, progress=None if quiet else _progress)
        result.write(out_dir, force=force)
    except AnalyserError as err:
        raise click.ClickException(str(err)) from err
    if not quiet:
        summary = result.summary()
        cells = summary["cells"]
        assert isinstance(cells, dict)
        click.echo(
            f"Scanned {summary['documents']} documents ({summary['pages']} pages) of {summary['jurisdictions']} "
            f"jurisdictions in {result.seconds:.1f} s: {cells['met']} met, {cells['partial']} partial, "
            f"{cells['not_found']} not found; {summary['problems']} problems.",
            err=True,
        )
        click.echo(f"Outputs written to {out_dir}/", err=True)


def _progress(source: Source, done: int, total: int) -> None:
    click.echo(f"[{done}/{total}] {source.jurisdiction}/{source.name}", err=True)


@cli.command("explain")
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("jurisdiction")
@click.argument("item")
def explain_command(out_dir: Path, jurisdiction: str, item: str) -> None:
    """Print the verdict, reason and evidence of one cell of a finished scan.

    Example:

    \b
        tipgap explain results/ XAV broad-definition
    """
    from .results import load_cells

    try:
        cells = load_cells(out_dir)
    except AnalyserError as err:
        raise click.ClickException(str(err)) from err
    from .knowledge import load_checklist

    checklist = load_checklist()
    try:
        checklist.item(item)
    except AnalyserError as err:
        raise click.ClickException(str(err)) from err
    match = [c for c in cells if c.jurisdiction == jurisdiction and c.item == item]
    if not match:
        known = sorted({c.jurisdiction for c in cells})
        raise click.ClickException(f"no jurisdiction {jurisdiction!r} in {out_dir}; found: {', '.join(known)}")
    click.echo(explain_cell(match[0], checklist))


def main() -> None:
    cli(prog_name="tipgap")


@cli.command("eval-coverage")
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--misses", is_flag=True, help="Also list every cell where the tool disagrees with the gold.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write the report (Markdown) here.")
def eval_coverage_command(out_dir: Path, gold_dir: Path, misses: bool, report_path: Path | None) -> None:
    """Score a scan's coverage against a gold matrix (GOLD_DIR/<JUR>.csv), with a keyword baseline.

    Example:

    \b
        tipgap scan ../shared/corpus --out /tmp/corpus-out
        tipgap eval-coverage /tmp/corpus-out corpora/gold
    """
    from .evaluation import evaluate_coverage, report

    try:
        scores = evaluate_coverage(out_dir, gold_dir)
    except AnalyserError as err:
        raise click.ClickException(str(err)) from err
    text = report(scores)
    if misses:
        text += "\nDisagreements (tool):\n\n" + "\n".join(f"- {m}" for m in scores[0].misses) + "\n"
    click.echo(text)
    if report_path:
        report_path.write_text(text, encoding="utf-8")
