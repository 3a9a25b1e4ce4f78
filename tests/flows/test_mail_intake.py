"""Collecting by e-mail from a real IMAP server (pymap, in memory) on 127.0.0.1, through the collect flow's intake."""

from __future__ import annotations

import email
import imaplib
import itertools
import json
import os
import socket
import subprocess
import sys
import time
import zipfile
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest
import yaml
from prefect.blocks.system import Secret
from pydantic import SecretStr

from flows.mail_intake import collect_mail
from tertial.archive import content_hash
from tertial.config import load_cycle
from tertial.imap import Mailbox, MailboxError
from tertial.ledger import Ledger
from tertial.settings import ImapSettings
from tertial.workspace import Workspace
from tests.builders import write_filled, write_filled_csv
from tests.conftest import MINI
from tests.webapp import free_port
from tests.prefect_records import recorded

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

USER, PASSWORD = "tertial-inkorg", "hemligt-Imap-5521"
DEPUTY, STRANGER = "vik.aldre@example.se", "okand@example.com"
_FOLDERS = itertools.count(1)



@pytest.fixture(scope="module")
def imap_port():
    """pymap's in-memory IMAP server, without TLS on loopback, for the module; it is ready when it answers."""
    port = free_port()
    server = subprocess.Popen([str(Path(sys.executable).parent / "pymap"), "--host", "127.0.0.1", "--port", str(port),
                               "--no-tls", "dict", "--demo-data", "--demo-user", USER, "--demo-password", PASSWORD],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("pymap did not start")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def imap(imap_port) -> ImapSettings:
    """A folder of its own for each test, so the demo data's messages and other tests' stay out of it."""
    folder = f"Inlamningar{next(_FOLDERS)}"
    with _session(imap_port) as client:
        assert client.create(folder)[0] == "OK"
    return ImapSettings(host="127.0.0.1", port=imap_port, user=USER, password=PASSWORD, folder=folder, tls=False)


class _session:
    def __init__(self, port: int) -> None:
        self.client = imaplib.IMAP4("127.0.0.1", port)

    def __enter__(self) -> imaplib.IMAP4:
        self.client.login(USER, PASSWORD)
        return self.client

    def __exit__(self, *_) -> None:
        self.client.logout()


def _deliver(settings: ImapSettings, sender: str, subject: str, *files: Path) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "tertial@example.se", subject
    message.set_content("Här kommer vårt underlag.")
    for path in files:
        message.add_attachment(path.read_bytes(), maintype="application", subtype="octet-stream", filename=path.name)
    with _session(settings.port) as client:
        assert client.append(settings.folder, None, None, message.as_bytes())[0] == "OK"


def _zipped(folder: Path) -> Path:
    """The CSV folder packed as a contributor would (Skicka till > Komprimerad mapp): the folder inside the zip."""
    target = folder.parent / f"{folder.name}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"{folder.name}/{path.name}")
    return target


def _flags(settings: ImapSettings) -> dict[str, set[str]]:
    """Each message's flags, by subject."""
    with _session(settings.port) as client:
        client.select(settings.folder)
        _, data = client.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    parts = [item for item in data if isinstance(item, tuple)]
    return {str(email.message_from_bytes(head, policy=default_policy)["Subject"]):
            {f for f in ("\\Seen", "\\Flagged") if f.encode() in meta} for meta, head in parts}


def _unsee(settings: ImapSettings, subject: str) -> None:
    with _session(settings.port) as client:
        client.select(settings.folder)
        _, found = client.search(None, "SUBJECT", f'"{subject}"')
        client.store(found[0].decode(), "-FLAGS", "(\\Seen)")


@pytest.fixture
def cycle_path(tmp_path) -> Path:
    """The mini cycle with a deputy's address for äldre."""
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data["plan"] = str(MINI.parent / "plan.yaml")
    next(c for c in data["contributors"] if c["id"] == "aldre")["deputy_email"] = DEPUTY
    path = tmp_path / "cykel" / "cycle.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_only_the_contributors_own_addresses_hand_in_and_a_second_run_adds_nothing(imap, cycle_path, tmp_path):
    cycle, made = load_cycle(cycle_path), tmp_path / "skickat"
    barn, aldre, stab = (write_filled(made, cycle, c) for c in ("barn", "aldre", "stab"))
    (made / "protokoll.pdf").write_bytes(b"%PDF-1.4 inte en arbetsbok")
    _deliver(imap, "Alex Barn <Alex@Example.se>", "Underlag barn", barn, made / "protokoll.pdf")
    _deliver(imap, f"Vikarie <{DEPUTY}>", "Underlag äldre", aldre)
    _deliver(imap, STRANGER, "Från okänd", barn)
    _deliver(imap, "alex@example.se", "Stabens bok", stab)  # barn's address, stab's workbook
    _deliver(imap, "kim@example.se", "Stabens CSV", _zipped(write_filled_csv(made / "csv", cycle, "stab")))
    state = collect_mail(cycle_path=cycle_path, workdir=tmp_path / "arbete", imap=imap, return_state=True)
    lines = [result.line for result in state.result()]
    assert lines[0] == ("E-post från alex@example.se med ämnet ”Underlag barn”: barn.xlsx: barn version 1, godkänd "
                        "(0 fel, 0 varningar), ny version; protokoll.pdf hoppas över: bara en arbetsbok (.xlsx) "
                        "eller en zippad CSV-mapp (.zip) tas emot.")
    assert lines[1].startswith("E-post från vik.aldre@example.se med ämnet ”Underlag äldre”: aldre.xlsx: aldre version 1")
    assert lines[2].startswith(f"E-post från {STRANGER} med ämnet ”Från okänd”: barn.xlsx tas inte emot – avsändaren är "
                               "inte e-postadressen")
    assert "Meddelandet är flaggat i e-postlådan" in lines[2]
    assert lines[3].startswith("E-post från alex@example.se med ämnet ”Stabens bok”: stab.xlsx tas inte emot – arbetsboken "
                               "anger bidragsgivaren 'stab', men avsändaren skriver för barn.")
    assert lines[4] == ("E-post från kim@example.se med ämnet ”Stabens CSV”: stab.zip: stab version 1, godkänd "
                        "(0 fel, 0 varningar), ny version.")
    ledger = Ledger(Workspace(tmp_path / "arbete").default_ledger_url)
    versions = {c: ledger.versions(cycle.config.id, c) for c in ("barn", "aldre", "stab", "okand")}
    assert {c: [v.status for v in found] for c, found in versions.items()} == {
        "barn": ["godkänd"], "aldre": ["godkänd"], "stab": ["godkänd"], "okand": []}
    archived = sorted((tmp_path / "arbete" / "arkiv").glob("*/*/*.xlsx"))
    assert sorted((p.name, p.read_bytes()) for p in archived) == sorted((f.name, f.read_bytes()) for f in (barn, aldre))
    assert _flags(imap) == {"Underlag barn": {"\\Seen"}, "Underlag äldre": {"\\Seen"}, "Från okänd": {"\\Flagged"},
                            "Stabens bok": {"\\Flagged"}, "Stabens CSV": {"\\Seen"}}
    assert not list((tmp_path / "arbete" / "e-post").iterdir())  # the run's inbox is gone; the originals are archived

    _unsee(imap, "Underlag barn")  # as if the run had stopped before marking it read
    Secret(value=PASSWORD).save("tertial-imap-test", overwrite=True)
    from_block = imap.model_copy(update={"password": None, "password_block": "tertial-imap-test"})
    again = collect_mail(cycle_path=cycle_path, workdir=tmp_path / "arbete", imap=from_block)
    assert [r.line.split(": ", 2)[2] for r in again] == [
        "barn version 1, godkänd (0 fel, 0 varningar), redan mottagen; protokoll.pdf hoppas över: bara en "
        "arbetsbok (.xlsx) eller en zippad CSV-mapp (.zip) tas emot."]
    assert [v.sha256 for v in ledger.versions(cycle.config.id, "barn")] == [content_hash(barn)]
    assert _flags(imap)["Underlag barn"] == {"\\Seen"}
    _password_stays_out_of_prefect(state)
    wrong = imap.model_copy(update={"password": SecretStr("fel-Lösen-77")})  # not ASCII: AUTHENTICATE PLAIN
    with pytest.raises(MailboxError) as refused:
        collect_mail(cycle_path=cycle_path, workdir=tmp_path / "arbete", imap=wrong)
    assert refused.value.message_sv.startswith(f"E-postlådan 127.0.0.1:{imap.port}, mappen {imap.folder} tog inte emot "
                                               f"inloggningen som {USER}.")
    assert "fel-Lösen-77" not in refused.value.message_sv + repr(refused.value.__context__)


def _password_stays_out_of_prefect(state) -> None:
    parameters, logs = recorded(state)
    assert any("tas inte emot – avsändaren är inte e-postadressen" in line for line in logs)
    assert parameters["imap"]["password"] == "**********" and PASSWORD not in json.dumps(parameters, default=str) + "\n".join(logs)


def test_cli_takes_in_with_the_settings_of_the_environment_and_never_prints_the_password(imap, cycle_path, tmp_path):
    from prefect.settings import get_current_settings

    cycle = load_cycle(cycle_path)
    _deliver(imap, "eli@example.se", "T1 äldre", write_filled(tmp_path / "skickat", cycle, "aldre"))
    cli = [str(Path(sys.executable).parent / "tertial"), "collect-mail", "--cycle", str(cycle_path),
           "--workdir", str(tmp_path / "arbete")]
    env = {**os.environ, "PREFECT_API_URL": str(get_current_settings().api.url), "TERTIAL_IMAP_HOST": "127.0.0.1",
           "TERTIAL_IMAP_PORT": str(imap.port), "TERTIAL_IMAP_USER": USER, "TERTIAL_IMAP_PASSWORD": PASSWORD,
           "TERTIAL_IMAP_FOLDER": imap.folder, "TERTIAL_IMAP_TLS": "false"}
    done = subprocess.run(cli, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["E-post från eli@example.se med ämnet ”T1 äldre”: aldre.xlsx: aldre version 1, "
                                        "godkänd (0 fel, 0 varningar), ny version."]
    assert PASSWORD not in done.stdout + done.stderr


def test_with_tls_the_mailbox_is_never_read_in_the_clear(imap):
    """TLS on (the default) against a server that speaks plain IMAP: refused in Swedish, never a fallback."""
    with pytest.raises(MailboxError) as refused:
        with Mailbox(imap.model_copy(update={"tls": True}), imap.password):
            pass
    assert refused.value.message_sv.startswith(f"E-postlådan 127.0.0.1:{imap.port}, mappen {imap.folder} svarar inte (SSL")
