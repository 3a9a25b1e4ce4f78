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
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typst

REPORTS_PER_PROCESS = 4  # ≈ 200 MB of Typst's cache at most, against ≈ 0.3 s to start a fresh child

_lock = threading.Lock()
_children: list[ProcessPoolExecutor] = []  # the one pool, made on first use


@cache
def compiler(template: Path, root: Path, fonts: Path) -> typst.Compiler:
    """One compiler per process, finding the fonts once. Only the fonts of `fonts`, never the system's: the same
    fonts, so the same PDF, on every machine."""
    import typst

    return typst.Compiler(template, root=root, font_paths=[str(fonts)], ignore_system_fonts=True)


def _set(template: Path, root: Path, fonts: Path, inputs: dict[str, str], stamp: dt.datetime) -> bytes:
    return compiler(template, root, fonts).compile(format="pdf", sys_inputs=inputs, pdf_standards="ua-1", timestamp=stamp)


def _ready(template: Path, root: Path, fonts: Path) -> None:
    compiler(template, root, fonts)


def _pool() -> ProcessPoolExecutor:
    with _lock:
        if not _children:
            _children.append(ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                                 max_tasks_per_child=REPORTS_PER_PROCESS))
        return _children[0]


def _in_child(work, *args):
    """`work(*args)` in the child; a child lost (killed, out of memory) is replaced once. A process that is itself a
    pool's worker (Prefect's ProcessPoolTaskRunner) sets the PDF in-process: a pool of its own inside it hung, and
    such a worker lives only as long as its flow run."""
    if multiprocessing.parent_process() is not None:
        return work(*args)
    pool = _pool()
    try:
        return pool.submit(work, *args).result()
    except BrokenProcessPool:
        with _lock:
            if _children and _children[0] is pool:
                _children.clear()
        pool.shutdown(wait=False, cancel_futures=True)
        return _pool().submit(work, *args).result()


def set_pdf(template: Path, root: Path, fonts: Path, inputs: dict[str, str], stamp: dt.datetime) -> bytes:
    """The PDF of `template` with `inputs`, dated `stamp`, set in the child."""
    return _in_child(_set, template, root, fonts, inputs, stamp)


def warm_up(template: Path, root: Path, fonts: Path) -> None:
    """Start the child and let it find its fonts, before the first report waits for it."""
    _in_child(_ready, template, root, fonts)
