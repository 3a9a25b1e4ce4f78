"""Gather: pre-filled handouts, calendars, intake with versions, history and diff — real files."""

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar

from flows.collect import collect
from flows.open_cycle import open_reporting_cycle
from tertial.reading import read_submission
from tasks.validation import validate_submission
from tests.builders import MINI_INDICATORS
from tests.conftest import DATA, MINI

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

# Runs the `tertial` command line and, on the way out, names the heavy libraries the command imported.
LOADED = ("import atexit, sys; atexit.register(lambda: print('importerade:', *sorted(m for m in "
          "('great_expectations', 'pandas', 'prefect') if m in sys.modules), file=sys.stderr)); "
          "from commands import app; app()")


def _imported_by(*args: str) -> set[str]:
    """The heavy libraries one run of a command imported (it must succeed)."""
    done = subprocess.run([sys.executable, "-c", LOADED, *args], capture_output=True, text=True, check=True)
    return set(done.stderr.splitlines()[-1].removeprefix("importerade:").split())


@pytest.fixture(scope="module")
def handed(tmp_path_factory, prefect_harness):
    out = tmp_path_factory.mktemp("utskick")
    items = open_reporting_cycle(cycle_path=MINI, out_dir=out, workdir=out, kolada=DATA / "kolada-mini.json")
    return {item.contributor_id: item for item in items}


def _ids(ws, header: str) -> list[str]:
    column = [c.value for c in ws[1]].index(header) + 1
    return [ws.cell(r, column).value for r in range(2, ws.max_row + 1)]


def test_each_workbook_holds_exactly_what_its_contributor_owns(handed, mini_cycle):
    for contributor in mini_cycle.config.contributors:
        wb = openpyxl.load_workbook(handed[contributor.id].workbook)
        owned = lambda owners: sorted(k for k, v in owners.items() if v == contributor.id)  # noqa: E731
        assert sorted(_ids(wb["Mål"], "Målnummer")) == owned(mini_cycle.goal_owner)
        assert sorted(_ids(wb["Indikatorer"], "Id")) == owned(mini_cycle.indicator_owner)
        assert sorted(_ids(wb["Aktiviteter"], "Id")) == owned(mini_cycle.activity_owner)
        assert sorted(i for i in _ids(wb["Texter"], "Avsnitt") if i) == owned(mini_cycle.text_owner)  # open continuation rows below
        has_economy = contributor.id == mini_cycle.economy_owner
        assert ("Ekonomi" in wb.sheetnames) is has_economy and ("Investeringar" in wb.sheetnames) is has_economy
        assert wb.sheetnames[0] == "Instruktioner"
        assert wb["_tertial"].sheet_state == "hidden"


def test_handout_is_prefilled_locked_and_has_drop_downs(handed):
    wb = openpyxl.load_workbook(handed["barn"].workbook)
    ws = wb["Indikatorer"]
    headers = [c.value for c in ws[1]]
    row = {h: ws.cell(2, i + 1) for i, h in enumerate(headers)}  # 1.1-I1, split by sex (rate)
    # the previous outcome shows its unit, as the target does
    assert (row["Id"].value, row["Period"].value, row["Årsmål"].value, row["Utfall VB 2024"].value) == (
        "1.1-I1", "Tertial 1 2025", "70 %", "68 %")
    assert row["Indikator"].protection.locked and not row["Periodens utfall"].protection.locked
    assert not row["Utfall män/pojkar"].protection.locked
    unsplit = {h: ws.cell(3, i + 1) for i, h in enumerate(headers)}  # 1.1-I2, not split by sex
    assert unsplit["Utfall män/pojkar"].protection.locked
    assert ws.protection.sheet
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert '"Uppfylls helt,Uppfylls delvis,Uppfylls inte,Ej mätbar"' in lists
    instructions = "\n".join(str(c.value) for c in wb["Instruktioner"]["A"] if c.value)
    assert "Sista dag att lämna underlaget: onsdag 7 maj 2025" in instructions


