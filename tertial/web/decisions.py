"""The controller's decisions in `tertial serve`: approve a contributor's version, or return it with a comment.

Both are the review `tertial approve` and `tertial return` record (tertial/review.py), by the signed-in address at
the service's clock. A return is mailed to the contributor (and deputy) at once, with the comment and the link to
their page, so they need not wait for the next reminder to learn what to change.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tertial.reminders import return_mail, return_mail_sent
from tertial.review import ReviewError, approve, return_submission
from tertial.web.controller import contributor_page
from tertial.web.links import handout_link
from tertial.web.sessions import FormRefused, Role, SignedIn, require, signed_form

router = APIRouter()


@router.post("/controller/bidrag/{contributor_id}/godkann", response_class=HTMLResponse)
async def approve_version(request: Request, contributor_id: str, person: SignedIn = require(Role.CONTROLLER)) -> HTMLResponse:
    service = request.app.state.service
    try:
        await signed_form(request)
        event = approve(service.ledger, service.cycle, contributor_id, person.email, service.clock())
    except (FormRefused, ReviewError) as refused:
        return _refused(request, person, contributor_id, refused)
    return contributor_page(request, person, contributor_id, done=f"Version {event.version} är granskad och godkänd.")


@router.post("/controller/bidrag/{contributor_id}/aterskicka", response_class=HTMLResponse)
async def return_version(request: Request, contributor_id: str, person: SignedIn = require(Role.CONTROLLER)) -> HTMLResponse:
    service = request.app.state.service
    try:
        form = await signed_form(request)
        event = return_submission(service.ledger, service.cycle, contributor_id, str(form.get("kommentar", "")),
                                  person.email, service.clock())
    except (FormRefused, ReviewError) as refused:
        return _refused(request, person, contributor_id, refused)
    link = handout_link(service.key, service.cycle, service.workdir, event.contributor_id, service.base_url)
    mail = return_mail(service.cycle, event, link)
    try:
        service.mailer.send(mail)
    except Exception as error:  # noqa: BLE001 - the return stands; the controller is told the mail did not go
        return contributor_page(request, person, contributor_id, done=f"Version {event.version} är återsänd.",
                                problem=f"E-brevet till {', '.join(mail.recipients)} kunde inte skickas ({type(error).__name__}). "
                                        "Meddela bidragsgivaren på annat sätt.")
    return_mail_sent(service.ledger, event, mail, service.clock())
    return contributor_page(request, person, contributor_id,
                            done=f"Version {event.version} är återsänd; e-brev skickat till {', '.join(mail.recipients)}.")


def _refused(request: Request, person: SignedIn, contributor_id: str, refused: Exception) -> HTMLResponse:
    message = refused.message if isinstance(refused, FormRefused) else str(refused)
    return contributor_page(request, person, contributor_id, 403 if isinstance(refused, FormRefused) else 409,
                            problem=message)
