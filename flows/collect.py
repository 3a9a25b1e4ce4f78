"""Collecting: take in the inbox, archive -> read -> validate -> record -> feedback -> mail -> publish the status.

One file never stops the others: each step runs per file under its own guard (tertial/intake.py), and an
unexpected error in one file becomes that file's version with an `internal_error` finding and one line for
the controller, while every other file goes on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from prefect import Task, flow
from prefect.utilities.annotations import BaseAnnotation, quote

from flows.publish_status import show_status
from flows.run_names import named
from tasks.configuration import open_cycle
from tasks.feedback import write_annotated, write_feedback, write_feedback_html
from tasks.intake import archive_original, find_submissions, read_archived
from tasks.ledger import record_version
from tasks.mail import send_feedback, send_mail, smtp_mailer
from tasks.validation import validate_submissions
from tertial.access import UNKNOWN_CONTRIBUTOR, require_token_key
from tertial.cycle import Cycle
from tertial.feedback.mail import unknown_sender_mail
from tertial.findings import Finding
from tertial.inbox import Archived, Read, run_logger
from tertial.intake import Checked, IntakeOutcome, Unexpected, Unrecorded, guarded, internal_error
from tertial.ledger import Ledger, Version
from tertial.reminders import feedback_mail_sent
from tertial.runners import task_runner
from tertial.settings import load_settings
from tertial.workspace import Create, Workspace


@dataclass(frozen=True)
class Steps:
    """The intake's steps. In a flow run each is its Prefect task; `tertial serve` runs the same body with the tasks'
    own functions (PLAIN), as a flow run per upload costs more than the upload's work (bench/RESULTS.md, serve)."""

    archive: Callable = archive_original
    read: Callable = read_archived
    validate: Callable = validate_submissions
    record: Callable = record_version
    text: Callable = write_feedback
    html: Callable = write_feedback_html
    annotated: Callable = write_annotated
    mailer: Callable = smtp_mailer
    mail: Callable = send_mail
    feedback_mail: Callable = send_feedback

    def submit(self, step: Callable, *args: Any):
        """A task's Prefect future (side by side as the flow's task runner allows); a plain step runs when asked for."""
        return step.submit(*args) if isinstance(step, Task) else _Later(lambda: step(*args))


@dataclass(frozen=True)
class _Later:
    work: Callable[[], Any]

    def result(self) -> Any:
        return self.work()


def _plain(step: Task) -> Callable:
    """The task's own function, given its arguments as Prefect gives them (quote() unwrapped)."""
    def call(*args: Any) -> Any:
        return step.fn(*(a.unwrap() if isinstance(a, BaseAnnotation) else a for a in args))
    return call


TASKS = Steps()
PLAIN = Steps(**{f.name: _plain(getattr(TASKS, f.name)) for f in fields(Steps)})


@flow(name="samla-in", flow_run_name=named("samla in"), task_runner=task_runner())
def collect(cycle_path: Path, inbox: Path, workdir: Path, ledger_url: str | None = None) -> list[IntakeOutcome]:
    """Take in every new file in the inbox; files already recorded are recognised, not duplicated."""
    cycle = open_cycle(cycle_path)
    workspace = Workspace(workdir)
    ledger = workspace.open_ledger(ledger_url, create=Create.FOLDER_AND_LEDGER)  # the first thing the cycle writes
    outcomes = take_in(inbox, cycle, ledger, workspace)
    show_status(cycle, workspace, ledger)  # 7. publish where the cycle stands
    return outcomes


def take_in(inbox: Path, cycle: Cycle, ledger: Ledger, workspace: Workspace) -> list[IntakeOutcome]:
    """Every file in the order it arrived; a file the ledger already has is recognised, not recorded twice.

    A plain function rather than a sub-flow, so that run_cycle takes the inbox in within its own flow run:
    a flow run of its own costs more than the work (bench/RESULTS.md, fix 1).
    """
    return take_in_files(find_submissions(inbox), cycle, ledger, workspace)