def test_kolada_values_are_prefilled_for_the_right_municipality(handed):
    ws = openpyxl.load_workbook(handed["barn"].workbook)["Indikatorer"]
    assert ws["F2"].value == "71,5 %"  # U90001, municipality 9999 (0180's 12,0 is ignored)
    aldre = openpyxl.load_workbook(handed["aldre"].workbook)["Indikatorer"]
    headers = [c.value for c in aldre[1]]
    values = {h: aldre.cell(2, i + 1).value for i, h in enumerate(headers)}
    assert (values["Periodens utfall"], values["Utfall män/pojkar"], values["Utfall kvinnor/flickor"]) == ("84,0 %", "30,8 %", "53,2 %")
    assert values["Utfall VB 2024"] == "82,1 %"  # the plan had none, Kolada's 2024 fills it


def test_calendars_parse_with_the_right_dates(handed, mini_cycle):
    calendar = Calendar.from_ical(handed["aldre"].calendar.read_bytes())
    events = {str(e["uid"]): e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    assert events["testdal-t1-2025-aldre-inlamning@tertial"].isoformat() == "2025-05-05"  # its own deadline
    assert events["testdal-t1-2025-namnd@tertial"].isoformat() == "2025-05-27"
    assert events["testdal-t1-2025-attest@tertial"].isoformat() == "2025-05-16"


def test_opening_twice_gives_identical_files(handed, tmp_path):
    again = open_reporting_cycle(cycle_path=MINI, out_dir=tmp_path, workdir=tmp_path, kolada=DATA / "kolada-mini.json")
    for item in again:
        assert item.workbook.read_bytes() == handed[item.contributor_id].workbook.read_bytes()
        assert item.calendar.read_bytes() == handed[item.contributor_id].calendar.read_bytes()


def _fill_handout(source: Path, target: Path, overrides: dict[str, str] | None = None) -> Path:
    """Fill the yellow cells as a contributor would, in the handout itself."""
    wb = openpyxl.load_workbook(source)
    ws = wb["Indikatorer"]
    headers = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(headers)}
    for r in range(2, ws.max_row + 1):
        outcome, men, women, forecast, status, analysis = MINI_INDICATORS[ws.cell(r, col["Id"]).value]
        for header, value in (("Periodens utfall", outcome), ("Prognos helår", forecast), ("Status", status), ("Analys", analysis)):
            ws.cell(r, col[header]).value = value or None
    for r in range(2, wb["Mål"].max_row + 1):
        wb["Mål"].cell(r, 3).value, wb["Mål"].cell(r, 4).value = "Uppfylls helt", "Arbetet går enligt plan."
        wb["Mål"].cell(r, 6).value = "- Färre placeringar"
    for r in range(2, wb["Aktiviteter"].max_row + 1):
        wb["Aktiviteter"].cell(r, 6).value = "Genomförd" if wb["Aktiviteter"].cell(r, 5).value < "2025-04-30" else "Pågår"
    for (sheet, row, column), value in (overrides or {}).items():
        wb[sheet].cell(row, [c.value for c in wb[sheet][1]].index(column) + 1).value = value
    wb.save(target)
    return target


def test_filled_handout_passes_validation(handed, mini_cycle, tmp_path):
    path = _fill_handout(handed["barn"].workbook, tmp_path / "barn.xlsx")
    findings = validate_submission.fn(read_submission(path, mini_cycle), mini_cycle)
    assert [f.line() for f in findings if f.severity.value == "fel"] == []


