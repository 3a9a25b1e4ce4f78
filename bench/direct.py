"""The cycle's work without Prefect: the same task functions, called through `.fn`.

This mirrors flows/run_cycle.py (run_cycle), flows/collect.py (take_in),
flows/assemble.py (assemble_report) and flows/publish_status.py (show_status, without its Prefect
artifacts, which exist only in Prefect) step for step, so that timing it against the flows measures
what Prefect's orchestration costs. tests/test_bench_direct.py runs both on the mini cycle and compares
everything they write, so a flow that changes its steps fails that test until this mirror follows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flows.collect import unknown_to
from tasks.assembly import build_report
from tasks.configuration import open_cycle
from tasks.feedback import write_annotated, write_feedback, write_feedback_html
from tasks.followup import contributor_statuses
from tasks.intake import archive_original, find_submissions, read_archived
from tasks.ledger import accepted_submissions, record_assembly, record_version, report_standing
from tasks.rendering import write_report
from tasks.report_checks import check_narrative, write_checks
from tasks.status_page import write_status_page
from tasks.validation import validate_submissions
from tertial.access import UNKNOWN_CONTRIBUTOR
from tertial.cycle import Cycle
from tertial.deadlines import today
from tertial.findings import Finding
from tertial.inbox import Archived
from tertial.intake import Checked, IntakeOutcome
from tertial.ledger import Ledger, Version
from tertial.render.status_page import status_view
from tertial.workspace import Workspace

ALL_FORMATS = ("html", "pdf", "docx", "json")


def take_in(inbox: Path, cycle: Cycle, ledger: Ledger, workdir: Path) -> list[IntakeOutcome]:
    archived = [archive_original.fn(path, Workspace(workdir).archive, dt.datetime.now(dt.UTC)) for path in find_submissions.fn(inbox)]
    checked = check(unknown_to(ledger, archived, cycle), cycle, workdir)
    return [record(item, checked, cycle, ledger, workdir) for item in archived]


def check(archived: list[Archived], cycle: Cycle, workdir: Path) -> dict[str, Checked]:
    reads = [read_archived.fn(item, cycle, workdir) for item in archived]
    readable = [r.submission for r in reads if r.submission is not None]
    verdicts = iter(validate_submissions.fn(readable, cycle) if readable else [])
    return {item.sha256: Checked(r.contributor_id, next(verdicts) if r.submission is not None else r.findings)
            for item, r in zip(archived, reads)}


def record(archived: Archived, checked: dict[str, Checked], cycle: Cycle, ledger: Ledger, workdir: Path) -> IntakeOutcome:
    known = ledger.find(cycle.config.id, archived.sha256)
    if known is not None:
        return IntakeOutcome(archived.original_name, known, False, ledger.findings(known.id), {})
    result = checked[archived.sha256]
    version, new = record_version.fn(ledger, cycle, result.contributor_id, archived, result.findings)
    feedback = {}
    if result.contributor_id != UNKNOWN_CONTRIBUTOR:
        feedback = give_feedback(cycle, version, result.findings, Workspace(workdir).feedback)
    return IntakeOutcome(archived.original_name, version, new, result.findings, feedback)


def give_feedback(cycle: Cycle, version: Version, findings: list[Finding], out_dir: Path) -> dict[str, Path]:
    files = {
        "text": write_feedback.fn(cycle, version, findings, out_dir),
        "html": write_feedback_html.fn(cycle, version, findings, out_dir),
    }
    annotated = write_annotated.fn(version, findings, out_dir)
    if annotated is not None:
        files["xlsx"] = annotated
    return files


def show_status(cycle: Cycle, workdir: Path, ledger: Ledger) -> Path:
    day = today()
    statuses = contributor_statuses.fn(cycle, ledger, day)
    page = Workspace(workdir).status_page
    return write_status_page.fn(status_view(cycle, statuses, day, workdir, page.parent), page)


def assemble_report(cycle: Cycle, ledger: Ledger, target: Path, formats: tuple[str, ...] = ALL_FORMATS) -> dict[str, Path]:
    """As flows.assemble.assemble_report with allow_missing=True (what run_cycle asks for), one worker."""
    accepted = accepted_submissions.fn(ledger, cycle)
    report, unreadable = build_report.fn(cycle, accepted)
    report = report_standing.fn(ledger, cycle, report)
    findings = unreadable + check_narrative.fn(report)
    files = write_report.fn(report, target, tuple(formats), True)
    files["kontroller"] = write_checks.fn(findings, target)
    record_assembly.fn(ledger, cycle, report, files)
    return files


def run_cycle(cycle_path: Path, inbox: Path, workdir: Path, ledger_url: str,
              formats: tuple[str, ...] = ALL_FORMATS) -> tuple[list[IntakeOutcome], dict[str, Path]]:
    cycle = open_cycle.fn(cycle_path)
    workdir.mkdir(parents=True, exist_ok=True)
    ledger = Ledger(ledger_url)
    intake = take_in(inbox, cycle, ledger, workdir)
    files = assemble_report(cycle, ledger, Workspace(workdir).report, formats)
    show_status(cycle, workdir, ledger)
    return intake, files
