"""The reporting cycle end to end: open it, take in submissions, assemble the report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect import flow

from flows.intake import IntakeOutcome, take_in_submission
from tasks.assembly import build_report
from tasks.configuration import open_cycle
from tasks.intake import find_submissions
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


def default_ledger_url(workdir: Path) -> str:
    return f"sqlite:///{(workdir / 'tertial.sqlite').resolve()}"


@flow(name="tertialcykel", flow_run_name="cykel {cycle_path.stem}")
def run_cycle(cycle_path: Path, inbox: Path, workdir: Path, ledger_url: str | None = None) -> CycleResult:
    cycle = open_cycle(cycle_path)
    workdir.mkdir(parents=True, exist_ok=True)
    ledger = Ledger(ledger_url or default_ledger_url(workdir))
    intake = [take_in_submission(path, cycle, ledger, workdir) for path in find_submissions(inbox)]
    accepted = accepted_submissions(ledger, cycle)
    report = build_report(cycle, accepted)
    files = write_report(report, workdir / "rapport")
    return CycleResult(cycle.config.id, cycle.title, intake, report, files)
