"""An accepted version: what the ledger recorded and the submission read back from its archived original."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tertial.archive import verified_original
from tertial.cycle import Cycle
from tertial.ledger import Ledger, Version
from tertial.reading import read_submission
from tertial.status import usable_versions
from tertial.submission import Submission


@dataclass(frozen=True)
class Accepted:
    """A contributor's usable version, with the submission read back from its archived original."""

    submission: Submission
    version: Version


def archived_copy(version: Version) -> Path:
    """The version's archived original, once its bytes are known to be the ones the ledger names."""
    return verified_original(Path(version.archive_path), version.sha256, version.original_name,
                             f"version {version.number} från {version.contributor_id}")


def accepted_versions(ledger: Ledger, cycle: Cycle) -> dict[str, Accepted]:
    """Each contributor's usable version (newest accepted, not returned), read back from the archive (the ledger's record).

    Each original is re-hashed first: one changed since it arrived stops the assembly, naming file and version.
    """
    return {
        contributor: Accepted(read_submission(archived_copy(version), cycle), version)
        for contributor, version in sorted(usable_versions(ledger, cycle.config.id).items())
    }
