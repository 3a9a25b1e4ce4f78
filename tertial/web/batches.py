"""Uploads that arrive together are taken in together: one intake call per batch, one batch at a time.

Validation costs per run of a suite, not per file (tertial/checking/suites.py stacks the files' sheets), so ten
uploads taken in together cost little more than one; and one batch at a time keeps uploads from contending for
the interpreter and the ledger's write lock, which made ten uploads at once slower than ten one after the other
(bench/RESULTS.md, `tertial serve`).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

from tertial.intake import IntakeOutcome

logger = logging.getLogger(__name__)

Answer = Callable[[int, IntakeOutcome], object]  # a file's outcome, by its place in the batch, as soon as it is known
BatchIntake = Callable[[list[Path], Answer], list[IntakeOutcome]]  # then every outcome, in the order given


class Batches:
    """Hands each file to `intake` with the others that arrive while it waits, and waits for its own outcome: the one
    intake answers as soon as it has it, or else the one it returns.

    A batch closes when no upload has come for `quiet` seconds, or `longest` seconds after its first one.
    `after` runs once the batch's uploads have their answers: work none of them waits for (the leadership page).
    """

    def __init__(self, intake: BatchIntake, after: Callable[[], object] = lambda: None,
                 quiet: float = 0.05, longest: float = 0.5) -> None:
        self.intake, self.after, self.quiet, self.longest = intake, after, quiet, longest
        self._waiting: queue.SimpleQueue[tuple[Path, Future]] = queue.SimpleQueue()
        self._started = threading.Lock()
        self._taking_in = threading.Lock()  # held while a batch is taken in, until its last feedback file is written
        self._worker: threading.Thread | None = None

    def take_in(self, path: Path) -> IntakeOutcome:
        """The file's outcome, once its batch is taken in; intake's error, should the whole batch fail."""
        answer: Future = Future()
        self._waiting.put((path, answer))
        with self._started:
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name="tertial-intake", daemon=True)
                self._worker.start()
        return answer.result()

    def settled(self, timeout: float = 120) -> None:
        """Until the batch being taken in, if any, is done: an upload is answered before its annotated workbook is
        written, and a download of it waits for its batch here."""
        if self._taking_in.acquire(timeout=timeout):
            self._taking_in.release()

    def _work(self) -> None:
        while True:
            batch = self._gathered()
            with self._taking_in:
                self._take_in(batch)
            self._afterwards()

    def _take_in(self, batch: list[tuple[Path, Future]]) -> None:
        answers = [answer for _, answer in batch]

        def answer(place: int, outcome: IntakeOutcome) -> None:
            if not answers[place].done():
                answers[place].set_result(outcome)

        try:
            outcomes = self.intake([path for path, _ in batch], answer)
            if len(outcomes) != len(batch):
                raise RuntimeError(f"intake gave {len(outcomes)} outcomes for {len(batch)} files")
        except BaseException as error:  # noqa: BLE001 - every upload not yet answered is told; the next batch goes on
            for waiting in answers:
                if not waiting.done():
                    waiting.set_exception(error)
        else:
            for place, outcome in enumerate(outcomes):
                answer(place, outcome)

    def _gathered(self) -> list[tuple[Path, Future]]:
        batch = [self._waiting.get()]
        closes = time.monotonic() + self.longest
        while (left := min(self.quiet, closes - time.monotonic())) > 0:
            try:
                batch.append(self._waiting.get(timeout=left))
            except queue.Empty:
                break
        return batch

    def _afterwards(self) -> None:
        try:
            self.after()
        except Exception:  # noqa: BLE001 - the uploads are taken in; the next collect publishes the page again
            logger.exception("Arbetet efter inlämningarna misslyckades; de är mottagna och nästa insamling gör om det.")
