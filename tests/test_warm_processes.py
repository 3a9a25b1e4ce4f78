"""`tertial serve`'s warm processes: a check spread over them finds exactly what one process finds, and a lost
process fails only the work it had."""

from __future__ import annotations

import os
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from tertial.checking import suites
from tertial.checking.suites import HERE, check_submissions
from tertial.config import load_cycle
from tertial.findings import Severity
from tertial.reading import read_submission
from tertial.warm_processes import WarmProcesses

DEMO = Path(__file__).resolve().parents[1] / "examples" / "eav-t1-2024"


@pytest.fixture(scope="module")
def processes():
    with WarmProcesses(2, suites.warm) as warm:
        warm.wait_until_warm()
        yield warm


def test_a_check_spread_over_the_processes_finds_what_one_process_finds(processes):
    """The demo's workbooks, every sheet kind: prepared a share per process, each sheet's GX run in whichever process
    is free, counted a share per process; the same findings, in the same order, as all of it in this process."""
    cycle = load_cycle(DEMO / "cycle.yaml")
    submissions = [read_submission(path, cycle) for path in sorted((DEMO / "submissions").glob("*.xlsx"))]
    here = check_submissions(submissions, cycle, HERE)
    spread = check_submissions(submissions, cycle, processes)
    assert spread == here
    assert sum(len(found) for found in here) > 10 and any(f.severity is Severity.ERROR for found in here for f in found)


def test_a_lost_process_fails_its_own_work_and_new_processes_take_the_next(processes):
    lost = processes.submit(os._exit, 1)
    with pytest.raises(BrokenProcessPool):
        lost.result(timeout=60)
    assert processes.submit(os.getpid).result(timeout=120) != os.getpid()
    assert processes.map(pow, [2, 3], [3, 2]) == [8, 9]
