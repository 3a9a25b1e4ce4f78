"""What intake makes of each file, and how one file's failure is kept from stopping the others.

One file never stops the others: each step (read, validate, record, feedback, mail) runs for the whole batch of
files, but each file in it under its own guard. An unexpected error in one file becomes that file's version with an
`internal_error` finding, and one line for the controller (IntakeOutcome.problems), while every other file goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from tertial.access import UNKNOWN_CONTRIBUTOR
from tertial.controls import escape_controls
from tertial.cycle import Cycle
from tertial.errors import TertialError
from tertial.findings import Finding, finding
from tertial.inbox import Archived, run_logger
from tertial.ledger import Arrival, Ledger, Version
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

    def __reduce__(self):  # a batch task's result crosses to the flow's process whole (processes:N)
        return _unexpected, (self.line,)


def _unexpected(line: str) -> Unexpected:
    problem = Exception.__new__(Unexpected)
    Exception.__init__(problem, line)
    problem.line = line
    return problem


def guarded(file: str, step: str, work: Callable[[], T]) -> T:
    """Run one step for one file; anything unforeseen becomes Unexpected, logged for the controller."""
    try:
        return work()
    except Exception as error:  # noqa: BLE001 - one file's failure is reported, never the run's
        problem = Unexpected(file, step, error)
        run_logger().error(problem.line, exc_info=error)
        raise problem from error


def attempt(file: str, step: str, work: Callable[..., T], *args: object) -> T | Unexpected:
    """One file's part of a step over a batch: its result, or its Unexpected, so that the others go on."""
    try:
        return guarded(file, step, lambda: work(*args))
    except Unexpected as problem:
        return problem


def internal_error(file: str) -> Finding:
    """The finding a file gets when Tertial itself failed on it: an error, so the version is not used."""
    return finding("internal_error", file=file)


class Unrecorded(TertialError):
    """Files the ledger could not take even with the internal error; the others are recorded (in `outcomes`)."""

    def __init__(self, lines: list[str], outcomes: list[IntakeOutcome]) -> None:
        listed = "\n".join(f"  - {line}" for line in lines)
        super().__init__(f"{len(lines)} fil(er) kunde inte sparas i liggaren och tas emot vid nästa körning:\n{listed}")
        self.outcomes = outcomes


def arrival_of(cycle: Cycle, contributor_id: str, archived: Archived) -> Arrival:
    return Arrival(cycle_id=cycle.config.id, contributor_id=contributor_id, sha256=archived.sha256,
                   original_name=archived.original_name, archive_path=archived.archive_path,
                   source=archived.source, received_at=archived.received_at)


def record_arrival(ledger: Ledger, cycle: Cycle, archived: Archived, checked: dict[str, Checked]) -> IntakeOutcome | Unexpected:
    """The file's outcome (without feedback yet); when recording its findings fails, its version with the internal
    error instead.

    Unexpected only when not even that can be recorded (the ledger is unreachable): the file is taken in
    on the next run, as nothing was recorded for its bytes.
    """
    name = archived.original_name
    outcome = attempt(name, "registrering", _recorded, ledger, cycle, archived, checked)
    if not isinstance(outcome, Unexpected):
        return outcome
    fallback = Checked(checked.get(archived.sha256, Checked(UNKNOWN_CONTRIBUTOR, [])).contributor_id,
                       [internal_error(name)], (outcome.line,))
    return attempt(name, "registrering", _recorded, ledger, cycle, archived, {archived.sha256: fallback})


def _recorded(ledger: Ledger, cycle: Cycle, archived: Archived, checked: dict[str, Checked]) -> IntakeOutcome:
    """A new version, or the version the ledger already has for these bytes."""
    known = ledger.find(cycle.config.id, archived.sha256)
    if known is not None:
        return IntakeOutcome(archived.original_name, known, False, ledger.findings(known.id), {})
    result = checked[archived.sha256]
    version, new = ledger.record(arrival_of(cycle, result.contributor_id, archived), result.findings)
    return IntakeOutcome(archived.original_name, version, new, result.findings, {}, result.problems)
