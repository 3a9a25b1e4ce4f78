"""Submissions by e-mail: a message read into its sender and the attachments that are submissions, and the
sender checked against the contributor each submission claims to come from.

Pure functions on a message's bytes and the cycle; the IMAP session is tertial/imap.py, and what is taken
in goes through the collect flow's intake like any file in the inbox. The sender check is a filter in front
of the intake, not proof of identity: a From line is easily forged, so the workbook's key (tertial/access.py)
still decides whose a file is.
"""

from __future__ import annotations

import email
import email.utils
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

from tertial.controls import escape_controls
from tertial.cycle import Cycle
from tertial.inbox import safe_name
from tertial.intake import IntakeOutcome
from tertial.reading.limits import MAX_FILE_BYTES, megabytes
from tertial.web.upload import accepted_name
from tertial.wording import findings_count

# One attachment at the reader's limit, base64-encoded (4 bytes for 3), and the message around it.
MAX_MESSAGE_BYTES = MAX_FILE_BYTES * 4 // 3 + 1024 * 1024
MAX_SUBJECT_CHARS = 80
FLAGGED = "Meddelandet är flaggat i e-postlådan"


@dataclass(frozen=True)
class Attachment:
    name: str  # reduced to one harmless path component
    content: bytes


@dataclass(frozen=True)
class Letter:
    """One unread message: who sent it, its subject, the attachments that may be submissions, and the rest left out."""

    uid: str
    sender: str  # the one address in From, in lower case; "" when From names none or several
    subject: str
    attachments: tuple[Attachment, ...] = ()
    skipped: tuple[str, ...] = ()  # a Swedish note per attachment left out, and why
    oversized: int | None = None  # the message's size when it was too large to fetch

    @property
    def heading(self) -> str:
        """How a line names the message: sender and subject."""
        subject = self.subject if len(self.subject) <= MAX_SUBJECT_CHARS else self.subject[:MAX_SUBJECT_CHARS - 1] + "…"
        # Both come from outside: a control character in them must not forge or drive a line of the log.
        return escape_controls(f"E-post från {self.sender or '(okänd avsändare)'} med ämnet ”{subject}”")


@dataclass(frozen=True)
class Staged:
    """An attachment written to disk for the sender check: its name there and the contributor it claims."""

    name: str
    claimed: str | None


@dataclass(frozen=True)
class Sorted:
    """A letter after the sender check: the files it hands to the intake, or why none of it is taken in."""

    letter: Letter
    taken: tuple[str, ...] = ()  # names in the intake's inbox folder
    refusal: str | None = None  # one Swedish line when the message is not taken in (it is flagged)
    notes: tuple[str, ...] = field(default=())

    @property
    def flagged(self) -> bool:
        return self.refusal is not None


def sender_address(from_values: list[str]) -> str:
    """The single address the From header names, in lower case, or "" (none, several, or unparsable)."""
    addresses = [address for _, address in email.utils.getaddresses([str(v) for v in from_values]) if "@" in address]
    return addresses[0].strip().lower() if len(addresses) == 1 else ""


def header_letter(uid: str, headers: bytes, size: int | None = None) -> Letter:
    """A letter known by its headers only (a message too large to fetch)."""
    message = email.message_from_bytes(headers, policy=policy.default)
    return Letter(uid, sender_address(message.get_all("From", [])), _subject(message), oversized=size)


def parse_letter(uid: str, raw: bytes, max_bytes: int = MAX_FILE_BYTES) -> Letter:
    """The message's sender and subject, its attachments that may be submissions (at most `max_bytes` each, the
    reader's limit), and a note for each left out."""
    message = email.message_from_bytes(raw, policy=policy.default)
    attachments, skipped = [], []
    for part in message.walk():
        filename = part.get_filename() if not part.is_multipart() else None
        if not filename:
            continue
        name = safe_name(filename)
        content = part.get_payload(decode=True) or b""
        if not accepted_name(name):
            skipped.append(f"{name} hoppas över: bara en arbetsbok (.xlsx) eller en zippad CSV-mapp (.zip) tas emot")
        elif len(content) > max_bytes:
            skipped.append(f"{name} hoppas över: filen är för stor ({megabytes(len(content))} MB; högst "
                           f"{megabytes(max_bytes)} MB tas emot)")
        else:
            attachments.append(Attachment(name, content))
    return Letter(uid, sender_address(message.get_all("From", [])), _subject(message), tuple(attachments), tuple(skipped))


