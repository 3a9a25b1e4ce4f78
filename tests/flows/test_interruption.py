"""A killed intake leaves nothing half-done: the re-run completes with no lost or doubled versions."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.builders import filled_rows, write_filled
from tests.conftest import MINI
from tertial.ledger import Ledger
from tertial.verify import verify_cycle

pytestmark = [pytest.mark.flow, pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

TERTIAL = str(Path(sys.executable).parent / "tertial")


def _inbox(folder: Path, cycle) -> list[Path]:
    files = [write_filled(folder, cycle, c.id) for c in cycle.config.contributors]
    for n in range(2):  # more versions from barn, so the kill lands mid-intake
        rows = filled_rows(cycle, "barn")
        rows["goals"][0]["analysis"] = f"Version {n + 2} av analysen."
        files.append(write_filled(folder, cycle, "barn", rows, name=f"barn-{n + 2}.xlsx"))
    return files


def _kill_after_first_version(workdir: Path, inbox: Path, cycle_id: str, env: dict) -> None:
    process = subprocess.Popen([TERTIAL, "collect", "--cycle", str(MINI), "--inbox", str(inbox), "--workdir", str(workdir)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env=env)
    database = workdir / "tertial.sqlite"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and process.poll() is None:
        if database.exists() and Ledger(f"sqlite:///{database}").versions(cycle_id):
            break
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@pytest.mark.parametrize("attempt", range(2))  # the kill lands at a different moment each time
def test_killed_collect_then_rerun_loses_and_doubles_nothing(tmp_path, mini_cycle, attempt, server_env):
    inbox, workdir = tmp_path / "inkorg", tmp_path / "arbete"
    files = _inbox(inbox, mini_cycle)
    _kill_after_first_version(workdir, inbox, mini_cycle.config.id, server_env)
    done = subprocess.run([TERTIAL, "collect", "--cycle", str(MINI), "--inbox", str(inbox), "--workdir", str(workdir)],
                          capture_output=True, text=True, timeout=300, env=server_env)
    assert done.returncode == 0, done.stderr
    versions = Ledger(f"sqlite:///{workdir / 'tertial.sqlite'}").versions(mini_cycle.config.id)
    assert len(versions) == len(files) == len({v.sha256 for v in versions})  # every file once
    for contributor in {v.contributor_id for v in versions}:
        numbers = [v.number for v in versions if v.contributor_id == contributor]
        assert numbers == list(range(1, len(numbers) + 1))  # no gaps, no doubles
    for version in versions:  # each archived original is whole
        assert Path(version.archive_path).read_bytes() == (inbox / version.original_name).read_bytes()
    receipts = list((workdir / "arkiv").glob("*/*/mottagen.json"))
    assert len(receipts) == len(files)  # a staging folder left by the kill is never taken for an archive entry
    assert verify_cycle(Ledger(f"sqlite:///{workdir / 'tertial.sqlite'}"), mini_cycle.config.id).problems == []  # no half entry
