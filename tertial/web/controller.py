"""The controller's pages in `tertial serve` (signed in): the cycle's overview, and from it every contributor."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tertial.deadlines import days_text, long_date, today
from tertial.status import cycle_status
from tertial.web.sessions import Role, SignedIn, require

router = APIRouter()


@router.get("/controller", response_class=HTMLResponse)
def overview(request: Request, person: SignedIn = require(Role.CONTROLLER)) -> HTMLResponse:
    """Status per contributor, deadline and days left, errors and warnings of the latest version."""
    service, pages = request.app.state.service, request.app.state.pages
    day = today()
    rows = cycle_status(service.cycle, service.ledger, day)
    return pages.render("controller.html.j2", person=person, day=long_date(day), rows=rows,
                        deadline=long_date, days=days_text)
