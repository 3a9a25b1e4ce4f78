"""Nothing active leaves Tertial: every output of a run over the whole bad corpus is scanned.

The inbox holds every case of tests/data/bad, hostile texts that are accepted (script, event
handlers, javascript: and file:// links, template syntax, a formula typed as CSV text), links to
/etc/passwd and to a workbook outside the inbox, a link inside a CSV folder and a 2 GiB sparse
file. `collect` (with feedback mailed through a real SMTP server), `assemble --allow-missing` and
next round's handouts (pre-filled from that report) then run, and every file Tertial wrote and
every mail it sent is checked for formulas, links, names, macros, fields, scripts and actions.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from flows.assemble import assemble
from flows.collect import collect
from flows.open_cycle import open_reporting_cycle
from tertial.inbox import inbox_links
from tertial.reading import MAX_FILE_BYTES
from tertial.workbooks import write_csv_folder
from tertial.workspace import Workspace
from tests.active_content import HOSTILE_TEXT, scan, strings
from tests.builders import filled_rows, write_filled, write_filled_csv
from tests.conftest import MINI
from tests.flows.test_interruption import TERTIAL
from tests.flows.test_reminders import PASSWORD, USER, smtp_server  # noqa: F401 - smtp_server is a fixture
from tests.test_bad_corpus import BAD, EXPECTED, Refused
from tertial.access import EXAMPLE_TOKEN_KEY
from tertial.config import load_cycle
from tertial.ledger import REJECTED, Ledger

pytestmark = [
    pytest.mark.flow, pytest.mark.smtp, pytest.mark.usefixtures("prefect_harness"),
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
]

HOSTILE_FORMULA = '=HYPERLINK("http://example.invalid/stjal","Klicka här")'  # typed as text in a CSV file
SPARSE_SIZE = 2 * 1024 ** 3


@pytest.fixture
def inbox(tmp_path) -> Path:
    cycle, folder = load_cycle(MINI), tmp_path / "inkorg"
    shutil.copytree(BAD, folder)
    write_filled(folder, cycle, "stab")
    rows = filled_rows(cycle, "barn")
    rows["goals"][0]["analysis"] = rows["indicators"][0]["analysis"] = HOSTILE_TEXT
    write_filled(folder, cycle, "barn", rows, name="zz-barn-fientlig.xlsx")  # the newest accepted barn version
    aldre = filled_rows(cycle, "aldre")
    aldre["goals"][0]["analysis"] = HOSTILE_FORMULA
    write_csv_folder(folder / "aldre-formel", cycle, "aldre", aldre, EXAMPLE_TOKEN_KEY)
    outside = write_filled(tmp_path / "utanfor", cycle, "barn")
    (folder / "losenord.xlsx").symlink_to("/etc/passwd")
    (folder / "utanfor.xlsx").symlink_to(outside)
    linked = write_filled_csv(folder, cycle, "aldre")
    (linked / "mal.csv").unlink()
    (linked / "mal.csv").symlink_to(outside)
    huge = folder / "stor.xlsx"
    huge.write_bytes(b"PK\x03\x04")
    os.truncate(huge, SPARSE_SIZE)
    return folder


def test_no_output_carries_active_content_from_a_submission(inbox, tmp_path, smtp_server, monkeypatch):  # noqa: F811
    mails, port = smtp_server
    for key, value in {"HOST": "127.0.0.1", "PORT": str(port), "SENDER": "tertial@example.se", "USER": USER, "PASSWORD": PASSWORD}.items():
        monkeypatch.setenv(f"TERTIAL_SMTP_{key}", value)
    workdir = tmp_path / "arbete"
    outcomes = {o.file: o for o in collect(cycle_path=MINI, inbox=inbox, workdir=workdir)}
    _every_refused_file_has_its_message(outcomes, workdir)
    _links_and_huge_files_handled(outcomes, inbox, workdir)
    assembled = assemble(cycle_path=MINI, workdir=workdir, allow_missing=True)
    reported = set(strings(json.loads(assembled.files["json"].read_bytes())))
    assert {HOSTILE_TEXT, HOSTILE_FORMULA} <= reported  # the hostile texts did reach the report
    open_reporting_cycle(cycle_path=MINI, out_dir=workdir / "utskick", workdir=workdir, previous_report=assembled.files["json"])
    written = _outputs(workdir)
    assert {p.suffix for p in written} >= {".xlsx", ".html", ".pdf", ".docx", ".json", ".txt"}
    assert any(p.parent.name == "aterkoppling" and p.suffix == ".xlsx" for p in written)
    for path in written:
        scan(path.name, path.read_bytes())
    received = mails.take()
    assert received  # feedback went out (how many depends on who may be told; each one is scanned)
    for mail in received:
        for part in mail.message.walk():
            if not part.is_multipart():
                scan(part.get_filename() or f"mail.{part.get_content_subtype()}", part.get_payload(decode=True))


def _every_refused_file_has_its_message(outcomes: dict, workdir: Path) -> None:
    """All of the corpus in one inbox: each file the reader refuses gets its own message, whatever else is there."""
    ledger = Ledger(Workspace(workdir).default_ledger_url)
    for name, outcome in EXPECTED.items():
        if isinstance(outcome, Refused):
            version = outcomes[name].version
            assert version.status == REJECTED, name
            assert any(outcome.text in f.message for f in ledger.findings(version.id)), name


def _links_and_huge_files_handled(outcomes: dict, inbox: Path, workdir: Path) -> None:
    links = {"losenord.xlsx", "utanfor.xlsx"}
    assert set(outcomes) == {p.name for p in inbox.iterdir()} - links
    assert [line.split(":")[0] for line in inbox_links(inbox)] == ["aldre/mal.csv", "losenord.xlsx", "utanfor.xlsx"]
    passwd = Path("/etc/passwd").read_bytes()
    assert not any(p.is_file() and p.read_bytes() == passwd for p in (workdir / "arkiv").rglob("*"))
    ledger = Ledger(Workspace(workdir).default_ledger_url)
    assert "filen 'mal.csv' saknas i mappen" in ledger.findings(outcomes["aldre"].version.id)[0].message
    huge = outcomes["stor.xlsx"].version
    assert huge.status == REJECTED and "filen är för stor" in ledger.findings(huge.id)[0].message
    assert Path(huge.archive_path).stat().st_size == MAX_FILE_BYTES + 1
    assert json.loads((Path(huge.archive_path).parent / "mottagen.json").read_text(encoding="utf-8"))["size"] == SPARSE_SIZE


def _outputs(workdir: Path) -> list[Path]:
    """Everything Tertial wrote: all but the archived originals themselves (their receipts are included) and the ledger."""
    return sorted(p for p in workdir.rglob("*") if p.is_file() and p.suffix != ".sqlite"
                  and (workdir / "arkiv" not in p.parents or p.name == "mottagen.json"))


def test_collect_names_each_skipped_link_in_one_line(tmp_path, mini_cycle, server_env):
    inbox = tmp_path / "inkorg"
    write_filled(inbox, mini_cycle, "barn")
    (inbox / "losenord.xlsx").symlink_to("/etc/passwd")
    done = subprocess.run([TERTIAL, "collect", "--cycle", str(MINI), "--inbox", str(inbox), "--workdir", str(tmp_path / "arbete")],
                          capture_output=True, text=True, timeout=300, env=server_env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "barn.xlsx: barn version 1, godkänd (0 fel, 0 varningar), ny version",
        "losenord.xlsx: hoppas över – en symbolisk länk (till /etc/passwd), inte en fil. Den följs inte och arkiveras inte; "
        "lägg själva filen i inkorgen om den ska lämnas in.",
    ]
