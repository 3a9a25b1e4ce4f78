"""Rebuilding the ledger from the archive: the archive of originals is what the ledger is rebuilt from.

Every original is archived under its SHA-256 with a receipt (who sent what, when, from where)
before anything reads it, so the versions and their findings can always be recomputed.
Controllers' approvals and returns are decisions, not files: they are not in the archive.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.intake import check
from flows.run_names import named
from tasks.configuration import open_cycle
from tasks.intake import Archived
from tasks.ledger import record_version
from tertial.errors import TertialError
from tertial.ledger import Ledger, Version
from tertial.ledger_location import chosen_url


@task(cache_policy=NO_CACHE)
def archived_originals(archive_root: Path) -> list[Archived]:
    """Every receipt in the archive, oldest first (the order the ledger numbered them in)."""
    receipts = []
    for path in archive_root.glob("*/*/mottagen.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["received_at"] = dt.datetime.fromisoformat(data["received_at"])
        receipts.append(Archived(**data))
    return sorted(receipts, key=lambda a: (a.received_at, a.sha256))


@flow(name="aterskapa-liggare", flow_run_name=named("återskapa liggaren"))
def rebuild_ledger(cycle_path: Path, workdir: Path, ledger_url: str | None = None) -> list[Version]:
    cycle = open_cycle(cycle_path)
    ledger = Ledger(chosen_url(ledger_url, workdir))
    if ledger.versions(cycle.config.id):
        raise TertialError(f"Liggaren har redan versioner för {cycle.config.id}; återskapa till en tom liggare (--ledger).")
    originals = archived_originals(workdir / "arkiv")
    checked = check(originals, cycle)
    versions = []
    for archived in originals:
        result = checked[archived.sha256]
        version, _ = record_version(quote(ledger), quote(cycle), result.contributor_id, archived, quote(result.findings))
        versions.append(version)
    return versions
