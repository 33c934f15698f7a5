"""Where the per-document stages run: this process, local worker processes, or a Dask cluster.

:func:`run_sources` is the one entry point. It serves unchanged documents from the
result cache (:mod:`analyser.cache`) first, then runs only the misses (a miss whose
extracted and segmented text is cached, after a change of the model or the patterns, is
only tagged again):

- ``jobs == 1``: in this process;
- ``jobs > 1`` / ``-1``: joblib's loky process pool (documents are dispatched largest
  first, so a big act does not start last and leave the other workers idle);
- ``scheduler="tcp://host:8786"``: on an existing Dask cluster. The client connects with a
  timeout and checks, before any work is sent, that the workers run the same versions of
  Python, dask, distributed and tipgap *and the same tipgap code* (a worker with another
  checkout would give other results, and a worker that cannot import tipgap makes Dask
  wait forever). Inputs must be readable by the workers at the same path (a shared
  filesystem).

Results come back in the order of the sources, whatever the backend, so outputs are
byte-identical between a local and a cluster run. Cache entries are written by this
process only.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .errors import AnalyserError
from .isolation import FileLimits, Outcome, run_limited
from .models import DocumentResult, Source
from .pipeline import PipelineSettings

log = logging.getLogger(__name__)

SCHEDULER_ENV = "TIPGAP_DASK_SCHEDULER"
TIMEOUT_ENV = "TIPGAP_DASK_TIMEOUT"  # seconds to wait for the scheduler and its workers
DEFAULT_CONNECT_TIMEOUT_S = 20.0
DASK_HINT = "install the 'dask' extra: pip install 'tipgap[dask]'"

ProgressHook = Callable[[Source, int, int], None]


class SchedulerError(AnalyserError):
    """The Dask scheduler cannot be used (extra missing, unreachable, or mismatched workers)."""


def scheduler_from_env(value: str | None) -> str | None:
    """The scheduler address: the given one, else ``$TIPGAP_DASK_SCHEDULER``, else None."""
    return value or os.environ.get(SCHEDULER_ENV) or None


def run_sources(
    sources: Sequence[Source],
    settings: PipelineSettings | None = None,
    *,
    jobs: int = 1,
    cache: Any = None,
    scheduler: str | None = None,
    progress: ProgressHook | None = None,
    connect_timeout: float | None = None,
    limits: FileLimits | None = None,
) -> list[DocumentResult]:
    """Results of the per-document stages for every source, in order.

    Args:
        sources: the files to process.
        settings: per-document settings.
        jobs: worker processes when run locally (1 = this process, -1 = all cores).
        cache: a :class:`analyser.cache.ResultCache`, or None for no cache.
        scheduler: a Dask scheduler address to run on instead of local processes.
        progress: called as ``progress(source, done, total)`` after each document.
        connect_timeout: seconds to wait for the Dask scheduler (default ``$TIPGAP_DASK_TIMEOUT``,
            else 20).
        limits: time and memory limits per file (:mod:`analyser.isolation`); defaults when
            omitted. A file over its limits is reported and its result is not cached.

    Raises:
        SchedulerError: the scheduler cannot be used.
    """
    if connect_timeout is None:
        try:
            connect_timeout = float(os.environ.get(TIMEOUT_ENV) or DEFAULT_CONNECT_TIMEOUT_S)
        except ValueError as err:
            raise SchedulerError(f"${TIMEOUT_ENV} must be a number of seconds") from err
    total = len(sources)
    results: list[DocumentResult | None] = [None] * total
    done = 0
    misses: list[int] = []
    prepared: dict[int, DocumentResult] = {}  # misses whose extracted text is cached: tagging only
    for index, source in enumerate(sources):
        hit = cache.get(source) if cache is not None else None
        if hit is None:
            misses.append(index)
            text = cache.get_text(source) if cache is not None else None
            if text is not None:
                prepared[index] = text
            continue
        results[index] = hit
        done += 1
        if progress:
            progress(source, done, total)
    limits = limits if limits is not None else FileLimits()
    for index, outcome in _run(sources, misses, settings, jobs, scheduler, connect_timeout, limits, prepared):
        results[index] = outcome.result
        if cache is not None and outcome.complete:
            cache.put(outcome.result)
        done += 1
        if progress:
            progress(outcome.result.source, done, total)
    assert all(r is not None for r in results)
    return results  # type: ignore[return-value]


def _run(
    sources: Sequence[Source], indices: list[int], settings: PipelineSettings | None, jobs: int,
    scheduler: str | None, connect_timeout: float, limits: FileLimits,
    prepared: dict[int, DocumentResult] | None = None,
) -> Any:
    """Yield ``(index, outcome)`` for the given sources, in any order."""
    if not indices:
        return
    prepared = prepared or {}
    if scheduler:
        yield from _run_dask(sources, indices, settings, scheduler, connect_timeout, limits, prepared)
        return
    if jobs == 1 or len(indices) == 1:
        for index in indices:
            yield index, run_limited(sources[index], settings, limits, prepared.get(index))
        return
    from joblib import Parallel, delayed

    ordered = sorted(indices, key=lambda i: -sources[i].size)  # largest first
    parallel = Parallel(n_jobs=jobs, backend="loky", return_as="generator_unordered", batch_size=1)
    yield from parallel(delayed(_indexed)(i, sources[i], settings, limits, prepared.get(i)) for i in ordered)


def _indexed(
    index: int, source: Source, settings: PipelineSettings | None, limits: FileLimits,
    prepared: DocumentResult | None = None,
) -> tuple[int, Outcome]:
    return index, run_limited(source, settings, limits, prepared)


# ----------------------------------------------------------------------- Dask


def connect(address: str, timeout: float = DEFAULT_CONNECT_TIMEOUT_S) -> Any:
    """A ``distributed.Client`` connected to ``address`` whose workers match this process.

    Raises:
        SchedulerError: the dask extra is missing, the scheduler does not answer in
            ``timeout`` seconds, it has no workers, or the workers differ from this process.
    """
    try:
        from distributed import Client
    except ImportError as err:
        raise SchedulerError(f"--scheduler needs Dask's distributed package: {DASK_HINT}") from err
    try:
        client = Client(address, timeout=f"{timeout}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as err:
        raise SchedulerError(f"cannot connect to the Dask scheduler at {address} within {timeout:g} s: {err}") from err
    try:
        check_workers(client, timeout)
    except BaseException:
        client.close()
        raise
    return client


def check_workers(client: Any, timeout: float) -> None:
    """Refuse workers that cannot give the same results as this process."""
    from . import __version__
    from .cache import code_version

    try:
        client.wait_for_workers(1, timeout=timeout)
    except (TimeoutError, OSError) as err:
        raise SchedulerError(f"the Dask cluster has no workers (waited {timeout:g} s)") from err
    try:
        client.get_versions(check=True)
    except ValueError as err:
        raise SchedulerError(f"the Dask cluster runs other versions than this process: {err}") from err
    try:
        remote = client.run(worker_fingerprint, wait=True)
    except Exception as err:  # noqa: BLE001 -- typically ModuleNotFoundError on the workers
        raise SchedulerError(f"the Dask workers cannot run tipgap ({type(err).__name__}: {err}); install this "
                             "version of tipgap on every worker") from err
    ours = (__version__, code_version())
    wrong = sorted(worker for worker, theirs in remote.items() if tuple(theirs) != ours)
    if wrong:
        raise SchedulerError(f"Dask workers {', '.join(wrong)} run another tipgap version or code "
                             f"than this process (tipgap {ours[0]}, code {ours[1]})")


def worker_fingerprint() -> tuple[str, str]:
    """tipgap's version and code hash, as a worker sees them."""
    from . import __version__
    from .cache import code_version

    return __version__, code_version()


