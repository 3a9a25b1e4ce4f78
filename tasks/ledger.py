"""Ledger steps: record a version, fetch the accepted submissions for assembly, record an assembly."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tertial.inbox import Archived
from tertial.accepted import Accepted, accepted_versions
from tertial.archive import content_hash
from tertial.cycle import Cycle
from tertial.findings import Finding
from tertial.intake import Checked, IntakeOutcome, Unexpected, arrival_of, record_arrival
from tertial.ledger import Event, Ledger, Version


@task(cache_policy=NO_CACHE)
def record_version(ledger: Ledger, cycle: Cycle, contributor_id: str, archived: Archived, findings: list[Finding]) -> tuple[Version, bool]:
    """A new version in the ledger; (existing version, False) for an identical re-send."""
    return ledger.record(arrival_of(cycle, contributor_id, archived), findings)


@task(cache_policy=NO_CACHE)
def record_versions(ledger: Ledger, cycle: Cycle, archived: list[Archived], checked: dict[str, Checked]) -> list[IntakeOutcome | Unexpected]:
    """Each file's version, in the order they arrived: the known one for bytes already recorded, else a new one with its
    findings (or with the internal error, should those not record); one file's failure is its own (record_arrival)."""
    return [record_arrival(ledger, cycle, item, checked) for item in archived]


@task(cache_policy=NO_CACHE)
def accepted_submissions(ledger: Ledger, cycle: Cycle) -> dict[str, Accepted]:
    """Each contributor's usable version, read back from its re-hashed archived original (see `accepted_versions`)."""
    return accepted_versions(ledger, cycle)


ASSEMBLY = "sammanstallning"


@task(cache_policy=NO_CACHE)
def record_assembly(ledger: Ledger, cycle: Cycle, files: dict[str, Path]) -> Event:
    """An assembly in the ledger's chain, with the SHA-256 of every file it wrote (the report itself carries no time)."""
    outputs = {str(path.resolve()): content_hash(path) for path in sorted(files.values())}
    at = dt.datetime.now(dt.UTC)
    event = Event(cycle_id=cycle.config.id, contributor_id="", kind=ASSEMBLY, at=at, actor="tertial",
                  key=f"{ASSEMBLY}:{uuid.uuid4().hex}", comment=json.dumps(outputs, ensure_ascii=False, sort_keys=True))
    return ledger.record_event(event)[0]
