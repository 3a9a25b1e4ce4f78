"""The reporting cycle end to end: take in submissions, then assemble a draft report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect import flow

from flows.assemble import assemble
from flows.gather import collect, default_ledger_url
from flows.intake import IntakeOutcome
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


@flow(name="tertialcykel", flow_run_name="cykel {cycle_path.stem}")
def run_cycle(cycle_path: Path, inbox: Path, workdir: Path, ledger_url: str | None = None,
              formats: tuple[str, ...] = ("json", "html")) -> CycleResult:
    """A draft: parts still missing are marked in the report rather than stopping it."""
    ledger_url = ledger_url or default_ledger_url(workdir)
    intake = collect(cycle_path, inbox, workdir, ledger_url)
    assembled = assemble(cycle_path, workdir, formats, allow_missing=True, ledger_url=ledger_url)
    report = assembled.report
    page = workdir / "lage" / "index.html"  # written by the flows after each run
    return CycleResult(report.cycle_id, report.title, intake, report, assembled.files, assembled.findings, page)
