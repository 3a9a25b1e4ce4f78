"""What the command line prints of cells and file names: never read as Rich markup, never a control character."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flows.collect import collect
from tests.builders import filled_rows, write_filled
from tests.conftest import MINI
from tests.test_bad_corpus import BAD

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

TERTIAL = str(Path(sys.executable).parent / "tertial")
MARKUP = "[bold red]Klart[/] [link=file:///etc/passwd]se här[/link]"


def _run(*args: str) -> subprocess.CompletedProcess:
    from prefect.settings import get_current_settings

    # The harness's Prefect server, so the command does not start a temporary one of its own.
    env = {**os.environ, "PREFECT_API_URL": str(get_current_settings().api.url)}
    return subprocess.run([TERTIAL, *args], capture_output=True, text=True, env=env, timeout=300)


def test_validate_prints_a_markup_cell_as_it_is(tmp_path):
    done = _run("validate", str(BAD / "markup-in-cells.xlsx"), "--cycle", str(MINI), "--workdir", str(tmp_path))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr and done.stderr == ""
    assert done.stdout.splitlines() == [
        "FEL: markup-in-cells.xlsx, blad 'Indikatorer', cell M2, rad 2, kolumn 'Status': Statusen '[/]' finns inte. "
        "Välj en av: Uppfylls helt, Uppfylls delvis, Uppfylls inte, Ej mätbar.",
        "1 fel, 0 varningar.",
    ]


def test_diff_prints_a_markup_text_as_it_is(tmp_path, mini_cycle):
    inbox, workdir = tmp_path / "inkorg", tmp_path / "arbete"
    write_filled(inbox, mini_cycle, "barn", name="barn-1.xlsx")
    collect(cycle_path=MINI, inbox=inbox, workdir=workdir)
    rows = filled_rows(mini_cycle, "barn")
    rows["goals"][0]["analysis"] = MARKUP
    write_filled(inbox, mini_cycle, "barn", rows, name="barn-2.xlsx")
    collect(cycle_path=MINI, inbox=inbox, workdir=workdir)
    done = _run("diff", "--cycle", str(MINI), "--contributor", "barn", "--workdir", str(workdir))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"Mål, 1.1 (Barn och unga växer upp under goda villkor), Analys: 'Målet 1.1 nås enligt plan.' → '{MARKUP}'",
        "1 ändringar.",
    ]


def test_collect_shows_control_characters_in_file_names_escaped(tmp_path, mini_cycle):
    inbox = tmp_path / "inkorg"
    forged_line = "x.xlsx: stab version 9, godkänd (0 fel, 0 varningar), ny version"
    names = [f"barn.xlsx\n{forged_line}", "\x1b[2J\x1b[31mrensa.xlsx", "ab\u202eslx.exe"]
    write_filled(inbox, mini_cycle, "barn", name=names[0])
    shutil.copy(BAD / "markup-in-cells.xlsx", inbox / names[1])
    shutil.copy(BAD / "claims-another-contributor.xlsx", inbox / names[2])
    done = _run("collect", "--cycle", str(MINI), "--inbox", str(inbox), "--workdir", str(tmp_path / "arbete"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert not any(c in done.stdout for c in ("\x1b", "\u202e", "\r"))
    assert not any(line.startswith("x.xlsx") for line in lines)  # no line forged by a file name
    assert lines == [  # in order of arrival
        "barn.xlsx\\nx.xlsx: stab version 9, godkänd (0 fel, 0 varningar), ny version: barn version 1, godkänd "
        "(0 fel, 0 varningar), ny version",
        "\\x1b[2J\\x1b[31mrensa.xlsx: barn version 2, underkänd (1 fel, 0 varningar), ny version",
        "ab\\u202eslx.exe: okand version 1, underkänd (1 fel, 0 varningar), ny version",
        "  FEL: ab\\u202eslx.exe, blad '_tertial', kolumn 'nyckel': arbetsboken är inte utfärdad till "
        "bidragsgivaren 'aldre' (nyckeln stämmer inte). Använd arbetsboken du fick från controllern; "
        "controllern har fått besked.",
    ]
