"""Leadership's page in `tertial serve` (signed in, read only): how the cycle stands, live from the ledger.

The status per contributor, the goals' assessments across the goal tree, the economy headline and the latest draft
report. Controllers may read it too. Nothing here writes: the page has no form but the header's sign-out.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse
from starlette.exceptions import HTTPException

from tertial.deadlines import long_date
from tertial.errors import TertialError
from tertial.render.status_page import status_view
from tertial.settings import load_settings
from tertial.status import cycle_status
from tertial.web.overview import (
    Reports, cycle_state, draft_file, draft_report, economy_headline, goal_tally, goal_tree, working_days_late,
)
from tertial.web.sessions import Role, SignedIn, require
from tertial.workspace import Workspace

router = APIRouter()
READERS = (Role.LEADERSHIP, Role.CONTROLLER)


@router.get("/ledning", response_class=HTMLResponse)
def status(request: Request, person: SignedIn = require(*READERS)) -> HTMLResponse:
    """The live status, the goal tree, the economy headline and the draft report."""
    service, pages = request.app.state.service, request.app.state.pages
    day = _today(service.clock())
    workspace = Workspace(service.workdir)
    view = status_view(service.cycle, cycle_status(service.cycle, service.ledger, day), day, workspace.root,
                       workspace.status_page.parent)
    return pages.render("leadership.html.j2", person=person, day=long_date(day), state=cycle_state(view),
                        deadline=long_date, late_days=working_days_late, draft=draft_report(service.workdir),
                        **_report_context(request))


def _report_context(request: Request) -> dict:
    """The goal tree and the economy from the report model; a problem with the archive is named, not hidden."""
    service = request.app.state.service
    try:
        report = _reports(request).current(service.cycle, service.ledger)
    except TertialError as error:
        return {"tree": [], "tally": [], "economy": None, "unavailable": str(error)}
    tree = goal_tree(report, service.cycle)
    return {"tree": tree, "tally": goal_tally(tree), "economy": economy_headline(report, service.cycle),
            "unavailable": ""}


@router.get("/ledning/rapport/{name}")
def draft(name: str, request: Request, person: SignedIn = require(*READERS)) -> FileResponse:
    """One file of the latest draft report, as `tertial assemble` wrote it to the work folder."""
    found = draft_file(request.app.state.service.workdir, name)
    if found is None:
        raise HTTPException(404)
    return request.app.state.pages.download(*found)


def _reports(request: Request) -> Reports:
    """The app's one keeper of the report model (made on the first visit)."""
    state = request.app.state
    if not hasattr(state, "leadership_reports"):
        state.leadership_reports = Reports()
    return state.leadership_reports


def _today(now: dt.datetime) -> dt.date:
    """The service clock's day in Sweden (TERTIAL_TIMEZONE)."""
    return now.astimezone(ZoneInfo(load_settings().timezone)).date()
