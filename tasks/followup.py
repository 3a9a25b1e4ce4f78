"""Follow-up steps: each contributor's status, the mails due, and the ledger's record of what was sent."""

from __future__ import annotations

import datetime as dt

from prefect import task
from prefect.cache_policies import NO_CACHE

from tertial.cycle import Cycle
from tertial.ledger import Event, Ledger
from tertial.reminders import DueMail, due_mails
from tertial.status import ContributorStatus, cycle_status

MAILER_ACTOR = "tertial"


@task(cache_policy=NO_CACHE)
def contributor_statuses(cycle: Cycle, ledger: Ledger, as_of: dt.date) -> list[ContributorStatus]:
    return cycle_status(cycle, ledger, as_of)


@task(cache_policy=NO_CACHE)
def unsent_mails(cycle: Cycle, ledger: Ledger, statuses: list[ContributorStatus], as_of: dt.date) -> list[DueMail]:
    """The mails due on `as_of` whose key the ledger has not recorded yet."""
    sent = {e.key for e in ledger.events(cycle.config.id)}
    return [item for item in due_mails(cycle, statuses, as_of) if item.key not in sent]


def _event(cycle: Cycle, item: DueMail, version: int | None) -> Event:
    comment = f"till {', '.join(item.mail.recipients)}: {item.mail.subject}"
    return Event(cycle_id=cycle.config.id, contributor_id=item.contributor_id, kind=item.kind.value,
                 at=dt.datetime.now(dt.UTC), actor=MAILER_ACTOR, key=item.key, comment=comment, version=version)


@task(cache_policy=NO_CACHE)
def claim_mail(ledger: Ledger, cycle: Cycle, item: DueMail, version: int | None) -> bool:
    """Record the mail before sending it; False when another run already has (so it is not sent twice)."""
    return ledger.record_event(_event(cycle, item, version))[1]


@task(cache_policy=NO_CACHE)
def release_mail(ledger: Ledger, cycle: Cycle, item: DueMail) -> None:
    """Forget a claimed mail whose sending failed, so that the next run tries again."""
    ledger.forget_event(cycle.config.id, item.key)
