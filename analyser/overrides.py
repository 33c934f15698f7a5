"""Reviewer decisions: ``overrides.csv``, applied on top of the tool's verdicts.

A reviewer who checks a cell records a row::

    jurisdiction,item,status,comment,reviewer,date,provision_ids,text_hashes
    XCO,aml-predicate-offence,met,"Schedule item 7 names the 2009 Act",A. Coder,2025-03-01,XCO/anti_money_laundering_act_2003/schedule-1;…,3f2a…;…

``provision_ids`` are the stable ids of the provisions the reviewer read (the cell's evidence,
separated by ``;``) and ``text_hashes`` a short hash of each one's text, in the same order.
When the scanned texts change (an amendment is supplied, a provision is renumbered or
reworded) the decision may no longer hold: an override whose provision is gone or whose text
hash differs is *not* applied; it is reported as a warning so that someone re-reviews it.
Applied overrides set the cell's status and mark it ``reviewed`` in every output.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date as Date
from pathlib import Path

from .errors import AnalyserError
from .knowledge import Checklist
from .models import STATUSES, Cell, DocumentResult, Problem, Provision

OVERRIDE_COLUMNS = ("jurisdiction", "item", "status", "comment", "reviewer", "date", "provision_ids", "text_hashes")
REQUIRED_COLUMNS = OVERRIDE_COLUMNS[:6]
HASH_CHARS = 12
WHITESPACE = re.compile(r"\s+")


class OverrideError(AnalyserError):
    """``overrides.csv`` cannot be read as asked (bad column, status, item or date)."""


@dataclass(frozen=True)
class Override:
    """One reviewer decision on one cell, with the evidence it was based on."""

    jurisdiction: str
    item: str
    status: str
    comment: str = ""
    reviewer: str = ""
    date: str = ""
    provision_ids: tuple[str, ...] = ()
    text_hashes: tuple[str, ...] = ()
    line: int = 0  # line in overrides.csv (for messages); 0 when made in code

    @property
    def key(self) -> tuple[str, str]:
        return (self.jurisdiction, self.item)

    def row(self) -> tuple[str, ...]:
        return (
            self.jurisdiction, self.item, self.status, self.comment, self.reviewer, self.date,
            ";".join(self.provision_ids), ";".join(self.text_hashes),
        )


@dataclass(frozen=True)
class Review:
    """What became of one override in a scan: applied, or not, and why."""

    override: Override
    applied: bool
    tool_status: str
    tool_reason: str
    messages: tuple[str, ...] = ()


def text_hash(text: str) -> str:
    """A short hash of a provision's text, insensitive to line breaks and spacing."""
    folded = WHITESPACE.sub(" ", text).strip()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:HASH_CHARS]


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(";") if part.strip())


def read_overrides(path: Path | str, checklist: Checklist) -> list[Override]:
    """The overrides in ``path``, validated.

    Raises:
        OverrideError: when the file is missing, lacks a column, or a row names an unknown item,
            a status other than met/partial/not_found, a date that is not YYYY-MM-DD, or ids and
            hashes of different lengths.
    """
    path = Path(path)
    if not path.is_file():
        raise OverrideError(f"overrides file {str(path)!r} does not exist")
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise OverrideError(f"{path.name}: missing column(s) {', '.join(missing)}; expected {','.join(OVERRIDE_COLUMNS)}")
    overrides = []
    for row in reader:
        line = reader.line_num
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        overrides.append(_parse_row(row, line, path.name, checklist))
    return overrides


def _parse_row(row: dict[str, str], line: int, name: str, checklist: Checklist) -> Override:
    where = f"{name} line {line}"
    status = (row.get("status") or "").strip()
    if status not in STATUSES:
        raise OverrideError(f"{where}: status {status!r} must be one of {', '.join(STATUSES)}")
    item = (row.get("item") or "").strip()
    try:
        checklist.item(item)
    except AnalyserError as err:
        raise OverrideError(f"{where}: {err}") from err
    day = (row.get("date") or "").strip()
    if day:
        try:
            Date.fromisoformat(day)
        except ValueError as err:
            raise OverrideError(f"{where}: date {day!r} is not YYYY-MM-DD") from err
    ids, hashes = _split(row.get("provision_ids")), _split(row.get("text_hashes"))
    if hashes and len(hashes) != len(ids):
        raise OverrideError(f"{where}: {len(ids)} provision_ids but {len(hashes)} text_hashes; give one hash per id")
    return Override(
        jurisdiction=(row.get("jurisdiction") or "").strip(), item=item, status=status,
        comment=(row.get("comment") or "").strip(), reviewer=(row.get("reviewer") or "").strip(), date=day,
        provision_ids=ids, text_hashes=hashes, line=line,
    )


