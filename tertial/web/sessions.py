"""Who is signed in to `tertial serve`, and as what: controllers and leadership, by a session cookie.

Contributors never sign in: their personal link is their credential (tertial/web/links.py). Controllers and
leadership sign in by a one-time link mailed to an address the cycle names (`web_roles` in the cycle file,
tertial/web/signin.py); the session is Starlette's signed cookie (HTTP-only, SameSite=Lax, Secure when the app
is reached by https), holding the address, the role and the session's form token. The role is looked up in the
cycle again on every request, so taking an address out of the cycle file signs it out at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from fastapi import Depends, FastAPI, Request
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from tertial.cycle import Cycle

SESSION_COOKIE = "tertial_session"
SESSION_HOURS = 8  # a working day; then a new sign-in link
MAX_FORM_BYTES = 64 * 1024  # a decision's comment and the form token; nothing signed in posts files


class Role(StrEnum):
    CONTROLLER = "controller"
    LEADERSHIP = "ledning"


ROLE_NAMES = {Role.CONTROLLER: "controller", Role.LEADERSHIP: "ledningen"}
HOME = {Role.CONTROLLER: "/controller", Role.LEADERSHIP: "/ledning"}


@dataclass(frozen=True)
class SignedIn:
    email: str
    role: Role
    csrf: str  # the session's form token: every form a signed-in page posts carries it


class SignInRequired(Exception):
    """No session: the app answers with the sign-in page, and comes back to `path` afterwards."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class NotAllowed(Exception):
    """Signed in, but the page is for another role."""


class FormRefused(Exception):
    """A signed-in form without its session's token, or not a small form at all; `message` is Swedish."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def install(app: FastAPI, key: bytes, secure: bool) -> None:
    """The session cookie, signed under a key of its own derived from the installation's token key."""
    secret = hmac.new(key, b"tertial-session", hashlib.sha256).hexdigest()
    app.add_middleware(SessionMiddleware, secret_key=secret, session_cookie=SESSION_COOKIE,
                       max_age=SESSION_HOURS * 3600, same_site="lax", https_only=secure)


def role_of(cycle: Cycle, email: str) -> Role | None:
    """The role the cycle gives an address (case does not matter); a controller is also leadership's reader."""
    wanted = email.strip().casefold()
    roles = cycle.config.web_roles
    if wanted in {a.casefold() for a in roles.controllers}:
        return Role.CONTROLLER
    if wanted in {a.casefold() for a in roles.leadership}:
        return Role.LEADERSHIP
    return None


def form_token(request: Request) -> str:
    """The session's form token, made on the first visit so that the sign-in form has one too."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def start_session(request: Request, email: str, role: Role) -> None:
    """A fresh session for the address: nothing of what the browser carried before survives (no fixation)."""
    request.session.clear()
    request.session.update({"email": email, "role": role.value, "csrf": secrets.token_urlsafe(32)})


def end_session(request: Request) -> None:
    request.session.clear()


def signed_in(request: Request, cycle: Cycle) -> SignedIn | None:
    email = request.session.get("email")
    if not email:
        return None
    role = role_of(cycle, email)
    if role is None or role.value != request.session.get("role"):
        request.session.clear()  # taken out of the cycle file, or given another role: sign in again
        return None
    return SignedIn(email, role, form_token(request))


def require(*roles: Role) -> Callable[[Request], SignedIn]:
    """A FastAPI dependency: the signed-in person when their role is one of `roles`."""

    def signed_in_as(request: Request) -> SignedIn:
        person = signed_in(request, request.app.state.service.cycle)
        if person is None:
            raise SignInRequired(request.url.path)
        if person.role not in roles:
            raise NotAllowed()
        return person

    return Depends(signed_in_as)


async def signed_form(request: Request) -> FormData:
    """A small urlencoded or multipart form of a signed-in page, its form token checked against the session's."""
    length = request.headers.get("content-length")
    if length is None or not length.isdigit() or int(length) > MAX_FORM_BYTES:
        raise FormRefused("Formuläret är för stort eller saknar längd. Gå tillbaka och försök igen.")
    try:
        form = await request.form(max_files=0, max_fields=20, max_part_size=MAX_FORM_BYTES)
    except HTTPException as error:
        raise FormRefused("Formuläret kunde inte läsas. Gå tillbaka och försök igen.") from error
    given, expected = form.get("csrf"), request.session.get("csrf")
    # As bytes: compare_digest refuses str with non-ASCII characters, and a forged token may have them.
    if not isinstance(given, str) or not expected or not hmac.compare_digest(given.encode("utf-8", "surrogatepass"),
                                                                             expected.encode("utf-8")):
        raise FormRefused("Formuläret saknar sin kontrollkod eller har en felaktig. Ladda om sidan och försök igen.")
    return form
