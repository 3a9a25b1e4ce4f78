"""Where each contributor stands: derived from the ledger's versions and events, never stored.

The status follows the latest version. A controller's approval or return applies to the
version it names, so a newer version reopens a returned (or approved) submission and its
status follows that version. Lateness is judged against an `as_of` day, so any day's
status can be reproduced.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from tertial.access import UNKNOWN_CONTRIBUTOR
from tertial.cycle import Cycle
from tertial.deadlines import days_left
from tertial.ledger import Event, Ledger, Verdict, Version


class Status(StrEnum):
    NOT_STARTED = "ej påbörjad"
    SUBMITTED = "inlämnad"  # a version not (yet) judged by validation
    REJECTED = Verdict.REJECTED.value  # the verdict itself (tertial.findings): "underkänd" is spelt once
    ACCEPTED = "godkänd av systemet"
    REVIEWED = "granskad"
    RETURNED = "återsänd"
    LATE = "sen"


class EventKind(StrEnum):
    APPROVED = "approved"
    RETURNED = "returned"
    REMINDER = "reminder"
    LATE_NOTICE = "late_notice"
    ESCALATION = "escalation"
    HANDOUT = "handout"  # the cycle's opening mail: workbook, calendar and personal link (`tertial open --skicka`)
    SIGNED_IN = "signed_in"  # a one-time sign-in link used (tertial serve); its key makes it one-time
    REMINDERS_SENT = "reminders_sent"  # a controller sent the due reminders from `tertial serve` (cycle-wide)
    DRAFT_ASSEMBLED = "draft_assembled"  # a controller assembled a draft report from `tertial serve` (cycle-wide)
    RETURN_MAIL = "return_mail"  # the mail telling a contributor of a return, sent at once (the mail log keeps it)
    FEEDBACK_MAIL = "feedback_mail"  # a new version's feedback mailed to its contributor (the mail log keeps it)
    ATTESTED = "attested"  # a named attester attested the report's content (`tertial attest`; cycle-wide)


REVIEWS = (EventKind.APPROVED.value, EventKind.RETURNED.value)
# The mails Tertial sent, each an event noting its recipients and subject (tertial.mail.Mail.note): the mail log.
MAILS = (EventKind.HANDOUT.value, EventKind.REMINDER.value, EventKind.LATE_NOTICE.value, EventKind.ESCALATION.value,
         EventKind.RETURN_MAIL.value, EventKind.FEEDBACK_MAIL.value)


@dataclass(frozen=True)
class ContributorStatus:
    contributor_id: str
    avdelning: str
    deadline: dt.date
    status: Status
    days_left: int
    latest_version: int | None
    errors: int | None
    warnings: int | None
    usable_version: int | None  # the newest accepted version the controller has not returned
    reviewed_by: str | None = None
    comment: str = ""

    @property
    def needs_submission(self) -> bool:
        """Without a usable version, the contributor is reminded (and may be late)."""
        return self.usable_version is None

    def to_dict(self) -> dict:
        return {
            "id": self.contributor_id, "avdelning": self.avdelning, "deadline": self.deadline.isoformat(),
            "status": self.status.value, "days_left": self.days_left, "latest_version": self.latest_version,
            "errors": self.errors, "warnings": self.warnings, "usable_version": self.usable_version,
            "reviewed_by": self.reviewed_by, "comment": self.comment,
        }


def last_reviews(events: list[Event]) -> dict[int, Event]:
    """Per version number, the controller's latest word on it (events arrive in recorded order)."""
    reviews: dict[int, Event] = {}
    for event in events:
        if event.kind in REVIEWS and event.version is not None:
            reviews[event.version] = event
    return reviews


def usable_version(versions: list[Version], reviews: dict[int, Event]) -> Version | None:
    """The newest accepted version that was not returned."""
    for version in reversed(versions):
        review = reviews.get(version.number)
        if version.accepted and not (review and review.kind == EventKind.RETURNED):
            return version
    return None


def _version_status(latest: Version, review: Event | None) -> Status:
    if review is not None:
        return Status.REVIEWED if review.kind == EventKind.APPROVED else Status.RETURNED
    if latest.status == Verdict.ACCEPTED:
        return Status.ACCEPTED
    return Status.REJECTED if latest.status == Verdict.REJECTED else Status.SUBMITTED


def contributor_status(cycle: Cycle, contributor_id: str, versions: list[Version], events: list[Event],
                       as_of: dt.date) -> ContributorStatus:
    """One contributor's status from its versions (by number) and events (in recorded order)."""
    contributor, deadline = cycle.contributor(contributor_id), cycle.deadline(contributor_id)
    reviews = last_reviews(events)
    latest = versions[-1] if versions else None
    review = reviews.get(latest.number) if latest else None
    status = _version_status(latest, review) if latest else Status.NOT_STARTED
    usable = usable_version(versions, reviews)
    # A return is the controller's explicit word and stays visible; otherwise no usable version by the deadline is late.
    if usable is None and as_of > deadline and status is not Status.RETURNED:
        status = Status.LATE
    return ContributorStatus(
        contributor_id=contributor_id, avdelning=contributor.avdelning, deadline=deadline, status=status,
        days_left=days_left(deadline, as_of), latest_version=latest.number if latest else None,
        errors=latest.errors if latest else None, warnings=latest.warnings if latest else None,
        usable_version=usable.number if usable else None,
        reviewed_by=review.actor if review else None, comment=review.comment if review else "",
    )


def usable_versions(ledger: Ledger, cycle_id: str) -> dict[str, Version]:
    """Per contributor, the version the report is built from: the newest accepted one not returned by the controller.

    Files recorded without a known sender never count, whatever their status.
    """
    versions, events = ledger.versions(cycle_id), ledger.events(cycle_id, kinds=REVIEWS)
    usable = {}
    for contributor_id in sorted({v.contributor_id for v in versions} - {UNKNOWN_CONTRIBUTOR}):
        mine = [e for e in events if e.contributor_id == contributor_id]
        version = usable_version([v for v in versions if v.contributor_id == contributor_id], last_reviews(mine))
        if version is not None:
            usable[contributor_id] = version
    return usable


def cycle_status(cycle: Cycle, ledger: Ledger, as_of: dt.date) -> list[ContributorStatus]:
    """Every contributor of the cycle, in the cycle's order."""
    cycle_id = cycle.config.id
    versions, events = ledger.versions(cycle_id), ledger.events(cycle_id, kinds=REVIEWS)
    return [
        contributor_status(cycle, c.id, [v for v in versions if v.contributor_id == c.id],
                           [e for e in events if e.contributor_id == c.id], as_of)
        for c in cycle.config.contributors
    ]
