"""Stage 1: find the input files of a statute folder.

``INPUT_DIR`` holds one sub-folder per jurisdiction; the folder name is the jurisdiction
code. Every readable file of a supported type below it (sub-folders included) becomes a
:class:`Source`. Anything else becomes a :class:`Problem`: the batch never stops here.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import AnalyserError
from .models import Problem, Source

SUPPORTED_KINDS = {".pdf": "pdf", ".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}
HASH_CHUNK = 1 << 20
OUTSIDE_MESSAGE = "skipped: symbolic link to a file or folder outside INPUT_DIR (copy the file in to scan it)"
MAX_DEPTH = 8  # sub-folder depth below a jurisdiction folder; guards against deep trees


@dataclass
class Inventory:
    """What the ingest stage found."""

    jurisdictions: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def ingest(input_dir: Path) -> Inventory:
    """List the jurisdictions and source files of ``input_dir``.

    Args:
        input_dir: a folder with one sub-folder per jurisdiction.

    Returns:
        An :class:`Inventory`, jurisdictions and sources sorted by name.

    Raises:
        AnalyserError: if ``input_dir`` is not a readable folder (an argument error).
    """
    root = Path(input_dir)
    if not root.is_dir():
        raise AnalyserError(f"INPUT_DIR {str(root)!r} is not a folder")
    inventory = Inventory()
    try:
        entries = sorted(root.iterdir(), key=lambda p: p.name)
    except OSError as err:
        raise AnalyserError(f"cannot read INPUT_DIR {str(root)!r}: {err.strerror}") from err
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if outside(entry, root):
            inventory.problems.append(Problem(entry.name, "", "warning", OUTSIDE_MESSAGE))
        elif entry.is_dir():
            _ingest_jurisdiction(entry, inventory, root)
        else:
            inventory.problems.append(
                Problem("", entry.name, "warning", "skipped: files must sit in a jurisdiction sub-folder")
            )
    if not inventory.jurisdictions:
        raise AnalyserError(f"INPUT_DIR {str(root)!r} has no jurisdiction sub-folders")
    return inventory


def _ingest_jurisdiction(folder: Path, inventory: Inventory, root: Path) -> None:
    jurisdiction = folder.name
    inventory.jurisdictions.append(jurisdiction)
    candidates: list[Source] = []
    for path, name in _walk(folder, jurisdiction, inventory, root):
        kind = SUPPORTED_KINDS.get(path.suffix.lower())
        if kind is None:
            inventory.problems.append(
                Problem(jurisdiction, name, "info", f"skipped: {path.suffix or 'no extension'} is not a supported file type")
            )
            continue
        try:
            size = path.stat().st_size
            digest = file_sha256(path)
        except OSError as err:
            inventory.problems.append(Problem(jurisdiction, name, "error", f"unreadable file: {err.strerror}"))
            continue
        candidates.append(Source(jurisdiction, path.resolve(), name, kind, digest, size))
    keepers = _originals(candidates)
    for source in candidates:
        original = keepers[source.sha256]
        if original is source:
            inventory.sources.append(source)
        else:
            inventory.problems.append(
                Problem(jurisdiction, source.name, "warning", f"skipped: duplicate of {original.name} (same bytes)")
            )
    if not candidates:
        inventory.problems.append(Problem(jurisdiction, "", "warning", "jurisdiction folder has no readable statute files"))


def _originals(sources: list[Source]) -> dict[str, Source]:
    """For each content hash, the file to read: the shortest name, then the first in order, so
    that "act.pdf" is read and "act (1).pdf" or "copy of act.pdf" is reported as its duplicate."""
    keepers: dict[str, Source] = {}
    for source in sources:
        kept = keepers.get(source.sha256)
        if kept is None or len(source.name) < len(kept.name):
            keepers[source.sha256] = source
    return keepers


def outside(path: Path, root: Path) -> bool:
    """Is ``path`` a symbolic link that leads out of the input folder ``root``?"""
    if not path.is_symlink():
        return False
    try:
        return not path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a loop: reported where it is walked
        return False


def _walk(folder: Path, jurisdiction: str, inventory: Inventory, root: Path) -> list[tuple[Path, str]]:
    """Files below ``folder`` in sorted order, without following symbolic-link loops or links
    that lead out of the input folder (a shared or unpacked folder must not make the scan
    read, and quote in its outputs, files elsewhere on the machine)."""
    files: list[tuple[Path, str]] = []
    visited: set[tuple[int, int]] = set()

    def visit(directory: Path, depth: int) -> None:
        try:
            stat = directory.stat()
        except OSError as err:
            inventory.problems.append(
                Problem(jurisdiction, _relative(directory, folder), "error", f"unreadable folder: {err.strerror}")
            )
            return
        key = (stat.st_dev, stat.st_ino)
        if key in visited or depth > MAX_DEPTH:
            inventory.problems.append(
                Problem(jurisdiction, _relative(directory, folder), "warning", "skipped: folder loop or too deep")
            )
            return
        visited.add(key)
        try:
            children = sorted(directory.iterdir(), key=lambda p: p.name)
        except OSError as err:
            inventory.problems.append(
                Problem(jurisdiction, _relative(directory, folder), "error", f"unreadable folder: {err.strerror}")
            )
            return
        for child in children:
            if child.name.startswith("."):
                continue
            name = _relative(child, folder)
            if outside(child, root):
                inventory.problems.append(Problem(jurisdiction, name, "warning", OUTSIDE_MESSAGE))
            elif child.is_symlink() and not child.exists():
                inventory.problems.append(Problem(jurisdiction, name, "error", "broken or looping symbolic link"))
            elif child.is_dir():
                visit(child, depth + 1)
            elif child.is_file():
                files.append((child, name))
            else:
                inventory.problems.append(Problem(jurisdiction, name, "warning", "skipped: not a regular file"))

    visit(folder, 0)
    return files


def _relative(path: Path, folder: Path) -> str:
    return os.path.relpath(path, folder).replace(os.sep, "/")
