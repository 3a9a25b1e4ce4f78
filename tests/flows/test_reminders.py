"""Reminders, escalation and feedback mail through a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import email
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from prefect import flow

from flows.collect import collect
from flows.remind import remind
from tertial.feedback.text import feedback_text
from tasks.mail import send_feedback
from tertial.config import load_cycle
from tertial.errors import TertialError
from tertial.ledger import Ledger
from tertial.workspace import Workspace
from tertial.mail import SmtpMailer, SmtpSettings
from tests.builders import filled_rows, write_filled
from tests.conftest import MINI
from tests.webapp import free_port
from tests.prefect_records import recorded

pytestmark = [
    pytest.mark.flow, pytest.mark.smtp, pytest.mark.usefixtures("prefect_harness"),
    # The test server takes a password over plain SMTP on 127.0.0.1; aiosmtpd warns about that.
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
]

USER, PASSWORD = "tertial", "hemligt-Lösen-8472"
CONTROLLER, CHIEF = "kim.controller@example.se", "chef.aldre@example.se"
TITLE = "Tertialrapport 1 år 2025 för Testdals socialnämnd"


@dataclass
class Received:
    to: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return self.message["Subject"]

    @property
    def body(self) -> str:
        return self.message.get_body(("plain",)).get_content().replace("\r\n", "\n")


@dataclass
class Inbox:
    """The SMTP server's side: what it accepted, and the trouble it is told to make."""

    messages: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    fail_data: int = 0
    rcpt_attempts: list[str] = field(default_factory=list)
    data_attempts: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_attempts.append(address)
        if address in self.refuse:
            return "550 5.1.1 Mottagaren finns inte"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_attempts += 1
        if self.fail_data:
            self.fail_data -= 1
            return "451 4.3.0 Försök igen senare"
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append(Received(tuple(envelope.rcpt_tos), message))
        return "250 OK"

    def take(self) -> list[Received]:
        taken, self.messages = self.messages, []
        return taken


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)



@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), authenticator=_authenticate,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def settings(smtp_server) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=smtp_server[1], sender="tertial@example.se", user=USER, password=PASSWORD)


@pytest.fixture
def cycle_path(tmp_path) -> Path:
    """The mini cycle with a controller's e-mail, and a chief and a deputy for äldre."""
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data["plan"] = str(MINI.parent / "plan.yaml")
    data["handlaggare"]["email"] = CONTROLLER
    aldre = next(c for c in data["contributors"] if c["id"] == "aldre")
    aldre.update(chief_email=CHIEF, deputy_email="vik.aldre@example.se")
    path = tmp_path / "cykel" / "cycle.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def workdir(tmp_path, cycle_path) -> Path:
    """Barn has sent an accepted submission, äldre one with an error, stab nothing."""
    cycle, inbox = load_cycle(cycle_path), tmp_path / "inkorg"
    wrong = filled_rows(cycle, "aldre")
    wrong["indicators"][0]["period"] = "Tertial 2 2025"
    write_filled(inbox, cycle, "aldre", wrong, name="aldre-utkast.xlsx")
    write_filled(inbox, cycle, "barn")
    collect(cycle_path=cycle_path, inbox=inbox, workdir=tmp_path / "arbete")
    return tmp_path / "arbete"


def _sent(inbox: Inbox) -> set[tuple[tuple[str, ...], str]]:
    return {(tuple(sorted(m.to)), m.subject.split(":")[0]) for m in inbox.take()}


def test_reminders_late_notices_and_escalation_day_by_day(smtp_server, settings, cycle_path, workdir):
    inbox, _ = smtp_server

    def day(iso: str):
        deliveries = remind(cycle_path=cycle_path, workdir=workdir, as_of=dt.date.fromisoformat(iso), smtp=settings)
        assert all(d.sent for d in deliveries), deliveries
        return _sent(inbox)

    aldre, stab = ("eli@example.se", "vik.aldre@example.se"), ("kim@example.se",)
    assert day("2025-04-24") == set()                       # äldre 6, stab 8 working days left
    assert day("2025-04-25") == {(aldre, "Påminnelse")}     # äldre: 5 working days before 5 May
    assert day("2025-04-25") == set()                       # the same day again: nothing new
    assert day("2025-04-29") == {(stab, "Påminnelse")}      # stab: 5 working days before 7 May (första maj skipped)
    assert day("2025-05-02") == {(aldre, "Påminnelse")}     # äldre: 1 working day left
    assert day("2025-05-03") == set()                       # a Saturday: no mail
    assert day("2025-05-06") == {(stab, "Påminnelse"), (aldre, "Försenat underlag")}
    assert day("2025-05-07") == {(aldre, "Försenat underlag"), ((CHIEF, CONTROLLER), "Eskalering")}
    assert day("2025-05-07") == set()
    assert day("2025-05-08") == {(stab, "Försenat underlag"), (aldre, "Försenat underlag")}  # escalation only once

    events = Ledger(Workspace(workdir).default_ledger_url).events("testdal-t1-2025", kinds=("reminder", "late_notice", "escalation"))
    assert len(events) == 9 and len({e.key for e in events}) == 9
    assert not {e.contributor_id for e in events} & {"barn"}  # an accepted submission is never reminded
    assert "escalation:aldre:2025-05-05" in {e.key for e in events}