def _run_dask(
    sources: Sequence[Source], indices: list[int], settings: PipelineSettings | None, address: str,
    connect_timeout: float, limits: FileLimits, prepared: dict[int, DocumentResult] | None = None,
) -> Any:
    client = connect(address, connect_timeout)
    prepared = prepared or {}
    try:
        ordered = sorted(indices, key=lambda i: -sources[i].size)  # largest first
        futures = [
            (i, client.submit(run_limited, sources[i], settings, limits, prepared.get(i), pure=False)) for i in ordered
        ]
        for index, future in futures:
            yield index, future.result()
    finally:
        client.close()


__all__ = ["run_sources", "connect", "check_workers", "scheduler_from_env", "SchedulerError", "SCHEDULER_ENV"]


# ------------------------------------------------------------------- CLI glue


def scale_options(command: Any) -> Any:
    """The ``--no-cache``, ``--cache-dir`` and ``--scheduler`` options of ``tipgap scan``."""
    import click

    command = click.option(
        "--scheduler", default=None, metavar="ADDRESS",
        help=f"Run on an existing Dask cluster (e.g. tcp://host:8786; default ${SCHEDULER_ENV}). "
             "Needs the 'dask' extra, and the inputs at the same path on every worker.",
    )(command)
    command = click.option(
        "--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="Folder of the result cache [default: $TIPGAP_CACHE_DIR, else $XDG_CACHE_HOME/tipgap, else ~/.cache/tipgap].",
    )(command)
    command = click.option(
        "--no-cache", is_flag=True, help="Process every document again; do not read or write the result cache.",
    )(command)
    return command


def scan_scale_arguments(no_cache: bool, cache_dir: Any, scheduler: str | None) -> dict[str, Any]:
    """``cache`` and ``scheduler`` arguments of :func:`analyser.api.scan` from the CLI options."""
    return {"cache": False if no_cache else (cache_dir or True), "scheduler": scheduler_from_env(scheduler)}
