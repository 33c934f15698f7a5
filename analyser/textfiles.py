"""Plain text from .txt, .md and .html sources, split into pages on form feeds.

Decoding tries byte-order marks, then strict UTF-8, then charset-normalizer; bytes
that fit no encoding raise :class:`~analyser.errors.ExtractionError` with a message
fit for ``problems.csv``. Markdown and HTML are rendered to plain text that keeps
the line structure of the source (one paragraph or heading per line).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .errors import ExtractionError

MAX_CHAOS = 0.25  # charset-normalizer "mess" above this: the guess is not trusted
TEXT_KINDS = ("txt", "md", "html")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass
class TextResult:
    """The decoded and rendered text of one text source."""

    pages: list[str]
    title: str
    chars_source: int  # non-whitespace characters of the decoded file
    encoding: str
    notes: list[str] = field(default_factory=list)  # informational messages


def read_text_source(path: Path, kind: str) -> TextResult:
    """Read a .txt/.md/.html file into pages of plain text.

    Args:
        path: the file.
        kind: "txt", "md" or "html".

    Returns:
        A :class:`TextResult`.

    Raises:
        ExtractionError: the bytes cannot be decoded, or ``kind`` is unknown.
        OSError: the file cannot be read.
    """
    if kind not in TEXT_KINDS:
        raise ExtractionError(f"unsupported text kind {kind!r}; expected one of {list(TEXT_KINDS)}")
    text, encoding = decode_bytes(path.read_bytes())
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    visible = len(text) - sum(1 for c in text if c.isspace())
    title = ""
    if kind == "md":
        text, title = render_markdown(text)
    elif kind == "html":
        text, title = render_html(text)
    else:
        title = next((line.strip() for line in text.split("\n") if line.strip()), "")[:200]
    notes = [] if encoding in ("utf-8", "utf-8-sig", "ascii") else [f"decoded as {encoding} (not UTF-8)"]
    return TextResult(split_pages(text), title, visible, encoding, notes)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode file bytes; returns ``(text, encoding)``.

    Raises:
        ExtractionError: no encoding fits (the message names the first bad byte).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise ExtractionError(_undecodable(exc, f"starts with a {encoding} byte-order mark but")) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > MAX_CHAOS or "\x00" in str(best):
        raise ExtractionError(_undecodable(utf8_error, "is not UTF-8 and no other text encoding fits:"))
    return str(best), best.encoding


def _undecodable(exc: UnicodeDecodeError, what: str) -> str:
    byte = exc.object[exc.start : exc.start + 1].hex()
    return f"undecodable text: the file {what} byte 0x{byte} at offset {exc.start} is invalid"


def split_pages(text: str) -> list[str]:
    """Pages separated by form feeds (a trailing empty page is dropped)."""
    pages = text.split("\f")
    if len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    return [page.strip("\n") for page in pages]


# -------------------------------------------------------------------- markdown

_FRONT_MATTER_RE = re.compile(r"\A\ufeff?---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FM_TITLE_RE = re.compile(r"^title:\s*[\"']?(.*?)[\"']?\s*$", re.MULTILINE)
_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}(?:\s+|(?=\S))(.*?)(?:\s+#+)?\s*$")
_RULE_RE = re.compile(r"^\s{0,3}(?:[-=_*]\s*){3,}$")
_FENCE_RE = re.compile(r"^\s{0,3}(?:```|~~~)")
_QUOTE_RE = re.compile(r"^\s*(?:>\s?)+")
_BULLET_RE = re.compile(r"^\s*[-*+]\s+")
_REF_DEF_RE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$")
_TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_INLINE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # image -> alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),  # autolink
    (re.compile(r"`([^`]*)`"), r"\1"),  # code span
    (re.compile(r"(\*\*\*|___)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), ""),  # inline HTML tags
)
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_ESCAPED_RE = re.compile("[\ue000-\ue07f]")  # private-use stand-ins for escaped characters


def render_markdown(text: str) -> tuple[str, str]:
    """Markdown to plain text, line by line; returns ``(text, title)``.

    Strips YAML front matter, HTML comments, heading markers, emphasis, link and
    image syntax, list bullets, block quotes, rules and code fences.
    """
    title = ""
    front = _FRONT_MATTER_RE.match(text)
    if front:
        found = _FM_TITLE_RE.search(front.group(1))
        title = found.group(1).strip() if found else ""
        text = text[front.end() :]
    text = _COMMENT_RE.sub("", text)
    lines = []
    for raw in text.split("\n"):
        line, heading = render_markdown_line(raw)
        if line is None:
            continue
        if heading and not title:
            title = line
        lines.append(line)
    return "\n".join(lines).strip("\n"), title[:200]


def render_markdown_line(raw: str) -> tuple[str | None, bool]:
    """One Markdown line as plain text; None for lines that carry no text.
    The flag tells whether the line was a heading."""
    if _RULE_RE.match(raw) or _FENCE_RE.match(raw) or _REF_DEF_RE.match(raw) or _TABLE_SEP_RE.match(raw):
        return None, False
    line = _QUOTE_RE.sub("", raw)
    heading = _HEADING_RE.match(line)
    if heading:
        line = heading.group(1)
    line = _BULLET_RE.sub("", line)
    if line.lstrip().startswith("|"):
        line = "  ".join(cell.strip() for cell in line.strip().strip("|").split("|"))
    line = _ESCAPE_RE.sub(lambda m: chr(0xE000 + ord(m.group(1))), line)
    for pattern, replacement in _INLINE_RULES:
        line = pattern.sub(replacement, line)
    line = _ESCAPED_RE.sub(lambda m: chr(ord(m.group(0)) - 0xE000), line)
    return line.strip(), bool(heading)


# ------------------------------------------------------------------------ html

_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head"})
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody td th thead tr ul".split()
)


class _TextCollector(HTMLParser):
    """Collects visible text; block elements end lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self._skip = 0
        self._in_title = False
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in _SKIPPED_TAGS:
            self._skip += 1
        if tag == "pre":
            self._pre += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIPPED_TAGS and self._skip:
            self._skip -= 1
        if tag == "pre" and self._pre:
            self._pre -= 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        if self._skip:
            return
        self.parts.append(data if self._pre else re.sub(r"\s+", " ", data))


def render_html(text: str) -> tuple[str, str]:
    """HTML to plain text with the standard library parser; returns ``(text, title)``.

    Scripts, styles and the document head are dropped; block elements end lines.
    """
    collector = _TextCollector()
    collector.feed(text)
    collector.close()
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in "".join(collector.parts).split("\n")]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    title = re.sub(r"\s+", " ", "".join(collector.title_parts)).strip()
    return body, title[:200]
