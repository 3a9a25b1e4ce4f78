"""Tamper evidence without Prefect: the ledger's hash chain and the archive, checked by tertial.verify."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tertial.archive import content_hash
from tertial.chain import GENESIS
from tertial.errors import SubmissionError
from tertial.findings import Finding, Severity
from tertial.ledger import Arrival, Event, Ledger
from tertial.verify import verify_cycle

CYCLE = "testdal-t1-2025"
AT = dt.datetime(2025, 5, 6, 9, 0, tzinfo=dt.UTC)


def _original(folder: Path, name: str, body: bytes) -> Arrival:
    path = folder / name
    path.write_bytes(body)
    return Arrival(CYCLE, name.split("-")[0], content_hash(path), name, str(path), "inkorg", AT)


@pytest.fixture
def ledger(tmp_path) -> Ledger:
    """Two versions of aldre (the first rejected), one of barn, a return, a reminder claimed then released."""
    store = Ledger(f"sqlite:///{tmp_path / 'liggare.sqlite'}")
    missing = [Finding("text_missing", Severity.ERROR, "Texten saknas.", sheet="Texter", row=2)]
    store.record(_original(tmp_path, "aldre-1.xlsx", b"forsta"), missing)
    store.record(_original(tmp_path, "aldre-2.xlsx", b"andra"), [])
    store.record(_original(tmp_path, "barn-1.xlsx", b"barn"), [])
    store.record_event(Event(CYCLE, "barn", "aterlamnad", AT, "controller", "aterlamnad:barn:v1", "Fyll i texten.", 1))
    store.record_event(Event(CYCLE, "aldre", "paminnelse", AT, "tertial", "paminnelse:aldre"))
    store.forget_event(CYCLE, "paminnelse:aldre")
    return store


def _sql(store: Ledger, statement: str) -> None:
    with store.engine.begin() as connection:
        connection.execute(text(statement))


def test_a_clean_cycle_verifies(ledger):
    result = verify_cycle(ledger, CYCLE)
    assert result.problems == []
    assert (result.entries, result.originals) == (6, 3)  # 3 versions, 2 events, 1 release
    assert result.head == ledger.chain(CYCLE)[-1].hash != GENESIS
    assert [link.prev_hash for link in ledger.chain(CYCLE)][0] == GENESIS


def test_a_rejected_version_set_to_accepted_is_named(ledger):
    _sql(ledger, "UPDATE versions SET status = 'godkänd', errors = 0 WHERE original_name = 'aldre-1.xlsx'")
    problems = verify_cycle(ledger, CYCLE).problems
    assert problems == ['Liggaren: version 1 från aldre (aldre-1.xlsx) har ändrats efter att den sparades '
                        '(post 1 i kedjan): errors: väntat 1, fann 0; status: väntat "underkänd", fann "godkänd".']


def test_a_removed_finding_a_slipped_in_event_and_a_removed_event_are_named(ledger):
    _sql(ledger, "DELETE FROM findings")
    _sql(ledger, "INSERT INTO events (cycle_id, contributor_id, kind, at, actor, comment, key, version) "
                 "VALUES ('testdal-t1-2025', 'aldre', 'godkand', '2025-05-07 10:00:00', 'x', '', 'falsk', 2)")
    _sql(ledger, "DELETE FROM events WHERE key = 'aterlamnad:barn:v1'")
    problems = verify_cycle(ledger, CYCLE).problems
    assert len(problems) == 3
    assert problems[0].startswith("Liggaren: version 1 från aldre (aldre-1.xlsx) har ändrats")
    assert 'findings: väntat [{"column": null' in problems[0] and "fann []" in problems[0]
    assert problems[1] == ("Liggaren: händelsen aterlamnad för barn (2025-05-06T09:00:00+00:00) (post 4 i kedjan) "
                           "har tagits bort ur liggaren.")
    assert problems[2] == ("Liggaren: händelsen godkand för aldre (2025-05-07T10:00:00+00:00) finns i liggaren men "
                           "inte i kedjan; den har lagts till i efterhand.")


def test_rewriting_an_entry_of_the_chain_breaks_it(ledger):
    _sql(ledger, "UPDATE chain SET content = replace(content, 'underkänd', 'godkänd') WHERE seq = 1")
    _sql(ledger, "UPDATE versions SET status = 'godkänd' WHERE original_name = 'aldre-1.xlsx'")
    problems = verify_cycle(ledger, CYCLE).problems
    assert len(problems) == 1
    assert problems[0].startswith("Kedjan: post 1 i kedjan (version 1 från aldre (aldre-1.xlsx)) har ändrats: väntat kontrollsumman ")


def test_removing_an_entry_of_the_chain_is_named(ledger):
    _sql(ledger, "DELETE FROM chain WHERE seq = 2")
    problems = verify_cycle(ledger, CYCLE).problems
    assert problems[0] == "Kedjan: post 2 saknas; nästa är post 3. Poster har tagits bort ur liggaren."
    assert problems[1].startswith("Kedjan: post 3 i kedjan (version 1 från barn (barn-1.xlsx)) pekar inte på föregående post")
    assert problems[-1].startswith("Liggaren: version 2 från aldre (aldre-2.xlsx) finns i liggaren men inte i kedjan")


def test_an_archived_original_edited_in_place_is_named_and_refused(ledger, tmp_path):
    (tmp_path / "barn-1.xlsx").write_bytes(b"barn, andrad")
    expected = ledger.versions(CYCLE, "barn")[0].sha256
    problems = verify_cycle(ledger, CYCLE).problems
    assert problems == [f"Arkivet: arkivets original {tmp_path / 'barn-1.xlsx'} (version 1 från barn) stämmer inte med "
                        f"sin kontrollsumma: väntat {expected}, filen har nu {content_hash(tmp_path / 'barn-1.xlsx')}. "
                        "Originalet har ändrats efter att det togs emot och används inte; återställ det från "
                        "säkerhetskopian och kör tertial verify."]
    from tertial.accepted import archived_copy

    with pytest.raises(SubmissionError, match=r"fil barn-1.xlsx: arkivets original .*\(version 1 från barn\) stämmer inte"):
        archived_copy(ledger.versions(CYCLE, "barn")[0])


def test_one_contributors_originals_are_rehashed_and_the_whole_chain_checked(ledger, tmp_path):
    """What `history --contributor` verifies: that contributor's originals, and every row of the chain."""
    (tmp_path / "barn-1.xlsx").write_bytes(b"barn, andrad")
    _sql(ledger, "UPDATE versions SET status = 'godkänd', errors = 0 WHERE original_name = 'aldre-1.xlsx'")
    for_barn, for_aldre = verify_cycle(ledger, CYCLE, originals_of="barn"), verify_cycle(ledger, CYCLE, originals_of="aldre")
    assert (for_barn.originals, for_aldre.originals) == (1, 2)
    assert [p.split(":")[0] for p in for_barn.problems] == ["Liggaren", "Arkivet"]
    assert [p.split(":")[0] for p in for_aldre.problems] == ["Liggaren"]  # barn's edited original is not aldre's


