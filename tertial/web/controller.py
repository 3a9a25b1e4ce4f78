"""The controller's pages in `tertial serve` (signed in): the cycle's overview, and from it every contributor.

A contributor's page lists their versions, each version's findings at the cell, the changes between any two
versions (the comparison `tertial diff` makes) and the forms for the controller's decision (decisions.py).
The reminders (reminding.py) and the draft report (drafts.py) are reached from the overview.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from tertial.deadlines import days_text, local_time, long_date
from tertial.errors import TertialError
from tertial.findings import Severity
from tertial.ledger import Event, Version
from tertial.settings import load_settings
from tertial.status import EventKind, cycle_status
from tertial.versions import compare_versions
from tertial.web.sessions import FormRefused, Role, SignedIn, require, signed_form
from tertial.web.shown import located, shown

ACTIVITY_SHOWN = 15  # the overview's log: the latest actions; the ledger keeps them all
WHAT = {
    EventKind.APPROVED: "granskade och godkände version {version}",
    EventKind.RETURNED: "återsände version {version}: ”{comment}”",
    EventKind.REMINDER: "påminnelse {comment}",
    EventKind.LATE_NOTICE: "förseningsbesked {comment}",
    EventKind.ESCALATION: "eskalering {comment}",
    EventKind.SIGNED_IN: "loggade in",
    EventKind.REMINDERS_SENT: "skickade påminnelser: {comment}",
    EventKind.DRAFT_ASSEMBLED: "sammanställde ett utkast till rapporten",
    EventKind.RETURN_MAIL: "e-brev om återsändningen {comment}",
    EventKind.ATTESTED: "attesterade rapporten",
}

T = TypeVar("T")

router = APIRouter()


class ActionRefused(Exception):
    """A cycle-wide action not done: the HTTP status and the Swedish reason shown on its page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


async def cycle_action(request: Request, action: Callable[[], T] | None, missing: str) -> T:
    """A cycle-wide action behind a signed form (reminders, a draft): the form's token checked, then the action run
    off the event loop, for it may take seconds; ActionRefused for a forged form, an action the command did not pass
    in (`missing` says what to run instead) or the action's own Swedish refusal."""
    try:
        await signed_form(request)
    except FormRefused as refused:
        raise ActionRefused(403, refused.message) from refused
    if action is None:
        raise ActionRefused(409, missing)
    try:
        return await run_in_threadpool(action)
    except TertialError as error:
        raise ActionRefused(409, str(error)) from error


def record_action(service, kind: EventKind, person: SignedIn, comment: str) -> None:
    """A controller's cycle-wide action in the ledger: who, when (the service's clock), what."""
    service.ledger.record_event(Event(cycle_id=service.cycle.config.id, contributor_id="", kind=kind.value,
                                      at=service.clock(), actor=person.email, key=f"{kind.value}:{uuid.uuid4().hex}",
                                      comment=comment))


def service_day(service) -> dt.date:
    """Today in Sweden by the service's clock: the day the pages judge days left and reminders by."""
    return service.clock().astimezone(ZoneInfo(load_settings().timezone)).date()


@dataclass(frozen=True)
class Activity:
    at: str
    actor: str
    who: str  # the contributor's avdelning, or "" for the whole cycle
    what: str


def activity(service) -> list[Activity]:
    """The latest actions recorded in the ledger, newest first: who did what when."""
    cycle = service.cycle
    names = {c.id: c.avdelning for c in cycle.config.contributors}
    events = service.ledger.events(cycle.config.id)[-ACTIVITY_SHOWN:]
    return [Activity(local_time(e.at), e.actor, names.get(e.contributor_id, e.contributor_id), _what(e))
            for e in reversed(events)]


def _what(event: Event) -> str:
    template = WHAT.get(event.kind)
    if template is None:  # the CLI's assembly and other kinds: named as recorded
        return "sammanställde rapporten" if event.kind == "sammanstallning" else event.kind
    return template.format(version=event.version, comment=event.comment)


@router.get("/controller", response_class=HTMLResponse)
def overview(request: Request, person: SignedIn = require(Role.CONTROLLER)) -> HTMLResponse:
    """Status per contributor, deadline and days left, errors and warnings of the latest version, and the log."""
    service, pages = request.app.state.service, request.app.state.pages
    day = service_day(service)
    rows = cycle_status(service.cycle, service.ledger, day)
    return pages.render("controller.html.j2", person=person, day=long_date(day), rows=rows,
                        deadline=long_date, days=days_text, activity=activity(service))


@router.get("/controller/bidrag/{contributor_id}", response_class=HTMLResponse)
def contributor(request: Request, contributor_id: str, fran: int | None = None, till: int | None = None,
                person: SignedIn = require(Role.CONTROLLER)) -> HTMLResponse:
    """A contributor's versions and decisions; with `fran` and `till`, the changes between those two versions."""
    return contributor_page(request, person, contributor_id, fran=fran, till=till)


def contributor_page(request: Request, person: SignedIn, contributor_id: str, status: int = 200,
                     fran: int | None = None, till: int | None = None, **notice: str) -> HTMLResponse:
    """The page, also as the answer to a decision (`notice`: its Swedish outcome or refusal)."""
    service, pages = request.app.state.service, request.app.state.pages
    versions = _versions(service, contributor_id)
    changes, diff_problem = None, ""
    if fran is not None and till is not None:
        try:
            changes = compare_versions(service.cycle, contributor_id, fran, till, service.ledger)
        except TertialError as error:
            diff_problem = str(error)
    row = next(r for r in cycle_status(service.cycle, service.ledger, service_day(service)) if r.contributor_id == contributor_id)
    numbers = [v.number for v in versions]
    return pages.render("controller_contributor.html.j2", status, person=person, who=service.cycle.contributor(contributor_id),
                        row=row, versions=[shown(v) for v in reversed(versions)], numbers=numbers,
                        fran=fran or (numbers[-2] if len(numbers) > 1 else None), till=till or (numbers[-1] if numbers else None),
                        changes=changes, diff_problem=diff_problem, deadline=long_date, days=days_text, **notice)


@router.get("/controller/bidrag/{contributor_id}/version/{number}", response_class=HTMLResponse)
def version(request: Request, contributor_id: str, number: int, person: SignedIn = require(Role.CONTROLLER)) -> HTMLResponse:
    """One version's findings, each at its sheet and cell, as the contributor saw them."""
    service, pages = request.app.state.service, request.app.state.pages
    found = next((v for v in _versions(service, contributor_id) if v.number == number), None)
    if found is None:
        raise HTTPException(404)
    findings = located(found, service.ledger.findings(found.id), service.cycle)
    return pages.render("controller_version.html.j2", person=person, who=service.cycle.contributor(contributor_id),
                        version=shown(found),
                        errors=[f for f in findings if f.severity is Severity.ERROR],
                        warnings=[f for f in findings if f.severity is Severity.WARNING])


def _versions(service, contributor_id: str) -> list[Version]:
    """The contributor's versions; an id the cycle does not name is no page."""
    if contributor_id not in {c.id for c in service.cycle.config.contributors}:
        raise HTTPException(404)
    return service.ledger.versions(service.cycle.config.id, contributor_id)
