"""Where the ledger is: the URL given (`--ledger`, `ledger_url`), else TERTIAL_LEDGER_URL, else SQLite in the work folder.

A PostgreSQL password belongs in the environment of whoever connects (libpq's PGPASSWORD or
~/.pgpass), not in the URL: a URL is stored with a deployment's parameters and shown in
Prefect's UI. URLs are shown with the password masked.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from tertial.errors import TertialError
from tertial.ledger import default_url


class LedgerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TERTIAL_")

    ledger_url: str | None = Field(
        None,
        description="SQLAlchemy-URL till liggaren, t.ex. postgresql+psycopg://tertial@db.stad.local/tertial; utan den "
                    "SQLite i arbetsmappen. Lösenordet ges genom PGPASSWORD eller ~/.pgpass, inte i URL:en.",
    )


def configured_url(given: str | None) -> str | None:
    """The URL given, else TERTIAL_LEDGER_URL; None when neither is set."""
    return given or LedgerSettings().ledger_url


def chosen_url(given: str | None, workdir: Path) -> str:
    """The URL given, else the configured one, else the embedded default in the work folder."""
    return configured_url(given) or default_url(workdir)


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
