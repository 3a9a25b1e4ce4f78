"""`tertial status`, `approve`, `return` and `remind`: following the cycle up."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Optional

import typer

from commands.app import command, console, flows_on, print_json
from commands.options import WORKDIR, AsJson, AsOf, By, Contributor, Cycle, Debug, Ledger, Workdir
from tertial.controls import escape_controls
from tertial.wording import findings_count


def _day(as_of: dt.datetime | None) -> dt.date:
    from tertial.deadlines import today

    return as_of.date() if as_of else today()


def _preview(cycle: Path, day: dt.date, workdir: Path, url: str | None, as_json: bool) -> None:
    """Every mail the remind flow would send on `day`, the same selection, printed whole; nothing sent or recorded."""
    from tertial.config import load_cycle
    from tertial.reminders import unsent_mails
    from tertial.status import cycle_status
    from tertial.workspace import Create, Workspace

    loaded = load_cycle(cycle)
    ledger = Workspace(workdir).open_ledger(url, create=Create.NOTHING)
    due = unsent_mails(loaded, ledger, cycle_status(loaded, ledger, day), day, workdir)
    if as_json:
        print_json([{"contributor": item.contributor_id, "kind": str(item.kind), "to": list(item.mail.to),
                     "cc": list(item.mail.cc), "subject": item.mail.subject, "body": item.mail.body} for item in due])
        return
    for item in due:
        mail = item.mail
        console.print(escape_controls(f"Till: {', '.join(mail.to)}" + (f"; kopia: {', '.join(mail.cc)}" if mail.cc else "")))
        console.print(escape_controls(f"Ämne: {mail.subject}"))
        for line in mail.body.splitlines():
            console.print(escape_controls(line))
        console.print("")
    console.print(f"{len(due)} e-brev skulle skickas {day.isoformat()} (torrkörning: inget skickat eller antecknat).")


def _open_ledger(workdir: Path, url: str | None):
    """The ledger; a missing workdir is named rather than silently created as an empty one."""
    from tertial.workspace import Create, Workspace

    return Workspace(workdir).open_ledger(url, create=Create.LEDGER)


@command()
def status(cycle: Cycle, as_of: AsOf = None, as_json: AsJson = False,
           workdir: Workdir = WORKDIR, ledger: Ledger = None, debug: Debug = False) -> None:
    """Visa varje bidragsgivares läge: status, sista dag och arbetsdagar kvar."""
    from tertial.config import load_cycle
    from tertial.deadlines import days_text, long_date
    from tertial.status import cycle_status

    loaded = load_cycle(cycle)
    rows = cycle_status(loaded, _open_ledger(workdir, ledger), _day(as_of))
    if as_json:
        print_json([r.to_dict() for r in rows])
        return
    console.print(escape_controls(f"{loaded.title}, läget {_day(as_of).isoformat()}:"))
    for r in rows:
        version = f", version {r.latest_version} ({findings_count(r.errors, r.warnings)})" if r.latest_version else ""
        comment = f" – \"{r.comment}\" ({r.reviewed_by})" if r.comment else ""
        console.print(escape_controls(f"{r.contributor_id} ({r.avdelning}): {r.status.value}{version}; sista dag "
                                      f"{long_date(r.deadline)}, {days_text(r.days_left, r.usable_version is not None)}{comment}"))


@command()
def approve(cycle: Cycle, contributor: Contributor, by: By = None, workdir: Workdir = WORKDIR,
            ledger: Ledger = None, debug: Debug = False) -> None:
    """Markera bidragsgivarens senaste godkända version som granskad."""
    from tertial.config import load_cycle
    from tertial.deadlines import local_time
    from tertial.review import approve as approve_version

    loaded = load_cycle(cycle)
    event = approve_version(_open_ledger(workdir, ledger), loaded, contributor, _reviewer(loaded, by))
    console.print(escape_controls(f"{contributor}: version {event.version} granskad av {event.actor} {local_time(event.at)}."))


@command("return")
def return_(cycle: Cycle, contributor: Contributor,
            comment: Annotated[str, typer.Option(help="Vad som ska ändras; skickas genast till bidragsgivaren.")],
            by: By = None, workdir: Workdir = WORKDIR, ledger: Ledger = None, debug: Debug = False) -> None:
    """Återsänd bidragsgivarens senaste version med en kommentar, som genast skickas med e-post; nästa version öppnar den igen."""
    from tertial.config import load_cycle
    from tertial.deadlines import local_time
    from tertial.review import return_submission

    loaded = load_cycle(cycle)
    store = _open_ledger(workdir, ledger)
    event = return_submission(store, loaded, contributor, comment, _reviewer(loaded, by))
    console.print(escape_controls(f"{contributor}: version {event.version} återsänd av {event.actor} {local_time(event.at)}: "
                                  f"\"{event.comment}\""))
    _mail_return(loaded, event, workdir, store)


def _reviewer(cycle, by: str | None) -> str:
    """Who reviews: the person named with --by, else the cycle's handläggare (never the computer's user account)."""
    return " ".join(by.split()) if by and by.strip() else cycle.config.handlaggare.name


def _mail_return(cycle, event, workdir: Path, ledger) -> None:
    """The return mailed at once when a mail server is set; without one, the next reminder carries the comment."""
    from tertial.settings import load_settings

    if not load_settings().smtp_host:
        console.print("Ingen e-postserver (TERTIAL_SMTP_HOST): kommentaren följer med nästa påminnelse.")
        return
    from tasks.mail import smtp_mailer  # Prefect's Secret block may hold the password: imported only to mail
    from tertial.reminders import personal_links, return_mail, return_mail_sent

    mail = return_mail(cycle, event, (personal_links(cycle, workdir) or {}).get(event.contributor_id))
    try:
        smtp_mailer.fn().send(mail)
    except Exception as error:  # noqa: BLE001 - the return stands; say that the mail did not go
        console.print(escape_controls(f"E-brevet till {', '.join(mail.recipients)} kunde inte skickas "
                                      f"({type(error).__name__}); kommentaren följer med nästa påminnelse."))
        raise typer.Exit(code=1) from None
    return_mail_sent(ledger, event, mail, dt.datetime.now(dt.UTC))
    console.print(escape_controls(f"E-brev skickat till {', '.join(mail.recipients)}."))


@command()
def remind(cycle: Cycle, as_of: AsOf = None, workdir: Workdir = WORKDIR, ledger: Ledger = None,
           cron: Annotated[Optional[str], typer.Option(help="Kör enligt ett Prefect-schema (cron, svensk tid) i stället för en gång, t.ex. '0 8 * * 1-5'.")] = None,
           dry_run: Annotated[bool, typer.Option("--torrkorning", "--dry-run", help="Visa varje brev som skulle skickas, "
                                                 "med mottagare och text; inget skickas eller antecknas.")] = False,
           as_json: AsJson = False, debug: Debug = False) -> None:
    """Skicka påminnelser, förseningsbesked och eskaleringar som är aktuella i dag (eller --as-of)."""
    from flows.remind import remind as remind_flow

    if dry_run:
        _preview(cycle, _day(as_of), workdir, ledger, as_json)
        return

    parameters = {"cycle_path": cycle, "workdir": workdir, "ledger_url": ledger}
    if cron:
        from prefect.schedules import Cron

        from tertial.settings import load_settings

        # Swedish time, so "08:00" stays 08:00 across summer time; each run reminds as of its own day.
        console.print(escape_controls(f"Påminner enligt schemat '{cron}' (avsluta med Ctrl+C)."))
        with flows_on(workdir, make_folder=False):
            remind_flow.serve(name=f"paminnelser-{cycle.stem}", schedule=Cron(cron, timezone=load_settings().timezone),
                              parameters=parameters, print_starting_message=debug)  # Prefect's English banner only with --debug
        return
    with flows_on(workdir, make_folder=False):  # a misspelt --workdir is named by the flow, not made
        deliveries = remind_flow(**parameters, as_of=as_of.date() if as_of else None)
    if as_json:
        print_json([asdict(d) for d in deliveries])
    else:
        for d in deliveries:
            verdict = "skickad" if d.sent else f"inte skickad ({d.error})"
            console.print(escape_controls(f"{d.contributor_id}: {d.subject} → {', '.join(d.recipients)}: {verdict}"))
        console.print(f"{sum(d.sent for d in deliveries)} e-brev skickade.")
    if any(not d.sent for d in deliveries):
        raise typer.Exit(code=1)
