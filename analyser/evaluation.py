"""Score a scan's coverage against a hand-coded gold matrix (``tipgap eval-coverage``).

Reports cell accuracy, per-item accuracy, the confusion matrix of statuses and the
evidence hit rate (the share of gold met/partial cells where the tool cites a gold
provision of the same document, among the at most three rows it cites), for the tool and
for a keyword baseline that marks an item ``met`` when any provision contains one of its
tags' obvious keywords. A stricter figure counts a hit only when the *first* evidence row
(the provision the tool ranks best) is a gold provision, so citing many provisions cannot
raise it.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

csv.field_size_limit(2**31 - 1)  # provision texts can exceed the 128 KiB default

from .errors import AnalyserError
from .knowledge import Checklist, load_checklist, load_tags
from .models import STATUSES
from .references import section_number

GOLD_COLUMNS = ("jurisdiction", "item", "status", "file", "page", "provision", "quote", "reason")


@dataclass
class GoldCell:
    status: str
    provisions: list[tuple[str, str]] = field(default_factory=list)  # (file, citation)


@dataclass
class Score:
    """Agreement of one system with the gold cells."""

    name: str
    cells: int = 0
    correct: int = 0
    per_item: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    evidence_cells: int = 0
    evidence_hits: int = 0
    first_hits: int = 0  # the first evidence row is a gold provision
    misses: list[str] = field(default_factory=list)
    evidence_misses: list[str] = field(default_factory=list)  # gold met/partial cells where no row cites gold

    @property
    def accuracy(self) -> float:
        return self.correct / self.cells if self.cells else 0.0

    @property
    def hit_rate(self) -> float:
        return self.evidence_hits / self.evidence_cells if self.evidence_cells else 0.0

    @property
    def strict_hit_rate(self) -> float:
        return self.first_hits / self.evidence_cells if self.evidence_cells else 0.0


def read_gold(gold_dir: Path) -> dict[tuple[str, str], GoldCell]:
    """Gold cells from ``GOLD_DIR/<JUR>.csv`` files."""
    files = sorted(Path(gold_dir).glob("*.csv"))
    if not files:
        raise AnalyserError(f"no gold files (*.csv) in {str(gold_dir)!r}")
    gold: dict[tuple[str, str], GoldCell] = {}
    for path in files:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != GOLD_COLUMNS:
                raise AnalyserError(f"{path.name}: header must be {','.join(GOLD_COLUMNS)}")
            for row in reader:
                cell = gold.setdefault((row["jurisdiction"], row["item"]), GoldCell(row["status"]))
                if row["file"]:
                    cell.provisions.append((row["file"], row["provision"]))
    return gold


def read_tool(out_dir: Path) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], list[tuple[str, str]]]]:
    """Statuses and cited (document, provision) pairs from a scan's output folder."""
    statuses: dict[tuple[str, str], str] = {}
    cited: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    path = Path(out_dir) / "evidence.csv"
    if not path.is_file():
        raise AnalyserError(f"{str(out_dir)!r} has no evidence.csv: is it the --out folder of a tipgap scan?")
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["jurisdiction"], row["item"])
            statuses[key] = row["status"]
            if row["document"]:
                cited[key].append((row["document"], row["provision"]))
    return statuses, cited


def keyword_baseline(out_dir: Path, checklist: Checklist) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], list[tuple[str, str]]]]:
    """Item met when any provision contains a keyword of the tags the item reads."""
    tags = load_tags()
    keywords: dict[str, list[str]] = {}
    for item in checklist.items:
        names: list[str] = []
        for key, value in item.rule.items():
            if key in ("groups",):
                names += [t for group in value for t in group]
            elif key in ("tags", "anchor_tags", "offence_tags", "list_tags"):
                names += value
        keywords[item.id] = [k.lower() for t in names if t in tags for k in tags[t].keywords]
    statuses: dict[tuple[str, str], str] = {}
    cited: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    path = Path(out_dir) / "provisions.csv"
    jurisdictions: set[str] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            jurisdictions.add(row["jurisdiction"])
            if row["kind"] not in ("section", "article", "definition", "schedule"):
                continue
            text = row["text"].lower()
            for item_id, words in keywords.items():
                key = (row["jurisdiction"], item_id)
                if key not in statuses and any(w in text for w in words):
                    statuses[key] = "met"
                    cited[key].append((row["document"], row["provision"]))
    for jurisdiction in jurisdictions:
        for item_id in checklist.ids:
            statuses.setdefault((jurisdiction, item_id), "not_found")
    return statuses, cited


