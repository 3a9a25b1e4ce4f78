"""What intake makes of each file, and how one file's failure is kept from stopping the others.

One file never stops the others: each step (read, validate, record, feedback, mail) runs per file under
its own guard. An unexpected error in one file becomes that file's version with an `internal_error`
finding, and one line for the controller (IntakeOutcome.problems), while every other file goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from tertial.controls import escape_controls
from tertial.errors import TertialError
from tertial.findings import Finding, finding
from tertial.inbox import run_logger
from tertial.ledger import Version
from tertial.numbers import shortened

T = TypeVar("T")


@dataclass(frozen=True)
class IntakeOutcome:
    file: str
    version: Version
    new: bool
    findings: list[Finding]
    feedback: dict[str, Path]
    problems: tuple[str, ...] = ()  # one Swedish line for the controller per unexpected error


@dataclass(frozen=True)
class Checked:
    """What reading and validating one archived original found, before it is recorded."""

    contributor_id: str
    findings: list[Finding]
    problems: tuple[str, ...] = field(default=())


class Unexpected(Exception):
    """An error no rule foresaw, in one step for one file: the controller's line, said once."""

    def __init__(self, file: str, step: str, error: BaseException) -> None:
        detail = escape_controls(shortened(str(error), 200))
        self.line = (f"{file}: oväntat fel vid {step} ({type(error).__name__}: {detail}). "
                     "Filen är sparad; kör igen med --debug för detaljer.")
        super().__init__(self.line)


def guarded(file: str, step: str, work: Callable[[], T]) -> T:
    """Run one step for one file; anything unforeseen becomes Unexpected, logged for the controller."""
    try:
        return work()
    except Exception as error:  # noqa: BLE001 - one file's failure is reported, never the run's
        problem = Unexpected(file, step, error)
        run_logger().error(problem.line, exc_info=error)
        raise problem from error


def internal_error(file: str) -> Finding:
    """The finding a file gets when Tertial itself failed on it: an error, so the version is not used."""
    return finding("internal_error", file=file)


class Unrecorded(TertialError):
    """Files the ledger could not take even with the internal error; the others are recorded (in `outcomes`)."""

    def __init__(self, lines: list[str], outcomes: list[IntakeOutcome]) -> None:
        listed = "\n".join(f"  - {line}" for line in lines)
        super().__init__(f"{len(lines)} fil(er) kunde inte sparas i liggaren och tas emot vid nästa körning:\n{listed}")
        self.outcomes = outcomes
