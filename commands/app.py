"""The Typer app, its consoles, and the one wrapper every command runs in.

A normal run prints one Swedish line per problem and no tracebacks or Prefect server
noise; `--debug` shows everything.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional, TypeVar

import typer
from rich.console import Console

from commands.swedish import SwedishCommand, SwedishGroup
from tertial.controls import escape_controls
from tertial.errors import TertialError

app = typer.Typer(no_args_is_help=True, add_completion=False, cls=SwedishGroup, options_metavar="[FLAGGOR]",
                  subcommand_metavar="KOMMANDO [FLAGGOR]...")
# Markup off: what is printed comes from files and settings, and `[/]` in a cell must print as it is.
console = Console(highlight=False, soft_wrap=True, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)

F = TypeVar("F", bound=Callable[..., None])


def quiet_prefect(debug: bool) -> None:
    """Keep Prefect and its temporary server silent unless debugging; must run before prefect is imported."""
    # Failures reach the user as our own Swedish line, so Prefect's loggers stay silent.
    level = "INFO" if debug else "CRITICAL"
    for name in ("PREFECT_LOGGING_LEVEL", "PREFECT_LOGGING_SERVER_LEVEL", "PREFECT_SERVER_LOGGING_LEVEL"):
        os.environ.setdefault(name, level)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # On a busy two-core machine the temporary server can take longer than Prefect's 20 s to start.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    if not debug:
        for name in ("prefect", "great_expectations"):
            logging.getLogger(name).setLevel(logging.CRITICAL)


@contextmanager
def flows_on(workdir: Path, make_folder: bool = True) -> Iterator[None]:
    """Flows run in this block talk to the Prefect server PREFECT_API_URL names, else to the work folder's own local
    server, started on first use and reused by later commands (tertial/prefect_server.py)."""
    from tertial.prefect_server import prefect_api

    with prefect_api(workdir, make_folder) as local:
        if local is not None and local[1]:
            err.print(f"Startade Prefects lokala server för {workdir} på {local[0].url.removesuffix('/api')} "
                      "(den används av nästa kommando också; stoppa med tertial server stop).")
        yield


def fail(error: Exception, debug: bool) -> None:
    if debug:
        raise error
    message = error.message_sv if isinstance(error, TertialError) else f"Oväntat fel: {error}. Kör igen med --debug för detaljer."
    err.print("\n".join(escape_controls(line) for line in message.split("\n")), style="red")
    raise typer.Exit(code=2)


def command(name: str | None = None, on: typer.Typer = app) -> Callable[[F], F]:
    """Register a command on the app: Prefect quietened before the command imports it, and any failure
    one red Swedish line with exit code 2 (the whole traceback with `--debug`)."""
    def register(function: F) -> F:
        @functools.wraps(function)
        def run(*args, **kwargs) -> None:
            debug = bool(kwargs.get("debug"))
            quiet_prefect(debug)
            try:
                function(*args, **kwargs)
            except (typer.Exit, typer.Abort):  # the command's own exit code
                raise
            except Exception as error:  # noqa: BLE001 - one Swedish line, details behind --debug
                fail(error, debug)
        on.command(name, cls=SwedishCommand)(run)
        return run  # type: ignore[return-value]
    return register


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        console.print(f"tertial {version('tertial')}")
        raise typer.Exit()


@app.callback()
def tertial(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_show_version, is_eager=True,
                                                    help="Visa Tertials version och avsluta.")] = None,
) -> None:
    """Tertial: nämndens rapportcykel (tertialrapport och verksamhetsberättelse)."""


def print_json(data: object) -> None:
    """A command's result as JSON on stdout (`--json`), for other programs: UTF-8 as it is, indented, one document.
    Problems go to stderr, so stdout always parses."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
