"""Provision annotations: read them, and rebuild the texts they label by running the pipeline.

An annotation names a tagging unit by jurisdiction, document, stable provision id and the
first 16 hex digits of the SHA-256 of the unit's own text, with the set of tags a person
gave it. The statute text itself is never stored: :func:`rebuild_units` runs the real
extract and segment stages on the source files, finds each unit again, checks the hash and
reports (rather than fails on) annotations whose unit changed or vanished.

Files: ``corpora/annotations/<JUR>/<document stem>.jsonl``, one JSON object per line,
sorted by provision id; ``corpora/annotations/labels.toml`` lists the annotated tag set.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataFileError
from .models import DocumentResult, Source

LABELS_FILE = "labels.toml"
HASH_CHARS = 16


@dataclass(frozen=True)
class Annotation:
    """The labels one annotator gave one tagging unit."""

    jurisdiction: str
    document: str  # Source.name, as in the outputs' "document" column
    provision_id: str  # Provision.id
    text_sha: str  # text_hash() of the unit's own text when it was labelled
    labels: frozenset[str]
    citation: str = ""  # for the reader of the file only
    note: str = ""


@dataclass(frozen=True)
class LabelledUnit:
    """An annotation with the unit text rebuilt from the source, and the rule tags of that text."""

    annotation: Annotation
    text: str
    rule_tags: frozenset[str]

    @property
    def jurisdiction(self) -> str:
        return self.annotation.jurisdiction


@dataclass
class DriftReport:
    """Annotations whose unit could not be found again as it was labelled."""

    changed: list[Annotation] = field(default_factory=list)  # unit found, text hash differs
    vanished: list[Annotation] = field(default_factory=list)  # no unit with that id any more
    missing_documents: list[str] = field(default_factory=list)  # "JUR/document" not in the inputs

    @property
    def ok(self) -> bool:
        return not (self.changed or self.vanished or self.missing_documents)

    def summary(self) -> str:
        """One paragraph for the terminal and for EVAL.md."""
        if self.ok:
            return "Every annotated unit was found again with an unchanged text hash."
        lines = [
            f"{len(self.changed)} annotated units changed text, {len(self.vanished)} vanished, "
            f"{len(self.missing_documents)} annotated documents are missing from the inputs; they are left out."
        ]
        lines += [f"- changed: {a.provision_id}" for a in self.changed[:20]]
        lines += [f"- vanished: {a.provision_id}" for a in self.vanished[:20]]
        lines += [f"- missing document: {d}" for d in self.missing_documents]
        return "\n".join(lines)


def text_hash(text: str) -> str:
    """The short hash that keys an annotation to the text it labels."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_CHARS]


def load_label_set(directory: Path) -> tuple[str, ...]:
    """The annotated tags (``labels.toml``), checked against the tag set."""
    from .knowledge import load_tags

    path = directory / LABELS_FILE
    if not path.is_file():
        raise DataFileError(f"{path} is missing: it lists the tags the annotations cover")
    labels = tuple(tomllib.loads(path.read_text(encoding="utf-8"))["labels"])
    unknown = sorted(set(labels) - set(load_tags()))
    if unknown:
        raise DataFileError(f"{path}: unknown tags {unknown}; tags are defined in analyser/data/tags.toml")
    return labels


