"""What Tertial can fill in before a contributor starts: last report's texts and Kolada figures."""

from __future__ import annotations

from tertial.cycle import Cycle
from tertial.economy import COST, REVENUE
from tertial.kolada import KoladaValue
from tertial.long_texts import cell_parts
from tertial.numbers import format_number
from tertial.report import Report, text_of, walk_goals
from tertial.workbooks import Rows, cell_quantity, prefilled_rows


def handout_rows(cycle: Cycle, contributor_id: str, previous: Report | None, kolada: dict) -> Rows:
    """The rows a contributor receives, with the previous report's texts and Kolada's figures filled in."""
    rows = prefilled_rows(cycle, contributor_id)
    if previous is not None:
        _previous_texts(rows, previous)
        _previous_result_units(rows, previous, cycle.config.year)
        _previous_revenue_costs(rows, previous, cycle.config.year)
    if kolada:
        _kolada_values(rows, cycle, kolada)
    return rows


def _previous_texts(rows: Rows, previous: Report) -> None:
    goals = {g.key: g for g in walk_goals(previous.goals)}
    for row in rows["goals"]:
        goal = goals.get(str(row["goal"]))
        if goal:
            row.update(analysis=goal.analysis, description=goal.description,
                       expected="\n".join(f"- {e}" for e in goal.expected))
    blocks = {b.key: b for b in _text_blocks(previous)}
    texts = []
    for row in rows["texts"]:
        if row["key"] not in blocks:
            texts.append(row)
            continue
        first, *rest = cell_parts(text_of(blocks[row["key"]]))  # a text longer than a cell continues on rows below
        texts += [{**row, "text": first}, *({"key": row["key"], "text": part} for part in rest)]
    rows["texts"] = texts


def _previous_result_units(rows: Rows, previous: Report, year: int) -> None:
    """The units of the last report: within a year bruttobudget and 'från' stay; across a year-end, last
    year's 'till' (överskott +) is this year's 'från' (överskott −)."""
    section = previous.economy.result_units
    if "result_units" not in rows or section is None or section.table is None or previous.year not in (year, year - 1):
        return
    same_year = previous.year == year
    out = []
    for line in section.table.rows:
        brought = line.values.get("brought") if same_year else line.values.get("carried")
        brought = brought if brought is None or same_year else -brought
        out.append({"name": line.name, "budget": _typed(line.values.get("budget"), 0) if same_year else "", "brought": _typed(brought, 0)})
    rows["result_units"] = out


def _previous_revenue_costs(rows: Rows, previous: Report, year: int) -> None:
    """Last year's VB gives this VB its posts, their Typ and 'Utfall <år-1>'; this year's Utfall is left to fill in."""
    section = previous.economy.revenue_costs
    if "revenue_costs" not in rows or section is None or section.table is None or previous.year != year - 1:
        return
    out, kind = [], REVENUE  # the table lists intäkter, then Summa intäkter, then kostnader
    for line in section.table.rows:
        if line.row_type != "top":
            kind = COST
            continue
        out.append({"name": line.name, "kind": kind, "previous": _typed(line.values.get("outcome"), 1), "outcome": "", "comment": ""})
    rows["revenue_costs"] = out


def _typed(value, decimals: int) -> str:
    """A figure as a contributor types it: plain spaces, not the report's non-breaking ones (tkr 0, mnkr 1 decimal)."""
    return format_number(value, decimals).replace("\u00a0", " ")


def _text_blocks(report: Report):
    yield report.summary
    yield report.directives
    for block in report.summary_analysis:
        yield block.positive
        yield block.challenges
    economy = report.economy
    yield from [b for b in (economy.overview, economy.investment_text) if b]
    yield from economy.area_texts
    yield from report.extra_sections
    yield from report.special_reports
    yield from report.profile_blocks()


def _kolada_values(rows: Rows, cycle: Cycle, kolada: dict[tuple[str, int], KoladaValue]) -> None:
    """This year's value as the outcome (split by sex where the plan does); last year's as previous."""
    plan = {i.id: i for i in cycle.plan.indicators}
    year = cycle.config.year
    for row in rows["indicators"]:
        indicator = plan[row["id"]]
        if not indicator.kpi:
            continue
        now, before = kolada.get((indicator.kpi, year)), kolada.get((indicator.kpi, year - 1))
        if now:
            row.update(outcome=cell_quantity(now.total, indicator.unit))
            if indicator.aggregation.value != "none":
                row.update(men=cell_quantity(now.men, indicator.unit), women=cell_quantity(now.women, indicator.unit))
        if before and not row.get("previous"):
            row["previous"] = cell_quantity(before.total, indicator.unit)
