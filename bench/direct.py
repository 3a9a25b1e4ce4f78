"""The cycle's work without Prefect: the same task functions, called through `.fn`.

This mirrors flows/gather.py (collect), flows/intake.py (take_in_submission),
flows/assemble.py (assemble) and flows/overview.py (publish_status, without its Prefect
artifacts, which exist only in Prefect) step for step, so that timing it against the flows measures
what Prefect's orchestration costs. Keep it in step with those flows when they change.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flows.assemble import check_narrative, write_checks
from flows.intake import UNKNOWN_CONTRIBUTOR, IntakeOutcome, structure_finding
from tasks.annotate import write_annotated, write_feedback_html
from tasks.assembly import build_report
from tasks.configuration import open_cycle
from tasks.feedback import write_feedback
from tasks.followup import contributor_statuses
from tasks.intake import archive_original, find_submissions
from tasks.ledger import accepted_submissions, record_version
from tasks.reading import read_submission
from tasks.rendering import write_report
from tasks.status_page import status_view, write_status_page
from tasks.validation import validate_submission
from tertial.cycle import Cycle
from tertial.errors import SubmissionError
from tertial.findings import Finding
from tertial.ledger import Ledger, Version

ALL_FORMATS = ("html", "pdf", "docx", "json")


def take_in(path: Path, cycle: Cycle, ledger: Ledger, workdir: Path) -> IntakeOutcome:
    archived = archive_original.fn(path, workdir / "arkiv", dt.datetime.now(dt.UTC))
    known = ledger.find(cycle.config.id, archived.sha256)
    if known is not None:
        return IntakeOutcome(path.name, known, False, ledger.findings(known.id), {})
    try:
        submission = read_submission.fn(Path(archived.archive_path), cycle)
        submission.file = archived.original_name
        contributor, findings = submission.contributor_id, validate_submission.fn(submission, cycle)
    except SubmissionError as error:
        error.file = archived.original_name
        contributor, findings = error.contributor_id or UNKNOWN_CONTRIBUTOR, [structure_finding(error)]
    version, new = record_version.fn(ledger, cycle, contributor, archived, findings)
    feedback = give_feedback(cycle, version, findings, workdir / "aterkoppling") if contributor != UNKNOWN_CONTRIBUTOR else {}
    return IntakeOutcome(path.name, version, new, findings, feedback)


def give_feedback(cycle: Cycle, version: Version, findings: list[Finding], out_dir: Path) -> dict[str, Path]:
    files = {
        "text": write_feedback.fn(cycle, version, findings, out_dir),
        "html": write_feedback_html.fn(cycle, version, findings, out_dir),
    }
    annotated = write_annotated.fn(version, findings, out_dir)
    if annotated is not None:
        files["xlsx"] = annotated
    return files


def collect(cycle_path: Path, inbox: Path, workdir: Path, ledger_url: str) -> list[IntakeOutcome]:
    cycle = open_cycle.fn(cycle_path)
    workdir.mkdir(parents=True, exist_ok=True)
    ledger = Ledger(ledger_url)
    outcomes = [take_in(path, cycle, ledger, workdir) for path in find_submissions.fn(inbox)]
    publish_status(cycle_path, workdir, ledger_url)
    return outcomes


def publish_status(cycle_path: Path, workdir: Path, ledger_url: str) -> Path:
    cycle = open_cycle.fn(cycle_path)
    day = dt.date.today()
    statuses = contributor_statuses.fn(cycle, Ledger(ledger_url), day)
    page = workdir / "lage" / "index.html"
    return write_status_page.fn(status_view(cycle, statuses, day, workdir, page.parent), page)


def assemble(cycle_path: Path, workdir: Path, ledger_url: str, formats: tuple[str, ...] = ALL_FORMATS,
             controller: bool = True) -> dict[str, Path]:
    """As flows.assemble.assemble with allow_missing=True (what run_cycle asks for)."""
    cycle = open_cycle.fn(cycle_path)
    accepted = accepted_submissions.fn(Ledger(ledger_url), cycle)
    report = build_report.fn(cycle, accepted)
    findings = check_narrative.fn(report)
    target = workdir / "rapport"
    files = write_report.fn(report, target, tuple(formats), controller)
    files["kontroller"] = write_checks.fn(findings, target)
    publish_status(cycle_path, workdir, ledger_url)
    return files


def run_cycle(cycle_path: Path, inbox: Path, workdir: Path, ledger_url: str, formats: tuple[str, ...] = ALL_FORMATS) -> tuple[list[IntakeOutcome], dict[str, Path]]:
    return collect(cycle_path, inbox, workdir, ledger_url), assemble(cycle_path, workdir, ledger_url, formats)
