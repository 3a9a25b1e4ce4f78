"""Which Prefect task runner runs the independent work of a flow: chosen by configuration, not in code.

    TERTIAL_TASK_RUNNER=sequential      one task at a time (the default)
    TERTIAL_TASK_RUNNER=threads[:N]     Prefect's ThreadPoolTaskRunner: files and I/O side by side
    TERTIAL_TASK_RUNNER=processes[:N]   Prefect's ProcessPoolTaskRunner: CPU-bound work on several cores

N defaults to the number of cores. Results are the same whichever runner is chosen; only the time differs.
"""

from __future__ import annotations

import os

from prefect.context import FlowRunContext
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from tertial.errors import TertialError
from tertial.settings import load_settings

KINDS = ("sequential", "threads", "processes")


def parse_runner(text: str) -> tuple[str, int]:
    """'threads:4' → ('threads', 4); a missing N is the number of cores; an unknown name is a Swedish error."""
    kind, _, count = text.strip().lower().partition(":")
    if kind not in KINDS or (count and not (count.isdigit() and int(count) > 0)):
        raise TertialError(f"Okänd TERTIAL_TASK_RUNNER '{text}': välj sequential, threads[:N] eller processes[:N].")
    return kind, 1 if kind == "sequential" else int(count or os.cpu_count() or 1)


def task_runner(text: str | None = None) -> TaskRunner:
    """The named runner, or the configured one; 'sequential' is a pool of one thread, so one code path serves all."""
    kind, workers = parse_runner(text or load_settings().task_runner)
    if kind == "processes":
        return ProcessPoolTaskRunner(max_workers=workers)
    return ThreadPoolTaskRunner(max_workers=workers)


def workers_at_hand() -> int:
    """How many tasks the running flow's task runner runs at once; 1 outside a flow run.

    Splitting work has a price (the report's charts are drawn once per part), worth paying only when the parts
    really run side by side. Prefect keeps the count in a private attribute of both runners (pinned 3.8.8).
    """
    context = FlowRunContext.get()
    return getattr(context.task_runner, "_max_workers", 1) if context else 1
