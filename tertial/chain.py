"""The hash chain over a cycle's ledger: each entry's hash covers its content and the previous entry's hash.

Entries are versions (with their findings), events (reviews, reminders, assemblies) and the
removal of an event that did not happen after all. A row edited, removed or slipped in after it
was chained no longer matches its entry; rewriting the entry too breaks every hash after it.
Only rewriting the whole rest of the chain goes unnoticed, which is why the newest hash is worth
keeping outside the ledger.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from enum import StrEnum
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of a cycle's first entry


class Entry(StrEnum):
    VERSION = "version"
    EVENT = "event"
    FORGOTTEN = "forgotten"  # a claimed reminder released because sending failed; its event row is gone


def as_utc(value: dt.datetime) -> dt.datetime:
    """The moment in UTC; a naive one is taken as UTC (SQLite drops the zone, and the ledger writes UTC)."""
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def utc_iso(value: dt.datetime) -> str:
    """One spelling of a moment, whatever the database hands back."""
    return as_utc(value).isoformat()


def canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def link_hash(prev_hash: str, seq: int, entry: str, content: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{seq}\n{entry}\n{content}".encode("utf-8")).hexdigest()


def version_content(row: Any) -> dict[str, Any]:
    """A version row with its findings, as chained."""
    findings = [{"rule_id": f.rule_id, "severity": f.severity, "message": f.message, "sheet": f.sheet, "row": f.row,
                 "column": f.column, "item_id": f.item_id, "value": f.value} for f in row.findings]
    return {"id": row.id, "cycle_id": row.cycle_id, "contributor_id": row.contributor_id, "number": row.number,
            "sha256": row.sha256, "original_name": row.original_name, "archive_path": row.archive_path,
            "source": row.source, "received_at": utc_iso(row.received_at), "status": row.status,
            "errors": row.errors, "warnings": row.warnings, "findings": findings}


def event_content(row: Any) -> dict[str, Any]:
    """An event row, as chained."""
    return {"id": row.id, "cycle_id": row.cycle_id, "contributor_id": row.contributor_id, "kind": row.kind,
            "at": utc_iso(row.at), "actor": row.actor, "comment": row.comment, "key": row.key, "version": row.version}
