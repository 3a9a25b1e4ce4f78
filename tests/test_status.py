"""Status per contributor: through a real collect flow, and approve/return through the real CLI."""

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from flows.collect import collect
from tertial.ledger import Arrival, Ledger
from tertial.review import ReviewError, approve, return_submission
from tertial.status import Status, contributor_status
from tests.builders import filled_rows, write_filled
from tests.conftest import MINI

CLI = [str(Path(sys.executable).parent / "tertial")]
BEFORE, DEADLINE, AFTER = "2025-05-02", "2025-05-07", "2025-05-08"  # the mini cycle's deadline (äldre: 5 May)


def _cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + list(args), capture_output=True, text=True, check=check)


class Scene:
    def __init__(self, tmp_path: Path, cycle):
        self.cycle, self.inbox, self.workdir = cycle, tmp_path / "inkorg", tmp_path / "arbete"
        self.inbox.mkdir()
        self.workdir.mkdir()

    def send(self, contributor: str, name: str, rows=None) -> None:
        write_filled(self.inbox, self.cycle, contributor, rows, name=name)
        collect(cycle_path=MINI, inbox=self.inbox, workdir=self.workdir)

    def status(self, as_of: str) -> dict[str, dict]:
        shown = _cli("status", "--cycle", str(MINI), "--workdir", str(self.workdir), "--as-of", as_of, "--json")
        return {row["id"]: row for row in json.loads(shown.stdout)}

    def review(self, command: str, contributor: str, *extra: str, check: bool = True) -> subprocess.CompletedProcess:
        return _cli(command, "--cycle", str(MINI), "--workdir", str(self.workdir), "--contributor", contributor, *extra,
                    check=check)


def _words(rows: dict[str, dict]) -> dict[str, str]:
    return {key: row["status"] for key, row in rows.items()}


def _wrong(cycle, contributor: str):
    rows = filled_rows(cycle, contributor)
    rows["indicators"][0]["period"] = "Tertial 2 2025"  # one error: underkänd
    return rows


def _submissions_and_the_deadline(scene: Scene) -> None:
    empty = scene.status(BEFORE)
    assert _words(empty) == {"stab": "ej påbörjad", "barn": "ej påbörjad", "aldre": "ej påbörjad"}
    assert (empty["barn"]["deadline"], empty["barn"]["days_left"]) == ("2025-05-07", 3)
    assert (empty["aldre"]["deadline"], empty["aldre"]["days_left"], empty["aldre"]["avdelning"]) == ("2025-05-05", 1, "Äldreavdelningen")
    scene.send("aldre", "aldre-utkast.xlsx", _wrong(scene.cycle, "aldre"))
    scene.send("barn", "barn.xlsx")
    before = scene.status(BEFORE)
    assert _words(before) == {"stab": "ej påbörjad", "barn": "godkänd av systemet", "aldre": "underkänd"}
    assert (before["aldre"]["latest_version"], before["aldre"]["errors"]) == (1, 1)
    after = scene.status(AFTER)
    assert _words(after) == {"stab": "sen", "barn": "godkänd av systemet", "aldre": "sen"}
    assert (after["stab"]["days_left"], after["aldre"]["days_left"]) == (-1, -3)


def _approve_and_return(scene: Scene) -> None:
    refused = scene.review("approve", "stab", check=False)
    assert refused.returncode != 0 and "ingen version som är godkänd av systemet" in refused.stderr
    assert "har inte lämnat någon version att återsända" in scene.review("return", "stab", "--comment", "x", check=False).stderr
    scene.review("approve", "barn", "--by", "Kim Controller")
    assert scene.status(AFTER)["barn"]["status"] == "granskad"
    scene.review("return", "barn", "--comment", "Analysen av mål 1.1 behöver utvecklas.", "--by", "Kim Controller")
    returned = scene.status(AFTER)["barn"]
    assert (returned["status"], returned["comment"], returned["reviewed_by"]) == (
        "återsänd", "Analysen av mål 1.1 behöver utvecklas.", "Kim Controller")
    assert scene.status(BEFORE)["barn"]["status"] == "återsänd"


