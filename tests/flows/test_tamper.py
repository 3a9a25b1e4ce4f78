"""Tamper evidence on real runs: `tertial verify` and `tertial history` after an edited ledger row or archived
original, assembly and intake refusing an edited original, rebuild-ledger refusing a receipt's lie."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from flows.assemble import assemble
from commands.checking import compare_versions
from flows.collect import collect
from flows.rebuild_ledger import rebuild_ledger
from tests.builders import filled_rows, write_filled
from tests.conftest import MINI
from tertial.archive import content_hash
from tertial.errors import SubmissionError
from tertial.ledger import Ledger

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

TERTIAL = str(Path(sys.executable).parent / "tertial")
CYCLE = "testdal-t1-2025"


def tertial(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([TERTIAL, *args, "--cycle", str(MINI)], capture_output=True, text=True, timeout=120,
                          env=os.environ)


def _ledger(workdir: Path) -> Ledger:
    return Ledger(f"sqlite:///{workdir / 'tertial.sqlite'}")


def test_an_edited_ledger_row_fails_verify_and_history_warns(tmp_path, mini_cycle):
    inbox, workdir = tmp_path / "inkorg", tmp_path / "arbete"
    wrong = filled_rows(mini_cycle, "aldre")
    wrong["indicators"][0]["period"] = "Tertial 2 2025"
    write_filled(inbox, mini_cycle, "aldre", wrong, name="aldre-utkast.xlsx")
    write_filled(inbox, mini_cycle, "barn")
    collect(cycle_path=MINI, inbox=inbox, workdir=workdir)
    assembled = assemble(cycle_path=MINI, workdir=workdir, formats=("json",), allow_missing=True)
    ledger = _ledger(workdir)
    assembly = ledger.events(CYCLE, kinds=("sammanstallning",))[0]  # the outputs' SHA-256, in the chain
    assert json.loads(assembly.comment)["filer"] == {str(p.resolve()): content_hash(p) for p in assembled.files.values()}

    clean = tertial("verify", "--workdir", str(workdir))
    assert clean.returncode == 0, clean.stderr
    head = ledger.chain(CYCLE)[-1].hash
    assert clean.stdout == (f"Liggaren och arkivet för {CYCLE} stämmer (3 poster i kedjan, 2 original). "
                            f"Senaste kontrollsumma: {head}\n")
    assert "Varning" not in tertial("history", "--contributor", "aldre", "--workdir", str(workdir)).stderr

    with ledger.engine.begin() as connection:
        connection.execute(text("UPDATE versions SET status = 'godkänd' WHERE contributor_id = 'aldre'"))
    edited = tertial("verify", "--workdir", str(workdir))
    assert edited.returncode == 1
    assert edited.stdout.splitlines()[0] == ('Liggaren: version 1 från aldre (aldre-utkast.xlsx) har ändrats efter att '
                                             'den sparades (post 1 i kedjan): status: väntat "underkänd", fann "godkänd".')
    as_json = json.loads(tertial("verify", "--workdir", str(workdir), "--json").stdout)
    assert (as_json["stammer"], len(as_json["avvikelser"]), as_json["senaste_kontrollsumma"]) == (False, 1, head)
    history = tertial("history", "--contributor", "aldre", "--workdir", str(workdir))
    assert history.returncode == 0
    assert history.stderr == (f"Varning: liggaren eller arkivet för {CYCLE} har ändrats i efterhand (1 avvikelser); "
                              "kör tertial verify för detaljer.\n")
    assert "godkänd" in history.stdout  # the listing itself still shows what the ledger says


def _edit_in_place(archived: Path, mini_cycle, folder: Path) -> None:
    """A valid workbook of barn's, with other text, written over the archived original."""
    rows = filled_rows(mini_cycle, "barn")
    rows["goals"][0]["analysis"] = "Målet nås inte alls."
    shutil.copyfile(write_filled(folder, mini_cycle, "barn", rows), archived)


def test_an_edited_archived_original_is_named_and_never_used(tmp_path, mini_cycle):
    inbox, workdir = tmp_path / "inkorg", tmp_path / "arbete"
    write_filled(inbox, mini_cycle, "barn")
    write_filled(inbox, mini_cycle, "stab")
    collect(cycle_path=MINI, inbox=inbox, workdir=workdir)
    barn = _ledger(workdir).versions(CYCLE, "barn")[0]
    _edit_in_place(Path(barn.archive_path), mini_cycle, tmp_path / "andrad")

    verified = tertial("verify", "--workdir", str(workdir))
    assert verified.returncode == 1
    assert verified.stdout.splitlines()[0] == (
        f"Arkivet: arkivets original {barn.archive_path} (version 1 från barn) stämmer inte med sin kontrollsumma: "
        f"väntat {barn.sha256}, filen har nu {content_hash(Path(barn.archive_path))}. Originalet har ändrats efter "
        "att det togs emot och används inte; återställ det från säkerhetskopian och kör tertial verify.")
    with pytest.raises(SubmissionError, match=r"^fil barn.xlsx: arkivets original .* \(version 1 från barn\) stämmer inte"):
        assemble(cycle_path=MINI, workdir=workdir, formats=("json",), allow_missing=True)
    with pytest.raises(SubmissionError, match=r"\(version 1 från barn\) stämmer inte"):  # nor does `tertial diff` read it
        compare_versions(MINI, "barn", 1, 1, _ledger(workdir))

    # Intake reads the archived copy: the same bytes sent again into a new ledger meet the edited copy and refuse it.
    again = {o.file: o for o in collect(cycle_path=MINI, inbox=inbox, workdir=workdir,
                                        ledger_url=f"sqlite:///{tmp_path / 'ny.sqlite'}")}
    assert (again["barn.xlsx"].version.status, again["stab.xlsx"].version.status) == ("underkänd", "godkänd")
    assert [f.rule_id for f in again["barn.xlsx"].findings] == ["structure_archive_changed"]
    assert "(ny inlämning) stämmer inte med sin kontrollsumma" in again["barn.xlsx"].findings[0].message

    # rebuild-ledger does not take the receipt's word for it.
    rebuilt = rebuild_ledger(cycle_path=MINI, workdir=workdir, ledger_url=f"sqlite:///{tmp_path / 'aterskapad.sqlite'}")
    assert [(v.contributor_id, v.status) for v in rebuilt.versions] == [("stab", "godkänd")]
    assert len(rebuilt.refused) == 1
    assert rebuilt.refused[0].startswith(f"Arkivet: arkivets original {barn.archive_path} (barn.xlsx enligt kvittot) "
                                         f"stämmer inte med sin kontrollsumma: väntat {barn.sha256}")
