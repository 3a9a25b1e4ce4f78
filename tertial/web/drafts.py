"""The draft report in `tertial serve`: assembled at the controller's word, its files downloaded, its checks listed.

Assembling is the assemble flow (`tertial assemble --allow-missing`), passed in by the command as `Service.assemble`;
it takes some seconds (the PDF most), and the button's POST waits for it. The draft is recorded in the ledger as an
event of its own, with who and when, its files and its checks (`kontroller`), so the page shows the latest draft
after a restart too. Each check that names a text or a row is linked to the contributor who owns it, the version
the draft was built from and the cell in that version's workbook.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse
from starlette.exceptions import HTTPException

from tertial.accepted import archived_copy
from tertial.cycle import Cycle
from tertial.deadlines import local_time
from tertial.errors import TertialError
from tertial.findings import Finding, Severity
from tertial.ledger import Event, Ledger, Version
from tertial.reading import read_submission
from tertial.reading.cells import cell_address
from tertial.status import EventKind, usable_versions
from tertial.submission import Sheet, Submission, sheets_for
from tertial.web.controller import ActionRefused, cycle_action, record_action
from tertial.web.sessions import Role, SignedIn, require
from tertial.web.shown import attachment
from tertial.workspace import Workspace

FORMATS = {"html": "Webbsida (HTML)", "pdf": "PDF", "docx": "Word (DOCX)", "json": "Data (JSON)",
           "kontroller": "Kontrollerna (text)"}

router = APIRouter()


@dataclass(frozen=True)
class Draft:
    at: Event
    files: dict[str, str]  # format → file name in the report folder
    checks: list[Finding]


@dataclass(frozen=True)
class PlacedCheck:
    finding: Finding
    contributor_id: str | None  # who owns the text or row it names; None for the report as a whole
    avdelning: str
    version: int | None  # the version the draft was built from


@router.get("/controller/utkast", response_class=HTMLResponse)
def draft_page(request: Request, person: SignedIn = require(Role.CONTROLLER)) -> HTMLResponse:
    return _page(request, person)


@router.post("/controller/utkast", response_class=HTMLResponse)
async def assemble_draft(request: Request, person: SignedIn = require(Role.CONTROLLER)) -> HTMLResponse:
    service = request.app.state.service
    try:
        files, checks = await cycle_action(request, service.assemble,
                                           "Utkast sammanställs inte från den här tjänsten. Kör 'tertial assemble'.")
    except ActionRefused as refused:
        return _page(request, person, refused.status, problem=refused.message)
    record_action(service, EventKind.DRAFT_ASSEMBLED, person, json.dumps(
        {"files": {kind: path.name for kind, path in files.items()}, "checks": [f.to_dict() for f in checks]},
        ensure_ascii=False))  # the files in the order the flow wrote them
    return _page(request, person, done="Utkastet är sammanställt.")


@router.get("/controller/utkast/fil/{kind}")
def download(request: Request, kind: str, person: SignedIn = require(Role.CONTROLLER)) -> FileResponse:
    """A file of the latest draft, by its format: only what that draft wrote, from the report folder."""
    service = request.app.state.service
    draft = latest_draft(service.cycle, service.ledger)
    name = draft.files.get(kind) if draft else None
    path = Workspace(service.workdir).report / name if name else None
    if path is None or not path.is_file():
        raise HTTPException(404)
    return FileResponse(path, headers=attachment(path.name))


def latest_draft(cycle: Cycle, ledger: Ledger) -> Draft | None:
    events = ledger.events(cycle.config.id, kinds=(EventKind.DRAFT_ASSEMBLED.value,))
    if not events:
        return None
    recorded = json.loads(events[-1].comment)
    checks = [Finding(**(f | {"severity": Severity(f["severity"])})) for f in recorded["checks"]]
    return Draft(events[-1], recorded["files"], checks)


def placed_checks(cycle: Cycle, ledger: Ledger, checks: list[Finding]) -> list[PlacedCheck]:
    """Each check with the contributor, version and cell it names, as far as it names one."""
    sheets = sheets_for(cycle.config.kind, cycle.config.year, cycle.outline.economy)
    keys = {sheet.name: key for key, sheet in sheets.items()}
    owners = {"goals": cycle.goal_owner, "indicators": cycle.indicator_owner, "activities": cycle.activity_owner,
              "texts": cycle.text_owner}
    usable, read = usable_versions(ledger, cycle.config.id), {}
    placed = []
    for check in checks:
        key = keys.get(check.sheet or "")
        owner = owners[key].get(check.item_id or "") if key in owners else (cycle.economy_owner if key else None)
        version = usable.get(owner) if owner else None
        if version is not None and version.id not in read:
            read[version.id] = _submission(version, cycle)
        submission = read.get(version.id) if version else None
        if submission is not None and not check.cell:
            check = replace(check, cell=_cell(submission, key, sheets[key], check))
        placed.append(PlacedCheck(check, owner, cycle.contributor(owner).avdelning if owner else "",
                                  version.number if version else None))
    return placed


def _submission(version: Version, cycle: Cycle) -> Submission | None:
    try:
        return read_submission(archived_copy(version), cycle)
    except TertialError:  # changed or unreadable: the check still names its sheet and item
        return None


def _cell(submission: Submission, key: str, sheet: Sheet, check: Finding) -> str | None:
    """The cell of the check's column on the row of its item, where the item stands in the workbook."""
    frame = submission.frame(key)
    if frame.empty or not check.item_id or "_row" not in frame:
        return None
    rows = frame[frame[sheet.id_column].astype(str) == check.item_id]["_row"]
    return cell_address(submission.layouts, sheet.name, int(rows.iloc[0]), check.column) if len(rows) else None


def _page(request: Request, person: SignedIn, status: int = 200, **outcome) -> HTMLResponse:
    service, pages = request.app.state.service, request.app.state.pages
    draft = latest_draft(service.cycle, service.ledger)
    checks = placed_checks(service.cycle, service.ledger, draft.checks) if draft else []
    files = [(kind, FORMATS.get(kind, kind), name) for kind, name in draft.files.items()] if draft else []
    return pages.render("controller_draft.html.j2", status, person=person, draft=draft, files=files, checks=checks,
                        at=local_time(draft.at.at) if draft else "", can_assemble=service.assemble is not None,
                        **outcome)
