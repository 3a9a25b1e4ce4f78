"""Rendering the report model as HTML through Jinja2; the one Jinja2 environment every page uses."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from tertial.analysis_headings import paragraph_heading
from tertial.numbers import LOCALE, format_number, format_quantity
from tertial.report import ATTESTED_BY, DRAFT_MARK, NO_ATTESTERS, NOT_ATTESTED, Report
from tertial.table_columns import column_kind
from tertial.targets import printed_target
from tertial.resources import TEMPLATES
from tertial.trend import TREND_COLOURS

if TYPE_CHECKING:  # matplotlib is imported only when a report is rendered
    from tertial.render.charts import ReportCharts


def printed_percent(value: Decimal | None) -> str:
    """A share as the report prints it: one decimal and a non-breaking space before %."""
    return format_quantity(value, "%", 1) if value is not None else ""


def _long_date(value: dt.date) -> str:
    return format_date(value, "d MMMM y", locale=LOCALE)


def make_environment() -> Environment:
    """The one Jinja2 environment: autoescaped, strict, with the Swedish number filters."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(tal=format_number, mangd=format_quantity, procent=printed_percent, langt_datum=_long_date, slug=_slug,
                       column_kind=column_kind, mal=printed_target)
    env.globals["trend_colours"] = TREND_COLOURS
    env.globals["paragraph_heading"] = paragraph_heading
    env.globals.update(draft_mark=DRAFT_MARK, attested_by=ATTESTED_BY, not_attested=NOT_ATTESTED, no_attesters=NO_ATTESTERS)
    return env


@cache
def shared_environment() -> Environment:
    """The environment built once, for pages rendered on every upload (feedback, status): building it anew compiled
    their templates again each time, a good part of an upload's feedback files (bench/RESULTS.md, serve). Only for
    callers that never change it; Jinja still reloads a template whose file has changed."""
    return make_environment()


_ASCII = str.maketrans("åäöéü", "aaoeu")


def _slug(title: str) -> str:
    """An id a link can carry unquoted: 'Intäkts- och kostnadsutveckling' → 'intakts-och-kostnadsutveckling'."""
    return "-".join(re.findall(r"[a-z0-9]+", title.lower().translate(_ASCII)))


def render_html(report: Report, controller: bool = True, charts: ReportCharts | None = None) -> str:
    """The report page; `controller` adds the appendix of which version fed each section."""
    from tertial.render.charts import ReportCharts

    charts = charts or ReportCharts(report)
    template = make_environment().get_template("report.html.j2")
    return template.render(report=report, economy_chart=charts.economy, show_sources=controller)
