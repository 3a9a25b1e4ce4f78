"""A version's feedback files: their names, and writing each (the text, the HTML page, the annotated workbook)."""

from __future__ import annotations

from pathlib import Path

from tertial.cycle import Cycle
from tertial.feedback.annotated_workbook import annotated_workbook
from tertial.feedback.html import feedback_context, feedback_html
from tertial.feedback.text import feedback_text
from tertial.findings import Finding
from tertial.ledger import Version


def feedback_file_name(contributor_id: str, number: int, extension: str) -> str:
    """`kultur-v2.html`: the text, the HTML page and the annotated workbook of a version share the stem."""
    return f"{contributor_id}-v{number}.{extension}"


def write_text(cycle: Cycle, version: Version, findings: list[Finding], out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / feedback_file_name(version.contributor_id, version.number, "txt")
    path.write_text(feedback_text(cycle, version, findings), encoding="utf-8")
    return path


def write_html(cycle: Cycle, version: Version, findings: list[Finding], out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / feedback_file_name(version.contributor_id, version.number, "html")
    path.write_text(feedback_html(feedback_context(cycle, version, findings)), encoding="utf-8")
    return path


def write_annotated(version: Version, findings: list[Finding], out_dir: Path) -> Path | None:
    """The annotated copy of this version's archived original; stamped with its arrival time."""
    out = out_dir / feedback_file_name(version.contributor_id, version.number, "xlsx")
    return annotated_workbook(Path(version.archive_path), findings, out, version.received_at)
