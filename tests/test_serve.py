"""`tertial serve`: a contributor's link, page, upload, feedback and annotated workbook, on loopback in Chromium.

The app is the one `tertial serve` builds (commands/web.py), run by uvicorn on a free port of 127.0.0.1 in a
thread, on the mini cycle in a fresh work folder; uploads go through the real collect flow. A contributor's
visit is driven in headless Chromium through Playwright (one browser for the module): the pages are read,
the forms filled and submitted (once by the keyboard alone), the workbooks downloaded, and every page is
checked by axe-core. Misuse where a browser adds nothing is posted with httpx, as a browser posts a form
(multipart, with the page's hidden CSRF field).
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
import uvicorn
from openpyxl import load_workbook
from playwright.sync_api import Browser, Download, Page
from typer.testing import CliRunner

from commands import app
from commands.web import CHECKING_PROCESSES, build_app, warm_up
from flows.collect import collect
from tertial.access import EXAMPLE_TOKEN_KEY, issue_token
from tertial.accepted import archived_copy
from tertial.ledger import Ledger, Version
from tertial.prefect_server import LocalServer
from tertial.review import approve, return_submission
from tertial.settings import load_settings
from tertial.submission import META_SHEET
from tertial.warm_processes import WarmProcesses
from tertial.web import links
from tertial.web.upload import MAX_BODY_BYTES
from tertial.workspace import Workspace
from tests.builders import filled_rows, write_filled, write_filled_csv
from tests.conftest import MINI
from tests.webapp import accessible, chromium

pytestmark = [pytest.mark.flow, pytest.mark.browser, pytest.mark.usefixtures("prefect_harness")]

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
ACTIVE = "<script>alert(1)</script>"


class Served:
    def __init__(self, workdir: Path, url: str, cycle) -> None:
        self.workdir, self.url, self.cycle = workdir, url, cycle

    def link(self, contributor: str, days: int = 30, now: dt.datetime | None = None) -> str:
        now = now or dt.datetime.now(dt.UTC)
        return links.personal_link(EXAMPLE_TOKEN_KEY, self.cycle, self.workdir, contributor, days, now)

    def get(self, path: str) -> httpx.Response:
        return httpx.get(self.url + path, timeout=60)

    def upload(self, token: str, workbook: Path, csrf: str | None = "from the page") -> httpx.Response:
        if csrf == "from the page":
            csrf = CSRF.search(self.get(f"/b/{token}").text)[1]
        fields = {"csrf": csrf} if csrf is not None else {}
        files = {"fil": (workbook.name, workbook.read_bytes(), "application/octet-stream")}
        return httpx.post(f"{self.url}/b/{token}/inlamning", data=fields, files=files, timeout=120)

    def ledger(self) -> Ledger:
        return Ledger(Workspace(self.workdir).default_ledger_url)

    def versions(self, contributor: str):
        return self.ledger().versions(self.cycle.config.id, contributor)

    def archived(self) -> int:
        return len(list((Workspace(self.workdir).archive).glob("*/*/mottagen.json")))


@contextmanager
def serving(workdir: Path, cycle, checkers=None):
    """The app `tertial serve` builds, on this work folder, run by uvicorn on a free port of 127.0.0.1 in a thread;
    with `checkers`, its warm processes read and validate the uploads."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(build_app(MINI, workdir, checkers=checkers), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield Served(workdir, f"http://127.0.0.1:{sock.getsockname()[1]}", cycle)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def served(tmp_path_factory, mini_cycle, prefect_harness):
    """The app with its warm processes, as `tertial serve` runs it."""
    workdir = tmp_path_factory.mktemp("serve")
    with WarmProcesses(CHECKING_PROCESSES, warm_up, MINI, workdir) as checkers, \
            serving(workdir, mini_cycle, checkers) as app_served:
        checkers.wait_until_warm()
        yield app_served


@pytest.fixture(scope="module")
def browser() -> Browser:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Page:
    context = browser.new_context(accept_downloads=True)
    yield context.new_page()
    context.close()


def policy(response: httpx.Response) -> dict[str, str]:
    """The Content-Security-Policy's directives, by name."""
    return dict(part.strip().partition(" ")[::2] for part in response.headers["content-security-policy"].split(";"))


def tab_to(page: Page, selector: str) -> None:
    """Move the focus with Tab alone until it is on the element, as someone without a mouse does."""
    target = page.locator(selector)
    for _ in range(20):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reaches {selector} on {page.url}")


def finding_row(page: Page, section: str, cell: str) -> list[str]:
    """The cells of the findings table's row for a cell address, as shown."""
    row = page.locator(f"#{section} tbody tr").filter(has=page.locator("td", has_text=re.compile(f"^{cell}$")))
    return row.locator("td").all_inner_texts()


