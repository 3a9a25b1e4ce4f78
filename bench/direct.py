"""The cycle's work without Prefect: the same task functions, called through `.fn`.

This mirrors flows/run_cycle.py (run_cycle), flows/collect.py (take_in),
flows/assemble.py (assemble_report) and flows/publish_status.py (show_status, without its Prefect
artifacts, which exist only in Prefect) step for step, so that timing it against the flows measures
what Prefect's orchestration costs. tests/test_bench_direct.py runs both on the mini cycle and compares
everything they write, so a flow that changes its steps fails that test until this mirror follows.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from flows.collect import unknown_to
from tasks.assembly import build_report
from tasks.configuration import open_cycle
from tasks.feedback import write_annotated, write_feedback, write_feedback_html
from tasks.followup import contributor_statuses
from tasks.intake import archive_originals, find_submissions, read_archived
from tasks.ledger import accepted_submissions, record_assembly, record_versions, report_standing
from tasks.rendering import write_report
from tasks.report_checks import check_narrative, write_checks
from tasks.status_page import write_status_page
from tasks.validation import validate_submissions
from tertial.access import UNKNOWN_CONTRIBUTOR
from tertial.cycle import Cycle
from tertial.deadlines import today
from tertial.inbox import Archived
from tertial.intake import Checked, IntakeOutcome
from tertial.ledger import Ledger
from tertial.render.status_page import status_view
from tertial.workspace import Workspace

ALL_FORMATS = ("html", "pdf", "docx", "json")


def take_in(inbox: Path, cycle: Cycle, ledger: Ledger, workdir: Path) -> list[IntakeOutcome]:
    archived = archive_originals.fn(find_submissions.fn(inbox), Workspace(workdir).archive)
    checked = check(unknown_to(ledger, archived, cycle), cycle, workdir)
    recorded = record_versions.fn(ledger, cycle, archived, checked)
    due = [(o.version, o.findings) for o in recorded if o.new and o.version.contributor_id != UNKNOWN_CONTRIBUTOR]
    out_dir = Workspace(workdir).feedback
    written = zip(write_feedback.fn(cycle, due, out_dir), write_feedback_html.fn(cycle, due, out_dir),
                  write_annotated.fn(due, out_dir))
    files = {version.id: {"text": text, "html": html} | ({"xlsx": xlsx} if xlsx is not None else {})
             for (version, _), (text, html, xlsx) in zip(due, written)}
    return [replace(o, feedback=files.get(o.version.id, {})) for o in recorded]


def check(archived: list[Archived], cycle: Cycle, workdir: Path) -> dict[str, Checked]:
    reads = read_archived.fn(archived, cycle, workdir)
    readable = [r.submission for r in reads if r.submission is not None]
    verdicts = iter(validate_submissions.fn(readable, cycle) if readable else [])
    return {item.sha256: Checked(r.contributor_id, next(verdicts) if r.submission is not None else r.findings)
            for item, r in zip(archived, reads)}


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
