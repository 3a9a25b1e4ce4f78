"""`tertial history`, `diff`, `verify` and `rebuild-ledger`: what the ledger and the archive hold."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Optional

import typer

from commands.app import command, console, err, flows_on, print_json
from commands.options import WORKDIR, AsJson, Contributor, Cycle, Debug, Ledger, Workdir
from tertial.controls import escape_controls


@command()
def history(
    cycle: Cycle,
    contributor: Annotated[Optional[str], typer.Option(help="Bidragsgivarens id (standard: hela cykeln).")] = None,
    workdir: Workdir = WORKDIR,
    ledger: Ledger = None,
    as_json: AsJson = False,
    debug: Debug = False,
) -> None:
    """Visa granskningsspåret i tidsordning: versioner och kontrollresultat, granskningar, återsändningar, e-brev,
    attester och sammanställningar, med tid (svensk tid) och vem."""
    from tertial.config import load_cycle
    from tertial.history import history as audit_trail
    from tertial.review import known_contributor
    from tertial.verify import verify_cycle
    from tertial.workspace import Create, Workspace

    loaded = load_cycle(cycle)
    if contributor is not None:
        known_contributor(loaded, contributor)
    store = Workspace(workdir).open_ledger(ledger, create=Create.LEDGER)
    verification = verify_cycle(store, loaded.config.id, originals_of=contributor)
    if not verification.ok:  # on stderr, so --json stays parseable
        err.print(f"Varning: liggaren eller arkivet för {loaded.config.id} har ändrats i efterhand "
                  f"({len(verification.problems)} avvikelser); kör tertial verify för detaljer.", markup=False)
    entries = audit_trail(loaded, store, contributor)
    if as_json:
        print_json([e.to_dict() for e in entries])
        return
    if not entries:
        console.print(escape_controls(f"Inget antecknat för {contributor or 'cykeln'} i {loaded.config.id}."))
    for entry in entries:
        console.print(escape_controls(entry.line()))


@command()
def verify(
    cycle: Cycle,
    workdir: Workdir = WORKDIR,
    ledger: Ledger = None,
    as_json: AsJson = False,
    debug: Debug = False,
) -> None:
    """Kontrollera att liggaren (kedjan av kontrollsummor) och arkivets original är oförändrade. Felkod 1 vid avvikelse."""
    from tertial.config import load_cycle
    from tertial.verify import verify_cycle
    from tertial.workspace import Create, Workspace

    loaded = load_cycle(cycle)
    # An empty ledger made here would prove nothing.
    result = verify_cycle(Workspace(workdir).open_ledger(ledger, create=Create.NOTHING), loaded.config.id)
    if as_json:
        print_json(result.to_dict())
    else:
        for problem in result.problems:
            console.print(escape_controls(problem))
        verdict = "stämmer" if result.ok else f"stämmer inte: {len(result.problems)} avvikelser"
        console.print(f"Liggaren och arkivet för {result.cycle_id} {verdict} ({result.entries} poster i kedjan, "
                      f"{result.originals} original). Senaste kontrollsumma: {result.head}", markup=False)
    raise typer.Exit(code=0 if result.ok else 1)


@command()
def diff(
    cycle: Cycle,
    contributor: Contributor,
    from_version: Annotated[Optional[int], typer.Option("--from", help="Äldre version (standard: näst senaste).")] = None,
    to_version: Annotated[Optional[int], typer.Option("--to", help="Nyare version (standard: senaste).")] = None,
    workdir: Workdir = WORKDIR,
    ledger: Ledger = None,
    as_json: AsJson = False,
    debug: Debug = False,
) -> None:
    """Visa vilka värden och texter som ändrats mellan två versioner."""
    from commands.checking import compare_versions
    from tertial.workspace import Create, Workspace

    store = Workspace(workdir).open_ledger(ledger, create=Create.LEDGER)
    changes = compare_versions(cycle, contributor, from_version, to_version, store)
    if as_json:
        print_json([asdict(change) for change in changes])
        return
    for change in changes:
        console.print(escape_controls(change.line()))
    console.print(f"{len(changes)} ändringar.")


@command("rebuild-ledger")
def rebuild_ledger(
    cycle: Cycle,
    workdir: Workdir = WORKDIR,
    ledger: Annotated[Optional[str], typer.Option(help="SQLAlchemy-URL till en tom liggare; standard är TERTIAL_LEDGER_URL, annars SQLite i workdir.")] = None,
    debug: Debug = False,
) -> None:
    """Återskapa liggaren från arkivet av original (versioner och kontrollresultat)."""
    from flows.rebuild_ledger import rebuild_ledger as rebuild_flow

    with flows_on(workdir, make_folder=False):
        rebuilt = rebuild_flow(cycle_path=cycle, workdir=workdir, ledger_url=ledger)
    for line in rebuilt.refused:
        err.print(line, markup=False)
    left_out = f"; {len(rebuilt.refused)} original stämde inte och togs inte med" if rebuilt.refused else ""
    console.print(f"Återskapade {len(rebuilt.versions)} versioner från arkivet{left_out}.")
    raise typer.Exit(code=1 if rebuilt.refused else 0)
