"""Taking in submissions: finding them in the inbox, archiving each original first, reading the archived copy."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.reading import read_submission
from tertial.access import UNKNOWN_CONTRIBUTOR, not_issued, require_token_key, token_matches, verify_token
from tertial.cycle import Cycle
from tertial.errors import SubmissionError
from tertial.findings import Finding, Severity
from tertial.submission import Submission

SUBMISSION_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv", ".ods", ".zip", ".pdf", ".docx", ""}


@dataclass(frozen=True)
class Archived:
    """An original, stored unchanged under its SHA-256."""

    sha256: str
    original_name: str
    archive_path: str
    source: str
    received_at: dt.datetime


@dataclass(frozen=True)
class Read:
    """An archived file as read for intake: the submission, or the one finding that says why it could not be read."""

    contributor_id: str
    submission: Submission | None
    findings: list[Finding]


@task(cache_policy=NO_CACHE)
def find_submissions(inbox: Path) -> list[Path]:
    """Files and CSV folders in the inbox, in name order; lock files and hidden files skipped."""
    if not inbox.is_dir():
        return []
    return sorted(
        p for p in inbox.iterdir()
        if not p.name.startswith((".", "~$")) and (p.is_dir() or p.is_file())
    )


def content_hash(path: Path) -> str:
    """SHA-256 of a file, or of a folder's files (names and contents, in name order)."""
    digest = hashlib.sha256()
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(file.relative_to(path).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    else:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


@task(cache_policy=NO_CACHE)
def archive_original(path: Path, archive_root: Path, received_at: dt.datetime) -> Archived:
    """Copy the original into the archive before anything else reads it; atomic, idempotent.

    The copy is hashed, not the inbox file, so the archive always holds exactly the bytes its
    SHA-256 names even if the sender overwrites the file meanwhile. Several workers may archive
    the same file at once: each stages its own copy, and the first to move it into place wins.
    """
    archive_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=archive_root, prefix=".tmp-"))
    try:
        copy = staging / _safe_name(path.name)
        shutil.copytree(path, copy) if path.is_dir() else shutil.copy2(path, copy)
        sha = content_hash(copy)
        target_dir = archive_root / sha[:2] / sha
        stored = target_dir / copy.name
        target_dir.mkdir(parents=True, exist_ok=True)
        _move_into_place(copy, stored)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    archived = Archived(sha, path.name, str(stored), str(path.resolve()), received_at)
    receipt = json.dumps({**asdict(archived), "received_at": received_at.isoformat()}, ensure_ascii=False, indent=2)
    _write_once(target_dir / "mottagen.json", receipt)
    return archived


def _move_into_place(copy: Path, stored: Path) -> None:
    """Rename the staged copy to its archive name, unless an identical copy is already there."""
    if stored.exists():
        return
    try:
        os.replace(copy, stored)  # atomic; for a file an identical copy placed meanwhile is simply replaced
    except OSError:
        if not stored.exists():  # a CSV folder loses the race to a non-empty folder of the same content
            raise


def _write_once(path: Path, text: str) -> None:
    """Create the file with its whole content at once; the first writer's content stays."""
    if path.exists():
        return
    handle, staged = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.link(staged, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(staged)


def _safe_name(name: str) -> str:
    """A file name from outside, reduced to one harmless path component."""
    cleaned = "".join(c for c in Path(name).name if c.isprintable() and c not in '/\\:*?"<>|')
    return cleaned.strip(" .") or "inlamning"


def structure_finding(error: SubmissionError) -> Finding:
    return Finding(error.rule_id, Severity.ERROR, error.message, file=error.file, sheet=error.sheet,
                   row=error.row, column=error.column, value=None)


@task(cache_policy=NO_CACHE)
def read_archived(archived: Archived, cycle: Cycle, workdir: Path) -> Read:
    """Read the archived copy (never the inbox file, which may change) and check its token.

    The key is looked up here from the work folder, never passed in, so it is not stored with the run.
    A file without its contributor's token is recorded as UNKNOWN_CONTRIBUTOR, never as whoever it names.
    An unreadable file is data here, not an exception, so the result crosses a process boundary intact.
    """
    key = require_token_key(workdir)
    try:
        submission = read_submission.fn(Path(archived.archive_path), cycle)
        verify_token(key, cycle.config.id, submission.contributor_id, submission.token, archived.original_name)
    except SubmissionError as error:
        error.file = archived.original_name
        return refusal(error, key, cycle.config.id)
    submission.file = archived.original_name
    return Read(submission.contributor_id, submission, [])


def refusal(error: SubmissionError, key: bytes, cycle_id: str) -> Read:
    """An unreadable file counts for the contributor it names only when it carries that contributor's token."""
    claimed = error.contributor_id
    if claimed and not token_matches(key, cycle_id, claimed, error.token):
        return Read(UNKNOWN_CONTRIBUTOR, None, [structure_finding(not_issued(claimed, error.file))])
    return Read(claimed or UNKNOWN_CONTRIBUTOR, None, [structure_finding(error)])

