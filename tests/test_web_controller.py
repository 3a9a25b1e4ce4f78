"""The controller's pages in `tertial serve`: overview, a contributor's versions, findings and diff, approve and return
(mailed at once), reminders previewed and sent, a draft report assembled and downloaded with its checks, and every
action in the ledger with who and when.

One app for the module, the one `tertial serve` builds, on loopback with the mini cycle, mailing to a real SMTP
server (aiosmtpd), its clock on Monday 12 May 2025 (after the deadlines, so reminders are due). Contributors hand in
through their own upload form (the collect flow); the controller is an httpx client with a session, and once a
headless Chromium, where every page is checked by axe-core and a version is approved by the keyboard alone.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from commands.web import build_app
from tertial.access import EXAMPLE_TOKEN_KEY
from tertial.accepted import archived_copy
from tertial.findings import Finding, Severity
from tertial.ledger import Ledger
from tertial.web import links
from tertial.web.drafts import placed_checks
from tertial.workspace import Workspace
from tests.builders import filled_rows, write_filled
from tests.conftest import MINI
from tests.webapp import CONTROLLER, CSRF, accessible, chromium, free_port, mail_server, running, sign_in

pytestmark = [pytest.mark.flow, pytest.mark.browser, pytest.mark.usefixtures("prefect_harness")]

MONDAY = dt.datetime(2025, 5, 12, 7, 0, tzinfo=dt.UTC)  # 09:00 in Sweden; barn's and stab's deadline was 7 May, aldre's 5 May
CYCLE = "testdal-t1-2025"


class Site:
    def __init__(self, url, box, workdir, cycle) -> None:
        self.url, self.box, self.workdir, self.cycle = url, box, workdir, cycle
        self.controller = httpx.Client(base_url=url, timeout=300)

    def ledger(self) -> Ledger:
        return Ledger(Workspace(self.workdir).default_ledger_url)

    def events(self, kind: str):
        return self.ledger().events(CYCLE, kinds=(kind,))

    def hand_in(self, contributor: str, workbook: Path) -> None:
        """Through the contributor's own page and upload form, as a browser posts it."""
        token = links.personal_link(EXAMPLE_TOKEN_KEY, self.cycle, self.workdir, contributor, 30, dt.datetime.now(dt.UTC))
        csrf = CSRF.search(httpx.get(f"{self.url}/b/{token}").text)[1]
        answer = httpx.post(f"{self.url}/b/{token}/inlamning", data={"csrf": csrf}, timeout=120,
                            files={"fil": (workbook.name, workbook.read_bytes(), "application/octet-stream")})
        assert answer.status_code == 200

    def post(self, path: str, **fields: str) -> httpx.Response:
        """A form of the controller's pages, with the session's token as the pages carry it."""
        csrf = CSRF.search(self.controller.get("/controller").text)[1]
        return self.controller.post(path, data={"csrf": csrf, **fields})


@pytest.fixture(scope="module")
def site(tmp_path_factory, mini_cycle, prefect_harness):
    workdir, port, files = tmp_path_factory.mktemp("controller"), free_port(), tmp_path_factory.mktemp("workbooks")
    with mail_server() as (box, mailer):
        app = build_app(MINI, workdir, base_url=f"http://127.0.0.1:{port}", mailer=mailer, clock=lambda: MONDAY)
        with running(app, port) as url:
            site = Site(url, box, workdir, mini_cycle)
            draft = filled_rows(mini_cycle, "barn")
            draft["indicators"][0]["outcome"] = "134 %"  # Indikatorer F2: out of range
            site.hand_in("barn", write_filled(files, mini_cycle, "barn", draft, name="barn utkast.xlsx"))
            site.hand_in("barn", write_filled(files, mini_cycle, "barn"))
            site.hand_in("aldre", write_filled(files, mini_cycle, "aldre"))
            assert sign_in(site.controller, url, box, CONTROLLER).headers["location"] == "/controller"
            yield site
            site.controller.close()


