"""Activities as a nämnd's reports have them: the plan's own statuses and symbols, an analysis text, dates.

The plan in tests/data/aktiviteter declares genomförd ✓ (finished), pågår and avvikelse ⓘ, and an Analys
column; the mini plan keeps the built-in statuses (its golden files show that nothing changes there).
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
import yaml

from tasks.validation import validate_submission
from tests.builders import filled_rows, write_filled
from tests.conftest import DATA
from tertial.accepted import Accepted
from tertial.archive import content_hash
from tertial.access import EXAMPLE_TOKEN_KEY
from tertial.assembly import assemble
from tertial.config import load_cycle
from tertial.errors import ConfigError
from tertial.findings import Severity
from tertial.ledger import ACCEPTED, Version
from tertial.reading import read_submission
from tertial.render.formats import render_json
from tertial.render.html import render_html
from tertial.render.word import build_document
from tertial.report import walk_goals
from tertial.workbooks import write_handout

ACTIVITIES = DATA / "aktiviteter"
# The barn contributor's activities (period end 2025-04-30): status, deviation, analysis.
BARN = {
    "1.1.1-A1": ("Genomförd", "", "Screeningen kom i gång en månad sent men är nu införd."),  # ended 03-31, finished late
    "1.1.1-A2": ("Pågår", "", ""),  # ended 02-28, not finished, no deviation: overdue
    "1.1.2-A1": ("Avvikelse", "", "Två av fyra centraler öppnar först 2026 på grund av lokalbrist."),  # runs to 2026
    "1.1.2-A2": ("Pågår", "", ""),  # started in 2024
}


@pytest.fixture(scope="module")
def cycle():
    return load_cycle(ACTIVITIES / "cycle.yaml")


def _barn_rows(cycle):
    rows = filled_rows(cycle, "barn")
    for row in rows["activities"]:
        row.update(dict(zip(("status", "deviation", "analysis"), BARN[row["id"]])))
    return rows


def test_only_an_unfinished_activity_past_its_end_is_overdue(tmp_path, cycle):
    path = write_filled(tmp_path, cycle, "barn", _barn_rows(cycle))
    findings = validate_submission.fn(read_submission(path, cycle), cycle)
    assert [f.line() for f in findings if f.severity is Severity.ERROR] == []  # 2026 end, 2024 start: accepted
    overdue = [f for f in findings if f.rule_id == "activity_overdue"]
    assert [(f.item_id, f.row, f.column) for f in overdue] == [("1.1.1-A2", 3, "Avvikelse")]
    assert "2025-02-28" in overdue[0].message


def test_an_unfinished_activity_with_its_deviation_explained_is_not_warned(tmp_path, cycle):
    rows = _barn_rows(cycle)
    next(r for r in rows["activities"] if r["id"] == "1.1.1-A2").update(deviation="Kartläggningen försenad av sjukskrivning.")
    findings = validate_submission.fn(read_submission(write_filled(tmp_path, cycle, "barn", rows), cycle), cycle)
    assert not [f for f in findings if f.rule_id == "activity_overdue"]


def test_a_status_outside_the_plans_vocabulary_is_refused_with_the_plans_list(tmp_path, cycle):
    rows = _barn_rows(cycle)
    rows["activities"][0]["status"] = "Ej påbörjad"  # built-in, but not in this plan
    findings = validate_submission.fn(read_submission(write_filled(tmp_path, cycle, "barn", rows), cycle), cycle)
    hit = next(f for f in findings if f.rule_id == "activity_status_unknown")
    assert hit.severity is Severity.ERROR and "Välj en av: Genomförd, Pågår, Avvikelse." in hit.message


def test_an_activity_wholly_outside_the_year_is_still_an_error(tmp_path, mini_cycle):
    rows = filled_rows(mini_cycle, "barn")
    rows["activities"][0].update(start="2026-01-01", end="2026-06-30")
    findings = validate_submission.fn(read_submission(write_filled(tmp_path, mini_cycle, "barn", rows), mini_cycle), mini_cycle)
    hit = next(f for f in findings if f.rule_id == "activity_outside_year")
    assert (hit.row, hit.column, hit.severity) == (2, "Startdatum", Severity.ERROR)
    assert "(datumet ska vara senast 2025-12-31)" in hit.message


def _accepted(cycle, folder: Path, barn_rows=_barn_rows) -> dict[str, Accepted]:
    accepted = {}
    for number, contributor in enumerate(cycle.config.contributors, start=1):
        rows = barn_rows(cycle) if contributor.id == "barn" else filled_rows(cycle, contributor.id)
        path = write_filled(folder, cycle, contributor.id, rows)
        version = Version(id=number, cycle_id=cycle.config.id, contributor_id=contributor.id, number=1, sha256=content_hash(path),
                          original_name=path.name, archive_path=str(path), received_at=None, status=ACCEPTED, errors=0, warnings=0)
        accepted[contributor.id] = Accepted(read_submission(path, cycle), version)
    return accepted


def test_report_prints_the_status_symbol_and_the_analysis(tmp_path, cycle):
    report, _ = assemble(cycle, _accepted(cycle, tmp_path))
    rows = {a.id: a for g in walk_goals(report.goals) for a in g.activities}
    late, deviating = rows["1.1.1-A1"], rows["1.1.2-A1"]
    assert (late.status, late.completed, late.symbol) == ("Genomförd", True, "✓")
    assert (deviating.status, deviating.completed, deviating.symbol) == ("Avvikelse", False, "ⓘ")
    assert rows["1.1.1-A2"].symbol == "" and rows["1.1.1-A2"].analysis == ""
    data = json.loads(render_json(report))
    shown = {a["id"]: a for g in data["goals"] for a in _activities(g)}
    assert shown["1.1.2-A1"]["symbol"] == "ⓘ"
    assert shown["1.1.2-A1"]["analysis"] == BARN["1.1.2-A1"][2]
    assert "analysis" not in shown["1.1.1-A2"]  # empty: left out
    html = render_html(report)
    row = html.split('id="akt-1.1.2-A1"')[1].split("</tr>", 2)
    assert '<span class="symbol" title="Avvikelse">ⓘ</span>Bygga ut familjecentralerna' in row[0]
    assert "<strong>Analys</strong> " + BARN["1.1.2-A1"][2] in row[1]
    assert '<span class="symbol" title="Genomförd">✓</span>Införa gemensam screening' in html
    cells = [cell.text for table in build_document(report).tables for row in table.rows for cell in row.cells]
    assert "ⓘ Bygga ut familjecentralerna" in cells and f"Analys: {BARN['1.1.2-A1'][2]}" in cells


def _activities(goal: dict):
    yield from goal["activities"]
    for child in goal["children"]:
        yield from _activities(child)


def test_built_in_statuses_keep_todays_report(tmp_path, mini_cycle):
    """Without a declared vocabulary no symbol or empty analysis reaches report.json; HTML shows ✓ as before."""
    report = assemble(mini_cycle, _accepted(mini_cycle, tmp_path, lambda cycle: filled_rows(cycle, "barn")))[0]
    done = next(a for g in walk_goals(report.goals) for a in g.activities if a.id == "1.1.2-A1")
    assert (done.status, done.completed, done.symbol, done.printed_symbol) == ("Genomförd", True, None, "✓")
    keys = {key for g in json.loads(render_json(report))["goals"] for a in _activities(g) for key in a}
    assert keys == {"id", "name", "start", "end", "status", "completed", "deviation"}


def test_handout_offers_exactly_the_plans_statuses_and_an_analysis_column(tmp_path, cycle, mini_cycle):
    ws = openpyxl.load_workbook(write_handout(cycle, "barn", _barn_rows(cycle), tmp_path, EXAMPLE_TOKEN_KEY))["Aktiviteter"]
    headers = [c.value for c in ws[1]]
    status = openpyxl.utils.get_column_letter(headers.index("Status") + 1)
    lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    assert lists == {f"{status}2:{status}5": '"Genomförd,Pågår,Avvikelse"'}
    analysis = ws.cell(2, headers.index("Analys") + 1)
    assert analysis.value == BARN["1.1.1-A1"][2] and not analysis.protection.locked
    built_in = openpyxl.load_workbook(write_handout(mini_cycle, "barn", filled_rows(mini_cycle, "barn"), tmp_path / "mini",
                                                    EXAMPLE_TOKEN_KEY))["Aktiviteter"]
    assert "Analys" not in [c.value for c in built_in[1]]
    assert [v.formula1 for v in built_in.data_validations.dataValidation] == ['"Pågår,Genomförd,Ej påbörjad,Avbruten"']


@pytest.mark.parametrize("statuses, expected", [
    ([{"value": "Klar", "finished": True}, {"value": "Klar"}], "activity_statuses: statusen Klar förekommer flera gånger"),
    ([{"value": "Pågår"}, {"value": "Avvikelse"}], "activity_statuses: ingen status är markerad finished: true"),
    ([{"value": "Klar, helt", "finished": True}], "activity_statuses[0].value: har fel form"),
    ([{"value": "Klar", "finished": True, "färg": "grön"}], "activity_statuses[0].färg: okänd nyckel"),
    ([], "activity_statuses: förväntade minst 1 element"),
])
def test_check_config_rejects_an_inconsistent_vocabulary_by_its_key(tmp_path, statuses, expected):
    plan = yaml.safe_load((ACTIVITIES / "plan.yaml").read_text(encoding="utf-8"))
    plan["activity_statuses"] = statuses
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    (tmp_path / "cycle.yaml").write_text((ACTIVITIES / "cycle.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_cycle(tmp_path / "cycle.yaml")
    assert caught.value.file.name == "plan.yaml"
    assert expected in caught.value.message_sv
