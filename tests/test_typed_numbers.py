"""Numbers and units as contributors really type them (issue 16, point 5), each reported once, at its cell.

Real cases from the seeds (../shared/domain): seed 004 prints `80 | 83 %` in a %-row and `1 330 st` beside
`1 330` in a count row; seed 002 writes `118 personer (årsmål 75)`. The mistakes are planted one at a time in
the mini cycle's filled workbooks.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import yaml
from openpyxl import load_workbook

from tasks.validation import validate_submission
from tests.bad_corpus import cell
from tests.builders import accepted_version, filled_rows, write_filled
from tests.conftest import DATA
from tertial.assembly import build_report
from tertial.config import load_cycle
from tertial.checking.parse import typed_number_mistake
from tertial.checking.row_ids import one_message_per_cell
from tertial.economy_totals import TOTAL_ID
from tertial.findings import Finding, Severity, finding
from tertial.reading import read_submission

OUTCOME, FORECAST = "Periodens utfall", "Prognos helår"


def _findings(tmp_path, cycle, contributor, change=None, edit=None):
    rows = filled_rows(cycle, contributor)
    if change:
        change(rows)
    path = write_filled(tmp_path, cycle, contributor, rows)
    if edit:
        workbook = load_workbook(path)
        edit(workbook)
        workbook.save(path)
    return validate_submission.fn(read_submission(path, cycle), cycle)


def _set(sheet: str, item: str, **values):
    def change(rows):
        key = "goal" if sheet == "goals" else "id"
        next(r for r in rows[sheet] if r[key] == item).update(values)
    return change


def _at(findings: list[Finding], row: int, column: str) -> list[str]:
    return [f.rule_id for f in findings if (f.row, f.column) == (row, column)]


@pytest.mark.parametrize("raw, rule, expected", [
    ("118,", "number_truncated", "118"),
    ("118, personer", "number_truncated", "118\u00a0personer"),
    ("24–25 %", "number_range", "24,5\u00a0%"),
    ("24-25 %", "number_range", "24,5\u00a0%"),
    ("2024-02-05", "number_date", "5,2"),
    ("2024-02-05T00:00", "number_date", "5,2"),
])
def test_typed_mistakes_are_recognised(raw, rule, expected):
    assert typed_number_mistake(raw) == (rule, expected)


@pytest.mark.parametrize("raw", ["118", "118,5", "1 330 st", "16,6 barn/avd.", "-1 %", "−0,6", "+/- 1 %", "1.150 st", "34,5 %"])
def test_numbers_as_published_are_no_mistake(raw):
    assert typed_number_mistake(raw) is None


# (change, rule, row, column, what the message says): row 2 is the %-indicator 1.1-I1, row 3 the count 1.1-I2 (st).
PLANTED = [
    (_set("indicators", "1.1-I2", outcome="118,"), "number_truncated", 3, OUTCOME,
     "Värdet '118,' slutar med ett decimaltecken utan decimaler. Skriv hela talet, t.ex. 118, eller skriv decimalerna efter kommat."),
    (_set("indicators", "1.1-I1", forecast="24–25 %"), "number_range", 2, FORECAST,
     "Värdet '24–25 %' är ett intervall, men cellen ska innehålla ett tal. Skriv ett enda tal (t.ex. mittvärdet 24,5\u00a0%)"),
    # seed 004: 'Andel barn och ungdomar som deltar i idrottsaktiviteter på fritiden 80 | 83 % | …'
    (_set("indicators", "1.1-I1", outcome="80"), "indicator_unit_missing", 2, OUTCOME,
     "Värdet '80' saknar enhet, men indikatorn 'Andel barn som deltar i fritidsaktiviteter' mäts i procent. "
     "Skriv talet med procenttecken, t.ex. 80\u00a0%."),
    (_set("indicators", "1.1-I1", men="0,7"), "indicator_unit_missing", 2, "Utfall män/pojkar", "t.ex. 70\u00a0%"),
    (_set("indicators", "1.1-I2", outcome="-43 st"), "indicator_negative_count", 3, OUTCOME,
     "Värdet '-43 st' är negativt, men indikatorn 'Antal placerade barn' är ett antal (st)"),
    (_set("indicators", "1.1-I2", forecast="-42"), "indicator_negative_count", 3, FORECAST, "'-42' är negativt"),
    # seed 004: 'Antal ungdomar som fått feriejobb i stadens regi … 1 330 st', typed with a comma
    (_set("indicators", "1.1-I2", outcome="1,330 st"), "number_comma_thousands", 3, OUTCOME,
     "'1,330 st' läses som 1,33\u00a0st, men indikatorn 'Antal placerade barn' är ett antal. Om du menar 1\u00a0330\u00a0st, "
     "skriv tusental med mellanslag"),
]


@pytest.mark.parametrize("change, rule, row, column, text", PLANTED)
def test_typed_mistake_is_reported_once_at_its_cell(tmp_path, mini_cycle, change, rule, row, column, text):
    findings = _findings(tmp_path, mini_cycle, "barn", change)
    assert _at(findings, row, column) == [rule], [f.line() for f in findings]
    [hit] = [f for f in findings if f.rule_id == rule]
    assert hit.sheet == "Indikatorer" and text in hit.message, hit.message


def test_excel_date_in_a_number_cell_names_the_likely_number(tmp_path, mini_cycle):
    def edit(workbook):
        cell(workbook, "Indikatorer", 2, OUTCOME).value = dt.datetime(2025, 2, 5)
    findings = _findings(tmp_path, mini_cycle, "barn", edit=edit)
    assert _at(findings, 2, OUTCOME) == ["number_date"], [f.line() for f in findings]
    [hit] = [f for f in findings if f.rule_id == "number_date"]
    assert hit.severity is Severity.ERROR
    assert "Excel har gjort talet till ett datum. Skriv 5,2" in hit.message and "'2025-02-05'" in hit.message


TYPED = {"number_truncated", "number_range", "number_date", "indicator_unit_missing", "indicator_negative_count",
         "number_comma_thousands", "row_id_missing", "economy_forecast_missing", "adjustment_sum_row"}


def test_consistent_values_raise_none_of_the_new_rules(tmp_path, mini_cycle):
    def barn(rows):
        _set("indicators", "1.1-I1", outcome="80 %", forecast="71 %")(rows)
        _set("indicators", "1.1-I2", outcome="1 330 st", forecast="1330")(rows)  # seed 004: '1 330 | 1 330 st'

    def stab(rows):
        _set("indicators", "2.1-I1", outcome="-1 %", forecast="0,125 %")(rows)  # seed 002: prognossäkerhet -1 %

    for contributor, change in (("barn", barn), ("stab", stab), ("aldre", None)):
        found = _findings(tmp_path, mini_cycle, contributor, change)
        assert [f.line() for f in found if f.rule_id in TYPED] == []


def test_cleared_id_is_flagged_at_the_id_cell_and_the_item_is_not_also_missing(tmp_path, mini_cycle):
    findings = _findings(tmp_path, mini_cycle, "barn", _set("indicators", "1.1-I2", id=""))
    assert [f.line() for f in findings if f.rule_id == "item_missing"] == []
    [hit] = [f for f in findings if f.row == 3 and f.sheet == "Indikatorer"]
    assert (hit.rule_id, hit.column, hit.severity) == ("row_id_missing", "Id", Severity.ERROR)
    assert "Skriv tillbaka id:t '1.1-I2' (Antal placerade barn)" in hit.message


def test_empty_forecast_is_flagged_at_prognos_not_at_avvikelse(tmp_path, mini_cycle):
    findings = _findings(tmp_path, mini_cycle, "stab", _set("economy", "iof-barn", forecast_after=""))
    located = [(f.rule_id, f.column) for f in findings if f.sheet == "Ekonomi" and f.item_id == "iof-barn"]
    assert located == [("economy_forecast_missing", "Prognos efter resultatöverföringar")], [f.line() for f in findings]
    assert not [f for f in findings if f.rule_id == "economy_row_identity"]


def test_sum_row_in_budget_requests_is_not_a_request(tmp_path, mini_cycle):
    def change(rows):
        rows["adjustments"].append({"title": "Summa", "kind": "drift", "amount": "0,7", "text": "Summa av begärandena."})
    findings = _findings(tmp_path, mini_cycle, "stab", change)
    [hit] = [f for f in findings if f.rule_id == "adjustment_sum_row"]
    assert (hit.sheet, hit.column, hit.severity, hit.row) == ("Budgetjusteringar", "Rubrik", Severity.WARNING, 4)
    rows = filled_rows(mini_cycle, "stab")
    change(rows)
    accepted = {c.id: accepted_version(mini_cycle, tmp_path / "in", c.id, rows if c.id == "stab" else None)
                for c in mini_cycle.config.contributors}
    adjustments = build_report(mini_cycle, accepted).economy.adjustments
    assert [r.title for r in adjustments.requests] == ["Inventarier", "Ungas delaktighet"]
    assert "sammanlagt 0,7 mnkr" in adjustments.sentences[0]


def test_one_message_per_cell_keeps_the_error_else_the_first():
    where = {"file": "a.xlsx", "sheet": "Indikatorer", "row": 3, "column": OUTCOME, "value": "-5 personer", "name": "x"}
    mismatch = finding("indicator_unit_mismatch", **where, expected="st")
    negative = finding("indicator_negative_count", **where, expected="personer")
    elsewhere = finding("indicator_unit_mismatch", **{**where, "column": FORECAST}, expected="st")
    missing = finding("item_missing", sheet="Indikatorer", item_id="1.1-I1", name="y")
    assert one_message_per_cell([mismatch, negative, elsewhere, missing]) == [negative, elsewhere, missing]
    assert one_message_per_cell([elsewhere, elsewhere]) == [elsewhere]


@pytest.mark.parametrize("change, total, flagged", [
    (dict(forecast_after=""), {"forecast_after": "1 205,2"}, "economy_forecast_missing"),  # Σ 369,9 + 815,0 + 20,3
    (dict(id=""), {"budget": "1 192,0"}, "row_id_missing"),  # Σ 356,7 + 815,0 + 20,3
])
def test_a_gap_in_a_row_is_not_also_a_wrong_total(tmp_path, mini_cycle, change, total, flagged):
    rows = filled_rows(mini_cycle, "stab")
    next(r for r in rows["economy"] if r["id"] == "aldre").update(change)
    rows["economy"].append({"id": TOTAL_ID, "name": "Totalt", "row_type": "total", **total})
    path = write_filled(tmp_path, mini_cycle, "stab", rows)
    found = [f for f in validate_submission.fn(read_submission(path, mini_cycle), mini_cycle) if f.sheet == "Ekonomi"]
    assert [(f.rule_id, f.row) for f in found] == [(flagged, 4)], [f.line() for f in found]


def _with_count_units(root, units: list[str]):
    """The mini cycle with a T1 profile of its own that names the units counting whole things."""
    shutil.copytree(DATA / "mini", root, dirs_exist_ok=True)
    (root / "profil.yaml").write_text(yaml.safe_dump({"extends": "T1", "count_units": units}, allow_unicode=True),
                                      encoding="utf-8")
    config = yaml.safe_load((root / "cycle.yaml").read_text(encoding="utf-8"))
    config["profile"] = "profil.yaml"
    (root / "cycle.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return load_cycle(root / "cycle.yaml")


def test_the_units_that_count_are_the_profiles_data(tmp_path, mini_cycle):
    own = _with_count_units(tmp_path / "egen", ["Brukare", "placeringar"])
    assert own.outline.counts("brukare.") and own.outline.counts(" Placeringar") and not own.outline.counts("st")
    assert mini_cycle.outline.counts("st") and not mini_cycle.outline.counts("brukare")  # Tertial's own list
    negative = _set("indicators", "1.1-I2", outcome="-43 st")
    assert "indicator_negative_count" in [f.rule_id for f in _findings(tmp_path / "a", mini_cycle, "barn", negative)]
    # 'st' is no count for this nämnd: a negative figure in it is no longer reported as one.
    assert "indicator_negative_count" not in [f.rule_id for f in _findings(tmp_path / "b", own, "barn", negative)]
