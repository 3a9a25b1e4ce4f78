"""The report as an A4 PDF/UA-1 set by Typst from the report's data (a prototype beside WeasyPrint; bench/pdf_engines.py).

templates/report.typ reads the report as JSON (the same model report.json publishes) through `sys.inputs`, never as
markup: every text a contributor wrote reaches Typst as a string value and is set as text, so a submission's
`#read(...)` or `#link(...)` prints as those characters. The few things the JSON does not carry as printed (the
indicator figures with their typed decimals and units, the tables' columns, the goals' analyses split at their
sub-headings, the economy chart) are added here by the same functions the HTML uses.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from typing import TYPE_CHECKING

from tertial.numbers import format_quantity
from tertial.render.formats import render_json
from tertial.analysis_headings import Block
from tertial.report import GoalSection, IndicatorRow, Report, walk_goals
from tertial.resources import TEMPLATES
from tertial.trend import TREND_COLOURS

if TYPE_CHECKING:  # matplotlib is imported only when a report is rendered
    import typst

    from tertial.render.charts import ReportCharts

TEMPLATE = TEMPLATES / "report.typ"


def printed_figures(indicator: IndicatorRow) -> dict[str, str]:
    """An indicator's figures as the HTML prints them: the typed decimals (lost in a JSON float) and the unit."""
    figures = {"utfall": indicator.outcome, "man": indicator.men, "kvinnor": indicator.women,
               "foregaende": indicator.previous, "prognos": indicator.forecast}
    return {key: format_quantity(value, indicator.unit) for key, value in figures.items()}


def analysis_blocks(goal: GoalSection) -> list[Block]:
    """A goal's analysis as the HTML prints it: split at its '## ' lines when it has any, else one paragraph."""
    if goal.analysis_headed:
        return goal.analysis_blocks
    return [("paragraph", goal.analysis)] if goal.analysis else []


def typst_inputs(report: Report, charts: ReportCharts | None = None, controller: bool = True) -> dict[str, str]:
    """What the template reads, each a JSON string or plain text: data, never Typst markup. `controller` adds the
    appendix of which version fed each section, as in the HTML."""
    printing = {
        "indicator_columns": report.table_columns("indicators"),
        "activity_columns": report.table_columns("activities"),
        "figures": {i.id: printed_figures(i) for goal in walk_goals(report.goals) for i in goal.indicators},
        "analyses": {goal.key: analysis_blocks(goal) for goal in walk_goals(report.goals)},
        "parts": {part.key: part.blocks for goal in walk_goals(report.goals) for part in goal.parts},
        "trend_colours": list(TREND_COLOURS),
    }
    inputs = {"report": render_json(report), "printing": json.dumps(printing, ensure_ascii=False, sort_keys=True),
              "show_sources": "ja" if controller else ""}
    chart = charts.economy if charts is not None else None
    if chart is not None:
        inputs |= {"economy_chart": chart.svg, "economy_chart_alt": chart.alt}
    return inputs


@cache
def compiler() -> typst.Compiler:
    """One compiler per process: it finds the system fonts once (≈ the cost of a whole small report)."""
    import typst

    return typst.Compiler(TEMPLATE, root=TEMPLATES)


def render_typst_pdf(report: Report, charts: ReportCharts | None = None, controller: bool = True) -> bytes:
    """A4 PDF/UA-1 (tagged, Swedish, outline and TOC with page numbers), stamped with the attest date for same bytes."""
    stamp = dt.datetime.combine(report.attest_date, dt.time(), tzinfo=dt.UTC)
    return compiler().compile(format="pdf", sys_inputs=typst_inputs(report, charts, controller), pdf_standards="ua-1", timestamp=stamp)
