"""`tertial serve` and `tertial lank`: the contributors' pages in the browser, and each contributor's link to theirs."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from commands.app import command, console
from commands.options import WORKDIR, Cycle, Debug, Ledger, Workdir
from tertial.controls import escape_controls

if TYPE_CHECKING:  # FastAPI and the flows are imported inside the commands, after Prefect is quietened
    from fastapi import FastAPI

    from tertial.mail import Mail, Mailer

BASE_URL = "http://127.0.0.1:8000"


class ConsoleMailer:
    """Without a mail server (no TERTIAL_SMTP_HOST) a sign-in link is printed where `tertial serve` runs, for the one
    who started it; nothing else that the app mails is meant for that terminal."""

    def send(self, mail: Mail) -> None:
        console.print(escape_controls(f"Ingen e-postserver: brevet till {', '.join(mail.to)} ({mail.subject}) visas här.\n"
                                      f"{mail.body}"))


def default_mailer() -> Mailer:
    from tasks.mail import smtp_mailer
    from tertial.settings import load_settings

    return smtp_mailer.fn() if load_settings().smtp_host else ConsoleMailer()


def build_app(cycle_path: Path, workdir: Path, ledger_url: str | None = None, base_url: str | None = None,
              mailer: Mailer | None = None, clock: Callable[[], dt.datetime] | None = None) -> FastAPI:
    """The app on this cycle and work folder; every upload is taken in by the collect flow, as `tertial collect` does.
    Mailed links point at `base_url` (else TERTIAL_PUBLIC_URL, else the local default). `clock`: the service's time
    (days left, reminders due, decisions), the real one by default."""
    from flows.collect import collect
    from tertial.access import ensure_token_key
    from tertial.config import load_cycle
    from tertial.settings import load_settings
    from tertial.web.app import Service, create_app
    from tertial.web.sso import sso_client
    from tertial.workspace import Create, Workspace

    cycle = load_cycle(cycle_path)
    ledger = Workspace(workdir).open_ledger(ledger_url, create=Create.FOLDER_AND_LEDGER)
    key = ensure_token_key(workdir)  # serving hands out workbooks, as `tertial open` does

    def intake(inbox: Path):
        return collect(cycle_path=cycle_path, inbox=inbox, workdir=workdir, ledger_url=ledger_url)

    settings = load_settings()
    base_url = (base_url or settings.public_url or BASE_URL).rstrip("/")
    mailer = mailer or default_mailer()
    service = Service(cycle, Path(workdir), ledger, key, intake, mailer, base_url, sso=sso_client(settings),
                      remind=_reminding(cycle_path, workdir, ledger_url, mailer), assemble=_drafting(cycle_path, workdir, ledger_url))
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


def warm_up(cycle_path: Path, workdir: Path, ledger_url: str | None) -> None:
    """Start Prefect's server and load the checks before the first contributor waits for them: a collect of an
    empty inbox starts the one, and checking a fresh handout as `tertial validate` does (recorded nowhere) the other."""
    from commands.checking import check_file
    from flows.collect import collect
    from tertial import prefill, workbooks
    from tertial.access import require_token_key
    from tertial.config import load_cycle

    loaded = load_cycle(cycle_path)
    with tempfile.TemporaryDirectory() as folder:
        collect(cycle_path=cycle_path, inbox=Path(folder), workdir=workdir, ledger_url=ledger_url)
        first = loaded.config.contributors[0].id
        rows = prefill.handout_rows(loaded, first, None, {})
        check_file(workbooks.write_handout(loaded, first, rows, Path(folder), require_token_key(workdir)), cycle_path, workdir)


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

    from tertial.settings import load_settings

    app = build_app(cycle, workdir, ledger, base_url=None if load_settings().public_url else f"http://{host}:{port}")
    with console.status("Startar …"):
        warm_up(cycle, workdir, ledger)
    console.print(escape_controls(f"Tertial visas på http://{host}:{port}/ (avsluta med Ctrl+C). "
                                  "Skriv ut en bidragsgivares länk med 'tertial lank'."))
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
