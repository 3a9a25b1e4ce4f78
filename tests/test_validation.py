"""Validation: real GX suites on real workbooks; each finding is located to the cell."""

import subprocess
import sys
from pathlib import Path

import pytest

from tertial.reading import read_submission
from tasks.validation import validate_submission
from tests.builders import filled_rows, write_filled
from tertial.findings import Severity
from tertial.resources import EXAMPLES

ROOT = Path(__file__).resolve().parents[1]


def _findings(tmp_path, cycle, contributor, change=None):
    rows = filled_rows(cycle, contributor)
    if change:
        change(rows)
    path = write_filled(tmp_path, cycle, contributor, rows)
    return validate_submission.fn(read_submission(path, cycle), cycle)


def _set(sheet: str, item: str, **values):
    def change(rows):
        key = "goal" if sheet == "goals" else "key" if sheet == "texts" else "id"
        next(r for r in rows[sheet] if r[key] == item).update(values)
    return change


@pytest.mark.parametrize("contributor", ["stab", "barn", "aldre"])
def test_complete_submissions_pass(tmp_path, mini_cycle, contributor):
    assert [f.line() for f in _findings(tmp_path, mini_cycle, contributor) if f.severity is Severity.ERROR] == []


@pytest.mark.parametrize(
    "contributor, change, rule, sheet, row, column, severity",
    [
        # Period of a tertial indicator must be this report's tertial.
        ("barn", _set("indicators", "1.1-I1", period="Tertial 2 2025"), "indicator_period", "Indikatorer", 2, "Period", Severity.ERROR),
        # A tertial indicator needs a period outcome in T1.
        ("barn", _set("indicators", "1.1-I2", outcome=""), "indicator_outcome_missing", "Indikatorer", 3, "Periodens utfall", Severity.ERROR),
        # An annual indicator does not (row 4 is the annual one): no finding expected, see below.
        ("barn", _set("indicators", "1.1-I1", outcome="134 %"), "indicator_percent_range", "Indikatorer", 2, "Periodens utfall", Severity.ERROR),
        ("barn", _set("indicators", "1.1-I1", men="ca 35"), "number_invalid", "Indikatorer", 2, "Utfall män/pojkar", Severity.ERROR),
        ("barn", _set("indicators", "1.1-I1", status="Bra"), "indicator_status_unknown", "Indikatorer", 2, "Status", Severity.ERROR),
        ("barn", _set("indicators", "1.1-I1", status=""), "indicator_status_missing", "Indikatorer", 2, "Status", Severity.ERROR),
        # Placed children: lower is better, forecast 45 misses the target 40, so an analysis is required.
        ("barn", _set("indicators", "1.1-I2", forecast="45 st", analysis=""), "indicator_analysis_missing", "Indikatorer", 3, "Analys", Severity.ERROR),
        ("barn", _set("indicators", "1.1-I1", forecast=""), "indicator_forecast_missing", "Indikatorer", 2, "Prognos helår", Severity.WARNING),
        ("barn", _set("goals", "1.1", assessment="Uppfylls nästan"), "goal_assessment_unknown", "Mål", 2, "Bedömning", Severity.ERROR),
        ("barn", _set("goals", "1.1.1", expected=""), "goal_expected_missing", "Mål", 3, "Förväntat resultat", Severity.WARNING),
        ("barn", _set("activities", "1.1.1-A1", end="2024-12-31"), "activity_end_before_start", "Aktiviteter", 2, "Slutdatum", Severity.ERROR),
        # Wholly after the report year (a multi-year activity that merely ends later is fine).
        ("barn", _set("activities", "1.1.1-A1", start="2026-01-05", end="2026-02-01"), "activity_outside_year", "Aktiviteter", 2, "Startdatum", Severity.ERROR),
        ("barn", _set("activities", "1.1.1-A1", start="första januari"), "date_invalid", "Aktiviteter", 2, "Startdatum", Severity.ERROR),
        # Ended 2025-03-31, before the period end, not completed and no Avvikelse.
        ("barn", _set("activities", "1.1.2-A1", status="Pågår"), "activity_overdue", "Aktiviteter", 3, "Avvikelse", Severity.WARNING),
        ("stab", _set("texts", "direktiv", text=""), "text_missing", "Texter", 7, "Text", Severity.ERROR),
        ("stab", _set("economy", "aldre", budget=""), "economy_value_missing", "Ekonomi", 4, "Budget", Severity.ERROR),
        ("barn", _set("indicators", "1.1-I1", id="9.9-I9"), "indicator_unknown", "Indikatorer", 2, "Id", Severity.ERROR),
    ],
)
def test_each_rule_names_its_cell(tmp_path, mini_cycle, contributor, change, rule, sheet, row, column, severity):
    findings = _findings(tmp_path, mini_cycle, contributor, change)
    hits = [f for f in findings if f.rule_id == rule]
    assert hits, [f.line() for f in findings]
    assert (hits[0].sheet, hits[0].row, hits[0].column, hits[0].severity) == (sheet, row, column, severity)
    assert hits[0].file == f"{contributor}.xlsx"


