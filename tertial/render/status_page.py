"""The leadership view: where the cycle stands, as a static page and as Prefect artifacts."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from tasks.rendering import make_environment
from tertial.cycle import Cycle
from tertial.deadlines import days_text
from tertial.status import ContributorStatus, Status

DONE = {Status.ACCEPTED, Status.REVIEWED}


@dataclass(frozen=True)
class StatusRow:
    """One contributor's line on the page, with links relative to the page."""

    status: ContributorStatus
    days_text: str
    feedback: str | None


@dataclass(frozen=True)
class StatusView:
    title: str
    namnd: str
    as_of: dt.date
    rows: list[StatusRow]
    done: int
    total: int
    percent: int
    report: str | None
    counts: dict[str, int]


def status_view(cycle: Cycle, statuses: list[ContributorStatus], as_of: dt.date, workdir: Path, page_dir: Path) -> StatusView:
    """Everything the page shows, computed here so the template only lays it out."""
    def link(path: Path) -> str | None:
        return os.path.relpath(path, page_dir) if path.exists() else None

    rows = [StatusRow(s, days_text(s.days_left, s.usable_version is not None),
                      link(workdir / "aterkoppling" / f"{s.contributor_id}-v{s.latest_version}.html") if s.latest_version else None)
            for s in statuses]
    done = sum(s.status in DONE for s in statuses)
    counts = {word.value: sum(s.status is word for s in statuses) for word in Status if any(s.status is word for s in statuses)}
    return StatusView(
        title=cycle.title, namnd=cycle.config.namnd, as_of=as_of, rows=rows, done=done, total=len(statuses),
        percent=round(100 * done / len(statuses)) if statuses else 0,
        report=link(workdir / "rapport" / "report.html"), counts=counts,
    )


@task(cache_policy=NO_CACHE)
def write_status_page(view: StatusView, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    html = make_environment().get_template("status.html.j2").render(view=view)
    staging = out.with_suffix(".tmp")
    staging.write_text(html, encoding="utf-8")
    os.replace(staging, out)
    return out


@task(cache_policy=NO_CACHE)
def publish_status_artifacts(view: StatusView, cycle_id: str) -> None:
    """A table and a summary in Prefect's UI, keyed by cycle so each run adds a version of the same artifact."""
    table = [{
        "avdelning": r.status.avdelning, "sista dag": r.status.deadline.isoformat(), "status": r.status.status.value,
        "dagar": r.days_text, "version": r.status.latest_version or "", "fel": r.status.errors or 0,
        "varningar": r.status.warnings or 0,
    } for r in view.rows]
    key = cycle_id.lower().replace("_", "-")
    create_table_artifact(key=f"{key}-status", table=table, description=f"{view.title}: läget per avdelning")
    lines = [f"# {view.title}", f"Läget {view.as_of.isoformat()}: {view.done} av {view.total} avdelningar klara ({view.percent} %).", ""]
    lines += [f"- {word}: {count}" for word, count in view.counts.items()]
    create_markdown_artifact(key=f"{key}-oversikt", markdown="\n".join(lines), description="Översikt för ledningen")
