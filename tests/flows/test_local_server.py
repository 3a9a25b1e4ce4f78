"""Flows without PREFECT_API_URL share the work folder's one local Prefect server (issue 18.2).

These tests start real `tertial` processes with no Prefect server configured, as a user runs them; every other test
gives its processes the harness's server (`server_env` in tests/conftest.py), so no other test starts one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import MINI
from tertial.prefect_server import LocalServer, Running, _answers, _group_alive

pytestmark = [pytest.mark.flow]

TERTIAL = str(Path(sys.executable).parent / "tertial")


def user_env(prefect_home: Path) -> dict[str, str]:
    """A user's environment without a Prefect server: no PREFECT_API_URL, and a Prefect profile of its own."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")} | {"PREFECT_HOME": str(prefect_home)}


def recorded_server(workdir: Path) -> Running | None:
    record = LocalServer.of(workdir).record
    return Running(**json.loads(record.read_text(encoding="utf-8"))) if record.exists() else None


def nothing_left_of(server: Running) -> bool:
    """No process of the server's group runs, and nothing answers on its address."""
    return not _group_alive(server.pid) and not _answers(server.url, timeout=2)


def flow_runs(server: Running) -> list[str]:
    request = urllib.request.Request(f"{server.url}/flow_runs/filter", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return sorted(run["flow_id"] for run in json.load(response))


def tertial(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([TERTIAL, *args], capture_output=True, text=True, timeout=300, env=env)


def test_two_commands_share_one_local_server_and_stop_leaves_nothing(tmp_path):
    env, workdir, inbox = user_env(tmp_path / "home"), tmp_path / "arbete", tmp_path / "inkorg"
    inbox.mkdir()
    collect = ["collect", "--cycle", str(MINI), "--inbox", str(inbox), "--workdir", str(workdir)]
    try:
        first = tertial(env, *collect)
        assert first.returncode == 0, first.stderr
        server = recorded_server(workdir)
        assert server is not None and server.url.startswith("http://127.0.0.1:")
        assert first.stderr.startswith(f"Startade Prefects lokala server för {workdir} på {server.url.removesuffix('/api')}")
        assert (workdir / "prefect" / "prefect.db").exists()  # its own database, in the work folder

        second = tertial(env, *collect)
        assert second.returncode == 0, second.stderr
        assert recorded_server(workdir) == server and "Startade" not in second.stderr  # found, not started again
        assert len(flow_runs(server)) == 2  # both collects ran on it

        shown = tertial(env, "server", "status", "--workdir", str(workdir))
        assert shown.returncode == 0 and f"(process {server.pid}); API: {server.url}" in shown.stdout
    finally:
        stopped = tertial(env, "server", "stop", "--workdir", str(workdir))
    assert stopped.stdout.strip() == f"Stoppade Prefects lokala server (process {server.pid})."
    assert nothing_left_of(server) and recorded_server(workdir) is None
    after = tertial(env, "server", "status", "--workdir", str(workdir))
    assert after.returncode == 1 and after.stdout.strip() == f"Ingen lokal Prefect-server kör för {workdir}."


def test_a_stale_record_is_not_taken_for_a_running_server(tmp_path):
    """A record whose process is gone, or is some other process now (a reused pid, its port taken by another)."""
    server = LocalServer.of(tmp_path)
    server.home.mkdir(parents=True)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    for pid in (gone.pid, os.getpid()):
        server.record.write_text(json.dumps({"url": "http://127.0.0.1:9/api", "pid": pid}), encoding="utf-8")
        assert server.running() is None
    assert server.stop() is None and not server.record.exists()  # forgotten, and the test's own process left alone
