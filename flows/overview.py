"""Publishing where the cycle stands, after every flow run: a static page and Prefect artifacts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow

from tasks.configuration import open_cycle
from tasks.followup import contributor_statuses
from tasks.status_page import publish_status_artifacts, status_view, write_status_page
from tertial.ledger import Ledger, default_url


@flow(name="publicera-lage", flow_run_name="läget {cycle_path.stem}")
def publish_status(cycle_path: Path, workdir: Path, as_of: dt.date | None = None, ledger_url: str | None = None) -> Path:
    cycle = open_cycle(cycle_path)
    day = as_of or dt.date.today()
    statuses = contributor_statuses(cycle, Ledger(ledger_url or default_url(workdir)), day)
    page = workdir / "lage" / "index.html"
    view = status_view(cycle, statuses, day, workdir, page.parent)
    publish_status_artifacts(view, cycle.config.id)
    return write_status_page(view, page)