def test_messages_say_what_was_found_and_expected(tmp_path, mini_cycle):
    findings = _findings(tmp_path, mini_cycle, "barn", _set("indicators", "1.1-I1", period="Tertial 2 2025", status="Bra"))
    messages = {f.rule_id: f.message for f in findings}
    assert messages["indicator_period"] == "Perioden är 'Tertial 2 2025' men ska vara 'Tertial 1 2025' för denna rapport. Rätta perioden."
    assert "Välj en av: Uppfylls helt, Uppfylls delvis, Uppfylls inte, Ej mätbar." in messages["indicator_status_unknown"]


def test_annual_indicator_needs_no_outcome_in_t1(tmp_path, mini_cycle):
    findings = _findings(tmp_path, mini_cycle, "barn")
    assert not [f for f in findings if f.item_id == "1.1.1-I1"]


def test_removed_row_is_reported_missing(tmp_path, mini_cycle):
    findings = _findings(tmp_path, mini_cycle, "barn", lambda rows: rows["activities"].pop(0))
    missing = [f for f in findings if f.rule_id == "item_missing"]
    assert [(f.sheet, f.item_id) for f in missing] == [("Aktiviteter", "1.1.1-A1")]
    assert "Införa gemensam screening i förskolan" in missing[0].message


def test_unreadable_number_is_reported_once(tmp_path, mini_cycle):
    findings = _findings(tmp_path, mini_cycle, "barn", _set("indicators", "1.1-I2", outcome="cirka 40"))
    at_cell = [f for f in findings if (f.row, f.column) == (3, "Periodens utfall")]
    assert [f.rule_id for f in at_cell] == ["number_invalid"]


def test_band_target_accepts_values_inside_the_band(tmp_path, mini_cycle):
    inside = _findings(tmp_path, mini_cycle, "stab", _set("indicators", "2.1-I1", forecast="0,9 %", analysis=""))
    outside = _findings(tmp_path, mini_cycle, "stab", _set("indicators", "2.1-I1", forecast="1,4 %", analysis=""))
    assert not [f for f in inside if f.rule_id == "indicator_analysis_missing"]
    assert [f.item_id for f in outside if f.rule_id == "indicator_analysis_missing"] == ["2.1-I1"]


def test_stated_deviation_must_match_the_row(tmp_path, mini_cycle):
    # 356,7 + 0,2 + 0,0 − 369,9 = −13,0; stating −12,0 is off by more than 0,1 mnkr.
    findings = _findings(tmp_path, mini_cycle, "stab", _set("economy", "iof", deviation="-12,0"))
    hit = next(f for f in findings if f.rule_id == "economy_row_identity")
    assert (hit.sheet, hit.row, hit.column, hit.severity) == ("Ekonomi", 2, "Avvikelse", Severity.ERROR)
    assert "-13,0" in hit.message and "-12,0" in hit.message
    rounding = _findings(tmp_path, mini_cycle, "stab", _set("economy", "iof", deviation="-13,1"))
    assert not [f for f in rounding if f.rule_id == "economy_row_identity"]  # within ±0,1


def test_windows_1252_csv_is_read(tmp_path, mini_cycle):
    from tests.builders import write_filled_csv

    folder = write_filled_csv(tmp_path, mini_cycle, "aldre")
    for file in folder.glob("*.csv"):
        file.write_bytes(file.read_text(encoding="utf-8").encode("cp1252"))
    submission = read_submission(folder, mini_cycle)
    assert submission.frame("goals").loc[0, "title"] == "Äldre får god omsorg"


def test_formula_instead_of_value_is_an_error(tmp_path, mini_cycle):
    import openpyxl

    path = write_filled(tmp_path, mini_cycle, "barn")
    workbook = openpyxl.load_workbook(path)
    workbook["Indikatorer"]["F3"] = "=40+3"  # Periodens utfall of 1.1-I2
    workbook.save(path)
    findings = validate_submission.fn(read_submission(path, mini_cycle), mini_cycle)
    hit = next(f for f in findings if f.rule_id == "formula")
    assert (hit.sheet, hit.row, hit.column, hit.severity) == ("Indikatorer", 3, "Periodens utfall", Severity.ERROR)
    assert "formel" in hit.message


