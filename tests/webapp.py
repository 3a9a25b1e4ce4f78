"""What the tests of `tertial serve`'s signed-in pages share: the app on loopback, a real SMTP server that keeps
what it is sent, and signing in through the mailed one-time link, as a controller or leadership does."""

from __future__ import annotations

import email
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy

import httpx
import uvicorn
from aiosmtpd.controller import Controller
from axe_playwright_python.sync_playwright import Axe
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, sync_playwright

from tertial.mail import SmtpMailer
from tertial.settings import SmtpSettings

CONTROLLER = "kim.controller@example.se"  # the mini cycle's web_roles
LEADER = "robin.chef@example.se"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SIGN_IN_LINK = re.compile(r"(https?://\S+/logga-in/[\w.-]+)")


@dataclass
class MailBox:
    """The SMTP server's side: every message it accepted, in order."""

    messages: list[tuple[tuple[str, ...], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((tuple(envelope.rcpt_tos), email.message_from_bytes(envelope.content, policy=default_policy)))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for to, m in self.messages if address in to]

    def sign_in_link(self, address: str) -> str:
        body = self.to(address)[-1].get_body(("plain",)).get_content()
        return SIGN_IN_LINK.search(body)[1]


@contextmanager
def mail_server() -> Iterator[tuple[MailBox, SmtpMailer]]:
    """aiosmtpd on a free port of 127.0.0.1, and the product's own SMTP mailer pointed at it."""
    box = MailBox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield box, SmtpMailer(SmtpSettings(host="127.0.0.1", port=controller.port, sender="tertial@example.se"))
    finally:
        controller.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(app: FastAPI, port: int) -> Iterator[str]:
    """The app under uvicorn in a thread on 127.0.0.1:port; yields its address."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def sign_in(client: httpx.Client, url: str, box: MailBox, address: str) -> httpx.Response:
    """Ask for a link, open it from the mail and press the button, as a person does; the client keeps the cookie."""
    page = client.get(f"{url}/logga-in")
    client.post(f"{url}/logga-in", data={"csrf": CSRF.search(page.text)[1], "epost": address})
    link = box.sign_in_link(address)
    confirm = client.get(link)
    return client.post(link, data={"csrf": CSRF.search(confirm.text)[1]}, follow_redirects=False)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium (`make test` installs it), driven by Playwright: no browser download of Playwright's own."""
    executable = shutil.which("chromium")
    assert executable, "Chromium is missing: `make test` installs it (apt-get install chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True)
        try:
            yield launched
        finally:
            launched.close()


def accessible(page: Page) -> None:
    """WCAG 2.1 AA as axe-core checks it, on the page as the browser shows it now."""
    results = Axe().run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def fits_the_screen(page: Page, widths: tuple[int, ...] = (375, 1200)) -> None:
    """The page on a phone and on a 1 200 px screen: never wider than the window (a wide table scrolls in its own box)."""
    for width in widths:
        page.set_viewport_size({"width": width, "height": 800})
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{page.url} is {wide} px wide in a {width} px window"


def sign_in_in_browser(page: Page, url: str, box: MailBox, address: str) -> None:
    """The sign-in as a person makes it in the browser: the address typed, the mailed link opened, the button pressed."""
    page.goto(f"{url}/logga-in")
    page.get_by_label("Din e-postadress").fill(address)
    page.get_by_role("button", name="Skicka inloggningslänk").click()
    page.wait_for_selector("#meddelande")
    page.goto(box.sign_in_link(address))
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_selector("form.signout")
