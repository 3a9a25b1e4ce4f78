"""Nämnders' cycles on long-lived task workers: two `tertial worker` processes against the session's Prefect server."""

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from flows.run_cycles import CycleJob, run_cycles, wait_for_workers
from tests.builders import write_filled
from tests.conftest import MINI
from tertial.errors import TertialError
from tertial.workspace import Workspace

pytestmark = [pytest.mark.flow, pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]
TERTIAL = Path(sys.executable).parent / "tertial"
READY = "Arbetaren är redo"


@contextmanager
def workers(count: int):
    """`tertial worker` processes on this session's server and result storage, each warm when yielded."""
    from prefect.settings import PREFECT_API_URL, PREFECT_LOCAL_STORAGE_PATH

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(),
           "PREFECT_LOCAL_STORAGE_PATH": str(PREFECT_LOCAL_STORAGE_PATH.value())}
    started = [subprocess.Popen([str(TERTIAL), "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True) for _ in range(count)]
    try:
        for process in started:
            line = process.stdout.readline()  # the one line a warm worker prints
            assert line.startswith(READY), line + process.stderr.read()
        wait_for_workers(count)
        yield [process.pid for process in started]
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(timeout=30)


def _jobs(tmp_path: Path, mini_cycle, count: int) -> list[CycleJob]:
    jobs = []
    for n in range(count):
        inbox = tmp_path / f"inkorg-{n}"
        write_filled(inbox, mini_cycle, "barn")
        jobs.append(CycleJob(MINI, inbox, tmp_path / f"arbete-{n}"))
    return jobs


def test_first_without_a_listening_worker_the_flow_says_so_instead_of_waiting(tmp_path, mini_cycle):
    from prefect.exceptions import PrefectException

    with pytest.raises((TertialError, PrefectException), match="Ingen arbetare tar emot nämndernas cykler"):
        run_cycles(_jobs(tmp_path, mini_cycle, 1), formats=("json",), timeout_s=60)


def test_the_nämnder_run_on_the_workers_not_in_the_sending_process(tmp_path, mini_cycle):
    jobs = _jobs(tmp_path, mini_cycle, 3)
    with workers(2) as pids:
        done = run_cycles(jobs, formats=("json", "html"), timeout_s=600)
    assert [d.cycle_id for d in done] == ["testdal-t1-2025"] * 3
    ran_on = {int(d.worker.rsplit(":", 1)[1]) for d in done}
    # Every nämnd ran in a worker, none in this process. Which worker takes which is Prefect's server's choice: a
    # worker waiting for its one slot may hold the next run too, so one worker can take all three here.
    assert ran_on and ran_on <= set(pids), (ran_on, pids)
    for job, result in zip(jobs, done):
        assert (result.versions, result.accepted) == (1, 1)
        assert result.files["html"].parent.parent == job.workdir  # each nämnd's report in its own work folder
        report = json.loads(result.files["json"].read_text(encoding="utf-8"))
        assert report["cycle_id"] == "testdal-t1-2025"
        versions = Workspace(job.workdir).open_ledger().versions("testdal-t1-2025", "barn")
        assert [v.number for v in versions] == [1]


def test_a_worker_refuses_to_start_without_a_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    done = subprocess.run([str(TERTIAL), "worker"], env={**env, "PREFECT_HOME": str(tmp_path)}, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.startswith("PREFECT_API_URL är inte satt, så det finns ingen server att ta nämndernas cykler från")
    assert "Traceback" not in done.stderr + done.stdout