@pytest.mark.parametrize(
    "contributor, change, rule, row, column",
    [
        # A rate: the total 72 % cannot lie above both men (60 %) and women (65 %).
        ("barn", _set("indicators", "1.1-I1", men="60 %", women="65 %"), "indicator_sex_outside_rate", 2, "Periodens utfall"),
        # Parts: 30 % + 50 % is not the total 84 % (the seed's 2,3 + 32,2 = 34,5 passes).
        ("aldre", _set("indicators", "1.2-I1", men="30 %", women="50 %"), "indicator_sex_parts_sum", 2, "Periodens utfall"),
        # From 68 % last year to 20 %: more than half.
        ("barn", _set("indicators", "1.1-I1", outcome="20 %", men="19 %", women="21 %", status="Uppfylls delvis", analysis="x"), "indicator_large_change", 2, "Periodens utfall"),
        # Chosen helt, but forecast 30 % is far below the 70 % target, and no analysis.
        ("barn", _set("indicators", "1.1-I1", forecast="30 %", analysis=""), "indicator_status_contradicts", 2, "Status"),
        # '15 st' in a %-row: the seed's 'barn/avd. | st' kind of mix-up.
        ("barn", _set("indicators", "1.1-I1", forecast="71 st"), "indicator_unit_mismatch", 2, "Prognos helår"),
    ],
)
def test_warnings_from_indicator_metadata(tmp_path, mini_cycle, contributor, change, rule, row, column):
    findings = _findings(tmp_path, mini_cycle, contributor, change)
    hit = next((f for f in findings if f.rule_id == rule), None)
    assert hit is not None, [f.line() for f in findings]
    assert (hit.row, hit.column, hit.severity) == (row, column, Severity.WARNING)


def test_status_contradiction_names_the_proposal(tmp_path, mini_cycle):
    findings = _findings(tmp_path, mini_cycle, "barn", _set("indicators", "1.1-I1", forecast="30 %", analysis=""))
    hit = next(f for f in findings if f.rule_id == "indicator_status_contradicts")
    assert "förslag: Uppfylls inte" in hit.message


def test_consistent_sex_split_gives_no_warning(tmp_path, mini_cycle):
    findings = _findings(tmp_path, mini_cycle, "aldre", _set("indicators", "1.2-I1", outcome="34,5 %", men="2,3 %", women="32,2 %",
                                                              forecast="86 %"))
    assert not [f for f in findings if f.rule_id.startswith("indicator_sex")]


def test_varav_rows_cannot_exceed_their_parent(tmp_path, mini_cycle):
    findings = _findings(tmp_path, mini_cycle, "stab", _set("economy", "iof-barn", budget="400,0", deviation=""))
    hit = next(f for f in findings if f.rule_id == "economy_varav_exceeds")
    assert (hit.row, hit.column, hit.item_id) == (2, "Budget", "iof")


# Runs `tertial validate` and, on the way out, prints every module the process loaded.
LOADED = "import atexit, sys; atexit.register(lambda: print(*sys.modules, file=sys.stderr)); from commands import app; app()"


def test_validate_runs_the_suites_and_loads_nothing_it_does_not_use(tmp_path):
    """One plain call: no Prefect, flows, tasks or versions; GX without the statistics and charts it loads for
    expectations the suites do not use (tertial/checking/deferred.py); Typer's help panels only for help or an error."""
    cycle = EXAMPLES / "eav-t1-2024"
    done = subprocess.run([sys.executable, "-c", LOADED, "validate", str(cycle / "submissions" / "forskola-fel.xlsx"),
                           "--cycle", str(cycle / "cycle.yaml"), "--workdir", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "fel" in done.stdout.splitlines()[-1]  # it did validate: the file has errors
    loaded = set(done.stderr.splitlines()[-1].split())
    assert {"great_expectations", "openpyxl", "tertial.checking.suites"} <= loaded
    unused = {"prefect", "flows", "tasks", "tertial.versions", "tertial.web", "weasyprint", "docx",
              "matplotlib", "scipy.stats._stats_py", "altair.vegalite", "typer.rich_utils"}
    assert {name for name in loaded if name.split(".")[0] in unused or name in unused} == set()


def test_a_deferred_library_loads_when_first_used():
    from tertial.checking import suites  # noqa: F401 - GX imported, SciPy's statistics deferred
    from scipy import stats

    assert stats.entropy([1, 1], [1, 1]) == 0.0
