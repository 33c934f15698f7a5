"""``tipgap diff OLD_OUT NEW_OUT``: what changed between two scans (e.g. before and after a reform).

Each (jurisdiction, item) cell of the two runs is compared: a cell is *gained* when its status
rises (not found < partial < met), *lost* when it falls, and *changed* when the status stays but
the evidence (document, provision, quote), the reason or the confidence differ. Page numbers are
ignored: a re-paginated print of the same text is not a change of the law. Cells of a
jurisdiction present in only one run are *added* or *removed*.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .knowledge import Checklist
from .models import Cell, Evidence
from .results import load_cells

RANK = {"not_found": 0, "partial": 1, "met": 2}
KINDS = ("gained", "lost", "changed", "added", "removed")


@dataclass(frozen=True)
class CellChange:
    """One cell that differs between two runs, with the evidence that came and went."""

    jurisdiction: str
    item: str
    kind: str  # one of KINDS
    old_status: str
    new_status: str
    old_reason: str
    new_reason: str
    evidence_added: tuple[Evidence, ...] = ()
    evidence_removed: tuple[Evidence, ...] = ()


def evidence_key(ev: Evidence) -> tuple[str, str, str]:
    return (ev.document, ev.provision_id or ev.provision, ev.quote)


def compare_cells(old: Sequence[Cell], new: Sequence[Cell], checklist: Checklist) -> list[CellChange]:
    """The cells that differ between ``old`` and ``new``, in jurisdiction and checklist order."""
    old_by = {(c.jurisdiction, c.item): c for c in old}
    new_by = {(c.jurisdiction, c.item): c for c in new}
    old_jur = {c.jurisdiction for c in old}
    new_jur = {c.jurisdiction for c in new}
    order = {item: n for n, item in enumerate(checklist.ids)}
    changes = []
    for key in sorted(old_by.keys() | new_by.keys(), key=lambda k: (k[0], order.get(k[1], len(order)), k[1])):
        a, b = old_by.get(key), new_by.get(key)
        change = _compare(key, a, b, key[0] not in old_jur, key[0] not in new_jur)
        if change is not None:
            changes.append(change)
    return changes


def _compare(key: tuple[str, str], a: Cell | None, b: Cell | None, added: bool, removed: bool) -> CellChange | None:
    a_ev = {evidence_key(ev): ev for ev in (a.evidence if a else ())}
    b_ev = {evidence_key(ev): ev for ev in (b.evidence if b else ())}
    gone = tuple(ev for k, ev in a_ev.items() if k not in b_ev)
    came = tuple(ev for k, ev in b_ev.items() if k not in a_ev)
    a_status = a.status if a else "not_found"
    b_status = b.status if b else "not_found"
    if added or a is None:
        kind = "added"
    elif removed or b is None:
        kind = "removed"
    elif RANK[b_status] > RANK[a_status]:
        kind = "gained"
    elif RANK[b_status] < RANK[a_status]:
        kind = "lost"
    elif gone or came or a.reason != b.reason or f"{a.confidence:.2f}" != f"{b.confidence:.2f}":
        kind = "changed"
    else:
        return None
    return CellChange(key[0], key[1], kind, a_status if a else "", b_status if b else "", a.reason if a else "",
                      b.reason if b else "", came, gone)


def diff_runs(old_dir: Path, new_dir: Path, checklist: Checklist) -> list[CellChange]:
    """Compare the output folders of two scans.

    Raises:
        AnalyserError: when either folder holds no ``evidence.csv``.
    """
    return compare_cells(load_cells(old_dir), load_cells(new_dir), checklist)


def format_changes(changes: Sequence[CellChange], checklist: Checklist, old: str, new: str) -> str:
    """A readable report of ``changes``, grouped by kind."""
    counts = ", ".join(f"{sum(1 for c in changes if c.kind == k)} {k}" for k in KINDS)
    lines = [f"{old} -> {new}: {counts}."]
    if not changes:
        lines.append("No cell changed.")
    for kind in KINDS:
        group = [c for c in changes if c.kind == kind]
        if not group:
            continue
        lines.append("")
        lines.append(f"{kind.capitalize()} ({len(group)}):")
        for c in group:
            item = checklist.item(c.item) if c.item in checklist.ids else None
            title = f"{item.number}. {c.item}" if item else c.item
            lines.append(f"  {c.jurisdiction}  {title}: {c.old_status or '-'} -> {c.new_status or '-'}")
            if c.old_reason != c.new_reason and kind not in ("added", "removed"):
                lines.append(f"      was: {c.old_reason}")
                lines.append(f"      now: {c.new_reason}")
            for sign, evidence in (("+", c.evidence_added), ("-", c.evidence_removed)):
                for ev in evidence:
                    lines.append(f"      {sign} {ev.document}, page {ev.page}, {ev.provision}: \"{_short(ev.quote)}\"")
    return "\n".join(lines)


def _short(quote: str, limit: int = 160) -> str:
    return quote if len(quote) <= limit else quote[: limit - 1] + "…"


def changes_json(changes: Sequence[CellChange]) -> str:
    """``changes`` as JSON (for other programs), deterministic."""
    def ev(e: Evidence) -> dict[str, object]:
        return {"document": e.document, "page": e.page, "provision": e.provision, "provision_id": e.provision_id,
                "quote": e.quote}

    records = [{
        "jurisdiction": c.jurisdiction, "item": c.item, "kind": c.kind, "old_status": c.old_status,
        "new_status": c.new_status, "old_reason": c.old_reason, "new_reason": c.new_reason,
        "evidence_added": [ev(e) for e in c.evidence_added], "evidence_removed": [ev(e) for e in c.evidence_removed],
    } for c in changes]
    return json.dumps(records, indent=1, sort_keys=True, ensure_ascii=False)
