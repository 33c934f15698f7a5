"""Per-file limits: each document runs in a forked child with a time and memory budget.

A statute folder may hold a file crafted to attack PDF parsers, a 2,000-page consolidation
or a page whose content stream never ends. :func:`run_limited` runs the per-document stages
(:func:`analyser.pipeline.process_document`) in a child process of the calling process:

- the child gets an address-space limit (``RLIMIT_AS``) of its parent's current size plus
  ``FileLimits.memory_mb``, so an allocation bomb ends in ``MemoryError`` or the child's
  death, never in the machine swapping;
- the parent waits at most ``FileLimits.timeout_s`` seconds, then kills the child's whole
  process group (Tesseract included);
- the child sends its result back as JSON (the cache's typed encoding), never pickle, so a
  parser exploited inside the child cannot make the parent run code by what it sends back;
- a child that crashes (a segfault in a C parser) or is killed becomes a problem row.

Forking shares the parent's loaded tagging model copy-on-write, so a worker loads the model
once however many documents it runs. Where ``os.fork`` does not exist the documents run in
this process without limits (and a warning says so).
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import json
import logging
import os
import selectors
import signal
import time
from dataclasses import dataclass

from .errors import AnalyserError
from .models import DocumentHealth, DocumentResult, Problem, Source
from .pipeline import PipelineSettings, process_document, resolve_model
from .rules import default_tagger

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 1800.0  # a 2,000-page act with text takes ~1-2 min; scanned pages OCR at ~2-5 s each
DEFAULT_MEMORY_MB = 3072  # on top of the worker's own footprint; a 1,000-page act needs ~300 MB
READ_CHUNK = 1 << 16
CHILD_FAILED = 70  # exit status of a child whose pipeline raised an unexpected exception
_PR_SET_PDEATHSIG = 1  # prctl option: a signal for the child when its parent dies (Linux)


class LimitError(AnalyserError):
    """Invalid per-file limits."""


@dataclass(frozen=True)
class FileLimits:
    """How long and how much memory one file may take (0 = no limit)."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_mb: int = DEFAULT_MEMORY_MB

    def __post_init__(self) -> None:
        if self.timeout_s < 0 or self.memory_mb < 0:
            raise LimitError("per-file limits must be 0 (no limit) or positive")

    @property
    def active(self) -> bool:
        return self.timeout_s > 0 or self.memory_mb > 0


NO_LIMITS = FileLimits(0, 0)


@dataclass(frozen=True)
class Outcome:
    """A document's result, and whether it is complete (only complete results are cached)."""

    result: DocumentResult
    complete: bool = True


def run_limited(
    source: Source, settings: PipelineSettings | None, limits: FileLimits, prepared: DocumentResult | None = None,
) -> Outcome:
    """Run the per-document stages on ``source`` within ``limits`` (only tagging with ``prepared``,
    see :func:`analyser.pipeline.process_document`).

    Never raises for a bad file: a file over its limits, or whose processing crashes,
    comes back as an incomplete :class:`Outcome` with one problem that says why.

    Raises:
        ModelError: the named tagging model cannot be loaded (a settings error, before forking).
    """
    settings = settings or PipelineSettings()
    if not limits.active:
        return Outcome(process_document(source, settings, prepared=prepared))
    if not hasattr(os, "fork"):
        log.warning("per-file limits need os.fork, which this platform lacks: %s runs without them", source.name)
        return Outcome(process_document(source, settings, prepared=prepared))
    # load the model and build the rule tagger (spaCy) once, before forking: the children share
    # them; built in each child they would cost one to two seconds per document
    resolve_model(settings.model)
    default_tagger()
    return _fork_and_wait(source, settings, limits, prepared)


def _fork_and_wait(
    source: Source, settings: PipelineSettings, limits: FileLimits, prepared: DocumentResult | None = None,
) -> Outcome:
    read_end, write_end = os.pipe()
    baseline = _address_space_bytes()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(source, settings, limits, baseline, write_end, prepared)
    os.close(write_end)
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)  # also done by the child: whichever runs first
    started = time.monotonic()
    try:
        payload, timed_out = _read_until(read_end, limits.timeout_s, started)
    except BaseException:  # interrupted (Ctrl-C, a cancelled worker): the child must not outlive us
        _kill_group(pid)
        _reap(pid)
        raise
    finally:
        os.close(read_end)
    if timed_out:
        _kill_group(pid)
    status = _reap(pid)
    elapsed = time.monotonic() - started
    if timed_out:
        return _failed(source, f"stopped after {elapsed:.0f} s: the per-file time limit is {limits.timeout_s:g} s "
                               "(--file-timeout; raise it for a very large or scanned act)")
    return _decode_outcome(source, payload, status, limits)


