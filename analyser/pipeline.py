"""The per-document stages in one function: extract -> segment -> tag.

``process_document`` is a pure function of the source file, the settings and the data
files, so it can be cached by content hash, run in a worker process or on a Dask worker.
It never raises for a bad file: problems come back as values in the result.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import AnalyserError
from .models import Document, DocumentHealth, DocumentResult, Problem, Source
from .segment import segment
from .tag import tag_provisions

if TYPE_CHECKING:
    from .classify import TagModel

log = logging.getLogger(__name__)

ASSESSED_LANGUAGES = frozenset({"en", "und", ""})  # English, or too little text to tell
DEFAULT_MODEL = "default"  # the model shipped in the package (models/tagger), when present
NO_MODEL = "none"  # rules only


def is_assessable(language: str) -> bool:
    """Can the (English) checklist patterns read a document in ``language``?"""
    return language in ASSESSED_LANGUAGES


@dataclass(frozen=True)
class PipelineSettings:
    """Settings of the per-document stages (passed to worker processes as is)."""

    ocr: bool = True
    extract: dict[str, object] = field(default_factory=dict)
    model: str = DEFAULT_MODEL  # "default", "none" (rules only) or the path of a model folder


def resolve_model(model: str) -> TagModel | None:
    """The tagging model a setting names, loaded once per process.

    Raises:
        ModelError: the named model is missing or was made by incompatible versions
            (the shipped model being absent only means rules only).
    """
    from .classify import META_FILE, cached_model, default_model_dir

    if model in ("", NO_MODEL):
        return None
    if model == DEFAULT_MODEL:
        directory = default_model_dir()
        if not (directory / META_FILE).is_file():
            log.info("no shipped model at %s: tagging with the rules only", directory)
            return None
        return cached_model(str(directory))
    return cached_model(str(Path(model)))


def process_document(
    source: Source, settings: PipelineSettings | None = None, *, raise_memory_error: bool = False,
    prepared: DocumentResult | None = None,
) -> DocumentResult:
    """Extract, segment and tag one source file.

    Args:
        source: the file, as the ingest stage found it.
        settings: per-document settings; defaults when omitted.
        raise_memory_error: let ``MemoryError`` through (a child process under a memory limit
            reports it itself, so that the incomplete result is not cached).
        prepared: the file's extracted and segmented result from the cache (its tags are
            ignored): only the tagging stage runs (after a change of the model or patterns).

    Returns:
        A :class:`DocumentResult`; a file that cannot be read gives a result with no
        provisions and a problem that says why.
    """
    settings = settings or PipelineSettings()
    model = resolve_model(settings.model)  # a model error stops the run: it is a settings error
    problems: list[Problem] = []
    try:
        if prepared is not None:
            assessable = is_assessable(prepared.health.language)
            tags = tag_provisions(list(prepared.provisions), model=model) if assessable else []
            return replace(prepared, source=source, tags=tuple(tags))
        document, extract_problems = _extract(source, settings)
        problems += extract_problems
        if document is None:
            return _empty(source, problems)
        provisions, segment_problems = segment(document)
        problems += segment_problems
        tags = tag_provisions(provisions, model=model) if is_assessable(document.health.language) else []
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
    except MemoryError:
        if raise_memory_error:
            raise
        problems.append(Problem(source.jurisdiction, source.name, "error", "ran out of memory processing the file"))
        return _empty(source, problems)
    except (AnalyserError, RecursionError, ValueError, OSError) as err:
        log.debug("processing %s failed", source.path, exc_info=True)
        problems.append(Problem(source.jurisdiction, source.name, "error", f"could not process the file: {err}"))
        return _empty(source, problems)
    except Exception as err:  # noqa: BLE001 -- a parser bug on one file must not stop the batch
        log.warning("unexpected error processing %s", source.path, exc_info=True)
        problems.append(Problem(source.jurisdiction, source.name, "error",
                                f"could not process the file (unexpected {type(err).__name__}: {err})"))
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
