"""``tipgap train`` and ``tipgap eval``: the tagging model's commands (registered in :mod:`analyser.cli`)."""

from __future__ import annotations

from pathlib import Path

import click

from .errors import AnalyserError

DEFAULT_MODEL_DIR = Path("models/tagger")
DEFAULT_CACHE = Path(".cache/tagging-units")

_model_dir = click.option(
    "--model",
    "model_dir",
    default=DEFAULT_MODEL_DIR,
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Model folder (holds config.toml; training writes model.skops, meta.json and EVAL.md).",
)
_inputs = click.option(
    "--input",
    "inputs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Statute folder(s) the annotations point into (repeatable); default: the config's inputs.",
)
_jobs = click.option("-j", "--jobs", default=1, show_default=True, type=int, help="Documents processed in parallel.")
_cache = click.option(
    "--cache",
    default=DEFAULT_CACHE,
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where rebuilt unit texts are cached (keyed by code, inputs and annotations); not for git.",
)


@click.command("train")
@_model_dir
@_inputs
@_jobs
@_cache
def train_command(model_dir: Path, inputs: tuple[Path, ...], jobs: int, cache: Path) -> None:
    """Train the tagging model from corpora/annotations and write it to --model.

    Rebuilds the annotated units from the statutes, reports annotations whose text drifted,
    evaluates leave one jurisdiction out, tunes per-tag thresholds, fits on every unit.

    Example:

    \b
        tipgap train --model models/tagger --input ../shared/corpus --input corpora/samples/statutes
    """
    from .training import EVAL_FILE, load_config, train

    try:
        config = load_config(model_dir, inputs, cache)
        model, evaluation, drift = train(config, model_dir, jobs=jobs)
    except AnalyserError as err:
        raise click.ClickException(str(err)) from err
    click.echo(drift.summary(), err=True)
    click.echo((model_dir / EVAL_FILE).read_text(encoding="utf-8"))
    click.echo(f"Model with {len(model.labels)} tags written to {model_dir}/", err=True)


@click.command("eval")
@_model_dir
@_inputs
@_jobs
@_cache
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the report; default: EVAL.md in the model folder.")
def eval_command(model_dir: Path, inputs: tuple[Path, ...], jobs: int, cache: Path, report_path: Path | None) -> None:
    """Evaluate the tagger leave one jurisdiction out against the keyword baseline; print and write EVAL.md.

    Example:

    \b
        tipgap eval --model models/tagger --input ../shared/corpus --input corpora/samples/statutes
    """
    from .training import EVAL_FILE, load_config, run_evaluation, write_report

    try:
        config = load_config(model_dir, inputs, cache)
        evaluation, drift, meta = run_evaluation(config, jobs=jobs)
    except AnalyserError as err:
        raise click.ClickException(str(err)) from err
    text = write_report(report_path or model_dir / EVAL_FILE, evaluation, drift, meta)
    click.echo(text)
