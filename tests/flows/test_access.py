"""A workbook counts only for the contributor it was issued to, with default settings too.

`tertial open` makes the installation's key in the work folder when there is none; collect finds it
there. A file without its contributor's token is recorded as `okand`: never in the claimed
contributor's history or status, and nobody but the controller is told.
"""

import os
import stat

import openpyxl
import pytest

from commands.checking import check_file
from flows.collect import collect
from flows.open_cycle import open_reporting_cycle
from tertial.access import UNKNOWN_CONTRIBUTOR
from tertial.access import EXAMPLE_TOKEN_KEY, KEY_FILE, TOKEN_KEY_ENV, issue_token, token_matches
from tertial.config import load_cycle
from tertial.errors import TertialError
from tertial.ledger import Ledger
from tertial.workspace import Workspace
from tertial.status import Status, cycle_status
from tests.builders import write_filled
from tests.conftest import MINI
from tests.flows.test_gather import _fill_handout
from tests.flows.test_reminders import CONTROLLER, PASSWORD, TITLE, USER, cycle_path, smtp_server  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.flow, pytest.mark.usefixtures("prefect_harness"),
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),  # the test SMTP server, as in test_reminders
]

CYCLE = "testdal-t1-2025"


@pytest.fixture
def no_key_in_environment(monkeypatch):
    monkeypatch.delenv(TOKEN_KEY_ENV)  # default settings: the key comes from the work folder


def _meta(path) -> dict:
    return {row[0].value: row[1].value for row in openpyxl.load_workbook(path)["_tertial"].iter_rows()}


def _relabel(path, **values) -> None:
    wb = openpyxl.load_workbook(path)
    rows = {row[0].value: row[0].row for row in wb["_tertial"].iter_rows()}
    for key, value in values.items():
        if value is None:
            wb["_tertial"].delete_rows(rows[key])
        else:
            wb["_tertial"].cell(rows[key], 2).value = value
    wb.save(path)


def test_open_makes_the_key_once_readable_only_by_its_owner(no_key_in_environment, tmp_path):
    workdir = tmp_path / "arbete"
    handed = {h.contributor_id: h for h in open_reporting_cycle(cycle_path=MINI, out_dir=tmp_path / "ut", workdir=workdir)}
    key_path = workdir / KEY_FILE
    key = key_path.read_bytes()
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600 and len(key) == 64
    assert [p.name for p in key_path.parent.iterdir()] == ["token.key"]  # no staging file left behind
    assert _meta(handed["barn"].workbook)["nyckel"] == issue_token(key, CYCLE, "barn")
    open_reporting_cycle(cycle_path=MINI, out_dir=tmp_path / "ut2", workdir=workdir)
    assert key_path.read_bytes() == key  # opened again: the same key, so earlier handouts stay valid
    other = open_reporting_cycle(cycle_path=MINI, out_dir=tmp_path / "ut3", workdir=tmp_path / "annan")
    assert _meta(other[1].workbook)["nyckel"] != _meta(handed["barn"].workbook)["nyckel"]


def test_the_environment_key_wins_over_the_work_folder(tmp_path):
    handed = open_reporting_cycle(cycle_path=MINI, out_dir=tmp_path / "ut", workdir=tmp_path / "arbete")
    assert not (tmp_path / "arbete" / KEY_FILE).exists()
    assert _meta(handed[1].workbook)["nyckel"] == issue_token(EXAMPLE_TOKEN_KEY, CYCLE, "barn")


