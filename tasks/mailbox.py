"""The mailbox as Prefect tasks: fetch the unread messages, check their senders, mark them when done."""

from __future__ import annotations

import io
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.mail import _block_password
from tertial.cycle import Cycle
from tertial.imap import FLAGGED, SEEN, Mailbox
from tertial.inbox import run_logger
from tertial.mailbox import MAX_MESSAGE_BYTES, Letter, Sorted, Staged, header_letter, parse_letter, sort_letter
from tertial.reading import claimed_contributor
from tertial.settings import ImapSettings
from tertial.web.csv_zip import NotUnpacked
from tertial.web.upload import put_in_inbox


def _mailbox(settings: ImapSettings) -> Mailbox:
    """A session on the mailbox; the password from the settings or their Prefect Secret block, never a parameter."""
    password = settings.password
    if password is None and settings.password_block:
        password = _block_password(settings.password_block)
    return Mailbox(settings, password)


@task(cache_policy=NO_CACHE, persist_result=False)  # the attachments are the contributors' workbooks
def fetch_unread(settings: ImapSettings) -> list[Letter]:
    """Every unread, unflagged message in the folder, read without being marked; one too large is not fetched."""
    letters = []
    with _mailbox(settings) as mailbox:
        for uid in mailbox.unread():
            size, headers = mailbox.headers(uid)
            letters.append(header_letter(uid, headers, size) if size > MAX_MESSAGE_BYTES
                           else parse_letter(uid, mailbox.message(uid)))
    run_logger().info(f"{len(letters)} olästa meddelanden i {settings.folder}.")
    return letters


@task(cache_policy=NO_CACHE, persist_result=False)
def check_senders(cycle: Cycle, letters: list[Letter], inbox: Path) -> list[Sorted]:
    """Each message's submissions put in the inbox folder if its sender writes for the contributor they claim;
    a refused message leaves nothing behind (nothing of it is archived) and one line in the run's log."""
    inbox.mkdir(parents=True, exist_ok=True)
    results = []
    for letter in letters:
        with tempfile.TemporaryDirectory(dir=inbox.parent, prefix=".granskas-") as folder:
            staged, notes = _staged(letter, Path(folder))
            result = sort_letter(cycle, replace(letter, skipped=letter.skipped + notes), [s for s, _ in staged])
            if not result.flagged:
                result = _moved(result, [path for _, path in staged], inbox)
        if result.flagged:
            run_logger().warning(result.refusal)
        results.append(result)
    return results


def _staged(letter: Letter, folder: Path) -> tuple[list[tuple[Staged, Path]], tuple[str, ...]]:
    """Each attachment on disk as intake would take it (a zip as its CSV folder), with the contributor it claims;
    a zip that cannot be unpacked is a note instead."""
    staged, notes = [], []
    for number, attachment in enumerate(letter.attachments):
        (folder / str(number)).mkdir()  # one folder each: two attachments may share a name
        try:
            path = put_in_inbox(folder / str(number), attachment.name, io.BytesIO(attachment.content))
        except NotUnpacked as error:
            notes.append(f"{attachment.name} hoppas över: {error}")
            continue
        staged.append((Staged(path.name, claimed_contributor(path)), path))
    return staged, tuple(notes)


def _moved(result: Sorted, paths: list[Path], inbox: Path) -> Sorted:
    """The taken files moved into the inbox in the message's order, a name already there made unique."""
    names = []
    for path in paths:
        target = _free_name(inbox, path.name)
        shutil.move(path, target)
        names.append(target.name)
    return Sorted(result.letter, tuple(names), notes=result.notes)


def _free_name(folder: Path, name: str) -> Path:
    """`name` in the folder, or 'name (2)', 'name (3)' … when two messages in one run send files of one name."""
    stem, suffix, number = Path(name).stem, Path(name).suffix, 1
    target = folder / name
    while target.exists():
        number += 1
        target = folder / f"{stem} ({number}){suffix}"
    return target


@task(cache_policy=NO_CACHE)
def mark_messages(settings: ImapSettings, sorted_letters: list[Sorted]) -> None:
    """Taken in: marked read. Not taken in: flagged and left unread, for the controller, and not fetched again."""
    if not sorted_letters:
        return
    with _mailbox(settings) as mailbox:
        for item in sorted_letters:
            mailbox.mark(item.letter.uid, FLAGGED if item.flagged else SEEN)
