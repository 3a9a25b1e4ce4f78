"""The `tertial` command line: the outermost layer, on top of the flows.

Each module registers its commands on the one Typer app (commands/app.py); the flows they start
are imported inside the commands, after Prefect has been quietened.
"""

from commands.app import app
from commands import config, cycle, followup, ledger, mailbox, server, web  # noqa: E402, F401 - each registers its commands on `app`

__all__ = ["app"]
