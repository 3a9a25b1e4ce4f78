"""`tertial serve` and `tertial lank`: the contributors' pages in the browser, and each contributor's link to theirs."""

from __future__ import annotations

import datetime as dt
import signal
import tempfile
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from commands.app import command, console, flows_on
from commands.options import WORKDIR, Cycle, Debug, Ledger, Workdir
from tertial.controls import escape_controls

if TYPE_CHECKING:  # FastAPI and the flows are imported inside the commands, after Prefect is quietened
    from fastapi import FastAPI

    from tertial.mail import Mail, Mailer
    from tertial.warm_processes import WarmProcesses

BASE_URL = "http://127.0.0.1:8000"
# Warm processes that read and validate each batch of uploads: the files a share each, the sheets' GX runs side by
# side. The indicators' run is about a third of GX's time and cannot be split, so more than two shorten a batch
# little, and each holds GX in its memory.
CHECKING_PROCESSES = 2


class ConsoleMailer:
    """Without a mail server (no TERTIAL_SMTP_HOST) a sign-in link is printed where `tertial serve` runs, for the one
    who started it; nothing else that the app mails is meant for that terminal."""

    def send(self, mail: Mail) -> None:
        console.print(escape_controls(f"Ingen e-postserver: brevet till {', '.join(mail.to)} ({mail.subject}) visas här:"))
        for line in mail.body.splitlines():  # each line escaped on its own, so the link stays one line to copy
            console.print(escape_controls(line))


def default_mailer() -> Mailer:
    from tasks.mail import smtp_mailer
    from tertial.settings import load_settings

    return smtp_mailer.fn() if load_settings().smtp_host else ConsoleMailer()


def build_app(cycle_path: Path, workdir: Path, ledger_url: str | None = None, base_url: str | None = None,
              mailer: Mailer | None = None, clock: Callable[[], dt.datetime] | None = None,
              checkers: WarmProcesses | None = None) -> FastAPI:
    """The app on this cycle and work folder. An upload is taken in by the collect flow's own intake
    (take_in_files: archive, ledger, validation, feedback, mail), run in this process with the tasks' functions,
    together with the uploads that arrive with it; then the leadership page is written, as a collect does.
    With `checkers` (warm processes, `checking_processes`), they read the files, prepare them, run the sheets' GX
    runs and write the annotated workbooks, side by side.
    Mailed links point at `base_url` (else TERTIAL_PUBLIC_URL, else the local default). `clock`: the service's time
    (days left, reminders due, decisions), the real one by default."""
    from flows.collect import PLAIN, take_in_files
    from tertial.access import ensure_token_key
    from tertial.config import load_cycle
    from tertial.settings import load_settings
    from tertial.web.app import Service, create_app
    from tertial.web.batches import Batches
    from tertial.web.sso import sso_client
    from tertial.workspace import Create, Workspace

    cycle = load_cycle(cycle_path)
    workspace = Workspace(workdir)
    ledger = workspace.open_ledger(ledger_url, create=Create.FOLDER_AND_LEDGER)
    key = ensure_token_key(workdir)  # serving hands out workbooks, as `tertial open` does

    steps = replace(PLAIN, checkers=checkers)

    def intake(paths: list[Path], answer):
        return take_in_files(paths, cycle, ledger, workspace, steps, answer)

    settings = load_settings()
    base_url = (base_url or settings.public_url or BASE_URL).rstrip("/")
    mailer = mailer or default_mailer()
    batches = Batches(intake, after=lambda: status_page(cycle, workspace, ledger))
    service = Service(cycle, Path(workdir), ledger, key, batches.take_in, mailer, base_url, sso=sso_client(settings),
                      remind=_reminding(cycle_path, workdir, ledger_url, mailer), assemble=_drafting(cycle_path, workdir, ledger_url),
                      attest=_attesting(cycle_path, workdir, ledger_url), settled=batches.settled)
    return create_app(replace(service, clock=clock) if clock else service)


def _reminding(cycle_path: Path, workdir: Path, ledger_url: str | None, mailer: Mailer):
    """The reminders due on a day, sent by the remind flow as `tertial remind` sends them, through the app's mail server."""
    from flows.remind import remind
    from tertial.mail import SmtpMailer

    smtp = mailer.settings if isinstance(mailer, SmtpMailer) else None  # else the flow's own (TERTIAL_SMTP_*)

    def send_due(day: dt.date):
        return remind(cycle_path=cycle_path, workdir=workdir, as_of=day, ledger_url=ledger_url, smtp=smtp)

    return send_due


def _drafting(cycle_path: Path, workdir: Path, ledger_url: str | None):
    """A draft report in every format, gaps marked, by the assemble flow as `tertial assemble --allow-missing` makes it."""
    from flows.assemble import assemble

    def draft():
        assembled = assemble(cycle_path=cycle_path, workdir=workdir, allow_missing=True, ledger_url=ledger_url)
        return assembled.files, assembled.findings

    return draft


def _attesting(cycle_path: Path, workdir: Path, ledger_url: str | None):
    """The named attester's attestation, by the assemble flow as `tertial attest --namn` gives it."""
    from flows.assemble import assemble

    def attest(name: str):
        return assemble(cycle_path=cycle_path, workdir=workdir, allow_missing=True, ledger_url=ledger_url, attester=name)

    return attest


