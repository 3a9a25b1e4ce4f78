"""Follow-up steps: each contributor's status, the mails due, and the ledger's record of what was sent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tertial.access import require_token_key
from tertial.cycle import Cycle
from tertial.ledger import Event, Ledger
from tertial.reminders import DueMail, due_mails
from tertial.settings import load_settings
from tertial.status import ContributorStatus, cycle_status
from tertial.web.links import handout_link

MAILER_ACTOR = "tertial"


@task(cache_policy=NO_CACHE)
def contributor_statuses(cycle: Cycle, ledger: Ledger, as_of: dt.date) -> list[ContributorStatus]:
    return cycle_status(cycle, ledger, as_of)


@task(cache_policy=NO_CACHE)
def unsent_mails(cycle: Cycle, ledger: Ledger, statuses: list[ContributorStatus], as_of: dt.date,
                 workdir: Path | None = None) -> list[DueMail]:
    """The mails due on `as_of` whose key the ledger has not recorded yet; each contributor's own mails carry the link to
    their page when the installation says where `tertial serve` is (TERTIAL_PUBLIC_URL; the key is looked up here)."""
    sent = sent_keys.fn(ledger, cycle)
    links = personal_links.fn(cycle, workdir) if workdir is not None else None
    return [item for item in due_mails(cycle, statuses, as_of, links) if item.key not in sent]


@task(cache_policy=NO_CACHE)
def sent_keys(ledger: Ledger, cycle: Cycle) -> set[str]:
    """The keys of every mail (and other event) the ledger has recorded for the cycle."""
    return {e.key for e in ledger.events(cycle.config.id)}


@task(cache_policy=NO_CACHE)
def personal_links(cycle: Cycle, workdir: Path) -> dict[str, str] | None:
    """Each contributor's page (the link printed in their workbook), when the installation says where `tertial serve`
    is (TERTIAL_PUBLIC_URL); None without it."""
    base_url = load_settings().public_url
    if not base_url:
        return None
    key = require_token_key(workdir)
    return {c.id: handout_link(key, cycle, workdir, c.id, base_url) for c in cycle.config.contributors}


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
