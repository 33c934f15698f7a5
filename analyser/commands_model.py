"""``tipgap train``, ``tipgap eval`` and ``tipgap annotations``: the tagging model's commands
(registered in :mod:`analyser.cli`)."""

from __future__ import annotations

from pathlib import Path

import click

from .annotations import REKEY_STATUSES
from .errors import AnalyserError

DEFAULT_MODEL_DIR = Path("models/tagger")
DEFAULT_CACHE = Path(".cache/tagging-units")

_model_dir = click.option(
    "--model",
    "model_dir",
    default=DEFAULT_MODEL_DIR,
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Model folder (holds config.toml; training writes model.npz, model.json, meta.json and EVAL.md).",
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
@click.option("--exclude-jurisdiction", "excluded", multiple=True, metavar="JUR",
              help="Leave this jurisdiction's annotations out of the fit (repeatable; implies --no-eval).")
@click.option("--no-eval", is_flag=True, help="Only fit the model: no leave-one-jurisdiction-out evaluation, no EVAL.md.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the fitted model; default: the --model folder.")
def train_command(model_dir: Path, inputs: tuple[Path, ...], jobs: int, cache: Path,
                  excluded: tuple[str, ...] = (), no_eval: bool = False, out_dir: Path | None = None) -> None:
    """Train the tagging model from corpora/annotations and write it to --model.

    Rebuilds the annotated units from the statutes, reports annotations whose text drifted,
    evaluates leave one jurisdiction out, tunes per-tag thresholds, fits on every unit.
    With --exclude-jurisdiction (or --no-eval) it only fits, e.g. a model that never saw one
    country, for scoring that country honestly (make eval-coverage).

    Example:

    \b
        tipgap train --model models/tagger --input ../shared/corpus --input corpora/samples/statutes
        tipgap train --model models/tagger --exclude-jurisdiction AUS --out .cache/lojo-models/AUS
    """
    from .training import EVAL_FILE, load_config, train

    if excluded and out_dir is None:
        raise click.UsageError("give --out for a model fitted without a jurisdiction (the --model folder stays as it is)")
    try:
        config = load_config(model_dir, inputs, cache)
        if excluded or no_eval:
            from .lojo import fit_without

            written, fitted = fit_without(config, excluded, out_dir or model_dir, jobs=jobs)
            click.echo(f"Model {'written to' if fitted else 'unchanged in'} {written}/"
                       + (f" (without {', '.join(excluded)})" if excluded else ""), err=True)
            return
        model, evaluation, drift = train(config, out_dir or model_dir, jobs=jobs)
    except AnalyserError as err:
        raise click.ClickException(str(err)) from err
    click.echo(drift.summary(), err=True)
    click.echo(((out_dir or model_dir) / EVAL_FILE).read_text(encoding="utf-8"))
    click.echo(f"Model with {len(model.labels)} tags written to {out_dir or model_dir}/", err=True)


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


@click.group("annotations")
def annotations_group() -> None:
    """Maintain the provision annotations of corpora/annotations (issue 5).

    Example:

    \b
        tipgap annotations stats
        tipgap annotations rekey --input ../shared/corpus --input corpora/samples/statutes --dry-run
    """


@annotations_group.command("rekey")
@click.option("--annotations", "directory", default=Path("corpora/annotations"), show_default=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path), help="The annotations folder.")
@_inputs
@_jobs
@click.option("--min-similarity", default=0.8, show_default=True, type=click.FloatRange(0.5, 1.0),
              help="Sketch similarity at which the labels of a changed text carry over.")
@click.option("--dry-run", is_flag=True, help="Report only; leave the files as they are.")
def rekey_command(directory: Path, inputs: tuple[Path, ...], jobs: int, min_similarity: float, dry_run: bool) -> None:
    """Re-attach annotations to the current segmentation after drift.

    Runs the pipeline on the annotated statutes, then finds each labelled text again: by
    id and text hash, by text hash under another id, or by sketch similarity (a text that
    changed only in spacing or a few words). Lists what moved and what a person must
    re-label (a label whose id now holds another labelled text is dropped as displaced);
    writes the updated files unless --dry-run.

    Example:

    \b
        tipgap annotations rekey --input ../shared/corpus --input corpora/samples/statutes
    """
    from .annotations import rekey_folder

    if not inputs:
        raise click.UsageError("give the statute folders the annotations point into with --input")
    try:
        outcome = rekey_folder(directory, inputs, jobs=jobs, min_similarity=min_similarity, write=not dry_run)
    except AnalyserError as err:
        raise click.ClickException(str(err)) from err
    for row in outcome:
        if row.status in ("moved", "similar", "unresolved", "displaced"):
            target = f" -> {row.annotation.provision_id}" if row.status in ("moved", "similar") else ""
            click.echo(f"{row.status}: {row.previous_id}{target} (similarity {row.similarity:.2f})")
    counts = {status: sum(r.status == status for r in outcome) for status in REKEY_STATUSES}
    click.echo(", ".join(f"{n} {status}" for status, n in counts.items()) + (" (dry run)" if dry_run else ""), err=True)


@annotations_group.command("stats")
@click.option("--annotations", "directory", default=Path("corpora/annotations"), show_default=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path), help="The annotations folder.")
def stats_command(directory: Path) -> None:
    """Count labelled units per jurisdiction and positives per tag (and their jurisdictions).

    Example:

    \b
        tipgap annotations stats
    """
    from .annotations import label_counts, load_annotations, load_label_set

    try:
        annotations, labels = load_annotations(directory), load_label_set(directory)
    except AnalyserError as err:
        raise click.ClickException(str(err)) from err
    click.echo(label_counts(annotations, labels))
