"""Typst run in a child process that is replaced after a few reports.

Typst memoises what it computes for the life of its process, and typst-py 0.15 offers no way to evict that cache:
a long-lived process (`tertial worker`, `tertial serve`) grew by ≈ 50 MB with every report it set, and the whole
city on two workers peaked at 1 901 MiB (bench/workers.py). So the PDF is set in one child process, started fresh
(spawn, never a fork of a process that runs threads) and replaced after REPORTS_PER_PROCESS reports: memory stays
flat, and the child imports Typst alone. Several threads may set PDFs at once; they take turns in the child.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from tertial.warm_processes import WarmProcesses

if TYPE_CHECKING:
    import typst

REPORTS_PER_PROCESS = 4  # ≈ 200 MB of Typst's cache at most, against ≈ 0.3 s to start a fresh child

_lock = threading.Lock()
_setters: list[WarmProcesses] = []  # the one child, made on first use


@cache
def compiler(template: Path, root: Path, fonts: Path) -> typst.Compiler:
    """One compiler per process, finding the fonts once. Only the fonts of `fonts`, never the system's: the same
    fonts, so the same PDF, on every machine."""
    import typst

    return typst.Compiler(template, root=root, font_paths=[str(fonts)], ignore_system_fonts=True)


def _set(template: Path, root: Path, fonts: Path, inputs: dict[str, str], stamp: dt.datetime) -> bytes:
    return compiler(template, root, fonts).compile(format="pdf", sys_inputs=inputs, pdf_standards="ua-1", timestamp=stamp)


def _in_pool_worker() -> bool:
    """A process that is itself a pool's worker (Prefect's ProcessPoolTaskRunner) sets the PDF in-process: a pool of
    its own inside it hung, and such a worker lives only as long as its flow run."""
    return multiprocessing.parent_process() is not None


def _setter(template: Path, root: Path, fonts: Path) -> WarmProcesses:
    with _lock:
        if not _setters:
            _setters.append(WarmProcesses(1, compiler, template, root, fonts, tasks_per_process=REPORTS_PER_PROCESS))
        return _setters[0]


def set_pdf(template: Path, root: Path, fonts: Path, inputs: dict[str, str], stamp: dt.datetime) -> bytes:
    """The PDF of `template` with `inputs`, dated `stamp`, set in the child."""
    if _in_pool_worker():
        return _set(template, root, fonts, inputs, stamp)
    return _setter(template, root, fonts).submit(_set, template, root, fonts, inputs, stamp).result()


def warm_up(template: Path, root: Path, fonts: Path) -> None:
    """Start the child and let it find its fonts, before the first report waits for it."""
    if _in_pool_worker():
        compiler(template, root, fonts)
    else:
        _setter(template, root, fonts).wait_until_warm()