def test_a_workdir_without_a_ledger_is_refused_rather_than_reminding_everyone(smtp_server, settings, cycle_path, tmp_path):
    with pytest.raises(TertialError, match="Det finns ingen liggare i"):
        remind(cycle_path=cycle_path, workdir=tmp_path / "fel-mapp", as_of=dt.date(2025, 5, 6), smtp=settings)
    assert smtp_server[0].messages == [] and not (tmp_path / "fel-mapp").exists()


def test_the_mail_names_report_avdelning_deadline_and_what_is_missing(smtp_server, settings, cycle_path, workdir):
    inbox, _ = smtp_server
    remind(cycle_path=cycle_path, workdir=workdir, as_of=dt.date(2025, 4, 29), smtp=settings)
    mails = {m.to[0]: m for m in inbox.take()}
    stab, aldre = mails["kim@example.se"], mails["eli@example.se"]
    assert stab.subject == f"Påminnelse: underlag till {TITLE} – sista dag onsdag 7 maj 2025"
    assert stab.message["From"] == "tertial@example.se"
    assert "Sista dag att lämna underlaget till" in stab.body and "onsdag 7 maj 2025, om 5 arbetsdagar." in stab.body
    assert "Avdelning: Stabsavdelningen" in stab.body
    assert "Det här saknas: Vi har inte fått något underlag från er ännu." in stab.body
    assert "Underlaget omfattar: mål 1, 2, 2.1" in stab.body and "ekonomitabellerna" in stab.body
    assert aldre.message["Cc"] == "vik.aldre@example.se"
    assert aldre.subject == f"Påminnelse: underlag till {TITLE} – sista dag måndag 5 maj 2025"
    assert "Senaste versionen (version 1) har 1 fel som måste rättas" in aldre.body

    remind(cycle_path=cycle_path, workdir=workdir, as_of=dt.date(2025, 5, 7), smtp=settings)
    escalation = next(m for m in inbox.take() if m.subject.startswith("Eskalering"))
    assert escalation.subject == f"Eskalering: underlag saknas från Äldreavdelningen – {TITLE}"
    assert escalation.message["To"] == f"{CHIEF}, {CONTROLLER}"
    assert "är 2 arbetsdagar sent (sista dag var måndag 5 maj 2025)" in escalation.body


def test_a_refused_recipient_is_not_retried_and_is_tried_again_next_run(smtp_server, settings, cycle_path, workdir):
    inbox, _ = smtp_server
    inbox.refuse.add("kim@example.se")
    deliveries = remind(cycle_path=cycle_path, workdir=workdir, as_of=dt.date(2025, 4, 29), smtp=settings)
    assert [(d.contributor_id, d.sent) for d in deliveries] == [("stab", False), ("aldre", True)]  # the others still go
    assert "SMTPRecipientsRefused" in deliveries[0].error
    assert [m.to[0] for m in inbox.take()] == ["eli@example.se"]
    assert inbox.rcpt_attempts.count("kim@example.se") == 1  # no retry for a refused address
    assert Ledger(Workspace(workdir).default_ledger_url).event("testdal-t1-2025", "reminder:stab:2025-05-07:5") is None

    inbox.refuse.clear()
    again = remind(cycle_path=cycle_path, workdir=workdir, as_of=dt.date(2025, 4, 29), smtp=settings)
    assert [(d.contributor_id, d.sent) for d in again] == [("stab", True)]
    assert [m.to for m in inbox.take()] == [("kim@example.se",)]


