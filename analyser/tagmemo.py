"""Rule tags of short texts, remembered across scans (issue 8).

After the per-document stages, two readers still run the rule patterns on a few short
texts: the coverage stage reads the headings of offence provisions, and the report
highlights the matched words of each evidence quote. Building the spaCy tagger for them
costs two to three seconds, most of a warm re-run. This memo keeps their hits beside the
result cache, in one file per pipeline version (patterns, code, libraries: the key of
:class:`analyser.cache.ResultCache`), so a warm scan never imports spaCy.

The file is gzip-compressed JSON, checked value by value when read: an entry that does not
have the expected shape is ignored (the texts are simply tagged again), and it is replaced
atomically when new texts were tagged. Without a memo file (no cache) texts are tagged in
memory only.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import tempfile
from pathlib import Path

from .rules import Hit

log = logging.getLogger(__name__)

MEMO_DIR = "rule-tags"
FORMAT = 1

_hits: dict[str, dict[str, list[Hit]]] = {}  # text -> tag -> hits
_path: Path | None = None
_dirty = False


def use_memo(directory: Path | None, version: str) -> None:
    """Remember tags in ``directory``/rule-tags/<version>.json.gz (None: in memory only)."""
    global _path, _dirty
    path = directory / MEMO_DIR / f"{version}.json.gz" if directory is not None else None
    if path == _path:
        return
    _hits.clear()
    _path, _dirty = path, False
    if path is not None:
        _hits.update(_read(path))


def rule_tags(text: str) -> dict[str, list[Hit]]:
    """The rule tagger's output for ``text`` (:meth:`analyser.rules.RuleTagger.tag_text`), memoised."""
    global _dirty
    found = _hits.get(text)
    if found is None:
        from .rules import default_tagger

        found = _hits[text] = default_tagger().tag_text(text)
        _dirty = True
    return found


def save_memo() -> None:
    """Write the memo file if texts were tagged since it was read (best effort)."""
    global _dirty
    if _path is None or not _dirty:
        return
    data = {
        "format": FORMAT,
        "texts": {
            text: {tag: [[h.start, h.end, h.pattern_id, h.negated] for h in hits] for tag, hits in sorted(tags.items())}
            for text, tags in sorted(_hits.items())
        },
    }
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    try:
        _path.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(dir=_path.parent, prefix=".tmp-", suffix=".gz", delete=False)
        try:
            with handle:
                with gzip.GzipFile(fileobj=handle, mode="wb", compresslevel=3, mtime=0) as gz:
                    gz.write(payload)
            os.replace(handle.name, _path)
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
    except OSError as err:
        log.warning("cannot write the rule-tag memo %s: %s", _path, err)
        return
    _dirty = False


def _read(path: Path) -> dict[str, dict[str, list[Hit]]]:
    try:
        with gzip.open(path, "rb") as handle:
            data = json.loads(handle.read().decode("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, EOFError, ValueError, UnicodeError) as err:
        log.warning("ignoring unreadable rule-tag memo %s (%s)", path, err)
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("texts"), dict):
        return {}
    out: dict[str, dict[str, list[Hit]]] = {}
    for text, tags in data["texts"].items():
        try:
            out[text] = {tag: [_hit(tag, value) for value in hits] for tag, hits in tags.items()}
        except (TypeError, ValueError, AttributeError):
            continue  # a malformed entry: that text is tagged again
    return out


def _hit(tag: str, value: object) -> Hit:
    if not (isinstance(value, list) and len(value) == 4):
        raise ValueError("a hit is [start, end, pattern_id, negated]")
    start, end, pattern_id, negated = value
    if type(start) is not int or type(end) is not int or not isinstance(pattern_id, str) or type(negated) is not bool:
        raise TypeError("a hit has the wrong types")
    return Hit(tag, start, end, pattern_id, negated)
