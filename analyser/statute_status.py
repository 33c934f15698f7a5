"""What the supplied texts say about each other's standing: which provisions state law at all
(not forms, findings or the recitals of a structured act), which acts another supplied act
repeals as a whole, and how an amending clause changes the penalty of the provision it
targets. Used by :class:`analyser.view.JurisdictionView`."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .models import DocumentResult, Provision
from .penalties import Penalty, find_terms
from .references import act_titles, is_form, is_recital, section_number

if TYPE_CHECKING:
    from .view import Unit

WHITESPACE = re.compile(r"\s+")
REPEAL_WINDOW = 80  # "... Ordinance, 2002 (LIX of 2002) is hereby repealed": the verb follows the title closely
PART_REPEAL_WINDOW = 12


@dataclass(frozen=True)
class OffencePenalty:
    """The penalty of the trafficking offence, the unit that sets it and the amending clauses
    (with the document offsets of their new words) that changed it."""

    penalty: Penalty
    unit: "Unit"
    amended_by: tuple[Provision, ...] = ()
    amended_at: tuple[int, ...] = ()


def shift(penalty: Penalty, offset: int) -> Penalty:
    """``penalty`` with its offsets moved by ``offset`` (from a sub-provision to its unit)."""
    if penalty.start < 0:
        return penalty
    return replace(penalty, start=penalty.start + offset, end=penalty.end + offset)


def changes_a_term(words: str) -> bool:
    """Do the new words of an amendment state a term of imprisonment ("twenty years")?"""
    return bool(find_terms(f"imprisonment {words}"))


def amended_number(amends: str) -> str:
    """"Act 670 s. 12(1)" -> "12"."""
    return section_number(amends.rsplit(" s. ", 1)[-1]).lower() if " s. " in amends else ""


def year_of(title: str) -> int:
    """The year in an act's title (0 when none): amending acts apply oldest first."""
    years = re.findall(r"\b(1[89]\d\d|20\d\d)\b", title)
    return int(years[-1]) if years else 0


def states_law(provision: Provision, numbered: bool) -> bool:
    """Can ``provision`` satisfy a checklist item? Not a prescribed form, a section of findings,
    nor a preamble of a document that has numbered provisions (its recitals state purposes; a
    document with none is one whose structure was not found, and its text is all there is)."""
    if is_form(provision.citation) or is_recital(provision.heading) or is_editorial_placeholder(provision):
        return False
    return not (provision.kind == "preamble" and numbered)


EDITORIAL_NOTE = re.compile(r"^\[[^\[\]]{1,200}\]$")  # "[Repealed, 2001, c. 32, s. 1]", "[Amendments]"


def is_editorial_placeholder(provision: Provision) -> bool:
    """Does ``provision`` hold only an editor's note where its text was ("[Amendments]",
    "[Repealed, 2001, c. 32, s. 1]")? Consolidations keep the number and heading of a spent
    amendment or a repealed section; the note states no law, though its heading may name an act."""
    if provision.kind not in ("section", "article", "subsection"):
        return False
    label = provision.label.strip()
    lines = [WHITESPACE.sub(" ", line).strip() for line in provision.text.split("\n")]
    at = next((i for i, line in enumerate(lines) if label and line.split(" ", 1)[0] == label), None)
    if at is None:  # no line opens with the number: all but the heading is body
        heading = WHITESPACE.sub(" ", provision.heading).strip()
        body = [line for line in lines if line and line != heading]
    else:  # the body follows the number (headings and group headings come before it)
        body = [part for part in [lines[at][len(label):].strip(), *lines[at + 1:]] if part]
    return bool(body) and all(EDITORIAL_NOTE.match(line) for line in body)


def repealed_documents(results: list[DocumentResult], repealing: list[Unit]) -> dict[str, str]:
    """Documents whose act another supplied document repeals as a whole, with the repealing
    provision: {"ordinance_2002.pdf": "s. 16 (act_2018.pdf)"}. Only whole-act repeals count
    ("The X Ordinance, 2002 is hereby repealed"), not "section 5 of the X Act is repealed"."""
    found: dict[str, str] = {}
    for result in results:
        opening = result.provisions[0].text.strip().split("\n", 1)[0] if result.provisions else ""
        named = next((p.act for p in result.provisions if p.act), "") or result.health.title or opening
        title = _act_title(named.title() if named.isupper() else named)
        if not title:
            continue
        for unit in repealing:
            if unit.result.source.name != result.source.name and repeals_act(unit.provision.text, title):
                found[result.source.name] = f"{unit.provision.citation} ({unit.result.source.name})"
                break
    return found


def _act_title(title: str) -> str:
    """The act title in a document's title line, if it has one of at least three words."""
    titles = [t for t in act_titles(WHITESPACE.sub(" ", title)) if len(t.split()) >= 3]
    return titles[0].rstrip(",") if titles else ""


def repeals_act(text: str, title: str) -> bool:
    """Does ``text`` repeal the act called ``title`` as a whole?

    >>> repeals_act("The Prevention of Vice Ordinance, 2002 (LIX of 2002) is hereby repealed.", "Prevention of Vice Ordinance, 2002")
    True
    >>> repeals_act("Section 5 of the Prevention of Vice Ordinance, 2002 is repealed.", "Prevention of Vice Ordinance, 2002")
    False
    """
    folded = WHITESPACE.sub(" ", text).lower()
    name = WHITESPACE.sub(" ", title).lower()
    for match in re.finditer(re.escape(name), folded):
        before = folded[max(0, match.start() - PART_REPEAL_WINDOW) : match.start()]
        after = folded[match.end() : match.end() + REPEAL_WINDOW]
        if re.search(r"\bof (?:the )?$", before):
            continue  # "section 5 of the X Act": a part of the act
        if re.match(r"[^.;]*\brepealed\b", after):
            return True
    return False