def test_the_overview_links_every_contributor_with_status_days_and_latest_version(site):
    page = site.controller.get("/controller").text
    assert "Cykelns läge måndag 12 maj 2025" in page
    barn = re.search(r'<tr id="rad-barn">(.*?)</tr>', page, re.S)[1]
    assert '<a href="/controller/bidrag/barn">Avdelningen för barn och unga</a>' in barn
    assert "godkänd av systemet" in barn and "sista dag har passerat" in barn
    assert [c for c in re.findall(r'<td class="num">([^<]*)</td>', barn)] == ["2", "0", "0"]
    stab = re.search(r'<tr id="rad-stab">(.*?)</tr>', page, re.S)[1]
    assert "sen" in stab and "3 arbetsdagar sent" in stab


def test_a_contributors_versions_findings_at_the_cell_and_the_diff_between_two(site):
    page = site.controller.get("/controller/bidrag/barn").text
    assert 'data-version="1"' in page and 'data-version="2"' in page and "barn utkast.xlsx" in page
    version = site.controller.get("/controller/bidrag/barn/version/1").text
    row = re.search(r"<tr>\s*<td>Indikatorer</td>\s*<td>F2</td>(.*?)</tr>", version, re.S)
    assert row and "134 %" in row[1]
    diff = site.controller.get("/controller/bidrag/barn", params={"fran": 1, "till": 2}).text
    changes = re.search(r'<section id="andringar">(.*?)</section>', diff, re.S)[1]
    assert "Ändringar från version 1 till version 2 (1)" in changes
    assert "<td>Periodens utfall</td>" in changes and "134 %" in changes
    wrong = site.controller.get("/controller/bidrag/barn", params={"fran": 1, "till": 7}).text
    assert "Version 7 finns inte för barn; det finns 1, 2." in wrong
    assert site.controller.get("/controller/bidrag/okand").status_code == 404
    assert site.controller.get("/controller/bidrag/barn/version/9").status_code == 404


def test_a_return_is_recorded_by_the_controller_and_mailed_at_once(site):
    refused = site.post("/controller/bidrag/stab/godkann")  # nothing handed in: the review's own Swedish refusal
    assert refused.status_code == 409 and "har ingen version som är godkänd av systemet att granska" in refused.text
    empty = site.post("/controller/bidrag/aldre/aterskicka", kommentar="  ")
    assert empty.status_code == 409 and "Skriv en kommentar" in empty.text
    forged = site.controller.post("/controller/bidrag/aldre/aterskicka", data={"kommentar": "x"})
    assert forged.status_code == 403 and not site.events("returned")
    answer = site.post("/controller/bidrag/aldre/aterskicka", kommentar="Analysen för mål 1.2 saknar siffror.")
    assert answer.status_code == 200 and "Version 1 är återsänd; e-brev skickat till eli@example.se." in answer.text
    (event,) = site.events("returned")
    assert (event.contributor_id, event.version, event.actor, event.at) == ("aldre", 1, CONTROLLER, MONDAY)
    (mail,) = site.box.to("eli@example.se")
    body = mail.get_body(("plain",)).get_content()
    assert mail["Subject"] == "Återsänt underlag: Tertialrapport 1 år 2025 för Testdals socialnämnd – Äldreavdelningen"
    assert "Analysen för mål 1.2 saknar siffror." in body and f"återsänts av {CONTROLLER}" in body
    token = re.search(rf"{site.url}/b/(\S+)", body)[1]
    assert httpx.get(f"{site.url}/b/{token}").status_code == 200  # the link in the mail opens aldre's page
    log = re.search(r'<table id="logg">(.*?)</table>', site.controller.get("/controller").text, re.S)[1]
    assert "<td>2025-05-12 09:00</td><td>kim.controller@example.se</td><td>Äldreavdelningen</td>" in log
    assert "återsände version 1: ”Analysen för mål 1.2 saknar siffror.”" in log


