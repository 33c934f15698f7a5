"""Factories for tests: documents and per-document results built from short texts."""

from __future__ import annotations

import hashlib
from pathlib import Path

from analyser.models import Document, DocumentHealth, DocumentResult, Page, Source
from analyser.segment import segment
from analyser.tag import tag_provisions


def source(jurisdiction: str, name: str, text: str = "", kind: str = "txt") -> Source:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Source(jurisdiction, Path("/nonexistent") / jurisdiction / name, name, kind, digest, len(text))


def document(jurisdiction: str, name: str, *pages: str) -> Document:
    src = source(jurisdiction, name, "".join(pages))
    health = DocumentHealth(pages=len(pages), chars_kept=sum(len(p) for p in pages), extractor="test")
    return Document(src, tuple(Page(i + 1, text) for i, text in enumerate(pages)), health)


def result(jurisdiction: str, name: str, *pages: str) -> DocumentResult:
    """Segment and tag a document made of ``pages`` (no extraction involved)."""
    doc = document(jurisdiction, name, *pages)
    provisions, problems = segment(doc)
    return DocumentResult(
        source=doc.source,
        health=doc.health,
        page_starts=doc.page_starts,
        page_numbers=tuple(p.number for p in doc.pages),
        ocr_pages=(),
        provisions=tuple(provisions),
        tags=tuple(tag_provisions(provisions)),
        problems=tuple(problems),
    )
