"""The reporting cycle end to end: take in submissions, then assemble the report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect import flow

from flows.gather import collect, default_ledger_url
from flows.intake import IntakeOutcome
from tasks.assembly import build_report
from tasks.configuration import open_cycle
from tasks.ledger import accepted_submissions
from tasks.rendering import write_report
from tertial.ledger import Ledger
from tertial.report import Report


@dataclass(frozen=True)
class CycleResult:
    cycle_id: str
    title: str
    intake: list[IntakeOutcome]
    report: Report
    files: dict[str, Path]


@flow(name="tertialcykel", flow_run_name="cykel {cycle_path.stem}")
def run_cycle(cycle_path: Path, inbox: Path, workdir: Path, ledger_url: str | None = None) -> CycleResult:
    ledger_url = ledger_url or default_ledger_url(workdir)
    intake = collect(cycle_path, inbox, workdir, ledger_url)
    cycle = open_cycle(cycle_path)
    accepted = accepted_submissions(Ledger(ledger_url), cycle)
    report = build_report(cycle, accepted)
    files = write_report(report, workdir / "rapport")
    return CycleResult(cycle.config.id, cycle.title, intake, report, files)
