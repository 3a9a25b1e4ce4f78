"""Checking one file on the command line, with the same steps as intake but nothing recorded.

Great Expectations is imported inside `check_file`, the one function here that validates, so `diff`
answers without it; the ledger and the archive's versions inside `compare_versions`, so `validate` goes without them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tertial.access import require_token_key
from tertial.config import load_cycle
from tertial.errors import SubmissionError
from tertial.findings import Finding

if TYPE_CHECKING:
    from tertial.ledger import Ledger
    from tertial.versions import Change


def check_file(path: Path, cycle_path: Path, workdir: Path) -> list[Finding]:
    """The findings intake would record; the token is checked against the key in `workdir`, as intake does."""
    from tertial.checking.suites import check_submissions
    from tertial.inbox import read_with_token

    cycle = load_cycle(cycle_path)
    key = require_token_key(workdir)
    if not path.exists():
        raise SubmissionError(file=path.name, message="filen finns inte.")
    read = read_with_token(path, path.name, cycle, key)
    return read.findings if read.submission is None else check_submissions([read.submission], cycle)[0]


def compare_versions(cycle_path: Path, contributor: str, old: int | None, new: int | None, ledger: Ledger) -> list[Change]:
    """Changes between two recorded versions, read back from the archive."""
    from tertial import versions

    return versions.compare_versions(load_cycle(cycle_path), contributor, old, new, ledger)
