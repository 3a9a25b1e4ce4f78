"""Drafts and attestation, and the audit trail: one cycle's story through real flows, the real CLI and real files.

A report with a part missing, unapproved or returned is a draft: UTKAST on every page of every format and no
attestation. Only when every attester the cycle names has attested (`tertial attest`) does the report carry
"godkänts digitalt av" with their names and days; a part that changes afterwards makes it a draft again.
`tertial history --json` then holds every kind of event, each with the named person and Swedish time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from docx import Document
from pypdf import PdfReader

from flows.assemble import assemble
from flows.collect import collect
from flows.remind import remind
from tertial.archive import content_hash
from tertial.config import load_cycle
from tertial.deadlines import today
from tertial.ledger import Ledger
from tertial.settings import SmtpSettings
from tertial.workspace import Workspace
from tests.builders import filled_rows, write_filled
from tests.conftest import MINI
from tests.webapp import mail_server

pytestmark = [pytest.mark.flow, pytest.mark.pdf, pytest.mark.smtp, pytest.mark.usefixtures("prefect_harness")]

TERTIAL = str(Path(sys.executable).parent / "tertial")
CYCLE = "testdal-t1-2025"
ATTESTED_BY = "Detta dokument har godkänts digitalt av följande personer"
CONTROLLER = "Kim Controller"  # the mini cycle's handläggare


@pytest.fixture(scope="module")
def cycle_path(tmp_path_factory) -> Path:
    """The mini cycle with two attesters, the second with an e-mail address."""
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data["plan"] = str(MINI.parent / "plan.yaml")
    data["attesters"] = [{"name": "Robin Chef", "title": "Socialdirektör"},
                         {"name": "Sam Ekonom", "title": "Ekonomichef", "email": "sam.ekonom@example.se"}]
    path = tmp_path_factory.mktemp("cykel") / "cycle.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([TERTIAL, *args], capture_output=True, text=True, env=env)


def _pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def _docx(path: Path) -> tuple[list[str], str]:
    """(each section's header text, the body text)."""
    document = Document(path)
    headers = ["\n".join(p.text for p in section.header.paragraphs) for section in document.sections]
    return headers, "\n".join(p.text for p in document.paragraphs)


def _assert_draft(files: dict[str, Path], reason: str) -> None:
    """UTKAST on every page of every format, the reason said, and no attestation block anywhere."""
    html = files["html"].read_text(encoding="utf-8")
    assert '<p class="utkast" id="utkast" role="note">UTKAST – inte den slutliga rapporten.</p>' in html
    assert f"<li>{reason}</li>" in html
    assert '@page { @top-center { content: "UTKAST"' in html and ATTESTED_BY not in html
    pages = _pdf_pages(files["pdf"])
    assert len(pages) > 3 and all("UTKAST" in page for page in pages)
    assert not any(ATTESTED_BY in page for page in pages)
    headers, body = _docx(files["docx"])
    assert headers and all("UTKAST" in header for header in headers)
    assert ATTESTED_BY not in body and "Rapporten är ett utkast och har inte attesterats." in body and reason in body
    report = json.loads(files["json"].read_text(encoding="utf-8"))
    assert report["draft"] is True and report["attestations"] == [] and any(reason in r for r in report["draft_reasons"])


def _approve_all(cycle_path: Path, workdir: Path) -> None:
    for contributor in ("stab", "barn", "aldre"):
        done = _cli("approve", "--cycle", str(cycle_path), "--workdir", str(workdir), "--contributor", contributor)
        assert done.returncode == 0 and f"granskad av {CONTROLLER} " in done.stdout, done.stderr


@pytest.fixture(scope="module")
def story(cycle_path, tmp_path_factory):
    """The cycle from a draft to the attested report and back to a draft; each step's outcome kept for the tests."""
    root = tmp_path_factory.mktemp("attest")
    inbox, workdir, cycle = root / "inkorg", root / "arbete", load_cycle(cycle_path)
    common = ["--cycle", str(cycle_path), "--workdir", str(workdir)]
    seen: dict = {}
    write_filled(inbox, cycle, "stab")
    write_filled(inbox, cycle, "barn")
    collect(cycle_path=cycle_path, inbox=inbox, workdir=workdir)
    with mail_server() as (box, mailer):
        smtp = SmtpSettings(host="127.0.0.1", port=mailer.settings.port, sender="tertial@example.se")
        seen["reminded"] = remind(cycle_path=cycle_path, workdir=workdir, as_of=dt.date(2025, 5, 6), smtp=smtp)  # äldre late
        env = {**os.environ, "TERTIAL_SMTP_HOST": "127.0.0.1", "TERTIAL_SMTP_PORT": str(mailer.settings.port),
               "TERTIAL_SMTP_SENDER": "tertial@example.se"}
        seen["returned"] = _cli("return", *common, "--contributor", "barn", "--comment", "Analysen av mål 1.1 saknas.",
                                "--som", CONTROLLER, env=env)
        seen["mails"] = list(box.messages)
    seen["draft"] = assemble(cycle_path=cycle_path, workdir=workdir, allow_missing=True, out_dir=root / "utkast")
    seen["too_early"] = _cli("attest", *common, "--namn", "Robin Chef", "--format", "json")
    seen["stranger"] = _cli("attest", *common, "--namn", "Okänd Person")

    rows = filled_rows(cycle, "barn")
    rows["goals"][0]["analysis"] = "Målet nås; fler barn deltar i fritidsaktiviteter än i fjol."
    write_filled(inbox, cycle, "barn", rows, name="barn-v2.xlsx")
    write_filled(inbox, cycle, "aldre")
    collect(cycle_path=cycle_path, inbox=inbox, workdir=workdir)
    _approve_all(cycle_path, workdir)
    seen["awaiting"] = assemble(cycle_path=cycle_path, workdir=workdir, formats=("json",), out_dir=root / "vantar")
    seen["first"] = assemble(cycle_path=cycle_path, workdir=workdir, formats=("json",), attester="Robin Chef",
                             out_dir=root / "vantar")
    seen["last"] = _cli("attest", *common, "--som", "sam.ekonom@example.se")
    seen["final"] = workdir / "rapport"
    seen["final_day"] = today()

    rows["goals"][0]["analysis"] = "Målet nås; fler barn och unga deltar i fritidsaktiviteter än i fjol."
    write_filled(inbox, cycle, "barn", rows, name="barn-v3.xlsx")
    collect(cycle_path=cycle_path, inbox=inbox, workdir=workdir)
    seen["changed"] = assemble(cycle_path=cycle_path, workdir=workdir, formats=("json",), out_dir=root / "andrad")
    _approve_all(cycle_path, workdir)
    seen["reapproved"] = assemble(cycle_path=cycle_path, workdir=workdir, formats=("json",), out_dir=root / "andrad")
    seen["history"] = json.loads(_cli("history", *common, "--json").stdout)
    seen["barn"] = json.loads(_cli("history", *common, "--contributor", "barn", "--json").stdout)
    seen["lines"] = _cli("history", *common).stdout
    seen["ledger"] = Ledger(Workspace(workdir).default_ledger_url)
    return seen


def test_a_report_with_a_part_missing_is_a_draft_in_every_format(story):
    _assert_draft(story["draft"].files, "Äldreavdelningen: underlag saknas")
    assert "Avdelningen för barn och unga: version 1 är återsänd" in story["draft"].report.draft_reasons


def test_a_draft_cannot_be_attested_and_a_person_not_named_is_refused(story):
    early, stranger = story["too_early"], story["stranger"]
    assert early.returncode == 2 and "Rapporten är ett utkast och kan inte attesteras: " in early.stderr
    assert "Äldreavdelningen: underlag saknas" in early.stderr and "Traceback" not in early.stderr
    assert stranger.returncode == 2 and "Traceback" not in stranger.stderr
    assert "Okänd Person får inte attestera testdal-t1-2025: Cykelfilen cycle.yaml (attesters:) namnger bara " \
           "Robin Chef, Sam Ekonom." in stranger.stderr
    assert story["ledger"].events(CYCLE, kinds=("attested",))[0].actor == "Robin Chef"  # neither left an attestation


def test_until_every_named_attester_has_attested_the_complete_report_stays_a_draft(story):
    for step in ("awaiting", "first"):
        report = story[step].report
        assert report.draft and report.attestations == []
    assert story["awaiting"].report.draft_reasons == ["väntar på attest av Robin Chef, Sam Ekonom"]
    assert story["first"].report.draft_reasons == ["väntar på attest av Sam Ekonom"]
    event, new = story["first"].attestation
    assert new and event.actor == "Robin Chef"
    assert json.loads(event.comment) == {"innehall": story["awaiting"].report.content_sha256}


def test_after_every_attester_the_final_report_carries_their_names_and_days_in_every_format(story):
    done, folder, day = story["last"], story["final"], story["final_day"].isoformat()
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Sam Ekonom attesterade rapporten ")
    assert f"Slutlig rapport, attesterad av Robin Chef {day}, Sam Ekonom {day}" in done.stdout
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "UTKAST" not in html and ATTESTED_BY in html
    assert f"<tr><td>Robin Chef, Socialdirektör</td><td>{day}</td></tr><tr><td>Sam Ekonom, Ekonomichef</td><td>{day}</td></tr>" in html
    pages = _pdf_pages(folder / "report.pdf")
    assert not any("UTKAST" in page for page in pages)
    attested = next(page for page in pages if ATTESTED_BY in page)
    assert "Robin Chef, Socialdirektör" in attested and "Sam Ekonom, Ekonomichef" in attested and day in attested
    headers, body = _docx(folder / "report.docx")
    assert not any("UTKAST" in h for h in headers) and "UTKAST" not in body and ATTESTED_BY in body
    table = next(t for t in Document(folder / "report.docx").tables if t.rows[0].cells[0].text == "Namn")
    assert [[c.text for c in row.cells] for row in table.rows[1:]] == [["Robin Chef, Socialdirektör", day],
                                                                       ["Sam Ekonom, Ekonomichef", day]]
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["draft"] is False and report["draft_reasons"] == []
    assert report["attestations"] == [{"name": "Robin Chef", "title": "Socialdirektör", "date": day},
                                      {"name": "Sam Ekonom", "title": "Ekonomichef", "date": day}]


def test_the_final_reports_sha256s_are_in_the_ledger(story):
    final = [json.loads(e.comment) for e in story["ledger"].events(CYCLE, kinds=("sammanstallning",))
             if json.loads(e.comment)["utkast"] is False]
    assert len(final) == 1
    folder = story["final"]
    assert final[0]["filer"] == {str((folder / name).resolve()): content_hash(folder / name)
                                 for name in ("kontroller.txt", "report.docx", "report.html", "report.json", "report.pdf")}
    assert final[0]["innehall"] == story["awaiting"].report.content_sha256


def test_a_part_changed_after_attestation_makes_the_report_a_draft_again(story):
    changed, reapproved = story["changed"].report, story["reapproved"].report
    assert changed.draft and changed.draft_reasons == ["Avdelningen för barn och unga: version 3 är inte granskad"]
    assert reapproved.draft and reapproved.attestations == []
    assert reapproved.draft_reasons == ["väntar på attest av Robin Chef, Sam Ekonom"]  # the content changed
    assert reapproved.content_sha256 != story["awaiting"].report.content_sha256


def test_history_holds_every_kind_of_event_with_the_named_person_in_swedish_time(story):
    trail = story["history"]
    kinds = {e["handelse"] for e in trail}
    assert {"version", "godkannande", "atersandning", "e-brev", "attest", "sammanstallning"} <= kinds
    assert [e["tid"] for e in trail] == sorted(e["tid"] for e in trail)
    assert all(e["tid"].endswith(("+02:00", "+01:00")) for e in trail)  # Swedish time, not UTC
    assert "root" not in {e["vem"] for e in trail}
    stab = next(e for e in trail if e["bidragsgivare"] == "stab")
    assert (stab["handelse"], stab["vem"], stab["version"], stab["resultat"], stab["fel"], stab["varningar"]) == (
        "version", "Kim Controller", 1, "godkänd", 0, 0)  # stab's responsible, as the cycle names them
    assert len(stab["sha256"]) == 64 and stab["fil"] == "stab.xlsx"
    [returned] = [e for e in trail if e["handelse"] == "atersandning"]
    assert (returned["vem"], returned["kommentar"], returned["version"]) == (CONTROLLER, "Analysen av mål 1.1 saknas.", 1)
    approvals = [e for e in trail if e["handelse"] == "godkannande"]
    assert len(approvals) == 6 and {e["vem"] for e in approvals} == {CONTROLLER}
    mails = {(e["slag"], tuple(e["till"]), e["amne"]) for e in trail if e["handelse"] == "e-brev"}
    sent = {(to, message["Subject"]) for to, message in story["mails"]}
    assert {(to, subject) for _, to, subject in mails} == sent and len(sent) == 2
    assert {slag for slag, *_ in mails} == {"förseningsbesked", "återsändning"}
    attests = [(e["vem"], e["innehall"]) for e in trail if e["handelse"] == "attest"]
    assert attests == [("Robin Chef", story["awaiting"].report.content_sha256),
                       ("Sam Ekonom", story["awaiting"].report.content_sha256)]
    assemblies = [e["utkast"] for e in trail if e["handelse"] == "sammanstallning"]
    assert assemblies == [True, True, True, False, True, True]


def test_history_of_one_contributor_and_as_lines(story):
    assert {e["bidragsgivare"] for e in story["barn"]} == {"barn"}
    assert [e["version"] for e in story["barn"] if e["handelse"] == "version"] == [1, 2, 3]
    lines = story["lines"].splitlines()
    assert any("[barn] Kim Controller: återsände version 1: ”Analysen av mål 1.1 saknas.”" in line for line in lines)
    assert any("Sam Ekonom: attesterade rapporten (innehåll " in line for line in lines)
    assert any("tertial: sammanställde den slutliga rapporten (5 filer)" in line for line in lines)
