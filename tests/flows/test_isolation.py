"""One bad file never stops the others (issue 12): each intake step runs per file under its own guard.

A hostile value (the 5 001-digit Budget) is a finding now, not a crash. A crash nothing foresaw is made
here by failing Great Expectations (a library, not a component of ours) on one file's data: that file
gets its own version with the `internal_error` finding and one line for the controller, and every
other file is recorded as usual, by the flow and through the command line.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path

import pytest
from great_expectations.datasource.fluent.interfaces import Batch
from openpyxl.workbook.workbook import Workbook
from typer.testing import CliRunner

from commands import app
from flows.collect import collect
from tertial.workbooks import write_csv_folder
from tertial.workspace import Workspace
from tests.builders import filled_rows, write_filled, write_filled_csv
from tests.conftest import MINI
from tests.test_bad_corpus import BAD
from tertial.ledger import ACCEPTED, REJECTED, Ledger

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

MARKER = "KRASCH-I-VALIDERINGEN"
GOOD = {"barn.xlsx": "barn", "stab.xlsx": "stab", "aldre": "aldre"}


@pytest.fixture
def inbox(tmp_path, mini_cycle) -> Path:
    """Three good submissions, the 5 001-digit number, and barn's workbook whose Analys makes GX fail."""
    folder = tmp_path / "inkorg"
    folder.mkdir()
    write_filled(folder, mini_cycle, "barn")
    write_filled(folder, mini_cycle, "stab")
    write_filled_csv(folder, mini_cycle, "aldre")
    shutil.copy2(BAD / "number-5001-digits.xlsx", folder)
    rows = filled_rows(mini_cycle, "barn")
    rows["goals"][0]["analysis"] = f"{MARKER} bland annan text."
    write_filled(folder, mini_cycle, "barn", rows, name="barn-krasch.xlsx")
    return folder


@pytest.fixture
def gx_fails_on_marker(monkeypatch) -> list[int]:
    """Great Expectations raises on any batch holding the marker; the sizes of the batches it saw are kept."""
    validate, seen = Batch.validate, []

    def failing(self, *args, **kwargs):
        frame = self.data.dataframe
        seen.append(len(frame))
        if frame.astype(str).apply(lambda column: column.str.contains(MARKER)).any().any():
            raise RuntimeError("simulerat fel i Great Expectations")
        return validate(self, *args, **kwargs)

    monkeypatch.setattr(Batch, "validate", failing)
    return seen


def test_one_crashing_file_among_good_ones_records_every_file(inbox, tmp_path, gx_fails_on_marker):
    workdir = tmp_path / "arbete"
    outcomes = {o.file: o for o in collect(cycle_path=MINI, inbox=inbox, workdir=workdir)}
    assert set(outcomes) == {p.name for p in inbox.iterdir()}
    for name, contributor in GOOD.items():
        outcome = outcomes[name]
        assert (outcome.version.contributor_id, outcome.version.status, outcome.new) == (contributor, ACCEPTED, True), name
        assert outcome.problems == () and outcome.findings == []
    _crash_is_recorded_for_its_file(outcomes["barn-krasch.xlsx"], workdir)
    hostile = outcomes["number-5001-digits.xlsx"]
    assert (hostile.version.status, hostile.problems) == (REJECTED, ())
    assert [(f.rule_id, f.sheet, f.row, f.column) for f in hostile.findings] == [("number_too_long", "Ekonomi", 4, "Budget")]
    assert "talet har 5001 siffror" in hostile.findings[0].message and len(hostile.findings[0].value) < 80
    again = collect(cycle_path=MINI, inbox=inbox, workdir=workdir)
    assert all(not o.new for o in again) and len(again) == len(outcomes)  # nothing blocks the next run


def _crash_is_recorded_for_its_file(crashed, workdir: Path) -> None:
    assert (crashed.version.contributor_id, crashed.version.status, crashed.new) == ("barn", REJECTED, True)
    recorded = Ledger(Workspace(workdir).default_ledger_url).findings(crashed.version.id)
    assert [(f.rule_id, f.severity.value) for f in recorded] == [("internal_error", "fel")]
    assert [f.file for f in crashed.findings] == ["barn-krasch.xlsx"]
    assert "kunde inte kontrolleras" in recorded[0].message and "Controllern har fått besked" in recorded[0].message
    assert len(crashed.problems) == 1
    line = crashed.problems[0]
    assert line.startswith("barn-krasch.xlsx: oväntat fel vid validering (RuntimeError: simulerat fel i Great Expectations)")
    assert "kunde inte kontrolleras" in crashed.feedback["text"].read_text(encoding="utf-8")  # barn is told too


def test_the_batched_run_stays_for_the_normal_case(inbox, tmp_path, gx_fails_on_marker):
    """Without the culprit every file goes through one GX run per sheet; with it, the fallback runs file by file."""
    aside = tmp_path / "barn-krasch.xlsx"
    (inbox / aside.name).rename(aside)
    collect(cycle_path=MINI, inbox=inbox, workdir=tmp_path / "utan")
    batched = len(gx_fails_on_marker)
    gx_fails_on_marker.clear()
    aside.rename(inbox / aside.name)
    collect(cycle_path=MINI, inbox=inbox, workdir=tmp_path / "med")
    assert len(gx_fails_on_marker) > batched  # the batch failed, so the files were validated one by one


