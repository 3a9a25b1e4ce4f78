"""The indicator and activity tables print exactly the columns the report profile declares (issue 14)."""

import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from docx import Document

from tests.builders import accepted_version, filled_rows
from tests.conftest import DATA
from tertial.assembly import build_report
from tertial.config import load_cycle
from tertial.errors import ConfigError
from tertial.render.formats import render_json
from tertial.render.html import render_html
from tertial.render.word import document_bytes
from tertial.table_columns import printed_columns

COLUMNS = DATA / "columns"
INDICATOR_HEADERS = ["Indikator", "Enhet", "Periodens utfall", "Periodens utfall VB 2024", "Årsmål", "KF:s årsmål", "Period"]
ACTIVITY_HEADERS = ["Aktivitet", "Startdatum", "Slutdatum", "Kommentar"]
SCREENING_COMMENT = "Screeningen används nu i alla förskolor."


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    cycle = load_cycle(COLUMNS / "cycle.yaml")
    inbox = tmp_path_factory.mktemp("inkorg")
    accepted = {}
    for contributor in ("stab", "barn", "aldre"):
        rows = filled_rows(cycle, contributor)
        for row in rows["activities"]:
            row["analysis"] = SCREENING_COMMENT if row["id"] == "1.1.1-A1" else ""
        accepted[contributor] = accepted_version(cycle, inbox, contributor, rows)
    return build_report(cycle, accepted)


def _table(html: str, kind: str, goal: str) -> str:
    """The first indicator or activity table of a goal's own section."""
    section = html[html.index(f'id="mal-{goal}"'):]
    start = section.index(f'<table class="data {kind}">')
    return section[start:section.index("</table>", start)]


def _plain(text: str) -> str:
    """Quantities are printed with a no-break space before the unit."""
    return text.replace("\xa0", " ")


def _cells(row_html: str) -> list[str]:
    return [_plain(re.sub(r"<svg.*?</svg>|<[^>]+>", "", cell, flags=re.S).strip())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row_html, flags=re.S)]


def _row(table: str, row_id: str) -> str:
    start = table.index(f'<tr id="{row_id}"')
    return table[start:table.index("</tr>", start)]


def test_html_indicator_table_has_exactly_the_declared_columns_in_order(report):
    table = _table(render_html(report), "indicators", "1.1")
    assert re.findall(r"<th>(.*?)</th>", table) == INDICATOR_HEADERS
    assert _cells(_row(table, "ind-1.1-I1")) == ["●Andel barn som deltar i fritidsaktiviteter", "%", "73 %", "68 %",
                                                 "70 %", "Tas fram av nämnd", report.goals[0].children[0].indicators[0].period]
    assert _cells(_row(table, "ind-1.1-I2"))[1:6] == ["st", "41 st", "44 st", "40 st", "Minskning"]
    assert ('<tr class="analysis"><td colspan="7"><strong>Analys</strong> Färre placeringar, men målet 40 nåddes inte.'
            '</td></tr>') in table


def test_html_activity_table_has_the_declared_columns_and_the_comment_in_its_column(report):
    table = _table(render_html(report), "activities", "1.1.1")
    assert re.findall(r"<th>(.*?)</th>", table) == ACTIVITY_HEADERS
    assert _cells(_row(table, "akt-1.1.1-A1")) == ["✓Införa gemensam screening i förskolan", "2025-01-01", "2025-12-31",
                                                   SCREENING_COMMENT]
    assert 'class="analysis"' not in table  # the comment is in its column, not on a row of its own


def _word_table(doc, first_header: str, first_cell: str):
    return next(t for t in doc.tables
                if t.rows[0].cells[0].text == first_header and t.rows[1].cells[0].text.startswith(first_cell))


def test_word_tables_have_exactly_the_declared_headers_and_cells(report):
    doc = Document(io.BytesIO(document_bytes(report)))
    indicators = _word_table(doc, "Indikator", "● Andel barn som deltar")
    assert [c.text for c in indicators.rows[0].cells] == INDICATOR_HEADERS
    assert [_plain(c.text) for c in indicators.rows[1].cells][1:] == ["%", "73 %", "68 %", "70 %", "Tas fram av nämnd",
                                                              report.goals[0].children[0].indicators[0].period]
    activities = _word_table(doc, "Aktivitet", "✓ Införa gemensam screening")
    assert [[c.text for c in row.cells] for row in activities.rows] == [
        ACTIVITY_HEADERS, ["✓ Införa gemensam screening i förskolan", "2025-01-01", "2025-12-31", SCREENING_COMMENT]]


