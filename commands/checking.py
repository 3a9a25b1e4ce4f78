"""Checking one file on the command line, with the same steps as intake but nothing recorded."""

from __future__ import annotations

from pathlib import Path

from tertial.accepted import archived_copy
from tertial.access import require_token_key
from tertial.checking.suites import check_submissions
from tertial.config import load_cycle
from tertial.errors import SubmissionError, TertialError
from tertial.findings import Finding
from tertial.inbox import read_with_token
from tertial.ledger import Ledger
from tertial.reading import read_submission
from tertial.versions import Change, diff_submissions


def check_file(path: Path, cycle_path: Path, workdir: Path) -> list[Finding]:
    """The findings intake would record; the token is checked against the key in `workdir`, as intake does."""
    cycle = load_cycle(cycle_path)
    key = require_token_key(workdir)
    if not path.exists():
        raise SubmissionError(file=path.name, message="filen finns inte.")
    read = read_with_token(path, path.name, cycle, key)
    return read.findings if read.submission is None else check_submissions([read.submission], cycle)[0]


def compare_versions(cycle_path: Path, contributor: str, old: int | None, new: int | None, ledger: Ledger) -> list[Change]:
    """Changes between two recorded versions, read back from the archive."""
    cycle = load_cycle(cycle_path)
    versions = {v.number: v for v in ledger.versions(cycle.config.id, contributor)}
    if len(versions) < 2 and (old is None or new is None):
        raise TertialError(f"{contributor} har {len(versions)} version(er) i {cycle.config.id}; det behövs två att jämföra.")
    numbers = sorted(versions)
    old, new = old or numbers[-2], new or numbers[-1]
    for number in (old, new):
        if number not in versions:
            raise TertialError(f"Version {number} finns inte för {contributor}; det finns {', '.join(map(str, numbers))}.")
    read = [read_submission(archived_copy(versions[n]), cycle) for n in (old, new)]  # each re-hashed first
    return diff_submissions(read[0], read[1], cycle.config.kind, cycle.config.year, cycle.outline.economy)
