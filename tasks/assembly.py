"""Assembling the report data model from the accepted submissions."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from tertial.accepted import Accepted
from tertial.assembly import assemble
from tertial.cycle import Cycle
from tertial.findings import Finding
from tertial.report import Report


@task(cache_policy=NO_CACHE)
def build_report(cycle: Cycle, accepted: dict[str, Accepted]) -> tuple[Report, list[Finding]]:
    """The whole report, every figure and count computed from the accepted submissions, and the cells of
    accepted versions that cannot be read today (left empty in the report, named for the controller's checks)."""
    return assemble(cycle, accepted)
