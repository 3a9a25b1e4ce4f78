"""An accepted version: what the ledger recorded and the submission read back from its archived original."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tertial.archive import verified_original
from tertial.ledger import Version
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
