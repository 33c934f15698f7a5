"""Plain dataclasses passed between the pipeline stages.

The flow is ``Source -> Document -> Provision -> Tag -> Cell``. Every record keeps
offsets back into the text of the stage before it, so that any quote the tool prints
can be found again on its page and highlighted.

Offsets: ``Document.text`` is the concatenation of the body text of its pages, each
page followed by a single ``"\\n"``; ``Document.page_starts[i]`` is the offset of page
``i + 1``. Provision and tag offsets are offsets into ``Document.text``.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning", "info"]
Status = Literal["met", "partial", "not_found"]
STATUSES: tuple[str, ...] = ("met", "partial", "not_found")


@dataclass(frozen=True)
class Source:
    """One input file, as found by the ingest stage."""

    jurisdiction: str
    path: Path  # absolute path on disk
    name: str  # path relative to the jurisdiction folder, as given ("document" in outputs)
    kind: str  # "pdf" | "txt" | "md" | "html"
    sha256: str
    size: int


@dataclass(frozen=True)
class Problem:
    """A file-level problem. Problems are values: they never stop the batch."""

    jurisdiction: str
    document: str
    severity: Severity
    message: str


@dataclass(frozen=True)
class Page:
    """The body text of one page, after header/footer removal and clean-up.

    ``notes`` holds margin notes and footnotes kept apart from the body text.
    """

    number: int  # 1-based
    text: str
    ocr: bool = False
    notes: str = ""


@dataclass(frozen=True)
class DocumentHealth:
    """Parse-health record of one document (written to ``documents.csv``)."""

    pages: int = 0
    pages_ocr: int = 0
    chars_layer: int = 0  # characters on the PDF text layer (or in the text file)
    chars_kept: int = 0  # characters in the body text handed to segmentation
    header_footer_lines_removed: int = 0
    extractor: str = ""
    language: str = "en"
    title: str = ""


@dataclass(frozen=True)
class Document:
    """The extracted text of one source, with its page map."""

    source: Source
    pages: tuple[Page, ...]
    health: DocumentHealth = field(default_factory=DocumentHealth)

    @property
    def text(self) -> str:
        return "".join(p.text + "\n" for p in self.pages)

    @property
    def page_starts(self) -> tuple[int, ...]:
        starts, pos = [], 0
        for p in self.pages:
            starts.append(pos)
            pos += len(p.text) + 1
        return tuple(starts)

    def page_at(self, offset: int) -> int:
        """1-based page number of the character at ``offset`` of ``text``."""
        if not self.pages:
            return 1
        index = bisect.bisect_right(self.page_starts, offset) - 1
        return self.pages[max(index, 0)].number


@dataclass(frozen=True)
class Provision:
    """One addressable unit of a statute: a node of its hierarchy.

    ``char_start``/``char_end`` cover the whole node, children included. The
    characters of a node that no child covers are its own text; every character of
    the document's body text is the own text of exactly one provision.
    """

    id: str  # stable: "<JUR>/<document stem>/<path joined by '/'>"
    jurisdiction: str
    document: str
    citation: str  # as the statute writes it: "s. 360C(1)(a)", "Article 150", "Section 17"
    kind: str  # preamble|part|chapter|division|subdivision|title|section|article|
    #            subsection|paragraph|subparagraph|definition|schedule|heading
    label: str  # the number as printed: "360C", "150", "(1)", "(a)"; a definition's term
    heading: str
    path: tuple[str, ...]
    parent_id: str | None
    text: str  # document.text[char_start:char_end]
    char_start: int
    char_end: int
    page_start: int
    page_end: int
    amends: str = ""  # "Act 670 s. 2" when this text inserts/replaces/amends another act's provision
    act: str = ""  # short title of the act the provision belongs to, when known


@dataclass(frozen=True)
class Tag:
    """A tag on a provision, from a rule pattern or from the trained model."""

    provision_id: str
    tag: str
    score: float  # 0..1
    source: Literal["rule", "model", "rule+model"]
    start: int = -1  # offsets of the matched words in Document.text, -1 when none
    end: int = -1
    pattern_id: str = ""
    negated: bool = False


@dataclass(frozen=True)
class Evidence:
    """One quoted span backing a coverage cell."""

    document: str
    page: int
    provision: str  # citation
    quote: str  # verbatim from the document text
    provision_id: str = ""
    tags: tuple[str, ...] = ()
    start: int = -1
    end: int = -1
    score: float = 0.0


@dataclass(frozen=True)
class Cell:
    """One (jurisdiction, checklist item) verdict."""

    jurisdiction: str
    item: str
    status: Status
    confidence: float
    reason: str
    evidence: tuple[Evidence, ...] = ()
    reviewed: bool = False


@dataclass(frozen=True)
class DocumentResult:
    """Everything the per-document stages (extract, segment, tag) produce for one source.

    This is the unit that is cached, sent between processes and handed to the
    jurisdiction-level coverage stage; it holds no spaCy or pdfplumber objects.
    """

    source: Source
    health: DocumentHealth
    page_starts: tuple[int, ...]
    page_numbers: tuple[int, ...]
    ocr_pages: tuple[int, ...]
    provisions: tuple[Provision, ...]
    tags: tuple[Tag, ...]
    problems: tuple[Problem, ...]

    def page_at(self, offset: int) -> int:
        """1-based page number of the character at ``offset`` of the document text."""
        if not self.page_starts:
            return 1
        index = bisect.bisect_right(self.page_starts, offset) - 1
        return self.page_numbers[max(index, 0)]
