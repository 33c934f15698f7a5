"""Security properties of the product (issue 9): patched parser floors, no unpickling, no network."""

from __future__ import annotations

import re
import socket
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.version import Version

from tests.conftest import ROOT, SAMPLE_STATUTES

# Floors that carry parser security fixes: the pin in pyproject.toml must be at least this.
SECURITY_FLOORS = {"pdfminer.six": "20251107"}  # fixed loading of pickled CMaps (arbitrary code)


def _requirements() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    floors = {}
    for requirement in data["project"]["dependencies"]:
        match = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*>=\s*([^,;\s]+)", requirement)
        if match:
            floors[match.group(1).lower()] = match.group(2)
    return floors


@pytest.mark.parametrize(("package", "floor"), sorted(SECURITY_FLOORS.items()))
def test_parser_floors_carry_the_security_fixes(package: str, floor: str) -> None:
    pinned = _requirements().get(package.lower())
    assert pinned is not None and Version(pinned) >= Version(floor), f"pyproject pins {package}>={pinned}"
    assert Version(version(package)) >= Version(floor), f"installed {package} {version(package)} < {floor}"


def test_the_package_never_unpickles() -> None:
    """No pickle, joblib.load, numpy allow_pickle or torch.load anywhere in the package."""
    forbidden = re.compile(r"\bimport pickle\b|\bpickle\.loads?\b|joblib\.load\b|allow_pickle\s*=\s*True|torch\.load\b"
                           r"|\bcloudpickle\b|\bdill\b|\bshelve\b|\bmarshal\.loads?\b")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "analyser").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if forbidden.search(line) and not line.lstrip().startswith("#")
    ]
    assert offenders == []


def test_a_scan_makes_no_network_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole scan (forked per-file children included) runs with every socket connection refused."""
    from analyser import scan

    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network access during a scan")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a))  # type: ignore[arg-type]
    result = scan(SAMPLE_STATUTES)
    assert attempts == []
    assert result.coverage.shape == (3, 22)  # the scan ran to the end: 3 jurisdictions x 21 items
    assert not [p for p in result.problems["message"] if "network" in p]


def test_model_files_are_not_pickles() -> None:
    """The shipped model is JSON and an npz of plain arrays (no object arrays), never a pickle stream."""
    model_dir = ROOT / "models" / "tagger"
    files = [p for p in model_dir.rglob("*") if p.is_file()]
    assert files, "no shipped model"
    for path in files:
        head = path.read_bytes()[:2]
        assert head[:1] != b"\x80", f"{path.name} starts like a pickle"
    assert not list(model_dir.rglob("*.pkl")) and not list(model_dir.rglob("*.joblib"))
    import numpy as np

    with np.load(model_dir / "model.npz") as arrays:
        assert all(arrays[key].dtype != object for key in arrays.files)