def saved(download: Download, folder: Path) -> Path:
    """A download kept under the name the server gave it."""
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def _workbook(folder: Path, cycle, contributor: str, name: str, **indicator) -> Path:
    rows = filled_rows(cycle, contributor)
    rows["indicators"][0].update(indicator)  # barn's first indicator is on row 2 of Indikatorer
    return write_filled(folder, cycle, contributor, rows, name=name)


def test_a_contributor_hands_in_gets_feedback_at_the_cell_and_corrects(served, mini_cycle, page, tmp_path):
    token = served.link("barn")
    page.goto(f"{served.url}/b/{token}")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.title() == f"Avdelningen för barn och unga – {mini_cycle.title}"
    assert page.locator("h1").inner_text() == "Avdelningen för barn och unga"
    assert (page.locator("#ansvarig").inner_text(), page.locator("#sista-dag").inner_text()) == ("Alex Barn", "onsdag 7 maj 2025")
    assert "Du har inte lämnat in något ännu." in page.locator("main").inner_text()
    accessible(page)

    with page.expect_download() as handout:
        page.get_by_role("link", name="Ladda ner din förifyllda arbetsbok").click()
    meta = dict(load_workbook(saved(handout.value, tmp_path))[META_SHEET].iter_rows(values_only=True))
    assert meta["bidragsgivare"] == "barn" and meta["nyckel"] == issue_token(EXAMPLE_TOKEN_KEY, "testdal-t1-2025", "barn")
    with page.expect_download() as calendar:
        page.get_by_role("link", name="Lägg sista dagen i din kalender").click()
    ics = saved(calendar.value, tmp_path).read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in ics and "DTSTART;VALUE=DATE:20250507" in ics  # barn's deadline, onsdag 7 maj 2025

    draft = _workbook(tmp_path, mini_cycle, "barn", "Barn utkast (å).xlsx", outcome="134 %")
    page.set_input_files("#fil", draft)
    page.get_by_role("button", name="Lämna in").click()
    page.wait_for_url("**/inlamning")
    assert page.locator("#resultat").inner_text() == "Inlämningen är underkänd"
    (version,) = served.versions("barn")
    assert version.original_name == draft.name and archived_copy(version).read_bytes() == draft.read_bytes()
    finding = next(f for f in served.ledger().findings(version.id) if f.rule_id == "indicator_percent_range")
    assert (finding.sheet, finding.row, finding.value) == ("Indikatorer", 2, "134 %")
    shown = finding_row(page, "fel", "F2")
    assert (shown[0], shown[1], shown[4], shown[5]) == ("Indikatorer", "F2", "134 %", finding.message)
    assert page.locator("main").inner_text().count(finding.message) == 1
    accessible(page)

    with page.expect_download() as annotated:
        page.get_by_role("link", name="Ladda ner din arbetsbok med kommentarer").click()
    comment = load_workbook(saved(annotated.value, tmp_path))["Indikatorer"]["F2"].comment
    assert comment is not None and finding.message in comment.text

    page.get_by_role("link", name="Tillbaka till din sida").click()
    page.wait_for_url(f"**/b/{token}")
    with page.expect_file_chooser() as chooser:  # the corrected workbook by the keyboard alone
        tab_to(page, "#fil")
        page.keyboard.press("Enter")
    chooser.value.set_files(_workbook(tmp_path, mini_cycle, "barn", "barn.xlsx"))
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/inlamning")
    assert page.locator("#resultat").inner_text() == "Inlämningen är godkänd"
    assert page.locator(".counts").inner_text() == "0 fel och 0 varningar."

    page.get_by_role("link", name="Tillbaka till din sida").click()
    page.wait_for_url(f"**/b/{token}")
    rows = {n: page.locator(f'tr[data-version="{n}"]').inner_text() for n in (1, 2)}
    assert draft.name in rows[1] and "underkänd" in rows[1]
    assert "barn.xlsx" in rows[2] and "godkänd" in rows[2] and "underkänd" not in rows[2]
    page.get_by_role("link", name="Version 1", exact=True).click()
    page.wait_for_url(f"**/b/{token}/version/1")
    assert page.title() == f"Återkoppling – {mini_cycle.title}"
    shown = finding_row(page, "fel", "F2")
    assert (shown[0], shown[1], shown[4], shown[5]) == ("Indikatorer", "F2", "134 %", finding.message)
    accessible(page)


def test_the_start_page_and_a_refusal_are_accessible_swedish_pages(served, mini_cycle, page):
    page.goto(served.url + "/")
    assert page.title() == f"Lämna in – {mini_cycle.title}" and page.locator("h1").inner_text() == f"Lämna in till {mini_cycle.title}"
    accessible(page)
    refused = page.goto(f"{served.url}/b/inte-en-lank")
    assert refused.status == 403 and page.locator("h1").inner_text() == "Länken fungerar inte"
    assert page.title() == f"Länken fungerar inte – {mini_cycle.title}"
    accessible(page)