def test_report_json_keeps_every_value_and_notes_the_columns(report):
    data = json.loads(render_json(report))
    assert data["indicator_columns"][3] == ["foregaende", "Periodens utfall VB 2024"]
    assert [key for key, _ in data["activity_columns"]] == ["aktivitet", "startdatum", "slutdatum", "kommentar"]
    indicator = data["goals"][0]["children"][0]["indicators"][0]
    assert (indicator["men"], indicator["women"]) == (71.0, 75.0)  # not printed, still data


def test_without_a_declaration_each_kind_prints_todays_columns():
    today = ["Indikator", "Periodens utfall", "Utfall män/ pojkar", "Utfall kvinnor/ flickor", "Utfall VB 2024"]
    rest = ["Årsmål", "KF:s årsmål", "Period"]
    assert [h for _, h in printed_columns(None, "indicators", "T1", "Utfall VB 2024")] == today + ["Prognos helår"] + rest
    assert [h for _, h in printed_columns(None, "indicators", "VB", "Utfall VB 2024")] == today + rest
    assert [h for _, h in printed_columns(None, "activities", "T2", "")] == ["Aktivitet", "Startdatum", "Slutdatum", "Avvikelse"]


def _broken(tmp_path: Path, change) -> Path:
    shutil.copytree(COLUMNS, tmp_path, dirs_exist_ok=True)
    profile = yaml.safe_load((tmp_path / "profil.yaml").read_text(encoding="utf-8"))
    change(profile["columns"])
    (tmp_path / "profil.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    return tmp_path / "cycle.yaml"


@pytest.mark.parametrize("change, expected", [
    (lambda c: c["indicators"].insert(2, "kon"),
     "columns.indicators[2].column: okänd kolumn 'kon'; välj bland: indikator, utfall, man, kvinnor, foregaende, "
     "prognos, arsmal, kf_arsmal, period, enhet (fann 'kon')"),
    (lambda c: c["activities"].append({"column": "ansvarig", "heading": "Ansvarig"}),
     "columns.activities[4].column: okänd kolumn 'ansvarig'; välj bland: aktivitet, status, startdatum, slutdatum, "
     "avvikelse, kommentar (fann 'ansvarig')"),
    (lambda c: c["indicators"].reverse(),
     "columns.indicators: den första kolumnen ska vara 'indikator' (radens symbol och namn), inte 'period'"),
    (lambda c: c["activities"].append("startdatum"),
     "columns.activities: kolumnen 'startdatum' (plats 2 och 5) står mer än en gång"),
    (lambda c: c.update(tabeller=[]), "columns.tabeller: okänd nyckel"),
])
def test_check_config_refuses_unknown_or_misplaced_columns_naming_file_and_key(tmp_path, change, expected):
    with pytest.raises(ConfigError) as caught:
        load_cycle(_broken(tmp_path, change))
    assert caught.value.file.name == "profil.yaml"
    assert expected in caught.value.problems, caught.value.problems


def test_a_comment_column_needs_the_plans_activity_analysis(tmp_path):
    path = _broken(tmp_path, lambda c: None)
    plan = (tmp_path / "plan.yaml").read_text(encoding="utf-8")
    (tmp_path / "plan.yaml").write_text(plan.replace("activity_analysis: true", ""), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_cycle(path)
    assert (caught.value.file.name, caught.value.problems) == ("profil.yaml", [
        "columns.activities[3].column: kolumnen 'kommentar' skriver ut aktiviteternas analystext, men planen samlar "
        "inte in någon; ange activity_analysis: true i planen"])


def test_check_config_command_names_the_unknown_column(tmp_path):
    path = _broken(tmp_path, lambda c: c["indicators"].append("prognoss"))
    done = subprocess.run([str(Path(sys.executable).parent / "tertial"), "check-config", "--cycle", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "Fel i konfigurationsfilen profil.yaml:",
        "  - columns.indicators[7].column: okänd kolumn 'prognoss'; välj bland: indikator, utfall, man, kvinnor, "
        "foregaende, prognos, arsmal, kf_arsmal, period, enhet (fann 'prognoss')",
    ]
