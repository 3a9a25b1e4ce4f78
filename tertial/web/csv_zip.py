"""A zipped CSV folder from the upload form, unpacked into the CSV folder intake takes in, under the reader's limits.

Intake takes a CSV submission as a folder (tertial/inbox.py, tertial/reading/csv_folder.py), so the zip is opened
here, before intake, with the limits the reader holds every ZIP to (tertial/reading/limits.py): sizes and the
packing ratio from the zip's directory before anything is unpacked (zipfile never unpacks more than the directory
says), at most MAX_PARTS entries. Only the CSV files are taken, each under its own base name reduced to one harmless
path component, so no entry's path ('../../etc', '/abs', 'C:\\…') can place a file outside the folder; folders,
links, other files and macOS's resource forks are left behind. Anything wrong is a NotUnpacked with a Swedish
sentence naming the file and what to do; nothing of it is stored.
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from tertial.inbox import safe_name
from tertial.reading.limits import MAX_PARTS, MAX_RATIO, MAX_UNPACKED_BYTES, RATIO_FLOOR, megabytes

_AGAIN = "Packa CSV-mappen till en ny zip-fil (i Utforskaren: Skicka till > Komprimerad (zippad) mapp) och lämna in den igen."


class NotUnpacked(Exception):
    """A zip that is not taken in, with the Swedish sentence the contributor sees."""


def unpack_csv_zip(content: BinaryIO, name: str, folder: Path) -> Path:
    """The CSV files of the zip `name`, unpacked into the new folder `folder` (which must not exist yet)."""
    try:
        archive = zipfile.ZipFile(content)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise NotUnpacked(f"{name} är ingen hel zip-fil och kan inte packas upp; kanske avbröts överföringen. {_AGAIN}") from error
    with archive:
        entries = _csv_entries(archive, name)
        folder.mkdir()
        for target, info in entries.items():
            _unpack(archive, info, folder / target, name)
    return folder


def _csv_entries(archive: zipfile.ZipFile, name: str) -> dict[str, zipfile.ZipInfo]:
    """The CSV files to unpack, by the name each gets in the folder, after the zip's sizes are checked."""
    infos = archive.infolist()
    unpacked = sum(i.file_size for i in infos)
    if len(infos) > MAX_PARTS or unpacked > MAX_UNPACKED_BYTES:
        raise NotUnpacked(f"{name} är för stor uppackad ({megabytes(unpacked)} MB i {len(infos)} filer; högst "
                          f"{megabytes(MAX_UNPACKED_BYTES)} MB och {MAX_PARTS} filer). Lägg bara CSV-filerna i zip-filen.")
    entries: dict[str, zipfile.ZipInfo] = {}
    seen: set[str] = set()
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise NotUnpacked(f"{name} tas inte emot av säkerhetsskäl: filen '{info.filename}' packas upp mer än "
                              f"{MAX_RATIO} gånger större än den är packad, vilket ingen CSV-fil gör. {_AGAIN}")
        target = _target(info)
        if target is None:
            continue
        if target.lower() in seen:  # Indikatorer.csv and indikatorer.csv would be one file on some disks
            raise NotUnpacked(f"{name} innehåller två CSV-filer som heter {target}. Lägg bara en CSV-mapp i zip-filen.")
        entries[target] = info
        seen.add(target.lower())
    if not entries:
        raise NotUnpacked(f"{name} innehåller inga CSV-filer. Lämna in arbetsboken (.xlsx) som den är, eller packa "
                          "mappen med CSV-filerna till en zip-fil och lämna in den.")
    return entries


def _target(info: zipfile.ZipInfo) -> str | None:
    """The name a CSV entry gets in the folder; None for a folder, a link, a resource fork or any other file."""
    path = PurePosixPath(info.filename.replace("\\", "/"))
    if info.is_dir() or stat.S_ISLNK(info.external_attr >> 16) or "__MACOSX" in path.parts:
        return None
    if path.name.startswith((".", "~$")) or not path.name.lower().endswith(".csv"):  # hidden files, lock files
        return None
    return safe_name(path.name)


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, name: str) -> None:
    try:
        with archive.open(info) as source, target.open("xb") as out:
            while block := source.read(1 << 20):
                out.write(block)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise NotUnpacked(f"{name} är skadad: filen '{info.filename}' i den kan inte packas upp. {_AGAIN}") from error
    except (RuntimeError, NotImplementedError) as error:  # an encrypted entry, an unknown packing method
        raise NotUnpacked(f"{name} är lösenordsskyddad eller packad på ett sätt som inte stöds (filen '{info.filename}'). "
                          f"{_AGAIN}") from error
