"""Feedback to contributors on the versions a collect recorded: the texts, the HTML pages and the annotated workbooks.

Each is one task for all the versions (a step in Prefect's UI, not a task run per file); a file that cannot be
written is that version's Unexpected, and the others are written all the same.
"""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tertial.cycle import Cycle
from tertial.feedback import files
from tertial.findings import Finding
from tertial.intake import Unexpected, attempt
from tertial.ledger import Version

Due = tuple[Version, list[Finding]]  # a recorded version and its findings
STEP = "återkoppling"


@task(cache_policy=NO_CACHE)
def write_feedback(cycle: Cycle, due: list[Due], out_dir: Path) -> list[Path | Unexpected]:
    return [attempt(version.original_name, STEP, files.write_text, cycle, version, findings, out_dir)
            for version, findings in due]


@task(cache_policy=NO_CACHE)
def write_feedback_html(cycle: Cycle, due: list[Due], out_dir: Path) -> list[Path | Unexpected]:
    return [attempt(version.original_name, STEP, files.write_html, cycle, version, findings, out_dir)
            for version, findings in due]


@task(cache_policy=NO_CACHE)
def write_annotated(due: list[Due], out_dir: Path) -> list[Path | None | Unexpected]:
    """The annotated copy of each version's archived original (None for a CSV folder)."""
    return [attempt(version.original_name, STEP, files.write_annotated, version, findings, out_dir)
            for version, findings in due]
