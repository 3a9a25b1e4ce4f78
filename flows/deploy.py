"""Registering the cycle's flows with a Prefect server, with their schedules.

Prefect's own scheduler and workers run them; Tertial adds no scheduler or queue of its own.
Start a server (`prefect server start`) and a process worker (`prefect worker start --pool NAME`),
point PREFECT_API_URL at the server and run `tertial deploy`; see docs/drift.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from uuid import UUID

from prefect import Flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.exceptions import ObjectAlreadyExists
from prefect.schedules import Cron, Interval, RRule, Schedule
from prefect.settings import PREFECT_API_URL

from tertial.config import load_cycle
from tertial.cycle import Cycle
from tertial.errors import TertialError
from tertial.ledger_location import configured_url, without_password
from tertial.resources import ROOT
from tertial.settings import load_settings


@dataclass(frozen=True)
class Planned:
    name: str
    entrypoint: str  # path:function, relative to the repository
    schedule: Schedule | None  # None: run on demand only
    parameters: dict[str, object]
    description: str


def collection_window(cycle: Cycle, every_minutes: int) -> str:
    """Every N minutes on working hours of weekdays, from the period's end until the attest date."""
    start = cycle.config.period_end.strftime("%Y%m%dT070000")
    until = cycle.config.attest_date.strftime("%Y%m%dT180000")
    return (f"DTSTART:{start}\nRRULE:FREQ=MINUTELY;INTERVAL={every_minutes};BYHOUR=7,8,9,10,11,12,13,14,15,16,17;"
            f"BYDAY=MO,TU,WE,TH,FR;UNTIL={until}")


def planned_deployments(cycle: Cycle, cycle_path: Path, workdir: Path, inbox: Path, every_minutes: int,
                        ledger_url: str | None = None) -> list[Planned]:
    """Collection, reminders, the nightly draft and the whole cycle on demand; all on the one ledger given.
    With a mailbox configured (TERTIAL_IMAP_HOST), collection from it too, in the same window.

    Without a ledger URL the parameter is left out, and each run takes the worker's TERTIAL_LEDGER_URL,
    else SQLite in the work folder.
    """
    common = {"cycle_path": str(cycle_path.resolve()), "workdir": str(workdir.resolve())}
    common |= {"ledger_url": ledger_url} if ledger_url else {}
    inboxed = {**common, "inbox": str(inbox.resolve())}
    settings = load_settings()
    ident, zone = cycle.config.id, settings.timezone  # Swedish time, so 07:30 stays 07:30 across summer time
    mailed = [Planned(f"samla-in-e-post-{ident}", "flows/mail_intake.py:collect_mail",
                      RRule(collection_window(cycle, every_minutes), timezone=zone), common,
                      "Tar emot inlämningar ur e-postlådan (TERTIAL_IMAP_*) under insamlingen.")] if settings.imap_host else []
    return [
        Planned(f"samla-in-{ident}", "flows/collect.py:collect", RRule(collection_window(cycle, every_minutes), timezone=zone),
                inboxed, "Tar emot nya inlämningar under insamlingen."),
        Planned(f"paminnelser-{ident}", "flows/remind.py:remind", Cron("30 7 * * 1-5", timezone=zone),
                common, "Påminnelser och eskalering varje arbetsdagsmorgon."),
        Planned(f"utkast-{ident}", "flows/assemble.py:assemble", Cron("0 2 * * *", timezone=zone),
                {**common, "allow_missing": True}, "Nattligt utkast av rapporten, luckor markerade."),
        Planned(f"cykel-{ident}", "flows/run_cycle.py:run_cycle", None,
                inboxed, "Hela cykeln på begäran: tar emot inkorgen och sammanställer ett utkast."),
        *mailed,
    ]


def every_few_seconds(planned: list[Planned], seconds: int) -> list[Planned]:
    """The scheduled deployments on one short interval instead of their calendars, for a trial run or a test.

    They take turns as in a day of the cycle: collection, a share of the interval later the reminders,
    then the draft.
    """
    scheduled = [p.name for p in planned if p.schedule]
    start, step = dt.datetime.now(dt.UTC), dt.timedelta(seconds=seconds) / len(scheduled)
    return [replace(p, schedule=Interval(seconds, anchor_date=start + scheduled.index(p.name) * step)) if p.schedule else p
            for p in planned]


def require_server(why: str = "det finns ingen Prefect-server att registrera hos: en tillfällig server försvinner med "
                                "kommandot, och driftsättningarna med den") -> None:
    """Deployments and workers belong with a lasting server: with the temporary one, they vanish with the command."""
    if not PREFECT_API_URL.value():
        raise TertialError(f"PREFECT_API_URL är inte satt, så {why}. Peka ut servern, t.ex. export "
                           "PREFECT_API_URL=http://tertial.stad.local:4200/api (se docs/drift.md).")


def ensure_work_pool(name: str) -> None:
    with get_client(sync_client=True) as client:
        try:
            client.create_work_pool(WorkPoolCreate(name=name, type="process"))
        except ObjectAlreadyExists:
            pass


def deploy_cycle(cycle_path: Path, pool: str, workdir: Path, inbox: Path, every_minutes: int = 15,
                 ledger_url: str | None = None, interval_seconds: int | None = None) -> dict[str, UUID]:
    """Register the cycle's deployments in `pool`, by "flow/deployment" (what `prefect deployment run` takes).

    Re-running updates them in place. The ledger URL (or TERTIAL_LEDGER_URL) is stored with every
    deployment, so it must carry no password.
    """
    require_server()
    url = configured_url(ledger_url)
    cycle = load_cycle(cycle_path)
    planned = planned_deployments(cycle, cycle_path, workdir, inbox, every_minutes,
                                  without_password(url) if url else None)
    ensure_work_pool(pool)
    registered = {}
    for plan in every_few_seconds(planned, interval_seconds) if interval_seconds else planned:
        flow = Flow.from_source(source=str(ROOT), entrypoint=plan.entrypoint)
        # to_deployment + apply is what Flow.deploy does for a process pool, without its English summary on stdout.
        deployment = flow.to_deployment(
            name=plan.name, schedules=[plan.schedule] if plan.schedule else [], parameters=plan.parameters,
            description=plan.description, tags=["tertial", cycle.config.id],
        )
        registered[f"{flow.name}/{plan.name}"] = deployment.apply(work_pool_name=pool)
    return registered
