"""Rendering the report model: JSON for publication, HTML through Jinja2."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import tempfile
from pathlib import Path
from decimal import Decimal
from typing import TYPE_CHECKING

from babel.dates import format_date
from prefect import task
from prefect.cache_policies import NO_CACHE
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from tertial.numbers import LOCALE, format_number, format_quantity
from tertial.report import Report
from tertial.resources import TEMPLATES
from tertial.trend import TREND_COLOURS

if TYPE_CHECKING:  # matplotlib is imported only when a report is rendered
    from tasks.charts import ReportCharts


def _percent(value: Decimal | None) -> str:
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
    env.filters.update(tal=format_number, mangd=format_quantity, procent=_percent, langt_datum=_long_date, slug=_slug)
    env.globals["trend_colours"] = TREND_COLOURS
    return env


_ASCII = str.maketrans("åäöéü", "aaoeu")


def _slug(title: str) -> str:
    """An id a link can carry unquoted: 'Intäkts- och kostnadsutveckling' → 'intakts-och-kostnadsutveckling'."""
    return "-".join(re.findall(r"[a-z0-9]+", title.lower().translate(_ASCII)))


def render_html(report: Report, controller: bool = True, charts: ReportCharts | None = None) -> str:
    """The report page; `controller` adds the appendix of which version fed each section."""
    from tasks.charts import ReportCharts

    charts = charts or ReportCharts(report)
    template = make_environment().get_template("report.html.j2")
    return template.render(report=report, economy_chart=charts.economy, show_sources=controller)


def render_json(report: Report) -> str:
    """The whole report model, stable key order, no timestamps: same inputs, same bytes."""
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


FORMATS = ("html", "pdf", "docx", "json")


def render_pdf(html: str) -> bytes:
    """A4 PDF through WeasyPrint: page numbers, running header, TOC page numbers from the print CSS."""
    from weasyprint import HTML

    # WeasyPrint warns about its font subsetter on every font; the PDF is right, the warning is noise.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf(pdf_variant="pdf/ua-1")


def _render(report: Report, kind: str, html: str, controller: bool, charts: ReportCharts) -> bytes:
    if kind == "json":
        return render_json(report).encode("utf-8")
    if kind == "html":
        return html.encode("utf-8")
    if kind == "pdf":
        return render_pdf(html)
    from tasks.word import document_bytes

    return document_bytes(report, controller, charts)


@task(cache_policy=NO_CACHE)
def write_report(report: Report, out_dir: Path, formats: tuple[str, ...] = ("json", "html"), controller: bool = True) -> dict[str, Path]:
    """The report in each format, written atomically so a crash never leaves half a file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    from tasks.charts import ReportCharts

    charts = ReportCharts(report)  # drawn once, for the HTML (and so the PDF) and the Word document alike
    html = render_html(report, controller, charts)
    written = {}
    for kind in formats:
        path = out_dir / f"report.{kind}"
        if kind == "pdf" and _pdf_is_current(path, html):
            written[kind] = path
            continue
        _write_atomically(path, _render(report, kind, html, controller, charts))
        if kind == "pdf":
            _write_atomically(_fingerprint_path(path), _pdf_fingerprint(html).encode("ascii"))
        written[kind] = path
    return written


def _write_atomically(path: Path, content: bytes) -> None:
    # A staging file of its own, so two assemblies of the same cycle never write into one.
    handle, staging = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.chmod(staging, 0o644)  # readable like any report, not mkstemp's private 0600
    os.replace(staging, path)


# The PDF is set from the HTML alone, so an unchanged HTML (report, version flag, templates and CSS are all
# in it) under the same WeasyPrint gives the same PDF: the slowest step is skipped on re-runs, and the PDF
# stays byte-identical between them. The fingerprint is written after the PDF, so a crash in between only
# costs a re-render.
def _pdf_fingerprint(html: str) -> str:
    import weasyprint

    return hashlib.sha256(f"weasyprint {weasyprint.__version__}\n{html}".encode("utf-8")).hexdigest()


def _fingerprint_path(pdf: Path) -> Path:
    return pdf.with_name(f".{pdf.name}.html-sha256")


def _pdf_is_current(pdf: Path, html: str) -> bool:
    stamp = _fingerprint_path(pdf)
    return pdf.exists() and stamp.exists() and stamp.read_text(encoding="ascii") == _pdf_fingerprint(html)
