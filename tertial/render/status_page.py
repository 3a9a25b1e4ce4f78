"""The leadership view: where the cycle stands, laid out as a static page and as the rows and summary of Prefect artifacts."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from tertial.cycle import Cycle
from tertial.deadlines import days_text
from tertial.feedback.files import feedback_file_name
from tertial.render.html import shared_environment
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
                      link(workdir / "aterkoppling" / feedback_file_name(s.contributor_id, s.latest_version, "html"))
                      if s.latest_version else None)
            for s in statuses]
    done = sum(s.status in DONE for s in statuses)
    counts = {word.value: sum(s.status is word for s in statuses) for word in Status if any(s.status is word for s in statuses)}
    return StatusView(
        title=cycle.title, namnd=cycle.config.namnd, as_of=as_of, rows=rows, done=done, total=len(statuses),
        percent=round(100 * done / len(statuses)) if statuses else 0,
        report=link(workdir / "rapport" / "report.html"), counts=counts,
    )


def status_page_html(view: StatusView) -> str:
    return shared_environment().get_template("status.html.j2").render(view=view)


def status_table(view: StatusView) -> list[dict[str, object]]:
    """One row per contributor, for the table artifact in Prefect's UI."""
    return [{
        "avdelning": r.status.avdelning, "sista dag": r.status.deadline.isoformat(), "status": r.status.status.value,
        "dagar": r.days_text, "version": r.status.latest_version or "", "fel": r.status.errors or 0,
        "varningar": r.status.warnings or 0,
    } for r in view.rows]


def status_summary(view: StatusView) -> str:
    """The summary for leadership, in Markdown: how many are done, and how many in each status."""
    lines = [f"# {view.title}", f"Läget {view.as_of.isoformat()}: {view.done} av {view.total} avdelningar klara ({view.percent} %).", ""]
    lines += [f"- {word}: {count}" for word, count in view.counts.items()]
    return "\n".join(lines)