def _newer_versions_reopen(scene: Scene) -> None:
    rows = filled_rows(scene.cycle, "barn")
    rows["goals"][0]["analysis"] = "Målet nås; fler barn deltar i fritidsaktiviteter än i fjol."
    scene.send("barn", "barn-v2.xlsx", rows)
    reopened = scene.status(AFTER)["barn"]
    assert (reopened["status"], reopened["latest_version"], reopened["comment"]) == ("godkänd av systemet", 2, "")
    scene.send("barn", "barn-v3.xlsx", _wrong(scene.cycle, "barn"))
    latest = scene.status(AFTER)["barn"]
    assert (latest["status"], latest["latest_version"], latest["usable_version"]) == ("underkänd", 3, 2)  # v2 counts: not late
    scene.send("aldre", "aldre-rattad.xlsx")
    assert scene.status(AFTER)["aldre"]["status"] == "godkänd av systemet"
    approved = scene.review("approve", "aldre", "--by", "Kim Controller")
    assert "version 2 granskad av Kim Controller" in approved.stdout
    assert _words(scene.status(AFTER)) == {"stab": "sen", "barn": "underkänd", "aldre": "granskad"}


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_status_follows_submissions_reviews_and_the_deadline(tmp_path, mini_cycle):
    """One cycle's story, in order: each step builds on the ledger the previous one left."""
    scene = Scene(tmp_path, mini_cycle)
    _submissions_and_the_deadline(scene)
    _approve_and_return(scene)
    _newer_versions_reopen(scene)


def test_status_table_is_swedish(tmp_path):
    missing = _cli("status", "--cycle", str(MINI), "--workdir", str(tmp_path / "saknas"), check=False)
    assert missing.returncode == 2 and "Arbetsmappen" in missing.stderr and "finns inte" in missing.stderr
    shown = _cli("status", "--cycle", str(MINI), "--workdir", str(tmp_path), "--as-of", DEADLINE).stdout.splitlines()
    assert shown[0] == "Tertialrapport 1 år 2025 för Testdals socialnämnd, läget 2025-05-07:"
    assert shown[2] == "barn (Avdelningen för barn och unga): ej påbörjad; sista dag onsdag 7 maj 2025, sista dag i dag"
    assert shown[3] == "aldre (Äldreavdelningen): sen; sista dag måndag 5 maj 2025, 2 arbetsdagar sent"


def _arrive(ledger: Ledger, contributor: str, n: int, errors: int) -> None:
    from tertial.findings import Finding, Severity

    arrival = Arrival("testdal-t1-2025", contributor, f"{contributor}{n}".ljust(64, "0"), f"v{n}.xlsx", f"/arkiv/v{n}",
                      "inkorg", dt.datetime(2025, 5, n, 9, tzinfo=dt.UTC))
    ledger.record(arrival, [Finding("structure", Severity.ERROR, "fel")] * errors)


def _status(ledger: Ledger, cycle, as_of=dt.date(2025, 5, 6)):
    return contributor_status(cycle, "barn", ledger.versions(cycle.config.id, "barn"),
                              ledger.events(cycle.config.id, "barn"), as_of)


def test_the_latest_review_of_a_version_counts(tmp_path, mini_cycle):
    ledger = Ledger(f"sqlite:///{tmp_path / 'l.sqlite'}")
    _arrive(ledger, "barn", 1, 0)
    approve(ledger, mini_cycle, "barn", "Kim")
    return_submission(ledger, mini_cycle, "barn", "Rätta texten.", "Kim")
    assert _status(ledger, mini_cycle).status is Status.RETURNED
    assert _status(ledger, mini_cycle).needs_submission
    approve(ledger, mini_cycle, "barn", "Robin")
    granted = _status(ledger, mini_cycle)
    assert (granted.status, granted.reviewed_by, granted.usable_version) == (Status.REVIEWED, "Robin", 1)


def test_a_returned_version_is_not_usable_and_late_after_the_deadline_only_when_not_returned(tmp_path, mini_cycle):
    ledger = Ledger(f"sqlite:///{tmp_path / 'l.sqlite'}")
    _arrive(ledger, "barn", 1, 0)
    return_submission(ledger, mini_cycle, "barn", "Saknar analys.", "Kim")
    _arrive(ledger, "barn", 2, 2)
    late = _status(ledger, mini_cycle, dt.date(2025, 5, 9))
    assert (late.status, late.usable_version, late.errors) == (Status.LATE, None, 2)
    assert _status(ledger, mini_cycle).status is Status.REJECTED


def test_approve_names_unknown_contributors(mini_cycle, tmp_path):
    with pytest.raises(ReviewError, match="Bidragsgivaren 'okand' finns inte i testdal-t1-2025. Välj bland: stab, barn, aldre."):
        approve(Ledger(f"sqlite:///{tmp_path / 'l.sqlite'}"), mini_cycle, "okand", "Kim")