def _subject(message: EmailMessage) -> str:
    return " ".join(str(message.get("Subject", "")).split()) or "(inget ämne)"


def senders_contributors(cycle: Cycle, address: str) -> list[str]:
    """The contributors whose e-mail or deputy's e-mail the address is."""
    return [c.id for c in cycle.config.contributors
            if address and address in {e.strip().lower() for e in (c.email, c.deputy_email) if e}]


def sort_letter(cycle: Cycle, letter: Letter, staged: list[Staged]) -> Sorted:
    """Take the letter's staged files in, or refuse the whole message with one line naming sender, subject and file.

    A file is taken in when it claims a contributor the sender writes for (as contributor or deputy); a file that
    claims none (intake will say why) when the sender writes for exactly one contributor.
    """
    notes = letter.skipped
    if letter.oversized is not None:
        return Sorted(letter, refusal=f"{letter.heading}: meddelandet är för stort ({megabytes(letter.oversized)} MB; "
                                      f"högst {megabytes(MAX_MESSAGE_BYTES)} MB) och hämtas inte. {FLAGGED}; be avsändaren "
                                      "skicka bara arbetsboken, utan bilder eller andra bilagor.")
    if not staged:
        why = "; ".join(notes) if notes else "ingen fil bifogad"
        return Sorted(letter, refusal=f"{letter.heading}: ingen inlämning att ta emot ({why}). {FLAGGED} för controllern.")
    own = senders_contributors(cycle, letter.sender)
    names = ", ".join(s.name for s in staged)
    if not own:
        return Sorted(letter, refusal=f"{letter.heading}: {names} tas inte emot – avsändaren är inte e-postadressen (email "
                                      f"eller deputy_email i cycle.yaml) till någon bidragsgivare. {FLAGGED}; be "
                                      "bidragsgivaren skicka från sin adress, eller lägg till adressen i cycle.yaml och "
                                      "ta bort flaggan, så tas det emot vid nästa insamling.", notes=notes)
    for item in staged:
        refusal = _claim_refused(letter, item, own)
        if refusal:
            return Sorted(letter, refusal=refusal, notes=notes)
    return Sorted(letter, taken=tuple(s.name for s in staged), notes=notes)


def _claim_refused(letter: Letter, item: Staged, own: list[str]) -> str | None:
    if item.claimed is None and len(own) > 1:
        return (f"{letter.heading}: {item.name} tas inte emot – filen anger ingen bidragsgivare och avsändaren skriver för "
                f"flera ({', '.join(own)}). {FLAGGED}; be avsändaren skicka den förifyllda arbetsboken från Tertial.")
    if item.claimed is not None and item.claimed not in own:
        return (f"{letter.heading}: {item.name} tas inte emot – arbetsboken anger bidragsgivaren '{item.claimed}', men "
                f"avsändaren skriver för {', '.join(own)}. {FLAGGED}; be '{item.claimed}' skicka sin arbetsbok själv "
                "(eller rätta e-postadresserna i cycle.yaml och ta bort flaggan).")
    return None


def message_line(item: Sorted, outcomes: dict[str, IntakeOutcome]) -> str:
    """One Swedish line for a message: what the intake made of each file it handed in (`outcomes` by file name),
    or why it was not taken in."""
    if item.refusal is not None:
        return item.refusal
    done = "; ".join(f"{name}: {_result(outcomes[name]) if name in outcomes else 'inte mottagen'}" for name in item.taken)
    return "; ".join([f"{item.letter.heading}: {done}", *item.notes]) + "."


def _result(outcome: IntakeOutcome) -> str:
    version = outcome.version
    return (f"{version.contributor_id} version {version.number}, {version.status} "
            f"({findings_count(version.errors, version.warnings)}), {'ny version' if outcome.new else 'redan mottagen'}")
