"""The data files are tested as data: schema, cross-references, and every pattern's examples."""

from __future__ import annotations

import json
import re
import tomllib
from importlib import resources

import pytest

from analyser.knowledge import load_checklist, load_patterns, load_tags
from analyser.rules import RuleTagger
from tests.conftest import SHARED


@pytest.fixture(scope="module")
def tagger() -> RuleTagger:
    return RuleTagger()


def test_checklist_has_21_items_in_order():
    checklist = load_checklist()
    assert [item.number for item in checklist.items] == list(range(1, 22))
    assert len(set(checklist.ids)) == 21


def test_checklist_mirrors_shared_checklist_md():
    path = SHARED / "CHECKLIST.md"
    if not path.is_file():
        pytest.skip(f"needs {path} (absent in a fresh clone)")
    ids = re.findall(r"^\| (\d+) \| `([a-z-]+)` \|", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert [item_id for _, item_id in ids] == list(load_checklist().ids)


def test_every_item_has_a_recommendation_and_sources():
    for item in load_checklist().items:
        assert item.recommendation.endswith(".")
        assert item.sources
        assert item.question.endswith("?")


def test_tag_ids_unique_and_core_tags_have_keywords():
    tags = load_tags()
    for tag in tags.values():
        if tag.core:
            assert tag.keywords, f"core tag {tag.id} needs baseline keywords"


def test_every_item_or_element_tag_is_produced_by_some_rule():
    data = load_patterns()
    produced = {p["tag"] for p in data["patterns"]} | {c["tag"] for c in data["composites"]}
    produced |= {c["tag"] for c in data.get("context_composites", [])}
    for tag in load_tags().values():
        if tag.group in ("item", "element"):
            assert tag.id in produced, f"no pattern or composite produces {tag.id}"


def _pattern_cases():
    data = load_patterns()
    for pattern in data["patterns"]:
        target = pattern.get("blocks") or pattern["tag"]
        for text in pattern["examples"]:
            yield pytest.param(pattern["id"], pattern["tag"], text, True, id=f"{pattern['id']}+")
        for text in pattern["counter_examples"]:
            yield pytest.param(pattern["id"], target, text, False, id=f"{pattern['id']}-")
    for composite in data["composites"]:
        for text in composite["examples"]:
            yield pytest.param("composite", composite["tag"], text, True, id=f"{composite['tag']}+")
        for text in composite["counter_examples"]:
            yield pytest.param("composite", composite["tag"], text, False, id=f"{composite['tag']}-")


@pytest.mark.parametrize("pattern_id,tag,text,expected", list(_pattern_cases()))
def test_pattern_examples(tagger, pattern_id, tag, text, expected):
    assert (tag in tagger.tag_text(text)) is expected


def test_every_pattern_has_a_counter_example_or_is_a_blocker():
    missing = [p["id"] for p in load_patterns()["patterns"] if not p["counter_examples"]]
    assert missing == []


def test_data_files_are_canonical_json():
    """patterns.json parses, and every schema file is valid JSON."""
    base = resources.files("analyser.data")
    json.loads(base.joinpath("patterns.json").read_text(encoding="utf-8"))
    for name in ("checklist", "tags", "patterns"):
        json.loads(base.joinpath(f"schemas/{name}.schema.json").read_text(encoding="utf-8"))
    tomllib.loads(base.joinpath("checklist.toml").read_text(encoding="utf-8"))


def _context_cases():
    for composite in load_patterns().get("context_composites", []):
        for case in composite["examples"]:
            yield pytest.param(composite, case, True, id=f"{composite['id']}+")
        for case in composite["counter_examples"]:
            yield pytest.param(composite, case, False, id=f"{composite['id']}-")


@pytest.mark.parametrize("composite,case,expected", list(_context_cases()))
def test_context_composite_examples(tagger, composite, case, expected):
    """A context composite gives its tag from the unit's frame and context, read by the same patterns."""
    from analyser.context import composite_applies

    own = set(tagger.tag_text(case["text"]))
    document = set(tagger.tag_text(case.get("document", ""))) | own
    applies = composite_applies(
        composite, [case["frame"]], case["context"], own, lambda t: set(tagger.tag_text(t)), document
    )
    assert applies is expected


def test_context_composite_tags_are_known_and_read_known_tags():
    tags = load_tags()
    for composite in load_patterns().get("context_composites", []):
        named = {composite["tag"], *composite.get("frame_none", []), *composite.get("text_none", [])}
        groups = composite["frame_all"] + composite.get("context_all", []) + composite.get("document_all", [])
        named |= {t for group in groups for t in group}
        assert named <= set(tags), f"{composite['id']} names unknown tags {named - set(tags)}"
