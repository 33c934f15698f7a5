"""The ``tipgap`` command line: a thin layer over :mod:`analyser.api`."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from . import __version__
from .api import explain_cell, scan
from .errors import AnalyserError
from .executor import scale_options, scan_scale_arguments
from .isolation import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S

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
@click.option(
    "--overrides", "overrides_path", type=click.Path(dir_okay=False, path_type=Path),
    help="Reviewer decisions (overrides.csv) to apply; see 'tipgap review'.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary.")
@click.option(
    "--file-timeout", default=DEFAULT_TIMEOUT_S, show_default=True, type=click.FloatRange(min=0), metavar="SECONDS",
    help="Stop and report a file that takes longer than this (0: no limit).",
)
@click.option(
    "--file-memory", default=DEFAULT_MEMORY_MB, show_default=True, type=click.IntRange(min=0), metavar="MB",
    help="Stop and report a file that needs more memory than this on top of the worker's own (0: no limit).",
)
@click.option(
    "--model", "model", default="default", show_default=True, metavar="default|none|DIR",
    help="Tagging model: the shipped one, none (rules only) or a model folder (e.g. one written by 'tipgap train').",
)
@scale_options  # --no-cache, --cache-dir, --scheduler (analyser/executor.py)
def scan_command(
    input_dir: Path, out_dir: Path, jobs: int, force: bool, no_ocr: bool, overrides_path: Path | None, quiet: bool,
    file_timeout: float = DEFAULT_TIMEOUT_S, file_memory: int = DEFAULT_MEMORY_MB, model: str = "default",
    no_cache: bool = False, cache_dir: Path | None = None, scheduler: str | None = None,
) -> None:
    """Scan INPUT_DIR (one sub-folder per jurisdiction) and write the coverage matrix to --out.

    Writes report.html (open it in a browser), coverage.xlsx, results.json, and coverage.csv,
    evidence.csv, provisions.csv, problems.csv and documents.csv. Files that cannot be read, or
    that exceed the per-file time or memory limit, are listed in problems.csv; the scan still
    completes. A progress bar is shown on a terminal.

    Example:

    \b
        tipgap scan statutes/ --out results/ --jobs 2
        tipgap scan statutes/ --out results/ --overrides overrides.csv
        tipgap scan statutes/ --out results/ --model none
    """
    from .isolation import FileLimits
    from .pipeline import PipelineSettings
    from .progress import ScanProgress, print_summary
    from .write import check_out_dir

    if jobs == 0 or jobs < -1:
        raise click.BadParameter("must be a positive number of processes, or -1 for all cores", param_hint="--jobs")
    if overrides_path is not None and not overrides_path.is_file():
        raise click.BadParameter(f"{str(overrides_path)!r} is not a file", param_hint="--overrides")
    if model not in ("default", "none") and not Path(model).is_dir():
        raise click.BadParameter(f"{model!r} is neither 'default', 'none' nor a model folder", param_hint="--model")
    try:
        check_out_dir(out_dir, force)
        settings = PipelineSettings(ocr=not no_ocr, extract={"ocr": False} if no_ocr else {}, model=model)
        with ScanProgress(enabled=not quiet) as progress:
            result = scan(input_dir, jobs=jobs, settings=settings, progress=progress.hook, overrides=overrides_path,
                          limits=FileLimits(file_timeout, file_memory), **scan_scale_arguments(no_cache, cache_dir, scheduler))
            progress.writing()
            result.write(out_dir, force=force)
    except AnalyserError as err:
        raise click.ClickException(str(err)) from err
    if not quiet:
        print_summary(result, out_dir)


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
@click.option("--misses", is_flag=True,
              help="Also list every cell where the tool disagrees with the gold, and where its evidence misses the gold's.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write the report (Markdown) here.")
def eval_coverage_command(out_dir: Path, gold_dir: Path, misses: bool, report_path: Path | None) -> None:
    """Score a scan's coverage against a gold matrix (GOLD_DIR/<JUR>.csv), with a keyword baseline.

    Example:

    \b
        tipgap scan ../shared/corpus --out /tmp/corpus-out
        tipgap eval-coverage /tmp/corpus-out corpora/gold
    """
    from .evaluation import evaluate_coverage, misses_text, report

    try:
        scores = evaluate_coverage(out_dir, gold_dir)
    except AnalyserError as err:
        raise click.ClickException(str(err)) from err
    text = report(scores)
    if misses:
        text += misses_text(scores[0])
    click.echo(text)
    if report_path:
        report_path.write_text(text, encoding="utf-8")


@cli.command("diff")
@click.argument("old_out", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("new_out", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON instead of text.")
def diff_command(old_out: Path, new_out: Path, as_json: bool) -> None:
    """List the cells gained, lost and changed between two scans, with the evidence that changed.

    Gained: the status rose (not found < partial < met); lost: it fell; changed: same status,
    other evidence, reason or confidence. Page numbers alone do not count as a change.

    Example:

    \b
        tipgap scan statutes-2019/ --out before/
        tipgap scan statutes-2024/ --out after/
        tipgap diff before/ after/
    """
    from .diff import changes_json, diff_runs, format_changes
    from .knowledge import load_checklist

    checklist = load_checklist()
    try:
        changes = diff_runs(old_out, new_out, checklist)
    except AnalyserError as err:
        raise click.ClickException(str(err)) from err
    click.echo(changes_json(changes) if as_json else format_changes(changes, checklist, str(old_out), str(new_out)))


@cli.command("review")
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("jurisdiction")
@click.argument("item")
@click.option("--status", required=True, type=click.Choice(["met", "partial", "not_found"]), help="Your verdict.")
@click.option("--comment", default="", help="Why (shown in the report and evidence.csv).")
@click.option("--reviewer", default="", help="Your name or initials.")
@click.option("--date", "day", default="", help="Date of the review, YYYY-MM-DD [default: today].")
@click.option(
    "--file", "overrides_path", default="overrides.csv", show_default=True,
    type=click.Path(dir_okay=False, path_type=Path), help="The overrides file to append to.",
)
def review_command(
    out_dir: Path, jurisdiction: str, item: str, status: str, comment: str, reviewer: str, day: str,
    overrides_path: Path,
) -> None:
    """Record a reviewer decision on one cell of a finished scan in overrides.csv.

    The row keeps the ids and a hash of the text of the provisions shown as evidence, so a later
    scan can tell when the law text changed and the decision needs another look. Apply the file
    with 'tipgap scan --overrides'.

    Example:

    \b
        tipgap review results/ XCO aml-predicate-offence --status met \\
            --reviewer "A. Coder" --comment "Schedule item 7 names the 2009 Act"
        tipgap scan statutes/ --out results/ --overrides overrides.csv
    """
    import datetime

    from .knowledge import load_checklist
    from .overrides import append_override, draft_from_out_dir, read_overrides

    try:
        load_checklist().item(item)
        when = day or datetime.date.today().isoformat()
        override = draft_from_out_dir(out_dir, jurisdiction, item, status, comment, reviewer, when)
        if overrides_path.exists():
            read_overrides(overrides_path, load_checklist())  # refuse to append to a broken file
        append_override(overrides_path, override)
    except AnalyserError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"Recorded {jurisdiction}/{item}: {status} in {overrides_path} "
               f"({len(override.provision_ids)} evidence provision(s) fingerprinted).")


from .commands_model import annotations_group, eval_command, train_command  # noqa: E402  (issue 5)

cli.add_command(train_command)
cli.add_command(eval_command)
cli.add_command(annotations_group)
