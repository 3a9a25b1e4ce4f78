"""Gathering: hand every contributor its workbook and calendar, and take in what comes back."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from prefect import flow
from prefect.utilities.annotations import quote

from flows.intake import IntakeOutcome, Unexpected, Unrecorded, guarded, take_in
from flows.overview import show_status
from flows.run_names import named
from flows.runners import task_runner
from tasks.calendar import write_calendar
from tasks.configuration import open_cycle
from tasks.intake import UNKNOWN_CONTRIBUTOR
from tasks.mail import send_feedback, send_mail, smtp_mailer
from tasks.prefill import handout_rows, load_kolada, load_previous_report
from tasks.workbooks import write_handout
from tertial.access import ensure_token_key, require_token_key
from tertial.cycle import Cycle
from tertial.feedback.mail import unknown_sender_mail
from tertial.ledger import Ledger
from tertial.ledger import default_url as default_ledger_url
from tertial.ledger_location import chosen_url


@dataclass(frozen=True)
class Handed:
    contributor_id: str
    workbook: Path
    calendar: Path


@flow(name="oppna-cykel", flow_run_name=named("öppna"))
def open_reporting_cycle(cycle_path: Path, out_dir: Path, workdir: Path, previous_report: Path | None = None,
                         kolada: Path | None = None) -> list[Handed]:
    """One pre-filled workbook and one calendar per contributor, each workbook with its token.

    The installation's key is made in `workdir` when there is none; collect and run find it there.
    """
    cycle = open_cycle(cycle_path)
    ensure_token_key(workdir)
    previous = load_previous_report(previous_report)
    statistics = load_kolada(kolada, cycle)
    handed = []
    for contributor in cycle.config.contributors:
        rows = handout_rows(cycle, contributor.id, previous, statistics)
        workbook = write_handout(cycle, contributor.id, rows, out_dir, workdir)
        calendar = write_calendar(cycle, contributor.id, out_dir)
        handed.append(Handed(contributor.id, workbook, calendar))
    return handed


@flow(name="samla-in", flow_run_name=named("samla in"), task_runner=task_runner())
def collect(cycle_path: Path, inbox: Path, workdir: Path, ledger_url: str | None = None) -> list[IntakeOutcome]:
    """Take in every new file in the inbox; files already recorded are recognised, not duplicated."""
    cycle = open_cycle(cycle_path)
    ledger = open_ledger(ledger_url, workdir)
    outcomes = gather(inbox, cycle, ledger, workdir)
    show_status(cycle, workdir, ledger)
    return outcomes


def gather(inbox: Path, cycle: Cycle, ledger: Ledger, workdir: Path) -> list[IntakeOutcome]:
    """The inbox taken in, and each new version's feedback mailed to its contributor."""
    require_token_key(workdir)  # before anything is archived: without the key no file can be told apart from a forgery
    try:
        outcomes = take_in(inbox, cycle, ledger, workdir)
    except Unrecorded as error:  # the recorded versions' contributors still get their feedback
        mail_feedback(cycle, error.outcomes)
        raise
    return mail_feedback(cycle, outcomes)


def open_ledger(ledger_url: str | None, workdir: Path) -> Ledger:
    """The ledger at its URL (or TERTIAL_LEDGER_URL), or SQLite in the work folder (made here, as the first thing the cycle writes)."""
    workdir.mkdir(parents=True, exist_ok=True)
    return Ledger(chosen_url(ledger_url, workdir))


def mail_feedback(cycle: Cycle, outcomes: list[IntakeOutcome]) -> list[IntakeOutcome]:
    """With SMTP configured (TERTIAL_SMTP_*), each new version's feedback goes to its contributor,
    and the controller is told of new files without a known sender (they get no feedback).

    The mailer is made here, never passed as a parameter, so the password is not stored with the run.
    A mail that cannot be sent is a line for the controller on that file's outcome; the others are still sent.
    """
    fresh = [o for o in outcomes if o.new and o.feedback]
    notice = unknown_sender_mail(cycle, [(o.file, o.findings[0]) for o in outcomes
                                         if o.new and o.version.contributor_id == UNKNOWN_CONTRIBUTOR and o.findings])
    if not (fresh or notice) or not os.environ.get("TERTIAL_SMTP_HOST"):
        return outcomes
    mailer = smtp_mailer()
    mailed = [_mailed(cycle, outcome, mailer) if outcome.new and outcome.feedback else outcome for outcome in outcomes]
    return _controller_told(notice, mailer, mailed) if notice is not None else mailed


def _controller_told(notice, mailer, outcomes: list[IntakeOutcome]) -> list[IntakeOutcome]:
    """The notice of files without a known sender; when it cannot be sent, a line on the first such file."""
    try:
        guarded("meddelandet till controllern", "utskick", lambda: send_mail(mailer, notice))
    except Unexpected as problem:
        first = next(i for i, o in enumerate(outcomes) if o.version.contributor_id == UNKNOWN_CONTRIBUTOR)
        outcomes = [*outcomes]
        outcomes[first] = replace(outcomes[first], problems=(*outcomes[first].problems, problem.line))
    return outcomes


def _mailed(cycle: Cycle, outcome: IntakeOutcome, mailer) -> IntakeOutcome:
    try:
        guarded(outcome.file, "utskick", lambda: send_feedback(
            quote(cycle), outcome.version, quote(outcome.findings), list(outcome.feedback.values()), mailer))
    except Unexpected as problem:
        return replace(outcome, problems=(*outcome.problems, problem.line))
    return outcome
