"""Messages a contributor can act on at once (issue 16, point 6): the cell's address in every feedback form,
the apostrophe hint for a text Excel made a formula of, no internal marker in any output, and a message
that names the one cause that applies."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tasks.validation import validate_submission
from tests.builders import filled_rows, write_filled, write_filled_csv
from tertial.checking.addresses import with_cells
from tertial.checking.indicator_facts import analysis_cause
from tertial.feedback.annotated_workbook import FEEDBACK_SHEET, annotated_workbook
from tertial.feedback.html import FeedbackContext, feedback_html
from tertial.feedback.mail import feedback_mail
from tertial.feedback.text import feedback_text
from tertial.findings import Finding, Severity, finding
from tertial.key_figures import read_key_figures
from tertial.ledger import REJECTED, Version
from tertial.plan import EconomyRow
from tertial.reading import read_submission
from tertial.reading.cells import FORMULA, Formula, cell_address, prose_formula
from tertial.rules import registry
from tertial.versions import diff_submissions
from tertial.vocabulary import ReportKind

STAMP = dt.datetime(2025, 5, 6, 8, 0)
APOSTROPHE = "skriv en apostrof (') först"


def _letter(path: Path, sheet: str, header: str) -> str:
    ws = load_workbook(path)[sheet]
    return next(c.column_letter for c in ws[1] if c.value == header)


def _with_mistakes(folder: Path, cycle, name: str = "barn.xlsx") -> Path:
    """A barn workbook with a bullet list Excel made a formula of, a real formula, a forecast that misses its
    target with no analysis, and a number that is no number."""
    rows = filled_rows(cycle, "barn")
    indicators = {r["id"]: r for r in rows["indicators"]}
    indicators["1.1-I2"].update(forecast="45 st", analysis="")
    indicators["1.1-I1"]["women"] = "ca 35"
    path = write_filled(folder, cycle, "barn", rows, name=name)
    workbook = load_workbook(path)
    # '- fler platser' typed without an apostrophe: Excel stores the formula '=-fler platser'.
    workbook["Mål"][f"{_letter(path, 'Mål', 'Förväntat resultat')}3"] = "=-fler förskoleplatser i Norr"
    workbook["Indikatorer"][f"{_letter(path, 'Indikatorer', 'Utfall män/pojkar')}2"] = "=SUM(1,2)"  # a calculation
    workbook.save(path)
    return path


@pytest.fixture(scope="module")
def checked(tmp_path_factory, mini_cycle) -> tuple[Path, list[Finding]]:
    path = _with_mistakes(tmp_path_factory.mktemp("messages"), mini_cycle)
    return path, validate_submission.fn(read_submission(path, mini_cycle), mini_cycle)


def _one(findings: list[Finding], rule: str) -> Finding:
    hits = [f for f in findings if f.rule_id == rule]
    assert len(hits) == 1, [f.line() for f in findings]
    return hits[0]


def _version() -> Version:
    return Version(id=1, cycle_id="t1-2025", contributor_id="barn", number=1, sha256="0" * 64, received_at=STAMP,
                   original_name="barn.xlsx", archive_path="barn.xlsx", status=REJECTED, errors=1, warnings=0)


# --- The cell's address ------------------------------------------------------------------


def test_location_and_line_name_the_cell_beside_sheet_row_and_column():
    f = Finding("number_invalid", Severity.ERROR, "Värdet är inte ett tal.", file="barn.xlsx", sheet="Indikatorer", row=6,
                column="Utfall män/pojkar", cell="F6")
    assert f.location() == "barn.xlsx, blad 'Indikatorer', cell F6, rad 6, kolumn 'Utfall män/pojkar'"
    assert f.line().startswith("FEL: barn.xlsx, blad 'Indikatorer', cell F6, rad 6")
    assert f.to_dict()["cell"] == "F6"
    assert "cell" not in Finding("x", Severity.ERROR, "m", sheet="Mål", row=2).location()  # none known: none shown


def test_the_address_comes_from_the_sheets_layout_for_any_rule():
    layouts = {"Indikatorer": {"Id": 1, "Utfall män/pojkar": 6}}
    assert cell_address(layouts, "Indikatorer", 6, "Utfall män/pojkar") == "F6"
    assert cell_address(layouts, "Indikatorer", 6, "Finns inte") is None
    assert cell_address(layouts, "Indikatorer", None, "Id") is None
    assert cell_address({}, "Indikatorer", 6, "Id") is None  # a CSV folder has no layout
    located = finding("formula", sheet="Indikatorer", row=3, column="Id")
    assert with_cells([located], layouts)[0].cell == "A3"


def test_every_finding_on_a_cell_names_its_address(checked):
    path, findings = checked
    wrong = _one(findings, "number_invalid")
    assert wrong.cell == f"{_letter(path, 'Indikatorer', 'Utfall kvinnor/flickor')}2"
    missing = _one(findings, "indicator_analysis_missing")
    assert missing.cell == f"{_letter(path, 'Indikatorer', 'Analys')}3"
    assert f"cell {missing.cell}, rad 3" in missing.line()
    located = [f for f in findings if f.sheet and f.row and f.column]
    assert located and all(f.cell for f in located), [f.line() for f in located if not f.cell]


def test_a_csv_folder_names_row_and_column_but_no_letter(tmp_path, mini_cycle):
    submission = read_submission(write_filled_csv(tmp_path, mini_cycle, "barn"), mini_cycle)
    assert submission.layouts == {}
    submission.frames["indicators"].loc[0, "men"] = "ca 35"
    wrong = _one(validate_submission.fn(submission, mini_cycle), "number_invalid")
    assert wrong.cell is None and "cell " not in wrong.line() and "rad 2, kolumn 'Utfall män/pojkar'" in wrong.line()


def test_every_feedback_form_gives_the_address(tmp_path, mini_cycle, checked):
    path, findings = checked
    wrong = _one(findings, "number_invalid")
    version = _version()
    text = feedback_text(mini_cycle, version, findings)
    assert f"cell {wrong.cell}, rad 2" in text
    assert f"cell {wrong.cell}, rad 2" in feedback_mail(mini_cycle, version, findings, []).body
    errors = [f for f in findings if f.severity is Severity.ERROR]
    html = feedback_html(FeedbackContext(title="T1", avdelning="Barn", file="barn.xlsx", version=1, accepted=False,
                                         errors=errors, warnings=[f for f in findings if f not in errors]))
    assert f"<td>{wrong.cell}</td>" in html
    out = annotated_workbook(path, findings, tmp_path / "barn-v1.xlsx", STAMP)
    workbook = load_workbook(out)
    assert f"(cell {wrong.cell})" in workbook["Indikatorer"][wrong.cell].comment.text
    rows = [tuple(r) for r in workbook[FEEDBACK_SHEET].iter_rows(values_only=True)]
    assert ("Fel", "Indikatorer", wrong.cell, 2, wrong.column, wrong.message) in rows


# --- A text Excel made a formula of ----------------------------------------------------------


@pytest.mark.parametrize("text, prose", [
    ("=-fler platser", True), ("=+ökad", True), ("=- Tidigare insatser\n- Färre placeringar", True),
    ("==viktigt", True), ("=bättre resultat", True),
    ("=SUM(A1:A3)", False), ("=A1+B2", False), ("=-A1", False), ("=Total", False), ("=1+2", False), ("=-5", False),
    ("=SUMMA(1;2)", False), ("text", False), (None, False),
])
def test_a_formula_reading_as_prose_is_told_apart(text, prose):
    assert prose_formula(text) is prose


def test_the_marker_keeps_equal_to_formula_and_its_flag_through_a_copy():
    import copy
    import pickle
    marker = Formula(True)
    assert marker == FORMULA and pickle.loads(pickle.dumps(marker)).prose and copy.deepcopy(marker).prose
    assert not pickle.loads(pickle.dumps(Formula(False))).prose


def test_a_line_excel_made_a_formula_asks_for_the_apostrophe(checked):
    path, findings = checked
    hint = _one(findings, "formula_text")
    assert (hint.sheet, hint.row, hint.column) == ("Mål", 3, "Förväntat resultat")
    assert APOSTROPHE in hint.message.lower() and hint.value is None
    real = _one(findings, "formula")  # a calculation is still asked for its value, without the hint
    assert real.column == "Utfall män/pojkar" and APOSTROPHE not in real.message.lower() and real.value is None


def test_a_free_table_formula_reading_as_prose_gets_the_hint_too():
    _, found = read_key_figures("Nyckeltal x", [
        ["Nyckeltal", "2024"], ["Antal", Formula(True)], ["Summa", Formula(False)], ["Verksamhetsområde", "forskola"],
    ], [EconomyRow(id="forskola", name="Förskoleverksamhet")])
    assert [f.rule_id for f in found][:2] == ["formula_text", "formula"]


# --- No internal marker and no formula in any output -------------------------------------------------


def test_no_rule_message_holds_a_marker():
    assert [rule for rule, r in registry().items() if "__" in r.message] == []


def test_no_output_shows_a_marker_or_the_formula(tmp_path, mini_cycle, checked):
    path, findings = checked
    version = _version()
    errors = [f for f in findings if f.severity is Severity.ERROR]
    html = feedback_html(FeedbackContext(title="T1", avdelning="Barn", file="barn.xlsx", version=1, accepted=False,
                                         errors=errors, warnings=[f for f in findings if f not in errors]))
    out = annotated_workbook(path, findings, tmp_path / "barn-v1.xlsx", STAMP)
    sheet = "\n".join(str(v) for r in load_workbook(out)[FEEDBACK_SHEET].iter_rows(values_only=True) for v in r if v)
    lines = "\n".join(f.line() + str(f.to_dict()) for f in findings)
    for output in (feedback_text(mini_cycle, version, findings), html, sheet, lines):
        assert "__" not in output
        assert "förskoleplatser" not in output and "SUM(" not in output


def test_a_diff_shows_a_formula_cell_as_formel(tmp_path, mini_cycle):
    old = read_submission(write_filled(tmp_path, mini_cycle, "barn"), mini_cycle)
    new = read_submission(_with_mistakes(tmp_path, mini_cycle, "barn2.xlsx"), mini_cycle)
    changes = [c.line() for c in diff_submissions(old, new, mini_cycle.config.kind, mini_cycle.config.year,
                                                   mini_cycle.outline.economy)]
    assert any("'(formel)'" in c for c in changes) and not any("__" in c for c in changes)


# --- A message names the cause that applies -----------------------------------------------------------


def test_the_missing_analysis_says_which_cause_applies(checked, mini_cycle):
    _, findings = checked
    message = _one(findings, "indicator_analysis_missing").message
    assert message.startswith("'Antal placerade barn' har en prognos som inte når årsmålet, men analys saknas.")
    assert "saknar årsmål" not in message and " eller " not in message
    indicator = mini_cycle.plan.indicators[0]
    assert analysis_cause(indicator.model_copy(update={"annual_target": None}), ReportKind.T1) == "saknar årsmål i planen"
    assert analysis_cause(indicator, ReportKind.VB) == "har ett utfall som inte når årsmålet"


def test_a_workbook_not_issued_says_whether_the_key_is_missing_or_wrong():
    from tertial.access import not_issued
    missing, wrong = not_issued("aldre", "x.xlsx", "").message, not_issued("aldre", "x.xlsx", "488efb7b").message
    assert "'aldre' (nyckeln saknas)" in missing and "'aldre' (nyckeln stämmer inte)" in wrong
    assert " eller stämmer inte" not in missing + wrong


def test_a_refused_workbook_names_the_cell_too(tmp_path, mini_cycle):
    from tertial.errors import SubmissionError
    from tertial.inbox import structure_finding
    rows = filled_rows(mini_cycle, "barn")
    rows["indicators"][0]["status"] = "Uppfylls hеlt"  # a Cyrillic е: refused by name at the door
    path = write_filled(tmp_path, mini_cycle, "barn", rows)
    with pytest.raises(SubmissionError) as caught:
        read_submission(path, mini_cycle)
    address = f"{_letter(path, 'Indikatorer', 'Status')}2"
    assert caught.value.cell == address and f"blad 'Indikatorer', cell {address}, rad 2" in caught.value.located_message
    assert structure_finding(caught.value).cell == address
