"""Taking in one submission: archive the original, read it, validate it, record a version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from prefect import flow, get_run_logger

from tasks.annotate import write_annotated, write_feedback_html
from tasks.feedback import write_feedback
from tasks.intake import Archived, archive_original
from tasks.ledger import record_version
from tasks.reading import read_submission
from tasks.validation import validate_submission
from tertial.access import token_key, verify_token
from tertial.cycle import Cycle
from tertial.errors import SubmissionError
from tertial.findings import Finding, Severity
from tertial.ledger import Ledger, Version

UNKNOWN_CONTRIBUTOR = "okand"


@dataclass(frozen=True)
class IntakeOutcome:
    file: str
    version: Version
    new: bool
    findings: list[Finding]
    feedback: dict[str, Path]


def structure_finding(error: SubmissionError) -> Finding:
    return Finding(error.rule_id, Severity.ERROR, error.message, file=error.file, sheet=error.sheet,
                   row=error.row, column=error.column, value=None)


@flow(name="ta-emot-inlamning", flow_run_name="ta emot {path.name}")
def take_in_submission(path: Path, cycle: Cycle, ledger: Ledger, workdir: Path) -> IntakeOutcome:
    archived = archive_original(path, workdir / "arkiv", dt.datetime.now(dt.UTC))
    known = ledger.find(cycle.config.id, archived.sha256)
    if known is not None:
        return IntakeOutcome(path.name, known, False, ledger.findings(known.id), {})
    contributor, findings = read_and_validate(archived, cycle)
    version, new = record_version(ledger, cycle, contributor, archived, findings)
    feedback = _feedback_or_nothing(cycle, version, findings, workdir / "aterkoppling") if contributor != UNKNOWN_CONTRIBUTOR else {}
    return IntakeOutcome(path.name, version, new, findings, feedback)


def _feedback_or_nothing(cycle: Cycle, version: Version, findings: list[Finding], out_dir: Path) -> dict[str, Path]:
    """The version is already recorded; a feedback file that cannot be made must not stop the other submissions."""
    try:
        return give_feedback(cycle, version, findings, out_dir)
    except Exception as error:  # noqa: BLE001 - reported in one line, the run goes on
        get_run_logger().error(f"Återkoppling för {version.original_name} kunde inte skapas: {error}")
        return {}


def give_feedback(cycle: Cycle, version: Version, findings: list[Finding], out_dir: Path) -> dict[str, Path]:
    """The summary text, the HTML page and, for a workbook, an annotated copy of it."""
    files = {
        "text": write_feedback(cycle, version, findings, out_dir),
        "html": write_feedback_html(cycle, version, findings, out_dir),
    }
    annotated = write_annotated(version, findings, out_dir)
    if annotated is not None:
        files["xlsx"] = annotated
    return files


def read_and_validate(archived: Archived, cycle: Cycle) -> tuple[str, list[Finding]]:
    """Read the archived copy (never the inbox file, which may change) and validate it."""
    try:
        submission = read_submission(Path(archived.archive_path), cycle)
        verify_token(token_key(), cycle.config.id, submission.contributor_id, submission.token, archived.original_name)
    except SubmissionError as error:
        error.file = archived.original_name
        return error.contributor_id or UNKNOWN_CONTRIBUTOR, [structure_finding(error)]
    submission.file = archived.original_name
    return submission.contributor_id, validate_submission(submission, cycle)
