"""`tertial serve`: a contributor's link, page, upload, feedback and annotated workbook, on loopback in Chromium.

The app is the one `tertial serve` builds (commands/web.py), run by uvicorn on a free port of 127.0.0.1 in a
thread, on the mini cycle in a fresh work folder; uploads go through the real collect flow. Pages are read
by headless Chromium (--dump-dom, as the leadership page's test does) and the forms are posted with httpx,
as a browser posts them (multipart, with the page's hidden CSRF field).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import socket
import threading
import time
from html import unescape
from pathlib import Path

import httpx
import pytest
import uvicorn
from openpyxl import load_workbook
from typer.testing import CliRunner

from commands import app
from commands.web import build_app
from tertial.access import EXAMPLE_TOKEN_KEY, issue_token
from tertial.ledger import Ledger
from tertial.submission import META_SHEET
from tertial.web import links
from tertial.web.upload import MAX_BODY_BYTES, NotAForm, UploadedForm, parse_form
from tertial.workspace import Workspace
from tests.builders import filled_rows, write_filled
from tests.conftest import MINI
from tests.flows.test_status_page import _headless, chromium  # noqa: F401 - the fixture is used by name

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

    def versions(self, contributor: str):
        return Ledger(Workspace(self.workdir).default_ledger_url).versions(self.cycle.config.id, contributor)

    def archived(self) -> int:
        return len(list((Workspace(self.workdir).archive).glob("*/*/mottagen.json")))


@pytest.fixture(scope="module")
def served(tmp_path_factory, mini_cycle, prefect_harness):
    workdir = tmp_path_factory.mktemp("serve")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(build_app(MINI, workdir), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield Served(workdir, f"http://127.0.0.1:{sock.getsockname()[1]}", mini_cycle)
    server.should_exit = True
    thread.join(timeout=10)


def _dom(chromium: str, tmp_path: Path, url: str) -> str:
    return _headless(chromium, tmp_path / "profil", "--dump-dom", url).stdout


def _workbook(folder: Path, cycle, contributor: str, name: str, **indicator) -> Path:
    rows = filled_rows(cycle, contributor)
    rows["indicators"][0].update(indicator)  # barn's first indicator is on row 2 of Indikatorer
    return write_filled(folder, cycle, contributor, rows, name=name)


def test_a_contributor_hands_in_gets_feedback_at_the_cell_and_corrects(served, mini_cycle, chromium, tmp_path):
    token = served.link("barn")
    page = _dom(chromium, tmp_path, f"{served.url}/b/{token}")
    assert '<html lang="sv">' in page and "Avdelningen för barn och unga" in page and "Alex Barn" in page
    assert "onsdag 7 maj 2025" in page and "Du har inte lämnat in något ännu." in page

    handout = served.get(f"/b/{token}/arbetsbok.xlsx")
    assert handout.status_code == 200
    meta = dict(load_workbook(io.BytesIO(handout.content))[META_SHEET].iter_rows(values_only=True))
    assert meta["bidragsgivare"] == "barn" and meta["nyckel"] == issue_token(EXAMPLE_TOKEN_KEY, "testdal-t1-2025", "barn")

    wrong = served.upload(token, _workbook(tmp_path, mini_cycle, "barn", "barn-utkast.xlsx", outcome="134 %"))
    assert wrong.status_code == 200 and "Inlämningen är underkänd" in wrong.text
    (version,) = served.versions("barn")
    finding = next(f for f in Ledger(Workspace(served.workdir).default_ledger_url).findings(version.id)
                   if f.rule_id == "indicator_percent_range")
    assert (finding.sheet, finding.row, finding.value) == ("Indikatorer", 2, "134 %")
    fresh = next(r for r in wrong.text.split("<tr>") if "<td>F2</td>" in r)
    assert "<td>Indikatorer</td>" in fresh and finding.message in unescape(fresh)
    feedback = _dom(chromium, tmp_path, f"{served.url}/b/{token}/version/1")
    row = next(r for r in feedback.split("<tr>") if "<td>F2</td>" in r)
    assert "<td>Indikatorer</td>" in row and "134 %" in row and finding.message in unescape(row)
    assert unescape(wrong.text).count(finding.message) == 1

    annotated = served.get(f"/b/{token}/aterkoppling/1.xlsx")
    assert annotated.status_code == 200
    comment = load_workbook(io.BytesIO(annotated.content))["Indikatorer"]["F2"].comment
    assert comment is not None and finding.message in comment.text

    right = served.upload(token, _workbook(tmp_path, mini_cycle, "barn", "barn.xlsx"))
    assert right.status_code == 200 and "Inlämningen är godkänd" in right.text and "0 fel" in right.text
    page = _dom(chromium, tmp_path, f"{served.url}/b/{token}")
    rows = {n: page.split(f'data-version="{n}"')[1].split("</tr>")[0] for n in (1, 2)}
    assert "barn-utkast.xlsx" in rows[1] and "underkänd" in rows[1]
    assert "barn.xlsx" in rows[2] and "godkänd" in rows[2] and "underkänd" not in rows[2]


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


def test_a_workbook_claiming_another_contributor_is_refused_by_its_token(served, mini_cycle, tmp_path):
    """Äldre's workbook with barn's token uploaded on barn's link: recorded for no one, and Äldre has no version."""
    forged = write_filled(tmp_path, mini_cycle, "aldre", name="aldre-forfalskad.xlsx")
    workbook = load_workbook(forged)
    meta = workbook[META_SHEET]
    next(row for row in meta.iter_rows() if row[0].value == "nyckel")[1].value = issue_token(
        EXAMPLE_TOKEN_KEY, "testdal-t1-2025", "barn")
    workbook.save(forged)
    before = len(served.versions("barn"))
    response = served.upload(served.link("barn"), forged)
    assert response.status_code == 200 and "Inlämningen är underkänd" in response.text
    assert "Filen räknas inte som din inlämning" in response.text and "nyckeln stämmer inte" in response.text
    assert served.versions("aldre") == [] and len(served.versions("barn")) == before

    genuine = write_filled(tmp_path, mini_cycle, "stab", name="stab-akta.xlsx")
    taken = served.upload(served.link("barn"), genuine)
    assert taken.status_code == 403 and "utfärdad till en annan avdelning" in taken.text
    assert "stab-akta.xlsx" not in served.get(f"/b/{served.link('barn')}").text


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