def status_page(cycle, workspace, ledger) -> Path:
    """The leadership page as the collect flow writes it (show_status), without Prefect's artifacts: no flow run holds
    them here; the next scheduled collect publishes them."""
    from tasks.followup import contributor_statuses
    from tasks.status_page import write_status_page
    from tertial.deadlines import today
    from tertial.render.status_page import status_view

    day, page = today(), workspace.status_page
    statuses = contributor_statuses.fn(cycle, ledger, day)
    return write_status_page.fn(status_view(cycle, statuses, day, workspace.root, page.parent), page)


def warm_up(cycle_path: Path, workdir: Path) -> None:
    """Before the first contributor waits: take fresh handouts in through the served intake, in a scratch work
    folder with a ledger of its own, mailing nobody: one of each kind (the sheets it has), so that every sheet's reading,
    preparing, rules and GX suite have run once. GX's context, the suites, the ledger's statements and the feedback
    files' templates are then loaded, and the service (or warm process) keeps them."""
    from dataclasses import replace

    from flows.collect import PLAIN, take_in_files
    from tertial import prefill, workbooks
    from tertial.access import key_file, require_token_key
    from tertial.config import load_cycle
    from tertial.workspace import Workspace

    loaded = load_cycle(cycle_path)
    kinds: dict[frozenset, tuple[str, dict]] = {}
    for contributor in loaded.config.contributors:
        rows = prefill.handout_rows(loaded, contributor.id, None, {})
        kinds.setdefault(frozenset(k for k, v in rows.items() if v), (contributor.id, rows))
    unmailed = replace(PLAIN, mailer=lambda: None, mail=_nobody, feedback_mail=_nobody)
    with tempfile.TemporaryDirectory() as folder:
        scratch = Workspace(Path(folder) / "arbete")
        key_file(scratch.root).parent.mkdir(parents=True, mode=0o700)
        key_file(scratch.root).symlink_to(key_file(workdir).resolve())  # the installation's key, never copied
        handouts = [workbooks.write_handout(loaded, contributor, rows, Path(folder), require_token_key(workdir))
                    for contributor, rows in kinds.values()]
        ledger = scratch.open_ledger(scratch.default_ledger_url)  # never TERTIAL_LEDGER_URL: nothing is recorded there
        take_in_files(handouts, loaded, ledger, scratch, unmailed)


def _nobody(*_) -> None:
    return None


def _stopped(*_) -> None:
    raise SystemExit(0)  # so that the warm processes are closed on the way out, as on Ctrl+C


def checking_processes(cycle_path: Path, workdir: Path) -> WarmProcesses | None:
    """The processes that read and validate the uploads on the machine's cores, each warmed up as the service is
    (warm_up); None on a single core, where the service's own process does it. Their warm-up hands in a workbook
    with the installation's key, so the key is made first."""
    import os

    from tertial.access import ensure_token_key
    from tertial.warm_processes import WarmProcesses

    workers = min(CHECKING_PROCESSES, os.cpu_count() or 1)
    if workers < 2:
        return None
    ensure_token_key(workdir)
    return WarmProcesses(workers, warm_up, Path(cycle_path), Path(workdir))


@command()
def serve(
    cycle: Cycle,
    workdir: Workdir = WORKDIR,
    ledger: Ledger = None,
    host: Annotated[str, typer.Option(help="Adressen att lyssna på (bakom stadens proxy: 127.0.0.1).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Porten att lyssna på.")] = 8000,
    debug: Debug = False,
) -> None:
    """Visa Tertial i webbläsaren: bidragsgivarnas sidor (personlig länk) och controllerns och ledningens (inloggning)."""
    import uvicorn

    from tertial.heap import freeze_warm_objects
    from tertial.settings import load_settings

    signal.signal(signal.SIGTERM, _stopped)  # uvicorn stops on SIGTERM and then raises it again, past any `finally`
    with checking_processes(cycle, workdir) or nullcontext() as checkers:  # they warm up while this process does
        app = build_app(cycle, workdir, ledger, base_url=None if load_settings().public_url else f"http://{host}:{port}",
                        checkers=checkers)
        with console.status("Startar …"):
            warm_up(cycle, workdir)
            if checkers is not None:
                checkers.wait_until_warm()
            freeze_warm_objects()
        console.print(escape_controls(f"Tertial visas på http://{host}:{port}/ (avsluta med Ctrl+C). "
                                      "Skriv ut en bidragsgivares länk med 'tertial lank'."))
        with flows_on(workdir):  # the controller's reminders and drafts are flow runs
            uvicorn.run(app, host=host, port=port, log_level="info" if debug else "warning", server_header=False)


@command("lank")
def link(
    cycle: Cycle,
    contributor: Annotated[str, typer.Option("--bidragsgivare", "--contributor", help="Bidragsgivarens id.")],
    days: Annotated[int, typer.Option("--dagar", min=1, help="Hur många dagar länken gäller.")] = 30,
    revoke: Annotated[bool, typer.Option("--aterkalla", help="Gör bidragsgivarens tidigare länkar ogiltiga först.")] = False,
    base_url: Annotated[str, typer.Option("--bas-url", help="Adressen där 'tertial serve' nås.")] = BASE_URL,
    workdir: Workdir = WORKDIR,
    debug: Debug = False,
) -> None:
    """Skriv ut en bidragsgivares personliga länk (signerad, med sista giltighetsdag)."""
    from tertial.access import ensure_token_key
    from tertial.config import load_cycle
    from tertial.web import links

    loaded = load_cycle(cycle)
    key = ensure_token_key(workdir)
    links.require_contributor(loaded, contributor)
    if revoke:
        links.revoke(workdir, contributor)
    token = links.personal_link(key, loaded, workdir, contributor, days, dt.datetime.now(dt.UTC))
    console.print(escape_controls(f"{base_url.rstrip('/')}/b/{token}"))
