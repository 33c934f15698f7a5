"""Coverage evaluation against the gold matrix with no label leakage (issue 6; ``make eval-coverage``).

Two protocols, both scored against ``corpora/gold`` with :mod:`analyser.evaluation`:

* **rules only**: the corpus scanned with ``--model none``; nothing is learned from the gold
  jurisdictions' annotations.
* **LOJO model**: for each gold jurisdiction J, a tagging model is fitted exactly as the shipped
  one (``models/tagger/config.toml``) on the annotations of every jurisdiction but J
  (:mod:`analyser.lojo`), and J alone is scanned with it. The shipped model saw every
  jurisdiction's labels, so it is never used here. Models are cached in a git-ignored folder
  and re-fitted only when the annotations, settings or training code change.

Per-document results are cached as in ``tipgap scan`` (keyed by the model files too). Writes
both scans (``--out``), prints the report and writes it (``--report``), with wall-clock times.

Usage: ``python benchmarks/eval_coverage.py [--corpus DIR] [--gold DIR] [--out DIR]
[--models DIR] [--report FILE] [--jobs N] [--protocol rules,lojo]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyser.api import ScanResult, run_documents  # noqa: E402
from analyser.coverage import build_coverage  # noqa: E402
from analyser.evaluation import Score, evaluate_coverage, misses_text, read_gold, report  # noqa: E402
from analyser.ingest import Inventory, ingest  # noqa: E402
from analyser.lojo import fit_without  # noqa: E402
from analyser.pipeline import PipelineSettings  # noqa: E402
from analyser.training import labelled_units, load_config  # noqa: E402

PROTOCOLS = ("rules", "lojo")
NAMES = {"rules": "tool, rules only", "lojo": "tool, LOJO model"}


def scan_rules(inventory: Inventory, out: Path, jobs: int) -> None:
    """The whole corpus, rules only."""
    results = run_documents(inventory, jobs=jobs, settings=PipelineSettings(model="none"), cache=True)
    cells = build_coverage(inventory.jurisdictions, results)
    ScanResult(input_dir=out, jurisdictions=inventory.jurisdictions, cells=cells, results=results,
               ingest_problems=inventory.problems).write(out, force=True)


def scan_lojo(inventory: Inventory, jurisdictions: list[str], out: Path, models: Path, model_dir: Path,
              inputs: tuple[Path, ...], jobs: int) -> dict[str, float]:
    """Each gold jurisdiction scanned with a model fitted without its annotations; returns timings."""
    timings: dict[str, float] = {}
    started = time.monotonic()
    config = load_config(model_dir, inputs, ROOT / ".cache" / "tagging-units")
    units, _drift, labels = labelled_units(config, jobs)
    timings["annotated units"] = time.monotonic() - started
    results = []
    fit_time = scan_time = 0.0
    for jurisdiction in jurisdictions:
        started = time.monotonic()
        directory, fitted = fit_without(config, [jurisdiction], models / jurisdiction, units=units, label_set=labels)
        fit_time += time.monotonic() - started
        print(f"{jurisdiction}: model {'fitted' if fitted else 'reused'} ({time.monotonic() - started:.0f} s)",
              file=sys.stderr)
        started = time.monotonic()
        part = Inventory(jurisdictions=[jurisdiction],
                         sources=[s for s in inventory.sources if s.jurisdiction == jurisdiction])
        results += run_documents(part, jobs=jobs, settings=PipelineSettings(model=str(directory)), cache=True)
        scan_time += time.monotonic() - started
    timings["fitting the models"] = fit_time
    timings["scanning"] = scan_time
    cells = build_coverage(jurisdictions, results)
    ScanResult(input_dir=out, jurisdictions=jurisdictions, cells=cells, results=results).write(out, force=True)
    return timings


def render(scores: dict[str, tuple[Score, Score]], timings: dict[str, dict[str, float]]) -> str:
    """The Markdown report: the protocol, the table of every system, misses per protocol, timings."""
    systems = [s for key in PROTOCOLS if key in scores for s in [scores[key][0]]]
    baseline = next(iter(scores.values()))[1]
    lines = [
        "# Coverage evaluation against the gold matrix",
        "",
        "Protocol (`make eval-coverage`, `benchmarks/eval_coverage.py`): nothing scored here was fitted on "
        "the jurisdiction being scored. *Rules only* scans the corpus with `--model none`. *LOJO model* "
        "scans each gold jurisdiction with a tagging model fitted, with the shipped model's settings, on "
        "the annotations of every other jurisdiction (leave one jurisdiction out; the models are cached "
        "in `.cache/lojo-models/`). The shipped `models/tagger` saw every jurisdiction's labels and is "
        "not scored. The coverage rules and the checklist data were written by reading these same "
        "statutes, so the figures remain development figures, not a held-out test.",
        "",
    ]
    lines.append(report((*systems, baseline)))
    for key in PROTOCOLS:
        if key in scores:
            lines.append(misses_text(scores[key][0]))
    lines += ["", "Wall-clock time (2 jobs; per-document results cached as in `tipgap scan`):", ""]
    for key, parts in timings.items():
        detail = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in parts.items())
        lines.append(f"- {NAMES[key]}: {sum(parts.values()):.0f} s ({detail})")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--gold", type=Path, default=ROOT / "corpora" / "gold")
    parser.add_argument("--out", type=Path, default=Path("/tmp/tipgap-corpus-out"))
    parser.add_argument("--models", type=Path, default=ROOT / ".cache" / "lojo-models")
    parser.add_argument("--model-config", type=Path, default=ROOT / "models" / "tagger")
    parser.add_argument("--input", type=Path, action="append", default=None,
                        help="statute folders the annotations point into (default: --corpus and the samples)")
    parser.add_argument("--report", type=Path, default=None)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--protocol", default="rules,lojo")
    args = parser.parse_args(argv)
    protocols = [p for p in args.protocol.split(",") if p]
    if unknown := set(protocols) - set(PROTOCOLS):
        parser.error(f"unknown protocol(s) {sorted(unknown)}; known: {', '.join(PROTOCOLS)}")
    inputs = tuple(args.input or (args.corpus, ROOT / "corpora" / "samples" / "statutes"))
    inventory = ingest(args.corpus)
    gold_jurisdictions = sorted({j for j, _ in read_gold(args.gold)} & set(inventory.jurisdictions))
    scores: dict[str, tuple[Score, Score]] = {}
    timings: dict[str, dict[str, float]] = {}
    for key in protocols:
        out = args.out / key
        started = time.monotonic()
        if key == "rules":
            scan_rules(inventory, out, args.jobs)
            timings[key] = {"scanning": time.monotonic() - started}
        else:
            timings[key] = scan_lojo(inventory, gold_jurisdictions, out, args.models, args.model_config, inputs,
                                     args.jobs)
        tool, baseline = evaluate_coverage(out, args.gold)
        tool.name = NAMES[key]
        scores[key] = (tool, baseline)
    text = render(scores, timings)
    print(text)
    if args.report:
        args.report.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
