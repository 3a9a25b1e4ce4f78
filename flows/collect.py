"""Collecting: take in the inbox, archive -> read -> validate -> record -> feedback -> mail -> publish the status.

Each step is one task over the whole batch of files (reading: one per worker of the task runner), so a collect's
task runs do not grow with the files it takes in; only mail goes per file, retried on its own. One file never stops
the others: within each step every file runs under its own guard (tertial/intake.py), and an unexpected error in one
file becomes that file's version with an `internal_error` finding and one line for the controller, while every
other file goes on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from prefect import Task, flow
from prefect.utilities.annotations import BaseAnnotation, quote

from flows.publish_status import show_status
from flows.run_names import named
from tasks.configuration import open_cycle
from tasks.feedback import write_annotated, write_feedback, write_feedback_html
from tasks.intake import archive_originals, find_submissions, read_archived
from tasks.ledger import record_versions
from tasks.mail import send_feedback, send_mail, smtp_mailer
from tasks.validation import validate_submissions
from tertial.access import UNKNOWN_CONTRIBUTOR, require_token_key
from tertial.cycle import Cycle
from tertial.feedback.mail import unknown_sender_mail
from tertial.findings import Finding
from tertial.inbox import Archived, Read, run_logger
from tertial.intake import Checked, IntakeOutcome, Unexpected, Unrecorded, attempt, guarded, internal_error
from tertial.ledger import Ledger
from tertial.reminders import feedback_mail_sent
from tertial.runners import task_runner, workers_at_hand
from tertial.settings import load_settings
from tertial.warm_processes import WarmProcesses
from tertial.workspace import Create, Workspace


@dataclass(frozen=True)
class Steps:
    """The intake's steps. In a flow run each is its Prefect task; `tertial serve` runs the same body with the tasks'
    own functions (PLAIN), as a flow run per upload costs more than the upload's work (bench/RESULTS.md, serve), and
    its warm processes (`checkers`) read the files and do the independent parts of their validation on every core."""

    archive: Callable = archive_originals
    read: Callable = read_archived
    validate: Callable = validate_submissions
    record: Callable = record_versions
    text: Callable = write_feedback
    html: Callable = write_feedback_html
    annotated: Callable = write_annotated
    mailer: Callable = smtp_mailer
    mail: Callable = send_mail
    feedback_mail: Callable = send_feedback
    checkers: WarmProcesses | None = None

    def submit(self, step: Callable, *args: Any):
        """A task's Prefect future (side by side as the flow's task runner allows); a plain step runs in a warm process
        when there are any, else when asked for."""
        if isinstance(step, Task):
            return step.submit(*args)
        if self.checkers is not None:
            return self.checkers.submit(step, *map(_unquoted, args))
        return _Later(lambda: step(*args))

    @property
    def workers(self) -> int:
        return self.checkers.workers if self.checkers is not None else workers_at_hand()

    def spread(self) -> tuple:
        """What validation spreads its independent parts over: the warm processes, else nothing (this process)."""
        return () if self.checkers is None else (self.checkers,)


@dataclass(frozen=True)
class _Later:
    work: Callable[[], Any]

    def result(self) -> Any:
        return self.work()


@dataclass(frozen=True)
class _Plain:
    """A step's task's own function, given its arguments as Prefect gives them (quote() unwrapped); by the step's
    name, so that a warm process can be handed it."""

    step: str

    def __call__(self, *args: Any) -> Any:
        return getattr(TASKS, self.step).fn(*map(_unquoted, args))


def _unquoted(argument: Any) -> Any:
    return argument.unwrap() if isinstance(argument, BaseAnnotation) else argument


TASKS = Steps()
PLAIN = Steps(**{f.name: _Plain(f.name) for f in fields(Steps) if f.name != "checkers"})


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

    `recorded` is told each file's outcome (by its place in `paths`) once the versions and its own feedback files are
    written, before any mail: `tertial serve` shows the contributor their page then.
    """
    require_token_key(workspace.root)  # before anything is archived: without the key no file can be told apart from a forgery
    # 1. archive every original first, 2. read the new ones, 3. validate them together
    archived = steps.archive(paths, workspace.archive)
    checked = check(unknown_to(ledger, archived, cycle), cycle, workspace.root, steps)
    # 4. record a version per file, 5. with its feedback, 6. mailed to its contributor
    records = steps.record(quote(ledger), quote(cycle), archived, quote(checked))
    results = (give_feedback(cycle, records, workspace.feedback, steps) if recorded is None
               else _answered_one_by_one(cycle, records, workspace.feedback, steps, recorded))
    outcomes = mail_feedback(cycle, [r for r in results if isinstance(r, IntakeOutcome)], steps, ledger)
    if len(outcomes) < len(results):  # the recorded versions' contributors have had their feedback all the same
        raise Unrecorded([r.line for r in results if isinstance(r, Unexpected)], outcomes)
    return outcomes


