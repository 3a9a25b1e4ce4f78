"""What Tertial can fill in before a contributor starts: last report's texts and Kolada figures."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tertial import prefill
from tertial.cycle import Cycle
from tertial.kolada import KoladaValue, read_kolada
from tertial.report import Report
from tertial.workbooks import Rows


@task(cache_policy=NO_CACHE)
def load_previous_report(path: Path | None) -> Report | None:
    """The previous cycle's report.json, whose texts are the starting point for this one."""
    return Report.model_validate_json(Path(path).read_text(encoding="utf-8")) if path else None


@task(cache_policy=NO_CACHE)
def load_kolada(path: Path | None, cycle: Cycle) -> dict[tuple[str, int], KoladaValue]:
    if path is None or not cycle.config.kolada_municipality:
        return {}
    return read_kolada(path, cycle.config.kolada_municipality)


@task(cache_policy=NO_CACHE)
def handout_rows(cycle: Cycle, contributor_id: str, previous: Report | None, kolada: dict) -> Rows:
    """The rows of one contributor's handout, pre-filled where Tertial knows the answer."""
    return prefill.handout_rows(cycle, contributor_id, previous, kolada)
