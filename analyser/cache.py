"""Content-addressed cache of per-document results (issue 8).

An unchanged document is not extracted, segmented or tagged again. The key of an entry
is the SHA-256 of the file's bytes plus the *pipeline version*: the package version, the
hash of the data files (:func:`analyser.knowledge.data_version`), a hash of the code of
the package, the versions of the libraries that read PDFs and tag text, the settings of
the per-document stages and the hash of the tagging model's files. Change any of them and
the old entries are simply never looked up again: the cache never serves a result of an
older pipeline. The jurisdiction and file name are part of the key too, because provision
ids are built from them.

Entries are gzip-compressed JSON (never pickle: a cache folder is user-writable, and
unpickling a planted file would run its code), written to a temporary file and moved into
place with :func:`os.replace`, so concurrent workers and interrupted runs never leave a
half-written entry. An entry that cannot be read, is not valid JSON, or does not decode
into the expected records is ignored and rewritten.

Location: ``--cache-dir``, else ``$TIPGAP_CACHE_DIR``, else ``$XDG_CACHE_HOME/tipgap``,
else ``~/.cache/tipgap``; entries live under ``results/<2 hex>/<key>.json.gz``.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import logging
import os
import tempfile
import types
import typing
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Literal, Union, get_args, get_origin, get_type_hints

from . import models
from .models import DocumentResult, Source

log = logging.getLogger(__name__)

FORMAT = 1  # layout of an entry file; bump to orphan every entry
ENTRY_DIR = "results"
# Libraries whose version changes what the per-document stages produce.
LIBRARIES = ("pypdfium2", "pdfplumber", "pdfminer.six", "spacy", "scikit-learn", "skops")


class CacheError(Exception):
    """An entry that cannot be used (unreadable, corrupt, or for another key)."""


def default_cache_dir() -> Path:
    """``$TIPGAP_CACHE_DIR``, else ``$XDG_CACHE_HOME/tipgap``, else ``~/.cache/tipgap``."""
    explicit = os.environ.get("TIPGAP_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "tipgap"


# ------------------------------------------------------------------ versions


# The per-document stages start here; the modules they import (at any depth, function-level
# imports included) make up the code version. Report, spreadsheet or CLI edits do not
# invalidate cached results; an edit to anything a per-document stage runs does.
STAGE_ROOTS = ("pipeline", "cache")
# Data files that only the coverage stage reads (no per-document stage loads the checklist):
# editing the checklist re-runs coverage on cached documents instead of re-reading every PDF.
COVERAGE_ONLY_DATA = frozenset({"checklist.toml"})


@lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of the sources of the per-document stages and of the data files they read."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in stage_files(root):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def stage_files(root: Path) -> list[Path]:
    """The package files whose content decides a per-document result: stage modules, data files."""
    files = [root / f"{name}.py" for name in sorted(stage_modules(root))]
    files += sorted(
        p for p in (root / "data").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.name not in COVERAGE_ONLY_DATA
    )
    return files


def stage_modules(root: Path) -> set[str]:
    """Names of the package's modules the per-document stages import, transitively
    (read from the sources' ``from .x import`` statements, wherever they sit)."""
    import ast

    seen: set[str] = set()
    todo = list(STAGE_ROOTS)
    while todo:
        name = todo.pop()
        path = root / f"{name}.py"
        if name in seen or not path.is_file():
            continue
        seen.add(name)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = root.name
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                parts = (node.module or "").split(".") if node.module else []
                if node.level == 0:  # "from analyser.x import y" / "from analyser import x"
                    if not parts or parts[0] != package:
                        continue
                    parts = parts[1:]
                elif node.level != 1:
                    continue
                todo += [parts[0]] if parts else [alias.name for alias in node.names]
            elif isinstance(node, ast.Import):  # "import analyser.x"
                todo += [a.name.split(".")[1] for a in node.names if a.name.startswith(package + ".")]
    return seen


@lru_cache(maxsize=1)
def library_versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = ""
    return versions


@lru_cache(maxsize=8)
def model_version(model: str) -> str:
    """Hash of the files of the tagging model a setting names ("none" when rules only)."""
    if model in ("", "none"):
        return "none"
    directory: Path | None
    try:
        from .classify import META_FILE, default_model_dir
    except ImportError:  # no model support in this build: rules only
        return "none"
    directory = default_model_dir() if model == "default" else Path(model)
    if not (directory / META_FILE).is_file():
        return "none" if model == "default" else f"missing:{directory}"
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(path.relative_to(directory).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def settings_fingerprint(settings: Any) -> dict[str, Any]:
    """The per-document settings as plain JSON values, defaults filled in."""
    from .extract import ExtractSettings

    if settings is None:
        from .pipeline import PipelineSettings

        settings = PipelineSettings()
    values = {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)}
    values["extract"] = ExtractSettings.resolve(values.get("extract") or None).as_dict()
    return json.loads(json.dumps(values, sort_keys=True, default=str))


def pipeline_version(settings: Any = None) -> str:
    """Everything besides the file's bytes that decides a document's result, hashed."""
    from . import __version__
    from .knowledge import data_version

    fingerprint = settings_fingerprint(settings)
    parts = {
        "format": FORMAT,
        "package": __version__,
        "data": data_version(exclude=COVERAGE_ONLY_DATA),
        "code": code_version(),
        "libraries": library_versions(),
        "settings": fingerprint,
        "model": model_version(str(fingerprint.get("model", "none"))),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()[:32]


def entry_key(source: Source, version: str) -> str:
    """The cache key of one source under one pipeline version."""
    identity = json.dumps([source.sha256, source.jurisdiction, source.name, source.kind, version])
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------- store


class ResultCache:
    """Per-document results on disk, keyed by content and pipeline version."""

    def __init__(self, directory: Path | str | None = None, settings: Any = None) -> None:
        self.directory = Path(directory).expanduser() if directory else default_cache_dir()
        self.version = pipeline_version(settings)
        self.hits = 0
        self.misses = 0
        self.errors = 0

    def path_for(self, source: Source) -> Path:
        key = entry_key(source, self.version)
        return self.directory / ENTRY_DIR / key[:2] / f"{key}.json.gz"

    def get(self, source: Source) -> DocumentResult | None:
        """The cached result of ``source``, or None (a miss, or an entry that cannot be used)."""
        if not source.sha256:
            return None
        path = self.path_for(source)
        try:
            result = load_entry(path, source, entry_key(source, self.version))
        except FileNotFoundError:
            self.misses += 1
            return None
        except CacheError as err:
            log.warning("ignoring unusable cache entry %s (%s); it will be rewritten", path, err)
            self.errors += 1
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, result: DocumentResult) -> None:
        """Store a result (best effort: a cache that cannot be written is reported, not fatal)."""
        source = result.source
        if not source.sha256:
            return
        path = self.path_for(source)
        try:
            write_entry(path, result, entry_key(source, self.version))
        except OSError as err:
            log.warning("cannot write cache entry %s: %s", path, err)


def load_entry(path: Path, source: Source, key: str) -> DocumentResult:
    """Read one entry; the result gets ``source`` (the file may have moved since).

    Raises:
        FileNotFoundError: no entry.
        CacheError: the entry is corrupt, truncated, for another key or of another format.
    """
    try:
        with gzip.open(path, "rb") as handle:
            data = json.loads(handle.read().decode("utf-8"))
    except FileNotFoundError:
        raise
    except (OSError, EOFError, ValueError, UnicodeError) as err:
        raise CacheError(f"{type(err).__name__}: {err}") from err
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
        raise CacheError("not an entry of this format and key")
    try:
        result = decode(DocumentResult, data.get("result"))
    except (TypeError, ValueError, KeyError) as err:
        raise CacheError(f"does not decode: {err}") from err
    return dataclasses.replace(result, source=source)


def write_entry(path: Path, result: DocumentResult, key: str) -> None:
    """Write one entry atomically (temporary file in the same folder, then ``os.replace``)."""
    payload = json.dumps({"format": FORMAT, "key": key, "result": encode(result)}, ensure_ascii=False,
                         separators=(",", ":")).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", suffix=".gz", delete=False)
    try:
        with handle:
            with gzip.GzipFile(fileobj=handle, mode="wb", compresslevel=3, mtime=0) as gz:
                gz.write(payload)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------ encoding


def encode(value: Any) -> Any:
    """Dataclasses, tuples and paths as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def decode(kind: Any, value: Any) -> Any:
    """Rebuild a value of type ``kind`` (a dataclass of :mod:`analyser.models` or a field type)
    from JSON, checking every type on the way: a planted entry can only fail, never run code."""
    return _decoder(kind)(value)


Decoder = Callable[[Any], Any]


@lru_cache(maxsize=None)
def _decoder(kind: Any) -> Decoder:
    """The checking decoder of one type, built once (a scan decodes hundreds of thousands of values)."""
    origin = get_origin(kind)
    if dataclasses.is_dataclass(kind):
        return _dataclass_decoder(kind)
    if origin is tuple:
        args = get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])

            def many(value: Any) -> Any:
                if not isinstance(value, list):
                    raise TypeError("expected a list")
                return tuple([item(v) for v in value])

            return many
        parts = tuple(_decoder(a) for a in args)

        def fixed(value: Any) -> Any:
            if not isinstance(value, list):
                raise TypeError("expected a list")
            if len(parts) != len(value):
                raise TypeError("tuple of the wrong length")
            return tuple(part(v) for part, v in zip(parts, value))

        return fixed
    if origin in (Union, types.UnionType):
        options = tuple(_decoder(arg) for arg in get_args(kind))

        def union(value: Any) -> Any:
            for option in options:
                try:
                    return option(value)
                except (TypeError, ValueError):
                    continue
            raise TypeError(f"{value!r} matches no type of {kind}")

        return union
    if origin is Literal:
        allowed = get_args(kind)

        def literal(value: Any) -> Any:
            if value not in allowed:
                raise ValueError(f"{value!r} is not one of {allowed}")
            return value

        return literal
    if kind is type(None):
        def none(value: Any) -> Any:
            if value is not None:
                raise TypeError("expected null")
            return None

        return none
    if kind is Path:
        def path(value: Any) -> Any:
            if not isinstance(value, str):
                raise TypeError("expected a path string")
            return Path(value)

        return path
    if kind is float:
        def number(value: Any) -> Any:
            if value.__class__ is float:
                return value
            if value.__class__ is not int:
                raise TypeError("expected a number")
            return float(value)

        return number
    if kind in (str, int, bool):
        def scalar(value: Any) -> Any:
            if value.__class__ is not kind:  # exact: a bool is no int here
                raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
            return value

        return scalar
    if kind is typing.Any:
        return lambda value: value
    raise TypeError(f"cannot decode a {kind!r}")


def _dataclass_decoder(kind: type) -> Decoder:
    hints = _hints(kind)
    fields = {f.name: None for f in dataclasses.fields(kind)}  # decoders filled on first use
    name = kind.__name__

    def dataclass_value(value: Any) -> Any:
        if not isinstance(value, dict):
            raise TypeError(f"{name}: expected an object")
        try:
            return kind(**{key: (fields[key] or _field(key))(v) for key, v in value.items()})
        except KeyError:
            unknown = set(value) - set(fields)
            if unknown:
                raise TypeError(f"{name}: unknown fields {sorted(unknown)}") from None
            raise

    def _field(key: str) -> Decoder:
        decoder = fields[key] = _decoder(hints[key])
        return decoder

    return dataclass_value


@lru_cache(maxsize=None)
def _hints(kind: type) -> dict[str, Any]:
    return get_type_hints(kind, vars(models))


__all__ = ["ResultCache", "default_cache_dir", "pipeline_version", "code_version", "entry_key",
           "encode", "decode", "CacheError"]
