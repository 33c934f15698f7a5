"""Mutation fuzzer over the sample statute PDFs through the extraction stage (issue 9).

Each variant is one sample PDF (``corpora/samples/statutes/**.pdf``) with seeded random
mutations: byte flips, truncation, chunk deletion and duplication, flips inside stream
data, edits of the xref table and trailer, edits of numbers and names in object
dictionaries, and edits of decoded page content streams (re-encoded, /Length fixed).
Variant ``i`` of seed ``s`` is always the same bytes, so any failure can be replayed with
``--only i --seed s``.

Every variant goes through :func:`analyser.extract.extract` once per engine (OCR off) in
a worker process with a per-call timeout. A call fails when ``extract`` raises (bad
files must come back as problem rows), breaks its contract (no document and no error
row), the worker dies, or it runs past the timeout (the worker is killed and replaced).
A problem row from ``extract``'s last-resort ``except Exception`` ("unexpected ...") is
counted apart as *caught*: the file was handled, but some code did not expect the input.
Failing variants are saved to ``--crash-dir`` (bytes + JSON with seed and mutations).

    python benchmarks/fuzz_pdfs.py [--variants 10000] [--seed 0] [--jobs 2] [--timeout 30]
        [--engines pdfium,pdfplumber] [--out benchmarks/FUZZ.md] [--crash-dir DIR] [--only I,J]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import logging
import multiprocessing
import os
import platform
import random
import re
import sys
import tempfile
import time
import traceback
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from importlib import metadata
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLES = ROOT / "corpora" / "samples" / "statutes"
DEFAULT_CRASH_DIR = Path(tempfile.gettempdir()) / "tipgap-fuzz-crashes"
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MEMORY_MB = 2048  # address-space limit of a worker: a runaway allocation is a MemoryError
DEFAULT_TASKS_PER_WORKER = 400  # workers are replaced after this many calls (bounded memory drift)
ENGINES = ("pdfium", "pdfplumber")
FAILURES = ("raised", "contract", "died", "hang")
REPORT_START, REPORT_END = "<!-- fuzz-results:start -->", "<!-- fuzz-results:end -->"

# Values that break arithmetic: zero, negatives, int32/int64 edges, and reals past float32
# (PDFium) and float64 (pdfminer) range. PDF reals have no exponent, so they are spelled out.
FLOAT32_PAST = b"1" + b"0" * 39
FLOAT64_PAST = b"1" + b"0" * 309
INTERESTING_NUMBERS = (
    b"0", b"-1", b"1", b"-0", b"0.0001", b"2147483647", b"2147483648", b"-2147483649",
    b"4294967296", b"9223372036854775808", b"99999999999999999999999", FLOAT32_PAST, FLOAT64_PAST,
    b"-" + FLOAT32_PAST, b"0." + b"0" * 60 + b"1", b"-99999", b".", b"-.", b"1.2.3",
)
INTERESTING_NAMES = (b"/Type", b"/Page", b"/Pages", b"/Font", b"/Length", b"/Kids", b"/Parent",
                     b"/Contents", b"/Resources", b"/Filter", b"/FlateDecode", b"/XObject", b"/#00", b"/")
CONTENT_OPERATORS = (b"q", b"Q", b"BT", b"ET", b"Tf", b"Tm", b"Td", b"TD", b"T*", b"Tj", b"TJ", b"'", b'"',
                     b"cm", b"Do", b"re", b"f", b"Tz", b"TL", b"Ts", b"Tc", b"Tw", b"Tr", b"gs", b"BI", b"ID", b"EI")
CONTENT_SNIPPETS = (
    b"0 0 0 0 0 0 Tm", b"/F1 0 Tf", b"/F1 -12 Tf", b"/F9 12 Tf", b"/F1 " + FLOAT32_PAST + b" Tf",
    FLOAT32_PAST + b" 0 0 " + FLOAT32_PAST + b" 0 0 cm", b"200 0 0 200 0 0 cm " * 20,  # compounding overflow
    b"0.001 0 0 0.001 0 0 cm " * 40, b"0 0 0 0 0 0 cm", b"0 1 -1 0 0 0 cm", b"-1 0 0 -1 0 0 cm", b"1 0 3 1 0 0 cm",
    b"(\\\\\\() Tj", b"(\xff\xfe\x00\x02) Tj", b"[(a) -99999999 (b)] TJ", b"q " * 300,
    b"Q " * 300, b"BT BT BT", b"ET ET", b"/Im1 Do", b"<4142> Tj", b"<414> Tj", b"(unbalanced Tj",
    b"1 0 0 1 -" + FLOAT32_PAST + b" " + FLOAT32_PAST + b" Tm", b"0 Tz", b"10000000000 Tz", b"100000 TL T* T* T*",
)
_NUMBER_RE = re.compile(rb"(?<![\w.#/])[-+]?(?:\d+\.?\d*|\.\d+)(?![\w.])")
_NAME_RE = re.compile(rb"/[A-Za-z0-9#]+")
_TOKEN_RE = re.compile(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>|\[|\]|/?[^\s()<>\[\]/]+")
_STREAM_RE = re.compile(rb"(?<!end)stream\r?\n")


# ------------------------------------------------------------------ mutations


@dataclass(frozen=True)
class Variant:
    """One mutated PDF: which sample, which mutations, the bytes."""

    index: int
    seed: int
    source: str  # sample path relative to corpora/samples/statutes
    mutations: tuple[str, ...]
    data: bytes


Mutator = Callable[[random.Random, bytes], tuple[bytes, str]]


def _span(rng: random.Random, size: int, longest: int) -> tuple[int, int]:
    """A random (start, end) inside ``size`` bytes, at most ``longest`` long."""
    start = rng.randrange(max(1, size))
    return start, min(size, start + rng.randint(1, longest))


def _flip_in(rng: random.Random, data: bytes, start: int, end: int, count: int) -> tuple[bytes, list[int]]:
    """Flip one bit or replace the byte at ``count`` random offsets of ``data[start:end]``."""
    out = bytearray(data)
    offsets = sorted(rng.randrange(start, end) for _ in range(count)) if end > start else []
    for offset in offsets:
        out[offset] = out[offset] ^ (1 << rng.randrange(8)) if rng.random() < 0.5 else rng.randrange(256)
    return bytes(out), offsets


def flip_bytes(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """1-32 bit flips or random bytes anywhere in the file."""
    out, offsets = _flip_in(rng, data, 0, len(data), rng.randint(1, 32))
    return out, f"flip@{offsets[:8]}{'...' if len(offsets) > 8 else ''}"


def truncate(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Cut the file at a random offset."""
    cut = rng.randrange(len(data))
    return data[:cut], f"truncate@{cut}"


