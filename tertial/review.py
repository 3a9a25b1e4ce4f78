"""The controller's review: approve a contributor's accepted version, or return it with a comment."""

from __future__ import annotations

import datetime as dt
import uuid

from tertial.cycle import Cycle
from tertial.errors import TertialError
from tertial.ledger import Event, Ledger, Version
from tertial.status import EventKind


class ReviewError(TertialError):
    """An approval or return that cannot be made; the message says why, in Swedish."""


def known_contributor(cycle: Cycle, contributor_id: str) -> None:
    ids = [c.id for c in cycle.config.contributors]
    if contributor_id not in ids:
        raise ReviewError(f"Bidragsgivaren '{contributor_id}' finns inte i {cycle.config.id}. Välj bland: {', '.join(ids)}.")


def _record(ledger: Ledger, cycle: Cycle, version: Version, kind: EventKind, by: str, comment: str,
            at: dt.datetime) -> Event:
    # Reviews are deliberate acts, each its own event; the key only needs to be unique.
    key = f"{kind.value}:{version.contributor_id}:v{version.number}:{uuid.uuid4().hex}"
    event = Event(cycle_id=cycle.config.id, contributor_id=version.contributor_id, kind=kind.value, at=at,
                  actor=by, key=key, comment=comment, version=version.number)
    return ledger.record_event(event)[0]


def approve(ledger: Ledger, cycle: Cycle, contributor_id: str, by: str, at: dt.datetime | None = None) -> Event:
    """Approve the contributor's newest accepted version; refused when there is none."""
    known_contributor(cycle, contributor_id)
    accepted = [v for v in ledger.versions(cycle.config.id, contributor_id) if v.accepted]
    if not accepted:
        name = cycle.contributor(contributor_id).avdelning
        raise ReviewError(f"{name} ({contributor_id}) har ingen version som är godkänd av systemet att granska. "
                          "Vänta på en inlämning utan fel.")
    return _record(ledger, cycle, accepted[-1], EventKind.APPROVED, by, "", at or dt.datetime.now(dt.UTC))


def return_submission(ledger: Ledger, cycle: Cycle, contributor_id: str, comment: str, by: str,
                      at: dt.datetime | None = None) -> Event:
    """Return the contributor's latest version with a comment; its next version reopens it."""
    known_contributor(cycle, contributor_id)
    if not comment.strip():
        raise ReviewError("Skriv en kommentar som förklarar vad som ska ändras (--comment).")
    versions = ledger.versions(cycle.config.id, contributor_id)
    if not versions:
        name = cycle.contributor(contributor_id).avdelning
        raise ReviewError(f"{name} ({contributor_id}) har inte lämnat någon version att återsända.")
    return _record(ledger, cycle, versions[-1], EventKind.RETURNED, by, comment.strip(), at or dt.datetime.now(dt.UTC))
