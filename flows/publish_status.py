"""Publishing where the cycle stands: a static page and Prefect artifacts, once per flow run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow
from prefect.utilities.annotations import quote

from flows.run_names import named
from tasks.configuration import open_cycle
from tasks.followup import contributor_statuses
from tasks.status_page import publish_status_artifacts, write_status_page
from tertial.cycle import Cycle
from tertial.deadlines import today
from tertial.ledger import Ledger
from tertial.render.status_page import status_view
from tertial.workspace import Create, Workspace


def show_status(cycle: Cycle, workspace: Workspace, ledger: Ledger, as_of: dt.date | None = None) -> Path:
    """The leadership page and its artifacts, as tasks of the flow that changed the status (a flow run of its own costs more than the work)."""
    day = as_of or today()
    statuses = contributor_statuses(quote(cycle), quote(ledger), day)
    page = workspace.status_page
    view = status_view(cycle, statuses, day, workspace.root, page.parent)
    publish_status_artifacts(quote(view), cycle.config.id)
    return write_status_page(quote(view), page)


@flow(name="publicera-lage", flow_run_name=named("läget"))
def publish_status(cycle_path: Path, workdir: Path, as_of: dt.date | None = None, ledger_url: str | None = None) -> Path:
    """The page on its own, for a given day, without a collect or an assembly."""
    workspace = Workspace(workdir)
    return show_status(open_cycle(cycle_path), workspace, workspace.open_ledger(ledger_url, create=Create.LEDGER), as_of)
