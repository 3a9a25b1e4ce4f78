"""Registering the cycle's flows with a Prefect server, with their schedules.

Prefect's own scheduler and workers run them; Tertial adds no scheduler or queue of its own.
Start a server (`prefect server start`) and a process worker (`prefect worker start --pool NAME`)
and point PREFECT_API_URL at the server; see docs/drift.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from prefect import Flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.exceptions import ObjectAlreadyExists
from prefect.schedules import Cron, RRule, Schedule

from tertial.config import load_cycle
from tertial.cycle import Cycle
from tertial.resources import ROOT

TIMEZONE = "Europe/Stockholm"


@dataclass(frozen=True)
class Planned:
    name: str
    entrypoint: str  # path:function, relative to the repository
    schedule: Schedule
    parameters: dict[str, object]
    description: str


def collection_window(cycle: Cycle, every_minutes: int) -> str:
    """Every N minutes on working hours of weekdays, from the period's end until the attest date."""
    start = cycle.config.period_end.strftime("%Y%m%dT070000")
    until = cycle.config.attest_date.strftime("%Y%m%dT180000")
    return (f"DTSTART:{start}\nRRULE:FREQ=MINUTELY;INTERVAL={every_minutes};BYHOUR=7,8,9,10,11,12,13,14,15,16,17;"
            f"BYDAY=MO,TU,WE,TH,FR;UNTIL={until}")


def planned_deployments(cycle: Cycle, cycle_path: Path, workdir: Path, inbox: Path, every_minutes: int) -> list[Planned]:
    common = {"cycle_path": str(cycle_path.resolve()), "workdir": str(workdir.resolve())}
    ident = cycle.config.id
    return [
        Planned(f"samla-in-{ident}", "flows/gather.py:collect", RRule(collection_window(cycle, every_minutes), timezone=TIMEZONE),
                {**common, "inbox": str(inbox.resolve())}, "Tar emot nya inlämningar under insamlingen."),
        Planned(f"paminnelser-{ident}", "flows/remind.py:remind", Cron("30 7 * * 1-5", timezone=TIMEZONE),
                common, "Påminnelser och eskalering varje arbetsdagsmorgon."),
        Planned(f"utkast-{ident}", "flows/assemble.py:assemble", Cron("0 2 * * *", timezone=TIMEZONE),
                {**common, "allow_missing": True}, "Nattligt utkast av rapporten, luckor markerade."),
    ]


def ensure_work_pool(name: str) -> None:
    with get_client(sync_client=True) as client:
        try:
            client.create_work_pool(WorkPoolCreate(name=name, type="process"))
        except ObjectAlreadyExists:
            pass


def deploy_cycle(cycle_path: Path, pool: str, workdir: Path, inbox: Path, every_minutes: int = 15) -> dict[str, UUID]:
    """Register the three deployments of a cycle in `pool`; re-running updates them in place."""
    cycle = load_cycle(cycle_path)
    ensure_work_pool(pool)
    registered = {}
    for planned in planned_deployments(cycle, cycle_path, workdir, inbox, every_minutes):
        flow = Flow.from_source(source=str(ROOT), entrypoint=planned.entrypoint)
        registered[planned.name] = flow.deploy(
            name=planned.name, work_pool_name=pool, schedules=[planned.schedule], parameters=planned.parameters,
            description=planned.description, build=False, push=False, print_next_steps=False, tags=["tertial", cycle.config.id],
        )
    return registered
