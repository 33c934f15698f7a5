"""Compute one output file in a forked child while this process writes the others (issue 8).

Writing a statute book's outputs is three independent, CPU-bound jobs of a few seconds each
(the tables, ``coverage.xlsx``, ``results.json``); on a warm re-run they are most of the
time. :class:`Background` runs a function that returns bytes in a child process forked from
this one (it sees the same in-memory scan result, copy-on-write), and :meth:`result`
collects its bytes from a temporary file.

The child is a convenience, never a dependency: when forking is unavailable or unsafe (this
process runs other threads, whose locks a child could inherit held), when the child fails or
is killed, or when its file cannot be read, the function simply runs here. The output is the
same either way: the functions are deterministic.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class Background:
    """``function(*args)`` (returning bytes), computed in a forked child when that is safe."""

    def __init__(self, function: Callable[..., bytes], *args: Any) -> None:
        self.function, self.args = function, args
        self.pid = 0
        self.path: Path | None = None
        if not hasattr(os, "fork") or threading.active_count() > 1:
            return  # computed in result()
        handle, name = tempfile.mkstemp(prefix="tipgap-output-")
        os.close(handle)
        self.path = Path(name)
        try:
            pid = os.fork()
        except OSError as err:
            log.debug("cannot fork for %s: %s", getattr(function, "__name__", function), err)
            self._discard()
            return
        if pid == 0:  # the child: never returns
            code = 1
            try:
                self.path.write_bytes(function(*args))
                code = 0
            finally:
                os._exit(code)
        self.pid = pid

    def result(self) -> bytes:
        """The function's bytes: the child's, or computed here if it could not provide them."""
        if self.pid:
            _, status = os.waitpid(self.pid, 0)
            self.pid = 0
            if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and self.path is not None:
                try:
                    return self.path.read_bytes()
                except OSError as err:
                    log.debug("cannot read a background output: %s", err)
                finally:
                    self._discard()
        self._discard()
        return self.function(*self.args)

    def _discard(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None
