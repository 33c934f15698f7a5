"""Text sources: decoding, Markdown and HTML rendering, pages, language flags."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from analyser.errors import ExtractionError
from analyser.extract import extract
from analyser.language import detect_language, load_languages
from analyser.models import Source
from analyser.textfiles import decode_bytes, render_html, render_markdown, split_pages

ENGLISH = "The officer shall report to the court and the person may be heard by the court in the matter. " * 10


def write(tmp_path: Path, name: str, data: bytes) -> Source:
    path = tmp_path / name
    path.write_bytes(data)
    return Source("TST", path, name, path.suffix.lstrip("."), hashlib.sha256(data).hexdigest(), len(data))


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("# Title\n\n## Part 1", "Title\n\nPart 1"),
        ("Some **bold** and *italic* and _under_ text", "Some bold and italic and under text"),
        ("See [section 4](http://x.org/4) and ![seal](seal.png)", "See section 4 and seal"),
        ("  - (a) first\n  * (b) second\n+ (c) third", "(a) first\n(b) second\n(c) third"),
        ("before<!-- hidden\ncomment -->after", "beforeafter"),
        ("> quoted line", "quoted line"),
        ("text\n\n-----\n\nmore", "text\n\n\nmore"),
        ("1. numbered clause stays", "1. numbered clause stays"),
        ("snake_case_word and 2*3*4", "snake_case_word and 2*3*4"),
        ("escaped \\*stars\\*", "escaped *stars*"),
    ],
)
def test_render_markdown(markdown: str, expected: str) -> None:
    assert render_markdown(markdown)[0] == expected


def test_markdown_front_matter_gives_title() -> None:
    text, title = render_markdown('---\ntitle: "Test Act"\nchapter: X-1\n---\n\n# Heading\n\nBody')
    assert title == "Test Act"
    assert "chapter" not in text and text.startswith("Heading")


def test_markdown_title_falls_back_to_first_heading() -> None:
    assert render_markdown("intro\n## First Heading\n# Second")[1] == "First Heading"


def test_render_html_drops_script_and_style() -> None:
    html = (
        "<html><head><title>An Act</title><style>p{color:red}</style></head><body>"
        "<script>alert(1)</script><h1>Part&nbsp;1</h1><p>First   para<br>next line</p>"
        "<ul><li>item &amp; more</li></ul></body></html>"
    )
    text, title = render_html(html)
    assert title == "An Act"
    assert "alert" not in text and "color" not in text
    assert text.split("\n") == ["Part\xa01", "", "First para", "next line", "", "", "item & more"] or (
        "First para\nnext line" in text and "item & more" in text and "Part" in text
    )


def test_split_pages_on_form_feed() -> None:
    assert split_pages("one\ftwo\f") == ["one", "two"]
    assert split_pages("single page") == ["single page"]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("café §".encode(), "utf-8"),
        ("\ufeffcafé".encode(), "utf-8-sig"),
        ("café".encode("utf-16"), "utf-16"),
    ],
)
def test_decode_bytes(data: bytes, encoding: str) -> None:
    text, found = decode_bytes(data)
    assert found == encoding and text.lstrip("\ufeff").startswith("caf")


def test_decode_legacy_encoding() -> None:
    data = ("Section 1. The Minister’s powers – “offence” means " * 20).encode("cp1252")
    text, encoding = decode_bytes(data)
    assert "Minister’s" in text and encoding != "utf-8"


def test_undecodable_bytes_raise() -> None:
    with pytest.raises(ExtractionError, match="undecodable"):
        decode_bytes(bytes(range(256)) * 4)


def test_txt_source_pages_and_health(tmp_path: Path) -> None:
    source = write(tmp_path, "act.txt", f"TEST ACT\n{ENGLISH}\fPage two {ENGLISH}".encode())
    document, problems = extract(source)
    assert problems == []
    assert [p.number for p in document.pages] == [1, 2]
    assert document.health.title == "TEST ACT"
    assert document.health.extractor == "text" and document.health.language == "en"
    assert document.page_at(document.text.index("Page two")) == 2


def test_undecodable_txt_gives_one_error(tmp_path: Path) -> None:
    document, problems = extract(write(tmp_path, "bad.txt", bytes(range(256)) * 8))
    assert document is None
    assert len(problems) == 1 and problems[0].severity == "error"
    assert "undecodable" in problems[0].message


def test_empty_txt_gives_one_error(tmp_path: Path) -> None:
    document, problems = extract(write(tmp_path, "empty.txt", b""))
    assert document is None and len(problems) == 1 and problems[0].severity == "error"


def test_md_source(tmp_path: Path) -> None:
    data = f"---\ntitle: Test Act\n---\n# Part 1\n\n**1** {ENGLISH}".encode()
    document, problems = extract(write(tmp_path, "act.md", data))
    assert problems == []
    assert document.health.title == "Test Act" and document.health.extractor == "markdown"
    assert document.text.startswith("Part 1\n")


def test_non_english_text_is_flagged(tmp_path: Path) -> None:
    malay = "Seseorang yang melakukan kesalahan di bawah seksyen ini hendaklah dihukum dengan penjara dan boleh juga didenda. " * 20
    document, problems = extract(write(tmp_path, "akta_ms.txt", malay.encode()))
    assert document is not None and document.health.language == "ms"
    assert len(problems) == 1 and problems[0].severity == "warning" and "Malay" in problems[0].message


def test_language_data_file_is_valid() -> None:
    languages = load_languages()
    assert "en" in languages and "ms" in languages and "vi" in languages
    assert detect_language(ENGLISH).code == "en"
    assert detect_language("too short").code == "und"


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not available")
@pytest.mark.parametrize(
    ("path", "code"),
    [("MYS/atip_amendment_bill_2010_DR22_ms.md", "ms"), ("VNM/phap_dien_tuong_tro_tu_phap_mla_vi.md", "vi"),
     ("MYS/atip_bill_2007_DR07_en.md", "en")],
)
def test_corpus_languages(path: str, code: str) -> None:
    text, _ = render_markdown((CORPUS / path).read_text(encoding="utf-8"))
    assert detect_language(text).code == code
