"""Opening the cycle: hand every contributor its pre-filled workbook and its calendar."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect import flow

from flows.run_names import named
from tasks.calendar import write_calendar
from tasks.configuration import open_cycle
from tasks.prefill import handout_rows, load_kolada, load_previous_report
from tasks.workbooks import write_handout
from tertial.access import ensure_token_key


@dataclass(frozen=True)
class Handed:
    contributor_id: str
    workbook: Path
    calendar: Path


@flow(name="oppna-cykel", flow_run_name=named("öppna"))
def open_reporting_cycle(cycle_path: Path, out_dir: Path, workdir: Path, previous_report: Path | None = None,
                         kolada: Path | None = None) -> list[Handed]:
    """One pre-filled workbook and one calendar per contributor, each workbook with its token.

    The installation's key is made in `workdir` when there is none; collect and run find it there.
    """
    cycle = open_cycle(cycle_path)
    ensure_token_key(workdir)
    previous = load_previous_report(previous_report)
    statistics = load_kolada(kolada, cycle)
    handed = []
    for contributor in cycle.config.contributors:
        rows = handout_rows(cycle, contributor.id, previous, statistics)
        workbook = write_handout(cycle, contributor.id, rows, out_dir, workdir)
        calendar = write_calendar(cycle, contributor.id, out_dir)
        handed.append(Handed(contributor.id, workbook, calendar))
    return handed
