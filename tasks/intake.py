"""Taking in submissions as Prefect tasks: find them in the inbox, archive each original first, read the archived copy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tertial.access import require_token_key
from tertial.archive import verified_original
from tertial.cycle import Cycle
from tertial.errors import SubmissionError
from tertial.inbox import Archived, Originals, Read, archive, read_with_token, submissions_in, trusted_originals, unread
from tertial.reading import MAX_FILE_BYTES


@task(cache_policy=NO_CACHE)
def find_submissions(inbox: Path) -> list[Path]:
    """Files and CSV folders in the inbox in the order they arrived; lock files, hidden files and links skipped.

    A symbolic link is never followed: it could point at any file the intake may read (/etc/passwd)
    or at a workbook outside the inbox. Each one is named in a line for the controller (inbox_links).
    """
    return submissions_in(inbox)


@task(cache_policy=NO_CACHE)
def archive_original(path: Path, archive_root: Path, received_at: dt.datetime) -> Archived:
    """Copy the original into the archive before anything else reads it; atomic, idempotent (tertial/inbox.py)."""
    return archive(path, archive_root, received_at, MAX_FILE_BYTES)


@task(cache_policy=NO_CACHE)
def read_archived(archived: Archived, cycle: Cycle, workdir: Path) -> Read:
    """Read the archived copy (never the inbox file, which may change) and check its token.

    The key is looked up here from the work folder, never passed in, so it is not stored with the run.
    A file without its contributor's token is recorded as UNKNOWN_CONTRIBUTOR, never as whoever it names.
    An unreadable file is data here, not an exception, so the result crosses a process boundary intact.
    """
    key = require_token_key(workdir)
    try:
        path = verified_original(Path(archived.archive_path), archived.sha256, archived.original_name, "ny inlämning")
    except SubmissionError as error:
        return unread(error, key, cycle.config.id)
    return read_with_token(path, archived.original_name, cycle, key)


@task(cache_policy=NO_CACHE)
def archived_originals(archive_root: Path) -> Originals:
    """Every receipt in the archive whose original matches it, oldest first (the order the ledger numbered them in)."""
    return trusted_originals(archive_root)
