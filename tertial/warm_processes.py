"""Processes kept warm for CPU-bound work a service does on request, so that the work uses every core.

`tertial serve` checks (reads and validates) each batch of uploads in shares side by side in them: one process of
Python runs on one core, and importing Great Expectations and warming its context costs seconds, so the processes
are started and warmed before the service listens, and kept.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType

from tertial.heap import freeze_warm_objects

logger = logging.getLogger(__name__)


class WarmProcesses:
    """`workers` processes, each running `warm(*args)` once when it starts, before it takes any work.

    Started fresh (spawn): a fork of a service that runs threads can inherit a lock held by one of them. Should a
    process be lost (killed, out of memory), the work given to it fails with BrokenProcessPool and new processes take
    the next work. Each process ends when the service's process does, however that ends (uvicorn ends on SIGTERM
    by raising the signal again, past any `finally`).
    """

    def __init__(self, workers: int, warm: Callable[..., object], *args: object, tasks_per_process: int | None = None) -> None:
        """`tasks_per_process`: replace a process (warming the new one) after that many pieces of work."""
        self.workers, self._warm, self._args, self._tasks = workers, warm, args, tasks_per_process
        self._executor = self._started()

    def submit(self, work: Callable, *args: object) -> Future:
        try:
            return self._executor.submit(work, *args)
        except BrokenProcessPool:
            logger.warning("En arbetsprocess förlorades; nya processer startas.")
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = self._started()
            return self._executor.submit(work, *args)

    def map(self, work: Callable, *iterables: Iterable) -> list:
        """work(*args) for each args of the iterables zipped, side by side, the results in order."""
        return [future.result() for future in [self.submit(work, *args) for args in zip(*iterables)]]

    def wait_until_warm(self) -> None:
        """Until every process has started and warmed up (each answers once its warm-up is done)."""
        answered: set[int] = set()
        while len(answered) < self.workers:  # a warm process answers within moments; the others are still warming
            answered |= {f.result() for f in [self._executor.submit(_process_id) for _ in range(self.workers)]}

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> WarmProcesses:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.close()

    def _started(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_started, initargs=(os.getpid(), self._warm, *self._args),
                                   max_tasks_per_child=self._tasks)


def _started(parent: int, warm: Callable[..., object], *args: object) -> None:
    threading.Thread(target=_end_with, args=(parent,), name="tertial-parent", daemon=True).start()
    warm(*args)
    freeze_warm_objects()


def _end_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)  # the service is gone; nothing here is left half written (the service records and writes)


def _process_id() -> int:
    time.sleep(0.05)  # long enough for another idle process to take its sibling call
    return os.getpid()
