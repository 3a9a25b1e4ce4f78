"""The command line speaks Swedish (its help, Typer's own words, its errors), tells its version, and every command
that reports can say it as JSON."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.builders import filled_rows, write_filled
from tests.conftest import MINI

ROOT = Path(__file__).resolve().parents[1]
ENGLISH = ("Usage:", "Options", "Show this message", "Commands", "Error", "Missing option", "No such", "Try ")


def tertial(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "commands", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def _no_english(text: str) -> None:
    assert not [word for word in ENGLISH if word in text], text


def test_help_is_swedish_throughout():
    top = tertial("--help")
    assert top.returncode == 0
    assert "Användning:" in top.stdout and "Kommandon" in top.stdout and "Flaggor" in top.stdout
    assert "Visa den här hjälpen och avsluta." in top.stdout
    _no_english(top.stdout)
    sub = tertial("status", "--help")
    assert sub.returncode == 0
    assert "Användning:" in sub.stdout and "[krävs]" in sub.stdout and "Cykelns konfigurationsfil" in sub.stdout
    _no_english(sub.stdout)


@pytest.mark.parametrize(("args", "said"), [
    (("status", "--bogus"), "Okänd flagga: --bogus."),
    (("status",), "Flaggan '--cycle' saknas."),
    (("status", "--cycle"), "Flaggan '--cycle' behöver ett värde."),
    (("status", "--cycle", "c.yaml", "--json=ja"), "Flaggan '--json' tar inget värde."),
    (("status", "--cycle", "c.yaml", "--as-of", "i morgon"), "förväntade ett datum på formen ÅÅÅÅ-MM-DD (fann 'i morgon')"),
    (("lank", "--cycle", "c.yaml", "--bidragsgivare", "barn", "--dagar", "0"), "'--dagar': måste vara minst 1"),
    (("validate", "--cycle", "c.yaml"), "Argumentet 'FIL' saknas."),
    (("status", "--cycle", "c.yaml", "barn"), "Oväntat argument: barn."),
    (("statsu",), "Kommandot 'statsu' finns inte. Menade du status?"),
])
def test_a_wrong_command_line_is_answered_in_swedish_with_exit_code_2(args, said):
    done = tertial(*args)
    assert done.returncode == 2
    assert said in re.sub(r"[│\s]+", " ", done.stderr), done.stderr  # as one line, out of Rich's box
    assert "Användning:" in done.stderr and "för hjälp" in done.stderr
    _no_english(done.stderr)


def test_version_is_the_package_version():
    done = tertial("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"tertial {version('tertial')}"


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_every_reporting_command_says_it_as_json(tmp_path, mini_cycle):
    from flows.collect import collect

    inbox, workdir = tmp_path / "inkorg", tmp_path / "arbete"
    inbox.mkdir()
    write_filled(inbox, mini_cycle, "barn", name="barn-1.xlsx")
    collect(cycle_path=MINI, inbox=inbox, workdir=workdir)
    rows = filled_rows(mini_cycle, "barn")
    rows["goals"][0]["analysis"] = "Arbetet går bättre än planerat."
    second = write_filled(inbox, mini_cycle, "barn", rows, name="barn-2.xlsx")
    collect(cycle_path=MINI, inbox=inbox, workdir=workdir)

    where = ["--cycle", str(MINI), "--workdir", str(workdir)]
    reported = {
        "status": tertial("status", *where, "--as-of", "2025-05-02", "--json"),
        "history": tertial("history", *where, "--contributor", "barn", "--json"),
        "diff": tertial("diff", *where, "--contributor", "barn", "--json"),
        "verify": tertial("verify", *where, "--json"),
        "validate": tertial("validate", str(second), *where, "--json"),
        "check-config": tertial("check-config", "--cycle", str(MINI), "--json"),
        "installningar": tertial("installningar", "--json"),
        "remind": tertial("remind", *where, "--as-of", "2025-05-08", "--torrkorning", "--json"),
    }
    assert {name: done.returncode for name, done in reported.items()} == dict.fromkeys(reported, 0), \
        {name: done.stderr for name, done in reported.items() if done.returncode}
    data = {name: json.loads(done.stdout) for name, done in reported.items()}
    assert {row["id"] for row in data["status"]} == {c.id for c in mini_cycle.config.contributors}
    assert [row["version"] for row in data["history"]] == [1, 2]
    assert [(c["sheet"], c["after"]) for c in data["diff"]] == [("Mål", "Arbetet går bättre än planerat.")]
    assert data["verify"]["stammer"] is True
    assert [f for f in data["validate"] if f["severity"] == "fel"] == []
    assert data["check-config"]["cycle"] == mini_cycle.config.id and data["check-config"]["goals"] == len(mini_cycle.plan.goals)
    assert "TERTIAL_SMTP_HOST" in {row["name"] for row in data["installningar"]}
    late = {mail["contributor"] for mail in data["remind"]}
    assert late and "barn" not in late  # barn has handed in; the others are late on 8 May
    assert all(mail["subject"] and mail["to"] for mail in data["remind"])
