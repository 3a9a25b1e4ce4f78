"""Rebuilding the ledger from the archive: the archive of originals is what the ledger is rebuilt from.

Every original is archived under its SHA-256 with a receipt (who sent what, when, from where)
before anything reads it, so the versions and their findings can always be recomputed.
Controllers' approvals and returns are decisions, not files: they are not in the archive.
The receipts are not taken on trust: each original is re-hashed, and one whose bytes do not
match its folder's name and its receipt is left out and named.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.intake import check
from flows.run_names import named
from tasks.configuration import open_cycle
from tasks.intake import Archived
from tasks.ledger import record_version
from tertial.archive import mismatch
from tertial.errors import TertialError
from tertial.ledger import Ledger, Version
from tertial.ledger_location import chosen_url


@dataclass(frozen=True)
class Rebuilt:
    versions: list[Version]
    refused: list[str]  # one Swedish line per original left out, naming it and what did not match


@dataclass(frozen=True)
class Originals:
    trusted: list[Archived]
    refused: list[str]


def read_receipt(receipt: Path) -> Archived | str:
    """The receipt with the original lying next to it, or why it cannot be trusted (in Swedish)."""
    try:
        data = json.loads(receipt.read_text(encoding="utf-8"))
        data["received_at"] = dt.datetime.fromisoformat(data["received_at"])
        archived = Archived(**data)
    except (OSError, ValueError, TypeError, KeyError) as error:
        return f"Kvittot {receipt} kan inte läsas ({error}); originalet togs inte med."
    folder = receipt.parent
    if archived.sha256 != folder.name:
        return (f"Kvittot {receipt} anger kontrollsumman {archived.sha256}, men ligger i mappen {folder.name}; "
                "originalet togs inte med.")
    stored = folder / Path(archived.archive_path).name  # the copy in this archive, wherever the receipt was written
    problem = mismatch(stored, archived.sha256, f"{archived.original_name} enligt kvittot")
    return f"Arkivet: {problem}" if problem else dataclasses.replace(archived, archive_path=str(stored))


@task(cache_policy=NO_CACHE)
def archived_originals(archive_root: Path) -> Originals:
    """Every receipt in the archive whose original matches it, oldest first (the order the ledger numbered them in)."""
    read = [read_receipt(path) for path in sorted(archive_root.glob("*/*/mottagen.json"))]
    trusted = [item for item in read if isinstance(item, Archived)]
    return Originals(sorted(trusted, key=lambda a: (a.received_at, a.sha256)), [item for item in read if isinstance(item, str)])


@flow(name="aterskapa-liggare", flow_run_name=named("återskapa liggaren"))
def rebuild_ledger(cycle_path: Path, workdir: Path, ledger_url: str | None = None) -> Rebuilt:
    cycle = open_cycle(cycle_path)
    ledger = Ledger(chosen_url(ledger_url, workdir))
    if ledger.versions(cycle.config.id):
        raise TertialError(f"Liggaren har redan versioner för {cycle.config.id}; återskapa till en tom liggare (--ledger).")
    originals = archived_originals(workdir / "arkiv")
    checked = check(originals.trusted, cycle, workdir)
    versions = []
    for archived in originals.trusted:
        result = checked[archived.sha256]
        version, _ = record_version(quote(ledger), quote(cycle), result.contributor_id, archived, quote(result.findings))
        versions.append(version)
    return Rebuilt(versions, originals.refused)
