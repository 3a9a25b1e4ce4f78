"""Ledger steps: record a version, fetch the accepted submissions for assembly, the report's standing, an
attestation, record an assembly."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tertial.inbox import Archived
from tertial.accepted import Accepted, accepted_versions
from tertial import attestation
from tertial.archive import content_hash
from tertial.cycle import Cycle
from tertial.findings import Finding
from tertial.intake import Checked, IntakeOutcome, Unexpected, arrival_of, record_arrival
from tertial.ledger import Event, Ledger, Version
from tertial.report import Report


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


@task(cache_policy=NO_CACHE)
def report_standing(ledger: Ledger, cycle: Cycle, report: Report) -> Report:
    """The report as a draft or as the final, attested report, from the ledger (tertial/attestation.py)."""
    return attestation.with_standing(report, cycle, ledger)


@task(cache_policy=NO_CACHE)
def record_attestation(ledger: Ledger, cycle: Cycle, report: Report, who: str) -> tuple[Event, bool]:
    """A named attester's attestation of the report's content; refused for a draft or a person the cycle does not name."""
    return attestation.attest(ledger, cycle, report, who, dt.datetime.now(dt.UTC))


ASSEMBLY = "sammanstallning"


@task(cache_policy=NO_CACHE)
def record_assembly(ledger: Ledger, cycle: Cycle, report: Report, files: dict[str, Path]) -> Event:
    """An assembly in the ledger's chain: the SHA-256 of every file it wrote (the report itself carries no time),
    the content hash attesters attest, and whether it is a draft or the final report."""
    outputs = {str(path.resolve()): content_hash(path) for path in sorted(files.values())}
    at = dt.datetime.now(dt.UTC)
    recorded = {"filer": outputs, "innehall": report.content_sha256, "utkast": report.draft}
    event = Event(cycle_id=cycle.config.id, contributor_id="", kind=ASSEMBLY, at=at, actor="tertial",
                  key=f"{ASSEMBLY}:{uuid.uuid4().hex}", comment=json.dumps(recorded, ensure_ascii=False, sort_keys=True))
    return ledger.record_event(event)[0]
