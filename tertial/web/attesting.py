"""Attesting the report in `tertial serve`: the people the cycle names under `attesters:` sign it off here.

The same action as `tertial attest`: the assemble flow, run with the attester (passed in by the command as
`Service.attest`), records the attestation of the report's content in the ledger with who and when and writes the
report again; after the last named attester it is final and carries their names and dates. A draft (a part missing,
returned or not approved) cannot be attested, and nobody the cycle does not name may attest: the page says why.
Leadership and controllers may open the page; only a named attester sees the button.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tertial.attestation import AttestationRefused, may_attest, named_attester, unfinished_parts
from tertial.deadlines import local_time
from tertial.status import EventKind
from tertial.web.controller import ActionRefused, cycle_action
from tertial.web.sessions import Role, SignedIn, require

router = APIRouter()
ATTESTERS = (Role.LEADERSHIP, Role.CONTROLLER)


@router.get("/attestera", response_class=HTMLResponse)
def attest_page(request: Request, person: SignedIn = require(*ATTESTERS)) -> HTMLResponse:
    return _page(request, person)


@router.post("/attestera", response_class=HTMLResponse)
async def attest_report(request: Request, person: SignedIn = require(*ATTESTERS)) -> HTMLResponse:
    service = request.app.state.service
    try:
        attester = named_attester(service.cycle, person.email)
    except AttestationRefused as refused:
        return _page(request, person, 403, problem=str(refused))
    try:
        may_attest(service.cycle, service.ledger, attester.name)  # a draft is refused here, before the flow starts
    except AttestationRefused as refused:
        return _page(request, person, 409, problem=str(refused))
    attest = service.attest
    try:
        await cycle_action(request, (lambda: attest(attester.name)) if attest else None,
                           "Rapporten attesteras inte från den här tjänsten. Kör 'tertial attest'.")
    except ActionRefused as refused:
        return _page(request, person, refused.status, problem=refused.message)
    return _page(request, person, done=f"{attester.name} har attesterat rapporten.")


def _page(request: Request, person: SignedIn, status: int = 200, **notice: str) -> HTMLResponse:
    service = request.app.state.service
    cycle, ledger = service.cycle, service.ledger
    try:
        me = named_attester(cycle, person.email)
    except AttestationRefused:
        me = None
    given = [(e.actor, local_time(e.at), json.loads(e.comment).get("innehall", "")[:12])
             for e in ledger.events(cycle.config.id, kinds=(EventKind.ATTESTED.value,))]
    return request.app.state.pages.render(
        "attest.html.j2", status, person=person, attesters=cycle.config.attesters, me=me,
        unfinished=unfinished_parts(cycle, ledger), given=given, **notice)
