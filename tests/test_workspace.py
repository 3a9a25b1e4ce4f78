"""The work folder's layout, and the one policy for opening its ledger."""

from __future__ import annotations

import pytest

from tertial.errors import TertialError
from tertial.workspace import Create, Workspace


def test_the_layout_is_spelled_out_once(tmp_path):
    space = Workspace(tmp_path / "run")
    assert [p.relative_to(tmp_path / "run").as_posix() for p in
            (space.archive, space.feedback, space.report, space.status_page, space.ledger_file, space.key_file)] == [
        "arkiv", "aterkoppling", "rapport", "lage/index.html", "tertial.sqlite", "nyckel/token.key"]
    assert space.ledger_url() == f"sqlite:///{(tmp_path / 'run' / 'tertial.sqlite').resolve()}"


def test_collect_makes_the_folder_and_the_ledger(tmp_path):
    space = Workspace(tmp_path / "ny" / "run")
    ledger = space.open_ledger(create=Create.FOLDER_AND_LEDGER)
    assert space.ledger_file.is_file() and ledger.versions("c") == []


def test_a_missing_folder_is_named_not_made(tmp_path):
    space = Workspace(tmp_path / "felstavad")
    with pytest.raises(TertialError, match="Arbetsmappen .*felstavad finns inte. Ange mappen som collect och run använder"):
        space.open_ledger(create=Create.LEDGER)
    assert not space.root.exists()
    space.root.mkdir()
    space.open_ledger(create=Create.LEDGER)
    assert space.ledger_file.is_file()  # in an existing folder an empty ledger is a fact: nothing has arrived


def test_a_missing_ledger_is_named_not_made(tmp_path):
    space = Workspace(tmp_path)
    with pytest.raises(TertialError, match="Det finns ingen liggare i .*kör collect först"):
        space.open_ledger()
    assert not space.ledger_file.exists()


def test_a_ledger_url_is_opened_as_it_is(tmp_path, monkeypatch):
    elsewhere = f"sqlite:///{tmp_path / 'annan.sqlite'}"
    space = Workspace(tmp_path / "finns-inte")
    space.open_ledger(elsewhere, create=Create.NOTHING)
    assert (tmp_path / "annan.sqlite").is_file() and not space.root.exists()
    monkeypatch.setenv("TERTIAL_LEDGER_URL", elsewhere)
    assert space.ledger_url() == elsewhere and space.ledger_url("sqlite:///given") == "sqlite:///given"
    space.open_ledger()  # the configured URL, not the folder's missing ledger
