"""Ledger steps: record a version, and fetch the accepted submissions for assembly."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.assembly import Accepted
from tasks.intake import Archived
from tasks.reading import read_submission
from tertial.cycle import Cycle
from tertial.findings import Finding
from tertial.ledger import Arrival, Ledger, Version
from tertial.status import usable_versions


@task(cache_policy=NO_CACHE)
def record_version(ledger: Ledger, cycle: Cycle, contributor_id: str, archived: Archived, findings: list[Finding]) -> tuple[Version, bool]:
    """A new version in the ledger; (existing version, False) for an identical re-send."""
    arrival = Arrival(
        cycle_id=cycle.config.id, contributor_id=contributor_id, sha256=archived.sha256,
        original_name=archived.original_name, archive_path=archived.archive_path,
        source=archived.source, received_at=archived.received_at,
    )
    return ledger.record(arrival, findings)


@task(cache_policy=NO_CACHE)
def accepted_submissions(ledger: Ledger, cycle: Cycle) -> dict[str, Accepted]:
    """Each contributor's usable version (newest accepted, not returned), read back from the archive (the ledger's record)."""
    return {
        contributor: Accepted(read_submission.fn(Path(version.archive_path), cycle), version)
        for contributor, version in sorted(usable_versions(ledger, cycle.config.id).items())
    }
