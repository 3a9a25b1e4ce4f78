"""Investments as a text instead of a table (issue 15, point 1): the profile says `investments_as: text`; the economy
owner's workbook has no Investeringar sheet and the report prints the text alone (tests/data/econ_tables, the mini
plan's T2 with its investments)."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.builders import accepted_version, filled_rows, write_filled
from tests.conftest import DATA
from tests.test_economy_tables import _broken_copy as _copy  # the cycle with its profile changed
from tertial.assembly import build_report
from tertial.checking.suites import check_submissions
from tertial.config import load_cycle
from tertial.errors import ConfigError
from tertial.reading import read_submission
from tertial.render.html import render_html
from tertial.render.word import document_bytes
from tertial.submission import sheets_for

ECON = DATA / "econ_tables"
TEXT = "Investeringarna följer planen. Inventarierna till det nya boendet köps in under hösten."


def _as_text(profile):
    profile["economy"]["investments_as"] = "text"


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    return load_cycle(_copy(tmp_path_factory.mktemp("text"), _as_text))


def _rows(cycle):
    rows = filled_rows(cycle, "stab")
    for row in rows["texts"]:
        if row["key"] == "investeringar":
            row["text"] = TEXT
    return rows


def test_the_economy_owner_gets_no_investeringar_sheet(cycle, tmp_path):
    assert cycle.plan.economy.investments  # the plan has investments; the profile reports them as a text
    assert "investments" not in sheets_for(cycle.config.kind, cycle.config.year, cycle.outline.economy)
    path = write_filled(tmp_path, cycle, "stab", _rows(cycle))
    assert "Investeringar" not in load_workbook(path).sheetnames
    (found,) = check_submissions([read_submission(path, cycle)], cycle)
    assert [f.line() for f in found if f.severity.value == "fel"] == []


def test_the_report_prints_the_text_without_a_table(cycle, tmp_path):
    accepted = {c: accepted_version(cycle, tmp_path, c) for c in ("barn", "aldre")}
    accepted["stab"] = accepted_version(cycle, tmp_path, "stab", _rows(cycle))
    report = build_report(cycle, accepted)
    economy = report.economy
    assert economy.investments is None and economy.investments_as_text
    assert economy.investment_text.paragraphs == [TEXT]
    assert report.model_dump(mode="json")["economy"]["investments_as_text"] is True
    html = render_html(report)
    assert f'<h3 id="investeringar">Investeringar</h3>\n<p>{TEXT}</p>' in html
    assert '<a href="#investeringar">Investeringar</a>' in html and 'data-id="inv"' not in html  # no table row
    document = Document(io.BytesIO(document_bytes(report)))
    assert "Investeringar" in [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert TEXT in [p.text for p in document.paragraphs]


def test_the_table_stays_by_default(tmp_path):
    cycle = load_cycle(ECON / "cycle.yaml")
    assert "investments" in sheets_for(cycle.config.kind, cycle.config.year, cycle.outline.economy)
    assert not cycle.outline.economy.investments_as == "text"


def test_check_config_refuses_a_text_with_a_declared_table(tmp_path):
    def both(profile):
        _as_text(profile)
        profile["economy"]["investments"] = {"columns": ["budget", "forecast", "deviation"]}
    with pytest.raises(ConfigError) as caught:
        load_cycle(_copy(tmp_path, both))
    assert caught.value.file.name == "profil.yaml"
    assert caught.value.problems == [
        "economy: investments: investeringarna redovisas som text (investments_as: text) och har ingen tabell; ta bort "
        "investments eller skriv investments_as: table"]
