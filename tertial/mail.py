"""E-mail to people: a small `Mailer` protocol, and its SMTP implementation.

SMTP settings come from the environment (`TERTIAL_SMTP_*`, tertial/settings.py); the password is a `SecretStr`,
so it is never shown in a repr, a log line or Prefect's record of a flow run's parameters.
"""

from __future__ import annotations

import base64
import mimetypes
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol

from pydantic import SecretStr

from tertial.settings import SmtpSettings


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]
    subject: str
    body: str
    cc: tuple[str, ...] = ()
    attachments: tuple[Path, ...] = ()

    @property
    def recipients(self) -> tuple[str, ...]:
        return self.to + self.cc

    def note(self) -> str:
        """The mail as the ledger's mail log keeps it: to whom, and its subject (read back by `read_note`)."""
        return f"{NOTE_TO}{', '.join(self.recipients)}{NOTE_SUBJECT}{self.subject}"


NOTE_TO, NOTE_SUBJECT = "till ", ": "


def read_note(note: str) -> tuple[list[str], str]:
    """(recipients, subject) of a mail noted in the ledger; an address never holds ': ', so the first one ends them."""
    recipients, _, subject = note.removeprefix(NOTE_TO).partition(NOTE_SUBJECT)
    return [r for r in recipients.split(", ") if r], subject


class Mailer(Protocol):
    """Whatever delivers a mail; raises on failure, smtplib's exceptions for SMTP."""

    def send(self, mail: Mail) -> None: ...


def build_message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, ", ".join(mail.to), mail.subject
    if mail.cc:
        message["Cc"] = ", ".join(mail.cc)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(mail.body)
    for path in mail.attachments:
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        maintype, subtype = kind.split("/", 1)
        # Our text files are UTF-8; without the charset a mail client reads å, ä, ö as ASCII.
        params = {"charset": "utf-8"} if maintype == "text" else None
        message.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name, params=params)
    return message


def _plain_auth(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """AUTH PLAIN with UTF-8 credentials (RFC 4616): smtplib's own login encodes them as ASCII and fails on å, ä, ö."""
    smtp.ehlo_or_helo_if_needed()
    token = base64.b64encode(f"\0{user}\0{password}".encode("utf-8")).decode("ascii")
    code, reply = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Log in; a failure is always an SMTPAuthenticationError that cannot carry the password.

    Some errors quote what they were encoding (a UnicodeEncodeError shows the whole
    credential string), so only the server's reply or the error's type is passed on, and
    the new error is raised outside the handler so that no traceback chains to the old one.
    """
    problem: tuple[int, bytes] | None = None
    try:
        if (user + password).isascii():
            smtp.login(user, password)
        else:
            _plain_auth(smtp, user, password)
    except smtplib.SMTPAuthenticationError as error:
        problem = (error.smtp_code, error.smtp_error)
    except Exception as error:  # noqa: BLE001 - see above: its message may hold the password
        problem = (0, f"inloggningen misslyckades ({type(error).__name__})".encode())
    if problem is not None:
        raise smtplib.SMTPAuthenticationError(*problem)


class SmtpMailer:
    """Delivers through an SMTP server with `smtplib`, one connection per mail."""

    def __init__(self, settings: SmtpSettings, password: SecretStr | None = None) -> None:
        self.settings = settings
        self._password = password or settings.password

    def __repr__(self) -> str:
        return f"SmtpMailer({self.settings.host}:{self.settings.port})"

    def send(self, mail: Mail) -> None:
        settings = self.settings
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.user:
                login(smtp, settings.user, self._password.get_secret_value() if self._password else "")
            smtp.send_message(build_message(mail, settings.sender), to_addrs=list(mail.recipients))
