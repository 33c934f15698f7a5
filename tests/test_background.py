"""Outputs computed in a forked child are the same as computed here, and a failed child is not fatal."""

from __future__ import annotations

import os
import threading

from analyser.background import Background


def payload(size: int) -> bytes:
    return bytes(range(256)) * size


def test_child_result_equals_the_function_and_leaves_no_file() -> None:
    job = Background(payload, 4000)  # 1 MB through the temporary file
    assert job.pid != 0
    path = job.path
    assert job.result() == payload(4000)
    assert path is not None and not path.exists()


def test_a_dead_child_falls_back_to_computing_here() -> None:
    parent = os.getpid()
    calls: list[int] = []

    def dies_in_the_child() -> bytes:
        calls.append(os.getpid())
        if os.getpid() != parent:
            os._exit(3)  # a child killed before it wrote its result
        return b"done"

    job = Background(dies_in_the_child)
    assert job.pid != 0
    assert job.result() == b"done" and calls == [parent]  # computed here after the child died


def test_no_fork_while_other_threads_run() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        job = Background(payload, 1)
        assert job.pid == 0 and job.result() == payload(1)
    finally:
        stop.set()
        thread.join()
