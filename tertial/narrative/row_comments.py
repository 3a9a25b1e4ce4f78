"""A row's comment against its row: "har ökat med 4,2 mnkr" on a post of Intäkts- och kostnadsutveckling must be the
row's Förändring read through the sign convention (revenue written negative, so a Förändring of −4,2 is an ökning)."""

from __future__ import annotations

import re
from decimal import Decimal

from tertial.economy import COST, REVENUE, TOLERANCE
from tertial.economy_totals import half_unit
from tertial.findings import Finding, finding
from tertial.narrative.phrases import FLAGS, MNKR, stated_amount
from tertial.numbers import format_number
from tertial.report import EconomyLine, EconomyTable, Report
from tertial.signs import Signs, change_phrase, convention_text, growth

# "har ökat med 4,2 mnkr", "en minskning om 1,0 mnkr", "ökade på 3 mnkr"
_CHANGE = re.compile(rf"\b(?P<verb>ök(?:at|ade|ar|ning(?:en)?)|minsk(?:at|ade|ar|ning(?:en)?))\s+(?:med|om|på)\s+"
                     rf"(?P<about>(?:cirka|ca\.?|omkring|drygt|knappt|nästan|runt)\s+)?{MNKR}", FLAGS)
# "är 8,2 mnkr högre än föregående år", "blev cirka 2 mnkr lägre än 2012": the same change said as a comparison
_COMPARED = re.compile(rf"(?P<about>(?:cirka|ca\.?|omkring|drygt|knappt|nästan|runt)\s+)?{MNKR}\s+(?P<verb>högre|lägre|mer|mindre)"
                       rf"\s+än\s+(?:föregående\s+år|förra\s+året|fjolåret|året\s+innan|(?:år\s+)?\d{{4}})\b", FLAGS)
_UP = ("ök", "hög", "mer")
# "blev 33,2 mnkr lägre än budgeterat", "är 2,0 mnkr högre än budget": the row's utfall against its budget, in size
# (revenue is written negative under some conventions, so the sizes are compared, which every convention shares).
_VERSUS_BUDGET = re.compile(rf"(?P<about>(?:cirka|ca\.?|omkring|drygt|knappt|nästan|runt)\s+)?{MNKR}\s+"
                            rf"(?P<verb>högre|lägre|mer|mindre)\s+än\s+(?:budget(?:en|erat)?|beräknat|planerat)\b", FLAGS)
# A sentence that speaks of a part of the post ("Vid Enheten för hemlösa har kostnaderna ökat med 3,2 mnkr", seed 002's
# comment on Ekonomiskt bistånd) is not the post's change: only the other sentences are read against the row.
_PART = re.compile(r"(?:^|[.!?]\s+|\n)\s*(?:vid|inom|hos|för|av\s+detta|varav|därav|bland\s+annat)\b[^.!?\n]*$", FLAGS)
_SUMS = {"summa-intakter": COST, "summa-kostnader": None}  # after Summa intäkter come the costs; Summa kostnader ends them


def _posts(table: EconomyTable) -> list[tuple[EconomyLine, str]]:
    """Each post with its kind, read from where it stands: revenues before Summa intäkter, costs after it."""
    kind: str | None = REVENUE
    posts = []
    for line in table.rows:
        if line.id in _SUMS:
            kind = _SUMS[line.id]
        elif kind is not None:
            posts.append((line, kind))
    return posts


def _tolerance(match: re.Match) -> Decimal:
    """±0,1 mnkr for a figure written with one decimal; half a unit more for one written rounder ("ökat med 29 mnkr"
    for 29,4) or said to be approximate ("cirka 26,6 mnkr")."""
    written = match["amount"].replace(".", ",")
    decimals = len(written.split(",", 1)[1]) if "," in written else 0
    rounder = half_unit(decimals) - half_unit(1) if decimals < 1 else Decimal(0)
    return TOLERANCE + rounder + (half_unit(decimals) if match["about"] else Decimal(0))


def _comment_findings(line: EconomyLine, kind: str, signs: Signs | None = None) -> list[Finding]:
    change = line.values.get("change")
    if change is None or not line.comment:
        return []
    out = []
    for match in sorted([*_CHANGE.finditer(line.comment), *_COMPARED.finditer(line.comment)], key=lambda m: m.start()):
        amount = stated_amount(match)
        if amount is None:
            continue
        if _PART.search(line.comment[:match.start()]):
            continue
        claimed = abs(amount) if match["verb"].lower().startswith(_UP) else -abs(amount)
        if abs(claimed - growth(kind, change, signs)) <= _tolerance(match):
            continue
        out.append(finding(
            "narrative_row_comment", sheet="Intäkter och kostnader", column="Kommentar", item_id=line.id,
            item_name=line.name, value=match[0].strip(), place=f"Kommentaren till raden '{line.name}'",
            basis=format_number(change, 1), expected=change_phrase(kind, change, signs=signs),
            convention=convention_text(signs),
        ))
    return out


def _budget_findings(line: EconomyLine) -> list[Finding]:
    """A comment's amount above or below budget against the row's utfall and budget (±0,1 mnkr, more when rounder)."""
    budget, outcome = line.values.get("budget"), line.values.get("outcome")
    if budget is None or outcome is None or not line.comment:
        return []
    difference = abs(outcome) - abs(budget)
    out = []
    for match in _VERSUS_BUDGET.finditer(line.comment):
        amount = stated_amount(match)
        if amount is None or _PART.search(line.comment[:match.start()]):
            continue
        claimed = abs(amount) if match["verb"].lower().startswith(_UP) else -abs(amount)
        if abs(claimed - difference) <= _tolerance(match):
            continue
        way = "högre" if difference > 0 else "lägre"
        out.append(finding(
            "narrative_row_comment_budget", sheet="Intäkter och kostnader", column="Kommentar", item_id=line.id,
            item_name=line.name, value=match[0].strip(), place=f"Kommentaren till raden '{line.name}'",
            expected=f"utfallet {format_number(abs(difference), 1)} mnkr {way} än budget ({format_number(outcome, 1)} mot "
                     f"{format_number(budget, 1)})"))
    return out


def check_row_comments(report: Report, signs: Signs | None = None) -> list[Finding]:
    """Every change a comment states on the VB's revenue and cost posts ("har ökat med", "X mnkr högre än föregående år"),
    against the post's Förändring (±0,1 mnkr, more for a figure written rounder or with "cirka"), read through the
    profile's sign convention (`signs`; none: the catalogue's)."""
    section = report.economy.revenue_costs
    if section is None or section.missing or section.table is None:
        return []
    return [f for line, kind in _posts(section.table) for f in _comment_findings(line, kind, signs) + _budget_findings(line)]
