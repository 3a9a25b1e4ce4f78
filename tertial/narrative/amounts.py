"""Amounts in text: "ett underskott på 6,5 mnkr före resultatöverföringar" against the operations table, and
omslutningsförändringar in decisions and texts against their table."""

from __future__ import annotations

import re
from decimal import Decimal

from tertial.economy import TOLERANCE
from tertial.economy_checks import fund_movement, moved_through_funds
from tertial.findings import Finding
from tertial.narrative.speakers import before_requests, is_unit_statement, speaks_for_whole
from tertial.narrative.phrases import FLAGS, MNKR, stated_amount
from tertial.narrative.places import Place, all_blocks, decision_places, goal_place, narrative_finding, text_place
from tertial.numbers import format_number, format_signed_mnkr
from tertial.report import EconomyLine, EconomyTable, Report, walk_goals
from tertial.vocabulary import ReportKind

_AMOUNT = re.compile(rf"\b(?:ett\s+)?(?P<kind>överskott|underskott)(?:et)?\s+(?:om|med|på)\s+{MNKR}", FLAGS)
_TRANSFER = re.compile(r"\b(före|efter)\s+resultatöverföring(?:ar|en|arna)?\b", FLAGS)
_CLAUSE_END = re.compile(r"[.;:]\s|[;:]|,\s|\s(?:och|men)\s")


def _transfer(text: str, start: int, end: int) -> str | None:
    """'före' or 'efter' resultatöverföringar, said in the same clause as the amount; None if unsaid."""
    after = text[end:]
    stop = _CLAUSE_END.search(after)
    found = _TRANSFER.search(after[: stop.start() if stop else len(after)])
    if found:
        return found[1].lower()
    before = text[:start]
    cut = max((m.end() for m in _CLAUSE_END.finditer(before)), default=0)
    said = _TRANSFER.findall(before[cut:])
    return said[-1].lower() if said else None


def _figures(line: EconomyLine, kind: ReportKind) -> dict[str, Decimal | None]:
    """Deviation before and after resultatöverföringar, as the table's columns define them."""
    v = line.values
    if not kind.is_tertial:
        return {"före": v.get("deviation"), "efter": v.get("adjusted")}
    spent = v.get("forecast_before")
    available = sum((v.get(k) or Decimal(0) for k in ("budget", "requested", "performance")), Decimal(0))
    return {"före": None if spent is None else available - spent, "efter": v.get("deviation")}


def _candidates(lines: list[EconomyLine], kind: ReportKind, transfer: str | None) -> list[Decimal]:
    keys = [transfer] if transfer else ["efter", "före"]
    return [f for line in lines for key in keys if (f := _figures(line, kind)[key]) is not None]


def _claimed(match: re.Match) -> Decimal | None:
    amount = stated_amount(match)
    if amount is None:
        return None
    return abs(amount) if match["kind"].lower() == "överskott" else -abs(amount)


def _check_amounts(where: Place, primary: EconomyLine, others: list[EconomyLine], scope: str, kind: ReportKind,
                   area: bool = False, goal: bool = False) -> list[Finding]:
    """Each amount must match the primary line; a match with a related line (a varav row) also passes. An amount
    'före begärda …' and, in an area text, a unit's amount are checked by tertial.narrative.economy_texts instead;
    in a goal's analysis only an amount said of the whole nämnd is read."""
    out = []
    for match in _AMOUNT.finditer(where.text):
        if is_unit_statement(where.text, match, primary.name) if area else before_requests(where.text, match):
            continue
        if goal and not speaks_for_whole(where.text, match):
            continue
        claimed, transfer = _claimed(match), _transfer(where.text, match.start(), match.end())
        named = _candidates([primary], kind, transfer)
        if claimed is None or not named or any(abs(claimed - f) <= TOLERANCE for f in named + _candidates(others, kind, transfer)):
            continue
        said = f"{scope} ({transfer} resultatöverföringar)" if transfer else scope
        out.append(narrative_finding("narrative_amount", where, match[0], scope=said, expected=format_signed_mnkr(named[0])))
    return out


def _area_lines(table: EconomyTable, area_id: str) -> list[EconomyLine]:
    """The area's row followed by its varav and additive rows, which come right after it."""
    start = next((i for i, r in enumerate(table.rows) if r.id == area_id), None)
    if start is None:
        return []
    rest = table.rows[start + 1:]
    end = next((i for i, r in enumerate(rest) if r.row_type == "top"), len(rest))
    return [table.rows[start], *rest[:end]]


def check_amounts(report: Report) -> list[Finding]:
    """Amounts in texts against the figures the table prints (the same ones a reader sees)."""
    table, kind = report.economy.operations, ReportKind(report.kind)
    if table is None or table.missing:
        return []
    out = []
    table = table.model_copy(update={"rows": [table.printed(r) for r in table.rows], "total": table.printed(table.total)})
    # The whole nämnd's result is told in the overview, the summary and the economy goals' analyses ("Bokslutet visar
    # ett överskott på 7,8 mnkr efter resultatöverföringar"); an amount that is any row's own also passes.
    for block in [b for b in (report.economy.overview, report.summary) if b is not None]:
        out += _check_amounts(text_place(block), table.total, table.rows, "driftbudgetens totalrad", kind)
    for goal in [g for g in walk_goals(report.goals) if g.analysis]:
        out += _check_amounts(goal_place(goal), table.total, table.rows, "driftbudgetens totalrad", kind, goal=True)
    for block in report.economy.area_texts:
        lines = _area_lines(table, block.key.removeprefix("ekonomi:"))
        if lines:
            out += _check_amounts(text_place(block), lines[0], lines[1:], f"raden '{lines[0].name}' i driftbudgeten", kind, area=True)
    return out


