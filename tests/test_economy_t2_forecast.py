"""The VB against T2 (issue 15, point 5): the economy owner submits Prognos T2 per area on the Ekonomi sheet, as the
nämnd decided it; Diff mot prognos T2, the Jämförelse table and prognossäkerheten come from it
(tests/data/econ_vb: the mini plan's VB with a declared driftbudget)."""

import io
from decimal import Decimal as D

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.builders import accepted_version, filled_rows, write_filled
from tests.conftest import DATA
from tertial.assembly import build_report
from tertial.checking.suites import check_submissions
from tertial.config import load_cycle
from tertial.economy import forecast_accuracy
from tertial.reading import read_submission
from tertial.render.html import render_html
from tertial.render.word import document_bytes

ECON_VB = DATA / "econ_vb"
# Prognos T2 as the nämnd decided it: not the mini T2 report's forecasts (369,9; 240,6; 815,0; 20,3), which lose.
T2_FORECASTS = {"iof": "368,0", "iof-barn": "239,0", "aldre": "816,2", "avskr": "20,3"}


def _rows(cycle, forecasts=T2_FORECASTS):
    rows = filled_rows(cycle, "stab")
    for row in rows["economy"]:
        row["t2_forecast"] = forecasts[row["id"]]
    return rows


@pytest.fixture(scope="module")
def cycle():
    return load_cycle(ECON_VB / "cycle.yaml")


@pytest.fixture(scope="module")
def report(cycle, tmp_path_factory):
    inbox = tmp_path_factory.mktemp("inkorg")
    accepted = {c: accepted_version(cycle, inbox, c) for c in ("barn", "aldre")}
    accepted["stab"] = accepted_version(cycle, inbox, "stab", _rows(cycle))
    return build_report(cycle, accepted)


def _values(line, keys):
    return tuple(line.values.get(k) for k in keys)


def test_prognossakerhet_is_the_outcome_against_the_t2_forecast_in_per_cent():
    assert forecast_accuracy(D("1198.8"), D("1204.5")) == D("-0.5")  # −5,7 / 1 204,5 = −0,47 %
    assert forecast_accuracy(D("105"), D("100")) == D("5.0")
    assert forecast_accuracy(None, D("100")) is None
    assert forecast_accuracy(D("1"), D("0")) is None


def test_the_ekonomi_sheet_has_a_prognos_t2_column(cycle, tmp_path):
    headers = [c.value for c in load_workbook(write_filled(tmp_path, cycle, "stab", _rows(cycle)))["Ekonomi"][1]]
    assert headers == ["Id", "Verksamhetsområde", "Radtyp", "Bokslut föregående år (mnkr)", "Budget (mnkr)", "Utfall (mnkr)",
                       "Resultatöverföring (mnkr)", "Prognos T2 (mnkr)", "Kommentar"]


def test_the_driftbudget_computes_diff_mot_prognos_t2_and_prognossakerhet_per_area(report):
    table = report.economy.operations
    assert [h for _, h in table.columns][-3:] == ["Prognos T2", "Diff mot prognos T2", "Prognossäkerhet %"]
    keys = ("outcome", "t2_forecast", "difference", "forecast_accuracy")
    assert {line.id: _values(line, keys) for line in table.rows} == {
        "iof": (D("366.0"), D("368.0"), D("-2.0"), D("-0.5")),  # −2,0 / 368,0 = −0,54 %
        "iof-barn": (D("236.2"), D("239.0"), D("-2.8"), D("-1.2")),  # −2,8 / 239,0 = −1,17 %
        "aldre": (D("812.5"), D("816.2"), D("-3.7"), D("-0.5")),  # −3,7 / 816,2 = −0,45 %
        "avskr": (D("20.3"), D("20.3"), D("0.0"), D("0.0")),
    }
    # Σ without the varav row; the share from the sums, never a sum of shares.
    assert _values(table.total, keys) == (D("1198.8"), D("1204.5"), D("-5.7"), D("-0.5"))


def test_the_jamforelse_table_takes_the_submitted_prognos_t2_over_the_t2_report(report):
    table = report.economy.t2_comparison
    assert table.title == "Jämförelse utfall med lämnad prognos i tertialrapport 2"
    rows = {line.id: _values(line, ("t2_forecast", "outcome", "difference")) for line in table.rows}
    assert rows["iof"] == (D("368.0"), D("366.0"), D("-2.0"))  # the T2 report says 369,9: the submitted figure wins
    assert rows["aldre"] == (D("816.2"), D("812.5"), D("-3.7"))
    assert _values(table.total, ("t2_forecast", "outcome", "difference")) == (D("1204.5"), D("1198.8"), D("-5.7"))
    assert report.economy.forecast_accuracy == D("-0.5")
    assert report.model_dump(mode="json")["economy"]["forecast_accuracy"] == -0.5


def test_html_and_word_print_prognossakerheten(report):
    assert "Prognossäkerheten är -0,5\xa0%: utfallet mot prognosen i tertialrapport 2." in render_html(report)
    paragraphs = [p.text for p in Document(io.BytesIO(document_bytes(report))).paragraphs]
    assert "Prognossäkerheten är -0,5\xa0%: utfallet mot prognosen i tertialrapport 2." in paragraphs


def test_a_missing_or_unreadable_prognos_t2_is_named_at_its_cell(cycle, tmp_path):
    rows = _rows(cycle, {**T2_FORECASTS, "iof": "", "aldre": "ca åtta hundra"})
    (found,) = check_submissions([read_submission(write_filled(tmp_path, cycle, "stab", rows), cycle)], cycle)
    at_t2 = [f for f in found if f.column == "Prognos T2 (mnkr)"]
    assert [(f.rule_id, f.severity.value, f.item_id, f.row) for f in at_t2 if f.rule_id == "economy_t2_forecast_missing"] == [
        ("economy_t2_forecast_missing", "fel", "iof", 2)]
    (missing,) = [f for f in at_t2 if f.rule_id == "economy_t2_forecast_missing"]
    assert missing.message == ("Prognos T2 saknas för 'Individ- och familjeomsorg'. Fyll i den helårsprognos i mnkr som "
                               "nämnden lämnade i tertialrapport 2.")
    (unreadable,) = [f for f in at_t2 if f.item_id == "aldre" or f.row == 4]
    assert (unreadable.rule_id, unreadable.severity.value, unreadable.row) == ("number_invalid", "fel", 4)
    assert "ca åtta hundra" in unreadable.message