def _child(
    source: Source, settings: PipelineSettings, limits: FileLimits, baseline: int, write_end: int,
    prepared: DocumentResult | None = None,
) -> None:
    """Run the document, write its result as JSON to ``write_end`` and exit."""
    code = 0
    try:
        with contextlib.suppress(OSError):
            os.setpgid(0, 0)  # its own process group: a timeout kills Tesseract too
        _die_with_parent()
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        faulthandler.disable()  # a crash is reported by the parent, as one problem row
        if limits.memory_mb:
            _limit_address_space(baseline + limits.memory_mb * 1024 * 1024)
        from .cache import encode

        result = process_document(source, settings, raise_memory_error=True, prepared=prepared)
        data = json.dumps({"result": encode(result)}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        _write_all(write_end, data)
    except MemoryError:
        code = CHILD_FAILED + 1
    except BaseException as err:  # noqa: BLE001 -- reported by the parent from the exit status
        with contextlib.suppress(BaseException):
            _write_all(write_end, json.dumps({"error": f"{type(err).__name__}: {err}"}).encode("utf-8"))
        code = CHILD_FAILED
    finally:
        os._exit(code)  # no atexit handlers, no flushing of the parent's buffers


def _read_until(fd: int, timeout_s: float, started: float) -> tuple[bytes, bool]:
    """Everything written to ``fd`` until the writer closes it, or (partial, True) on timeout."""
    chunks: list[bytes] = []
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while True:
            wait = None
            if timeout_s:
                wait = timeout_s - (time.monotonic() - started)
                if wait <= 0:
                    return b"".join(chunks), True
            if not selector.select(wait):
                continue  # the loop re-checks the deadline
            chunk = os.read(fd, READ_CHUNK)
            if not chunk:
                return b"".join(chunks), False
            chunks.append(chunk)


def _decode_outcome(source: Source, payload: bytes, status: int, limits: FileLimits) -> Outcome:
    from .cache import decode

    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else str(number)
        hint = " (probably over the per-file memory limit, --file-memory)" if number == signal.SIGKILL else ""
        return _failed(source, f"processing crashed with signal {name}{hint}; the file may be malformed or hostile")
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    if code == CHILD_FAILED + 1:
        return _failed(source, f"stopped: over the per-file memory limit of {limits.memory_mb} MB (--file-memory)")
    try:
        data = json.loads(payload.decode("utf-8")) if payload else {}
    except (UnicodeError, ValueError):
        data = {}
    if code == 0 and isinstance(data, dict) and "result" in data:
        try:
            return Outcome(decode(DocumentResult, data["result"]))
        except (TypeError, ValueError, KeyError) as err:
            return _failed(source, f"could not read the result of processing the file: {err}")
    error = data.get("error") if isinstance(data, dict) else None
    return _failed(source, f"could not process the file: {error or f'the worker exited with status {code}'}")


def _failed(source: Source, message: str) -> Outcome:
    problem = Problem(source.jurisdiction, source.name, "error", message)
    empty = DocumentResult(source=source, health=DocumentHealth(), page_starts=(), page_numbers=(), ocr_pages=(),
                           provisions=(), tags=(), problems=(problem,))
    return Outcome(empty, complete=False)


# ------------------------------------------------------------ process plumbing


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    os.close(fd)


def _address_space_bytes() -> int:
    """This process's current virtual size (Linux ``/proc``; 0 where unknown)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_address_space(limit: int) -> None:
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _die_with_parent() -> None:
    """Ask Linux to kill this child if the parent dies (best effort elsewhere)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _kill_group(pid: int) -> None:
    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            kill()


def _reap(pid: int) -> int:
    """Wait for the child; kill it first if the parent is interrupted while waiting."""
    try:
        return os.waitpid(pid, 0)[1]
    except BaseException:
        _kill_group(pid)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        raise