# "anmäler omslutningsförändringar på sammanlagt 85,6 mnkr", "fastställer omslutningsförändringar om 85,6 mnkr"
_TURNOVER = re.compile(rf"\bomslutningsförändring(?:ar|en|arna)?\s+(?:på|om|med)\s+(?:sammanlagt\s+|totalt\s+)?{MNKR}", FLAGS)


def check_turnover(report: Report) -> list[Finding]:
    """An amount of omslutningsförändringar in a decision or a text equals the table's total (±0,1 mnkr)."""
    section = report.economy.turnover
    if section is None or section.missing:
        return []
    total = (section.table.printed(section.table.total).values.get("amount") if section.table else None) or Decimal(0)
    findings = []
    for where in decision_places(report) + [text_place(b) for b in all_blocks(report)]:
        for match in _TURNOVER.finditer(where.text):
            claimed = stated_amount(match)
            if claimed is not None and abs(claimed - total) > TOLERANCE:
                findings.append(narrative_finding("narrative_turnover", where, match[0], expected=f"{format_number(total, 1)} mnkr"))
    return findings


# "Investeringsbudgeten är 39,7 mnkr och prognosen 40,7 mnkr. Nämnden begär 1,0 mnkr i justeringar": the investment
# text's totals, each named by its word, against the table's Totalt row.
_INVESTMENT_WORDS = {"budget": ("budget", "budgeten"), "prognos": ("forecast", "prognosen"),
                     "begär": ("requested", "begärda budgetjusteringar"), "utfall": ("outcome", "utfallet")}
_INVESTMENT = re.compile(
    rf"\b(?:investerings)?(?P<what>budget|prognos|utfall|begär)(?:en|et|er|s|da\s+justeringar(?:na)?)?\s+"
    rf"(?:(?:är|blev|blir|på|om|uppgår\s+till|landar\s+på)\s+)?(?:totalt\s+|sammanlagt\s+)?{MNKR}", FLAGS)


_COMPARED_WITH = re.compile(r"(?:jämfört\s+med|mot|än|i\s+förhållande\s+till|gentemot)\s+(?:\w+)?$", FLAGS)


def check_investment_text(report: Report) -> list[Finding]:
    """The budget, forecast, outcome and requests the investment text states for all investments equal the Totalt row.

    Only the text's first sentence of each kind is read as the whole; a sentence that names an investment
    ('för klimatinvesteringar') may speak of one row, so an amount that is a row's own also passes.
    """
    table, block = report.economy.investments, report.economy.investment_text
    if table is None or table.missing or block is None or table.total is None:
        return []
    total = table.printed(table.total).values
    rows = [table.printed(r).values for r in table.rows]
    where, out = text_place(block), []
    for match in _INVESTMENT.finditer(where.text):
        if _COMPARED_WITH.search(where.text, 0, match.start()):
            continue  # "ett överskott jämfört med budget på 0,9 mnkr": the amount is the difference, not the budget
        key, said = _INVESTMENT_WORDS[match["what"].lower()]
        expected, claimed = total.get(key), stated_amount(match)
        if expected is None or claimed is None or abs(claimed - expected) <= TOLERANCE:
            continue
        if any(v.get(key) is not None and abs(claimed - v[key]) <= TOLERANCE for v in rows):
            continue
        out.append(narrative_finding("narrative_table_amount", where, match[0], scope=f"investeringstabellens Totalt ({said})",
                                     expected=f"{format_number(expected, 1)} mnkr"))
    return out


# "resultatenheterna tar 6,5 mnkr ur sina fonder", "ett uttag ur resultatfonderna på 6,5 mnkr"
_FUND = (
    re.compile(rf"\b(?:tar|ta|tagit|tas|hämta\w*|använd\w*|nyttja\w*)\s+(?:ut\s+)?{MNKR}\s+(?:ur|från|av)\s+"
               rf"(?:sina\s+|de\s+)?(?:resultat)?fond\w*", FLAGS),
    re.compile(rf"\buttag\w*\s+(?:ur|från)\s+(?:resultat)?fond\w*\s+(?:på|om|med)\s+{MNKR}", FLAGS),
)


def check_fund_texts(report: Report) -> list[Finding]:
    """An amount a text says is taken out of the result funds is what the operations table moves (±0,1 mnkr): the
    whole table's, or, in an area text or beside it, one row's."""
    movement, table = fund_movement(report), report.economy.operations
    if movement is None or table is None:
        return []
    expected, columns = movement
    kind = ReportKind(report.kind)
    rows = {r.id: moved_through_funds(table.printed(r), kind) for r in table.rows}
    out = []
    places = [(text_place(b), rows.get(b.key.removeprefix("ekonomi:"))) for b in all_blocks(report)]
    places += [(goal_place(g), None) for g in walk_goals(report.goals) if g.analysis]
    for where, own in places:
        for match in (m for pattern in _FUND for m in pattern.finditer(where.text)):
            claimed = stated_amount(match)
            fits = [expected, *(m for m in rows.values() if m is not None)]
            if claimed is None or any(abs(abs(claimed) - abs(f)) <= TOLERANCE for f in fits):
                continue
            said = own if own is not None else expected
            out.append(narrative_finding("narrative_table_amount", where, match[0], scope=f"driftbudgeten ({columns})",
                                         expected=f"{format_number(abs(said), 1)} mnkr"))
    return out
