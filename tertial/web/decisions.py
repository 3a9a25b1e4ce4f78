"""The controller's decisions in `tertial serve`: approve a contributor's version, or return it with a comment.

Both are the review `tertial approve` and `tertial return` record (tertial/review.py), by the signed-in address at
the service's clock. A return is mailed to the contributor (and deputy) at once, with the comment and the link to
their page, so they need not wait for the next reminder to learn what to change.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tertial.ledger import Event
from tertial.mail import Mail
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
    mail = return_mail(service, event)
    try:
        service.mailer.send(mail)
    except Exception as error:  # noqa: BLE001 - the return stands; the controller is told the mail did not go
        return contributor_page(request, person, contributor_id, done=f"Version {event.version} är återsänd.",
                                problem=f"E-brevet till {', '.join(mail.recipients)} kunde inte skickas ({type(error).__name__}). "
                                        "Meddela bidragsgivaren på annat sätt.")
    return contributor_page(request, person, contributor_id,
                            done=f"Version {event.version} är återsänd; e-brev skickat till {', '.join(mail.recipients)}.")


def _refused(request: Request, person: SignedIn, contributor_id: str, refused: Exception) -> HTMLResponse:
    message = refused.message if isinstance(refused, FormRefused) else str(refused)
    return contributor_page(request, person, contributor_id, 403 if isinstance(refused, FormRefused) else 409,
                            problem=message)


def return_mail(service, event: Event) -> Mail:
    """To the contributor and deputy: which version, who returned it, the comment and the link to hand in again."""
    cycle = service.cycle
    who = cycle.contributor(event.contributor_id)
    link = handout_link(service.key, cycle, service.workdir, who.id, service.base_url)
    body = "\n".join([
        f"Hej {who.responsible},", "",
        f"Version {event.version} av ert underlag till {cycle.title} har återsänts av {event.actor} med kommentaren:", "",
        event.comment, "",
        f"Rätta och lämna in en ny version på din sida: {link}", "",
        "Det här är ett automatiskt utskick från Tertial.",
    ])
    return Mail(to=(who.email,), cc=(who.deputy_email,) if who.deputy_email else (),
                subject=f"Återsänt underlag: {cycle.title} – {who.avdelning}", body=body)
