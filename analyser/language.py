"""A tiny language detector: the share of a text's tokens that are function words.

The word lists live in ``analyser/data/languages.json``. The detector only has to
tell English statutes from the others (Malay bills, Vietnamese codes) so that a
document the checklist patterns cannot read is reported, not scored as gaps.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import DataFileError

LANGUAGES_FILE = Path(__file__).parent / "data" / "languages.json"
UNDETERMINED = "und"
DEFAULT_MIN_TOKENS = 50  # fewer tokens than this: no verdict
DEFAULT_MIN_RATIO = 0.12  # best language must cover at least this share of tokens
DEFAULT_SAMPLE_CHARS = 200_000  # only look at this much text

_TOKEN_RE = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class LanguageGuess:
    """Result of :func:`detect_language`."""

    code: str  # ISO 639-1 code, or "und"
    name: str
    ratio: float  # share of tokens that are function words of ``code``
    tokens: int


@lru_cache(maxsize=1)
def load_languages() -> dict[str, dict[str, object]]:
    """Load and check ``data/languages.json``; returns ``{code: entry}``."""
    data = json.loads(LANGUAGES_FILE.read_text(encoding="utf-8"))
    languages = data.get("languages") if isinstance(data, dict) else None
    if not isinstance(languages, dict) or not languages:
        raise DataFileError("data/languages.json: expected a non-empty 'languages' object")
    for code, entry in languages.items():
        words = entry.get("stopwords") if isinstance(entry, dict) else None
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise DataFileError(f"data/languages.json: '{code}' needs a list of stopwords")
        if any(w != w.lower() or not w.strip() for w in words):
            raise DataFileError(f"data/languages.json: '{code}' stopwords must be lower case")
    return languages


def word_list(code: str, key: str) -> frozenset[str]:
    """A word list of one language from the data file (empty when absent)."""
    entry = load_languages().get(code, {})
    words = entry.get(key, []) if isinstance(entry, dict) else []
    return frozenset(str(w) for w in words) if isinstance(words, list) else frozenset()


def detect_language(
    text: str,
    min_tokens: int = DEFAULT_MIN_TOKENS,
    min_ratio: float = DEFAULT_MIN_RATIO,
    sample_chars: int = DEFAULT_SAMPLE_CHARS,
) -> LanguageGuess:
    """Guess the language of ``text`` from its share of function words.

    Args:
        text: any amount of text; only the first ``sample_chars`` are read.
        min_tokens: below this many word tokens the answer is ``"und"``.
        min_ratio: the best language must reach this token share, else ``"und"``.
        sample_chars: how much of the text to look at.

    Returns:
        A :class:`LanguageGuess`.
    """
    tokens = _TOKEN_RE.findall(text[:sample_chars].lower())
    if len(tokens) < min_tokens:
        return LanguageGuess(UNDETERMINED, "undetermined", 0.0, len(tokens))
    best_code, best_ratio = UNDETERMINED, 0.0
    for code in load_languages():
        words = word_list(code, "stopwords")
        ratio = sum(1 for t in tokens if t in words) / len(tokens)
        if ratio > best_ratio:
            best_code, best_ratio = code, ratio
    if best_ratio < min_ratio:
        return LanguageGuess(UNDETERMINED, "undetermined", best_ratio, len(tokens))
    name = str(load_languages()[best_code].get("name", best_code))
    return LanguageGuess(best_code, name, round(best_ratio, 4), len(tokens))
