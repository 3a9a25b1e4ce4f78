"""The inbox is read as it is: links are never followed or archived, and a huge file is never copied in full."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from tasks.intake import find_submissions
from tertial.archive import content_hash
from tertial.inbox import archive, inbox_links
from tertial.reading import MAX_FILE_BYTES, read_submission
from tests.builders import write_filled, write_filled_csv
from tertial.errors import SubmissionError

RECEIVED = dt.datetime(2025, 5, 2, 8, 0, tzinfo=dt.UTC)
SPARSE_SIZE = 2 * 1024 ** 3  # 2 GiB, of which nothing is on disk


def test_a_2_gib_sparse_file_is_archived_only_up_to_the_limit_and_refused_as_too_large(tmp_path, mini_cycle):
    inbox = tmp_path / "inkorg"
    inbox.mkdir()
    huge = inbox / "stor.xlsx"
    huge.write_bytes(b"PK\x03\x04")
    os.truncate(huge, SPARSE_SIZE)
    archived = archive(huge, tmp_path / "arkiv", RECEIVED, MAX_FILE_BYTES)
    stored = Path(archived.archive_path)
    assert stored.stat().st_size == MAX_FILE_BYTES + 1 and archived.size == SPARSE_SIZE
    receipt = json.loads((stored.parent / "mottagen.json").read_text(encoding="utf-8"))
    assert (receipt["original_name"], receipt["size"], receipt["sha256"]) == ("stor.xlsx", SPARSE_SIZE, content_hash(stored))
    with pytest.raises(SubmissionError) as refused:
        read_submission(stored, mini_cycle)
    assert refused.value.located_message == (
        "fil stor.xlsx: filen är för stor (över 50 MB; högst 50 MB tas emot). En ifylld arbetsbok är normalt under 1 MB: "
        "ta bort bilder och överflödiga blad och skicka igen.")


def test_a_normal_file_is_archived_whole(tmp_path, mini_cycle):
    path = write_filled(tmp_path / "inkorg", mini_cycle, "barn")
    archived = archive(path, tmp_path / "arkiv", RECEIVED, MAX_FILE_BYTES)
    assert Path(archived.archive_path).read_bytes() == path.read_bytes() and archived.size == path.stat().st_size


@pytest.fixture
def linked_inbox(tmp_path, mini_cycle) -> Path:
    """An inbox with a link to /etc/passwd, one to a workbook outside it, one to a folder, and one inside a CSV folder."""
    inbox, outside = tmp_path / "inkorg", tmp_path / "utanfor"
    write_filled(outside, mini_cycle, "barn")
    write_filled(inbox, mini_cycle, "stab")
    folder = write_filled_csv(inbox, mini_cycle, "aldre")
    (inbox / "losenord.xlsx").symlink_to("/etc/passwd")
    (inbox / "barn.xlsx").symlink_to(outside / "barn.xlsx")
    (inbox / "mapp").symlink_to(outside)
    (folder / "mal.csv").unlink()
    (folder / "mal.csv").symlink_to(outside / "barn.xlsx")
    return inbox


def test_links_in_the_inbox_are_skipped_with_a_line_each(linked_inbox, tmp_path):
    assert sorted(p.name for p in find_submissions.fn(linked_inbox)) == ["aldre", "stab.xlsx"]
    assert inbox_links(linked_inbox) == [
        f"aldre/mal.csv: hoppas över – en symbolisk länk i CSV-mappen (till {tmp_path}/utanfor/barn.xlsx). "
        "Mappen tas emot utan den; lägg själva filen i mappen om den ska med.",
        f"barn.xlsx: hoppas över – en symbolisk länk (till {tmp_path}/utanfor/barn.xlsx), inte en fil. "
        "Den följs inte och arkiveras inte; lägg själva filen i inkorgen om den ska lämnas in.",
        "losenord.xlsx: hoppas över – en symbolisk länk (till /etc/passwd), inte en fil. "
        "Den följs inte och arkiveras inte; lägg själva filen i inkorgen om den ska lämnas in.",
        f"mapp: hoppas över – en symbolisk länk (till {tmp_path}/utanfor), inte en fil. "
        "Den följs inte och arkiveras inte; lägg själva filen i inkorgen om den ska lämnas in.",
    ]


def test_a_link_inside_a_csv_folder_is_neither_archived_nor_hashed(linked_inbox, tmp_path, mini_cycle):
    folder = linked_inbox / "aldre"
    archived = archive(folder, tmp_path / "arkiv", RECEIVED, MAX_FILE_BYTES)
    stored = Path(archived.archive_path)
    assert sorted(p.name for p in stored.iterdir()) == sorted(p.name for p in folder.iterdir() if not p.is_symlink())
    assert archived.sha256 == content_hash(folder) == content_hash(stored)
    with pytest.raises(SubmissionError, match="filen 'mal.csv' saknas i mappen"):
        read_submission(stored, mini_cycle)


def test_a_link_is_never_opened_for_hashing(linked_inbox):
    with pytest.raises(OSError):
        content_hash(linked_inbox / "losenord.xlsx")


@pytest.mark.parametrize("name", ["losenord.xlsx", "mapp"])
def test_a_link_handed_to_the_archive_directly_is_refused_not_followed(linked_inbox, tmp_path, name):
    with pytest.raises(OSError):
        archive(linked_inbox / name, tmp_path / "arkiv", RECEIVED, MAX_FILE_BYTES)
    assert not [p for p in (tmp_path / "arkiv").rglob("*") if p.is_file()]
