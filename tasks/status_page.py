"""The leadership view: where the cycle stands, as a static page and as Prefect artifacts."""

from __future__ import annotations

import os
from pathlib import Path

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from tertial.render.status_page import StatusView, status_page_html, status_summary, status_table


@task(cache_policy=NO_CACHE)
def write_status_page(view: StatusView, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_suffix(".tmp")
    staging.write_text(status_page_html(view), encoding="utf-8")
    os.replace(staging, out)
    return out


@task(cache_policy=NO_CACHE)
def publish_status_artifacts(view: StatusView, cycle_id: str) -> None:
    """A table and a summary in Prefect's UI, keyed by cycle so each run adds a version of the same artifact."""
    key = cycle_id.lower().replace("_", "-")
    create_table_artifact(key=f"{key}-status", table=status_table(view), description=f"{view.title}: läget per avdelning")
    create_markdown_artifact(key=f"{key}-oversikt", markdown=status_summary(view), description="Översikt för ledningen")
