"""The `tertial` command line: the outermost layer, on top of the flows.

A normal run prints one Swedish line per problem and no tracebacks or Prefect server
noise; `--debug` shows everything.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from tertial.errors import TertialError
from tertial.resources import EXAMPLES

app = typer.Typer(help="Tertial: nämndens rapportcykel (tertialrapport och verksamhetsberättelse).", no_args_is_help=True, add_completion=False)
console = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DEMO_CYCLE = EXAMPLES / "eav-t1-2024"
Debug = Annotated[bool, typer.Option("--debug", help="Visa Prefects loggar och fullständiga felspår.")]


def quiet_prefect(debug: bool) -> None:
    """Keep Prefect and its temporary server silent unless debugging; must run before prefect is imported."""
    # Failures reach the user as our own Swedish line, so Prefect's loggers stay silent.
    level = "INFO" if debug else "CRITICAL"
    for name in ("PREFECT_LOGGING_LEVEL", "PREFECT_LOGGING_SERVER_LEVEL", "PREFECT_SERVER_LOGGING_LEVEL"):
        os.environ.setdefault(name, level)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    if not debug:
        for name in ("prefect", "great_expectations"):
            logging.getLogger(name).setLevel(logging.CRITICAL)


def fail(error: Exception, debug: bool) -> None:
    if debug:
        raise error
    message = error.message_sv if isinstance(error, TertialError) else f"Oväntat fel: {error}. Kör igen med --debug för detaljer."
    err.print(f"[red]{message}[/red]")
    raise typer.Exit(code=2)


@app.command()
def demo(
    workdir: Annotated[Path, typer.Option(help="Mapp för demokörningens filer.")] = Path("demo-run"),
    debug: Debug = False,
) -> None:
    """Kör democykeln (Tertialrapport 1 2024, Enskede-Årsta-Vantör) från inkorg till rapport."""
    quiet_prefect(debug)
    cycle_dir, inbox = workdir / "cykel", workdir / "inkorg"
    shutil.copytree(DEMO_CYCLE, cycle_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("submissions"))
    shutil.copytree(DEMO_CYCLE / "submissions", inbox, dirs_exist_ok=True)
    _run(cycle_dir / "cycle.yaml", inbox, workdir, None, debug)


@app.command()
def run(
    cycle: Annotated[Path, typer.Option(help="Cykelns konfigurationsfil (YAML).")],
    inbox: Annotated[Path, typer.Option(help="Inkorgen med inlämningar.")],
    workdir: Annotated[Path, typer.Option(help="Mapp för arkiv, återkoppling och rapport.")] = Path("tertial-run"),
    ledger: Annotated[Optional[str], typer.Option(help="SQLAlchemy-URL till liggaren; standard är SQLite i workdir.")] = None,
    debug: Debug = False,
) -> None:
    """Kör hela cykeln: ta emot inlämningar, validera och sammanställ rapporten."""
    quiet_prefect(debug)
    _run(cycle, inbox, workdir, ledger, debug)


def _run(cycle: Path, inbox: Path, workdir: Path, ledger: str | None, debug: bool) -> None:
    try:
        from flows.cycle import run_cycle

        with console.status("Kör cykeln …"):
            result = run_cycle(cycle_path=cycle, inbox=inbox, workdir=workdir, ledger_url=ledger)
    except Exception as error:  # noqa: BLE001 - one Swedish line, details behind --debug
        fail(error, debug)
    from flows.summary import print_summary

    print_summary(console, result)


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="Arbetsboken (.xlsx) eller CSV-mappen som ska kontrolleras.")],
    cycle: Annotated[Path, typer.Option(help="Cykelns konfigurationsfil (YAML).")],
    as_json: Annotated[bool, typer.Option("--json", help="Skriv resultatet som JSON.")] = False,
    strict: Annotated[bool, typer.Option(help="Avsluta med felkod även vid varningar.")] = False,
    debug: Debug = False,
) -> None:
    """Kontrollera en inlämning utan att spara den. Felkod 1 vid fel."""
    quiet_prefect(debug)
    try:
        from flows.checking import check_file

        findings = check_file(file, cycle)
    except Exception as error:  # noqa: BLE001
        fail(error, debug)
    if as_json:
        sys.stdout.write(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2) + "\n")
    else:
        for finding in findings:
            console.print(finding.line())
        console.print(f"{sum(f.severity.value == 'fel' for f in findings)} fel, {sum(f.severity.value == 'varning' for f in findings)} varningar.")
    errors = any(f.severity.value == "fel" for f in findings)
    warnings = any(f.severity.value == "varning" for f in findings)
    raise typer.Exit(code=1 if errors or (strict and warnings) else 0)


@app.command("check-config")
def check_config(
    cycle: Annotated[Path, typer.Option(help="Cykelns konfigurationsfil (YAML).")],
    debug: Debug = False,
) -> None:
    """Kontrollera en cykelfil och dess plan."""
    from tertial.config import load_cycle

    try:
        loaded = load_cycle(cycle)
    except Exception as error:  # noqa: BLE001
        fail(error, debug)
    plan = loaded.plan
    console.print(f"{cycle.name} är korrekt: {loaded.title}; {len(loaded.config.contributors)} bidragsgivare, "
                  f"{len(plan.goals)} mål, {len(plan.indicators)} indikatorer, {len(plan.activities)} aktiviteter.")


if __name__ == "__main__":
    app()
