"""Shared fixtures: paths to the bundled samples and to ../shared/corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpora" / "samples"
SAMPLE_STATUTES = SAMPLES / "statutes"
SHARED = Path(os.environ.get("TIPGAP_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"

# The result cache (analyser/cache.py) of every scan the tests run, CLI runs and
# subprocesses included, goes to a throw-away folder, never the user's ~/.cache/tipgap.
_TEST_CACHE = __import__("tempfile").mkdtemp(prefix="tipgap-test-cache-")
os.environ["TIPGAP_CACHE_DIR"] = _TEST_CACHE
__import__("atexit").register(__import__("shutil").rmtree, _TEST_CACHE, True)

# Property-based tests (hypothesis): a short profile in `make test`, a long one in `make fuzz`
# (HYPOTHESIS_PROFILE=long). Both are derandomised so a run is reproducible.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("short", max_examples=60, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=5000, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "short"))


def require_corpus() -> Path:
    """The shared corpus, or skip with a reason (a user's fresh clone has no ../shared)."""
    if not (CORPUS / "MANIFEST.tsv").is_file():
        pytest.skip(f"needs the shared corpus at {CORPUS} (absent in a fresh clone; CI provides it)")
    return CORPUS


@pytest.fixture(scope="session")
def corpus() -> Path:
    return require_corpus()


@pytest.fixture(scope="session")
def sample_scan():
    """One scan of the bundled sample statutes, shared by the tests that read it."""
    from analyser import scan

    return scan(SAMPLE_STATUTES)


@pytest.fixture(scope="session")
def sample_out(sample_scan, tmp_path_factory) -> Path:
    """The output folder of ``sample_scan`` (written once per session)."""
    return sample_scan.write(tmp_path_factory.mktemp("sample-out") / "out")


AMENDING_ACT = "XCO/anti_trafficking_amendment_act_2019.pdf"


@pytest.fixture(scope="session")
def unamended_statutes(tmp_path_factory) -> Path:
    """A copy of the sample statutes without Corvania's 2019 amending act (the law before the reform)."""
    import shutil

    root = tmp_path_factory.mktemp("unamended") / "statutes"
    shutil.copytree(SAMPLE_STATUTES, root)
    (root / AMENDING_ACT).unlink()
    return root


@pytest.fixture(scope="session")
def unamended_scan(unamended_statutes):
    """One scan of :func:`unamended_statutes`, shared by the diff and override tests."""
    from analyser import scan

    return scan(unamended_statutes)
