"""The work folder: where a cycle's archive, feedback, report, status page, key and ledger live.

Every command and flow takes the folder (`--workdir`) and asks this object for the parts, so the
layout is spelled out once. The ledger is opened here too, with one explicit policy for what may
be created when it is missing: collect makes it, while `status` or `remind` must not quietly start
an empty one (an empty ledger would show, or remind, everyone as not yet started).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from tertial.access import key_file
from tertial.errors import TertialError
from tertial.ledger import Ledger
from tertial.ledger_location import configured_url

LEDGER_FILE = "tertial.sqlite"


class Create(Enum):
    """What opening the work folder's own SQLite ledger may create; a ledger URL is always opened as it is."""

    FOLDER_AND_LEDGER = "folder and ledger"  # the cycle's first write (collect, run, assemble)
    LEDGER = "ledger"  # the folder must exist: a misspelt --workdir is named, not made
    NOTHING = "nothing"  # the ledger must exist: an empty one would prove or remind wrongly


@dataclass(frozen=True)
class Workspace:
    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))

    @property
    def archive(self) -> Path:
        """Every original, unchanged under its SHA-256, with its receipt."""
        return self.root / "arkiv"

    @property
    def feedback(self) -> Path:
        return self.root / "aterkoppling"

    @property
    def report(self) -> Path:
        return self.root / "rapport"

    @property
    def status_page(self) -> Path:
        """The leadership's page of where the cycle stands."""
        return self.root / "lage" / "index.html"

    @property
    def prefect_home(self) -> Path:
        """The local Prefect server's home and database, when no PREFECT_API_URL names a server (tertial/prefect_server.py)."""
        return self.root / "prefect"

    @property
    def key_file(self) -> Path:
        return key_file(self.root)

    @property
    def ledger_file(self) -> Path:
        return self.root / LEDGER_FILE

    @property
    def default_ledger_url(self) -> str:
        """The embedded default: SQLite in the work folder."""
        return f"sqlite:///{self.ledger_file.resolve()}"

    def ledger_url(self, given: str | None = None) -> str:
        """The URL given (`--ledger`), else TERTIAL_LEDGER_URL, else SQLite in the work folder."""
        return configured_url(given) or self.default_ledger_url

    def open_ledger(self, url: str | None = None, create: Create = Create.NOTHING) -> Ledger:
        """The ledger; for the folder's own SQLite ledger, what is missing is made or named as `create` says."""
        if configured_url(url) is None:
            self._prepare(create)
        return Ledger(self.ledger_url(url))

    def _prepare(self, create: Create) -> None:
        if create is Create.FOLDER_AND_LEDGER:
            self.root.mkdir(parents=True, exist_ok=True)
        elif create is Create.NOTHING and not self.ledger_file.is_file():
            raise TertialError(f"Det finns ingen liggare i {self.root}. Ange arbetsmappen som collect och run använder "
                               "(--workdir) eller --ledger, eller kör collect först.")
        elif not self.root.is_dir():
            raise TertialError(f"Arbetsmappen {self.root} finns inte. Ange mappen som collect och run använder med --workdir.")
