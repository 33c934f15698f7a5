"""Read a finished scan's output folder back into cells (for ``explain`` and ``diff``)."""

from __future__ import annotations

import csv
from pathlib import Path

csv.field_size_limit(2**31 - 1)  # provision texts can exceed the 128 KiB default

from .errors import AnalyserError
from .models import Cell, Evidence


def load_cells(out_dir: Path) -> list[Cell]:
    """The cells of a scan, rebuilt from its ``evidence.csv``.

    Raises:
        AnalyserError: when ``out_dir`` holds no ``evidence.csv``.
    """
    path = Path(out_dir) / "evidence.csv"
    if not path.is_file():
        raise AnalyserError(f"{str(out_dir)!r} has no evidence.csv: is it the --out folder of a tipgap scan?")
    grouped: dict[tuple[str, str], list[dict[str, str]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            grouped.setdefault((row["jurisdiction"], row["item"]), []).append(row)
    cells = []
    for (jurisdiction, item), rows in grouped.items():
        first = rows[0]
        evidence = tuple(
            Evidence(r["document"], int(r["page"] or 0), r["provision"], r["quote"], r.get("provision_id", ""))
            for r in rows
            if r["document"]
        )
        cells.append(
            Cell(jurisdiction, item, first["status"], float(first["confidence"] or 0), first["reason"], evidence,  # type: ignore[arg-type]
                 reviewed=first.get("reviewed") == "yes")
        )
    return cells
