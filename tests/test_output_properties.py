"""Every output format accepts every text intake accepts (issue 12: clean text at the door).

Text is generated as a contributor could send it (control characters pasted from Word, non-characters,
markup, up to Excel's 32 767 characters), taken through reading's door (`tertial.reading.cells.as_text`), and
then put where a submission's text goes: the report's JSON, HTML, Word document and PDF, and the
annotated feedback workbook. Each must accept it and carry it unchanged, as text and never as markup.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from openpyxl import load_workbook
from pypdf import PdfReader

from tertial.reading.cells import as_text as _text
from tests.builders import accepted_versions, write_filled
from tertial.assembly import build_report
from tertial.feedback.annotated_workbook import annotated_workbook
from tertial.findings import Finding, Severity
from tertial.render.charts import ReportCharts
from tertial.render.formats import render_json
from tertial.render.html import render_html
from tertial.render.pdf import render_report_pdf
from tertial.render.word import document_bytes
from tertial.report import Report

EXCEL_MAX_CHARS = 32_767
SOME = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])
FEW = settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                      HealthCheck.too_slow])
# Every code point but surrogates (which no decoder of ours produces): C0 and C1 controls, U+FFFE/U+FFFF included.
characters = st.characters(exclude_categories=["Cs"])
MARKUP = ["<script>alert(1)</script>", "<b>fet</b> & &amp; &#11;", "{{ 7*7 }} {% raw %}", "[/] [bold]x[/bold]",
          "=HYPERLINK(\"http://x\")", "]]><!--", "\x0b\x0c\r\n\r\x00\x1b[31m", "\ufffe\uffff", "_x000B_"]


@st.composite
def submitted_texts(draw) -> str:
    """A cell's text as sent: mixed pieces, sometimes repeated up to Excel's limit; then read as intake reads it."""
    pieces = draw(st.lists(st.one_of(st.text(characters, max_size=40), st.sampled_from(MARKUP)), min_size=1, max_size=6))
    text = "".join(pieces)
    if text and draw(st.booleans()):
        length = draw(st.integers(1, EXCEL_MAX_CHARS))
        text = (text * (length // len(text) + 1))[:length]
    return _text(text)


def _xml_safe(text: str) -> bool:
    return not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", text)


@pytest.fixture(scope="module")
def report(mini_cycle, tmp_path_factory) -> Report:
    return build_report(mini_cycle, accepted_versions(mini_cycle, tmp_path_factory.mktemp("inkorg")))


@pytest.fixture(scope="module")
def charts(report) -> ReportCharts:
    return ReportCharts(report)


def _with_text(report: Report, text: str) -> Report:
    """The report with the text as the summary's paragraph and bullet, where a contributor's text lands."""
    summary = report.summary.model_copy(update={"paragraphs": [text], "bullets": [text]})
    return report.model_copy(update={"summary": summary})


@SOME
@given(text=submitted_texts())
def test_the_door_leaves_only_text_every_format_can_hold(text):
    assert _xml_safe(text) and "\r" not in text and len(text) <= EXCEL_MAX_CHARS


@SOME
@given(text=submitted_texts())
def test_json_html_and_word_accept_every_text(report, charts, text):
    changed = _with_text(report, text)
    assert json.loads(render_json(changed))["summary"]["paragraphs"] == [text]
    html = render_html(changed, True, charts)
    assert str(escape(text)) in html  # as text, never as markup
    document = Document(io.BytesIO(document_bytes(changed, True, charts)))
    if text:
        assert sum(p.text == text for p in document.paragraphs) == 2  # the paragraph and the bullet


@pytest.fixture(scope="module")
def original(mini_cycle, tmp_path_factory) -> Path:
    return write_filled(tmp_path_factory.mktemp("original"), mini_cycle, "barn")


@SOME
@given(text=submitted_texts())
def test_the_annotated_workbook_accepts_every_text(original, tmp_path_factory, text):
    finding = Finding("text_cleaned", Severity.WARNING, f"Meddelande: {text}", file="barn.xlsx", sheet="Mål", row=2,
                      column="Analys", value=text)
    out = tmp_path_factory.mktemp("aterkoppling") / "barn-v1.xlsx"
    annotated_workbook(original, [finding], out, dt.datetime(2025, 5, 2, tzinfo=dt.UTC))
    workbook = load_workbook(out)
    comments = [c.comment.text for row in workbook["Mål"].iter_rows() for c in row if c.comment]
    assert any(text in comment for comment in comments)


@FEW
@given(text=submitted_texts())
def test_the_pdf_accepts_every_text(report, charts, text):
    """The whole report with the text as the summary's paragraph and bullet; a short visible text is in the PDF's text."""
    reader = PdfReader(io.BytesIO(render_report_pdf(_with_text(report, text), charts)))
    squeezed = "".join("".join(page.extract_text() for page in reader.pages).split())
    assert len(reader.pages) > 1
    if text.isalnum() and len(text) < 100:
        assert squeezed.count(text) >= 2
