"""The same flows on a real Prefect server with a process worker: deploy, run, check the outputs.

The second test is what IT runs: a server on PostgreSQL, a long-running process worker, and
`tertial deploy --ledger` to a PostgreSQL ledger whose password only the worker's environment
knows; the server's own scheduler then starts collect, reminders and the draft.
"""

import datetime as dt
import email
import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from email.policy import default as default_policy
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller

from tests.builders import write_filled
from tests.conftest import MINI
from tertial.deadlines import is_working_day, today
from tertial.ledger import Ledger

pytestmark = [pytest.mark.flow, pytest.mark.slow]
BIN = Path(sys.executable).parent
CYCLE = "testdal-t1-2025"
SCHEDULED = {"samla-in": "samla in", "paminnelser": "påminnelser", "sammanstall-rapport": "sammanställ"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def prefect_server(home: Path, **settings: str):
    """`prefect server start` on loopback, its home under `home`; yields the environment that points at it."""
    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_API_URL": f"http://127.0.0.1:{port}/api", "PREFECT_LOGGING_LEVEL": "WARNING", **settings}
    process = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for(f"http://127.0.0.1:{port}/api/health", 120)
        yield env
    finally:
        _stop(process)


def _wait_for(url: str, seconds: int) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    pytest.fail(f"the Prefect server did not start within {seconds} s")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL: Prefect's worker may go on polling after a SIGTERM (see docs/drift.md)."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


@pytest.fixture
def server(tmp_path):
    with prefect_server(tmp_path / "prefect-home") as env:
        yield env


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
    assert f"samla in {CYCLE}" in runs.stdout  # named after the cycle's id, not its file (cycle.yaml)
    versions = Ledger(f"sqlite:///{workdir / 'tertial.sqlite'}").versions(mini_cycle.config.id)
    assert sorted((v.contributor_id, v.number, v.status) for v in versions) == [("barn", 1, "godkänd"), ("stab", 1, "godkänd")]
    assert "Avdelningen för barn och unga" in (workdir / "lage" / "index.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- scheduled, on PostgreSQL


class Mailbox:
    """The SMTP server's side: every mail it accepted, by recipient."""

    def __init__(self) -> None:
        self.received: list[tuple[tuple[str, ...], str]] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.received.append((tuple(envelope.rcpt_tos), message["Subject"]))
        return "250 OK"


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield box, controller.port
    controller.stop()


@contextmanager
def process_worker(pool: str, env: dict):
    """`prefect worker start`, as it runs under systemd: long-lived, stopped with SIGTERM; one run at a time."""
    process = subprocess.Popen([str(BIN / "prefect"), "worker", "start", "--pool", pool, "--name", "arbetare-1", "--limit", "1"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        yield process
    finally:
        runs = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        _stop(process)
        for run in runs:  # each flow run is a process group of its own, outside the worker's
            with suppress(ProcessLookupError):
                os.killpg(int(run), signal.SIGKILL)


def _flow_runs(env: dict) -> list[dict]:
    """Every flow run the server knows, with its flow's name."""
    api = env["PREFECT_API_URL"]
    flows = {f["id"]: f["name"] for f in httpx.post(f"{api}/flows/filter", json={}, timeout=10).json()}
    runs = httpx.post(f"{api}/flow_runs/filter", json={"sort": "START_TIME_ASC"}, timeout=10).json()
    return [{**run, "flow": flows[run["flow_id"]]} for run in runs]


def _wait_for_scheduled_runs(env: dict, seconds: int) -> list[dict]:
    """Until the scheduler's runs of collect, reminders and a draft started after a collect have completed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        runs = _flow_runs(env)
        broken = [r for r in runs if r["state_type"] in ("FAILED", "CRASHED")]
        assert not broken, [(r["name"], r["state"]["message"]) for r in broken]
        done = [r for r in runs if r["state_type"] == "COMPLETED" and r["auto_scheduled"]]
        collected = [r["end_time"] for r in done if r["flow"] == "samla-in"]
        drafts = [r for r in done if r["flow"] == "sammanstall-rapport" and collected and r["start_time"] > min(collected)]
        if collected and drafts and any(r["flow"] == "paminnelser" for r in done):
            return done
        time.sleep(2)
    pytest.fail(f"no scheduled collect, reminder and later draft completed within {seconds} s: "
                f"{[(r['flow'], r['state_type']) for r in _flow_runs(env)]}")


SCHEDULER = {  # the server's scheduler looks often and plans a couple of runs ahead, instead of every minute for an hour
    "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5",
    "PREFECT_SERVER_SERVICES_SCHEDULER_MIN_RUNS": "1",
    "PREFECT_SERVER_SERVICES_SCHEDULER_MAX_RUNS": "2",
    "PREFECT_SERVER_SERVICES_SCHEDULER_MIN_SCHEDULED_TIME": "0:00:30",
}


def test_the_servers_scheduler_runs_collect_reminders_and_draft_on_the_postgresql_ledger(cluster, mailbox, tmp_path, mini_cycle):
    cluster.role_with_password("arbetare", "hemligt-8472")
    ledger_url = cluster.new_database("liggare_schema", owner="arbetare")  # no password in it
    prefect_db = cluster.new_database("prefect_schema").replace("+psycopg", "+asyncpg")
    inbox, workdir = tmp_path / "inkorg", tmp_path / "arbete"
    for contributor in ("barn", "stab"):
        write_filled(inbox, mini_cycle, contributor)
    settings = {**SCHEDULER, "PREFECT_SERVER_DATABASE_CONNECTION_URL": prefect_db}
    with prefect_server(tmp_path / "prefect-home", **settings) as env:
        worker_env = {**env, "PGPASSWORD": "hemligt-8472", "PREFECT_WORKER_QUERY_SECONDS": "2",
                      "TERTIAL_SMTP_HOST": "127.0.0.1", "TERTIAL_SMTP_PORT": str(mailbox[1]),
                      "TERTIAL_SMTP_SENDER": "tertial@example.se"}
        with process_worker("tertial-schema", worker_env):  # started first, as systemd would: it waits for work
            deployed = _run([str(BIN / "tertial"), "deploy", "--cycle", str(MINI), "--pool", "tertial-schema", "--inbox",
                             str(inbox), "--workdir", str(workdir), "--ledger", ledger_url, "--interval", "12"], env)
            assert deployed.returncode == 0, deployed.stderr
            done = _wait_for_scheduled_runs(env, 150)
    names = [line.split()[1] for line in deployed.stdout.splitlines() if line.startswith("Registrerad:")]
    assert names == [f"samla-in/samla-in-{CYCLE}", f"paminnelser/paminnelser-{CYCLE}",
                     f"sammanstall-rapport/utkast-{CYCLE}", f"tertialcykel/cykel-{CYCLE}"]
    assert f"Liggare: {ledger_url}" in deployed.stdout
    assert {SCHEDULED[r["flow"]] + f" {CYCLE}" for r in done} == {r["name"] for r in done}

    ledger = Ledger(ledger_url.replace("arbetare@", "arbetare:hemligt-8472@"))
    versions = ledger.versions(CYCLE)
    # later scheduled collects recognised the files: one version each
    assert sorted((v.contributor_id, v.number, v.status) for v in versions) == [("barn", 1, "godkänd"), ("stab", 1, "godkänd")]
    assert not (workdir / "tertial.sqlite").exists()  # every run used the PostgreSQL ledger
    draft = json.loads((workdir / "rapport" / "report.json").read_text(encoding="utf-8"))
    assert draft["missing"] == ["Äldreavdelningen"]
    assert (workdir / "rapport" / "report.pdf").read_bytes().startswith(b"%PDF")

    reminded = {e.key for e in ledger.events(CYCLE, kinds=("late_notice",))}
    mailed_to = {to for recipients, subject in mailbox[0].received if subject.startswith("Försenat") for to in recipients}
    if is_working_day(today()):  # Äldre's deadline (5 May 2025) is long past: a late notice every working day
        assert f"late:aldre:2025-05-05:{today().isoformat()}" in reminded and "eli@example.se" in mailed_to
    else:
        assert reminded == set() and mailed_to == set()
