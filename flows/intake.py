"""Taking in the inbox: archive every original first, check the new files together, then record a version each.

One file never stops the others: each step (read, validate, record, feedback) runs per file under its own
guard. An unexpected error in one file becomes that file's version with an `internal_error` finding, and
one line for the controller (IntakeOutcome.problems), while every other file goes on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from prefect import get_run_logger
from prefect.utilities.annotations import quote

from tasks.feedback import write_annotated, write_feedback, write_feedback_html
from tasks.intake import UNKNOWN_CONTRIBUTOR, Archived, Read, archive_original, find_submissions, read_archived
from tasks.ledger import record_version
from tasks.validation import validate_submissions
from tertial.controls import escape_controls
from tertial.cycle import Cycle
from tertial.errors import TertialError
from tertial.findings import Finding, Severity
from tertial.ledger import Ledger, Version
from tertial.rules import message
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
        get_run_logger().error(problem.line, exc_info=error)
        raise problem from error


def internal_error(file: str) -> Finding:
    """The finding a file gets when Tertial itself failed on it: an error, so the version is not used."""
    return Finding("internal_error", Severity.ERROR, message("internal_error"), file=file)


class Unrecorded(TertialError):
    """Files the ledger could not take even with the internal error; the others are recorded (in `outcomes`)."""

    def __init__(self, lines: list[str], outcomes: list[IntakeOutcome]) -> None:
        listed = "\n".join(f"  - {line}" for line in lines)
        super().__init__(f"{len(lines)} fil(er) kunde inte sparas i liggaren och tas emot vid nästa körning:\n{listed}")
        self.outcomes = outcomes


def take_in(inbox: Path, cycle: Cycle, ledger: Ledger, workdir: Path) -> list[IntakeOutcome]:
    """Every file in the order it arrived; a file the ledger already has is recognised, not recorded twice."""
    archived = [archive_original(path, workdir / "arkiv", dt.datetime.now(dt.UTC)) for path in find_submissions(inbox)]
    checked = check(unknown_to(ledger, archived, cycle), cycle, workdir)
    results = [record_guarded(item, checked, cycle, ledger, workdir) for item in archived]
    outcomes = [r for r in results if isinstance(r, IntakeOutcome)]
    if len(outcomes) < len(results):
        raise Unrecorded([r.line for r in results if isinstance(r, Unexpected)], outcomes)
    return outcomes


def unknown_to(ledger: Ledger, archived: list[Archived], cycle: Cycle) -> list[Archived]:
    """The first file of each content the ledger has not seen (two names for the same bytes make one version)."""
    first: dict[str, Archived] = {}
    for item in archived:
        if item.sha256 not in first and ledger.find(cycle.config.id, item.sha256) is None:
            first[item.sha256] = item
    return list(first.values())


def check(archived: list[Archived], cycle: Cycle, workdir: Path) -> dict[str, Checked]:
    """Read the originals side by side (as the flow's task runner allows), then validate them all in one go.

    `workdir` holds the installation's key that tells whose each file is.
    """
    futures = [read_archived.submit(item, quote(cycle), workdir) for item in archived]
    reads = [_read_result(item, future) for item, future in zip(archived, futures)]
    readable = [(item, r) for item, r in zip(archived, reads) if isinstance(r, Read) and r.submission is not None]
    verdicts = validate_all(readable, cycle)
    return {item.sha256: _checked(item, r, verdicts) for item, r in zip(archived, reads)}


def _read_result(item: Archived, future) -> Read | Unexpected:
    try:
        return guarded(item.original_name, "läsning", future.result)
    except Unexpected as problem:
        return problem


def _checked(item: Archived, read: Read | Unexpected, verdicts: dict[str, list[Finding] | Unexpected]) -> Checked:
    if isinstance(read, Unexpected):
        return Checked(UNKNOWN_CONTRIBUTOR, [internal_error(item.original_name)], (read.line,))
    verdict = verdicts.get(item.sha256, read.findings)
    if isinstance(verdict, Unexpected):
        return Checked(read.contributor_id, [internal_error(item.original_name)], (verdict.line,))
    return Checked(read.contributor_id, verdict)


def validate_all(readable: list[tuple[Archived, Read]], cycle: Cycle) -> dict[str, list[Finding] | Unexpected]:
    """One batched validation for speed; should it fail, each file on its own, so only the culprit gets the error."""
    if not readable:
        return {}
    try:
        found = validate_submissions([r.submission for _, r in readable], quote(cycle))
        return {item.sha256: findings for (item, _), findings in zip(readable, found)}
    except Exception as error:  # noqa: BLE001 - which file caused it is found below
        get_run_logger().warning(f"Gemensam validering misslyckades ({type(error).__name__}); filerna valideras var för sig.")
    return {item.sha256: _validate_one(item, read, cycle) for item, read in readable}


def _validate_one(item: Archived, read: Read, cycle: Cycle) -> list[Finding] | Unexpected:
    try:
        return guarded(item.original_name, "validering", lambda: validate_submissions([read.submission], quote(cycle))[0])
    except Unexpected as problem:
        return problem


def record_guarded(archived: Archived, checked: dict[str, Checked], cycle: Cycle, ledger: Ledger,
                   workdir: Path) -> IntakeOutcome | Unexpected:
    """The file's outcome; when recording its findings fails, its version with the internal error instead.

    Unexpected only when not even that can be recorded (the ledger is unreachable): the file is taken in
    on the next run, as nothing was recorded for its bytes.
    """
    try:
        return guarded(archived.original_name, "registrering", lambda: record(archived, checked, cycle, ledger, workdir))
    except Unexpected as problem:
        fallback = Checked(checked.get(archived.sha256, Checked(UNKNOWN_CONTRIBUTOR, [])).contributor_id,
                           [internal_error(archived.original_name)], (problem.line,))
    try:
        return guarded(archived.original_name, "registrering", lambda: record(archived, {archived.sha256: fallback}, cycle,
                                                                           ledger, workdir))
    except Unexpected as problem:
        return problem


def record(archived: Archived, checked: dict[str, Checked], cycle: Cycle, ledger: Ledger, workdir: Path) -> IntakeOutcome:
    """A new version with its feedback, or the version the ledger already has for these bytes."""
    known = ledger.find(cycle.config.id, archived.sha256)
    if known is not None:
        return IntakeOutcome(archived.original_name, known, False, ledger.findings(known.id), {})
    result = checked[archived.sha256]
    version, new = record_version(quote(ledger), quote(cycle), result.contributor_id, archived, quote(result.findings))
    feedback, problems = {}, result.problems
    if result.contributor_id != UNKNOWN_CONTRIBUTOR:
        feedback, problems = _feedback_or_nothing(cycle, version, result.findings, workdir / "aterkoppling", problems)
    return IntakeOutcome(archived.original_name, version, new, result.findings, feedback, problems)


def _feedback_or_nothing(cycle: Cycle, version: Version, findings: list[Finding], out_dir: Path,
                         problems: tuple[str, ...]) -> tuple[dict[str, Path], tuple[str, ...]]:
    """The version is already recorded; a feedback file that cannot be made must not stop the other submissions."""
    try:
        return guarded(version.original_name, "återkoppling", lambda: give_feedback(cycle, version, findings, out_dir)), problems
    except Unexpected as problem:
        return {}, (*problems, problem.line)


def give_feedback(cycle: Cycle, version: Version, findings: list[Finding], out_dir: Path) -> dict[str, Path]:
    """The summary text, the HTML page and, for a workbook, an annotated copy of it."""
    files = {
        "text": write_feedback(quote(cycle), version, quote(findings), out_dir),
        "html": write_feedback_html(quote(cycle), version, quote(findings), out_dir),
    }
    annotated = write_annotated(version, quote(findings), out_dir)
    if annotated is not None:
        files["xlsx"] = annotated
    return files
