"""Stage 5: the coverage matrix, one :class:`Cell` per (jurisdiction, checklist item)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .evaluators import Verdict, evaluate
from .knowledge import Checklist, load_checklist
from .models import Cell, DocumentResult
from .view import JurisdictionView


def build_coverage(
    jurisdictions: Sequence[str], results: Iterable[DocumentResult], checklist: Checklist | None = None
) -> list[Cell]:
    """Code every jurisdiction against every checklist item.

    Args:
        jurisdictions: the jurisdiction codes to code (a jurisdiction with no readable
            document still gets a row of ``not_found`` cells saying so).
        results: the per-document results of every jurisdiction.
        checklist: the checklist; the packaged one when omitted.

    Returns:
        Cells sorted by jurisdiction, then in checklist order.
    """
    checklist = checklist or load_checklist()
    by_jurisdiction: dict[str, list[DocumentResult]] = {j: [] for j in jurisdictions}
    for result in results:
        by_jurisdiction.setdefault(result.source.jurisdiction, []).append(result)
    cells: list[Cell] = []
    for jurisdiction in sorted(by_jurisdiction):
        docs = sorted(by_jurisdiction[jurisdiction], key=lambda r: r.source.name)
        view = JurisdictionView(jurisdiction, docs)
        for item in checklist.items:
            verdict = _unassessable(view) or evaluate(item, view)
            cells.append(
                Cell(
                    jurisdiction=jurisdiction,
                    item=item.id,
                    status=verdict.status,  # type: ignore[arg-type]
                    confidence=round(verdict.confidence, 2),
                    reason=verdict.reason,
                    evidence=tuple(verdict.evidence),
                )
            )
    return cells


def _unassessable(view: JurisdictionView) -> Verdict | None:
    """A verdict for a jurisdiction with no English text to read, else None."""
    if view.results:
        return None
    if view.skipped_languages:
        languages = ", ".join(view.skipped_languages)
        return Verdict(
            "not_found",
            f"Not assessed: the supplied texts are in a language the checklist patterns do not read ({languages}), so "
            "nothing could be found in them; this says nothing about the law itself.",
            [],
            0.0,
        )
    return Verdict(
        "not_found", "Not assessed: no readable statute text was supplied for this jurisdiction, so nothing was found in the supplied texts.", [], 0.0
    )
