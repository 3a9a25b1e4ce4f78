"""The mailbox contributors send their workbooks to: one IMAP session on its folder, with the standard library's imaplib.

Messages are read with BODY.PEEK, so reading never marks one as read; the mail intake marks it (\\Seen) only
after the intake has recorded its files, and flags (\\Flagged) one it does not take in. Every failure is a
TertialError with a Swedish line that names the server and never the password.
"""

from __future__ import annotations

import imaplib
import re
import ssl
from types import TracebackType

from pydantic import SecretStr

from tertial.errors import TertialError
from tertial.settings import ImapSettings

SEEN, FLAGGED = "\\Seen", "\\Flagged"
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class MailboxError(TertialError):
    """The mailbox cannot be reached or read; the message names server and folder, never the password."""


class Mailbox:
    """One session with the configured folder; use it as a context manager."""

    def __init__(self, settings: ImapSettings, password: SecretStr | None) -> None:
        self.settings, self._password = settings, password
        self._imap: imaplib.IMAP4 | None = None

    @property
    def where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}, mappen {self.settings.folder}"

    def __enter__(self) -> Mailbox:
        s = self.settings
        try:
            self._imap = (imaplib.IMAP4_SSL(s.host, s.port, ssl_context=ssl.create_default_context(), timeout=s.timeout)
                          if s.tls else imaplib.IMAP4(s.host, s.port, timeout=s.timeout))
        except (OSError, imaplib.IMAP4.error) as error:
            raise MailboxError(f"E-postlådan {self.where} svarar inte ({type(error).__name__}). Kontrollera "
                               "TERTIAL_IMAP_HOST och TERTIAL_IMAP_PORT, och att servern nås härifrån.") from None
        self._log_in()
        status, _ = self._call("select", _quoted(s.folder))
        if status != "OK":
            raise MailboxError(f"E-postlådan {self.where}: mappen finns inte eller kan inte öppnas. Rätta TERTIAL_IMAP_FOLDER.")
        return self

    def _log_in(self) -> None:
        """Log in; a refusal is raised outside the handler, so no traceback carries what was sent."""
        user, password = self.settings.user, self._password.get_secret_value() if self._password else ""
        refused = False
        try:
            if (user + password).isascii():
                self._imap.login(user, password)
            else:  # LOGIN takes ASCII only; AUTHENTICATE PLAIN carries UTF-8 (RFC 4616)
                self._imap.authenticate("PLAIN", lambda _: f"\0{user}\0{password}".encode("utf-8"))
        except (imaplib.IMAP4.error, UnicodeError, OSError):
            refused = True
        if refused:
            raise MailboxError(f"E-postlådan {self.where} tog inte emot inloggningen som {user}. Kontrollera "
                               "TERTIAL_IMAP_USER och lösenordet (TERTIAL_IMAP_PASSWORD eller TERTIAL_IMAP_PASSWORD_BLOCK).")

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        try:
            self._imap.logout()
        except (imaplib.IMAP4.error, OSError):
            pass  # the session is over either way

    def unread(self) -> list[str]:
        """The UIDs of the messages neither read nor flagged, oldest first; a flagged one waits for the controller."""
        status, data = self._call("uid", "SEARCH", None, "UNSEEN UNFLAGGED")
        return [uid.decode("ascii") for uid in data[0].split()] if status == "OK" and data and data[0] else []

    def headers(self, uid: str) -> tuple[int, bytes]:
        """The message's size in bytes and its From and Subject headers, without reading the message itself."""
        data = self._fetch(uid, "(RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])")
        found = next((_SIZE.search(item[0]) for item in data if isinstance(item, tuple)), None)
        headers = next((item[1] for item in data if isinstance(item, tuple)), b"")
        return (int(found.group(1)) if found else 0), headers

    def message(self, uid: str) -> bytes:
        """The whole message, left unread."""
        return next((item[1] for item in self._fetch(uid, "(BODY.PEEK[])") if isinstance(item, tuple)), b"")

    def mark(self, uid: str, flag: str) -> None:
        self._call("uid", "STORE", uid, "+FLAGS.SILENT", f"({flag})")

    def _fetch(self, uid: str, parts: str) -> list:
        status, data = self._call("uid", "FETCH", uid, parts)
        return data if status == "OK" and data else []

    def _call(self, command: str, *args):
        try:
            return getattr(self._imap, command)(*args)
        except (imaplib.IMAP4.error, OSError) as error:
            raise MailboxError(f"E-postlådan {self.where} svarade inte som väntat ({type(error).__name__}); "
                               "försök igen vid nästa insamling.") from None


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
