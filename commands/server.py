"""`tertial server start|stop|status`: the work folder's local Prefect server, which flows use without PREFECT_API_URL."""

from __future__ import annotations

import typer

from commands.app import app, command, console
from commands.swedish import SwedishGroup
from commands.options import WORKDIR, Debug, Workdir
from tertial.controls import escape_controls

server_app = typer.Typer(help="Prefects lokala server i arbetsmappen, som flödena använder utan PREFECT_API_URL.",
                         no_args_is_help=True, cls=SwedishGroup, options_metavar="[FLAGGOR]",
                         subcommand_metavar="KOMMANDO [FLAGGOR]...")
app.add_typer(server_app, name="server")


@command("start", on=server_app)
def start(workdir: Workdir = WORKDIR, debug: Debug = False) -> None:
    """Starta arbetsmappens lokala Prefect-server (eller visa den som redan kör)."""
    from tertial.prefect_server import LocalServer

    server, started = LocalServer.of(workdir).ensure()
    verb = "Startade" if started else "Kör redan:"
    console.print(escape_controls(f"{verb} Prefects lokala server på {server.url.removesuffix('/api')} (process {server.pid})."))


@command("stop", on=server_app)
def stop(workdir: Workdir = WORKDIR, debug: Debug = False) -> None:
    """Stoppa arbetsmappens lokala Prefect-server."""
    from tertial.prefect_server import LocalServer

    stopped = LocalServer.of(workdir).stop()
    console.print(escape_controls(f"Stoppade Prefects lokala server (process {stopped.pid})." if stopped
                                  else f"Ingen lokal Prefect-server kör för {workdir}."))


@command("status", on=server_app)
def status(workdir: Workdir = WORKDIR, debug: Debug = False) -> None:
    """Visa om arbetsmappens lokala Prefect-server kör, och var. Felkod 1 om den inte kör."""
    from tertial.prefect_server import LocalServer

    server = LocalServer.of(workdir).running()
    if server is None:
        console.print(escape_controls(f"Ingen lokal Prefect-server kör för {workdir}."))
        raise typer.Exit(code=1)
    console.print(escape_controls(f"Prefects lokala server kör på {server.url.removesuffix('/api')} (process {server.pid}); "
                                  f"API: {server.url}"))