def same_provision(tool: tuple[str, str], gold: tuple[str, str]) -> bool:
    """Same document and same section number (sub-provisions of a section count)."""
    if tool[0] != gold[0]:
        return False
    return bool(section_number(tool[1])) and section_number(tool[1]) == section_number(gold[1])


def score(name: str, gold: dict[tuple[str, str], GoldCell], statuses: dict[tuple[str, str], str],
          cited: dict[tuple[str, str], list[tuple[str, str]]]) -> Score:
    result = Score(name)
    for key, cell in sorted(gold.items()):
        predicted = statuses.get(key, "not_found")
        result.cells += 1
        result.per_item[key[1]][1] += 1
        result.confusion[(cell.status, predicted)] += 1
        if predicted == cell.status:
            result.correct += 1
            result.per_item[key[1]][0] += 1
        else:
            result.misses.append(f"{key[0]} {key[1]}: gold {cell.status}, {name} {predicted}")
        if cell.status in ("met", "partial") and cell.provisions:
            result.evidence_cells += 1
            rows = cited.get(key, [])
            if any(same_provision(t, g) for t in rows for g in cell.provisions):
                result.evidence_hits += 1
            else:
                result.evidence_misses.append(
                    f"{key[0]} {key[1]}: gold cites {_citations(cell.provisions)}; "
                    f"{name} cites {_citations(rows) or 'nothing'}")
            if rows and any(same_provision(rows[0], g) for g in cell.provisions):
                result.first_hits += 1
    return result


def _citations(pairs: list[tuple[str, str]]) -> str:
    return "; ".join(f"{doc} {provision}" for doc, provision in dict.fromkeys(pairs))


def misses_text(score_: Score) -> str:
    """The disagreements and evidence misses of one system, as Markdown lists."""
    text = f"\nDisagreements ({score_.name}):\n\n" + "\n".join(f"- {m}" for m in score_.misses) + "\n"
    text += (f"\nEvidence misses ({score_.name}; no evidence row cites a gold provision):\n\n"
             + "\n".join(f"- {m}" for m in score_.evidence_misses) + "\n")
    return text


def evaluate_coverage(out_dir: Path, gold_dir: Path, checklist: Checklist | None = None) -> tuple[Score, Score]:
    """Score the tool and the keyword baseline on the jurisdictions both the gold and the scan have."""
    checklist = checklist or load_checklist()
    gold = read_gold(gold_dir)
    statuses, cited = read_tool(out_dir)
    scanned = {j for j, _ in statuses}
    gold = {k: v for k, v in gold.items() if k[0] in scanned}
    if not gold:
        raise AnalyserError("no jurisdiction of the gold matrix was found in the scan")
    base_statuses, base_cited = keyword_baseline(out_dir, checklist)
    return score("tool", gold, statuses, cited), score("keyword baseline", gold, base_statuses, base_cited)


def report(scores: tuple[Score, ...], checklist: Checklist | None = None) -> str:
    """A Markdown report of the scores."""
    checklist = checklist or load_checklist()
    lines = ["| system | cells | cell accuracy | evidence hit rate | strict hit rate (first row) |", "|---|---|---|---|---|"]
    for s in scores:
        lines.append(f"| {s.name} | {s.cells} | {s.accuracy:.1%} ({s.correct}/{s.cells}) | "
                     f"{s.hit_rate:.1%} ({s.evidence_hits}/{s.evidence_cells}) | "
                     f"{s.strict_hit_rate:.1%} ({s.first_hits}/{s.evidence_cells}) |")
    lines += ["", "Evidence hit rate: share of gold met/partial cells where one of the (at most three) evidence rows "
              "cites a gold provision (same document, same section); strict: the first row does.", ""]
    lines += ["Per-item accuracy:", "", "| item | " + " | ".join(s.name for s in scores) + " |",
              "|---|" + "---|" * len(scores)]
    for item in checklist.ids:
        cols = []
        for s in scores:
            right, total = s.per_item.get(item, [0, 0])
            cols.append(f"{right}/{total}")
        lines.append(f"| {item} | " + " | ".join(cols) + " |")
    for s in scores:
        lines += ["", f"Confusion matrix ({s.name}; rows gold, columns predicted):", "",
                  "| gold \\ predicted | " + " | ".join(STATUSES) + " |", "|---|---|---|---|"]
        for g in STATUSES:
            lines.append(f"| {g} | " + " | ".join(str(s.confusion[(g, p)]) for p in STATUSES) + " |")
    return "\n".join(lines) + "\n"
