"""Signing in through the city's single sign-on: OpenID Connect with Authlib, against a small real provider.

The provider here is a FastAPI app on its own port of 127.0.0.1 that does what a city's IdP does for one
already signed-in person: publishes its metadata and keys, answers the authorization request with a code,
and exchanges the code for an RS256-signed ID token carrying the nonce it was given. Tertial's side is the
app `tertial serve` builds, configured only through TERTIAL_OIDC_* as an installation would be.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI, Form, Request
from fastapi.responses import RedirectResponse
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from commands.web import build_app
from tertial.ledger import Ledger
from tertial.workspace import Workspace
from tests.conftest import MINI
from tests.webapp import CONTROLLER, free_port, running

CLIENT_ID = "tertial"


def provider(issuer: str, person: dict) -> FastAPI:
    """An IdP for one person, who is already signed in with it."""
    key, codes = RSAKey.generate_key(2048, parameters={"kid": "k1"}), {}
    idp = FastAPI()

    @idp.get("/.well-known/openid-configuration")
    def metadata() -> dict:
        return {"issuer": issuer, "authorization_endpoint": f"{issuer}/authorize", "token_endpoint": f"{issuer}/token",
                "jwks_uri": f"{issuer}/jwks", "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"]}

    @idp.get("/jwks")
    def jwks() -> dict:
        return KeySet([key]).as_dict(private=False)

    @idp.get("/authorize")
    def authorize(request: Request) -> RedirectResponse:
        asked = request.query_params
        assert asked["client_id"] == CLIENT_ID and "openid" in asked["scope"].split()
        codes["kod"] = asked["nonce"]
        return RedirectResponse(f"{asked['redirect_uri']}?{urlencode({'code': 'kod', 'state': asked['state']})}")

    @idp.post("/token")
    def token(code: str = Form(...)) -> dict:
        now = int(time.time())
        claims = {"iss": issuer, "aud": CLIENT_ID, "sub": "anv-1", "iat": now, "exp": now + 300, "nonce": codes.pop(code), **person}
        return {"access_token": "at", "token_type": "Bearer", "expires_in": 300,
                "id_token": jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)}

    return idp


def signed_in_through(tmp_path, monkeypatch, person: dict) -> tuple[httpx.Response, str]:
    idp_port, app_port = free_port(), free_port()
    issuer = f"http://127.0.0.1:{idp_port}"
    monkeypatch.setenv("TERTIAL_OIDC_METADATA_URL", f"{issuer}/.well-known/openid-configuration")
    monkeypatch.setenv("TERTIAL_OIDC_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("TERTIAL_OIDC_CLIENT_SECRET", "hemlig")
    with running(provider(issuer, person), idp_port), \
         running(build_app(MINI, tmp_path, base_url=f"http://127.0.0.1:{app_port}"), app_port) as url, \
         httpx.Client(follow_redirects=True, timeout=30) as browser:
        assert 'href="/logga-in/sso"' in browser.get(f"{url}/logga-in").text
        answer = browser.get(f"{url}/logga-in/sso")
        return answer, browser.get(f"{url}/controller", follow_redirects=False).status_code


def test_a_controller_signs_in_through_the_citys_sso(tmp_path, monkeypatch):
    answer, later = signed_in_through(tmp_path, monkeypatch, {"email": CONTROLLER, "email_verified": True})
    assert answer.status_code == 200 and answer.url.path == "/controller" and f"Inloggad som {CONTROLLER}" in answer.text
    assert later == 200
    events = Ledger(Workspace(tmp_path).default_ledger_url).events("testdal-t1-2025", kinds=("signed_in",))
    assert [(e.actor, e.comment) for e in events] == [(CONTROLLER, "controller (sso)")]


@pytest.mark.parametrize("person", [{"email": "okand@example.se"}, {"email": CONTROLLER, "email_verified": False}])
def test_sso_without_a_verified_address_with_a_role_is_refused(tmp_path, monkeypatch, person):
    answer, later = signed_in_through(tmp_path, monkeypatch, person)
    assert answer.status_code == 403 and "Ingen behörighet" in answer.text
    assert later == 303  # still not signed in


def test_without_sso_configured_its_pages_do_not_exist(tmp_path):
    port = free_port()
    with running(build_app(MINI, tmp_path, base_url=f"http://127.0.0.1:{port}"), port) as url:
        assert httpx.get(f"{url}/logga-in/sso").status_code == 404
        assert "/logga-in/sso" not in httpx.get(f"{url}/logga-in").text
