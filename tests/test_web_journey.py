"""One cycle through `tertial serve` in headless Chromium, the three kinds of users side by side.

A contributor opens their personal link, hands in a workbook with an error, reads the finding at its cell,
downloads the annotated workbook and hands in the corrected one; the controller signs in by the mailed link,
approves it, assembles a draft and downloads the PDF; leadership, signed in the same way, sees the
contributor's status change at each step. The app is the one `tertial serve` builds, on loopback, mailing to a
real SMTP server; uploads go through the real collect intake, the draft through the real assemble flow.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page
from pypdf import PdfReader

from commands.web import build_app
from tertial.access import require_token_key
from tertial.ledger import Ledger
from tertial.web import links
from tertial.workspace import Workspace
from tests.builders import filled_rows, write_filled
from tests.conftest import MINI
from tests.webapp import CONTROLLER, LEADER, accessible, chromium, free_port, mail_server, running, sign_in_in_browser

pytestmark = [pytest.mark.flow, pytest.mark.browser, pytest.mark.usefixtures("prefect_harness")]


FRIDAY = dt.datetime(2025, 5, 2, 8, 0, tzinfo=dt.UTC)  # before the deadlines: nobody is late yet


def _status(page: Page, contributor: str) -> str:
    page.reload()
    return page.locator(f"#rad-{contributor} .status").inner_text()


def _hand_in(page: Page, workbook: Path) -> None:
    page.set_input_files("#fil", workbook)
    page.get_by_role("button", name="Lämna in").click()
    page.wait_for_url("**/inlamning")


def test_a_cycle_in_the_browser_from_a_contributors_link_to_the_controllers_pdf(tmp_path, mini_cycle):
    workdir, port = tmp_path / "arbete", free_port()
    draft_rows = filled_rows(mini_cycle, "barn")
    draft_rows["indicators"][0]["outcome"] = "134 %"  # Indikatorer F2: a percentage out of range
    draft = write_filled(tmp_path, mini_cycle, "barn", draft_rows, name="barn utkast.xlsx")
    corrected = write_filled(tmp_path / "rattad", mini_cycle, "barn")
    with mail_server() as (box, mailer), running(build_app(MINI, workdir, base_url=f"http://127.0.0.1:{port}", mailer=mailer, clock=lambda: FRIDAY), port) as url, \
         chromium() as browser:
        leader = browser.new_context().new_page()
        sign_in_in_browser(leader, url, box, LEADER)
        assert leader.url == f"{url}/ledning" and _status(leader, "barn") == "ej påbörjad"

        token = links.personal_link(require_token_key(workdir), mini_cycle, workdir, "barn", 30, dt.datetime.now(dt.UTC))
        contributor = browser.new_context(accept_downloads=True).new_page()
        contributor.goto(f"{url}/b/{token}")
        _hand_in(contributor, draft)
        assert contributor.locator("#resultat").inner_text() == "Inlämningen är underkänd"
        cell = contributor.locator("#fel tbody tr").filter(has_text="134 %").locator("td").all_inner_texts()
        assert cell[:2] == ["Indikatorer", "F2"]
        with contributor.expect_download() as download:
            contributor.get_by_role("link", name="Ladda ner din arbetsbok med kommentarer").click()
        annotated = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
        assert annotated["Indikatorer"]["F2"].comment is not None and cell[5] in annotated["Indikatorer"]["F2"].comment.text
        assert _status(leader, "barn") == "underkänd"

        contributor.get_by_role("link", name="Tillbaka till din sida").click()
        _hand_in(contributor, corrected)
        assert contributor.locator("#resultat").inner_text() == "Inlämningen är godkänd"
        assert _status(leader, "barn") == "godkänd av systemet"

        controller = browser.new_context(accept_downloads=True).new_page()
        sign_in_in_browser(controller, url, box, CONTROLLER)
        controller.get_by_role("link", name="Avdelningen för barn och unga").click()
        controller.locator("#godkann button").click()
        controller.wait_for_load_state()
        approvals = Ledger(Workspace(workdir).default_ledger_url).events(mini_cycle.config.id, "barn", kinds=("approved",))
        assert [(e.actor, e.version) for e in approvals] == [(CONTROLLER, 2)]
        assert _status(leader, "barn") == "granskad"

        controller.goto(f"{url}/controller/utkast")
        controller.get_by_role("button", name="Sammanställ ett utkast").click()
        pdf_link = controller.locator('a[href="/controller/utkast/fil/pdf"]')
        pdf_link.wait_for(timeout=120_000)
        accessible(controller)
        with controller.expect_download() as download:
            pdf_link.click()
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(download.value.path()).pages).split())
        # The appendix of submissions names the approved version: barn's second, the corrected file.
        assert mini_cycle.config.namnd in text and f"Avdelningen för barn och unga 2 {corrected.name}" in text

        leader.reload()
        assert leader.locator('a[href*="/ledning/rapport/report.pdf"]').count() == 1  # the draft, for leadership too
        accessible(leader)