def test_collect_versions_history_and_diff(handed, mini_cycle, tmp_path):
    inbox, workdir = tmp_path / "inkorg", tmp_path / "arbete"
    inbox.mkdir()
    _fill_handout(handed["barn"].workbook, inbox / "barn-forsta.xlsx")
    first = collect(cycle_path=MINI, inbox=inbox, workdir=workdir)
    assert [(o.version.number, o.version.status, o.new) for o in first] == [(1, "godkänd", True)]
    _fill_handout(handed["barn"].workbook, inbox / "barn-andra.xlsx",
                  {("Indikatorer", 2, "Periodens utfall"): "73 %", ("Mål", 2, "Analys"): "Arbetet går bättre än planerat."})
    second = collect(cycle_path=MINI, inbox=inbox, workdir=workdir)
    assert sorted((o.file, o.version.number, o.new) for o in second) == [("barn-andra.xlsx", 2, True), ("barn-forsta.xlsx", 1, False)]

    cli = [str(Path(sys.executable).parent / "tertial")]
    shown = subprocess.run(cli + ["history", "--cycle", str(MINI), "--contributor", "barn", "--workdir", str(workdir), "--json"],
                           capture_output=True, text=True, check=True)
    history = json.loads(shown.stdout)
    assert [(h["version"], h["fil"], h["resultat"]) for h in history] == [(1, "barn-forsta.xlsx", "godkänd"), (2, "barn-andra.xlsx", "godkänd")]
    assert all(len(h["sha256"]) == 64 for h in history) and history[0]["sha256"] != history[1]["sha256"]

    diff = subprocess.run(cli + ["diff", "--cycle", str(MINI), "--contributor", "barn", "--workdir", str(workdir)],
                          capture_output=True, text=True, check=True).stdout.splitlines()
    assert diff == [
        "Mål, 1.1 (Barn och unga växer upp under goda villkor), Analys: 'Arbetet går enligt plan.' → 'Arbetet går bättre än planerat.'",
        "Indikatorer, 1.1-I1 (Andel barn som deltar i fritidsaktiviteter), Periodens utfall: '72 %' → '73 %'",
        "2 ändringar.",
    ]
    _reading_commands_import_neither_prefect_nor_gx(workdir, inbox / "barn-andra.xlsx")


def _reading_commands_import_neither_prefect_nor_gx(workdir: Path, workbook: Path) -> None:
    """Commands that read or check answer at once: no Prefect (so no temporary server), GX only to validate."""
    where = ["--cycle", str(MINI), "--workdir", str(workdir)]
    assert _imported_by("status", *where, "--as-of", "2025-05-02") == set()
    assert _imported_by("history", *where, "--contributor", "barn") == set()
    assert _imported_by("verify", *where) == set()
    assert _imported_by("check-config", "--cycle", str(MINI)) == set()
    assert _imported_by("diff", *where, "--contributor", "barn") == {"pandas"}  # it reads both workbooks
    assert _imported_by("validate", str(workbook), *where) == {"great_expectations", "pandas"}


def test_versions_follow_arrival_not_file_names(handed, tmp_path):
    """A blank template dropped as barn.xlsx and the filled one as 'barn (1).xlsx' a moment later: the filled
    one is the newest version, although its name sorts first."""
    inbox, workdir = tmp_path / "inkorg", tmp_path / "arbete"
    inbox.mkdir()
    shutil.copy(handed["barn"].workbook, inbox / "barn.xlsx")
    time.sleep(0.05)
    _fill_handout(handed["barn"].workbook, inbox / "barn (1).xlsx")
    outcomes = collect(cycle_path=MINI, inbox=inbox, workdir=workdir)
    assert sorted((o.version.number, o.file, o.version.status) for o in outcomes) == [
        (1, "barn.xlsx", "underkänd"), (2, "barn (1).xlsx", "godkänd")]


def test_previous_report_texts_are_the_starting_point(mini_cycle, tmp_path):
    from flows.run_cycle import run_cycle
    from tests.builders import filled_rows, write_filled

    inbox = tmp_path / "inkorg"
    rows = filled_rows(mini_cycle, "barn")
    rows["goals"][0]["analysis"] = "Förra tertialens analys av mål 1.1."
    write_filled(inbox, mini_cycle, "barn", rows)
    write_filled(inbox, mini_cycle, "stab")
    previous = run_cycle(cycle_path=MINI, inbox=inbox, workdir=tmp_path / "t1").files["json"]
    items = {i.contributor_id: i for i in open_reporting_cycle(cycle_path=MINI, out_dir=tmp_path / "ut", workdir=tmp_path / "t1", previous_report=previous)}
    goals = openpyxl.load_workbook(items["barn"].workbook)["Mål"]
    assert goals["D2"].value == "Förra tertialens analys av mål 1.1."
    assert goals["F3"].value == "- Tidigare insatser\n- Färre placeringar"
    texts = openpyxl.load_workbook(items["stab"].workbook)["Texter"]
    assert texts["C2"].value == "- Första punkten om Sammanfattning\n- Andra punkten"
    assert openpyxl.load_workbook(items["aldre"].workbook)["Mål"]["D2"].value is None  # äldre sent nothing
