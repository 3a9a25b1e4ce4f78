"""The report in each format (JSON for publication, HTML, PDF, Word), written atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from tertial.render.html import render_html
from tertial.render.pdf import fingerprint_path, pdf_fingerprint, pdf_is_current, render_pdf, typst_inputs
from tertial.render.report_json import render_json
from tertial.report import Report
from tertial.settings import load_settings

if TYPE_CHECKING:  # matplotlib is imported only when a report is rendered
    from tertial.render.charts import ReportCharts


FORMATS = ("html", "pdf", "docx", "json")


def _render(report: Report, kind: str, controller: bool, charts: ReportCharts, word_template: Path | None) -> bytes:
    if kind == "json":
        return render_json(report).encode("utf-8")
    if kind == "html":
        return render_html(report, controller, charts).encode("utf-8")
    from tertial.render.word import document_bytes

    return document_bytes(report, controller, charts, word_template or load_settings().word_template)


def write_report_files(report: Report, out_dir: Path, formats: tuple[str, ...] = ("json", "html"), controller: bool = True,
                       word_template: Path | None = None) -> dict[str, Path]:
    """The report in each format, written atomically so a crash never leaves half a file. The Word document is
    written in `word_template`, else in TERTIAL_WORD_TEMPLATE's template, else in Tertial's own look."""
    out_dir.mkdir(parents=True, exist_ok=True)
    from tertial.render.charts import ReportCharts

    charts = ReportCharts(report)  # drawn once, for the HTML, the PDF and the Word document alike
    written = {}
    for kind in formats:
        path = out_dir / f"report.{kind}"
        if kind == "pdf":
            _write_pdf(path, report, typst_inputs(report, charts, controller))
        else:
            _write_atomically(path, _render(report, kind, controller, charts, word_template))
        written[kind] = path
    return written


def _write_pdf(path: Path, report: Report, inputs: dict[str, str]) -> None:
    """The PDF, set again only when what it is made from has changed (tertial.render.pdf.pdf_fingerprint)."""
    if pdf_is_current(path, inputs):
        return
    _write_atomically(path, render_pdf(inputs, report))
    _write_atomically(fingerprint_path(path), pdf_fingerprint(inputs).encode("ascii"))


def _write_atomically(path: Path, content: bytes) -> None:
    # A staging file of its own, so two assemblies of the same cycle never write into one.
    handle, staging = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.chmod(staging, 0o644)  # readable like any report, not mkstemp's private 0600
    os.replace(staging, path)
