"""Gathering: hand every contributor its workbook and calendar, and take in what comes back."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from prefect import flow

from flows.intake import IntakeOutcome, take_in_submission
from flows.overview import publish_status
from tasks.calendar import write_calendar
from tasks.configuration import open_cycle
from tasks.intake import find_submissions
from tasks.mail import send_feedback, smtp_mailer
from tasks.prefill import handout_rows, load_kolada, load_previous_report
from tasks.workbooks import write_handout
from tertial.cycle import Cycle
from tertial.ledger import Ledger
from tertial.ledger import default_url as default_ledger_url


@dataclass(frozen=True)
class Handed:
    contributor_id: str
    workbook: Path
    calendar: Path


@flow(name="oppna-cykel", flow_run_name="öppna {cycle_path.stem}")
def open_reporting_cycle(cycle_path: Path, out_dir: Path, previous_report: Path | None = None,
                         kolada: Path | None = None) -> list[Handed]:
    """One pre-filled workbook and one calendar per contributor."""
    cycle = open_cycle(cycle_path)
    previous = load_previous_report(previous_report)
    statistics = load_kolada(kolada, cycle)
    handed = []
    for contributor in cycle.config.contributors:
        rows = handout_rows(cycle, contributor.id, previous, statistics)
        workbook = write_handout(cycle, contributor.id, rows, out_dir)
        calendar = write_calendar(cycle, contributor.id, out_dir)
        handed.append(Handed(contributor.id, workbook, calendar))
    return handed


@flow(name="samla-in", flow_run_name="samla in {cycle_path.stem}")
def collect(cycle_path: Path, inbox: Path, workdir: Path, ledger_url: str | None = None) -> list[IntakeOutcome]:
    """Take in every new file in the inbox; files already recorded are recognised, not duplicated."""
    cycle = open_cycle(cycle_path)
    workdir.mkdir(parents=True, exist_ok=True)
    ledger = Ledger(ledger_url or default_ledger_url(workdir))
    outcomes = [take_in_submission(path, cycle, ledger, workdir) for path in find_submissions(inbox)]
    mail_feedback(cycle, outcomes)
    publish_status(cycle_path, workdir, ledger_url=ledger_url)
    return outcomes


def mail_feedback(cycle: Cycle, outcomes: list[IntakeOutcome]) -> None:
    """With SMTP configured (TERTIAL_SMTP_*), each new version's feedback goes to its contributor.

    The mailer is made here, never passed as a parameter, so the password is not stored with the run.
    """
    fresh = [o for o in outcomes if o.new and o.feedback]
    if not fresh or not os.environ.get("TERTIAL_SMTP_HOST"):
        return
    mailer = smtp_mailer()
    for outcome in fresh:
        send_feedback(cycle, outcome.version, outcome.findings, list(outcome.feedback.values()), mailer)
