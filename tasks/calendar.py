"""One calendar (.ics) per contributor: its deadline and the nämnd's meeting."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tertial.calendar import contributor_calendar
from tertial.cycle import Cycle


@task(cache_policy=NO_CACHE)
def write_calendar(cycle: Cycle, contributor_id: str, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{contributor_id}.ics"
    path.write_bytes(contributor_calendar(cycle, contributor_id))
    return path
