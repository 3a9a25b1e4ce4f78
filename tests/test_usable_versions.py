"""The report is built from each contributor's usable version: a version the controller returned is never used."""

import datetime as dt
from pathlib import Path

from tertial.archive import content_hash
from tertial.accepted import accepted_versions
from tertial.access import UNKNOWN_CONTRIBUTOR
from tertial.assembly import build_report
from tertial.ledger import Arrival, Ledger
from tertial.review import approve, return_submission
from tests.builders import filled_rows, write_filled


def _send(ledger: Ledger, cycle, folder: Path, n: int, analysis: str) -> None:
    rows = filled_rows(cycle, "barn")
    rows["goals"][0]["analysis"] = analysis
    path = write_filled(folder / f"v{n}", cycle, "barn", rows)
    ledger.record(Arrival(cycle.config.id, "barn", content_hash(path), path.name, str(path), "inkorg",
                          dt.datetime(2025, 5, n, 9, tzinfo=dt.UTC)), [])


def _used(ledger: Ledger, cycle) -> int | None:
    accepted = accepted_versions(ledger, cycle)
    return accepted["barn"].version.number if "barn" in accepted else None


def test_a_returned_version_leaves_the_report_until_a_new_one_arrives(tmp_path, mini_cycle):
    ledger = Ledger(f"sqlite:///{tmp_path / 'l.sqlite'}")
    _send(ledger, mini_cycle, tmp_path, 1, "Första versionens analys.")
    assert _used(ledger, mini_cycle) == 1
    return_submission(ledger, mini_cycle, "barn", "Analysen behöver utvecklas.", "Kim")
    assert _used(ledger, mini_cycle) is None
    report = build_report(mini_cycle, accepted_versions(ledger, mini_cycle))
    assert "Avdelningen för barn och unga" in report.missing
    _send(ledger, mini_cycle, tmp_path, 2, "Andra versionens analys, utvecklad.")
    assert _used(ledger, mini_cycle) == 2
    goal = next(g for g in build_report(mini_cycle, accepted_versions(ledger, mini_cycle)).goals[0].children if g.number == "1.1")
    assert goal.analysis.startswith("Andra versionens analys")


def test_returning_the_newest_version_falls_back_to_the_last_one_not_returned(tmp_path, mini_cycle):
    ledger = Ledger(f"sqlite:///{tmp_path / 'l.sqlite'}")
    _send(ledger, mini_cycle, tmp_path, 1, "Första versionens analys.")
    approve(ledger, mini_cycle, "barn", "Kim")
    _send(ledger, mini_cycle, tmp_path, 2, "Andra versionen med ett felaktigt påstående.")
    assert _used(ledger, mini_cycle) == 2
    return_submission(ledger, mini_cycle, "barn", "Påståendet stämmer inte.", "Kim")
    assert _used(ledger, mini_cycle) == 1


def test_a_file_without_a_known_sender_is_never_used(tmp_path, mini_cycle):
    """Even recorded as accepted (as an older ledger or a hand edit might have it), an 'okand' version is no one's."""
    ledger = Ledger(f"sqlite:///{tmp_path / 'l.sqlite'}")
    path = write_filled(tmp_path / "in", mini_cycle, "barn")
    ledger.record(Arrival(mini_cycle.config.id, UNKNOWN_CONTRIBUTOR, content_hash(path), path.name, str(path), "inkorg",
                          dt.datetime(2025, 5, 1, 9, tzinfo=dt.UTC)), [])
    assert [v.status for v in ledger.versions(mini_cycle.config.id, UNKNOWN_CONTRIBUTOR)] == ["godkänd"]
    assert accepted_versions(ledger, mini_cycle) == {}
    assert _used(ledger, mini_cycle) is None
