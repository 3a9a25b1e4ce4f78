"""The inbox and the archive of originals: what arrived, in which order, stored unchanged under its SHA-256.

Intake archives every original before anything reads it, with a receipt (mottagen.json) saying who
sent what, when and from where; a rebuilt ledger is made from those receipts. A file from outside is
never trusted: links are not followed, names are reduced to one harmless component, and no more bytes
are copied than the reader accepts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import shutil
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from tertial.access import UNKNOWN_CONTRIBUTOR, not_issued, token_matches, verify_token
from tertial.archive import content_hash, mismatch, verified_original
from tertial.cycle import Cycle
from tertial.errors import SubmissionError
from tertial.findings import Finding, Severity
from tertial.reading import read_submission
from tertial.submission import Submission

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Archived:
    """An original, stored unchanged under its SHA-256."""

    sha256: str
    original_name: str
    archive_path: str
    source: str
    received_at: dt.datetime
    size: int | None = None  # bytes of the original; more than were archived when it exceeded MAX_FILE_BYTES


@dataclass(frozen=True)
class Read:
    """An archived file as read for intake: the submission, or the one finding that says why it could not be read."""

    contributor_id: str
    submission: Submission | None
    findings: list[Finding]


@dataclass(frozen=True)
class Originals:
    trusted: list[Archived]
    refused: list[str]


def submissions_in(inbox: Path) -> list[Path]:
    """Files and CSV folders in the inbox in the order they arrived; lock files, hidden files and links skipped.

    A symbolic link is never followed: it could point at any file the intake may read (/etc/passwd)
    or at a workbook outside the inbox. Each one is named in a line for the controller (inbox_links).
    """
    if not inbox.is_dir():
        return []
    for line in inbox_links(inbox):
        run_logger().warning(line)
    return sorted(
        (p for p in inbox.iterdir()
         if not p.name.startswith((".", "~$")) and not p.is_symlink() and (p.is_dir() or p.is_file())),
        key=arrival,
    )


def arrival(path: Path) -> tuple[int, str]:
    """When a file, or a CSV folder's last file, came into the inbox: the inode's change time, then the name.

    Not the modification time, which a copy may keep from the sender's disk, and not the name:
    'kultur (1).xlsx', sent a moment after 'kultur.xlsx', sorts before it.
    """
    times = [path.lstat().st_ctime_ns]
    if path.is_dir():
        times += [p.lstat().st_ctime_ns for p in path.rglob("*") if not p.is_symlink()]
    return max(times), path.name


def inbox_links(inbox: Path) -> list[str]:
    """One Swedish line per symbolic link in the inbox or inside one of its CSV folders, none of which is taken in."""
    if not inbox.is_dir():
        return []
    lines = []
    for entry in sorted(inbox.iterdir()):
        if entry.name.startswith((".", "~$")):
            continue
        if entry.is_symlink():
            lines.append(f"{entry.name}: hoppas över – en symbolisk länk (till {os.readlink(entry)}), inte en fil. "
                         "Den följs inte och arkiveras inte; lägg själva filen i inkorgen om den ska lämnas in.")
        elif entry.is_dir():
            lines += [f"{entry.name}/{link.relative_to(entry).as_posix()}: hoppas över – en symbolisk länk i CSV-mappen "
                      f"(till {os.readlink(link)}). Mappen tas emot utan den; lägg själva filen i mappen om den ska med."
                      for link in sorted(p for p in entry.rglob("*") if p.is_symlink())]
    return lines


def run_logger() -> logging.Logger | logging.LoggerAdapter:
    """The run's logger (shown in Prefect's UI for scheduled runs); the module's outside a run.

    Prefect is imported only when it is already loaded: without it there is no run, and `tertial validate`
    reads through here without paying for Prefect's import.
    """
    if "prefect.context" not in sys.modules:
        return logger
    from prefect import get_run_logger
    from prefect.exceptions import MissingContextError

    try:
        return get_run_logger()
    except MissingContextError:
        return logger


def archive(path: Path, archive_root: Path, received_at: dt.datetime, max_bytes: int) -> Archived:
    """Copy the original into the archive before anything else reads it; atomic, idempotent.

    The copy is hashed, not the inbox file, so the archive always holds exactly the bytes its
    SHA-256 names even if the sender overwrites the file meanwhile. Several workers may archive
    the same file at once: each stages its own copy, and the first to move it into place wins.
    Of a file larger than the reader accepts (`max_bytes`) only the first max_bytes + 1 bytes are archived;
    its receipt (mottagen.json) records the whole size.
    """
    archive_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=archive_root, prefix=".tmp-"))
    try:
        copy = staging / safe_name(path.name)
        size = _copy_limited(path, copy, max_bytes)
        sha = content_hash(copy)
        target_dir = archive_root / sha[:2] / sha
        stored = target_dir / copy.name
        target_dir.mkdir(parents=True, exist_ok=True)
        _move_into_place(copy, stored)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    archived = Archived(sha, path.name, str(stored), str(path.resolve()), received_at, size)
    receipt = json.dumps({**asdict(archived), "received_at": received_at.isoformat()}, ensure_ascii=False, indent=2)
    _write_once(target_dir / "mottagen.json", receipt)
    return archived


def _copy_limited(source: Path, target: Path, max_bytes: int) -> int:
    """Copy a file or CSV folder, links and special files left out, and at most max_bytes + 1 bytes in all.

    A larger original is archived only up to that byte (the reader refuses it as too large, seeing the same
    size); a 2 GiB file is never copied in full. Returns the size of the whole original in bytes.
    """
    budget = max_bytes + 1
    if source.is_symlink() or not source.is_dir():  # a link, even to a folder, fails to open in _copy_file
        return _copy_file(source, target, budget)
    size = 0
    target.mkdir()
    for entry in sorted(source.rglob("*")):  # rglob does not descend into linked folders
        if entry.is_symlink():
            continue
        if entry.is_dir():
            (target / entry.relative_to(source)).mkdir(parents=True, exist_ok=True)
        elif entry.is_file():
            size += _copy_file(entry, target / entry.relative_to(source), max(0, budget - size))
    return size


def _copy_file(source: Path, target: Path, budget: int) -> int:
    """The first `budget` bytes of a regular file (never through a link); returns the file's whole size."""
    descriptor = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)  # O_NONBLOCK: a FIFO put in meanwhile never hangs
    with os.fdopen(descriptor, "rb") as handle, target.open("wb") as out:
        size = os.fstat(handle.fileno()).st_size
        while budget > 0 and (block := handle.read(min(1 << 20, budget))):
            out.write(block)
            budget -= len(block)
    return size


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