def test_reminders_are_previewed_without_sending_then_sent_and_recorded(site):
    before = len(site.box.messages)
    preview = site.controller.get("/controller/paminnelser").text
    keys = re.findall(r'<tr data-key="([^"]+)">', preview)
    assert sorted(keys) == ["late:aldre:2025-05-05:2025-05-12", "late:stab:2025-05-07:2025-05-12"]
    assert len(site.box.messages) == before and not site.events("late_notice")  # a preview sends and records nothing
    sent = site.post("/controller/paminnelser")
    assert sent.status_code == 200 and "2 av 2 e-brev skickade." in sent.text
    assert sorted(e.key for e in site.events("late_notice")) == sorted(keys)
    assert {to for to, _ in site.box.messages[before:]} == {("kim@example.se",), ("eli@example.se",)}
    assert "Försenat underlag" in site.box.to("kim@example.se")[-1]["Subject"]
    (event,) = site.events("reminders_sent")
    assert (event.actor, event.contributor_id, event.comment, event.at) == (CONTROLLER, "", "2 av 2 e-brev skickade", MONDAY)
    assert 'id="inga"' in site.controller.get("/controller/paminnelser").text  # nothing due twice


def test_a_draft_is_assembled_downloaded_in_every_format_and_its_checks_listed(site):
    page = site.post("/controller/utkast")
    assert page.status_code == 200 and "Utkastet är sammanställt." in page.text
    (event,) = site.events("draft_assembled")
    assert event.actor == CONTROLLER and event.at == MONDAY
    assert re.findall(r'href="/controller/utkast/fil/(\w+)"', page.text) == ["html", "pdf", "docx", "json", "kontroller"]
    for kind, magic in (("pdf", b"%PDF"), ("docx", b"PK"), ("html", b"<!DOCTYPE html>"), ("json", b"{")):
        assert f'href="/controller/utkast/fil/{kind}"' in page.text
        download = site.controller.get(f"/controller/utkast/fil/{kind}")
        assert download.status_code == 200 and download.content.startswith(magic), kind
        assert download.headers["content-disposition"].startswith("attachment")
    checks = site.controller.get("/controller/utkast/fil/kontroller").text.strip().splitlines()
    shown = re.search(r"Kontroller \((\d+)\)", page.text)[1]
    assert int(shown) == (0 if checks == ["Inga avvikelser mellan texter och data."] else len(checks))
    assert site.controller.get("/controller/utkast/fil/okand").status_code == 404


def test_a_check_naming_a_text_links_to_its_owner_version_and_cell(site):
    (barn,) = [v for v in site.ledger().versions(CYCLE, "barn") if v.number == 2]
    sheet = load_workbook(archived_copy(barn))["Mål"]
    headers = {c.value: c.column_letter for c in sheet[1]}
    row = next(r[0].row for r in sheet.iter_rows(min_row=2) if str(r[0].value) == "1.1")
    check = Finding("narrative_goal_count", Severity.WARNING, "Texten räknar fel.", sheet="Mål", item_id="1.1", column="Analys")
    whole = Finding("narrative_amount", Severity.WARNING, "Beslutet nämner fel belopp.", sheet="Beslut", item_id="1")
    placed, unplaced = placed_checks(site.cycle, site.ledger(), [check, whole])
    assert (placed.contributor_id, placed.version, placed.finding.cell) == ("barn", 2, f"{headers['Analys']}{row}")
    assert (unplaced.contributor_id, unplaced.version, unplaced.finding.cell) == (None, None, None)


def test_every_page_is_accessible_and_a_version_is_approved_by_the_keyboard(site):
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{site.url}/logga-in")
        page.fill("#epost", CONTROLLER)
        page.get_by_role("button", name="Skicka inloggningslänk").click()
        page.wait_for_load_state()
        page.goto(site.box.sign_in_link(CONTROLLER))
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url("**/controller")
        for path in ("/controller", "/controller/bidrag/barn?fran=1&till=2", "/controller/bidrag/barn/version/1",
                     "/controller/paminnelser", "/controller/utkast"):
            page.goto(site.url + path)
            accessible(page)
        page.goto(f"{site.url}/controller/bidrag/barn")
        approve = page.locator("#godkann button")
        for _ in range(30):
            page.keyboard.press("Tab")
            if approve.evaluate("element => element === document.activeElement"):
                break
        else:
            raise AssertionError("Tab never reaches the approve button")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("#klart").inner_text() == "Version 2 är granskad och godkänd."
        assert page.locator("#status").inner_text() == "granskad"
        accessible(page)
    (event,) = site.events("approved")
    assert (event.contributor_id, event.version, event.actor) == ("barn", 2, CONTROLLER)
