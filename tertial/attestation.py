"""A report's standing: a draft, or the final report its named attesters have attested.

A report is a draft (UTKAST on every page, no attestation block) while a contributor's part is missing, not
approved by the controller, or returned, and until every attester the cycle names (`attesters:` in cycle.yaml)
has attested it. An attestation is an event in the ledger with who and when, given for the report's content
hash: the SHA-256 of the report without its standing. A part that changes afterwards (a new version, a return)
changes the content, so the report is a draft again until it is approved and attested anew; the earlier
attestations stay in the ledger, for the content they were given for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from tertial.cycle import Cycle, Person
from tertial.deadlines import swedish_moment
from tertial.errors import TertialError
from tertial.ledger import Event, Ledger
from tertial.report import Report, Signature
from tertial.status import REVIEWS, EventKind, last_reviews, usable_version

STANDING = {"draft", "draft_reasons", "attestations", "content_sha256"}


class AttestationRefused(TertialError):
    """An attestation that cannot be given; the message says why, in Swedish."""


def content_hash(report: Report) -> str:
    """The SHA-256 of what the report says, without its standing (draft, reasons, attestations)."""
    content = report.model_dump(mode="json", exclude=STANDING)
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def unfinished_parts(cycle: Cycle, ledger: Ledger) -> list[str]:
    """Each contributor whose part keeps the report a draft: missing, returned or not approved by the controller."""
    cycle_id = cycle.config.id
    versions, reviews = ledger.versions(cycle_id), ledger.events(cycle_id, kinds=REVIEWS)
    reasons = []
    for contributor in cycle.config.contributors:
        mine = [v for v in versions if v.contributor_id == contributor.id]
        decided = last_reviews([e for e in reviews if e.contributor_id == contributor.id])
        used = usable_version(mine, decided)
        latest = decided.get(mine[-1].number) if mine else None
        if latest is not None and latest.kind == EventKind.RETURNED:
            reasons.append(f"{contributor.avdelning}: version {mine[-1].number} är återsänd")
        elif used is None:
            reasons.append(f"{contributor.avdelning}: underlag saknas")
        elif (review := decided.get(used.number)) is None or review.kind != EventKind.APPROVED:
            reasons.append(f"{contributor.avdelning}: version {used.number} är inte granskad")
    return reasons


def attestations(ledger: Ledger, cycle: Cycle, content: str) -> dict[str, Event]:
    """Per attester's name, their attestation of this content (the first, should they attest twice)."""
    given: dict[str, Event] = {}
    for event in ledger.events(cycle.config.id, kinds=(EventKind.ATTESTED.value,)):
        if json.loads(event.comment).get("innehall") == content:
            given.setdefault(event.actor, event)
    return given


def with_standing(report: Report, cycle: Cycle, ledger: Ledger) -> Report:
    """The report with its standing from the ledger: final only when every part is approved and every named
    attester has attested this content."""
    content = content_hash(report)
    reasons = unfinished_parts(cycle, ledger)
    given = attestations(ledger, cycle, content) if not reasons else {}
    waiting = [p.name for p in cycle.config.attesters if p.name not in given]
    if not reasons and waiting:
        reasons = [f"väntar på attest av {', '.join(waiting)}"]
    signatures = [] if reasons else [Signature(name=p.name, title=p.title, date=swedish_moment(given[p.name].at).date())
                                     for p in cycle.config.attesters]
    return report.model_copy(update={"draft": bool(reasons), "draft_reasons": reasons, "attestations": signatures,
                                     "content_sha256": content})


def named_attester(cycle: Cycle, who: str) -> Person:
    """The attester the cycle names by this name (or e-mail address); refused, naming those it does name, otherwise."""
    wanted = " ".join(who.split()).casefold()
    for person in cycle.config.attesters:
        if wanted in {person.name.casefold(), (person.email or "").casefold()}:
            return person
    named = ", ".join(p.name for p in cycle.config.attesters)
    where = f"Cykelfilen {cycle.source.name} (attesters:)"
    raise AttestationRefused(f"{who} får inte attestera {cycle.config.id}: {where} namnger "
                             + (f"bara {named}." if named else "ingen attestant. Lägg till dem som ska attestera."))


def may_attest(cycle: Cycle, ledger: Ledger, who: str) -> Person:
    """The named attester, when the report can be attested now: refused for a person the cycle does not name and
    for a draft (every part must be in and approved first)."""
    person = named_attester(cycle, who)
    if reasons := unfinished_parts(cycle, ledger):
        raise AttestationRefused(f"Rapporten är ett utkast och kan inte attesteras: {'; '.join(reasons)}. "
                                 "Granska och godkänn varje del först (tertial approve).")
    return person


def attest(ledger: Ledger, cycle: Cycle, report: Report, who: str, at: dt.datetime) -> tuple[Event, bool]:
    """Record the named attester's attestation of the report's content; (the earlier one, False) if already given.
    Refused as `may_attest` says."""
    person = may_attest(cycle, ledger, who)
    content = content_hash(report)
    kind = EventKind.ATTESTED.value
    event = Event(cycle_id=cycle.config.id, contributor_id="", kind=kind, at=at, actor=person.name,
                  key=f"{kind}:{content}:{person.name}", comment=json.dumps({"innehall": content}))
    return ledger.record_event(event)