def safe_name(name: str) -> str:
    """A file name from outside, reduced to one harmless path component."""
    cleaned = "".join(c for c in Path(name).name if c.isprintable() and c not in '/\\:*?"<>|')
    return cleaned.strip(" .") or "inlamning"


def structure_finding(error: SubmissionError) -> Finding:
    return Finding(error.rule_id, Severity.ERROR, error.message, file=error.file, sheet=error.sheet,
                   row=error.row, column=error.column, value=None, cell=error.cell)


def read_with_token(path: Path, name: str, cycle: Cycle, key: bytes) -> Read:
    """Read a file and check its token: intake and `tertial validate` take the same steps.

    A file without its contributor's token is UNKNOWN_CONTRIBUTOR, never whoever it names; an unreadable
    file is a Read with the one finding that says why, so the result crosses a process boundary intact.
    """
    try:
        submission = read_submission(path, cycle)
        verify_token(key, cycle.config.id, submission.contributor_id, submission.token, name)
    except SubmissionError as error:
        error.file = name
        return unread(error, key, cycle.config.id)
    submission.file = name
    return Read(submission.contributor_id, submission, [])


def read_original(archived: Archived, cycle: Cycle, key: bytes) -> Read:
    """The archived copy read (never the inbox file, which may change), its token checked against the key."""
    try:
        path = verified_original(Path(archived.archive_path), archived.sha256, archived.original_name, "ny inlämning")
    except SubmissionError as error:
        return unread(error, key, cycle.config.id)
    return read_with_token(path, archived.original_name, cycle, key)


def unread(error: SubmissionError, key: bytes, cycle_id: str) -> Read:
    """An unreadable file counts for the contributor it names only when it carries that contributor's token."""
    claimed = error.contributor_id
    if claimed and not token_matches(key, cycle_id, claimed, error.token):
        return Read(UNKNOWN_CONTRIBUTOR, None, [structure_finding(not_issued(claimed, error.file, error.token))])
    return Read(claimed or UNKNOWN_CONTRIBUTOR, None, [structure_finding(error)])


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


def trusted_originals(archive_root: Path) -> Originals:
    """Every receipt in the archive whose original matches it, oldest first (the order the ledger numbered them in)."""
    read = [read_receipt(path) for path in sorted(archive_root.glob("*/*/mottagen.json"))]
    trusted = [item for item in read if isinstance(item, Archived)]
    return Originals(sorted(trusted, key=lambda a: (a.received_at, a.sha256)), [item for item in read if isinstance(item, str)])
