"""Provision annotations: read them, and rebuild the texts they label by running the pipeline.

An annotation names a tagging unit by jurisdiction, document, stable provision id and the
first 16 hex digits of the SHA-256 of the unit's own text, with the set of tags a person
gave it. The statute text itself is never stored: :func:`rebuild_units` runs the real
extract and segment stages on the source files, finds each unit again, checks the hash and
reports (rather than fails on) annotations whose unit changed or vanished.

Each annotation also keeps a *sketch* of the text it labels (:func:`text_sketch`: a
MinHash signature of character shingles, from which no text can be read back). When
segmentation or extraction changes a unit's id or spacing, :func:`rekey` finds the
labelled text again by its hash or by sketch similarity (``tipgap annotations rekey``).

Files: ``corpora/annotations/<JUR>/<document stem>.jsonl``, one JSON object per line,
sorted by provision id; ``corpora/annotations/labels.toml`` lists the annotated tag set.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .context import unit_contexts
from .errors import DataFileError
from .models import DocumentResult, Source

LABELS_FILE = "labels.toml"
HASH_CHARS = 16
SKETCH_SIZE = 16  # MinHash slots; the similarity of two sketches estimates shingle Jaccard (sd <= 0.125)
SHINGLE = 5  # characters per shingle, taken from the text with whitespace removed
MIN_SIMILARITY = 0.8  # default sketch similarity at which rekey carries labels to a changed text
# Multiply-shift hashing (a odd, 64-bit arithmetic that wraps): one (a, b) pair per slot.
_SEEDS = np.random.default_rng(20261123).integers(0, 1 << 63, size=(2, SKETCH_SIZE), dtype=np.uint64) | np.uint64(1)


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
    sketch: str = ""  # text_sketch() of the labelled text: lets rekey find it again after drift


@dataclass(frozen=True)
class LabelledUnit:
    """An annotation with the unit text rebuilt from the source, the rule tags of that text, and its context.

    ``context`` is the unit's place in its act (:func:`analyser.context.unit_contexts`) and
    ``context_tags`` the rule tags that hit it, as the scan computes them for the model.
    """

    annotation: Annotation
    text: str
    rule_tags: frozenset[str]
    context: str = ""
    context_tags: frozenset[str] = frozenset()

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
            f"{len(self.missing_documents)} annotated documents are missing from the inputs; they are left out. "
            "`tipgap annotations rekey` re-attaches units whose text moved to another id or changed only "
            "slightly; re-label what it cannot resolve."
        ]
        lines += [f"- changed: {a.provision_id}" for a in self.changed[:20]]
        lines += [f"- vanished: {a.provision_id}" for a in self.vanished[:20]]
        lines += [f"- missing document: {d}" for d in self.missing_documents]
        return "\n".join(lines)


def text_hash(text: str) -> str:
    """The short hash that keys an annotation to the text it labels."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_CHARS]


