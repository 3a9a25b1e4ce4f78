"""Reminders and escalation: a Prefect flow, run once a working day (or by `tertial remind`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, get_run_logger

from flows.run_names import named
from tasks.configuration import open_cycle
from tasks.followup import claim_mail, contributor_statuses, release_mail, unsent_mails
from tasks.mail import send_mail, smtp_mailer
from tertial.cycle import Cycle
from tertial.deadlines import today
from tertial.ledger import Ledger
from tertial.mail import Mailer
from tertial.reminders import Delivery, DueMail
from tertial.settings import SmtpSettings
from tertial.workspace import Create, Workspace


@flow(name="paminnelser", flow_run_name=named("påminnelser"))
def remind(cycle_path: Path, workdir: Path, as_of: dt.date | None = None, ledger_url: str | None = None,
           smtp: SmtpSettings | None = None) -> list[Delivery]:
    """Send the reminders, late notices and escalations due on `as_of` (today in Sweden when not given).

    Each mail is recorded in the ledger under its key before it is sent, so no mail goes out
    twice, not even from two runs at once; a mail that fails is forgotten again and retried
    by the next run.
    """
    cycle = open_cycle(cycle_path)
    day = as_of or today()
    ledger = Workspace(workdir).open_ledger(ledger_url, create=Create.NOTHING)  # an empty one would remind everyone that nothing has arrived
    statuses = {s.contributor_id: s for s in contributor_statuses(cycle, ledger, day)}
    due = unsent_mails(cycle, ledger, list(statuses.values()), day, workdir)
    if not due:
        return []
    mailer = smtp_mailer(smtp)  # only now: a day with nothing due needs no SMTP settings
    return [deliver(ledger, cycle, item, statuses[item.contributor_id].latest_version, mailer) for item in due]


def deliver(ledger: Ledger, cycle: Cycle, item: DueMail, version: int | None, mailer: Mailer) -> Delivery:
    """Claim the mail in the ledger, then send it; a failed one is released for the next run to try again."""
    mail = item.mail
    if not claim_mail(ledger, cycle, item, version):
        return Delivery(item.key, item.kind.value, item.contributor_id, mail.recipients, mail.subject, False,
                        "redan skickad av en annan körning")
    try:
        send_mail(mailer, mail)
    except Exception as error:  # noqa: BLE001 - one refused address must not stop the others
        release_mail(ledger, cycle, item)
        get_run_logger().error("Kunde inte skicka %s till %s: %s", item.key, ", ".join(mail.recipients), error)
        return Delivery(item.key, item.kind.value, item.contributor_id, mail.recipients, mail.subject, False,
                        f"{type(error).__name__}: {error}")
    return Delivery(item.key, item.kind.value, item.contributor_id, mail.recipients, mail.subject, True)
