"""Content-addressed cache of per-document results (issue 8).

An unchanged document is not extracted, segmented or tagged again. A result is stored in
two entries, one per tier of stages:

- the *text* entry (extraction and segmentation: pages, provisions, health, problems) is
  keyed by the SHA-256 of the file's bytes plus the *text version*: the package version,
  the code of the modules those stages run, the data files they may read, the versions of
  the PDF libraries and the extraction settings;
- the *tags* entry is keyed by the file's hash plus the full *pipeline version* (the text
  version, the rule patterns and tag set, the tagging code, spaCy and scikit-learn, the
  tagging model's files) and names the text entry it tags.

Change anything and the old entries are simply never looked up again: the cache never
serves a result of an older pipeline. A change of the model or the patterns misses the
tags entry only: the document is tagged again from its cached text, not read again (the
re-scan a researcher runs after re-training). The checklist is in neither key: no
per-document stage reads it. The jurisdiction and file name are part of both keys,
because provision ids are built from them.

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

FORMAT = 2  # layout of an entry file; bump to orphan every entry (2: text and tags tiers)
ENTRY_DIR = "results"
# Libraries whose version changes what the per-document stages produce.
LIBRARIES = ("pypdfium2", "pdfplumber", "pdfminer.six", "spacy", "scikit-learn", "numpy", "scipy")


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
# The text tier: extraction and segmentation (and the orchestrating pipeline module itself).
TEXT_ROOTS = ("extract", "segment")
TEXT_MODULES = frozenset({"pipeline", "cache"})
# Data files only the tagging stage reads: editing them re-tags cached text.
TAGGING_ONLY_DATA = frozenset({"patterns.json", "tags.toml"})
TEXT_LIBRARIES = ("pypdfium2", "pdfplumber", "pdfminer.six")
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


@lru_cache(maxsize=1)
def text_code_version() -> str:
    """Hash of the sources of the extraction and segmentation stages and of the data they may read."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in stage_files(root, text_only=True):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def stage_files(root: Path, text_only: bool = False) -> list[Path]:
    """The package files whose content decides a per-document result (``text_only``: its text
    tier, extraction and segmentation): stage modules, data files."""
    modules = stage_modules(root, TEXT_ROOTS) | TEXT_MODULES if text_only else stage_modules(root)
    skipped = COVERAGE_ONLY_DATA | (TAGGING_ONLY_DATA if text_only else frozenset())
    files = [root / f"{name}.py" for name in sorted(modules)]
    files += sorted(
        p for p in (root / "data").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.name not in skipped
    )
    return files