def take_in_files(paths: list[Path], cycle: Cycle, ledger: Ledger, workspace: Workspace, steps: Steps = TASKS,
                  recorded: Callable[[int, IntakeOutcome], object] | None = None) -> list[IntakeOutcome]:
    """The intake's steps in one body, for these files in this order: one outcome each, in the same order.

    `recorded` is told each file's outcome (by its place in `paths`) once its version and feedback files are
    written, before the next file's and before any mail: `tertial serve` shows the contributor their page then.
    """
    require_token_key(workspace.root)  # before anything is archived: without the key no file can be told apart from a forgery
    # 1. archive every original first, 2. read the new ones side by side, 3. validate them together
    archived = [steps.archive(path, workspace.archive, dt.datetime.now(dt.UTC)) for path in paths]
    checked = check(unknown_to(ledger, archived, cycle), cycle, workspace.root, steps)
    # 4. record a version per file, 5. with its feedback, 6. mailed to its contributor
    results = []
    for place, item in enumerate(archived):
        results.append(record_guarded(item, checked, cycle, ledger, workspace.feedback, steps))
        if recorded is not None and isinstance(results[-1], IntakeOutcome):
            recorded(place, results[-1])
    outcomes = mail_feedback(cycle, [r for r in results if isinstance(r, IntakeOutcome)], steps, ledger)
    if len(outcomes) < len(results):  # the recorded versions' contributors have had their feedback all the same
        raise Unrecorded([r.line for r in results if isinstance(r, Unexpected)], outcomes)
    return outcomes


def unknown_to(ledger: Ledger, archived: list[Archived], cycle: Cycle) -> list[Archived]:
    """The first file of each content the ledger has not seen (two names for the same bytes make one version)."""
    first: dict[str, Archived] = {}
    for item in archived:
        if item.sha256 not in first and ledger.find(cycle.config.id, item.sha256) is None:
            first[item.sha256] = item
    return list(first.values())


def check(archived: list[Archived], cycle: Cycle, workdir: Path, steps: Steps = TASKS) -> dict[str, Checked]:
    """Read the originals side by side (as the flow's task runner allows), then validate them all in one go.

    `workdir` holds the installation's key that tells whose each file is.
    """
    futures = [steps.submit(steps.read, item, quote(cycle), workdir) for item in archived]
    reads = [_read_result(item, future) for item, future in zip(archived, futures)]
    readable = [(item, r) for item, r in zip(archived, reads) if isinstance(r, Read) and r.submission is not None]
    verdicts = validate_all(readable, cycle, steps)
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


def validate_all(readable: list[tuple[Archived, Read]], cycle: Cycle,
                 steps: Steps = TASKS) -> dict[str, list[Finding] | Unexpected]:
    """One batched validation for speed; should it fail, each file on its own, so only the culprit gets the error."""
    if not readable:
        return {}
    try:
        found = steps.validate([r.submission for _, r in readable], quote(cycle))
        return {item.sha256: findings for (item, _), findings in zip(readable, found)}
    except Exception as error:  # noqa: BLE001 - which file caused it is found below
        run_logger().warning(f"Gemensam validering misslyckades ({type(error).__name__}); filerna valideras var för sig.")
    return {item.sha256: _validate_one(item, read, cycle, steps) for item, read in readable}


def _validate_one(item: Archived, read: Read, cycle: Cycle, steps: Steps) -> list[Finding] | Unexpected:
    try:
        return guarded(item.original_name, "validering", lambda: steps.validate([read.submission], quote(cycle))[0])
    except Unexpected as problem:
        return problem


def record_guarded(archived: Archived, checked: dict[str, Checked], cycle: Cycle, ledger: Ledger,
                   feedback_dir: Path, steps: Steps = TASKS) -> IntakeOutcome | Unexpected:
    """The file's outcome; when recording its findings fails, its version with the internal error instead.

    Unexpected only when not even that can be recorded (the ledger is unreachable): the file is taken in
    on the next run, as nothing was recorded for its bytes.
    """
    try:
        return guarded(archived.original_name, "registrering", lambda: record(archived, checked, cycle, ledger, feedback_dir,
                                                                           steps))
    except Unexpected as problem:
        fallback = Checked(checked.get(archived.sha256, Checked(UNKNOWN_CONTRIBUTOR, [])).contributor_id,
                           [internal_error(archived.original_name)], (problem.line,))
    try:
        return guarded(archived.original_name, "registrering", lambda: record(archived, {archived.sha256: fallback}, cycle,
                                                                           ledger, feedback_dir, steps))
    except Unexpected as problem:
        return problem


