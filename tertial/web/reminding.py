"""Reminders in `tertial serve`: what `tertial remind` would send today, previewed, and sent at the controller's word.

The preview is the same selection the remind flow makes (tertial.reminders.unsent_mails), sending nothing and
recording nothing. Sending runs the flow itself, passed in by the command as `Service.remind`; each mail is recorded
by the flow as it always is, and the controller's sending as one event of its own, with who and when.
"""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tertial.deadlines import long_date
from tertial.reminders import unsent_mails
from tertial.status import EventKind, cycle_status
from tertial.web.controller import ActionRefused, cycle_action, record_action, service_day
from tertial.web.sessions import Role, SignedIn, require

KINDS = {EventKind.REMINDER: "påminnelse", EventKind.LATE_NOTICE: "förseningsbesked", EventKind.ESCALATION: "eskalering"}

router = APIRouter()


@router.get("/controller/paminnelser", response_class=HTMLResponse)
def preview(request: Request, person: SignedIn = require(Role.CONTROLLER)) -> HTMLResponse:
    return _page(request, person)


@router.post("/controller/paminnelser", response_class=HTMLResponse)
async def send(request: Request, person: SignedIn = require(Role.CONTROLLER)) -> HTMLResponse:
    service = request.app.state.service
    send_due = partial(service.remind, service_day(service)) if service.remind else None
    try:
        deliveries = await cycle_action(request, send_due, "Påminnelser skickas inte från den här tjänsten. Kör 'tertial remind'.")
    except ActionRefused as refused:
        return _page(request, person, refused.status, problem=refused.message)
    summary = f"{sum(d.sent for d in deliveries)} av {len(deliveries)} e-brev skickade"
    record_action(service, EventKind.REMINDERS_SENT, person, summary)
    return _page(request, person, deliveries=deliveries, done=f"{summary}.")


def _page(request: Request, person: SignedIn, status: int = 200, **outcome) -> HTMLResponse:
    """The mails due today and not yet sent (after a sending: none, unless one failed)."""
    service, pages = request.app.state.service, request.app.state.pages
    day = service_day(service)
    due = unsent_mails(service.cycle, service.ledger, cycle_status(service.cycle, service.ledger, day), day, service.workdir)
    names = {c.id: c.avdelning for c in service.cycle.config.contributors}
    return pages.render("controller_reminders.html.j2", status, person=person, day=long_date(day), due=due, names=names,
                        kinds=KINDS, can_send=service.remind is not None, **outcome)
