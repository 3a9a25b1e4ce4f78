"""Opening the cycle: hand every contributor its pre-filled workbook and its calendar, and mail them when asked."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from prefect import flow

from flows.remind import deliver
from flows.run_names import named
from tasks.calendar import write_calendar
from tasks.configuration import open_cycle
from tasks.followup import personal_links, sent_keys
from tasks.mail import smtp_mailer
from tasks.prefill import handout_rows, load_kolada, load_previous_report
from tasks.workbooks import write_handout
from tertial.access import ensure_token_key
from tertial.cycle import Cycle
from tertial.reminders import Delivery, handout_mail
from tertial.settings import SmtpSettings
from tertial.workspace import Create, Workspace


@dataclass(frozen=True)
class Handed:
    contributor_id: str
    workbook: Path
    calendar: Path
    mailed: Delivery | None = None  # with `send`: what became of the opening mail


@flow(name="oppna-cykel", flow_run_name=named("öppna"))
def open_reporting_cycle(cycle_path: Path, out_dir: Path, workdir: Path, previous_report: Path | None = None,
                         kolada: Path | None = None, send: bool = False, ledger_url: str | None = None,
                         smtp: SmtpSettings | None = None) -> list[Handed]:
    """One pre-filled workbook and one calendar per contributor, each workbook with its token; with `send`, each
    contributor is mailed theirs with the link to their page.

    The installation's key is made in `workdir` when there is none; collect and run find it there. Each opening
    mail is recorded in the ledger before it is sent, so opening again never mails anyone twice.
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
    return _mail_handouts(cycle, workdir, handed, ledger_url, smtp) if send else handed


def _mail_handouts(cycle: Cycle, workdir: Path, handed: list[Handed], ledger_url: str | None,
                   smtp: SmtpSettings | None) -> list[Handed]:
    ledger = Workspace(workdir).open_ledger(ledger_url, create=Create.FOLDER_AND_LEDGER)
    links, sent = personal_links(cycle, workdir) or {}, sent_keys(ledger, cycle)
    due = {h.contributor_id: handout_mail(cycle, h.contributor_id, h.workbook, h.calendar, links.get(h.contributor_id))
           for h in handed}
    if all(item.key in sent for item in due.values()):
        return handed
    mailer = smtp_mailer(smtp)
    return [replace(h, mailed=None if due[h.contributor_id].key in sent
                    else deliver(ledger, cycle, due[h.contributor_id], None, mailer)) for h in handed]
