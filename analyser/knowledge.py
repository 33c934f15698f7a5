"""Load and validate the versioned data files: checklist, tag set, phrase patterns.

The data lives in ``analyser/data/``; each file is checked against its JSON Schema in
``analyser/data/schemas/`` and against the others (every tag a rule names must exist).
Loaded data is returned as frozen dataclasses and cached, so callers cannot mutate it.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema

from .errors import DataFileError

DATA_PACKAGE = "analyser.data"


@dataclass(frozen=True)
class Item:
    """One checklist item."""

    number: int
    id: str
    title: str
    question: str
    met: str
    partial: str
    sources: tuple[str, ...]
    recommendation: str
    rule: dict[str, Any]


@dataclass(frozen=True)
class Checklist:
    version: str
    title: str
    items: tuple[Item, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise DataFileError(f"unknown checklist item {item_id!r}; known items: {', '.join(self.ids)}")


@dataclass(frozen=True)
class TagInfo:
    id: str
    group: str
    description: str
    keywords: tuple[str, ...]
    core: bool = False


def _read_text(name: str) -> str:
    return resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")


def _validate(data: dict[str, Any], schema_name: str, file_name: str) -> None:
    schema = json.loads(_read_text(f"schemas/{schema_name}"))
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as err:
        where = "/".join(str(p) for p in err.absolute_path)
        raise DataFileError(f"{file_name}: {err.message} (at {where or 'top level'})") from err


@lru_cache(maxsize=1)
def load_tags() -> dict[str, TagInfo]:
    """The tag set, keyed by tag id, in file order."""
    data = tomllib.loads(_read_text("tags.toml"))
    _validate(data, "tags.schema.json", "tags.toml")
    tags: dict[str, TagInfo] = {}
    for entry in data["tags"]:
        if entry["id"] in tags:
            raise DataFileError(f"tags.toml: tag {entry['id']!r} is defined twice")
        tags[entry["id"]] = TagInfo(
            id=entry["id"],
            group=entry["group"],
            description=entry["description"],
            keywords=tuple(entry["keywords"]),
            core=bool(entry.get("core", False)),
        )
    return tags


@lru_cache(maxsize=1)
def load_patterns() -> dict[str, Any]:
    """The phrase patterns (validated; treat as read-only)."""
    data: dict[str, Any] = json.loads(_read_text("patterns.json"))
    _validate(data, "patterns.schema.json", "patterns.json")
    known = load_tags()
    ids: set[str] = set()
    for pattern in data["patterns"]:
        if pattern["id"] in ids:
            raise DataFileError(f"patterns.json: pattern id {pattern['id']!r} is used twice")
        ids.add(pattern["id"])
        for tag in (pattern["tag"], pattern.get("blocks")):
            if tag and tag not in known:
                raise DataFileError(f"patterns.json: pattern {pattern['id']!r} names unknown tag {tag!r}")
    for composite in data["composites"]:
        named = [composite["tag"], *composite["none"], *composite.get("unreferenced", [])]
        named += [tag for group in composite["all"] for tag in group]
        for tag in named:
            if tag not in known:
                raise DataFileError(f"patterns.json: composite {composite['tag']!r} names unknown tag {tag!r}")
    return data


@lru_cache(maxsize=1)
def load_checklist() -> Checklist:
    """The checklist, validated against its schema and the tag set."""
    data = tomllib.loads(_read_text("checklist.toml"))
    _validate(data, "checklist.schema.json", "checklist.toml")
    known = load_tags()
    items = []
    for number, entry in enumerate(data["items"], start=1):
        if entry["number"] != number:
            raise DataFileError(f"checklist.toml: item {entry['id']!r} is numbered {entry['number']}, expected {number}")
        for tag in _rule_tags(entry["rule"]):
            if tag not in known:
                raise DataFileError(f"checklist.toml: item {entry['id']!r} names unknown tag {tag!r}")
        items.append(
            Item(
                number=entry["number"],
                id=entry["id"],
                title=entry["title"],
                question=entry["question"],
                met=entry["met"],
                partial=entry["partial"],
                sources=tuple(entry["sources"]),
                recommendation=entry["recommendation"],
                rule=entry["rule"],
            )
        )
    if len({item.id for item in items}) != len(items):
        raise DataFileError("checklist.toml: item ids must be unique")
    return Checklist(version=data["version"], title=data["title"], items=tuple(items))


def _rule_tags(rule: dict[str, Any]) -> list[str]:
    tags: list[str] = []
    for key, value in rule.items():
        if key.endswith("_tags") or key == "tags":
            tags += value
        elif key == "groups":
            tags += [tag for group in value for tag in group]
    return tags


@lru_cache(maxsize=4)
def data_version(exclude: frozenset[str] = frozenset()) -> str:
    """A hash of the data files (less ``exclude``): part of the cache key of the tagging stages."""
    digest = hashlib.sha256()
    for name in ("checklist.toml", "tags.toml", "patterns.json"):
        if name not in exclude:
            digest.update(_read_text(name).encode("utf-8"))
    return digest.hexdigest()[:16]
