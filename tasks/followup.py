"""Follow-up steps: each contributor's status, the mails due, and the ledger's record of what was sent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tertial import reminders
from tertial.cycle import Cycle
from tertial.ledger import Event, Ledger
from tertial.reminders import DueMail
from tertial.status import ContributorStatus, cycle_status

MAILER_ACTOR = "tertial"


@task(cache_policy=NO_CACHE)
def contributor_statuses(cycle: Cycle, ledger: Ledger, as_of: dt.date) -> list[ContributorStatus]:
    return cycle_status(cycle, ledger, as_of)


@task(cache_policy=NO_CACHE)
def unsent_mails(cycle: Cycle, ledger: Ledger, statuses: list[ContributorStatus], as_of: dt.date,
                 workdir: Path | None = None) -> list[DueMail]:
    """The mails due on `as_of` not sent yet (tertial.reminders.unsent_mails)."""
    return reminders.unsent_mails(cycle, ledger, statuses, as_of, workdir)


@task(cache_policy=NO_CACHE)
def sent_keys(ledger: Ledger, cycle: Cycle) -> set[str]:
    """The keys of every mail (and other event) the ledger has recorded for the cycle."""
    return {e.key for e in ledger.events(cycle.config.id)}


@task(cache_policy=NO_CACHE)
def personal_links(cycle: Cycle, workdir: Path) -> dict[str, str] | None:
    """Each contributor's page (the link printed in their workbook), when the installation says where `tertial serve`
    is (TERTIAL_PUBLIC_URL); None without it."""
    return reminders.personal_links(cycle, workdir)


def _event(cycle: Cycle, item: DueMail, version: int | None) -> Event:
    return Event(cycle_id=cycle.config.id, contributor_id=item.contributor_id, kind=item.kind.value,
                 at=dt.datetime.now(dt.UTC), actor=MAILER_ACTOR, key=item.key, comment=item.mail.note(), version=version)


@task(cache_policy=NO_CACHE)
def claim_mail(ledger: Ledger, cycle: Cycle, item: DueMail, version: int | None) -> bool:
    """Record the mail before sending it; False when another run already has (so it is not sent twice)."""
    return ledger.record_event(_event(cycle, item, version))[1]


@task(cache_policy=NO_CACHE)
def release_mail(ledger: Ledger, cycle: Cycle, item: DueMail) -> None:
    """Forget a claimed mail whose sending failed, so that the next run tries again."""
    ledger.forget_event(cycle.config.id, item.key)
