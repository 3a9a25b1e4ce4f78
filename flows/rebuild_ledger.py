"""Rebuilding the ledger from the archive: the archive of originals is what the ledger is rebuilt from.

Every original is archived under its SHA-256 with a receipt (who sent what, when, from where)
before anything reads it, so the versions and their findings can always be recomputed.
Controllers' approvals and returns are decisions, not files: they are not in the archive.
The receipts are not taken on trust: each original is re-hashed, and one whose bytes do not
match its folder's name and its receipt is left out and named.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect import flow
from prefect.utilities.annotations import quote

from flows.collect import check
from flows.run_names import named
from tasks.configuration import open_cycle
from tasks.intake import archived_originals
from tasks.ledger import record_version
from tertial.errors import TertialError
from tertial.ledger import Version
from tertial.workspace import Create, Workspace


@dataclass(frozen=True)
class Rebuilt:
    versions: list[Version]
    refused: list[str]  # one Swedish line per original left out, naming it and what did not match


@flow(name="aterskapa-liggare", flow_run_name=named("återskapa liggaren"))
def rebuild_ledger(cycle_path: Path, workdir: Path, ledger_url: str | None = None) -> Rebuilt:
    cycle = open_cycle(cycle_path)
    workspace = Workspace(workdir)
    ledger = workspace.open_ledger(ledger_url, create=Create.LEDGER)
    if ledger.versions(cycle.config.id):
        raise TertialError(f"Liggaren har redan versioner för {cycle.config.id}; återskapa till en tom liggare (--ledger).")
    originals = archived_originals(workspace.archive)
    checked = check(originals.trusted, cycle, workdir)
    versions = []
    for archived in originals.trusted:
        result = checked[archived.sha256]
        version, _ = record_version(quote(ledger), quote(cycle), result.contributor_id, archived, quote(result.findings))
        versions.append(version)
    return Rebuilt(versions, originals.refused)
