"""Taking in submissions as Prefect tasks: find them in the inbox, archive the originals first, read the archived copies.

Each step is one task for the whole batch of files, so a collect makes the same few task runs however many arrive.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tertial.access import require_token_key
from tertial.cycle import Cycle
from tertial.inbox import Archived, Originals, Read, archive, read_original, submissions_in, trusted_originals
from tertial.intake import Unexpected, attempt
from tertial.reading import MAX_FILE_BYTES


@task(cache_policy=NO_CACHE)
def find_submissions(inbox: Path) -> list[Path]:
    """Files and CSV folders in the inbox in the order they arrived; lock files, hidden files and links skipped.

    A symbolic link is never followed: it could point at any file the intake may read (/etc/passwd)
    or at a workbook outside the inbox. Each one is named in a line for the controller (inbox_links).
    """
    return submissions_in(inbox)


@task(cache_policy=NO_CACHE)
def archive_originals(paths: list[Path], archive_root: Path) -> list[Archived]:
    """Copy each original into the archive before anything else reads it, in the order they arrived, each stamped
    with its own time of arrival; atomic, idempotent (tertial/inbox.py). A file that cannot be archived stops the
    collect before anything is read or recorded: nothing may be taken in that is not kept."""
    return [archive(path, archive_root, dt.datetime.now(dt.UTC), MAX_FILE_BYTES) for path in paths]


@task(cache_policy=NO_CACHE)
def read_archived(items: list[Archived], cycle: Cycle, workdir: Path) -> list[Read | Unexpected]:
    """Read each archived copy (never the inbox file, which may change) and check its token; a file that fails in a way
    no rule foresaw is its own Unexpected, and the others are read all the same.

    The key is looked up here from the work folder, never passed in, so it is not stored with the run.
    A file without its contributor's token is recorded as UNKNOWN_CONTRIBUTOR, never as whoever it names.
    An unreadable file is data here, not an exception, so the result crosses a process boundary intact.
    """
    key = require_token_key(workdir)
    return [attempt(item.original_name, "läsning", read_original, item, cycle, key) for item in items]


@task(cache_policy=NO_CACHE)
def archived_originals(archive_root: Path) -> Originals:
    """Every receipt in the archive whose original matches it, oldest first (the order the ledger numbered them in)."""
    return trusted_originals(archive_root)
