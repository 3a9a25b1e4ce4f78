"""Many nämnders' cycles at once, on long-lived Prefect task workers (`tertial worker`).

A process worker starts a new Python for every flow run, which then imports Prefect, Great Expectations and
Typst's fonts again (seconds each time). A task worker is started once, warms up once and takes one nämnd after
another; two of them on two cores run a city's nämnder side by side against one Prefect server. Each nämnd is its
own `tertialcykel` flow run, inside the task run that carried it, so its steps stay visible in Prefect's UI.

Parameters and results travel through Prefect's result storage (PREFECT_LOCAL_STORAGE_PATH), which the workers and
the flow that sends them work must share: the same machine, or a shared folder (docs/drift.md).
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, get_client, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import PrefectTaskRunner

from tertial.errors import TertialError

EVERY_FORMAT = ("html", "pdf", "docx", "json")


@dataclass(frozen=True)
class CycleJob:
    """One nämnd's cycle: its configuration, the inbox to take in and its work folder."""

    cycle_path: Path
    inbox: Path
    workdir: Path


@dataclass(frozen=True)
class CycleDone:
    """What came of one nämnd's cycle, small enough to travel back through result storage."""

    cycle_id: str
    versions: int
    accepted: int
    files: dict[str, Path]
    report_findings: int
    worker: str = field(default="")  # host:pid of the task worker that ran it


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@task(name="nämndens-cykel", task_run_name="cykel {job.cycle_path.parent.name}", cache_policy=NO_CACHE)
def cycle_on_worker(job: CycleJob, ledger_url: str | None, formats: tuple[str, ...]) -> CycleDone:
    """Run one nämnd's cycle where the task runs (a task worker): intake, a draft in every format, the status page."""
    # Imported here: the process that only hands nämnder over never loads Great Expectations or Typst.
    from flows.run_cycle import run_cycle

    result = run_cycle(cycle_path=job.cycle_path, inbox=job.inbox, workdir=job.workdir, ledger_url=ledger_url,
                       formats=tuple(formats))
    return CycleDone(result.cycle_id, len(result.intake), sum(o.version.accepted for o in result.intake),
                     dict(result.files), len(result.findings), worker_name())


@flow(name="alla-cykler", flow_run_name="alla cykler", task_runner=PrefectTaskRunner())
def run_cycles(jobs: list[CycleJob], ledger_url: str | None = None, formats: tuple[str, ...] = EVERY_FORMAT,
               timeout_s: float | None = None) -> list[CycleDone]:
    """Every nämnd's cycle handed to the task workers at once; they take one each as they are free.

    `timeout_s`: how long to wait for each nämnd's result before giving up (no limit by default)."""
    if not listening_workers():  # else the flow would wait for ever
        raise TertialError("Ingen arbetare tar emot nämndernas cykler från Prefect-servern. Starta en med "
                           "`tertial worker` (en per kärna) mot samma server och kör igen (se docs/drift.md).")
    futures = [cycle_on_worker.submit(job, ledger_url, tuple(formats)) for job in jobs]
    return [future.result(timeout=timeout_s) for future in futures]


def warm_up() -> None:
    """What every nämnd would otherwise pay once per process: Great Expectations' context and suites, Typst's
    compiler with the system fonts, the Word and chart libraries. A task worker does it before it takes its first nämnd."""
    from flows import run_cycle  # noqa: F401 - the cycle's flow, its tasks and what they import, once
    from tertial.checking.suites import warm
    from tertial.render import word  # noqa: F401 - python-docx and the charts, imported once
    from tertial.render.pdf import warm_up as warm_pdf

    warm()
    warm_pdf()


def listening_workers() -> int:
    """How many task workers listen on the server for nämnders' cycles right now."""
    with get_client(sync_client=True) as client:
        response = client.request("POST", "/task_workers/filter",
                                  json={"task_worker_filter": {"task_keys": [cycle_on_worker.task_key]}})
    return len(response.json())


def wait_for_workers(count: int, seconds: float = 120) -> None:
    """Until `count` workers listen: a worker announces itself a moment after it is warm, and the first to listen
    would otherwise take every nämnd handed over before the others."""
    deadline = time.monotonic() + seconds
    while listening_workers() < count:
        if time.monotonic() > deadline:
            raise TertialError(f"{count} arbetare tog inte emot nämndernas cykler inom {seconds:.0f} s.")
        time.sleep(0.2)
