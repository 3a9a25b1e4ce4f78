"""Where the ledger is: the URL given (`--ledger`, `ledger_url`), else TERTIAL_LEDGER_URL, else SQLite in the work folder
(tertial/workspace.py).

A PostgreSQL password belongs in the environment of whoever connects (libpq's PGPASSWORD or
~/.pgpass), not in the URL: a URL is stored with a deployment's parameters and shown in
Prefect's UI. URLs are shown with the password masked.
"""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from tertial.errors import TertialError
from tertial.settings import load_settings


def configured_url(given: str | None) -> str | None:
    """The URL given, else TERTIAL_LEDGER_URL; None when neither is set."""
    return given or load_settings().ledger_url


def parsed(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError as error:
        raise TertialError(f"Liggarens adress '{url}' är ingen SQLAlchemy-URL, t.ex. "
                           "postgresql+psycopg://tertial@db.stad.local/tertial eller sqlite:////srv/tertial/liggare.sqlite.") from error


def shown(url: str) -> str:
    """The URL as it may be printed: any password as ***; without one, as given (not re-quoted)."""
    address = parsed(url)
    return address.render_as_string(hide_password=True) if address.password is not None else url


def without_password(url: str) -> str:
    """The URL itself, for storing where others can read it; one with a password is refused."""
    if parsed(url).password is not None:
        raise TertialError(f"Liggarens adress {shown(url)} innehåller ett lösenord, som då skulle sparas i klartext hos "
                           "Prefect-servern. Ta bort lösenordet ur adressen och ge det arbetaren genom PGPASSWORD eller "
                           "~/.pgpass (se docs/drift.md).")
    return url