def text_sketch(text: str) -> str:
    """A MinHash signature of the text's character shingles (lower case, whitespace removed).

    Spacing and case changes leave it unchanged; the share of equal slots of two sketches
    estimates the Jaccard similarity of their shingle sets. It is a hash: no text can be
    read back from it, so it may be stored beside the annotations.
    """
    squeezed = re.sub(r"\s+", "", text.lower())
    if not squeezed:
        return ""
    codes = np.frombuffer(squeezed.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    count = max(1, len(codes) - SHINGLE + 1)
    shingles = np.zeros(count, dtype=np.uint64)
    for offset in range(min(SHINGLE, len(codes))):  # polynomial hash of each shingle, mod 2**64
        shingles = shingles * np.uint64(1_000_003) + codes[offset : offset + count]
    hashed = (shingles[None, :] * _SEEDS[0][:, None] + _SEEDS[1][:, None]) >> np.uint64(32)
    return "".join(f"{int(v):08x}" for v in hashed.min(axis=1))


def sketch_similarity(first: str, second: str) -> float:
    """Share of equal slots of two sketches (0 when either is empty or they differ in size)."""
    if not first or len(first) != len(second):
        return 0.0
    slots = len(first) // 8
    return sum(first[8 * i : 8 * i + 8] == second[8 * i : 8 * i + 8] for i in range(slots)) / slots


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
            sketch=row.get("sketch", ""),
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
    if annotation.sketch:
        row["sketch"] = annotation.sketch
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
    """Pair annotations with the rebuilt unit texts and contexts; drifted ones go to ``report``."""
    from .tag import context_tags, unit_texts

    texts: dict[str, tuple[str, frozenset[str]]] = {}
    contexts: dict[str, str] = {}
    for result in results:
        tags_by_unit: dict[str, set[str]] = defaultdict(set)
        for tag in result.tags:
            tags_by_unit[tag.provision_id].add(tag.tag)
        pairs = unit_texts(result.provisions)
        for unit, text in pairs:
            texts[unit.id] = (text, frozenset(tags_by_unit.get(unit.id, ())))
        contexts.update(unit_contexts(result.provisions, [unit for unit, _ in pairs]))
    context_hits = context_tags([contexts[a.provision_id] for a in annotations if a.provision_id in contexts])
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
        context = contexts[annotation.provision_id]
        units.append(LabelledUnit(annotation, text, rule_tags, context, context_hits[context]))
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
    results, missing = rebuild_documents(roots, annotations, jobs)
    report = DriftReport(missing_documents=missing)
    return match_units(annotations, results, report), report


def rebuild_documents(
    roots: Sequence[Path], annotations: Sequence[Annotation], jobs: int = 1
) -> tuple[list[DocumentResult], list[str]]:
    """The pipeline's results (rules only) for the annotated documents, and the missing ones."""
    from .api import run_documents
    from .ingest import Inventory
    from .pipeline import PipelineSettings

    sources, missing = annotated_sources(roots, annotations)
    results = run_documents(Inventory(sources=sources), jobs=jobs, settings=PipelineSettings(model="none"))
    return results, missing


# -- re-keying after drift ------------------------------------------------------------------------
UnitIndex = Mapping[tuple[str, str], Sequence[tuple[str, str]]]  # (jurisdiction, document) -> [(unit id, text)]
REKEY_STATUSES = ("kept", "moved", "similar", "unresolved", "displaced", "unchecked")


@dataclass(frozen=True)
class Rekeyed:
    """What :func:`rekey` did with one annotation.

    ``status``: ``kept`` (same id, same text), ``moved`` (the same text under another id),
    ``similar`` (a text whose sketch similarity passed the threshold: labels carried, a
    person should glance at it), ``unresolved`` (not found: re-label it) or ``unchecked``
    (its document was not in the inputs).
    """

    annotation: Annotation  # as it should be stored now
    status: str
    previous_id: str
    similarity: float = 1.0


def unit_index(results: Sequence[DocumentResult]) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Every tagging unit's id and own text, per document (the input of :func:`rekey`)."""
    from .tag import unit_texts

    return {
        (r.source.jurisdiction, r.source.name): [(unit.id, text) for unit, text in unit_texts(r.provisions)]
        for r in results
    }


def rekey(
    annotations: Sequence[Annotation], units: UnitIndex, min_similarity: float = MIN_SIMILARITY
) -> list[Rekeyed]:
    """Attach every annotation to a current unit: by id and hash, by hash alone, or by sketch.

    An annotation whose unit is unchanged is kept (and gains a sketch if it had none). The
    others, in this order, take an unclaimed unit of the same document with the same text
    hash, then the unclaimed unit whose sketch is most similar (every slot equal, or at least
    ``min_similarity`` with the same last id part); ties go to the unit whose id shares the
    most trailing path parts with the old id. No unit takes two annotations.

    Returns:
        One :class:`Rekeyed` per annotation, in input order.
    """
    texts = {doc: dict(rows) for doc, rows in units.items()}
    outcome: dict[int, Rekeyed] = {}
    claimed: set[str] = set()
    for index, a in enumerate(annotations):
        doc = texts.get((a.jurisdiction, a.document))
        if doc is None:
            outcome[index] = Rekeyed(a, "unchecked", a.provision_id)
        elif text_hash(doc.get(a.provision_id, "")) == a.text_sha and a.provision_id in doc:
            outcome[index] = Rekeyed(_attached(a, a.provision_id, doc[a.provision_id]), "kept", a.provision_id)
            claimed.add(a.provision_id)
    pending = [i for i in range(len(annotations)) if i not in outcome]
    _assign(pending, annotations, texts, claimed, outcome, _exact_pairs)
    pending = [i for i in pending if i not in outcome]
    _assign(pending, annotations, texts, claimed, outcome, lambda a, doc: _similar_pairs(a, doc, min_similarity))
    for index in pending:
        a = annotations[index]
        status = "displaced" if a.provision_id in claimed else "unresolved"
        outcome.setdefault(index, Rekeyed(a, status, a.provision_id, 0.0))
    return [outcome[i] for i in range(len(annotations))]


def _attached(annotation: Annotation, unit_id: str, text: str) -> Annotation:
    return replace(annotation, provision_id=unit_id, text_sha=text_hash(text), sketch=text_sketch(text))


def _exact_pairs(annotation: Annotation, doc: dict[str, str]) -> list[tuple[float, str]]:
    return [(1.0, unit_id) for unit_id, text in doc.items() if text_hash(text) == annotation.text_sha]


def _similar_pairs(annotation: Annotation, doc: dict[str, str], minimum: float) -> list[tuple[float, str]]:
    """Units whose sketch is similar enough: all slots equal, or ``minimum`` and the same last id part.

    A sketch-only match below 1.0 must keep the provision's own label (``s-12``, ``def-term``):
    short texts of one shape ("X has the meaning given by section 5") are close in shingles
    while being different provisions.
    """
    if not annotation.sketch:
        return []
    pairs = [(sketch_similarity(annotation.sketch, _cached_sketch(text)), unit_id) for unit_id, text in doc.items()]
    return [
        (score, unit_id)
        for score, unit_id in pairs
        if score >= 1.0 or (score >= minimum and id_affinity(annotation.provision_id, unit_id) >= 1)
    ]


_SKETCHES: dict[str, str] = {}


def _cached_sketch(text: str) -> str:
    key = text_hash(text)
    if key not in _SKETCHES:
        _SKETCHES[key] = text_sketch(text)
    return _SKETCHES[key]


def _assign(
    pending: list[int],
    annotations: Sequence[Annotation],
    texts: dict[tuple[str, str], dict[str, str]],
    claimed: set[str],
    outcome: dict[int, Rekeyed],
    pairs_of: Callable[[Annotation, dict[str, str]], list[tuple[float, str]]],
) -> None:
    """Greedy matching: the best (score, id affinity) pairs first, each unit and annotation once."""
    candidates = []
    for index in pending:
        a = annotations[index]
        doc = texts[(a.jurisdiction, a.document)]
        for score, unit_id in pairs_of(a, doc):
            candidates.append((-score, -id_affinity(a.provision_id, unit_id), unit_id, index))
    for negative_score, _, unit_id, index in sorted(candidates):
        if index in outcome or unit_id in claimed:
            continue
        a = annotations[index]
        text = texts[(a.jurisdiction, a.document)][unit_id]
        status = "moved" if text_hash(text) == a.text_sha else "similar"
        outcome[index] = Rekeyed(_attached(a, unit_id, text), status, a.provision_id, -negative_score)
        claimed.add(unit_id)


def id_affinity(old: str, new: str) -> int:
    """How many trailing path parts two provision ids share (``~N`` duplicate marks ignored)."""
    def parts(pid: str) -> list[str]:
        return [re.sub(r"~\d+$", "", part) for part in pid.split("/")[2:]]

    first, second = parts(old), parts(new)
    shared = 0
    while shared < min(len(first), len(second)) and first[-1 - shared] == second[-1 - shared]:
        shared += 1
    return shared + (old == new)


def rekey_folder(
    directory: Path, roots: Sequence[Path], jobs: int = 1, min_similarity: float = MIN_SIMILARITY,
    write: bool = True,
) -> list[Rekeyed]:
    """Re-key the annotations under ``directory`` against the current pipeline; write them back.

    Args:
        directory: the annotations folder (``corpora/annotations``).
        roots: the statute folders the annotations point into.
        jobs: worker processes for the per-document stages.
        min_similarity: the sketch similarity at which labels carry to a changed text.
        write: write the updated files (False: only report).
    """
    annotations = load_annotations(directory)
    results, _ = rebuild_documents(roots, annotations, jobs)
    outcome = rekey(annotations, unit_index(results), min_similarity)
    if write:
        for path in directory.glob("*/*.jsonl"):  # every file is rewritten: a displaced-only file goes
            path.unlink()
        write_annotations(directory, [r.annotation for r in outcome if r.status != "displaced"])
    return outcome


def label_counts(annotations: Sequence[Annotation], labels: Sequence[str]) -> str:
    """A plain-text table: units per jurisdiction, then positives and positive jurisdictions per tag."""
    per_jurisdiction: dict[str, int] = defaultdict(int)
    for a in annotations:
        per_jurisdiction[a.jurisdiction] += 1
    lines = [f"{len(annotations)} labelled units: " + ", ".join(f"{j} {n}" for j, n in sorted(per_jurisdiction.items()))]
    for tag in labels:
        holders = [a.jurisdiction for a in annotations if tag in a.labels]
        spread = ", ".join(f"{j} {holders.count(j)}" for j in sorted(set(holders)))
        lines.append(f"{tag}: {len(holders)} positives, {len(set(holders))} jurisdictions ({spread})")
    return "\n".join(lines)
