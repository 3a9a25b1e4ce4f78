"""The same flows on a real Prefect server with a process worker: deploy, run, check the outputs."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.builders import write_filled
from tests.conftest import MINI
from tertial.ledger import Ledger

pytestmark = [pytest.mark.flow, pytest.mark.slow]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """`prefect server start` on loopback, with its own database under tmp_path."""
    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_API_URL": f"http://127.0.0.1:{port}/api", "PREFECT_LOGGING_LEVEL": "WARNING"}
    process = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(1)
    else:
        pytest.fail("the Prefect server did not start within 120 s")
    yield env
    os.killpg(process.pid, 15)
    process.wait(timeout=30)


def _run(args: list[str], env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)


def test_deployed_collect_runs_through_a_process_worker(server, tmp_path, mini_cycle):
    inbox, workdir = tmp_path / "inkorg", tmp_path / "arbete"
    for contributor in ("barn", "stab"):
        write_filled(inbox, mini_cycle, contributor)
    deployed = _run([str(BIN / "tertial"), "deploy", "--cycle", str(MINI), "--pool", "tertial-test", "--inbox", str(inbox),
                     "--workdir", str(workdir)], server)
    assert deployed.returncode == 0, deployed.stderr
    started = _run([str(BIN / "prefect"), "deployment", "run", "samla-in/samla-in-testdal-t1-2025"], server)
    assert started.returncode == 0, started.stderr
    worker = _run([str(BIN / "prefect"), "worker", "start", "--pool", "tertial-test", "--run-once"], server, timeout=600)
    assert worker.returncode == 0, worker.stdout + worker.stderr
    runs = _run([str(BIN / "prefect"), "flow-run", "ls", "--flow-name", "samla-in"], {**server, "COLUMNS": "250"})
    assert "COMPLETED" in runs.stdout and "FAILED" not in runs.stdout, runs.stdout
    versions = Ledger(f"sqlite:///{workdir / 'tertial.sqlite'}").versions(mini_cycle.config.id)
    assert sorted((v.contributor_id, v.number, v.status) for v in versions) == [("barn", 1, "godkänd"), ("stab", 1, "godkänd")]
    assert "Avdelningen för barn och unga" in (workdir / "lage" / "index.html").read_text(encoding="utf-8")