def overrides_csv(overrides: Iterable[Override]) -> bytes:
    """``overrides.csv`` bytes (UTF-8, ``\\n`` line ends), in the given order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OVERRIDE_COLUMNS)
    writer.writerows(o.row() for o in overrides)
    return buffer.getvalue().encode("utf-8")


def draft_override(
    cell: Cell, provisions: dict[str, Provision], status: str, comment: str = "", reviewer: str = "", date: str = ""
) -> Override:
    """An override of ``cell`` that records the evidence the reviewer saw (ids and text hashes)."""
    ids = tuple(dict.fromkeys(ev.provision_id for ev in cell.evidence if ev.provision_id in provisions))
    return Override(
        cell.jurisdiction, cell.item, status, comment, reviewer, date,
        provision_ids=ids, text_hashes=tuple(text_hash(provisions[i].text) for i in ids),
    )


def check_override(override: Override, provisions: dict[str, Provision]) -> list[str]:
    """Why ``override`` no longer matches the scanned texts (empty when it still does)."""
    messages = []
    hashes = override.text_hashes or ("",) * len(override.provision_ids)
    for provision_id, expected in zip(override.provision_ids, hashes):
        provision = provisions.get(provision_id)
        if provision is None:
            messages.append(f"provision {provision_id} is no longer in the scanned texts")
        elif expected and text_hash(provision.text) != expected:
            messages.append(f"the text of {provision.citation} ({provision_id}) has changed since the review")
    return messages


def apply_overrides(
    cells: Sequence[Cell],
    results: Sequence[DocumentResult],
    overrides: Sequence[Override],
    source_name: str = "overrides.csv",
) -> tuple[list[Cell], list[Review], list[Problem]]:
    """Apply ``overrides`` to ``cells``.

    Returns:
        The new cells (overridden ones with the reviewer's status, ``reviewed=True`` and a reason
        that names the reviewer and keeps the tool's verdict), what became of each override, and
        a warning for each override that was not applied.
    """
    provisions = {p.id: p for r in results for p in r.provisions}
    latest: dict[tuple[str, str], Override] = {}
    for override in overrides:
        latest[override.key] = override  # a later row for the same cell replaces an earlier one
    by_key = {(c.jurisdiction, c.item): c for c in cells}
    reviews: list[Review] = []
    problems: list[Problem] = []
    changed: dict[tuple[str, str], Cell] = {}
    for key in sorted(latest):
        override = latest[key]
        cell = by_key.get(key)
        where = f"{source_name} line {override.line}: " if override.line else ""
        if cell is None:
            message = f"{where}override of {override.item} not applied: jurisdiction {override.jurisdiction!r} was not scanned"
            problems.append(Problem(override.jurisdiction, source_name, "warning", message))
            continue
        messages = check_override(override, provisions)
        reviews.append(Review(override, not messages, cell.status, cell.reason, tuple(messages)))
        if messages:
            who = ", ".join(x for x in (override.reviewer, override.date) if x)
            message = (
                f"{where}review of {override.item} ({who or 'no reviewer'}: {override.status}) not applied, "
                f"re-review it: {'; '.join(messages)}"
            )
            problems.append(Problem(override.jurisdiction, source_name, "warning", message))
            continue
        changed[key] = replace(cell, status=override.status, reviewed=True, reason=reviewed_reason(override, cell))  # type: ignore[arg-type]
    return [changed.get((c.jurisdiction, c.item), c) for c in cells], reviews, problems


def reviewed_reason(override: Override, cell: Cell) -> str:
    """The reason of a reviewed cell: the reviewer's words, then the tool's verdict and reason."""
    who = " on ".join(x for x in (override.reviewer or "a reviewer", override.date) if x)
    comment = f": {override.comment}" if override.comment else ""
    return f"Reviewed by {who}{comment} (tool: {cell.status}; {cell.reason})"


def draft_from_out_dir(
    out_dir: Path, jurisdiction: str, item: str, status: str, comment: str = "", reviewer: str = "", date: str = ""
) -> Override:
    """An override of one cell of a finished scan, recording the evidence its ``evidence.csv`` shows.

    Raises:
        AnalyserError: when the folder is not a scan's output or has no such cell.
    """
    from .results import load_cells

    if status not in STATUSES:
        raise OverrideError(f"status {status!r} must be one of {', '.join(STATUSES)}")
    if date:
        try:
            Date.fromisoformat(date)
        except ValueError as err:
            raise OverrideError(f"date {date!r} is not YYYY-MM-DD") from err
    cells = [c for c in load_cells(out_dir) if c.jurisdiction == jurisdiction and c.item == item]
    if not cells:
        raise OverrideError(f"no cell {jurisdiction}/{item} in {str(out_dir)!r}")
    wanted = {ev.provision_id for ev in cells[0].evidence}
    provisions: dict[str, Provision] = {}
    path = Path(out_dir) / "provisions.csv"
    if path.is_file():
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["provision_id"] in wanted:
                    provisions[row["provision_id"]] = Provision(
                        row["provision_id"], row["jurisdiction"], row["document"], row["provision"], row["kind"], "",
                        row["heading"], (), row["parent_id"] or None, row["text"], 0, 0, 0, 0,
                    )
    return draft_override(cells[0], provisions, status, comment, reviewer, date)


def append_override(path: Path, override: Override) -> None:
    """Add ``override`` at the end of ``path`` (created with its header when missing)."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        path.write_bytes(overrides_csv([override]))
        return
    with path.open("a", encoding="utf-8", newline="") as handle:
        if not path.read_bytes().endswith(b"\n"):
            handle.write("\n")
        csv.writer(handle, lineterminator="\n").writerow(override.row())