def delete_chunk(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Remove 1-1024 bytes."""
    start, end = _span(rng, len(data), 1024)
    return data[:start] + data[end:], f"delete[{start}:{end}]"


def duplicate_chunk(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Copy 1-2048 bytes, 1-8 times, to a random offset."""
    start, end = _span(rng, len(data), 2048)
    at, times = rng.randrange(len(data) + 1), rng.randint(1, 8)
    return data[:at] + data[start:end] * times + data[at:], f"duplicate[{start}:{end}]x{times}@{at}"


def stream_spans(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of the raw data of every stream object."""
    spans = []
    for match in _STREAM_RE.finditer(data):
        end = data.find(b"endstream", match.end())
        if end > match.end():
            spans.append((match.end(), end))
    return spans


def flip_in_stream(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """1-16 flips inside the raw (encoded) data of one stream."""
    spans = stream_spans(data)
    if not spans:
        return flip_bytes(rng, data)
    start, end = rng.choice(spans)
    out, offsets = _flip_in(rng, data, start, end, rng.randint(1, 16))
    return out, f"stream-flip@{offsets[:8]}"


def _tail_start(data: bytes) -> int:
    """Offset of the cross-reference section (last 'xref', else last 'startxref', else the last 1 KiB)."""
    for marker in (b"\nxref", b"startxref"):
        found = data.rfind(marker)
        if found >= 0:
            return found
    return max(0, len(data) - 1024)


def mutate_xref(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Edit the xref table / trailer: a number, a name, a flipped byte or a deleted line."""
    tail = _tail_start(data)
    head, rest = data[:tail], data[tail:]
    choice = rng.randrange(4)
    if choice == 0:
        values = INTERESTING_NUMBERS + (str(rng.randrange(10**6)).encode(),)
        rest, what = _replace_match(rng, rest, _NUMBER_RE, values, tail)
    elif choice == 1:
        rest, what = _replace_match(rng, rest, _NAME_RE, INTERESTING_NAMES, tail)
    elif choice == 2:
        rest, offsets = _flip_in(rng, rest, 0, len(rest), rng.randint(1, 8))
        what = f"flip@{[tail + o for o in offsets]}"
    else:
        lines = rest.split(b"\n")
        drop = rng.randrange(len(lines))
        rest, what = b"\n".join(lines[:drop] + lines[drop + 1 :]), f"drop-line {drop}"
    return head + rest, f"xref:{what}"


def _replace_match(rng: random.Random, data: bytes, pattern: re.Pattern[bytes],
                   values: tuple[bytes, ...], base: int = 0) -> tuple[bytes, str]:
    """Replace one random match of ``pattern`` by one of ``values`` (``base``: offset of ``data`` in the file)."""
    matches = list(pattern.finditer(data))
    if not matches:
        return data, "no-match"
    match, value = rng.choice(matches), rng.choice(values)
    what = f"{match.group()[:20]!r}->{value[:20]!r}@{base + match.start()}"
    return data[: match.start()] + value + data[match.end() :], what


def _outside_streams(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of the parts of the file that are not stream data."""
    parts, previous = [], 0
    for start, end in stream_spans(data):
        parts.append((previous, start))
        previous = end
    parts.append((previous, len(data)))
    return [(s, e) for s, e in parts if e > s]


def mutate_object(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Replace a number or a name in an object dictionary (outside stream data)."""
    start, end = rng.choice(_outside_streams(data))
    part = data[start:end]
    if rng.random() < 0.6:
        part, what = _replace_match(rng, part, _NUMBER_RE, INTERESTING_NUMBERS, start)
    else:
        part, what = _replace_match(rng, part, _NAME_RE, INTERESTING_NAMES, start)
    return data[:start] + part + data[end:], f"object:{what}"


def _decode_stream(raw: bytes, header: bytes) -> bytes | None:
    """The decoded data of a ReportLab stream (ASCII85 and/or Flate), None if unsupported."""
    try:
        if b"ASCII85Decode" in header:
            raw = base64.a85decode(re.sub(rb"\s", b"", raw).removesuffix(b"~>"))
        if b"FlateDecode" in header:
            raw = zlib.decompress(raw)
    except (ValueError, zlib.error):
        return None
    return raw


def _encode_stream(decoded: bytes, header: bytes) -> bytes:
    encoded = zlib.compress(decoded) if b"FlateDecode" in header else decoded
    if b"ASCII85Decode" in header:
        encoded = base64.a85encode(encoded, wrapcol=72) + b"~>"
    return encoded


def mutate_content(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Edit the decoded operators of one page content stream, re-encode it and fix /Length."""
    spans = stream_spans(data)
    if not spans:
        return flip_bytes(rng, data)
    start, end = rng.choice(spans)
    header_start = data.rfind(b"obj", 0, start)
    header = data[header_start:start]
    decoded = _decode_stream(data[start:end].rstrip(b"\r\n"), header)
    if decoded is None:
        return flip_in_stream(rng, data)
    tokens = _TOKEN_RE.findall(decoded)
    edits = [_edit_tokens(rng, tokens) for _ in range(rng.randint(1, 4))]
    encoded = _encode_stream(b" ".join(tokens), header)
    new_header = re.sub(rb"/Length \d+", b"/Length %d" % len(encoded), header, count=1)
    out = data[:header_start] + new_header + encoded + b"\n" + data[end:]
    return out, f"content@{start}:{';'.join(edits)}"


def _edit_tokens(rng: random.Random, tokens: list[bytes]) -> str:
    """One in-place edit of a content stream's tokens; returns its description."""
    if not tokens:
        tokens.append(rng.choice(CONTENT_SNIPPETS))
        return "insert-snippet"
    at = rng.randrange(len(tokens))
    choice = rng.randrange(5)
    if choice == 0:
        numbers = [i for i, t in enumerate(tokens) if _NUMBER_RE.fullmatch(t)] or [at]
        at = rng.choice(numbers)
        tokens[at] = rng.choice(INTERESTING_NUMBERS)
        return f"number#{at}={tokens[at][:12]!r}"
    if choice == 1:
        del tokens[at : at + rng.randint(1, 8)]
        return f"delete#{at}"
    if choice == 2:
        tokens.insert(at, rng.choice(CONTENT_OPERATORS))
        return f"operator#{at}={tokens[at]!r}"
    if choice == 3:
        tokens.insert(at, rng.choice(CONTENT_SNIPPETS))
        return f"snippet#{at}={tokens[at][:16]!r}"
    chunk = tokens[at : at + rng.randint(1, 40)]
    tokens[at:at] = chunk * rng.randint(1, 20)
    return f"repeat#{at}x{len(chunk)}"


MUTATORS: tuple[tuple[Mutator, int], ...] = (
    (flip_bytes, 3), (truncate, 2), (delete_chunk, 2), (duplicate_chunk, 1),
    (flip_in_stream, 2), (mutate_xref, 2), (mutate_object, 3), (mutate_content, 4),
)


def sample_pdfs(root: Path = SAMPLES) -> list[Path]:
    """The sample statute PDFs, in a fixed order."""
    return sorted(root.rglob("*.pdf"))


def make_variant(samples: list[Path], seed: int, index: int) -> Variant:
    """Variant ``index`` of ``seed``: a sample with 1-3 stacked mutations (deterministic)."""
    rng = random.Random(f"{seed}:{index}")
    path = rng.choice(samples)
    data, done = path.read_bytes(), []
    funcs, weights = zip(*MUTATORS)
    for mutator in rng.choices(funcs, weights, k=rng.choice((1, 1, 1, 2, 2, 3))):
        if not data:
            break
        data, what = mutator(rng, data)
        done.append(what)
    relative = path.relative_to(SAMPLES).as_posix() if path.is_relative_to(SAMPLES) else path.name
    return Variant(index, seed, relative, tuple(done), data)


# --------------------------------------------------------------------- worker


@dataclass
class Outcome:
    """What one extract call on one variant did."""

    index: int
    engine: str
    kind: str  # "text" | "problem" | "caught" | one of FAILURES
    seconds: float
    detail: str = ""


def classify(document: Any, problems: Any) -> tuple[str, str]:
    """("text" | "problem" | "caught" | "contract", detail) of an extract result."""
    if not isinstance(problems, list):
        return "contract", f"problems is a {type(problems).__name__}, not a list"
    errors = [p.message for p in problems if p.severity == "error"]
    caught = [m for m in errors if m.startswith("unexpected ")]
    if document is None:
        if not errors:
            return "contract", "no document and no error row"
        return ("caught", caught[0]) if caught else ("problem", errors[0][:200])
    if not any(page.text.strip() for page in document.pages):
        return "contract", "document without text"
    return "text", (errors[0][:200] if errors else "")


def extract_once(path: Path, engine: str) -> tuple[str, str]:
    """Run extract on one file with one engine, OCR off; ("raised", traceback) if it raises."""
    from analyser.extract import ExtractSettings, extract
    from analyser.models import Source

    data = path.read_bytes()
    source = Source("FUZ", path, path.name, "pdf", hashlib.sha256(data).hexdigest(), len(data))
    try:
        document, problems = extract(source, ExtractSettings(engine=engine, ocr=False))
    except BaseException as exc:  # noqa: BLE001 -- any escape is the failure being looked for
        tb = traceback.format_exception(exc)
        return "raised", f"{type(exc).__name__}: {exc}"[:300] + "\n" + "".join(tb[-6:])
    return classify(document, problems)


def _limit_memory(megabytes: int) -> None:
    if megabytes > 0:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def worker_main(conn: Connection, memory_mb: int) -> None:
    """Worker loop: receive (index, path, engine), send back an :class:`Outcome`; None ends."""
    _limit_memory(memory_mb)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # damaged input makes it chatty
    import pdfplumber  # noqa: F401 -- import once, not on the first timed call
    import pypdfium2  # noqa: F401

    import analyser.extract  # noqa: F401

    while (task := conn.recv()) is not None:
        index, path, engine = task
        started = time.perf_counter()
        kind, detail = extract_once(Path(path), engine)
        conn.send(Outcome(index, engine, kind, time.perf_counter() - started, detail))


# ------------------------------------------------------------------ scheduling


@dataclass
class _Worker:
    process: Any
    conn: Connection
    task: tuple[int, str, str] | None = None
    started: float = 0.0
    done: int = 0


class Pool:
    """Worker processes with a per-call timeout; a hung or dead worker is replaced."""

    def __init__(self, jobs: int, timeout: float, memory_mb: int = DEFAULT_MEMORY_MB,
                 tasks_per_worker: int = DEFAULT_TASKS_PER_WORKER,
                 target: Callable[[Connection, int], None] | None = None) -> None:
        self.context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
        self.timeout, self.memory_mb, self.tasks_per_worker = timeout, memory_mb, tasks_per_worker
        self.target = target or worker_main
        self.workers = [self._start() for _ in range(max(1, jobs))]

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=self.target, args=(child, self.memory_mb), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def _replace(self, worker: _Worker, kill: bool) -> None:
        if kill:
            worker.process.kill()
        else:
            worker.conn.send(None)
        worker.process.join(5)
        worker.conn.close()
        self.workers[self.workers.index(worker)] = self._start()

    def run(self, tasks: Iterator[tuple[int, str, str]]) -> Iterator[Outcome]:
        """Yield one Outcome per task (index, path, engine), in completion order."""
        pending = iter(tasks)
        exhausted = False
        while True:
            for worker in self.workers:
                if worker.task is None and not exhausted:
                    worker.task = next(pending, None)
                    exhausted = worker.task is None
                    if worker.task is not None:
                        worker.conn.send(worker.task)
                        worker.started = time.perf_counter()
            busy = [w for w in self.workers if w.task is not None]
            if not busy:
                return
            yield from self._collect(busy)

    def _collect(self, busy: list[_Worker]) -> Iterator[Outcome]:
        """Wait for the first worker to answer, die or time out."""
        now = time.perf_counter()
        left = min(w.started + self.timeout - now for w in busy)
        ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=max(0.0, left))
        now = time.perf_counter()
        for worker in list(busy):
            task, elapsed = worker.task, now - worker.started
            assert task is not None
            if worker.conn in ready or worker.process.sentinel in ready:
                outcome = self._receive(worker, task, elapsed)
            elif elapsed >= self.timeout:
                outcome = Outcome(task[0], task[2], "hang", elapsed, f"no answer after {self.timeout:g} s (killed)")
                self._replace(worker, kill=True)
            else:
                continue
            worker.task = None
            yield outcome

    def _receive(self, worker: _Worker, task: tuple[int, str, str], elapsed: float) -> Outcome:
        try:
            outcome: Outcome = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(5)
            code = worker.process.exitcode
            self._replace(worker, kill=True)
            return Outcome(task[0], task[2], "died", elapsed, f"worker exited with code {code}")
        worker.done += 1
        if worker.done >= self.tasks_per_worker:
            self._replace(worker, kill=False)
        return outcome

    def close(self) -> None:
        for worker in self.workers:
            worker.process.kill()
            worker.process.join(5)
            worker.conn.close()


# -------------------------------------------------------------------- running


@dataclass
class RunResult:
    """Everything a fuzz run found."""

    seed: int
    variants: int
    engines: tuple[str, ...]
    jobs: int
    timeout: float
    seconds: float = 0.0
    outcomes: list[Outcome] = field(default_factory=list)
    variant_info: dict[int, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    saved: list[str] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        return Counter(o.kind for o in self.outcomes)

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.kind in FAILURES]

    def variant_counts(self) -> Counter[str]:
        """Variants (not calls) by their worst outcome over the engines."""
        rank = {kind: i for i, kind in enumerate(("text", "problem", "caught", *FAILURES))}
        worst: dict[int, str] = {}
        for o in self.outcomes:
            if rank[o.kind] >= rank[worst.get(o.index, "text")]:
                worst[o.index] = o.kind
        return Counter(worst.values())


def run_fuzz(variants: int, seed: int = 0, jobs: int = 1, timeout: float = DEFAULT_TIMEOUT_S,
             engines: tuple[str, ...] = ENGINES, crash_dir: Path | None = DEFAULT_CRASH_DIR,
             only: list[int] | None = None, memory_mb: int = DEFAULT_MEMORY_MB,
             progress: Callable[[int, RunResult], None] | None = None) -> RunResult:
    """Fuzz ``variants`` variants (or the ``only`` indices) through every engine."""
    samples = sample_pdfs()
    indices = only if only is not None else list(range(variants))
    result = RunResult(seed, len(indices), engines, jobs, timeout)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tipgap-fuzz-") as tmp:
        pool = Pool(jobs, timeout, memory_mb)
        try:
            tasks = _tasks(samples, seed, indices, engines, Path(tmp), result)
            remaining = Counter({i: len(engines) for i in indices})
            for outcome in pool.run(tasks):
                result.outcomes.append(outcome)
                remaining[outcome.index] -= 1
                if not remaining[outcome.index]:
                    (Path(tmp) / f"variant-{outcome.index}.pdf").unlink(missing_ok=True)
                if outcome.kind in FAILURES and crash_dir is not None:
                    result.saved.append(str(save_failure(samples, seed, outcome, crash_dir)))
                if progress is not None:
                    progress(len(result.outcomes), result)
        finally:
            pool.close()
    result.seconds = time.perf_counter() - started
    return result


def _tasks(samples: list[Path], seed: int, indices: list[int], engines: tuple[str, ...],
           tmp: Path, result: RunResult) -> Iterator[tuple[int, str, str]]:
    """Write each variant to ``tmp`` and yield its (index, path, engine) tasks."""
    for index in indices:
        variant = make_variant(samples, seed, index)
        result.variant_info[index] = (variant.source, variant.mutations)
        path = tmp / f"variant-{index}.pdf"
        path.write_bytes(variant.data)
        for engine in engines:
            yield index, str(path), engine


def save_failure(samples: list[Path], seed: int, outcome: Outcome, crash_dir: Path) -> Path:
    """Write a failing variant's bytes and a JSON description; returns the .pdf path."""
    variant = make_variant(samples, seed, outcome.index)
    folder = crash_dir / f"seed-{seed}"
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / f"variant-{outcome.index}-{outcome.engine}.pdf"
    pdf.write_bytes(variant.data)
    info = {**asdict(outcome), "seed": seed, "source": variant.source, "mutations": variant.mutations,
            "replay": f"python benchmarks/fuzz_pdfs.py --seed {seed} --only {outcome.index} --engines {outcome.engine}"}
    pdf.with_suffix(".json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return pdf


# -------------------------------------------------------------------- reports


def summary_lines(result: RunResult, slowest: int = 10) -> list[str]:
    """Plain-text summary: counts, failures, slowest calls."""
    counts, per_variant = result.counts(), result.variant_counts()
    lines = [
        f"variants: {result.variants}  calls: {len(result.outcomes)}  engines: {','.join(result.engines)}  "
        f"seed: {result.seed}  jobs: {result.jobs}  timeout: {result.timeout:g} s  wall: {result.seconds:.1f} s",
        f"variants by worst outcome: ok-with-text {per_variant['text']}, ok-with-problem-row "
        f"{per_variant['problem']}, caught-by-catch-all {per_variant['caught']}, "
        f"failures {sum(per_variant[k] for k in ('raised', 'contract', 'died'))}, hangs {per_variant['hang']}",
        "calls: " + ", ".join(f"{k} {counts.get(k, 0)}" for k in ("text", "problem", "caught", *FAILURES)),
    ]
    for o in sorted(result.failures() + [o for o in result.outcomes if o.kind == "caught"], key=lambda o: o.index)[:30]:
        source, mutations = result.variant_info.get(o.index, ("?", ()))
        lines.append(f"  {o.kind.upper()} #{o.index} {o.engine} {source} {'; '.join(mutations)[:120]}: "
                     f"{o.detail.splitlines()[0] if o.detail else ''}")
    lines.append(f"slowest {slowest} calls:")
    for o in sorted(result.outcomes, key=lambda o: -o.seconds)[:slowest]:
        source, mutations = result.variant_info.get(o.index, ("?", ()))
        lines.append(f"  {o.seconds:6.2f} s #{o.index} {o.engine} {o.kind} {source} {'; '.join(mutations)[:100]}")
    return lines


def machine() -> str:
    """One line describing the machine and the parser versions."""
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        cpu = next((l.split(":", 1)[1].strip() for l in cpuinfo.read_text().splitlines()
                    if l.startswith("model name")), cpu)
    versions = ", ".join(f"{p} {_version(p)}" for p in ("pypdfium2", "pdfminer.six", "pdfplumber"))
    return f"{cpu}, {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}; {versions}"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def markdown(result: RunResult, command: str, slowest: int = 15) -> str:
    """The generated results section of benchmarks/FUZZ.md."""
    per_variant = result.variant_counts()
    by_engine = {e: Counter(o.kind for o in result.outcomes if o.engine == e) for e in result.engines}
    lines = [
        REPORT_START,
        f"Generated by `{command}` on {time.strftime('%Y-%m-%d %H:%M')} in {result.seconds / 60:.1f} min "
        f"(seed {result.seed}, {result.jobs} workers, {result.timeout:g} s limit per call, OCR off).",
        "", f"Machine: {machine()}.", "",
        "| outcome | variants (worst over engines) | " + " | ".join(f"{e} calls" for e in result.engines) + " |",
        "|---|---:|" + "---:|" * len(result.engines),
    ]
    for kind, label in (("text", "ok, text extracted"), ("problem", "ok, problem row (no document)"),
                        ("caught", "caught by extract's last-resort handler"), ("raised", "failure: raised"),
                        ("contract", "failure: broken contract"), ("died", "failure: worker died"), ("hang", "hang")):
        cells = " | ".join(str(by_engine[e][kind]) for e in result.engines)
        lines.append(f"| {label} | {per_variant[kind]} | {cells} |")
    lines += ["", f"{result.variants} variants, {len(result.outcomes)} calls.", ""]
    lines += _outcome_table(result, result.failures() + [o for o in result.outcomes if o.kind == "caught"],
                            "Failures and last-resort catches", 50)
    lines += _outcome_table(result, sorted(result.outcomes, key=lambda o: -o.seconds)[:slowest],
                            f"Slowest {slowest} calls", slowest)
    return "\n".join(lines + [REPORT_END])


def _outcome_table(result: RunResult, outcomes: list[Outcome], title: str, limit: int) -> list[str]:
    """A Markdown table of outcomes with their variants' samples and mutations."""
    if not outcomes:
        return [f"{title}: none.", ""]
    rows = [f"{title}:", "", "| s | variant | engine | outcome | sample | mutations | detail |",
            "|---:|---:|---|---|---|---|---|"]
    for o in outcomes[:limit]:
        source, mutations = result.variant_info.get(o.index, ("?", ()))
        detail = (o.detail.splitlines()[0] if o.detail else "")[:100].replace("|", "\\|")
        what = "; ".join(mutations)[:90].replace("|", "\\|")
        rows.append(f"| {o.seconds:.2f} | {o.index} | {o.engine} | {o.kind} | {source} | `{what}` | {detail} |")
    return rows + [""]


def write_report(path: Path, section: str) -> None:
    """Write ``section`` into ``path``, replacing an earlier generated section and keeping the rest."""
    old = path.read_text(encoding="utf-8") if path.is_file() else "# Fuzzing results\n\n"
    if REPORT_START in old and REPORT_END in old:
        head, rest = old.split(REPORT_START, 1)
        new = head + section + rest.split(REPORT_END, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", type=int, default=10_000, help="number of variants (default 10000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds per extract call")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated engines")
    parser.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB,
                        help="address-space limit per worker (0: none)")
    parser.add_argument("--out", type=Path, help="Markdown report to write (e.g. benchmarks/FUZZ.md)")
    parser.add_argument("--crash-dir", type=Path, default=DEFAULT_CRASH_DIR, help="where failing variants are saved")
    parser.add_argument("--only", help="comma-separated variant indices to (re)run")
    args = parser.parse_args(argv)
    engines = tuple(e for e in args.engines.split(",") if e)
    if not set(engines) <= set(ENGINES):
        parser.error(f"--engines must be a subset of {list(ENGINES)}, not {args.engines!r}")
    only = [int(i) for i in args.only.split(",")] if args.only else None
    every = max(1, args.variants * len(engines) // 20)
    result = run_fuzz(args.variants, args.seed, args.jobs, args.timeout, engines, args.crash_dir, only,
                      args.memory_mb, progress=lambda n, r: _progress(n, r, every))
    print("\n".join(summary_lines(result)))
    if result.saved:
        print(f"failing variants saved under {args.crash_dir}")
    if args.out:
        command = "python benchmarks/fuzz_pdfs.py " + " ".join(argv if argv is not None else sys.argv[1:])
        write_report(args.out, markdown(result, command))
    return 1 if result.failures() else 0


def _progress(done: int, result: RunResult, every: int) -> None:
    if done % every == 0:
        counts = result.counts()
        tally = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        print(f"[{time.strftime('%H:%M:%S')}] {done} calls: {tally}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
