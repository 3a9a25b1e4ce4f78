"""Collecting by e-mail: fetch the unread messages -> check each sender -> collect their submissions -> mark them.

The submissions go through the collect flow itself (archive first, ledger, validation, feedback mail), so there
is one intake and one ledger. A message is marked read only after its files are recorded; should the run stop
in between, the next run fetches it again and the intake recognises its files by their SHA-256.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.utilities.annotations import quote

from flows.collect import collect
from flows.run_names import named
from tasks.configuration import open_cycle
from tasks.mailbox import check_senders, fetch_unread, mark_messages
from tertial.intake import IntakeOutcome
from tertial.mailbox import Sorted, message_line
from tertial.settings import ImapSettings, load_settings

MAIL_FOLDER = "e-post"  # in the work folder: each run's inbox of attachments, removed when taken in


@dataclass(frozen=True)
class MailOutcome:
    """A message and what became of it: one Swedish line, and the intake's outcome for each file it handed in."""

    line: str
    flagged: bool
    outcomes: tuple[IntakeOutcome, ...] = ()


@flow(name="samla-in-e-post", flow_run_name=named("samla in e-post"))
def collect_mail(cycle_path: Path, workdir: Path, ledger_url: str | None = None,
                 imap: ImapSettings | None = None) -> list[MailOutcome]:
    """Take in the submissions mailed to the mailbox (TERTIAL_IMAP_*, or `imap` given)."""
    cycle = open_cycle(cycle_path)
    imap = imap or load_settings().imap()  # not stored as a parameter when read here: the password stays out of Prefect
    letters = fetch_unread(imap)  # 1. the unread messages, left unread
    inbox = _fresh_inbox(Path(workdir))
    try:
        checked = check_senders(quote(cycle), letters, inbox)  # 2. only a contributor's own address hands in their files
        taken = collect(cycle_path=cycle_path, inbox=inbox, workdir=workdir,  # 3. the one intake
                        ledger_url=ledger_url) if any(c.taken for c in checked) else []
    finally:
        shutil.rmtree(inbox, ignore_errors=True)  # the originals are in the archive now
    mark_messages(imap, checked)  # 4. read once taken in; flagged for the controller when not
    by_file = {o.file: o for o in taken}
    outcomes = [_outcome(item, by_file) for item in checked]
    for outcome in outcomes:
        if not outcome.flagged:  # a refusal is logged as a warning where it was found
            get_run_logger().info(outcome.line)
    return outcomes


def _fresh_inbox(workdir: Path) -> Path:
    """A new folder for this run's attachments, beside any other run's, in the work folder."""
    (workdir / MAIL_FOLDER).mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=workdir / MAIL_FOLDER))


def _outcome(item: Sorted, by_file: dict[str, IntakeOutcome]) -> MailOutcome:
    return MailOutcome(message_line(item, by_file), item.flagged, tuple(by_file[n] for n in item.taken if n in by_file))
