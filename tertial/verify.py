"""Verifying a cycle: the ledger against its hash chain, and every archived original against its SHA-256.

Plain function calls, no Prefect: `tertial verify` and the warning in `tertial history` use it.
Each problem is one Swedish line naming the entry or file, with what was expected and what was found.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tertial.archive import mismatch
from tertial.chain import GENESIS, Entry, link_hash
from tertial.controls import escape_controls
from tertial.ledger import Ledger, Link


@dataclass(frozen=True)
class Verification:
    cycle_id: str
    entries: int
    originals: int
    head: str  # the newest hash: worth keeping outside the ledger, where nobody who edits the ledger can reach it
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"cykel": self.cycle_id, "stammer": self.ok, "poster": self.entries, "original": self.originals,
                "senaste_kontrollsumma": self.head, "avvikelser": self.problems}


def describe(entry: str, content: dict[str, Any]) -> str:
    """'version 2 från aldre (aldre.xlsx)' or 'händelsen godkand för aldre (2025-05-06T09:00:00+00:00)'."""
    if entry == Entry.VERSION:
        return f"version {content['number']} från {escape_controls(content['contributor_id'])} ({escape_controls(content['original_name'])})"
    whom = f" för {escape_controls(content['contributor_id'])}" if content["contributor_id"] else ""
    return f"händelsen {content['kind']}{whom} ({content['at']})"


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def differences(expected: dict[str, Any], found: dict[str, Any]) -> str:
    """'status: väntat "underkänd", fann "godkänd"' for each field that differs."""
    return "; ".join(f"{key}: väntat {_value(expected.get(key))}, fann {_value(found.get(key))}"
                     for key in sorted(set(expected) | set(found)) if expected.get(key) != found.get(key))


def check_links(links: list[Link]) -> tuple[list[str], dict[tuple[str, int], tuple[int, dict[str, Any]]]]:
    """Problems in the chain itself, and what each live row should read as (with its place in the chain)."""
    problems, expected, prev = [], {}, GENESIS
    for place, link in enumerate(links, start=1):
        content = json.loads(link.content)
        what = f"post {link.seq} i kedjan ({describe(link.entry, content)})"
        if link.seq != place:
            problems.append(f"Kedjan: post {place} saknas; nästa är post {link.seq}. Poster har tagits bort ur liggaren.")
        if link.prev_hash != prev:
            problems.append(f"Kedjan: {what} pekar inte på föregående post: väntat {prev}, fann {link.prev_hash}.")
        computed = link_hash(link.prev_hash, link.seq, link.entry, link.content)
        if computed != link.hash:
            problems.append(f"Kedjan: {what} har ändrats: väntat kontrollsumman {computed}, fann {link.hash}.")
        prev = link.hash
        if link.entry == Entry.FORGOTTEN:
            expected.pop((Entry.EVENT.value, link.ref_id), None)
        else:
            expected[(link.entry, link.ref_id)] = (link.seq, content)
    return problems, expected


def check_rows(expected: dict[tuple[str, int], tuple[int, dict[str, Any]]], current: dict[tuple[str, int], dict[str, Any]]) -> list[str]:
    """Each row as chained against the row as it reads now: changed, removed, or slipped in unchained."""
    problems = []
    for key, (seq, chained) in sorted(expected.items(), key=lambda item: item[1][0]):
        what = describe(key[0], chained)
        if key not in current:
            problems.append(f"Liggaren: {what} (post {seq} i kedjan) har tagits bort ur liggaren.")
        elif current[key] != chained:
            problems.append(f"Liggaren: {what} har ändrats efter att den sparades (post {seq} i kedjan): "
                            f"{differences(chained, current[key])}.")
    for key in sorted(set(current) - set(expected)):
        problems.append(f"Liggaren: {describe(key[0], current[key])} finns i liggaren men inte i kedjan; "
                        "den har lagts till i efterhand.")
    return problems


def check_archive(ledger: Ledger, cycle_id: str, contributor_id: str | None = None) -> tuple[int, list[str]]:
    """Every archived original (or one contributor's) re-hashed against the SHA-256 its version names."""
    versions = ledger.versions(cycle_id, contributor_id)
    problems = [f"Arkivet: {problem}" for v in versions
                if (problem := mismatch(Path(v.archive_path), v.sha256, f"version {v.number} från {v.contributor_id}"))]
    return len(versions), problems


def verify_cycle(ledger: Ledger, cycle_id: str, originals_of: str | None = None) -> Verification:
    """The chain, the rows and the archive of one cycle; the problems in chain order, then the archive's.

    With `originals_of`, only that contributor's originals are re-hashed (what `history` shows): reading
    every original of a city's cycle is the slow part, the chain is one query.
    """
    links = ledger.chain(cycle_id)
    chain_problems, expected = check_links(links)
    row_problems = check_rows(expected, ledger.chained_contents(cycle_id))
    originals, archive_problems = check_archive(ledger, cycle_id, originals_of)
    head = links[-1].hash if links else GENESIS
    return Verification(cycle_id, len(links), originals, head, chain_problems + row_problems + archive_problems)
