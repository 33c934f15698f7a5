"""Speed and scale benchmark (issue 8): ``make bench``. Not a timed test.

On one set of PDFs, in one run, measures pages/s of:

1. bare pdfplumber ``extract_text`` (one process, every page closed after use);
2. poppler's ``pdftotext`` (one subprocess per file);
3. the full scan (``tipgap scan``) with one job, cold (empty result cache);
4. the full scan with two jobs, cold;
5. a warm re-run (the cache of run 3);
6. a re-scan after a model change (the cache of run 3 holds every document's text, not its
   tags for that model: every document is tagged again, none is read again);

and the peak resident memory of every scan process and worker (sampled with psutil), the
peak memory of a scan of the largest PDF alone, a Dask run (LocalCluster, two workers)
whose CSVs must be byte-identical to the local run's, and the ratios. Writes
``benchmarks/RESULTS.md`` with the machine description.

The set: the real PDFs of ../shared/corpus plus acts of the corpus rendered to PDF by
``render_corpus.py`` (cached under ``$TIPGAP_CACHE_DIR``/``~/.cache/tipgap``), the largest
over 400 pages, and a 1,000-page act (the rendered Criminal Code of Canada, concatenated
with another act) scanned alone for the memory bar. Scans run with ``--no-ocr``: bare
pdfplumber and pdftotext read the text layer only, so OCR of the two scanned PAK acts
would not compare like with like (OCR costs about 2 s per page per core, see ECOSYSTEM.md).

    python benchmarks/bench.py [--quick]
"""

from __future__ import annotations

import argparse
import filecmp
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from render_corpus import CORPUS, act_paragraphs, render_pdf  # noqa: E402

RESULTS = ROOT / "benchmarks" / "RESULTS.md"
TIPGAP = [sys.executable, "-m", "analyser"]
# A statute book in miniature: the largest act is a third of the pages, as in a real one
# (a set dominated by one act measures that act, not the scheduling of a folder).
RENDERED = (
    ("CAN/C-46-criminal-code.md", "Criminal Code (Canada)"),
    ("AUS/migration_act_1958_vol1_2015.md", "Migration Act 1958"),
    ("AUS/crimes_act_1914_vol1_2015.md", "Crimes Act 1914"),
    ("AUS/criminal_code_act_1995_vol2_comp98_2015.md", "Criminal Code Act 1995"),
    ("AUS/criminal_code_act_1995_vol1_comp98_2015.md", "Criminal Code Act 1995, Volume 1"),
    ("AUS/proceeds_of_crime_act_2002_2015.md", "Proceeds of Crime Act 2002"),
    ("AUS/amlctf_act_2006_2015.md", "Anti-Money Laundering and Counter-Terrorism Financing Act 2006"),
    ("CAN/I-2.5-immigration-and-refugee-protection-act.md", "Immigration and Refugee Protection Act"),
    ("CAN/P-24.501-proceeds-of-crime-money-laundering-and-terrorist-financing-act.md",
     "Proceeds of Crime (Money Laundering) and Terrorist Financing Act"),
)
QUICK = (("AUS/crimes_act_1914_vol1_2015.md", "Crimes Act 1914"),)
CSV_FILES = ("coverage.csv", "evidence.csv", "provisions.csv", "problems.csv", "documents.csv")
TARGETS = {"scan_vs_pdfplumber": 10.0, "two_jobs_vs_one": 1.7, "warm_vs_cold": 20.0, "peak_mb": 500.0}


