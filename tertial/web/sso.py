"""Signing in through the city's single sign-on (OpenID Connect, with Authlib), when TERTIAL_OIDC_* are set.

The provider says who the person is (a verified e-mail address); the cycle still says what they may do
(`web_roles`), exactly as for the mailed link. Authlib keeps the flow's state and nonce in the session
cookie and checks the ID token's signature, issuer, audience and nonce against the provider's published keys.
"""

from __future__ import annotations

import warnings
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from tertial.ledger import Event
from tertial.settings import Settings
from tertial.status import EventKind
from tertial.web.sessions import HOME, role_of, start_session

PROVIDER = "stad"
CALLBACK = "/logga-in/sso/klar"


def sso_client(settings: Settings) -> Any | None:
    """The Authlib client of the city's provider, or None when single sign-on is not configured."""
    if not settings.oidc_metadata_url:
        return None
    # Authlib warns at import that it would rather have httpx2 (httpx works), under a filter of its own that says
    # "always": recording the warnings is what keeps that one off the terminal.
    with warnings.catch_warnings(record=True):
        from authlib.integrations.starlette_client import OAuth
    oauth = OAuth()
    secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None
    return oauth.register(PROVIDER, server_metadata_url=settings.oidc_metadata_url, client_id=settings.oidc_client_id,
                          client_secret=secret, client_kwargs={"scope": "openid email"})


router = APIRouter()


def _client(request: Request) -> Any:
    client = request.app.state.service.sso
    if client is None:
        raise HTTPException(404)
    return client


@router.get("/logga-in/sso")
async def start(request: Request) -> Response:
    return await _client(request).authorize_redirect(request, request.app.state.service.base_url + CALLBACK)


@router.get(CALLBACK)
async def finish(request: Request) -> Response:
    from authlib.integrations.base_client import OAuthError

    client, service, pages = _client(request), request.app.state.service, request.app.state.pages
    try:
        token = await client.authorize_access_token(request)
    except OAuthError:
        return pages.problem(403, "Inloggningen gick inte", "Stadens inloggning kunde inte bekräfta vem du är. Försök igen.")
    claims = token.get("userinfo") or {}
    email = str(claims.get("email") or "")
    role = role_of(service.cycle, email) if email and claims.get("email_verified", True) is not False else None
    if role is None:
        return pages.problem(403, "Ingen behörighet", "Din inloggning gav ingen bekräftad e-postadress med en roll i "
                                                      "cykeln. Kontakta controllern.")
    key = f"{EventKind.SIGNED_IN.value}:sso:{claims.get('sub', '')}:{claims.get('nonce', '')}"
    service.ledger.record_event(Event(cycle_id=service.cycle.config.id, contributor_id="", kind=EventKind.SIGNED_IN.value,
                                      at=service.clock(), actor=email, key=key, comment=f"{role.value} (sso)"))
    start_session(request, email, role)
    return RedirectResponse(HOME[role], status_code=303)
