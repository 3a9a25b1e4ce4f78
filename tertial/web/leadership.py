"""Leadership's page in `tertial serve` (signed in, read only): how the cycle stands."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tertial.deadlines import long_date, today
from tertial.status import cycle_status
from tertial.web.sessions import Role, SignedIn, require

router = APIRouter()


@router.get("/ledning", response_class=HTMLResponse)
def status(request: Request, person: SignedIn = require(Role.LEADERSHIP, Role.CONTROLLER)) -> HTMLResponse:
    """The live status of every contributor; controllers may read it too."""
    service, pages = request.app.state.service, request.app.state.pages
    day = today()
    return pages.render("leadership.html.j2", person=person, day=long_date(day),
                        rows=cycle_status(service.cycle, service.ledger, day))