def record(archived: Archived, checked: dict[str, Checked], cycle: Cycle, ledger: Ledger, feedback_dir: Path,
           steps: Steps = TASKS) -> IntakeOutcome:
    """A new version with its feedback, or the version the ledger already has for these bytes."""
    known = ledger.find(cycle.config.id, archived.sha256)
    if known is not None:
        return IntakeOutcome(archived.original_name, known, False, ledger.findings(known.id), {})
    result = checked[archived.sha256]
    version, new = steps.record(quote(ledger), quote(cycle), result.contributor_id, archived, quote(result.findings))
    feedback, problems = {}, result.problems
    if result.contributor_id != UNKNOWN_CONTRIBUTOR:
        feedback, problems = _feedback_or_nothing(cycle, version, result.findings, feedback_dir, problems, steps)
    return IntakeOutcome(archived.original_name, version, new, result.findings, feedback, problems)


def _feedback_or_nothing(cycle: Cycle, version: Version, findings: list[Finding], out_dir: Path,
                         problems: tuple[str, ...], steps: Steps) -> tuple[dict[str, Path], tuple[str, ...]]:
    """The version is already recorded; a feedback file that cannot be made must not stop the other submissions."""
    try:
        return guarded(version.original_name, "återkoppling",
                       lambda: give_feedback(cycle, version, findings, out_dir, steps)), problems
    except Unexpected as problem:
        return {}, (*problems, problem.line)


def give_feedback(cycle: Cycle, version: Version, findings: list[Finding], out_dir: Path,
                  steps: Steps = TASKS) -> dict[str, Path]:
    """The summary text, the HTML page and, for a workbook, an annotated copy of it."""
    files = {
        "text": steps.text(quote(cycle), version, quote(findings), out_dir),
        "html": steps.html(quote(cycle), version, quote(findings), out_dir),
    }
    annotated = steps.annotated(version, quote(findings), out_dir)
    if annotated is not None:
        files["xlsx"] = annotated
    return files


def mail_feedback(cycle: Cycle, outcomes: list[IntakeOutcome], steps: Steps = TASKS,
                  ledger: Ledger | None = None) -> list[IntakeOutcome]:
    """With SMTP configured (TERTIAL_SMTP_*), each new version's feedback goes to its contributor,
    and the controller is told of new files without a known sender (they get no feedback).

    The mailer is made here, never passed as a parameter, so the password is not stored with the run.
    A mail that cannot be sent is a line for the controller on that file's outcome; the others are still sent.
    """
    fresh = [o for o in outcomes if o.new and o.feedback]
    notice = unknown_sender_mail(cycle, [(o.file, o.findings[0]) for o in outcomes
                                         if o.new and o.version.contributor_id == UNKNOWN_CONTRIBUTOR and o.findings])
    if not (fresh or notice) or not load_settings().smtp_host:
        return outcomes
    mailer = steps.mailer()
    mailed = [_mailed(cycle, outcome, mailer, steps, ledger) if outcome.new and outcome.feedback else outcome
              for outcome in outcomes]
    return _controller_told(notice, mailer, mailed, steps) if notice is not None else mailed


def _controller_told(notice, mailer, outcomes: list[IntakeOutcome], steps: Steps) -> list[IntakeOutcome]:
    """The notice of files without a known sender; when it cannot be sent, a line on the first such file."""
    try:
        guarded("meddelandet till controllern", "utskick", lambda: steps.mail(mailer, notice))
    except Unexpected as problem:
        first = next(i for i, o in enumerate(outcomes) if o.version.contributor_id == UNKNOWN_CONTRIBUTOR)
        outcomes = [*outcomes]
        outcomes[first] = replace(outcomes[first], problems=(*outcomes[first].problems, problem.line))
    return outcomes


def _mailed(cycle: Cycle, outcome: IntakeOutcome, mailer, steps: Steps, ledger: Ledger | None) -> IntakeOutcome:
    """The feedback mailed, and kept in the ledger's mail log (`tertial history`) once it has gone."""
    try:
        mail = guarded(outcome.file, "utskick", lambda: steps.feedback_mail(
            quote(cycle), outcome.version, quote(outcome.findings), list(outcome.feedback.values()), mailer))
    except Unexpected as problem:
        return replace(outcome, problems=(*outcome.problems, problem.line))
    if mail is not None and ledger is not None:
        feedback_mail_sent(ledger, outcome.version, mail, dt.datetime.now(dt.UTC))
    return outcome
