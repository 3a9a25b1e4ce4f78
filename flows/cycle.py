"""The reporting cycle end to end: take in submissions, then assemble a draft report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect import flow

from flows.assemble import assemble_report
from flows.gather import gather, open_ledger
from flows.intake import IntakeOutcome
from flows.overview import show_status
from flows.run_names import named
from flows.runners import task_runner
from tasks.configuration import open_cycle
from tertial.findings import Finding
from tertial.report import Report


@dataclass(frozen=True)
class CycleResult:
    cycle_id: str
    title: str
    intake: list[IntakeOutcome]
    report: Report
    files: dict[str, Path]
    findings: list[Finding]
    status_page: Path


@flow(name="tertialcykel", flow_run_name=named("cykel"), task_runner=task_runner())
def run_cycle(cycle_path: Path, inbox: Path, workdir: Path, ledger_url: str | None = None,
              formats: tuple[str, ...] = ("json", "html")) -> CycleResult:
    """A draft: parts still missing are marked in the report rather than stopping it. One flow run, one status page."""
    cycle = open_cycle(cycle_path)
    ledger = open_ledger(ledger_url, workdir)
    intake = gather(inbox, cycle, ledger, workdir)
    assembled = assemble_report(cycle, ledger, workdir / "rapport", tuple(formats))
    page = show_status(cycle, workdir, ledger)
    report = assembled.report
    return CycleResult(report.cycle_id, report.title, intake, report, assembled.files, assembled.findings, page)
