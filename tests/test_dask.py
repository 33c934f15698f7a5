"""--scheduler: the scan on a Dask cluster gives byte-identical outputs (issue 8)."""

from __future__ import annotations

import builtins
import shutil
import socket
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyser.api import scan
from analyser.cli import cli
from analyser.executor import SchedulerError, connect
from tests.conftest import SAMPLE_STATUTES


@pytest.fixture(scope="module")
def statutes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("statutes")
    for jurisdiction in ("XAV", "XBE"):
        shutil.copytree(SAMPLE_STATUTES / jurisdiction, root / jurisdiction)
    return root


def test_dask_run_is_byte_identical_to_the_local_run(statutes: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="the 'dask' extra is not installed")
    from distributed import LocalCluster

    started = time.monotonic()
    local = scan(statutes)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = scan(statutes, scheduler=cluster.scheduler_address)
        out = tmp_path / "out"
        done = CliRunner().invoke(cli, ["scan", str(statutes), "--out", str(out), "-q", "--no-cache",
                                        "--scheduler", cluster.scheduler_address])
        assert done.exit_code == 0, done.output
    assert remote.output_files() == local.output_files()
    for name, data in local._table_files().items():
        assert (out / name).read_bytes() == data, name
    assert time.monotonic() - started < 600  # a guard against a hang, not a speed test (see make bench)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_scheduler_is_a_clear_error(statutes: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="the 'dask' extra is not installed")
    address = f"tcp://127.0.0.1:{_free_port()}"
    started = time.monotonic()
    with pytest.raises(SchedulerError, match="cannot connect"):
        connect(address, timeout=1)
    assert time.monotonic() - started < 15
    done = CliRunner(env={"TIPGAP_DASK_SCHEDULER": address, "TIPGAP_DASK_TIMEOUT": "1"}).invoke(
        cli, ["scan", str(statutes), "--out", str(tmp_path / "o"), "-q", "--no-cache"])
    assert done.exit_code != 0 and "Error:" in done.output and "Dask scheduler" in done.output


def test_missing_dask_extra_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_distributed(name: str, *args: object, **kwargs: object) -> object:
        if name == "distributed" or name.startswith("distributed."):
            raise ImportError("No module named 'distributed'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_distributed)
    with pytest.raises(SchedulerError, match=r"tipgap\[dask\]"):
        connect("tcp://127.0.0.1:1", timeout=1)
