"""Stage 6: write the outputs, atomically and deterministically.

Everything is first written into a fresh sibling folder of ``OUT_DIR``; only when every
file is complete does that folder replace ``OUT_DIR`` (one atomic exchange on Linux, else two
renames). An interrupted or killed scan therefore never leaves a half-written CSV, and a
previous ``OUT_DIR`` stays intact until the new one is whole; the staging folders of killed
scans are removed by the next one. CSVs use ``\\n`` line ends and a fixed row order, so the same input
gives byte-identical files.
"""

from __future__ import annotations

import csv
import ctypes
import io
import os
import shutil
import sys
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
    _remove_stale_staging(parent, out_dir.name)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-{os.getpid()}-", dir=parent))
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
    """Make ``staging`` the new ``out_dir``: one atomic exchange where Linux offers it, so that
    there is no instant at which ``out_dir`` is missing; else two renames."""
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    if _exchange(staging, out_dir):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous output
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


_RENAME_EXCHANGE = 2  # renameat2 flag (Linux >= 3.15)
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with ``renameat2(RENAME_EXCHANGE)``; False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def _remove_stale_staging(parent: Path, name: str) -> None:
    """Remove the staging and retired folders that killed scans left beside ``OUT_DIR``."""
    for leftover in parent.glob(f".{name}.new-*"):
        pid = leftover.name[len(f".{name}.new-"):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)
    for leftover in parent.glob(f".{name}.old-*"):
        if (parent / name).exists():
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(path: Path) -> None:
    for child in path.iterdir():
        if child.is_file():
            with child.open("rb") as handle:
                os.fsync(handle.fileno())
