"""`tertial history`, `diff`, `verify` and `rebuild-ledger`: what the ledger and the archive hold."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Optional

import typer

from commands.app import command, console, err, flows_on
from commands.options import WORKDIR, AsJson, Contributor, Cycle, Debug, Ledger, Workdir
from tertial.controls import escape_controls
from tertial.wording import findings_count


@command()
def history(
    cycle: Cycle,
    contributor: Contributor,
    workdir: Workdir = WORKDIR,
    ledger: Ledger = None,
    as_json: AsJson = False,
    debug: Debug = False,
) -> None:
    """Lista en bidragsgivares versioner med tid, kontrollsumma och resultat."""
    from tertial.config import load_cycle
    from tertial.verify import verify_cycle
    from tertial.workspace import Create, Workspace

    loaded = load_cycle(cycle)
    store = Workspace(workdir).open_ledger(ledger, create=Create.LEDGER)
    versions = store.versions(loaded.config.id, contributor)
    verification = verify_cycle(store, loaded.config.id, originals_of=contributor)
    if not verification.ok:  # on stderr, so --json stays parseable
        err.print(f"Varning: liggaren eller arkivet för {loaded.config.id} har ändrats i efterhand "
                  f"({len(verification.problems)} avvikelser); kör tertial verify för detaljer.", markup=False)
    rows = [{"version": v.number, "mottagen": v.received_at.isoformat(timespec="seconds"), "sha256": v.sha256,
             "fil": v.original_name, "resultat": v.status, "fel": v.errors, "varningar": v.warnings} for v in versions]
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    if not rows:
        console.print(escape_controls(f"Inga versioner från {contributor} i {loaded.config.id}."))
    for r in rows:
        console.print(escape_controls(f"Version {r['version']}: {r['mottagen']} {r['sha256'][:12]} {r['fil']} – {r['resultat']} "
                                      f"({findings_count(r['fel'], r['varningar'])})"))


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
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
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
    debug: Debug = False,
) -> None:
    """Visa vilka värden och texter som ändrats mellan två versioner."""
    from commands.checking import compare_versions
    from tertial.workspace import Create, Workspace

    store = Workspace(workdir).open_ledger(ledger, create=Create.LEDGER)
    changes = compare_versions(cycle, contributor, from_version, to_version, store)
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