def test_a_released_reminder_can_be_claimed_again_and_the_chain_holds(ledger):
    event, new = ledger.record_event(Event(CYCLE, "aldre", "paminnelse", AT, "tertial", "paminnelse:aldre"))
    assert new and ledger.event(CYCLE, "paminnelse:aldre") == event
    assert ledger.record_event(Event(CYCLE, "aldre", "paminnelse", AT, "tertial", "paminnelse:aldre")) == (event, False)
    assert verify_cycle(ledger, CYCLE).problems == []
    ledger.forget_event(CYCLE, "paminnelse:aldre")
    assert verify_cycle(ledger, CYCLE).problems == []


def test_the_migration_chains_a_ledger_made_before_the_chain(tmp_path):
    from alembic import command
    from alembic.config import Config

    url = f"sqlite:///{tmp_path / 'gammal.sqlite'}"
    config = Config(str(Path(__file__).parents[1] / "alembic.ini"))
    config.attributes["configure_logger"] = False
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "0001")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO versions (cycle_id, contributor_id, number, sha256, original_name, archive_path, source, "
            "received_at, status, errors, warnings) VALUES ('testdal-t1-2025', 'barn', 1, 'ab', 'barn.xlsx', "
            "'/saknas', 'inkorg', '2025-05-06 09:00:00.000000', 'godkänd', 0, 0)"))
        connection.execute(text(
            "INSERT INTO events (cycle_id, contributor_id, kind, at, actor, comment, key, version) "
            "VALUES ('testdal-t1-2025', 'barn', 'godkand', '2025-05-07 10:00:00.000000', 'c', '', 'k', 1)"))
    engine.dispose()
    command.upgrade(config, "head")
    ledger = Ledger(url)
    assert [(link.seq, link.entry) for link in ledger.chain(CYCLE)] == [(1, "version"), (2, "event")]
    result = verify_cycle(ledger, CYCLE)
    assert [p for p in result.problems if not p.startswith("Arkivet:")] == []
    assert result.problems[-1].startswith("Arkivet: arkivets original /saknas (version 1 från barn)")
    assert "filen finns inte längre i arkivet" in result.problems[-1]
