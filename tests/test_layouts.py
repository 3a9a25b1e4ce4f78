"""Report layouts (issue 14) on the invented plan in tests/data/layouts: a layout without Förväntat resultat,
indicator status and activity status; the contributor's own choice of 'Följs inte upp'; the plan's own assessment
words in the count sentences; headings with {year} and the analysis row label from the profile.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import yaml
from docx import Document
from openpyxl import load_workbook

from tasks.validation import validate_submission
from tertial.assembly import assemble
from tertial.config import load_cycle
from tertial.errors import ConfigError
from tertial.findings import Severity
from tertial.layout import NOT_FOLLOWED_UP
from tertial.reading import read_submission
from tertial.render.formats import render_json
from tertial.render.html import render_html
from tertial.report_checks import check_report
from tertial.render.word import document_bytes
from tertial.report import walk_goals
from tertial.workbooks import Handout, prefilled_rows, write_workbook

from tests.builders import accepted_version, changed_copy, write_filled

DIR = Path(__file__).parent / "data" / "layouts"
REASON = "Enkäten genomfördes inte 2013. Nästa gång är 2014."
# Per indicator: outcome, status, analysis.
VALUES = {
    "besok": ("950 000 st", "", ""),
    "enkat": ("", NOT_FOLLOWED_UP, REASON),  # the contributor's own choice, with the reason
    "publik": ("4 000 st", "", "Färre föreställningar än planerat."),
}


def _filled(cycle, contributor: str, values: dict | None = None, assessment: str = "Uppfyllt") -> dict:
    rows = prefilled_rows(cycle, contributor)
    for row in rows["indicators"]:
        row.update(dict(zip(("outcome", "status", "analysis"), (values or VALUES)[row["id"]])))
    for row in rows["goals"]:
        row.update(assessment=assessment, analysis=f"Målet {row['goal']} nås.")
    for row in rows["activities"]:
        row.update(analysis=f"Aktiviteten {row['id']}.")
    for row in rows["texts"]:
        row["text"] = f"Text om {row['title']}."
    return rows


def _submission(tmp_path: Path, cycle, contributor: str, rows: dict | None = None):
    return read_submission(write_filled(tmp_path, cycle, contributor, rows or _filled(cycle, contributor), token_key=None), cycle)


def _findings(tmp_path: Path, cycle, contributor: str, rows: dict | None = None):
    return validate_submission.fn(_submission(tmp_path, cycle, contributor, rows), cycle)


def _report(tmp_path: Path, cycle, rows: dict | None = None):
    accepted = {c.id: accepted_version(cycle, tmp_path, c.id, (rows or {}).get(c.id) or _filled(cycle, c.id))
                for c in cycle.config.contributors}
    report, findings = assemble(cycle, accepted)
    assert findings == []
    return report


def _variant(tmp_path: Path, plan_changes: dict | None = None, profile: dict | None = None) -> Path:
    """The invented cycle copied to tmp_path, with top-level keys of its plan changed and, optionally, a profile."""
    folder = tmp_path / "variant"
    path = changed_copy(DIR, folder, "plan.yaml", lambda plan: plan.update(plan_changes or {}))
    if profile is not None:
        (folder / "profil.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
        changed_copy(DIR, folder, "cycle.yaml", lambda cycle: cycle.update(profile="profil.yaml"))
    return path


_WITH_STATUS = {"layout": {"not_followed_up_choice": True}}


@pytest.fixture(scope="module")
def cycle():
    return load_cycle(DIR / "cycle.yaml")


# --- 1. A layout without Förväntat resultat, indicator status and activity status ---------------------------------


def _cells(path: Path, sheet: str) -> dict[str, tuple[bool, list[str]]]:
    """Header → (locked in the first row, the drop-down values offered there)."""
    ws = load_workbook(path)[sheet]
    headers = [c.value for c in ws[1]]
    out = {}
    for n, header in enumerate(headers, start=1):
        cell = ws.cell(2, n)
        lists = [v.formula1.strip('"').split(",") for v in ws.data_validations.dataValidation if cell.coordinate in v.sqref]
        out[header] = (cell.protection.locked, lists[0] if lists else [])
    return out


def test_the_workbook_asks_for_no_part_the_layout_leaves_out(tmp_path, cycle):
    handout = Handout(deadline=dt.date(2014, 1, 27), stamp=dt.datetime(2013, 12, 31))
    path = write_workbook(tmp_path / "kultur.xlsx", cycle, "kultur", prefilled_rows(cycle, "kultur"), handout)
    goals, indicators, activities = (_cells(path, s) for s in ("Mål", "Indikatorer", "Aktiviteter"))
    assert goals["Förväntat resultat"] == (True, []) and goals["Beskrivning"][0] is False
    assert goals["Bedömning"] == (False, ["Uppfyllt", "Delvis uppfyllt", "Ej uppfyllt", "Ej bedömt"])
    assert indicators["Status"] == (False, [NOT_FOLLOWED_UP])  # no status to give, only the choice not to follow up
    assert activities["Status"] == (True, [])
    lines = [row[0].value for row in load_workbook(path)["Instruktioner"].iter_rows()]
    assert f"   Följs en indikator inte upp perioden: välj Status '{NOT_FOLLOWED_UP}' och skriv skälet i Analys; då behövs inget utfall." in lines
    # The same plan with every part: the statuses are asked, and the choice comes last.
    full = load_cycle(_variant(tmp_path, _WITH_STATUS))
    path = write_workbook(tmp_path / "full.xlsx", full, "kultur", prefilled_rows(full, "kultur"), handout)
    assert _cells(path, "Indikatorer")["Status"] == (False, ["Uppfylls helt", "Uppfylls delvis", "Uppfylls inte", "Ej mätbar", NOT_FOLLOWED_UP])
    assert _cells(path, "Aktiviteter")["Status"][0] is False and _cells(path, "Mål")["Förväntat resultat"][0] is False


def test_intake_misses_no_part_the_layout_leaves_out(tmp_path, cycle):
    assert [f.line() for f in _findings(tmp_path, cycle, "kultur")] == []
    # With every part the same rows miss Förväntat resultat and the statuses, and A1 (ended in June) is overdue.
    full = load_cycle(_variant(tmp_path, _WITH_STATUS))
    rules = sorted(f.rule_id for f in _findings(tmp_path / "full", full, "kultur"))
    assert rules == ["activity_overdue", "activity_status_missing", "activity_status_missing",
                     "goal_expected_missing", "goal_expected_missing", "goal_expected_missing",
                     "indicator_status_missing", "indicator_status_missing"]


def test_the_report_prints_no_part_the_layout_leaves_out(tmp_path, cycle):
    rows = {"kultur": _filled(cycle, "kultur")}
    for row in rows["kultur"]["goals"]:
        row["expected"] = "- Ett resultat"  # typed anyway (say, in a CSV file): not printed
    report = _report(tmp_path, cycle, rows)
    goals = {g.key: g for g in walk_goals(report.goals)}
    assert [g.expected for g in goals.values()] == [[]] * 5
    indicators = [i for g in goals.values() for i in g.indicators]
    assert {(i.status, i.status_symbol) for i in indicators} == {("", "")}
    assert {(a.status, a.printed_symbol) for g in goals.values() for a in g.activities} == {("", "")}
    assert goals["bibliotek"].basis_sentence == "" and goals["bibliotek"].status_counts == {}
    assert report.legend == ["● Uppfyllt", "◆ Delvis uppfyllt", "▲ Ej uppfyllt", "■ Ej bedömt"]
    html = render_html(report)
    assert "Förväntat resultat" not in html and "Ej mätbar" not in html and "Aktiviteten är genomförd" not in html
    assert '<td><span class="symbol" title=""></span>Antal besök på biblioteken' in html
    cells = [c.text for t in Document(io.BytesIO(document_bytes(report))).tables for r in t.rows for c in r.cells]
    assert "Antal besök på biblioteken" in cells


# --- 2. Not followed up, chosen by the contributor -----------------------------------------------------------------


def test_the_contributor_s_choice_needs_no_outcome_and_prints_its_reason(tmp_path, cycle):
    # No finding at intake: test_intake_misses_no_part_the_layout_leaves_out takes these rows in without any.
    report = _report(tmp_path, cycle)
    row = next(i for g in walk_goals(report.goals) for i in g.indicators if i.id == "enkat")
    assert (row.not_followed_up, row.analysis, row.outcome) == (REASON, "", None)
    html = render_html(report)
    assert f'<tr class="analysis not-followed-up"><td colspan="8"><strong>Analys</strong> {REASON}</td></tr>' in html


def test_the_contributor_s_choice_is_left_out_of_the_counts(tmp_path):
    full = load_cycle(_variant(tmp_path, _WITH_STATUS))
    values = {"besok": ("950 000 st", "Uppfylls helt", ""), "enkat": ("", NOT_FOLLOWED_UP, REASON),
              "publik": ("4 000 st", "Uppfylls inte", "Färre föreställningar än planerat.")}
    filled = {"kultur": _filled(full, "kultur", values)}
    for row in filled["kultur"]["goals"]:
        row["expected"] = "- Ett resultat"
    for row in filled["kultur"]["activities"]:
        row.update(status="Pågår", deviation="Försenad.")
    assert [f.line() for f in _findings(tmp_path, full, "kultur", filled["kultur"]) if f.severity is Severity.ERROR] == []
    goals = {g.key: g for g in walk_goals(_report(tmp_path, full, filled).goals)}
    assert goals["bibliotek"].status_counts == {"Uppfylls helt": 1}
    assert goals["bibliotek"].basis_sentence == "Indikatorn bedöms uppfyllas helt."
    enkat = next(i for i in goals["bibliotek"].indicators if i.id == "enkat")
    assert (enkat.status, enkat.not_followed_up) == ("Ej mätbar", REASON)  # as one the plan marks


def test_the_choice_without_a_reason_is_an_error_at_the_analysis_cell(tmp_path, cycle):
    values = dict(VALUES, enkat=("", NOT_FOLLOWED_UP, ""))
    hit = [f for f in _findings(tmp_path, cycle, "kultur", _filled(cycle, "kultur", values)) if f.item_id == "enkat"]
    assert [(f.rule_id, f.severity, f.sheet, f.column, f.row) for f in hit] == [
        ("indicator_not_followed_up_reason_missing", Severity.ERROR, "Indikatorer", "Analys", 3)]
    assert "'Andel nöjda besökare' har status 'Följs inte upp' men ingen förklaring" in hit[0].message


def test_the_choice_is_offered_only_by_a_plan_that_says_so(tmp_path):
    plain = load_cycle(_variant(tmp_path, {"layout": {}}))
    values = dict(VALUES, besok=("950 000 st", "Uppfylls helt", ""), publik=("4 000 st", "Uppfylls helt", ""))
    rules = {f.rule_id for f in _findings(tmp_path, plain, "kultur", _filled(plain, "kultur", values)) if f.item_id == "enkat"}
    assert "indicator_status_unknown" in rules


@pytest.mark.parametrize("layout, expected", [
    ({"indicator_status": "nej"}, "layout.indicator_status: förväntade true eller false (fann 'nej')"),
    ({"goal_expectations": False}, "layout.goal_expectations: okänd nyckel"),
])
def test_check_config_refuses_a_wrong_layout(tmp_path, layout, expected):
    with pytest.raises(ConfigError) as caught:
        load_cycle(_variant(tmp_path, {"layout": layout}))
    assert caught.value.file.name == "plan.yaml"
    assert expected in caught.value.message_sv


# --- 3. The plan's own assessment words in the count sentences ------------------------------------------------------

_OWN_WORDS = {"bibliotek": "Uppfyllt", "scen": "Delvis uppfyllt", "arkiv": "Ej uppfyllt"}


def _assessed(cycle, analysis_of_area: str) -> dict:
    rows = {"kultur": _filled(cycle, "kultur"), "stab": _filled(cycle, "stab")}
    for row in rows["kultur"]["goals"]:
        row["assessment"] = _OWN_WORDS[row["goal"]]
    next(r for r in rows["stab"]["goals"] if r["goal"] == "1.1")["analysis"] = analysis_of_area
    return rows


def test_tertial_writes_the_count_sentence_in_the_plan_s_words(tmp_path, cycle):
    report = _report(tmp_path, cycle, _assessed(cycle, "Kulturen når fler."))
    area = next(g for g in walk_goals(report.goals) if g.key == "1.1")
    assert area.basis_sentence == "Av de tre nämndmålen bedöms ett som uppfyllt, ett som delvis uppfyllt och ett som ej uppfyllt."
    assert report.assessment_words == {"Uppfyllt": "helt", "Delvis uppfyllt": "delvis", "Ej uppfyllt": "inte"}
    assert check_report(report) == []  # the sentence Tertial writes is read back as true


@pytest.mark.parametrize("claim", [
    "Av de tre nämndmålen bedöms två som uppfyllt och ett som ej uppfyllt.",
    "Tre av tre nämndmål är Uppfyllt.",
    "Av de tre nämndmålen bedöms ett som uppfyllt och två som delvis uppfyllt.",
])
def test_a_count_in_the_plan_s_words_is_checked(tmp_path, cycle, claim):
    found = check_report(_report(tmp_path, cycle, _assessed(cycle, claim)))
    assert [(f.rule_id, f.item_id) for f in found] == [("narrative_goal_count", "1.1")]
    assert "men målet har tre nämndmål och ett av dem bedöms som uppfyllt" in found[0].message


@pytest.mark.parametrize("claim", [
    "Av de tre nämndmålen bedöms ett som uppfyllt, ett som delvis uppfyllt och ett som ej uppfyllt.",
    "Av nämndens tre nämndmål är ett uppfyllt, ett delvis uppfyllt och ett ej uppfyllt.",
])
def test_a_true_count_in_the_plan_s_words_gives_no_finding(tmp_path, cycle, claim):
    assert check_report(_report(tmp_path, cycle, _assessed(cycle, claim))) == []


# --- 4. Headings with {year} and the analysis label, from the profile ------------------------------------------------

_PROFILE = {
    "extends": "VB",
    "parts": [{"part": "section", "key": "lokaler", "title": "Medel för lokaländamål {year}", "owner": "stab",
               "after": "goals", "sections": [{"key": "lokaler_fore", "title": "Jämfört med {previous_year}", "owner": "stab"}]}],
    "columns": {"indicators": ["indikator", "utfall", {"column": "foregaende", "heading": "Utfall VB {previous_year}"}, "arsmal"]},
    "labels": {"goal_analysis": "Kommentar", "row_analysis": "Kommentar"},
}


def test_profile_headings_name_the_cycle_s_year_and_the_analysis_is_labelled_as_the_profile_says(tmp_path):
    own = load_cycle(_variant(tmp_path, profile=_PROFILE))
    assert [s.title for s in own.outline.sections()] == ["Medel för lokaländamål 2013"]
    report = _report(tmp_path, own)
    assert report.indicator_columns[2] == ("foregaende", "Utfall VB 2012")
    assert [(s.title, [c.title for c in s.sections]) for s in report.sections] == [
        ("Medel för lokaländamål 2013", ["Jämfört med 2012"])]
    html = render_html(report)
    assert "<th>Utfall VB 2012</th>" in html and "<h2>Medel för lokaländamål 2013</h2>" in html and "<h3>Jämfört med 2012</h3>" in html
    assert "<h6>Kommentar</h6>" in html and "<h6>Analys</h6>" not in html
    assert "<strong>Kommentar</strong> Färre föreställningar än planerat." in html
    assert "<strong>Kommentar</strong> Aktiviteten A1." in html and "<strong>Analys</strong>" not in html
    doc = Document(io.BytesIO(document_bytes(report)))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "Kommentar: Färre föreställningar än planerat." in cells and "Kommentar: Aktiviteten A1." in cells
    assert "Kommentar" in [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert '"row_analysis_label": "Kommentar"' in render_json(report)


def test_without_labels_the_analysis_is_labelled_analys(tmp_path, cycle):
    report = _report(tmp_path, cycle)
    assert (report.goal_analysis_label, report.row_analysis_label) == ("Analys", "Analys")
    assert "row_analysis_label" not in render_json(report) and "<h6>Analys</h6>" in render_html(report)


@pytest.mark.parametrize("change, expected", [
    ({"parts": [{"part": "section", "key": "lokaler", "title": "Medel {år}", "owner": "stab"}]},
     "parts[0].title: okänd platshållare '{år}' i 'Medel {år}'; använd {year} (cykelns år) eller {previous_year} (året före)"),
    ({"parts": [{"part": "section", "key": "a", "title": "A", "sections": [{"key": "b", "title": "B {year", "owner": "stab"}]}]},
     "parts[0].sections[0].title: en klammerparentes utan sin motsvarighet i 'B {year'"),
    ({"columns": {"indicators": ["indikator", {"column": "foregaende", "heading": "VB {förra_året}"}]}},
     "columns.indicators[1].heading: okänd platshållare '{förra_året}'"),
    ({"labels": {"row_analysis": "Notering"}}, "labels.row_analysis: förväntade ett av: 'Analys' eller 'Kommentar' (fann 'Notering')"),
    ({"labels": {"goal": "Analys"}}, "labels.goal: okänd nyckel"),
])
def test_check_config_refuses_a_wrong_heading_or_label(tmp_path, change, expected):
    with pytest.raises(ConfigError) as caught:
        load_cycle(_variant(tmp_path, profile={"extends": "VB", **change}))
    assert caught.value.file.name == "profil.yaml"
    assert expected in caught.value.message_sv
