"""Amending text: which act a bill amends, which provision each amending section
targets, and where quoted inserted text begins and ends."""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyser.numbering import Numbering

AMENDED_ACT_WINDOW = 20_000  # the principal Act is named near the start of a bill
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class AmendedAct:
    """The act that a document amends, as it is cited: 'Act 670' or 'RA 9208'."""

    cite: str
    title: str = ""


def find_principal_act(numbering: Numbering, text: str) -> AmendedAct | None:
    """The 'principal Act' of an amending bill, if the bill names one."""
    head = _SPACES.sub(" ", text[:AMENDED_ACT_WINDOW])
    match = numbering.amendments["principal_act"].regex.search(head)
    if match:
        number = _SPACES.sub(" ", match.group("number"))
        title = match.group("title").strip()
        title = re.sub(r"^(?:The|the)\s+", "", title)
        return AmendedAct(number, title)
    return None


def amended_act_in(numbering: Numbering, text: str) -> AmendedAct | None:
    """An act named in the words of one amending section ('of Republic Act No. 9208')."""
    match = numbering.amendments["amended_act"].regex.search(_SPACES.sub(" ", text))
    if not match:
        return None
    number = match.group("number")
    digits = re.search(r"\d+", number)
    if number.upper().startswith(("REPUBLIC", "R.A.")) and digits:
        return AmendedAct(f"RA {digits.group(0)}")
    return AmendedAct(number)


def is_amending(numbering: Numbering, text: str) -> bool:
    """True if ``text`` uses amending words ('is amended', 'by substituting')."""
    return bool(numbering.amendments["amending_words"].regex.search(text))


def in_amending_context(numbering: Numbering, text: str) -> bool:
    """True if ``text`` names an amended act or says 'is amended' (see numbering.json)."""
    return bool(numbering.amendments["amending_context"].regex.search(text))


def target(numbering: Numbering, text: str) -> str:
    """'s. 6(2)' for 'Subsection 6(2) of the principal Act is amended', or ''."""
    match = numbering.amendments["target"].regex.search(_SPACES.sub(" ", text))
    if not match:
        return ""
    return f"s. {match.group('num')}{match.group('sub')}"


def opens_quote(numbering: Numbering, line: str, previous: str) -> bool:
    """True if ``line`` opens quoted inserted text introduced by ``previous``."""
    return bool(
        numbering.amendments["quote_open"].regex.match(line)
        and numbering.amendments["quote_intro"].regex.search(previous)
    )


def closes_quote(numbering: Numbering, line: str) -> bool:
    """True if ``line`` ends quoted inserted text."""
    return bool(numbering.amendments["quote_close"].regex.search(line))
