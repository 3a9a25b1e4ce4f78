"""The report as an A4 PDF/UA-1, set by Typst from the report's data (templates/report.typ).

The template reads the report as JSON (the same model report.json publishes) through `sys.inputs`, never as markup:
every text a contributor wrote reaches Typst as a string value and is set as text, so a submission's `#read(...)` or
`#link(...)` prints as those characters. Every figure arrives printed, by the functions the HTML prints it with
(tertial.numbers, the targets', the tables' own), so the PDF and the HTML print the same figures; the template only
places strings. A PDF is made from these inputs, the template, Typst and its fonts alone: `pdf_fingerprint` covers them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from tertial.analysis_headings import Block
from tertial.numbers import format_number, format_quantity
from tertial.render import pdf_setter
from tertial.render.html import printed_percent
from tertial.render.report_json import render_json
from tertial.report import (ATTESTED_BY, DRAFT_MARK, NO_ATTESTERS, NOT_ATTESTED, EconomyTable, FreeSection, GoalSection,
                            IndicatorRow, Report, walk_goals, walk_sections)
from tertial.resources import TEMPLATES
from tertial.table_columns import column_kind
from tertial.targets import printed_target
from tertial.trend import TREND_COLOURS

if TYPE_CHECKING:  # matplotlib is imported only when a report is rendered
    from tertial.render.charts import ReportCharts

TEMPLATE = TEMPLATES / "report.typ"
def printed_figures(indicator: IndicatorRow) -> dict[str, str]:
    """An indicator's figures as the HTML prints them: the typed decimals (lost in a JSON float), the unit, the targets."""
    figures = {"utfall": indicator.outcome, "man": indicator.men, "kvinnor": indicator.women,
               "foregaende": indicator.previous, "prognos": indicator.forecast}
    printed = {key: format_quantity(value, indicator.unit) for key, value in figures.items()}
    return printed | {"arsmal": printed_target(indicator.annual_target), "kf_arsmal": printed_target(indicator.kf_target)}


def printed_table(table: EconomyTable) -> list[list[str]]:
    """Each line's figures (the total last) as the HTML's economy table prints them."""
    return [[format_number(line.values.get(key), table.decimals) for key, _ in table.columns]
            for line in [*table.rows, table.total]]


def economy_tables(report: Report) -> dict[str, list[list[str]]]:
    """The economy's printed tables by where they stand: 'operations', …, or '<section key>' for a section's table."""
    eco = report.economy
    tables = {"operations": eco.operations, "investments": eco.investments, "t2_comparison": eco.t2_comparison,
              "total_budget": eco.total_budget}
    sections = (eco.revenue_costs, eco.result_units, eco.turnover, eco.adjustments)
    tables |= {s.key: s.table for s in sections if s is not None}
    return {key: printed_table(table) for key, table in tables.items() if table is not None}


def section_table(section: FreeSection) -> list[list[str]]:
    """A free section's table cells as the HTML prints them: a word as written, a number with its typed decimals."""
    assert section.table is not None
    cells = [[row.values.get(key) for key, _ in section.table.columns] for row in section.table.rows]
    return [[v if isinstance(v, str) else "" if v is None else format_number(v) for v in row] for row in cells]


def analysis_blocks(goal: GoalSection) -> list[Block]:
    """A goal's analysis as the HTML prints it: split at its '## ' lines when it has any, else one paragraph."""
    if goal.analysis_headed:
        return goal.analysis_blocks
    return [("paragraph", goal.analysis)] if goal.analysis else []


