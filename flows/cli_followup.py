"""`tertial status`, `approve`, `return` and `remind`: following the cycle up.

flows/cli.py imports this module at its end and calls `register(app)`; what this module
needs from flows/cli.py is imported inside the functions, so the import is not circular.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from tertial.controls import escape_controls
from tertial.wording import findings_count

AsOf = Annotated[Optional[dt.datetime], typer.Option(
    "--as-of", formats=["%Y-%m-%d"], help="Dag att räkna från, ÅÅÅÅ-MM-DD (standard: i dag).")]
Contributor = Annotated[str, typer.Option(help="Bidragsgivarens id.")]
By = Annotated[Optional[str], typer.Option("--by", help="Vem som granskar (standard: ditt användarnamn).")]
WorkdirOpt = Annotated[Path, typer.Option(help="Mapp för arkiv, liggare, återkoppling och rapport.")]
LedgerOpt = Annotated[Optional[str], typer.Option(help="SQLAlchemy-URL till liggaren; standard är TERTIAL_LEDGER_URL, annars SQLite i workdir.")]
CycleOpt = Annotated[Path, typer.Option("--cycle", help="Cykelns konfigurationsfil (YAML).")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Visa Prefects loggar och fullständiga felspår.")]


def _day(as_of: dt.datetime | None) -> dt.date:
    from tertial.deadlines import today

    return as_of.date() if as_of else today()


def _open_ledger(workdir: Path, url: str | None):
    """The ledger; a missing workdir is named rather than silently created as an empty one.

    Not flows.cli._ledger: that imports the intake flows (Great Expectations, Prefect) and costs seconds.
    """
    from tertial.errors import TertialError
    from tertial.ledger import Ledger
    from tertial.ledger_location import chosen_url, configured_url

    if configured_url(url) is None and not workdir.is_dir():
        raise TertialError(f"Arbetsmappen {workdir} finns inte. Ange mappen som collect och run använder med --workdir.")
    return Ledger(chosen_url(url, workdir))


def status(cycle: CycleOpt, as_of: AsOf = None, as_json: Annotated[bool, typer.Option("--json", help="Skriv läget som JSON.")] = False,
           workdir: WorkdirOpt = Path("tertial-run"), ledger: LedgerOpt = None, debug: DebugOpt = False) -> None:
    """Visa varje bidragsgivares läge: status, sista dag och arbetsdagar kvar."""
    from flows.cli import console, fail
    from tertial.config import load_cycle
    from tertial.deadlines import days_text, long_date
    from tertial.status import cycle_status

    try:
        loaded = load_cycle(cycle)
        rows = cycle_status(loaded, _open_ledger(workdir, ledger), _day(as_of))
    except Exception as error:  # noqa: BLE001
        fail(error, debug)
    if as_json:
        sys.stdout.write(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2) + "\n")
        return
    console.print(escape_controls(f"{loaded.title}, läget {_day(as_of).isoformat()}:"))
    for r in rows:
        version = f", version {r.latest_version} ({findings_count(r.errors, r.warnings)})" if r.latest_version else ""
        comment = f" – \"{r.comment}\" ({r.reviewed_by})" if r.comment else ""
        console.print(escape_controls(f"{r.contributor_id} ({r.avdelning}): {r.status.value}{version}; sista dag "
                                      f"{long_date(r.deadline)}, {days_text(r.days_left, r.usable_version is not None)}{comment}"))


def approve(cycle: CycleOpt, contributor: Contributor, by: By = None, workdir: WorkdirOpt = Path("tertial-run"),
            ledger: LedgerOpt = None, debug: DebugOpt = False) -> None:
    """Markera bidragsgivarens senaste godkända version som granskad."""
    from flows.cli import console, fail
    from tertial.config import load_cycle
    from tertial.review import approve as approve_version

    try:
        loaded = load_cycle(cycle)
        event = approve_version(_open_ledger(workdir, ledger), loaded, contributor, by or getpass.getuser())
    except Exception as error:  # noqa: BLE001
        fail(error, debug)
    console.print(escape_controls(f"{contributor}: version {event.version} granskad av {event.actor} "
                                  f"{event.at.astimezone().isoformat(timespec='minutes')}."))


def return_(cycle: CycleOpt, contributor: Contributor,
            comment: Annotated[str, typer.Option(help="Vad som ska ändras; skickas med i påminnelserna.")],
            by: By = None, workdir: WorkdirOpt = Path("tertial-run"), ledger: LedgerOpt = None, debug: DebugOpt = False) -> None:
    """Återsänd bidragsgivarens senaste version med en kommentar; nästa version öppnar den igen."""
    from flows.cli import console, fail
    from tertial.config import load_cycle
    from tertial.review import return_submission

    try:
        loaded = load_cycle(cycle)
        event = return_submission(_open_ledger(workdir, ledger), loaded, contributor, comment, by or getpass.getuser())
    except Exception as error:  # noqa: BLE001
        fail(error, debug)
    console.print(escape_controls(f"{contributor}: version {event.version} återsänd av {event.actor} "
                                  f"{event.at.astimezone().isoformat(timespec='minutes')}: \"{event.comment}\""))


def remind(cycle: CycleOpt, as_of: AsOf = None, workdir: WorkdirOpt = Path("tertial-run"), ledger: LedgerOpt = None,
           cron: Annotated[Optional[str], typer.Option(help="Kör enligt ett Prefect-schema (cron, svensk tid) i stället för en gång, t.ex. '0 8 * * 1-5'.")] = None,
           debug: DebugOpt = False) -> None:
    """Skicka påminnelser, förseningsbesked och eskaleringar som är aktuella i dag (eller --as-of)."""
    from flows.cli import console, fail, quiet_prefect

    quiet_prefect(debug)
    from flows.remind import remind as remind_flow

    parameters = {"cycle_path": cycle, "workdir": workdir, "ledger_url": ledger}
    if cron:
        from prefect.schedules import Cron

        # Swedish time, so "08:00" stays 08:00 across summer time; each run reminds as of its own day.
        remind_flow.serve(name=f"paminnelser-{cycle.stem}", schedule=Cron(cron, timezone="Europe/Stockholm"),
                          parameters=parameters)
        return
    try:
        deliveries = remind_flow(**parameters, as_of=as_of.date() if as_of else None)
    except Exception as error:  # noqa: BLE001
        fail(error, debug)
    for d in deliveries:
        verdict = "skickad" if d.sent else f"inte skickad ({d.error})"
        console.print(escape_controls(f"{d.contributor_id}: {d.subject} → {', '.join(d.recipients)}: {verdict}"))
    console.print(f"{sum(d.sent for d in deliveries)} e-brev skickade.")
    if any(not d.sent for d in deliveries):
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    app.command("status")(status)
    app.command("approve")(approve)
    app.command("return")(return_)
    app.command("remind")(remind)
