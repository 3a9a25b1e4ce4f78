"""The archive of originals: each stored under its SHA-256, and re-hashed whenever it is read back.

The ledger names every version by the SHA-256 of its original. An original edited in place
after it arrived no longer matches that name; it is then not used, and the message says which
file and version it is.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from tertial.findings import refusal


def content_hash(path: Path) -> str:
    """SHA-256 of a file, or of a folder's regular files (names and contents, in name order); links never followed."""
    digest = hashlib.sha256()
    if path.is_dir() and not path.is_symlink():
        for file in sorted(_regular_files(path)):
            digest.update(file.relative_to(path).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    else:
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _regular_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if not p.is_symlink() and p.is_file()]


def found_hash(path: Path) -> str | None:
    """The original's SHA-256 as it is now; None when it is gone."""
    return content_hash(path) if path.exists() else None


def mismatch(path: Path, sha256: str, what: str) -> str | None:
    """Why the archived original no longer matches its SHA-256 (in Swedish), or None when it does."""
    found = found_hash(path)
    if found == sha256:
        return None
    now = "filen finns inte längre i arkivet" if found is None else f"filen har nu {found}"
    return (f"arkivets original {path} ({what}) stämmer inte med sin kontrollsumma: väntat {sha256}, {now}. "
            "Originalet har ändrats efter att det togs emot och används inte; återställ det från säkerhetskopian "
            "och kör tertial verify.")


def verified_original(path: Path, sha256: str, name: str, what: str) -> Path:
    """The archived original, re-hashed first; a SubmissionError naming file and version when it was changed."""
    problem = mismatch(path, sha256, what)
    if problem:
        raise refusal("structure_archive_changed", file=name, problem=problem)  # nothing in the file is read
    return path