def load_annotations(directory: Path) -> list[Annotation]:
    """Every annotation under ``directory``, validated against the annotated tag set."""
    label_set = set(load_label_set(directory))
    annotations: list[Annotation] = []
    seen: set[str] = set()
    for path in sorted(directory.glob("*/*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            annotation = _parse(line, f"{path}:{number}", label_set)
            if annotation.provision_id in seen:
                raise DataFileError(f"{path}:{number}: {annotation.provision_id} is annotated twice")
            seen.add(annotation.provision_id)
            annotations.append(annotation)
    return annotations


def _parse(line: str, where: str, label_set: set[str]) -> Annotation:
    try:
        row = json.loads(line)
        annotation = Annotation(
            jurisdiction=row["jurisdiction"],
            document=row["document"],
            provision_id=row["provision_id"],
            text_sha=row["text_sha"],
            labels=frozenset(row["labels"]),
            citation=row.get("citation", ""),
            note=row.get("note", ""),
        )
    except (json.JSONDecodeError, KeyError, TypeError) as err:
        raise DataFileError(f"{where}: not a valid annotation ({err})") from err
    unknown = sorted(annotation.labels - label_set)
    if unknown:
        raise DataFileError(f"{where}: labels {unknown} are not in {LABELS_FILE}")
    return annotation


def annotation_line(annotation: Annotation) -> str:
    """The canonical JSONL line of an annotation (sorted keys and labels)."""
    row = {
        "jurisdiction": annotation.jurisdiction,
        "document": annotation.document,
        "provision_id": annotation.provision_id,
        "citation": annotation.citation,
        "text_sha": annotation.text_sha,
        "labels": sorted(annotation.labels),
    }
    if annotation.note:
        row["note"] = annotation.note
    return json.dumps(row, ensure_ascii=False, sort_keys=True)


def write_annotations(directory: Path, annotations: Iterable[Annotation]) -> list[Path]:
    """Write annotations as one JSONL file per document, sorted by provision id."""
    by_file: dict[Path, list[Annotation]] = defaultdict(list)
    for annotation in annotations:
        stem = Path(annotation.document).with_suffix("").as_posix().replace("/", "__")
        by_file[directory / annotation.jurisdiction / f"{stem}.jsonl"].append(annotation)
    for path, rows in by_file.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [annotation_line(a) for a in sorted(rows, key=lambda a: a.provision_id)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sorted(by_file)


def training_data_hash(units: Sequence[LabelledUnit]) -> str:
    """A hash of what a model is trained on: ids, text hashes and labels, in a fixed order."""
    digest = hashlib.sha256()
    for unit in sorted(units, key=lambda u: u.annotation.provision_id):
        a = unit.annotation
        digest.update(f"{a.provision_id}\t{a.text_sha}\t{','.join(sorted(a.labels))}\n".encode())
    return digest.hexdigest()


# -- rebuilding the texts --------------------------------------------------------------------------
def annotated_sources(roots: Sequence[Path], annotations: Sequence[Annotation]) -> tuple[list[Source], list[str]]:
    """The source files the annotations need, and the "JUR/document" names not found under ``roots``."""
    from .ingest import ingest

    wanted = {(a.jurisdiction, a.document) for a in annotations}
    found: dict[tuple[str, str], Source] = {}
    for root in roots:
        for source in ingest(root).sources:
            key = (source.jurisdiction, source.name)
            if key in wanted and key not in found:
                found[key] = source
    missing = sorted(f"{j}/{d}" for j, d in wanted - set(found))
    return [found[k] for k in sorted(found)], missing


def match_units(
    annotations: Sequence[Annotation], results: Sequence[DocumentResult], report: DriftReport
) -> list[LabelledUnit]:
    """Pair annotations with the rebuilt unit texts; drifted ones go to ``report``."""
    from .tag import unit_texts

    texts: dict[str, tuple[str, frozenset[str]]] = {}
    for result in results:
        tags_by_unit: dict[str, set[str]] = defaultdict(set)
        for tag in result.tags:
            tags_by_unit[tag.provision_id].add(tag.tag)
        for unit, text in unit_texts(result.provisions):
            texts[unit.id] = (text, frozenset(tags_by_unit.get(unit.id, ())))
    documents = {(r.source.jurisdiction, r.source.name) for r in results}
    units: list[LabelledUnit] = []
    for annotation in annotations:
        if (annotation.jurisdiction, annotation.document) not in documents:
            continue
        if annotation.provision_id not in texts:
            report.vanished.append(annotation)
            continue
        text, rule_tags = texts[annotation.provision_id]
        if text_hash(text) != annotation.text_sha:
            report.changed.append(annotation)
            continue
        units.append(LabelledUnit(annotation, text, rule_tags))
    return units


def rebuild_units(
    roots: Sequence[Path], annotations: Sequence[Annotation], jobs: int = 1
) -> tuple[list[LabelledUnit], DriftReport]:
    """Run extract + segment + rule tagging (no model) on the annotated documents and match the units.

    Args:
        roots: input folders (one sub-folder per jurisdiction), e.g. the shared corpus and
            the sample statutes.
        annotations: the annotations to find again.
        jobs: worker processes for the per-document stages.

    Returns:
        The labelled units whose text hash still matches, and the drift report.
    """
    from .api import run_documents
    from .ingest import Inventory
    from .pipeline import PipelineSettings

    sources, missing = annotated_sources(roots, annotations)
    report = DriftReport(missing_documents=missing)
    inventory = Inventory(sources=sources)
    results = run_documents(inventory, jobs=jobs, settings=PipelineSettings(model="none"))
    return match_units(annotations, results, report), report