@pytest.fixture(scope="module")
def active(served, mini_cycle, tmp_path_factory) -> httpx.Response:
    """Barn hands in a workbook with markup typed where a number belongs."""
    workbook = _workbook(tmp_path_factory.mktemp("aktiv"), mini_cycle, "barn", "barn-aktiv.xlsx", outcome=ACTIVE)
    return served.upload(served.link("barn"), workbook)


def test_another_contributors_link_sees_none_of_the_first_ones_versions(served, active):
    assert served.versions("barn")[-1].original_name == "barn-aktiv.xlsx"
    aldre = served.link("aldre")
    page = served.get(f"/b/{aldre}").text
    assert "Äldreavdelningen" in page and "barn-aktiv.xlsx" not in page and "Du har inte lämnat in något ännu." in page
    for path in ("version/1", "aterkoppling/1.xlsx"):
        refused = served.get(f"/b/{aldre}/{path}")
        assert refused.status_code == 404 and "Det finns ingen sådan sida" in refused.text


def test_a_workbook_is_handed_in_only_for_the_links_own_contributor(served, mini_cycle, tmp_path):
    """Another contributor's workbook, genuine or not, is refused at the link and never taken in; the link's own
    contributor's workbook with a token that does not hold is taken in and refused by intake's token check."""
    genuine = write_filled(tmp_path, mini_cycle, "stab", name="stab-akta.xlsx")
    before = {c: len(served.versions(c)) for c in ("barn", "stab")}
    taken = served.upload(served.link("barn"), genuine)
    assert taken.status_code == 403 and "utfärdad till en annan avdelning" in taken.text
    assert "Ingenting har tagits emot" in taken.text
    assert {c: len(served.versions(c)) for c in ("barn", "stab")} == before
    assert "stab-akta.xlsx" not in served.get(f"/b/{served.link('barn')}").text

    forged = write_filled(tmp_path, mini_cycle, "barn", name="barn-fel-nyckel.xlsx")
    workbook = load_workbook(forged)
    meta = workbook[META_SHEET]
    next(row for row in meta.iter_rows() if row[0].value == "nyckel")[1].value = issue_token(
        EXAMPLE_TOKEN_KEY, "testdal-t1-2025", "aldre")
    workbook.save(forged)
    response = served.upload(served.link("barn"), forged)
    assert response.status_code == 200 and "Inlämningen är underkänd" in response.text
    assert "Filen räknas inte som din inlämning" in response.text and "nyckeln stämmer inte" in response.text
    assert served.versions("aldre") == [] and len(served.versions("barn")) == before["barn"]


def test_tampered_expired_and_revoked_links_are_refused(served):
    token = served.link("stab")
    payload, _, signature = token.rpartition(".")
    other = served.link("barn").rpartition(".")[0]
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    elsewhere = links.issue_link(EXAMPLE_TOKEN_KEY, links.LinkClaim("annan-kommun-t1-2025", "stab", later, 0))
    unknown = links.issue_link(EXAMPLE_TOKEN_KEY, links.LinkClaim("testdal-t1-2025", "stabb", later, 0))
    under_another_key = links.issue_link(b"en annan installation", links.LinkClaim("testdal-t1-2025", "stab", later, 0))
    for forged in (f"{other}.{signature}", f"{payload}.{signature[:-2]}AA", "inte-en-lank", f"{payload}.", elsewhere,
                   unknown, under_another_key):
        refused = served.get(f"/b/{forged}")
        assert refused.status_code == 403 and "Länken är inte giltig" in refused.text, forged
    expired = served.link("stab", days=1, now=dt.datetime.now(dt.UTC) - dt.timedelta(days=2))
    gone = served.get(f"/b/{expired}")
    assert gone.status_code == 410 and "Länken gick ut" in gone.text
    links.revoke(served.workdir, "stab")
    revoked = served.get(f"/b/{token}")
    assert revoked.status_code == 410 and "ersatts av en nyare" in revoked.text
    assert served.get(f"/b/{served.link('stab')}").status_code == 200


def test_a_form_without_its_csrf_token_is_refused(served, mini_cycle, tmp_path):
    token = served.link("aldre")
    workbook = write_filled(tmp_path, mini_cycle, "aldre")
    archived = served.archived()
    for csrf in (None, "fel", CSRF.search(served.get(f"/b/{served.link('barn')}").text)[1]):
        refused = served.upload(token, workbook, csrf=csrf)
        assert refused.status_code == 403 and "saknar sin kontrollkod" in refused.text
    assert served.archived() == archived and served.versions("aldre") == []