def test_a_passing_server_error_is_retried(smtp_server, settings, cycle_path, workdir):
    inbox, _ = smtp_server
    inbox.fail_data = 1
    deliveries = remind(cycle_path=cycle_path, workdir=workdir, as_of=dt.date(2025, 4, 25), smtp=settings)
    assert [(d.contributor_id, d.sent) for d in deliveries] == [("aldre", True)]
    assert inbox.data_attempts == 2 and len(inbox.take()) == 1


def test_a_wrong_password_fails_without_showing_it(smtp_server, cycle_path, workdir):
    inbox, port = smtp_server
    wrong = SmtpSettings(host="127.0.0.1", port=port, sender="tertial@example.se", user=USER, password="fel-lösen-1234")
    deliveries = remind(cycle_path=cycle_path, workdir=workdir, as_of=dt.date(2025, 4, 25), smtp=wrong)
    assert [(d.sent, d.error.split(":")[0]) for d in deliveries] == [(False, "SMTPAuthenticationError")]
    assert "fel-lösen-1234" not in repr(deliveries) and inbox.messages == []


def test_the_password_never_reaches_prefect(smtp_server, settings, cycle_path, workdir):
    state = remind(cycle_path=cycle_path, workdir=workdir, as_of=dt.date(2025, 4, 25), smtp=settings, return_state=True)
    assert len(smtp_server[0].take()) == 1
    parameters, logs = recorded(state)
    assert any("E-post skickad till eli@example.se" in line for line in logs)
    assert parameters["smtp"]["password"] == "**********" and PASSWORD not in json.dumps(parameters, default=str) + "\n".join(logs)


def test_the_password_can_come_from_a_prefect_secret_block(smtp_server, cycle_path, workdir):
    from prefect.blocks.system import Secret

    Secret(value=PASSWORD).save("tertial-smtp-test", overwrite=True)
    settings = SmtpSettings(host="127.0.0.1", port=smtp_server[1], sender="tertial@example.se", user=USER,
                            password_block="tertial-smtp-test")
    deliveries = remind(cycle_path=cycle_path, workdir=workdir, as_of=dt.date(2025, 4, 25), smtp=settings)
    assert [(d.contributor_id, d.sent) for d in deliveries] == [("aldre", True)]  # the server checked the password
    assert len(smtp_server[0].take()) == 1