def typst_inputs(report: Report, charts: ReportCharts | None = None, controller: bool = True) -> dict[str, str]:
    """What the template reads, each a JSON string or plain text: data, never Typst markup. `controller` adds the
    appendix of which version fed each section, as in the HTML."""
    eco = report.economy
    goals = list(walk_goals(report.goals))
    free = list(walk_sections([*report.sections, *(s for goal in goals for s in goal.sections)]))
    printing = {
        "indicator_columns": [(key, heading, column_kind(key)) for key, heading in report.table_columns("indicators")],
        "activity_columns": [(key, heading, column_kind(key)) for key, heading in report.table_columns("activities")],
        "figures": {i.id: printed_figures(i) for goal in goals for i in goal.indicators},
        "economy_tables": economy_tables(report),
        "section_tables": {s.key: section_table(s) for s in free if s.table is not None},
        "budget_adherence": printed_percent(eco.budget_adherence),
        "forecast_accuracy": printed_percent(eco.forecast_accuracy),
        "analyses": {goal.key: analysis_blocks(goal) for goal in goals},
        "parts": {part.key: part.blocks for goal in goals for part in goal.parts},
        "activity_symbols": {a.id: a.printed_symbol for goal in goals for a in goal.activities},
        "trend_colours": list(TREND_COLOURS),
        "gender_equality_marked": report.gender_equality_marked,
        "words": {"draft_mark": DRAFT_MARK, "draft_notice": report.draft_notice(), "attested_by": ATTESTED_BY,
                  "not_attested": NOT_ATTESTED, "no_attesters": NO_ATTESTERS},
    }
    inputs = {"report": render_json(report), "printing": json.dumps(printing, ensure_ascii=False, sort_keys=True),
              "show_sources": "ja" if controller else ""}
    chart = charts.economy if charts is not None else None
    if chart is not None:
        inputs |= {"economy_chart": chart.svg, "economy_chart_alt": chart.alt}
    return inputs


def font_folder() -> Path:
    """The fonts the PDF is set in: the DejaVu faces matplotlib ships (the report's DejaVu Sans), and its Last Resort
    font, which gives any character the others lack a glyph of its own (PDF/UA-1 refuses text it cannot show)."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def warm_up() -> None:
    """Typst started and its fonts found before the first report (tertial.render.pdf_setter)."""
    pdf_setter.warm_up(TEMPLATE, TEMPLATES, font_folder())


def _stamp(report: Report) -> dt.datetime:
    """The PDF's creation date: the attest date, so the same report gives the same bytes on any day."""
    return dt.datetime.combine(report.attest_date, dt.time(), tzinfo=dt.UTC)


def render_pdf(inputs: dict[str, str], report: Report) -> bytes:
    """A4 PDF/UA-1 (tagged, Swedish, outline and TOC with page numbers) from `typst_inputs`."""
    return pdf_setter.set_pdf(TEMPLATE, TEMPLATES, font_folder(), inputs, _stamp(report))


def page_images(inputs: dict[str, str], ppi: float = 96) -> list[bytes]:
    """The same document as one PNG per page, to review the PDF with page images."""
    pages = pdf_setter.compiler(TEMPLATE, TEMPLATES, font_folder()).compile(format="png", ppi=ppi, sys_inputs=inputs)
    return pages if isinstance(pages, list) else [pages]  # one page comes back on its own


def render_report_pdf(report: Report, charts: ReportCharts | None = None, controller: bool = True) -> bytes:
    """The report's PDF in one call; `controller` adds the appendix of which version fed each section."""
    return render_pdf(typst_inputs(report, charts, controller), report)


# Unchanged inputs, template, Typst and fonts give the same PDF: the step is skipped on re-runs and the PDF
# stays byte-identical between them. The fingerprint is written after the PDF, so a crash in between only costs a
# re-render.
def engine() -> str:
    """The Typst that sets the PDF and the fonts it sets it in, by their releases."""
    from importlib.metadata import version

    return f"typst {version('typst')}, fonts of matplotlib {version('matplotlib')}"


def pdf_fingerprint(inputs: dict[str, str]) -> str:
    digest = hashlib.sha256(f"{engine()}\n".encode("utf-8"))
    digest.update(TEMPLATE.read_bytes())
    digest.update(json.dumps(inputs, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


def fingerprint_path(pdf: Path) -> Path:
    return pdf.with_name(f".{pdf.name}.sha256")


def pdf_is_current(pdf: Path, inputs: dict[str, str]) -> bool:
    stamp = fingerprint_path(pdf)
    return pdf.exists() and stamp.exists() and stamp.read_text(encoding="ascii") == pdf_fingerprint(inputs)
