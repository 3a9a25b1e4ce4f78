"""Signing in to `tertial serve` by a one-time link sent by e-mail.

A controller or someone of the leadership gives their address; if the cycle names it (`web_roles`), a link
valid for 15 minutes is mailed to it. The page answers the same whether the address is known or not, so it
tells nobody who may sign in. Opening the link shows a button: the sign-in happens when it is pressed (a POST),
so a mail filter that opens links to scan them uses nothing up. The link is signed (itsdangerous, under a key
derived from the installation's token key) and used once: its use is recorded in the ledger under the link's
own key, and a second use finds it there.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from tertial.ledger import Event
from tertial.mail import Mail
from tertial.status import EventKind
from tertial.web.sessions import (
    HOME, ROLE_NAMES, FormRefused, end_session, form_token, role_of, signed_form, start_session,
)

LINK_MINUTES = 15
_SALT = "tertial-inloggning"
SENT = ("Om adressen hör till en controller eller till ledningen för cykeln har vi skickat en inloggningslänk dit. "
        f"Länken gäller i {LINK_MINUTES} minuter och kan användas en gång.")


def serializer(key: bytes) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key, salt=_SALT)


def sign_in_link(key: bytes, base_url: str, email: str) -> str:
    """A one-time sign-in address for `email`; its nonce makes it one of a kind."""
    token = serializer(key).dumps({"e": email, "n": secrets.token_urlsafe(16)})
    return f"{base_url.rstrip('/')}/logga-in/{token}"


def _claim(key: bytes, token: str) -> tuple[str, str] | str:
    """(address, nonce) of a genuine link younger than 15 minutes, or the Swedish reason it is not."""
    try:
        data = serializer(key).loads(token, max_age=LINK_MINUTES * 60)
        return str(data["e"]), str(data["n"])
    except SignatureExpired:
        return f"Inloggningslänken är äldre än {LINK_MINUTES} minuter. Begär en ny."
    except (BadSignature, KeyError, TypeError):
        return "Inloggningslänken är inte giltig. Kontrollera att hela länken kom med, eller begär en ny."


router = APIRouter()


@router.get("/logga-in", response_class=HTMLResponse)
def sign_in_form(request: Request) -> HTMLResponse:
    pages = request.app.state.pages
    return pages.render("signin.html.j2", csrf=form_token(request), person=pages.person(request),
                        sso=request.app.state.service.sso is not None)


@router.post("/logga-in", response_class=HTMLResponse)
async def ask_for_link(request: Request) -> HTMLResponse:
    pages, service = request.app.state.pages, request.app.state.service
    try:
        form = await signed_form(request)
    except FormRefused as refused:
        return pages.problem(403, "Formuläret kunde inte tas emot", refused.message)
    email = str(form.get("epost", "")).strip()
    role = role_of(service.cycle, email) if email else None
    if role is not None and service.sign_in_mails.admit(email.casefold()) is None:  # over the limit: the same answer
        link = sign_in_link(service.key, service.base_url, email)
        service.mailer.send(Mail(
            to=(email,), subject=f"Inloggning till Tertial: {service.cycle.title}",
            body=(f"Hej!\n\nNågon, förhoppningsvis du, bad om att få logga in i Tertial som {ROLE_NAMES[role]} för "
                  f"{service.cycle.title}. Öppna länken inom {LINK_MINUTES} minuter; den kan användas en gång:\n\n"
                  f"{link}\n\nBad du inte om detta kan du bortse från brevet; ingen kan logga in utan länken.\n")))
    return pages.render("signin_sent.html.j2", message=SENT)


@router.get("/logga-in/{token}", response_class=HTMLResponse)
def confirm(request: Request, token: str) -> HTMLResponse:
    pages, service = request.app.state.pages, request.app.state.service
    claim = _claim(service.key, token)
    if isinstance(claim, str):
        return pages.problem(410, "Inloggningen gick inte", claim)
    return pages.render("signin_confirm.html.j2", token=token, email=claim[0], csrf=form_token(request))


@router.post("/logga-in/{token}")
async def use_link(request: Request, token: str) -> Response:
    pages, service = request.app.state.pages, request.app.state.service
    try:
        await signed_form(request)
    except FormRefused as refused:
        return pages.problem(403, "Formuläret kunde inte tas emot", refused.message)
    claim = _claim(service.key, token)
    if isinstance(claim, str):
        return pages.problem(410, "Inloggningen gick inte", claim)
    email, nonce = claim
    role = role_of(service.cycle, email)
    if role is None:
        return pages.problem(403, "Inloggningen gick inte", "Adressen har inte längre tillgång till cykeln. Kontakta controllern.")
    used = Event(cycle_id=service.cycle.config.id, contributor_id="", kind=EventKind.SIGNED_IN.value,
                 at=service.clock(), actor=email, key=f"{EventKind.SIGNED_IN.value}:{nonce}", comment=role.value)
    if not service.ledger.record_event(used)[1]:
        return pages.problem(410, "Inloggningen gick inte", "Inloggningslänken är redan använd. Begär en ny.")
    start_session(request, email, role)
    return RedirectResponse(HOME[role], status_code=303)


@router.post("/logga-ut")
async def sign_out(request: Request) -> Response:
    pages = request.app.state.pages
    try:
        await signed_form(request)
    except FormRefused as refused:
        return pages.problem(403, "Formuläret kunde inte tas emot", refused.message)
    end_session(request)
    return RedirectResponse("/logga-in", status_code=303)