def test_default_settings_refuse_a_workbook_claiming_another_contributor(no_key_in_environment, smtp_server, cycle_path,
                                                                        tmp_path, monkeypatch):
    """No TERTIAL_TOKEN_KEY: open makes the key, collect finds it; a forgery reaches nobody but the controller."""
    mails, port = smtp_server
    for key, value in {"HOST": "127.0.0.1", "PORT": str(port), "SENDER": "tertial@example.se",
                       "USER": USER, "PASSWORD": PASSWORD}.items():
        monkeypatch.setenv(f"TERTIAL_SMTP_{key}", value)
    cycle, workdir, inbox = load_cycle(cycle_path), tmp_path / "arbete", tmp_path / "inkorg"
    handed = {h.contributor_id: h for h in open_reporting_cycle(cycle_path=cycle_path, out_dir=tmp_path / "ut", workdir=workdir)}
    inbox.mkdir()
    _fill_handout(handed["aldre"].workbook, inbox / "aldre.xlsx")
    [first] = collect(cycle_path=cycle_path, inbox=inbox, workdir=workdir)
    assert (first.version.contributor_id, first.version.status) == ("aldre", "godkänd")
    assert [m.to[0] for m in mails.take()] == ["eli@example.se"]  # äldre's own feedback
    ledger = Ledger(Workspace(workdir).default_ledger_url)
    day = cycle.deadline("aldre")
    before = cycle_status(cycle, ledger, day)

    # Barn's own workbook relabelled as äldre's, and one made outside Tertial without any token.
    _relabel(_fill_handout(handed["barn"].workbook, inbox / "forfalskad.xlsx"), bidragsgivare="aldre")
    _relabel(write_filled(inbox, cycle, "aldre", name="utan-nyckel.xlsx"), nyckel=None)
    outcomes = {o.file: o for o in collect(cycle_path=cycle_path, inbox=inbox, workdir=workdir)}
    for name in ("forfalskad.xlsx", "utan-nyckel.xlsx"):
        outcome = outcomes[name]
        assert (outcome.version.contributor_id, outcome.version.status, outcome.new) == (UNKNOWN_CONTRIBUTOR, "underkänd", True)
        assert "inte utfärdad till bidragsgivaren 'aldre'" in outcome.findings[0].message
        assert (outcome.findings[0].sheet, outcome.findings[0].column) == ("_tertial", "nyckel")
        assert outcome.feedback == {}
    assert [v.original_name for v in ledger.versions(CYCLE, "aldre")] == ["aldre.xlsx"]
    assert cycle_status(cycle, ledger, day) == before and before[2].status is Status.ACCEPTED
    [notice] = mails.take()  # nothing to äldre, barn or anyone else: one notice to the controller
    assert (notice.to, notice.subject) == ((CONTROLLER,), f"Inlämningar utan känd avsändare: {TITLE}")
    assert "- forfalskad.xlsx: arbetsboken är inte utfärdad till bidragsgivaren 'aldre'" in notice.body
    assert "- utan-nyckel.xlsx: arbetsboken är inte utfärdad till bidragsgivaren 'aldre'" in notice.body
    assert list(notice.message.iter_attachments()) == []


def test_a_non_ascii_token_is_refused_like_any_wrong_token(tmp_path, mini_cycle):
    inbox = tmp_path / "inkorg"
    _relabel(write_filled(inbox, mini_cycle, "barn", name="a.xlsx"), nyckel="nyckel-å-ä-ö-€-𝔁")
    _relabel(write_filled(inbox, mini_cycle, "stab", name="b.xlsx"), nyckel="ÿ" * 32)  # the token's length, not ASCII
    write_filled(inbox, mini_cycle, "aldre")
    outcomes = {o.file: o for o in collect(cycle_path=MINI, inbox=inbox, workdir=tmp_path / "arbete")}
    assert outcomes["aldre.xlsx"].version.status == "godkänd"
    for name, claimed in (("a.xlsx", "barn"), ("b.xlsx", "stab")):
        assert outcomes[name].version.contributor_id == UNKNOWN_CONTRIBUTOR
        assert f"inte utfärdad till bidragsgivaren '{claimed}'" in outcomes[name].findings[0].message
    assert not token_matches(EXAMPLE_TOKEN_KEY, CYCLE, "barn", "å" * 32)


def test_an_unreadable_forgery_is_not_counted_for_the_contributor_it_names(tmp_path, mini_cycle):
    """A sheet error after _tertial was read: the file names barn but has no token, so it is not barn's."""
    inbox = tmp_path / "inkorg"
    path = write_filled(inbox, mini_cycle, "barn", name="trasig.xlsx")
    wb = openpyxl.load_workbook(path)
    del wb["Indikatorer"]
    wb.save(path)
    _relabel(path, nyckel="fel")
    [outcome] = collect(cycle_path=MINI, inbox=inbox, workdir=tmp_path / "arbete")
    assert outcome.version.contributor_id == UNKNOWN_CONTRIBUTOR
    assert "inte utfärdad till bidragsgivaren 'barn'" in outcome.findings[0].message
    assert [f.message for f in check_file(path, MINI, tmp_path)] == [outcome.findings[0].message]


def test_without_any_key_nothing_is_taken_in(no_key_in_environment, tmp_path, mini_cycle):
    inbox, workdir = tmp_path / "inkorg", tmp_path / "arbete"
    write_filled(inbox, mini_cycle, "barn")
    with pytest.raises(TertialError, match="Kör 'tertial open' med samma --workdir"):
        collect(cycle_path=MINI, inbox=inbox, workdir=workdir)
    assert not (workdir / "arkiv").exists()  # nothing archived, so nothing is stuck as already received
    assert os.environ.get(TOKEN_KEY_ENV) is None
