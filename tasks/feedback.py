"""Feedback to a contributor about one submission version: the text, the HTML page and the annotated workbook."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tertial.cycle import Cycle
from tertial.feedback.annotated_workbook import annotated_workbook
from tertial.feedback.files import feedback_file_name
from tertial.feedback.html import feedback_context, feedback_html
from tertial.feedback.text import feedback_text
from tertial.findings import Finding
from tertial.ledger import Version


@task(cache_policy=NO_CACHE)
def write_feedback(cycle: Cycle, version: Version, findings: list[Finding], out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / feedback_file_name(version.contributor_id, version.number, "txt")
    path.write_text(feedback_text(cycle, version, findings), encoding="utf-8")
    return path


@task(cache_policy=NO_CACHE)
def write_feedback_html(cycle: Cycle, version: Version, findings: list[Finding], out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / feedback_file_name(version.contributor_id, version.number, "html")
    path.write_text(feedback_html(feedback_context(cycle, version, findings)), encoding="utf-8")
    return path


@task(cache_policy=NO_CACHE)
def write_annotated(version: Version, findings: list[Finding], out_dir: Path) -> Path | None:
    """The annotated copy of this version's archived original; stamped with its arrival time."""
    out = out_dir / feedback_file_name(version.contributor_id, version.number, "xlsx")
    return annotated_workbook(Path(version.archive_path), findings, out, version.received_at)
