"""Signing in to `tertial serve` as controller or leadership: a one-time link by e-mail, a session cookie, roles.

The app is the one `tertial serve` builds, on loopback, mailing through the product's SMTP mailer to a real
SMTP server (aiosmtpd) on 127.0.0.1; people are httpx clients that keep their cookies, and one visit is
made in headless Chromium, where every page is checked by axe-core.
"""

from __future__ import annotations

import time

import httpx
import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from commands.web import build_app
from tertial.access import require_token_key
from tertial.ledger import Ledger
from tertial.web import signin
from tertial.web.sessions import SESSION_COOKIE
from tertial.workspace import Workspace
from tests.conftest import MINI
from tests.webapp import CONTROLLER, CSRF, LEADER, accessible, chromium, free_port, mail_server, running, sign_in

pytestmark = [pytest.mark.browser]


class Site:
    def __init__(self, url, box, workdir) -> None:
        self.url, self.box, self.workdir = url, box, workdir

    def events(self):
        return Ledger(Workspace(self.workdir).default_ledger_url).events("testdal-t1-2025", kinds=("signed_in",))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    workdir, port = tmp_path_factory.mktemp("signin"), free_port()
    with mail_server() as (box, mailer):
        app = build_app(MINI, workdir, base_url=f"http://127.0.0.1:{port}", mailer=mailer)
        with running(app, port) as url:
            yield Site(url, box, workdir)


def test_a_controller_signs_in_once_by_the_mailed_link_and_sees_the_overview(site):
    with httpx.Client() as client:
        answer = sign_in(client, site.url, site.box, CONTROLLER)
        assert answer.status_code == 303 and answer.headers["location"] == "/controller"
        cookie = answer.headers["set-cookie"].lower()
        assert f"{SESSION_COOKIE}=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
        assert "secure" not in cookie  # plain http on loopback; https gives Secure (below)
        overview = client.get(f"{site.url}/controller")
        assert overview.status_code == 200
        assert "Barn- och ungdomsavdelningen" in overview.text or "rad-barn" in overview.text
        assert f"Inloggad som {CONTROLLER}" in overview.text
    mail = site.box.to(CONTROLLER)[-1]
    assert mail["Subject"] == "Inloggning till Tertial: Tertialrapport 1 år 2025 för Testdals socialnämnd"
    link = site.box.sign_in_link(CONTROLLER)
    assert link.startswith(f"{site.url}/logga-in/")
    assert [(e.actor, e.comment) for e in site.events()][-1] == (CONTROLLER, "controller")
    with httpx.Client() as again:  # the same link once more: used up
        confirm = again.get(link)
        used = again.post(link, data={"csrf": CSRF.search(confirm.text)[1]}, follow_redirects=False)
        assert used.status_code == 410 and "redan använd" in used.text
        assert again.get(f"{site.url}/controller", follow_redirects=False).status_code == 303  # not signed in


def test_an_unknown_address_gets_the_same_answer_and_no_mail(site):
    before = len(site.box.messages)
    with httpx.Client() as client:
        page = client.get(f"{site.url}/logga-in")
        known = client.post(f"{site.url}/logga-in", data={"csrf": CSRF.search(page.text)[1], "epost": LEADER})
        unknown = client.post(f"{site.url}/logga-in", data={"csrf": CSRF.search(page.text)[1], "epost": "okand@example.se"})
    assert known.status_code == unknown.status_code == 200
    assert known.text == unknown.text and "kan användas en gång" in unknown.text
    assert [to for to, _ in site.box.messages[before:]] == [(LEADER,)]


def test_pages_need_the_right_role(site):
    with httpx.Client() as anonymous:
        assert anonymous.get(f"{site.url}/controller", follow_redirects=False).headers["location"] == "/logga-in"
        assert anonymous.get(f"{site.url}/ledning", follow_redirects=False).headers["location"] == "/logga-in"
    with httpx.Client() as leader:
        assert sign_in(leader, site.url, site.box, LEADER).headers["location"] == "/ledning"
        assert leader.get(f"{site.url}/ledning").status_code == 200
        refused = leader.get(f"{site.url}/controller")
        assert refused.status_code == 403 and "Ingen behörighet" in refused.text
        page = leader.get(f"{site.url}/ledning")
        out = leader.post(f"{site.url}/logga-ut", data={"csrf": CSRF.search(page.text)[1]}, follow_redirects=False)
        assert out.status_code == 303
        assert leader.get(f"{site.url}/ledning", follow_redirects=False).status_code == 303


def test_forms_without_their_token_and_bad_or_old_links_are_refused(site):
    key = require_token_key(site.workdir)
    with httpx.Client() as client:
        assert client.post(f"{site.url}/logga-in", data={"epost": CONTROLLER}).status_code == 403
        assert client.post(f"{site.url}/logga-in", data={"csrf": "fel", "epost": CONTROLLER}).status_code == 403
        link = signin.sign_in_link(key, site.url, CONTROLLER)
        tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
        bad = client.get(tampered)
        assert bad.status_code == 410 and "inte giltig" in bad.text

        class Old(TimestampSigner):
            def get_timestamp(self) -> int:
                return int(time.time()) - (signin.LINK_MINUTES + 1) * 60

        token = URLSafeTimedSerializer(key, salt="tertial-inloggning", signer=Old).dumps({"e": CONTROLLER, "n": "x"})
        old = client.get(f"{site.url}/logga-in/{token}")
        assert old.status_code == 410 and "äldre än 15 minuter" in old.text
        page = client.get(f"{site.url}/logga-in")
        signed_out = client.post(f"{site.url}/logga-ut", data={"csrf": "fel"})
        assert signed_out.status_code == 403 and CSRF.search(page.text)


def test_behind_https_the_cookie_is_secure(tmp_path):
    port = free_port()  # the city's proxy ends TLS; the app is told its public address is https
    with running(build_app(MINI, tmp_path, base_url="https://tertial.example.se"), port) as url:
        answer = httpx.get(f"{url}/logga-in")
    assert "; secure" in answer.headers["set-cookie"].lower()


def test_the_sign_in_pages_are_accessible_and_work_with_the_keyboard(site):
    with chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{site.url}/logga-in")
        accessible(page)
        for _ in range(5):  # Tab alone to the address field, as someone without a mouse does
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "epost":
                break
        page.keyboard.type(CONTROLLER)
        page.keyboard.press("Enter")
        page.wait_for_selector("#meddelande")
        accessible(page)
        page.goto(site.box.sign_in_link(CONTROLLER))
        accessible(page)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_selector("#oversikt")
        assert page.url.endswith("/controller")
        accessible(page)
        page.goto(f"{site.url}/ledning")
        accessible(page)
        context.close()


def test_one_address_is_mailed_at_most_five_links_in_fifteen_minutes(site):
    address = CONTROLLER.upper()  # the same address, however it is written
    with httpx.Client() as client:
        csrf = CSRF.search(client.get(f"{site.url}/logga-in").text)[1]
        answers = [client.post(f"{site.url}/logga-in", data={"csrf": csrf, "epost": address}) for _ in range(7)]
    assert {a.status_code for a in answers} == {200} and len({a.text for a in answers}) == 1
    # The module's earlier sign-ins as the controller count too: in all, five links within the window.
    assert len(site.box.to(CONTROLLER)) + len(site.box.to(address)) == 5