def stage_modules(root: Path, roots: tuple[str, ...] = STAGE_ROOTS) -> set[str]:
    """Names of the package's modules the per-document stages import, transitively
    (read from the sources' ``from .x import`` statements, wherever they sit)."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        path = root / f"{name}.py"
        if name in seen or not path.is_file():
            continue
        seen.add(name)
        todo += _package_imports(str(path), root.name)
    return seen


@lru_cache(maxsize=None)
def _package_imports(path: str, package: str) -> tuple[str, ...]:
    """The package modules one source file imports (parsed once per process)."""
    import ast

    found: list[str] = []
    for node in ast.walk(ast.parse(Path(path).read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            parts = (node.module or "").split(".") if node.module else []
            if node.level == 0:  # "from analyser.x import y" / "from analyser import x"
                if not parts or parts[0] != package:
                    continue
                parts = parts[1:]
            elif node.level != 1:
                continue
            found += [parts[0]] if parts else [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):  # "import analyser.x"
            found += [a.name.split(".")[1] for a in node.names if a.name.startswith(package + ".")]
    return tuple(found)


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


def text_version(settings: Any = None) -> str:
    """Everything besides the file's bytes that decides its extracted and segmented text, hashed."""
    from . import __version__

    fingerprint = settings_fingerprint(settings)
    fingerprint.pop("model", None)
    parts = {
        "format": FORMAT,
        "package": __version__,
        "code": text_code_version(),
        "libraries": {name: version for name, version in library_versions().items() if name in TEXT_LIBRARIES},
        "settings": fingerprint,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()[:32]


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
    """Per-document results on disk, in a text tier and a tags tier (see the module docstring)."""

    def __init__(self, directory: Path | str | None = None, settings: Any = None) -> None:
        self.directory = Path(directory).expanduser() if directory else default_cache_dir()
        self.version = pipeline_version(settings)
        self.text_version = text_version(settings)
        self.hits = 0
        self.misses = 0
        self.text_hits = 0  # misses whose text tier was found (tagged again, not read again)
        self.errors = 0

    def _path(self, key: str) -> Path:
        return self.directory / ENTRY_DIR / key[:2] / f"{key}.json.gz"

    def path_for(self, source: Source) -> Path:
        """The tags entry of ``source`` (it names its text entry)."""
        return self._path(entry_key(source, self.version))

    def text_path_for(self, source: Source) -> Path:
        return self._path(entry_key(source, self.text_version))

    def get(self, source: Source) -> DocumentResult | None:
        """The cached result of ``source``, or None (a miss, or an entry that cannot be used)."""
        if not source.sha256:
            return None
        key, text_key = entry_key(source, self.version), entry_key(source, self.text_version)
        try:
            tags = load_tags_entry(self._path(key), key, text_key)
            text = load_text_entry(self._path(text_key), source, text_key)
        except FileNotFoundError:
            self.misses += 1
            return None
        except CacheError as err:
            log.warning("ignoring unusable cache entry of %s (%s); it will be rewritten", source.name, err)
            self.errors += 1
            self.misses += 1
            return None
        self.hits += 1
        return dataclasses.replace(text, tags=tags)

    def get_text(self, source: Source) -> DocumentResult | None:
        """The cached extracted and segmented result of ``source`` (no tags), or None."""
        if not source.sha256:
            return None
        text_key = entry_key(source, self.text_version)
        try:
            text = load_text_entry(self._path(text_key), source, text_key)
        except FileNotFoundError:
            return None
        except CacheError as err:
            log.warning("ignoring unusable cache entry of %s (%s); it will be rewritten", source.name, err)
            self.errors += 1
            return None
        self.text_hits += 1
        return text

    def put(self, result: DocumentResult) -> None:
        """Store a result (best effort: a cache that cannot be written is reported, not fatal)."""
        source = result.source
        if not source.sha256:
            return
        key, text_key = entry_key(source, self.version), entry_key(source, self.text_version)
        try:
            write_json(self._path(text_key), {"format": FORMAT, "key": text_key, "kind": "text",
                                              "result": encode(dataclasses.replace(result, tags=()))})
            write_json(self._path(key), {"format": FORMAT, "key": key, "kind": "tags", "text_key": text_key,
                                         "tags": encode(result.tags)})
        except OSError as err:
            log.warning("cannot write the cache entries of %s: %s", source.name, err)


def _read_json(path: Path, key: str, kind: str) -> dict[str, Any]:
    try:
        with gzip.open(path, "rb") as handle:
            data = json.loads(handle.read().decode("utf-8"))
    except FileNotFoundError:
        raise
    except (OSError, EOFError, ValueError, UnicodeError) as err:
        raise CacheError(f"{type(err).__name__}: {err}") from err
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key or data.get("kind") != kind:
        raise CacheError(f"not a {kind} entry of this format and key")
    return data


def load_text_entry(path: Path, source: Source, key: str) -> DocumentResult:
    """Read a text entry; the result gets ``source`` (the file may have moved since) and no tags.

    Raises:
        FileNotFoundError: no entry.
        CacheError: the entry is corrupt, truncated, for another key or of another format.
    """
    data = _read_json(path, key, "text")
    try:
        result = decode(DocumentResult, data.get("result"))
    except (TypeError, ValueError, KeyError) as err:
        raise CacheError(f"does not decode: {err}") from err
    return dataclasses.replace(result, source=source, tags=())


def load_tags_entry(path: Path, key: str, text_key: str) -> tuple[models.Tag, ...]:
    """Read a tags entry made for the text entry ``text_key`` (raises as :func:`load_text_entry`)."""
    data = _read_json(path, key, "tags")
    if data.get("text_key") != text_key:
        raise CacheError("tags of another text entry")
    try:
        return decode(_hints(DocumentResult)["tags"], data.get("tags"))  # type: ignore[no-any-return]
    except (TypeError, ValueError, KeyError) as err:
        raise CacheError(f"does not decode: {err}") from err


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write one entry atomically (temporary file in the same folder, then ``os.replace``)."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
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


__all__ = ["ResultCache", "default_cache_dir", "pipeline_version", "text_version", "code_version", "entry_key",
           "encode", "decode", "CacheError"]
