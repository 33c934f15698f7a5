"""The wildcard-gap matcher finds exactly what spaCy's Matcher finds (issue 8 speed-up)."""

from __future__ import annotations

import time

import pytest
from spacy.matcher import Matcher

from analyser.gapmatch import GapMatcher, compile_pattern
from analyser.rules import _has_range, _longest_per_pattern, default_tagger
from tests.conftest import SAMPLES

TEXTS = [
    "Consent of the victim to the intended exploitation shall be irrelevant where any means is used.",
    "The consent of a person, whether given by the person or by a parent, guardian or any other person "
    "having lawful charge, to the exploitation is not a defence and is irrelevant.",
    "Whoever is punishable with imprisonment for a term of not less than 7 years or a fine of 10 years.",
    "An offence under section 12 or an offence against the law of a State committed outside Avalonia.",
    "A person who brings another person into or out of the country, or transports an alien, commits an offence.",
    "Only where a treaty or an arrangement is in force, extradition may be granted solely under a convention.",
    "trafficking in persons, trafficked women and children, child trafficking and sex trafficking victims",
]


WINDOW = 24  # tokens: spaCy's own Matcher blows up (time and memory) on wide gaps over long texts


def _sample_texts() -> list[str]:
    """The sentences above, and overlapping 24-token windows of the sample statutes."""
    texts = list(TEXTS)
    nlp = default_tagger().nlp
    for path in sorted((SAMPLES / "sources").rglob("*")):
        if path.suffix in (".md", ".txt"):
            for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
                doc = nlp.make_doc(paragraph)
                texts += [doc[i : i + WINDOW].text for i in range(0, max(1, len(doc) - WINDOW // 2), WINDOW // 2)]
    return [t for t in texts if t.strip()]


SPACY_MAX_GAP = 14  # wider gaps make spaCy's Matcher itself explode: checked by brute force instead


def _widest_gap(tokens: list) -> int:
    return max((int(str(t["OP"])[1:-1].split(",")[1]) for t in tokens if str(t.get("OP", "")).startswith("{")), default=0)


def _brute_force(elements: list, doc) -> list[tuple[int, int]]:
    """Every (start, end) by plain backtracking: the reference for very wide gaps."""
    def fits(spec: dict, token) -> bool:
        lower = spec.get("LOWER")
        if lower is not None:
            from spacy.strings import hash_string

            code = hash_string(token.lower_)
            if (code not in lower) if isinstance(lower, frozenset) else code != lower:
                return False
        return all(bool(token.like_num if k == "LIKE_NUM" else token.is_title) == spec[k]
                   for k in ("LIKE_NUM", "IS_TITLE") if k in spec)

    def ends(i: int, pos: int):
        if i == len(elements):
            yield pos
            return
        kind, a, b = elements[i]
        if kind == "gap":
            for k in range(a, b + 1):
                if pos + k <= len(doc):
                    yield from ends(i + 1, pos + k)
            return
        if b:
            yield from ends(i + 1, pos)
        if pos < len(doc) and fits(a, doc[pos]):
            yield from ends(i + 1, pos + 1)

    return sorted({(s, e) for s in range(len(doc)) if fits(elements[0][1], doc[s]) for e in ends(1, s + 1) if e > s})


def test_same_spans_as_spacy_matcher() -> None:
    tagger = default_tagger()
    patterns = [p for p in tagger.data["patterns"] if "tokens" in p]
    assert any(_has_range(p["tokens"]) for p in patterns)
    assert all(compile_pattern(p["tokens"]) is not None for p in patterns)
    for text in _sample_texts():
        doc = tagger.nlp(text)
        for pattern in patterns:
            ours = GapMatcher()
            ours.add(pattern["id"], pattern["tokens"])
            if _widest_gap(pattern["tokens"]) > SPACY_MAX_GAP:
                expected = [(pattern["id"], s, e) for s, e in _brute_force(compile_pattern(pattern["tokens"]), doc)]
            else:
                spacy_matcher = Matcher(tagger.nlp.vocab)
                spacy_matcher.add(pattern["id"], [pattern["tokens"]])
                expected = [(pattern["id"], s, e) for _, s, e in spacy_matcher(doc)]
            assert sorted(_longest_per_pattern(ours(doc))) == sorted(_longest_per_pattern(expected)), (pattern["id"], text)


@pytest.mark.parametrize(
    "tokens",
    [
        [{"OP": "{0,3}"}, {"LOWER": "a"}],  # starts with a wildcard
        [{"LOWER": "a", "OP": "+"}, {"OP": "{0,3}"}],  # unsupported operator
        [{"LOWER": "a"}, {"POS": "NOUN"}],  # unsupported attribute
        [{"LOWER": "a"}, {"OP": "{2,}"}],  # unbounded gap
    ],
)
def test_unsupported_patterns_stay_with_spacy(tokens: list) -> None:
    assert compile_pattern(tokens) is None


def test_long_text_is_fast() -> None:
    tagger = default_tagger()
    text = " ".join(["the consent of the person and the agreement of any other person"] * 400)  # ~5,000 tokens
    started = time.perf_counter()
    tagger.tag_text(text)
    assert time.perf_counter() - started < 5
