"""The reporting cycle end to end: take in submissions, then assemble a draft report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect import flow

from flows.assemble import assemble_report
from flows.collect import take_in
from flows.publish_status import show_status
from flows.run_names import named
from tasks.configuration import open_cycle
from tertial.findings import Finding
from tertial.intake import IntakeOutcome
from tertial.report import Report
from tertial.runners import task_runner
from tertial.workspace import Create, Workspace


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
    """A draft: parts still missing are marked in the report rather than stopping it. One flow run, one status page.

    The intake and the assembly run as steps of this flow, not as sub-flows (bench/RESULTS.md, fix 1).
    """
    cycle = open_cycle(cycle_path)
    workspace = Workspace(workdir)
    ledger = workspace.open_ledger(ledger_url, create=Create.FOLDER_AND_LEDGER)
    intake = take_in(inbox, cycle, ledger, workspace)
    assembled = assemble_report(cycle, ledger, workspace.report, tuple(formats))
    page = show_status(cycle, workspace, ledger)
    report = assembled.report
    return CycleResult(report.cycle_id, report.title, intake, report, assembled.files, assembled.findings, page)
