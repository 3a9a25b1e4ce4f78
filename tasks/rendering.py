"""Writing the report in the formats asked for."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tertial.render.formats import write_report_files
from tertial.report import Report


@task(cache_policy=NO_CACHE)
def write_report(report: Report, out_dir: Path, formats: tuple[str, ...] = ("json", "html"), controller: bool = True,
                 word_template: Path | None = None) -> dict[str, Path]:
    """The report in each format, written atomically so a crash never leaves half a file; an unchanged PDF is kept."""
    return write_report_files(report, out_dir, formats, controller, word_template)