def _answered_one_by_one(cycle: Cycle, records: list[IntakeOutcome | Unexpected], out_dir: Path, steps: Steps,
                         recorded: Callable[[int, IntakeOutcome], object]) -> list[IntakeOutcome | Unexpected]:
    """Each file's outcome told as soon as its text and page are written: in `tertial serve` an upload is answered
    before the others' files are made, and before its own annotated workbook (the steps are plain calls there, so one
    step per file costs nothing in Prefect). The annotated workbooks are begun first, in the warm processes when there
    are any, and waited for before this returns: the service's download of one waits for its batch (tertial/web).
    The outcomes returned are the ones give_feedback gives."""
    due = [place for place, r in enumerate(records) if _due(r)]
    versions = {place: quote([(records[place].version, records[place].findings)]) for place in due}
    annotated = {place: steps.submit(steps.annotated, versions[place], out_dir) for place in due}
    pages = {}
    for place, record in enumerate(records):
        if place in versions:
            pages[place] = (steps.text(quote(cycle), versions[place], out_dir)[0],
                            steps.html(quote(cycle), versions[place], out_dir)[0])
            [record] = _filed([record], [0], [(*pages[place], None)])
        if isinstance(record, IntakeOutcome):
            recorded(place, record)
    return _filed(records, due, [(*pages[place], _annotated(records[place], annotated[place])) for place in due])


def _annotated(record: IntakeOutcome, made: Future | _Later) -> Path | None | Unexpected:
    """The one version's annotated workbook; its Unexpected, should the process making it be lost."""
    result = attempt(record.version.original_name, "återkoppling", made.result)
    return result if isinstance(result, Unexpected) else result[0]


def unknown_to(ledger: Ledger, archived: list[Archived], cycle: Cycle) -> list[Archived]:
    """The first file of each content the ledger has not seen (two names for the same bytes make one version)."""
    first: dict[str, Archived] = {}
    for item in archived:
        if item.sha256 not in first and ledger.find(cycle.config.id, item.sha256) is None:
            first[item.sha256] = item
    return list(first.values())


def check(archived: list[Archived], cycle: Cycle, workdir: Path, steps: Steps = TASKS) -> dict[str, Checked]:
    """Read the originals, a share for each worker of the flow's task runner side by side, then validate them all in
    one go.

    `workdir` holds the installation's key that tells whose each file is.
    """
    workers = steps.workers
    shares = [archived[start::workers] for start in range(min(workers, len(archived)))]
    futures = [steps.submit(steps.read, share, quote(cycle), workdir) for share in shares]
    read_by_sha = {item.sha256: result for share, future in zip(shares, futures)
                   for item, result in zip(share, _read_results(share, future))}
    reads = [read_by_sha[item.sha256] for item in archived]
    readable = [(item, r) for item, r in zip(archived, reads) if isinstance(r, Read) and r.submission is not None]
    verdicts = validate_all(readable, cycle, steps)
    return {item.sha256: _checked(item, r, verdicts) for item, r in zip(archived, reads)}


def _read_results(share: list[Archived], future) -> list[Read | Unexpected]:
    """A share's reads; should the whole task fail (its process lost), each of its files gets that line."""
    reads = attempt(", ".join(item.original_name for item in share), "läsning", future.result)
    return [reads] * len(share) if isinstance(reads, Unexpected) else reads


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
        found = steps.validate([r.submission for _, r in readable], quote(cycle), *steps.spread())
        return {item.sha256: findings for (item, _), findings in zip(readable, found)}
    except Exception as error:  # noqa: BLE001 - which file caused it is found below
        run_logger().warning(f"Gemensam validering misslyckades ({type(error).__name__}); filerna valideras var för sig.")
    return {item.sha256: _validate_one(item, read, cycle, steps) for item, read in readable}


def _validate_one(item: Archived, read: Read, cycle: Cycle, steps: Steps) -> list[Finding] | Unexpected:
    return attempt(item.original_name, "validering", lambda: steps.validate([read.submission], quote(cycle), *steps.spread())[0])


def give_feedback(cycle: Cycle, results: list[IntakeOutcome | Unexpected], out_dir: Path,
                  steps: Steps = TASKS) -> list[IntakeOutcome | Unexpected]:
    """The summary text, the HTML page and, for a workbook, an annotated copy, for each new version whose contributor is
    known; a file of them that cannot be made is a line for the controller on that version, not a stop for the others."""
    due = [place for place, r in enumerate(results) if _due(r)]
    if not due:
        return results
    versions = quote([(results[place].version, results[place].findings) for place in due])
    return _filed(results, due, zip(steps.text(quote(cycle), versions, out_dir), steps.html(quote(cycle), versions, out_dir),
                                    steps.annotated(versions, out_dir)))


def _filed(results: list[IntakeOutcome | Unexpected], due: list[int], written) -> list[IntakeOutcome | Unexpected]:
    """Each due version's files (text, page, annotated workbook or None), or the line of the first that failed."""
    results = [*results]
    for place, (text, html, annotated) in zip(due, written):
        failed = next((f for f in (text, html, annotated) if isinstance(f, Unexpected)), None)
        files = {"text": text, "html": html} | ({"xlsx": annotated} if annotated is not None else {})
        results[place] = (replace(results[place], feedback=files) if failed is None
                          else replace(results[place], problems=(*results[place].problems, failed.line)))
    return results


def _due(result: IntakeOutcome | Unexpected) -> bool:
    """A new version whose contributor is known is given its feedback files."""
    return isinstance(result, IntakeOutcome) and result.new and result.version.contributor_id != UNKNOWN_CONTRIBUTOR


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
