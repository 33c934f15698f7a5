"""Stage 6: write the outputs, atomically and deterministically.

Everything is first written into a fresh sibling folder of ``OUT_DIR``; only when every
file is complete does that folder replace ``OUT_DIR`` (two renames). An interrupted scan
therefore never leaves a half-written CSV, and a previous ``OUT_DIR`` stays intact until
the new one is whole. CSVs use ``\\n`` line ends and a fixed row order, so the same input
gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .errors import OutputError

RUN_MARKER = ".tipgap-run"  # marks a folder as tipgap output, which a new scan may replace


def csv_bytes(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """A CSV file's bytes: header, then rows; UTF-8, ``\\n`` line ends, minimal quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def check_out_dir(out_dir: Path, force: bool = False) -> None:
    """Refuse to replace a folder that is not tipgap output, unless ``force``.

    Raises:
        OutputError: when ``out_dir`` is a file, or a non-empty folder that a previous
            scan did not write and ``force`` is false.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"--out {str(out_dir)!r} is a file, not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / RUN_MARKER).exists() and not force:
        raise OutputError(
            f"--out {str(out_dir)!r} is a non-empty folder that tipgap did not write; use --force to replace it"
        )


def write_outputs(out_dir: Path, files: dict[str, bytes | Callable[[Path], None]], force: bool = False) -> None:
    """Write ``files`` (name -> bytes, or a function that writes the file at a path) as ``out_dir``.

    The previous content of ``out_dir`` is replaced only once every new file is written.
    """
    out_dir = Path(out_dir)
    check_out_dir(out_dir, force)
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=parent))
    try:
        for name, content in sorted(files.items()):
            target = staging / name
            if callable(content):
                content(target)
            else:
                target.write_bytes(content)
        (staging / RUN_MARKER).write_text("written by tipgap\n", encoding="utf-8")
        _fsync_dir(staging)
        _swap(staging, out_dir.resolve())
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    os.rmdir(retired)
    os.replace(out_dir, retired)
    try:
        os.replace(staging, out_dir)
    except OSError:
        os.replace(retired, out_dir)  # put the previous output back
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    for child in path.iterdir():
        if child.is_file():
            with child.open("rb") as handle:
                os.fsync(handle.fileno())
