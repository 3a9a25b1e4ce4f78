"""`tertial serve`: a contributor's link, page, upload, feedback and annotated workbook, on loopback in Chromium.

The app is the one `tertial serve` builds (commands/web.py), run by uvicorn on a free port of 127.0.0.1 in a
thread, on the mini cycle in a fresh work folder; uploads go through the real collect flow. A contributor's
visit is driven in headless Chromium through Playwright (one browser for the module): the pages are read,
the forms filled and submitted (once by the keyboard alone), the workbooks downloaded, and every page is
checked by axe-core. Misuse where a browser adds nothing is posted with httpx, as a browser posts a form
(multipart, with the page's hidden CSRF field).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import socket
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import httpx
import pytest
import uvicorn
from axe_playwright_python.sync_playwright import Axe
from openpyxl import load_workbook
from playwright.sync_api import Browser, Download, Page, sync_playwright
from typer.testing import CliRunner

from commands import app
from commands.web import build_app
from flows.collect import collect
from tertial.access import EXAMPLE_TOKEN_KEY, issue_token
from tertial.accepted import archived_copy
from tertial.ledger import Ledger
from tertial.submission import META_SHEET
from tertial.web import links
from tertial.web.upload import MAX_BODY_BYTES
from tertial.workspace import Workspace
from tests.builders import filled_rows, write_filled
from tests.conftest import MINI

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
def serving(workdir: Path, cycle):
    """The app `tertial serve` builds, on this work folder, run by uvicorn on a free port of 127.0.0.1 in a thread."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(build_app(MINI, workdir), log_level="warning"))
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
    with serving(tmp_path_factory.mktemp("serve"), mini_cycle) as app_served:
        yield app_served


@pytest.fixture(scope="module")
def browser() -> Browser:
    """Debian's Chromium (`make test` installs it), driven by Playwright: no browser download of Playwright's own."""
    executable = shutil.which("chromium")
    assert executable, "Chromium is missing: `make test` installs it (apt-get install chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Page:
    context = browser.new_context(accept_downloads=True)
    yield context.new_page()
    context.close()


def accessible(page: Page) -> None:
    """WCAG 2.1 AA as axe-core checks it, on the page as the browser shows it now."""
    results = Axe().run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


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
    payload, signature = token.split(".")
    other = served.link("barn").split(".")[0]
    for forged in (f"{other}.{signature}", f"{payload}.{signature[:-2]}AA", "inte-en-lank", f"{payload}."):
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
               'Content-Disposition: form-data; name="fil"; filename="stor.xlsx"\r\n\r\n').encode("ascii")
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
        assert "script-src" not in response.headers["content-security-policy"]
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


# A moment of receipt as the feedback files, the leadership page and an xlsx's document properties write it.
RECEIVED = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(\+00:00|Z)?")


def _written(workdir: Path) -> dict[str, bytes]:
    """Every file intake wrote in the work folder (archive, feedback, leadership page), by where it stands; the
    moments of receipt and the work folder's own path taken out, an xlsx compared member by member."""
    workspace = Workspace(workdir)
    files = [p for folder in (workspace.archive, workspace.feedback, workspace.status_page.parent)
             for p in folder.rglob("*") if p.is_file() and p.name != "mottagen.json"]  # the receipt names the inbox
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
    """One intake: uploads handed in at the same moment, and `collect` on an inbox with the same files, give the same
    archived originals, versions and findings in the ledger, feedback files and leadership page."""
    workbooks = {"barn": _workbook(tmp_path, mini_cycle, "barn", "barn (å).xlsx", outcome="134 %"),
                 "aldre": write_filled(tmp_path, mini_cycle, "aldre", name="aldre.xlsx")}
    inbox = tmp_path / "inkorg"
    inbox.mkdir()
    for workbook in workbooks.values():
        shutil.copy(workbook, inbox / workbook.name)
    collect(cycle_path=MINI, inbox=inbox, workdir=tmp_path / "samlat")
    collected = _written(tmp_path / "samlat")
    with serving(tmp_path / "webb", mini_cycle) as twin:
        with ThreadPoolExecutor(len(workbooks)) as pool:  # at the same moment, so they may be taken in as one batch
            answers = list(pool.map(lambda c: twin.upload(twin.link(c), workbooks[c]), workbooks))
        for _ in range(100):  # the leadership page is written once the uploads have their answers
            served = _written(tmp_path / "webb")
            if served.get("lage/index.html") == collected["lage/index.html"]:
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