def test_a_malformed_form_gets_its_own_page_and_nothing_is_archived(served, mini_cycle, tmp_path):
    token = served.link("aldre")
    csrf = CSRF.search(served.get(f"/b/{token}").text)[1]
    archived = served.archived()
    workbook = write_filled(tmp_path, mini_cycle, "aldre").read_bytes()
    two = httpx.post(f"{served.url}/b/{token}/inlamning", data={"csrf": csrf}, timeout=60,
                     files=[("fil", ("a.xlsx", workbook)), ("fil", ("b.xlsx", workbook))])
    nameless = httpx.post(f"{served.url}/b/{token}/inlamning", timeout=60, headers={"Content-Type": "multipart/form-data; boundary=b"},
                          content=f"--b\r\nContent-Disposition: form-data\r\n\r\n{csrf}\r\n--b--\r\n")
    for refused in (two, nameless):
        assert refused.status_code == 400 and "Formuläret kunde inte läsas" in refused.text
        assert refused.headers["content-security-policy"].startswith("default-src 'none'")
    assert served.archived() == archived and served.versions("aldre") == []


def test_an_oversized_upload_is_refused_before_it_is_archived(served):
    token = served.link("aldre")
    archived = served.archived()
    url = f"{served.url}/b/{token}/inlamning"
    host, port = served.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:  # the answer comes before any body is sent
        conn.sendall(f"POST /b/{token}/inlamning HTTP/1.1\r\nHost: {host}\r\nContent-Length: {MAX_BODY_BYTES + 1}\r\n"
                     "Content-Type: multipart/form-data; boundary=b\r\n\r\n".encode("ascii"))
        assert conn.recv(65536).startswith(b"HTTP/1.1 413 ")

    csrf = CSRF.search(served.get(f"/b/{token}").text)[1]

    def chunks():  # no Content-Length: a well-formed form whose file passes the limit while it streams
        yield (f'--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n--b\r\n'
               'Content-Disposition: form-data; name="fil"; filename="stor.xlsx"\r\n\r\nPK\x03\x04').encode("ascii")
        for _ in range(MAX_BODY_BYTES // (1 << 20) + 2):
            yield b"\0" * (1 << 20)
        yield b"\r\n--b--\r\n"

    streamed = httpx.post(url, content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=b"}, timeout=60)
    assert streamed.status_code == 413 and "Filen är för stor: högst 50 MB" in streamed.text
    assert served.archived() == archived and served.versions("aldre") == []


def test_submission_text_never_becomes_markup(served, active):
    number = served.versions("barn")[-1].number
    for response in (active, served.get(f"/b/{served.link('barn')}/version/{number}")):
        assert response.status_code == 200 and "Inlämningen är underkänd" in response.text
        assert "<script>" not in response.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
        assert policy(response)["script-src"] == "'self'"  # the app's own script file, nothing inline
        assert response.headers["referrer-policy"] == "no-referrer"


def test_lank_prints_a_link_the_app_opens_and_revoking_retires_the_old_one(served):
    def lank(*extra: str):
        return CliRunner().invoke(app, ["lank", "--cycle", str(MINI), "--workdir", str(served.workdir),
                                        "--bas-url", served.url, *extra])

    first = lank("--bidragsgivare", "barn", "--dagar", "3")
    assert first.exit_code == 0, first.output
    url = first.output.strip()
    assert url.startswith(f"{served.url}/b/") and "Avdelningen för barn och unga" in httpx.get(url, timeout=30).text
    second = lank("--bidragsgivare", "barn", "--aterkalla")
    assert second.exit_code == 0 and httpx.get(second.output.strip(), timeout=30).status_code == 200
    assert httpx.get(url, timeout=30).status_code == 410
    unknown = lank("--bidragsgivare", "barnen")
    assert unknown.exit_code == 2 and "Bidragsgivaren 'barnen' finns inte i testdal-t1-2025" in unknown.output


def test_every_answer_is_a_swedish_page_with_the_security_headers(served):
    token = served.link("aldre")
    for path, status in ((f"/b/{token}/version/abc", 404), (f"/b/{token}/inlamning", 405), ("/finns-inte", 404), ("/", 200)):
        answer = served.get(path)
        assert answer.status_code == status and '<html lang="sv">' in answer.text, path
        assert answer.headers["content-security-policy"].startswith("default-src 'none'")
        assert answer.headers["x-frame-options"] == "DENY" and answer.headers["cache-control"] == "no-store"


def test_the_handout_carries_the_personal_link_when_the_installation_has_a_public_address(
        served, mini_cycle, tmp_path, monkeypatch):
    """With TERTIAL_PUBLIC_URL, `tertial open`'s workbook says where to hand in: the contributor's link, valid until 30
    days after their deadline, the same on every run (its expiry follows the deadline, not the clock)."""
    from tasks.workbooks import write_handout
    from tertial.workbooks import prefilled_rows

    monkeypatch.setenv("TERTIAL_PUBLIC_URL", "https://tertial.exempel.se/")
    first = write_handout.fn(mini_cycle, "barn", prefilled_rows(mini_cycle, "barn"), tmp_path / "a", served.workdir)
    again = write_handout.fn(mini_cycle, "barn", prefilled_rows(mini_cycle, "barn"), tmp_path / "b", served.workdir)
    assert first.read_bytes() == again.read_bytes()
    lines = [c for row in load_workbook(first).worksheets[0].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    step = next(line for line in lines if line.startswith("6. "))
    link = re.search(r"https://tertial\.exempel\.se/b/(\S+)", step)
    assert link and "Länken är din egen" in step
    deadline = dt.datetime.combine(mini_cycle.deadline("barn"), dt.time(12), tzinfo=dt.UTC)
    claim = links.read_link(EXAMPLE_TOKEN_KEY, link[1], mini_cycle, served.workdir, deadline)
    assert claim.contributor_id == "barn" and claim.expires.date() == mini_cycle.deadline("barn") + dt.timedelta(days=30)

    monkeypatch.delenv("TERTIAL_PUBLIC_URL")
    plain = write_handout.fn(mini_cycle, "barn", prefilled_rows(mini_cycle, "barn"), tmp_path / "c", served.workdir)
    assert any("Skicka arbetsboken till inkorgen" in str(c) for row in load_workbook(plain).worksheets[0].iter_rows(values_only=True)
               for c in row)


def test_reminders_and_late_notices_carry_the_contributors_own_link_and_escalations_none(served, mini_cycle,
                                                                                        monkeypatch):
    """With TERTIAL_PUBLIC_URL, a contributor's reminder and late notice say where to hand in; the escalation, which
    goes to the avdelningschef and the controller, never carries the contributor's link."""
    from tasks.followup import unsent_mails
    from tertial.status import ContributorStatus, Status

    def status(as_of_deadline: int) -> ContributorStatus:
        return ContributorStatus(contributor_id="barn", avdelning="Avdelningen för barn och unga",
                                 deadline=dt.date(2025, 5, 7), status=Status.NOT_STARTED, days_left=as_of_deadline,
                                 latest_version=None, errors=None, warnings=None, usable_version=None)

    monkeypatch.setenv("TERTIAL_PUBLIC_URL", "https://tertial.exempel.se")
    ledger = served.ledger()
    reminder = unsent_mails.fn(mini_cycle, ledger, [status(2)], dt.date(2025, 5, 5), served.workdir)
    late = unsent_mails.fn(mini_cycle, ledger, [status(-10)], dt.date(2025, 5, 21), served.workdir)
    kinds = {m.kind.value: m.mail.body for m in reminder + late}
    assert {"reminder", "late_notice", "escalation"} <= set(kinds), sorted(kinds)
    expected = "Lämna in på din sida: " + links.handout_link(EXAMPLE_TOKEN_KEY, mini_cycle, served.workdir, "barn",
                                                            "https://tertial.exempel.se")
    assert expected in kinds["reminder"].splitlines() and expected in kinds["late_notice"].splitlines()
    assert "tertial.exempel.se" not in kinds["escalation"]

    monkeypatch.delenv("TERTIAL_PUBLIC_URL")
    plain = unsent_mails.fn(mini_cycle, ledger, [status(2)], dt.date(2025, 5, 5), served.workdir)
    assert plain and "Lämna in på din sida" not in plain[0].mail.body


def _zipped_csv_folder(folder: Path, cycle, contributor: str) -> Path:
    """The contributor's filled CSV folder packed as Windows' "Komprimerad mapp" does: the folder inside the zip."""
    csv_folder = write_filled_csv(folder, cycle, contributor)
    packed = folder / f"{contributor}-csv.zip"
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(csv_folder.iterdir()):
            archive.write(file, f"{contributor}/{file.name}")
    return packed


@dataclass(frozen=True)
class HandedIn:
    """What a browser without JavaScript saw handing in stab's zipped CSV folder."""

    form_class: str | None
    help_text: str
    status: int
    result: str
    counts: str
    version: Version


@pytest.fixture(scope="module")
def zipped_without_script(served, browser, mini_cycle, tmp_path_factory) -> HandedIn:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{served.url}/b/{served.link('stab', days=20)}")
    form_class, help_text = page.locator("form").get_attribute("class"), page.locator("#fil-hjalp").inner_text()
    page.set_input_files("#fil", _zipped_csv_folder(tmp_path_factory.mktemp("csv"), mini_cycle, "stab"))
    with page.expect_navigation() as answer:
        page.get_by_role("button", name="Lämna in").click()
    seen = HandedIn(form_class, help_text, answer.value.status, page.locator("#resultat").inner_text(),
                    page.locator(".counts").inner_text(), served.versions("stab")[-1])
    context.close()
    return seen


def test_without_javascript_the_plain_form_takes_a_zipped_csv_folder_through_the_same_intake(served, zipped_without_script):
    seen = zipped_without_script
    assert seen.form_class == "inlamning" and "dra filen hit" not in seen.help_text  # no drop zone is promised
    assert (seen.status, seen.result, seen.counts) == (200, "Inlämningen är godkänd", "0 fel och 0 varningar.")
    assert (seen.version.original_name, seen.version.accepted) == ("stab-csv.zip", True)
    archived = archived_copy(seen.version)  # archived as the CSV folder intake takes in, the zip's CSV files inside
    assert archived.is_dir() and {p.name for p in archived.iterdir()} >= {"_tertial.csv"}
    assert all(p.suffix == ".csv" for p in archived.iterdir())


def test_a_file_dropped_on_the_form_is_handed_in(served, mini_cycle, page, tmp_path):
    token = served.link("stab", days=21)
    page.goto(f"{served.url}/b/{token}")
    assert page.locator("form").get_attribute("class") == "inlamning slappbar"
    assert page.locator("#fil-hjalp").inner_text().endswith("Du kan också dra filen hit och släppa den i rutan.")
    accessible(page)
    workbook = write_filled(tmp_path, mini_cycle, "stab", name="stab släppt.xlsx")
    before = len(served.versions("stab"))
    over = page.evaluate("""([name, packed]) => {
        const data = new DataTransfer();
        const bytes = Uint8Array.from(atob(packed), c => c.charCodeAt(0));
        data.items.add(new File([bytes], name, {type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}));
        const zone = document.getElementById("inlamning");
        const send = type => zone.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: data}));
        send("dragenter");
        send("dragover");
        const shown = zone.classList.contains("over");
        send("drop");
        return shown;
    }""", [workbook.name, base64.b64encode(workbook.read_bytes()).decode("ascii")])
    assert over and page.locator("form").get_attribute("class") == "inlamning slappbar"
    assert page.locator("#fil").evaluate("input => [input.files.length, input.files[0].name, input.files[0].size]") == [
        1, workbook.name, workbook.stat().st_size]
    assert page.locator("#fil-vald").inner_text() == f"Vald fil: {workbook.name}. Tryck på Lämna in för att skicka den."
    assert page.locator("button[type=submit]").evaluate("button => button === document.activeElement")
    accessible(page)
    page.keyboard.press("Enter")
    page.wait_for_url("**/inlamning")
    assert page.locator("#resultat").inner_text() == "Inlämningen är godkänd"
    versions = served.versions("stab")
    assert len(versions) == before + 1 and versions[-1].original_name == workbook.name
    assert archived_copy(versions[-1]).read_bytes() == workbook.read_bytes()


def test_the_drop_script_is_the_apps_own_file_and_the_page_runs_nothing_inline(served):
    script = served.get("/static/inlamning.js")
    assert script.status_code == 200 and script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert "input.files = files" in script.text and policy(script)["default-src"] == "'none'"
    page = served.get(f"/b/{served.link('aldre')}")
    assert re.findall(r"<script[^>]*>[^<]*", page.text) == ['<script src="/static/inlamning.js">']  # empty, the only one
    assert policy(page)["script-src"] == "'self'" and not re.search(r"\son[a-z]+=", page.text)  # no event attributes


def test_a_file_of_another_kind_gets_a_swedish_page_naming_it_and_nothing_is_stored(served, page, tmp_path):
    token = served.link("aldre", days=25)
    archived = served.archived()
    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + b"0" * 2048)
    page.goto(f"{served.url}/b/{token}")
    page.set_input_files("#fil", pdf)  # the picker's accept= is a hint a browser may ignore; the server decides
    with page.expect_navigation() as answer:
        page.get_by_role("button", name="Lämna in").click()
    assert answer.value.status == 415 and page.locator("h1").inner_text() == "Filen kan inte lämnas in"
    assert page.locator("#meddelande").inner_text().startswith("rapport.pdf kan inte lämnas in: bara en Excel-arbetsbok (.xlsx)")
    accessible(page)

    disguised = tmp_path / "aldre.xlsx"
    disguised.write_bytes(pdf.read_bytes())
    refused = served.upload(token, disguised)
    assert refused.status_code == 415 and "aldre.xlsx heter som en arbetsbok eller zip-fil men är ingen" in refused.text
    empty_zip = tmp_path / "aldre.zip"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("aldre/las-mig.txt", "inga CSV-filer här")
    refused = served.upload(token, empty_zip)
    assert refused.status_code == 400 and "Zip-filen kan inte tas emot" in refused.text
    assert "aldre.zip innehåller inga CSV-filer." in refused.text
    assert served.archived() == archived and served.versions("aldre") == []
    assert not any((served.workdir / "webbinkorg").iterdir())


def test_a_link_over_its_upload_limit_gets_429_before_its_body_is_read(served, tmp_path):
    settings = load_settings()
    token, archived = served.link("aldre", days=26), served.archived()
    wrong = tmp_path / "fel.txt"
    wrong.write_text("inte en arbetsbok", encoding="utf-8")
    answers = [served.upload(token, wrong, csrf=None).status_code for _ in range(settings.upload_limit)]
    assert answers == [415] * settings.upload_limit  # every attempt counts, a refused one too
    host, port = served.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:  # the answer comes before any body is sent
        conn.sendall(f"POST /b/{token}/inlamning HTTP/1.1\r\nHost: {host}\r\nContent-Length: 1000\r\n"
                     "Content-Type: multipart/form-data; boundary=b\r\n\r\n".encode("ascii"))
        assert conn.recv(65536).startswith(b"HTTP/1.1 429 ")
    refused = served.upload(token, wrong, csrf="fel")
    window = dt.timedelta(minutes=settings.upload_window_minutes)
    soon = [(dt.datetime.now(ZoneInfo(settings.timezone)) + window + dt.timedelta(minutes=m)).strftime("%H:%M") for m in (0, 1)]
    assert refused.status_code == 429 and "För många inlämningar" in refused.text
    assert f"Med din länk har {settings.upload_limit} inlämningar gjorts de senaste {settings.upload_window_minutes} minuterna" in refused.text
    assert any(f"Försök igen tidigast kl. {at}." in refused.text for at in soon), refused.text
    assert 0 < int(refused.headers["retry-after"]) <= window.total_seconds()
    assert served.upload(served.link("aldre", days=27), wrong).status_code == 415  # another link has its own count
    assert served.archived() == archived and served.versions("aldre") == []


def test_the_controllers_return_and_approval_show_on_the_contributors_pages(served, mini_cycle, zipped_without_script, page):
    ledger = served.ledger()
    returned = return_submission(ledger, mini_cycle, "stab", "Komplettera analysen <b>nu</b>,\nse rad 3.", by="anna.controller",
                                 at=dt.datetime(2025, 5, 8, 8, 15, tzinfo=dt.UTC))
    approved = approve(ledger, mini_cycle, "stab", by="bo.controller", at=dt.datetime(2025, 5, 9, 12, 0, tzinfo=dt.UTC))
    token = served.link("stab", days=22)
    page.goto(f"{served.url}/b/{token}")
    rows = page.locator("#granskningar tbody tr")
    assert [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())] == [
        [str(approved.version), "granskad", "bo.controller", "2025-05-09 14:00", ""],
        [str(returned.version), "återsänd", "anna.controller", "2025-05-08 10:15", "Komplettera analysen <b>nu</b>,\nse rad 3."]]
    accessible(page)

    page.goto(f"{served.url}/b/{token}/version/{returned.version}")
    shown = page.locator("main").inner_text()
    assert "Återsänd av anna.controller 2025-05-08 10:15: lämna in en rättad version." in shown
    assert page.locator(".review blockquote").first.inner_text() == "Komplettera analysen <b>nu</b>,\nse rad 3."
    accessible(page)
    page.goto(f"{served.url}/b/{token}/version/{approved.version}")
    assert "Granskad av bo.controller 2025-05-09 14:00." in page.locator("main").inner_text()
    others = {v.number for v in served.versions("stab")} - {returned.version, approved.version}
    for number in others:  # a decision shows on its own version only
        assert "Granskad av" not in served.get(f"/b/{token}/version/{number}").text


# A moment of receipt as the feedback files, the leadership page and an xlsx's document properties write it.
RECEIVED = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(\+00:00|Z)?")


def _written(workdir: Path) -> dict[str, bytes]:
    """Every file intake wrote in the work folder (archive, feedback, leadership page), by where it stands; the
    moments of receipt and the work folder's own path taken out, an xlsx compared member by member."""
    workspace = Workspace(workdir)
    files = [p for folder in (workspace.archive, workspace.feedback, workspace.status_page.parent)
             for p in folder.rglob("*") if p.is_file() and p.name != "mottagen.json"  # the receipt names the inbox
             and not (p.name.startswith(".") and p.suffix == ".tmp")]  # a file being written while the page is awaited
    written = {}
    for path in files:
        if path.suffix == ".xlsx" and workspace.feedback in path.parents:
            with zipfile.ZipFile(path) as book:
                for member in book.namelist():
                    written[f"{path.relative_to(workdir)}:{member}"] = RECEIVED.sub("<mottagen>", book.read(member).decode())
        else:
            content = path.read_bytes()
            written[str(path.relative_to(workdir))] = (content if path.suffix == ".xlsx" else
                                                       RECEIVED.sub("<mottagen>", content.decode().replace(str(workdir), "<arbete>")))
    return written


def _recorded(workdir: Path, cycle) -> list[tuple]:
    ledger = Ledger(Workspace(workdir).default_ledger_url)
    return [(v.contributor_id, v.number, v.sha256, v.original_name, v.status, v.errors, v.warnings,
             [asdict(f) for f in ledger.findings(v.id)])
            for c in cycle.config.contributors for v in ledger.versions(cycle.config.id, c.id)]


def test_an_upload_is_taken_in_exactly_as_collect_takes_in_the_same_files(mini_cycle, tmp_path):
    """One intake: uploads handed in at the same moment, read and validated in `tertial serve`'s warm processes, and
    `collect` on an inbox with the same files, give the same archived originals, versions and findings in the ledger,
    feedback files and leadership page."""
    workbooks = {"barn": _workbook(tmp_path, mini_cycle, "barn", "barn (å).xlsx", outcome="134 %"),
                 "aldre": write_filled(tmp_path, mini_cycle, "aldre", name="aldre.xlsx")}
    inbox = tmp_path / "inkorg"
    inbox.mkdir()
    for workbook in workbooks.values():
        shutil.copy(workbook, inbox / workbook.name)
    collect(cycle_path=MINI, inbox=inbox, workdir=tmp_path / "samlat")
    collected = _written(tmp_path / "samlat")
    checkers = Handed(CHECKING_PROCESSES, warm_up, MINI, tmp_path / "webb")  # as checking_processes starts them
    checkers.wait_until_warm()
    with checkers, serving(tmp_path / "webb", mini_cycle, checkers) as twin:
        with ThreadPoolExecutor(len(workbooks)) as pool:  # at the same moment, so they may be taken in as one batch
            answers = list(pool.map(lambda c: twin.upload(twin.link(c), workbooks[c]), workbooks))
        for _ in range(100):  # the leadership page and the annotated workbooks are written after the answers
            served = _written(tmp_path / "webb")
            if served.get("lage/index.html") == collected["lage/index.html"] and sorted(served) == sorted(collected):
                break
            time.sleep(0.1)
    assert [(a.status_code, re.search(r"Inlämningen är \w+", a.text)[0]) for a in answers] == [
        (200, "Inlämningen är underkänd"), (200, "Inlämningen är godkänd")]
    assert "barn (å).xlsx" in answers[0].text and "aldre.xlsx" in answers[1].text
    assert sorted(served) == sorted(collected)
    assert sum(name.startswith("aterkoppling/barn-v1.xlsx:") for name in served) > 3
    for name, content in collected.items():
        assert served[name] == content, name
    assert _recorded(tmp_path / "webb", mini_cycle) == _recorded(tmp_path / "samlat", mini_cycle)
    assert [v[:2] + v[4:6] for v in _recorded(tmp_path / "webb", mini_cycle)] == [
        ("barn", 1, "underkänd", 1), ("aldre", 1, "godkänd", 0)]
    assert {"read", "_for_each", "_validate_together"} <= set(checkers.handed)  # reading, preparing, the GX runs


class Handed(WarmProcesses):
    """The warm processes, noting the name of each piece of work handed to them."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.handed: list[str] = []

    def submit(self, work, *args):
        self.handed.append(getattr(work, "step", getattr(work, "__name__", "")))
        return super().submit(work, *args)


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        try:
            children = [int(c) for task in Path(f"/proc/{todo.pop()}/task").iterdir()
                        for c in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
        found |= set(children)
        todo += children
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_the_serve_command_checks_uploads_in_warm_processes_that_end_with_it(mini_cycle, tmp_path):
    """`tertial serve` itself: its warm processes are started and warmed before it listens, an upload is answered
    through them, and SIGTERM (the service manager's stop) ends the service and them without a word on the terminal."""
    workdir, sock = tmp_path / "arbete", socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    command = [sys.executable, "-c", "from commands import app; app()", "serve", "--cycle", str(MINI),
               "--workdir", str(workdir), "--port", str(port)]
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    env.pop("PREFECT_API_URL", None)
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if httpx.get(url + "/", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        workers = {pid for pid in _descendants(server.pid) if b"multiprocessing" in Path(f"/proc/{pid}/cmdline").read_bytes()}
        assert len(workers) >= CHECKING_PROCESSES  # the two checking processes (and multiprocessing's resource tracker)
        served = Served(workdir, url, mini_cycle)
        answer = served.upload(served.link("aldre"), write_filled(tmp_path, mini_cycle, "aldre"))
        assert answer.status_code == 200 and "Inlämningen är godkänd" in answer.text
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=120)
        LocalServer.of(workdir).stop()  # the work folder's Prefect server, which serve starts for the controller's flows
    assert server.returncode == 0
    for _ in range(100):
        if not any(_alive(pid) for pid in workers):
            break
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)
    assert "Traceback" not in out + err and "leaked" not in err, err