def test_a_feedback_file_that_cannot_be_written_is_a_line_not_a_stop(inbox, tmp_path, monkeypatch):
    """openpyxl failing to save one annotated copy: that version stays recorded, the others get their feedback."""
    save = Workbook.save

    def failing(self, filename):
        if Path(filename).name.startswith(".barn-v2.xlsx"):  # barn-krasch.xlsx arrived after barn.xlsx: version 2, staged
            raise OSError("disken är full")
        return save(self, filename)

    monkeypatch.setattr(Workbook, "save", failing)
    outcomes = {o.file: o for o in collect(cycle_path=MINI, inbox=inbox, workdir=tmp_path / "arbete")}
    crashed = outcomes["barn-krasch.xlsx"]
    assert crashed.version.status == ACCEPTED and crashed.feedback == {}
    assert crashed.problems == ("barn-krasch.xlsx: oväntat fel vid återkoppling (OSError: disken är full). "
                                "Filen är sparad; kör igen med --debug för detaljer.",)
    assert sorted(outcomes["barn.xlsx"].feedback) == ["html", "text", "xlsx"]


def test_collect_on_the_command_line_exits_1_and_names_the_file(inbox, tmp_path, gx_fails_on_marker, monkeypatch):
    """Documented in the README: every file recorded, one stderr line for the file Tertial failed on, exit code 1."""
    for name in ("PREFECT_LOGGING_LEVEL", "PREFECT_LOGGING_SERVER_LEVEL", "PREFECT_SERVER_LOGGING_LEVEL"):
        monkeypatch.setenv(name, "CRITICAL")  # what the command sets, undone after the test
    levels = {name: logging.getLogger(name).level for name in ("prefect", "great_expectations")}
    try:
        done = CliRunner().invoke(app, ["collect", "--cycle", str(MINI), "--inbox", str(inbox), "--workdir", str(tmp_path / "cli")])
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    assert done.exit_code == 1, done.output
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 5 and all(", ny version" in line for line in lines)
    assert "barn-krasch.xlsx: barn version 2, underkänd (1 fel, 0 varningar)" in done.stdout  # in order of arrival
    assert done.stderr.strip().splitlines() == [
        "barn-krasch.xlsx: oväntat fel vid validering (RuntimeError: simulerat fel i Great Expectations). "
        "Filen är sparad; kör igen med --debug för detaljer."]
    assert "Traceback" not in done.output


def test_a_value_accepted_under_older_rules_is_a_named_check_not_a_failed_report(tmp_path, mini_cycle):
    """Barn's version recorded as accepted before the limits (a 5 001-digit outcome, a vertical tab from Word):
    the report is still made in every format, the text keeps its line break, and the checks name the cell."""
    from docx import Document

    from flows.assemble import assemble
    from tertial.inbox import archive
    from tertial.reading import MAX_FILE_BYTES
    from tertial.ledger import Arrival

    rows = filled_rows(mini_cycle, "barn")
    rows["indicators"][0]["outcome"] = "9" * 5001
    rows["goals"][0]["analysis"] = "Målet nås\x0benligt plan."
    sent = write_csv_folder(tmp_path / "inkorg" / "barn", mini_cycle, "barn", rows)
    workdir = tmp_path / "arbete"
    archived = archive(sent, workdir / "arkiv", dt.datetime(2025, 5, 2, tzinfo=dt.UTC), MAX_FILE_BYTES)
    workdir.mkdir(exist_ok=True)
    version, _ = Ledger(Workspace(workdir).default_ledger_url).record(Arrival(
        mini_cycle.config.id, "barn", archived.sha256, archived.original_name, archived.archive_path,
        archived.source, archived.received_at), [])
    assert version.status == ACCEPTED
    assembled = assemble(cycle_path=MINI, workdir=workdir, formats=("json", "html", "docx"), allow_missing=True)
    checks = assembled.files["kontroller"].read_text(encoding="utf-8")
    assert "FEL: barn, blad 'Indikatorer', rad 2, kolumn 'Periodens utfall': Värdet '99999" in checks
    assert "talet har 5001 siffror före decimalkommat" in checks
    paragraphs = [p.text for p in Document(assembled.files["docx"]).paragraphs]
    assert "Målet nås\nenligt plan." in paragraphs


def test_a_file_the_ledger_refuses_ends_the_run_after_the_others_are_recorded(inbox, tmp_path, monkeypatch):
    """The database failing on one file's version (with and without its findings): every other file is
    recorded, and the run ends with one Swedish error naming the file, to be taken in on the next run."""
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    from tertial.intake import Unrecorded

    commit = Session.commit

    def failing(self):
        # The version row may already be flushed (the hash chain needs its id), so the session's rows are looked at.
        if any(getattr(row, "original_name", "") == "barn-krasch.xlsx" for row in [*self.new, *self.identity_map.values()]):
            raise OperationalError("INSERT INTO versions", {}, Exception("disk I/O error"))
        return commit(self)

    monkeypatch.setattr(Session, "commit", failing)
    workdir = tmp_path / "arbete"
    with pytest.raises(Unrecorded) as caught:
        collect(cycle_path=MINI, inbox=inbox, workdir=workdir)
    assert caught.value.message_sv.startswith("1 fil(er) kunde inte sparas i liggaren och tas emot vid nästa körning:\n"
                                              "  - barn-krasch.xlsx: oväntat fel vid registrering (OperationalError:")
    recorded = {v.original_name for v in Ledger(Workspace(workdir).default_ledger_url).versions("testdal-t1-2025")}
    assert recorded == {p.name for p in inbox.iterdir()} - {"barn-krasch.xlsx"}
    assert {o.file for o in caught.value.outcomes} == recorded