def test_cli_reads_smtp_settings_from_the_environment_and_never_prints_the_password(smtp_server, cycle_path, workdir):
    inbox, port = smtp_server
    cli = [str(Path(sys.executable).parent / "tertial"), "remind", "--cycle", str(cycle_path), "--workdir", str(workdir)]
    from prefect.settings import get_current_settings

    # The harness's Prefect server, so each command does not start a temporary one of its own.
    env = {**os.environ, "PREFECT_API_URL": str(get_current_settings().api.url), "TERTIAL_SMTP_HOST": "127.0.0.1", "TERTIAL_SMTP_PORT": str(port),
           "TERTIAL_SMTP_SENDER": "tertial@example.se", "TERTIAL_SMTP_USER": USER, "TERTIAL_SMTP_PASSWORD": PASSWORD}
    missing = subprocess.run(cli + ["--as-of", "2025-04-25"], capture_output=True, text=True,
                             env={k: v for k, v in env.items() if k != "TERTIAL_SMTP_HOST"})
    assert missing.returncode == 2 and "TERTIAL_SMTP_HOST" in missing.stderr and PASSWORD not in missing.stderr + missing.stdout
    done = subprocess.run(cli + ["--as-of", "2025-04-25", "--debug"], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "aldre: Påminnelse: underlag till" in done.stdout and "1 e-brev skickade." in done.stdout
    assert PASSWORD not in done.stdout + done.stderr
    assert [m.to for m in inbox.take()] == [("eli@example.se", "vik.aldre@example.se")]
    quiet = subprocess.run(cli + ["--as-of", "2025-04-25"], capture_output=True, text=True, env=env)
    assert quiet.stdout.strip() == "0 e-brev skickade." and inbox.messages == []


@flow
def mail_feedback(cycle, version, findings, files, settings):
    """As intake will: the task inside a flow."""
    return send_feedback(cycle, version, findings, files, SmtpMailer(settings))


def test_feedback_mail_has_the_summary_and_the_files(smtp_server, settings, cycle_path, workdir):
    inbox, _ = smtp_server
    cycle, ledger = load_cycle(cycle_path), Ledger(Workspace(workdir).default_ledger_url)
    version = ledger.versions(cycle.config.id, "aldre")[0]
    findings = ledger.findings(version.id)
    files = sorted((workdir / "aterkoppling").glob("aldre-v1*"))
    assert files
    sent = mail_feedback(cycle, version, findings, files, settings)
    [received] = inbox.take()
    assert received.to == ("eli@example.se", "vik.aldre@example.se") and sent.subject == received.subject
    assert received.subject == f"Återkoppling: {TITLE} – Äldreavdelningen, version 1 underkänd"
    assert received.body.strip() == feedback_text(cycle, version, findings).strip()
    attached = {part.get_filename(): part.get_content() for part in received.message.iter_attachments()}
    assert set(attached) == {f.name for f in files}
    for path in files:
        content = attached[path.name]
        assert (content.encode() if isinstance(content, str) else content).replace(b"\r\n", b"\n") == path.read_bytes().replace(b"\r\n", b"\n")


def test_collect_mails_feedback_when_smtp_is_configured(smtp_server, cycle_path, tmp_path, monkeypatch):
    inbox, port = smtp_server
    for key, value in {"HOST": "127.0.0.1", "PORT": str(port), "SENDER": "tertial@example.se",
                       "USER": USER, "PASSWORD": PASSWORD}.items():
        monkeypatch.setenv(f"TERTIAL_SMTP_{key}", value)  # the outside world's settings, not our code
    cycle = load_cycle(cycle_path)
    write_filled(tmp_path / "in", cycle, "barn")
    collect(cycle_path=cycle_path, inbox=tmp_path / "in", workdir=tmp_path / "w")
    [received] = inbox.take()
    assert received.to[0] == "alex@example.se"
    assert received.subject.endswith("version 1 godkänd")
    assert {part.get_filename() for part in received.message.iter_attachments()} == {"barn-v1.txt", "barn-v1.html", "barn-v1.xlsx"}
    collect(cycle_path=cycle_path, inbox=tmp_path / "in", workdir=tmp_path / "w")
    assert inbox.take() == []  # the same file again: no new version, no new mail
    from tertial.history import history
    from tertial.workspace import Workspace

    logged = [e.to_dict() for e in history(cycle, Workspace(tmp_path / "w").open_ledger(), "barn")
              if e.to_dict()["handelse"] == "e-brev"]  # the mail log of `tertial history`: the one mail, once
    assert [(e["slag"], e["till"], e["amne"], e["version"]) for e in logged] == [
        ("återkoppling", ["alex@example.se"], received.subject, 1)]


def test_a_mail_that_cannot_be_sent_is_a_line_and_the_others_are_sent(smtp_server, cycle_path, tmp_path, monkeypatch):
    """Issue 12: the server refusing barn's address stops neither äldre's mail nor the run."""
    inbox, port = smtp_server
    inbox.refuse = {"alex@example.se"}
    for key, value in {"HOST": "127.0.0.1", "PORT": str(port), "SENDER": "tertial@example.se",
                       "USER": USER, "PASSWORD": PASSWORD}.items():
        monkeypatch.setenv(f"TERTIAL_SMTP_{key}", value)
    cycle = load_cycle(cycle_path)
    write_filled(tmp_path / "in", cycle, "barn")
    write_filled(tmp_path / "in", cycle, "aldre")
    outcomes = {o.file: o for o in collect(cycle_path=cycle_path, inbox=tmp_path / "in", workdir=tmp_path / "w")}
    assert [r.to[0] for r in inbox.take()] == ["eli@example.se"]
    assert outcomes["aldre.xlsx"].problems == ()
    [line] = outcomes["barn.xlsx"].problems
    assert line.startswith("barn.xlsx: oväntat fel vid utskick (SMTPRecipientsRefused:") and "Mottagaren finns inte" in line
    assert outcomes["barn.xlsx"].version.status == "godkänd"


def test_opening_mails_each_contributor_its_workbook_calendar_and_page_once(smtp_server, settings, cycle_path, tmp_path,
                                                                            monkeypatch):
    from flows.open_cycle import open_reporting_cycle
    from tertial.deadlines import long_date

    monkeypatch.setenv("TERTIAL_PUBLIC_URL", "https://tertial.example.se")
    inbox, workdir, out = smtp_server[0], tmp_path / "oppnad", tmp_path / "utskick"
    handed = open_reporting_cycle(cycle_path=cycle_path, out_dir=out, workdir=workdir, send=True, smtp=settings)
    cycle, mails = load_cycle(cycle_path), {m.to[0]: m for m in inbox.take()}
    assert sorted(mails) == sorted(c.email for c in cycle.config.contributors) and all(h.mailed.sent for h in handed)
    for item in handed:
        contributor = cycle.contributor(item.contributor_id)
        mail = mails[contributor.email]
        assert mail.subject == f"Underlag till {TITLE} – sista dag {long_date(cycle.deadline(item.contributor_id))}"
        attached = {a.get_filename(): a.get_content() for a in mail.message.iter_attachments()}
        assert sorted(attached) == sorted([item.workbook.name, item.calendar.name])
        assert attached[item.workbook.name] == item.workbook.read_bytes() and "BEGIN:VEVENT" in attached[item.calendar.name]
        assert f"Avdelning: {contributor.avdelning}" in mail.body
        assert "Lämna in på din sida: https://tertial.example.se/b/" in mail.body
    assert set(mails[cycle.contributor("aldre").email].to) == {cycle.contributor("aldre").email, "vik.aldre@example.se"}  # deputy in copy
    events = Ledger(Workspace(workdir).default_ledger_url).events(cycle.config.id, kinds=("handout",))
    assert sorted(e.contributor_id for e in events) == sorted(c.id for c in cycle.config.contributors)

    again = open_reporting_cycle(cycle_path=cycle_path, out_dir=out, workdir=workdir, send=True, smtp=settings)
    assert inbox.take() == [] and [h.mailed for h in again] == [None] * len(again)  # nobody mailed twice


def test_a_return_is_mailed_at_once_and_a_dry_run_shows_every_mail_without_sending(smtp_server, cycle_path, workdir):
    inbox, port = smtp_server
    tertial = str(Path(sys.executable).parent / "tertial")
    env = {**os.environ, "TERTIAL_SMTP_HOST": "127.0.0.1", "TERTIAL_SMTP_PORT": str(port), "TERTIAL_SMTP_SENDER": "tertial@example.se",
           "TERTIAL_SMTP_USER": USER, "TERTIAL_SMTP_PASSWORD": PASSWORD, "TERTIAL_PUBLIC_URL": "https://tertial.example.se"}
    common = ["--cycle", str(cycle_path), "--workdir", str(workdir)]
    returned = subprocess.run([tertial, "return", *common, "--contributor", "barn", "--comment", "Analysen av mål 1.1 saknas.",
                               "--by", "Kim Controller"], capture_output=True, text=True, env=env)
    assert returned.returncode == 0, returned.stderr
    assert "E-brev skickat till alex@example.se." in returned.stdout and PASSWORD not in returned.stdout + returned.stderr
    [mail] = inbox.take()
    assert mail.to == ("alex@example.se",) and mail.subject == f"Återsänt underlag: {TITLE} – Avdelningen för barn och unga"
    assert "återsänts av Kim Controller med kommentaren:\n\nAnalysen av mål 1.1 saknas." in mail.body
    assert "Rätta och lämna in en ny version på din sida: https://tertial.example.se/b/" in mail.body

    events = Ledger(Workspace(workdir).default_ledger_url).events("testdal-t1-2025")
    preview = subprocess.run([tertial, "remind", *common, "--as-of", "2025-05-06", "--torrkorning"],
                             capture_output=True, text=True, env=env)
    assert preview.returncode == 0, preview.stderr
    assert inbox.messages == [] and Ledger(Workspace(workdir).default_ledger_url).events("testdal-t1-2025") == events
    # The day before barn's and stab's deadline, the day after äldre's: what `tertial remind` would send, each mail whole.
    subjects = [line for line in preview.stdout.splitlines() if line.startswith("Ämne: ")]
    assert len(subjects) == 3 and sum("Påminnelse: underlag till" in s for s in subjects) == 2
    assert "Till: eli@example.se; kopia: vik.aldre@example.se" in preview.stdout
    assert "Version 1 återsändes av Kim Controller med kommentaren: \"Analysen av mål 1.1 saknas.\"" in preview.stdout
    assert preview.stdout.rstrip().endswith("3 e-brev skulle skickas 2025-05-06 (torrkörning: inget skickat eller antecknat).")
