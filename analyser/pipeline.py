"""The per-document stages in one function: extract -> segment -> tag.

``process_document`` is a pure function of the source file, the settings and the data
files, so it can be cached by content hash, run in a worker process or on a Dask worker.
It never raises for a bad file: problems come back as values in the result.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from .errors import AnalyserError
from .models import Document, DocumentHealth, DocumentResult, Problem, Source
from .segment import segment
from .tag import tag_provisions

log = logging.getLogger(__name__)

ASSESSED_LANGUAGES = frozenset({"en", "und", ""})  # English, or too little text to tell


def is_assessable(language: str) -> bool:
    """Can the (English) checklist patterns read a document in ``language``?"""
    return language in ASSESSED_LANGUAGES


@dataclass(frozen=True)
class PipelineSettings:
    """Settings of the per-document stages (passed to worker processes as is)."""

    ocr: bool = True
    extract: dict[str, object] = field(default_factory=dict)


def process_document(source: Source, settings: PipelineSettings | None = None) -> DocumentResult:
    """Extract, segment and tag one source file.

    Args:
        source: the file, as the ingest stage found it.
        settings: per-document settings; defaults when omitted.

    Returns:
        A :class:`DocumentResult`; a file that cannot be read gives a result with no
        provisions and a problem that says why.
    """
    settings = settings or PipelineSettings()
    problems: list[Problem] = []
    try:
        document, extract_problems = _extract(source, settings)
        problems += extract_problems
        if document is None:
            return _empty(source, problems)
        provisions, segment_problems = segment(document)
        problems += segment_problems
        tags = tag_provisions(provisions) if is_assessable(document.health.language) else []
        return DocumentResult(
            source=source,
            health=document.health,
            page_starts=document.page_starts,
            page_numbers=tuple(p.number for p in document.pages),
            ocr_pages=tuple(p.number for p in document.pages if p.ocr),
            provisions=tuple(provisions),
            tags=tuple(tags),
            problems=tuple(problems),
        )
    except (AnalyserError, MemoryError, RecursionError, ValueError, OSError) as err:
        log.debug("processing %s failed", source.path, exc_info=True)
        problems.append(Problem(source.jurisdiction, source.name, "error", f"could not process the file: {err}"))
        return _empty(source, problems)


def _extract(source: Source, settings: PipelineSettings) -> tuple[Document | None, list[Problem]]:
    from .extract import ExtractSettings, extract  # imported late: pdf libraries are heavy

    extract_settings = ExtractSettings(**settings.extract) if settings.extract else ExtractSettings()
    return extract(source, extract_settings)


def _empty(source: Source, problems: list[Problem]) -> DocumentResult:
    return DocumentResult(
        source=source,
        health=DocumentHealth(),
        page_starts=(),
        page_numbers=(),
        ocr_pages=(),
        provisions=(),
        tags=(),
        problems=tuple(problems),
    )
