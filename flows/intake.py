"""Taking in the inbox: archive every original first, check the new files together, then record a version each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from prefect import get_run_logger
from prefect.utilities.annotations import quote

from tasks.annotate import write_annotated, write_feedback_html
from tasks.feedback import write_feedback
from tasks.intake import UNKNOWN_CONTRIBUTOR, Archived, archive_original, find_submissions, read_archived
from tasks.ledger import record_version
from tasks.validation import validate_submissions
from tertial.cycle import Cycle
from tertial.findings import Finding
from tertial.ledger import Ledger, Version


@dataclass(frozen=True)
class IntakeOutcome:
    file: str
    version: Version
    new: bool
    findings: list[Finding]
    feedback: dict[str, Path]


@dataclass(frozen=True)
class Checked:
    """What reading and validating one archived original found, before it is recorded."""

    contributor_id: str
    findings: list[Finding]


def take_in(inbox: Path, cycle: Cycle, ledger: Ledger, workdir: Path) -> list[IntakeOutcome]:
    """Every file in name order; a file the ledger already has is recognised, not recorded twice."""
    archived = [archive_original(path, workdir / "arkiv", dt.datetime.now(dt.UTC)) for path in find_submissions(inbox)]
    checked = check(unknown_to(ledger, archived, cycle), cycle, workdir)
    return [record(item, checked, cycle, ledger, workdir) for item in archived]


def unknown_to(ledger: Ledger, archived: list[Archived], cycle: Cycle) -> list[Archived]:
    """The first file of each content the ledger has not seen (two names for the same bytes make one version)."""
    first: dict[str, Archived] = {}
    for item in archived:
        if item.sha256 not in first and ledger.find(cycle.config.id, item.sha256) is None:
            first[item.sha256] = item
    return list(first.values())


def check(archived: list[Archived], cycle: Cycle, workdir: Path) -> dict[str, Checked]:
    """Read the originals side by side (as the flow's task runner allows), then validate them all in one go.

    `workdir` holds the installation's key that tells whose each file is.
    """
    futures = [read_archived.submit(item, quote(cycle), workdir) for item in archived]
    reads = [future.result() for future in futures]
    readable = [r.submission for r in reads if r.submission is not None]
    verdicts = iter(validate_submissions(quote(readable), quote(cycle)) if readable else [])
    return {item.sha256: Checked(r.contributor_id, next(verdicts) if r.submission is not None else r.findings)
            for item, r in zip(archived, reads)}


def record(archived: Archived, checked: dict[str, Checked], cycle: Cycle, ledger: Ledger, workdir: Path) -> IntakeOutcome:
    """A new version with its feedback, or the version the ledger already has for these bytes."""
    known = ledger.find(cycle.config.id, archived.sha256)
    if known is not None:
        return IntakeOutcome(archived.original_name, known, False, ledger.findings(known.id), {})
    result = checked[archived.sha256]
    version, new = record_version(quote(ledger), quote(cycle), result.contributor_id, archived, quote(result.findings))
    feedback = {}
    if result.contributor_id != UNKNOWN_CONTRIBUTOR:
        feedback = _feedback_or_nothing(cycle, version, result.findings, workdir / "aterkoppling")
    return IntakeOutcome(archived.original_name, version, new, result.findings, feedback)


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
        "text": write_feedback(quote(cycle), version, quote(findings), out_dir),
        "html": write_feedback_html(quote(cycle), version, quote(findings), out_dir),
    }
    annotated = write_annotated(version, quote(findings), out_dir)
    if annotated is not None:
        files["xlsx"] = annotated
    return files