def test_an_oversized_upload_is_refused_before_it_is_archived(served):
    token = served.link("aldre")
    archived = served.archived()
    url = f"{served.url}/b/{token}/inlamning"
    host, port = served.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:  # the answer comes before any body is sent
        conn.sendall(f"POST /b/{token}/inlamning HTTP/1.1\r\nHost: {host}\r\nContent-Length: {MAX_BODY_BYTES + 1}\r\n"
                     "Content-Type: multipart/form-data; boundary=b\r\n\r\n".encode("ascii"))
        assert conn.recv(65536).startswith(b"HTTP/1.1 413 ")

    def chunks():  # no Content-Length: the limit holds while the body streams
        for _ in range(MAX_BODY_BYTES // (1 << 20) + 2):
            yield b"\0" * (1 << 20)

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


def test_the_form_parser_keeps_the_files_bytes_and_name_exactly():
    content = b"PK\x03\x04" + b"\r\n--" + bytes(range(256)) * 64 + b"\r\n\r\n--not-the-boundary\r\n\n"
    request = httpx.Request("POST", "http://127.0.0.1/", data={"csrf": "kod"},
                            files={"fil": ("Förskola (1).xlsx", content, "application/octet-stream")})
    form = parse_form(request.headers["content-type"], request.read())
    assert (form.fields, form.file_name, form.content) == ({"csrf": "kod"}, "Förskola (1).xlsx", content)
    assert parse_form("multipart/form-data; boundary=b", b"--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nkod") \
        == UploadedForm({}, "", b"")  # an unterminated part is no part
    with pytest.raises(NotAForm):
        parse_form("application/x-www-form-urlencoded", b"csrf=kod")