def cache_root() -> Path:
    base = os.environ.get("TIPGAP_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "tipgap"
    return Path(base)


# ------------------------------------------------------------------- the set


def build_set(quick: bool) -> tuple[Path, Path]:
    """(folder of the benchmark set, the 1,000-page PDF)."""
    render_dir = cache_root() / "bench-render"
    render_dir.mkdir(parents=True, exist_ok=True)
    pdfs = []
    for rel, title in QUICK if quick else RENDERED:
        out = render_dir / (Path(rel).stem + ".pdf")
        if not out.exists():
            print(f"rendering {rel} ...", flush=True)
            render_pdf(act_paragraphs(CORPUS / rel), title, out, 1)
        pdfs.append(out)
    root = Path(tempfile.mkdtemp(prefix="tipgap-bench-set-"))
    # copies, not symbolic links: a scan follows links only inside its input folder
    for path in sorted(CORPUS.glob("*/*.pdf")):
        (root / path.parent.name).mkdir(exist_ok=True)
        shutil.copyfile(path, root / path.parent.name / path.name)
    (root / "RENDERED").mkdir()
    for path in pdfs:
        shutil.copyfile(path, root / "RENDERED" / path.name)
    big = render_dir / "thousand-pages.pdf"
    if not big.exists():
        from pypdf import PdfWriter

        writer = PdfWriter()
        for path in pdfs * 4:
            writer.append(str(path))
            if len(writer.pages) >= 1000:
                break
        with big.open("wb") as handle:
            writer.write(handle)
    return root, big


def page_count(path: Path) -> int:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


# ------------------------------------------------------------------ measuring


@dataclass
class Run:
    seconds: float
    peak_mb: dict[int, float] = field(default_factory=dict)  # pid -> peak RSS (MB)
    output: str = ""
    root: int = 0  # pid of the scan process itself

    @property
    def peak_worker_mb(self) -> float:
        """Peak of the other processes (loky workers, a document's forked child, an output's child),
        or of the scan process when it had none."""
        workers = [mb for pid, mb in self.peak_mb.items() if pid != self.root]
        return max(workers) if workers else self.peak_mb.get(self.root, 0.0)

    @property
    def peak_any_mb(self) -> float:
        """Peak of any one process of the run (a document's forked child counts its shared pages too)."""
        return max(self.peak_mb.values(), default=0.0)

    @property
    def peak_parent_mb(self) -> float:
        return self.peak_mb.get(self.root, 0.0)


def run_sampled(args: list[str], env: dict[str, str] | None = None) -> Run:
    """Run a command; sample the RSS of it and its descendants every 50 ms."""
    import psutil

    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peaks: dict[int, float] = {}
    stop = threading.Event()

    def sample() -> None:
        try:
            parent = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not stop.is_set():
            try:
                members = [parent, *parent.children(recursive=True)]
            except psutil.Error:
                break
            for member in members:
                try:
                    rss = member.memory_info().rss / 2**20
                except psutil.Error:
                    continue
                peaks[member.pid] = max(peaks.get(member.pid, 0.0), rss)
            stop.wait(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    output, _ = proc.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    thread.join()
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(args)}\n{output[-2000:]}")
    return Run(seconds, peaks, output, proc.pid)


def bare_pdfplumber(pdfs: list[Path]) -> float:
    import pdfplumber

    started = time.perf_counter()
    for path in pdfs:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
    return time.perf_counter() - started


def pdftotext(pdfs: list[Path]) -> float | None:
    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    started = time.perf_counter()
    for path in pdfs:
        subprocess.run([exe, str(path), "-"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def scan(input_dir: Path, out: Path, cache: Path | None, jobs: int = 1, extra: list[str] | None = None) -> Run:
    args = [*TIPGAP, "scan", str(input_dir), "--out", str(out), "--force", "-q", "--no-ocr", "--jobs", str(jobs)]
    args += ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    return run_sampled(args + (extra or []))


def retrained_model(folder: Path) -> Path:
    """A copy of the shipped model that the cache sees as another model (its meta.json differs by
    a newline; its scores are the same, so the outputs must be too)."""
    from analyser.classify import META_FILE, default_model_dir

    shutil.copytree(default_model_dir(), folder)
    with (folder / META_FILE).open("a", encoding="utf-8") as handle:
        handle.write("\n")
    return folder


def same_csvs(a: Path, b: Path) -> bool:
    return all(filecmp.cmp(a / name, b / name, shallow=False) for name in CSV_FILES)


def dask_run(input_dir: Path, out: Path) -> tuple[float, bool | None]:
    try:
        from distributed import LocalCluster
    except ImportError:
        return 0.0, None
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        run = scan(input_dir, out, None, 1, ["--scheduler", cluster.scheduler_address])
    return run.seconds, True


# -------------------------------------------------------------------- machine


def machine() -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        kb = int(next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")).split()[1])
        ram = f"{kb / 2**20:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?", "?", "?")
    libraries = ", ".join(
        f"{name} {_version(name)}" for name in ("tipgap", "pypdfium2", "pdfplumber", "pdfminer.six", "spacy", "joblib", "dask", "distributed")
    )
    poppler = subprocess.run(["pdftotext", "-v"], capture_output=True, text=True).stderr.splitlines()[0] if shutil.which("pdftotext") else "absent"
    return [
        f"- CPUs (nproc): {os.cpu_count()}; CPU: {cpu}; RAM: {ram}",
        f"- load average at the start (1/5/15 min): {', '.join(f'{x:.2f}' if isinstance(x, float) else x for x in load)}"
        " (other sessions share this machine: absolute figures are noisy, ratios less so)",
        f"- OS: {platform.platform()}; Python {platform.python_version()}",
        f"- libraries: {libraries}; pdftotext: {poppler}",
    ]


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


# ----------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smaller set (one rendered act), for a smoke run")
    parser.add_argument("--no-write", action="store_true", help=f"do not write {RESULTS.name}")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    about = machine()
    input_dir, big = build_set(args.quick)
    work = Path(tempfile.mkdtemp(prefix="tipgap-bench-"))
    try:
        pdfs = sorted(p.resolve() for p in input_dir.rglob("*.pdf"))
        pages = {p: page_count(p) for p in pdfs}
        total = sum(pages.values())
        largest = max(pdfs, key=lambda p: pages[p])
        print(f"{len(pdfs)} PDFs, {total} pages; largest {largest.name} ({pages[largest]} pages)", flush=True)

        plumber_s = bare_pdfplumber(pdfs)
        print(f"bare pdfplumber extract_text: {plumber_s:.1f} s", flush=True)
        poppler_s = pdftotext(pdfs)
        print(f"pdftotext: {poppler_s if poppler_s is None else round(poppler_s, 1)} s", flush=True)
        cache = work / "cache"
        one = scan(input_dir, work / "out1", cache, 1)
        print(f"scan, 1 job, cold: {one.seconds:.1f} s", flush=True)
        warm = scan(input_dir, work / "out-warm", cache, 1)
        print(f"scan, warm re-run: {warm.seconds:.1f} s", flush=True)
        retrained = retrained_model(work / "model-retrained")
        retag = scan(input_dir, work / "out-retag", cache, 1, ["--model", str(retrained)])
        print(f"scan after a model change (text cached, tags not): {retag.seconds:.1f} s", flush=True)
        two = scan(input_dir, work / "out2", work / "cache2", 2)
        print(f"scan, 2 jobs, cold: {two.seconds:.1f} s", flush=True)
        dask_s, dask_ok = dask_run(input_dir, work / "out-dask")
        if dask_ok is not None:
            dask_ok = same_csvs(work / "out1", work / "out-dask")
        print(f"dask: {dask_s:.1f} s, identical CSVs: {dask_ok}", flush=True)
        identical = all(same_csvs(work / "out1", work / other) for other in ("out2", "out-warm", "out-retag"))
        single = work / "single" / "BIG"
        single.mkdir(parents=True)
        shutil.copyfile(big, single / big.name)
        big_pages = page_count(big)
        alone = scan(single.parent, work / "out-big", None, 1)
        print(f"{big_pages}-page PDF alone: {alone.seconds:.1f} s, peak {alone.peak_worker_mb:.0f} MB", flush=True)
        largest_dir = work / "largest" / "BIG"
        largest_dir.mkdir(parents=True)
        shutil.copyfile(largest, largest_dir / largest.name)
        largest_run = scan(largest_dir.parent, work / "out-largest", None, 1)
    finally:
        shutil.rmtree(input_dir, ignore_errors=True)

    def rate(seconds: float | None) -> float:
        return total / seconds if seconds else 0.0

    ratios = {
        "scan_vs_pdfplumber": rate(one.seconds) / rate(plumber_s),
        "two_jobs_vs_one": one.seconds / two.seconds,
        "warm_vs_cold": one.seconds / warm.seconds,
        # per worker: the 2-job run's workers, and the largest PDF and the 1,000-page act each
        # processed alone in one process (an upper bound: that process also writes the outputs)
        "peak_mb": max(two.peak_worker_mb, largest_run.peak_any_mb, alone.peak_any_mb),
    }
    met = {
        "scan_vs_pdfplumber": ratios["scan_vs_pdfplumber"] >= TARGETS["scan_vs_pdfplumber"],
        "two_jobs_vs_one": ratios["two_jobs_vs_one"] >= TARGETS["two_jobs_vs_one"],
        "warm_vs_cold": ratios["warm_vs_cold"] >= TARGETS["warm_vs_cold"],
        "peak_mb": ratios["peak_mb"] < TARGETS["peak_mb"],
    }
    yes = {True: "yes", False: "**NO**", None: "n/a"}
    rows = [
        "| run | seconds | pages/s | peak RSS (MB): largest other process / scan process |",
        "|---|---|---|---|",
        f"| bare pdfplumber `extract_text` (+ `page.close()`) | {plumber_s:.1f} | {rate(plumber_s):.1f} | - |",
        f"| `pdftotext` (poppler) | {poppler_s or 0:.1f} | {rate(poppler_s):.1f} | - |",
        f"| `tipgap scan --jobs 1`, cold | {one.seconds:.1f} | {rate(one.seconds):.1f} | {one.peak_worker_mb:.0f} / {one.peak_parent_mb:.0f} |",
        f"| `tipgap scan --jobs 2`, cold | {two.seconds:.1f} | {rate(two.seconds):.1f} | {two.peak_worker_mb:.0f} / {two.peak_parent_mb:.0f} |",
        f"| `tipgap scan`, warm re-run (cache of the 1-job run) | {warm.seconds:.1f} | {rate(warm.seconds):.1f} | {warm.peak_worker_mb:.0f} / {warm.peak_parent_mb:.0f} |",
        f"| `tipgap scan --model` of a changed model (text cached, every document tagged again) | {retag.seconds:.1f} | "
        f"{rate(retag.seconds):.1f} | {retag.peak_worker_mb:.0f} / {retag.peak_parent_mb:.0f} |",
        f"| `tipgap scan --scheduler` (LocalCluster, 2 workers x 1 thread) | {dask_s:.1f} | {rate(dask_s):.1f} | - |",
        f"| largest PDF of the set alone ({largest.name}, {pages[largest]} pages) | {largest_run.seconds:.1f} | "
        f"{pages[largest] / largest_run.seconds:.1f} | {largest_run.peak_worker_mb:.0f} / {largest_run.peak_parent_mb:.0f} |",
        f"| {big_pages}-page act alone (rendered acts concatenated) | {alone.seconds:.1f} | {big_pages / alone.seconds:.1f} | "
        f"{alone.peak_worker_mb:.0f} / {alone.peak_parent_mb:.0f} |",
    ]
    checks = [
        "| target | measured | met |",
        "|---|---|---|",
        f"| full cold scan, 1 job >= 10x bare pdfplumber pages/s | {ratios['scan_vs_pdfplumber']:.1f}x | {yes[met['scan_vs_pdfplumber']]} |",
        f"| 2 jobs >= 1.7x 1 job | {ratios['two_jobs_vs_one']:.2f}x | {yes[met['two_jobs_vs_one']]} |",
        f"| warm re-run >= 20x faster than cold | {ratios['warm_vs_cold']:.1f}x | {yes[met['warm_vs_cold']]} |",
        f"| peak RSS < 500 MB per worker (2-job workers; any process of the largest PDF's and the {big_pages}-page act's scans) | {ratios['peak_mb']:.0f} MB | {yes[met['peak_mb']]} |",
        f"| Dask run's CSVs byte-identical to the local run's | {yes[dask_ok]} | {yes[dask_ok]} |",
        f"| 2-job, warm and re-tagged runs' CSVs byte-identical to the 1-job run's | {yes[identical]} | {yes[identical]} |",
    ]
    text = "\n".join([
        "# Speed and scale benchmark (issue 8)", "",
        "Generated by `make bench` (`python benchmarks/bench.py`). Not a timed test: figures depend on the machine.",
        "", "## Machine", "", *about, "",
        f"## Set: {len(pdfs)} PDFs, {total} pages", "",
        "The real PDFs of `../shared/corpus` and acts of the corpus rendered to PDF (`render_corpus.py`, one column,"
        " running header, page numbers, hyphenated justified text). Scans use `--no-ocr` (the other two read the text"
        " layer only). Pages/s = all pages of the set / wall-clock seconds, start-up included.", "",
        *(f"- {p.parent.name if p.parent.name != 'bench-render' else 'rendered'}/{p.name}: {pages[p]} pages" for p in pdfs), "",
        "## Results", "", *rows, "", "## Targets", "", *checks, "",
    ])
    print(text)
    if not args.no_write:
        RESULTS.write_text(text, encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if all(met.values()) and dask_ok is not False and identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
