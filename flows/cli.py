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
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console

from tertial.controls import escape_controls
from tertial.errors import TertialError
from tertial.resources import EXAMPLES
from tertial.wording import findings_count

if TYPE_CHECKING:  # the flows are imported inside the commands, after Prefect is quietened
    from flows.intake import IntakeOutcome

app = typer.Typer(help="Tertial: nämndens rapportcykel (tertialrapport och verksamhetsberättelse).", no_args_is_help=True, add_completion=False)
# Markup off: what is printed comes from files and settings, and `[/]` in a cell must print as it is.
console = Console(highlight=False, soft_wrap=True, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)

DEMO_CYCLE = EXAMPLES / "eav-t1-2024"
Debug = Annotated[bool, typer.Option("--debug", help="Visa Prefects loggar och fullständiga felspår.")]


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


def fail(error: Exception, debug: bool) -> None:
    if debug:
        raise error
    message = error.message_sv if isinstance(error, TertialError) else f"Oväntat fel: {error}. Kör igen med --debug för detaljer."
    err.print("\n".join(escape_controls(line) for line in message.split("\n")), style="red")
    raise typer.Exit(code=2)


@app.command()
def demo(
    workdir: Annotated[Path, typer.Option(help="Mapp för demokörningens filer.")] = Path("demo-run"),
    debug: Debug = False,
) -> None:
    """Kör democykeln (Tertialrapport 1 2024, Enskede-Årsta-Vantör) från inkorg till rapport."""
    quiet_prefect(debug)
    from tertial.access import EXAMPLE_TOKEN_KEY, TOKEN_KEY_ENV

    # The demo's submissions carry tokens under the published example key; an installation's own key would refuse them.
    os.environ[TOKEN_KEY_ENV] = EXAMPLE_TOKEN_KEY.decode("ascii")
    cycle_dir, inbox = workdir / "cykel", workdir / "inkorg"
    shutil.copytree(DEMO_CYCLE, cycle_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("submissions"))
    deliver_in_name_order(DEMO_CYCLE / "submissions", inbox)
    _run(cycle_dir / "cycle.yaml", inbox, workdir, None, debug, formats=("json", "html", "pdf", "docx"))


def deliver_in_name_order(source: Path, inbox: Path) -> None:
    """Put the demo's files into the inbox one at a time, in name order, so they arrive in that order.

    Intake numbers versions by arrival; one copy of the whole folder would let the file system's
    order decide whether forskola-fel.xlsx or forskola.xlsx is the newer version.
    """
    inbox.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.iterdir()):
        target = inbox / path.name
        if target.exists():  # a re-run: the ledger already has it, and a fresh copy would arrive last
            continue
        shutil.copytree(path, target) if path.is_dir() else shutil.copyfile(path, target)


@app.command()
def run(
    cycle: Annotated[Path, typer.Option(help="Cykelns konfigurationsfil (YAML).")],
    inbox: Annotated[Path, typer.Option(help="Inkorgen med inlämningar.")],
    workdir: Annotated[Path, typer.Option(help="Mapp för arkiv, återkoppling och rapport.")] = Path("tertial-run"),
    ledger: Annotated[Optional[str], typer.Option(help="SQLAlchemy-URL till liggaren; standard är TERTIAL_LEDGER_URL, annars SQLite i workdir.")] = None,
    debug: Debug = False,
) -> None:
    """Kör hela cykeln: ta emot inlämningar, validera och sammanställ rapporten."""
    quiet_prefect(debug)
    _run(cycle, inbox, workdir, ledger, debug)


def _run(cycle: Path, inbox: Path, workdir: Path, ledger: str | None, debug: bool,
         formats: tuple[str, ...] = ("json", "html")) -> None:
    try:
        from flows.cycle import run_cycle

        with console.status("Kör cykeln …"):
            result = run_cycle(cycle_path=cycle, inbox=inbox, workdir=workdir, ledger_url=ledger, formats=formats)
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
    workdir: Annotated[Path, typer.Option(help="Arbetsmappen med installationens nyckel (som för collect).")] = Path("tertial-run"),
    debug: Debug = False,
) -> None:
    """Kontrollera en inlämning utan att spara den. Felkod 1 vid fel."""
    quiet_prefect(debug)
    try:
        from flows.checking import check_file

        findings = check_file(file, cycle, workdir)
    except Exception as error:  # noqa: BLE001
        fail(error, debug)
    if as_json:
        sys.stdout.write(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2) + "\n")
    else:
        for finding in findings:
            console.print(escape_controls(finding.line()))
        console.print(findings_count(sum(f.severity.value == "fel" for f in findings),
                                     sum(f.severity.value == "varning" for f in findings)) + ".")
    errors = any(f.severity.value == "fel" for f in findings)
    warnings = any(f.severity.value == "varning" for f in findings)
    raise typer.Exit(code=1 if errors or (strict and warnings) else 0)


Workdir = Annotated[Path, typer.Option(help="Mapp för arkiv, liggare, återkoppling och rapport.")]
Ledger = Annotated[Optional[str], typer.Option(help="SQLAlchemy-URL till liggaren; standard är TERTIAL_LEDGER_URL, annars SQLite i workdir.")]
CyclePath = Annotated[Path, typer.Option("--cycle", help="Cykelns konfigurationsfil (YAML).")]


@app.command("open")
def open_(
    cycle: CyclePath,
    out: Annotated[Path, typer.Option(help="Mapp för arbetsböcker och kalenderfiler.")] = Path("utskick"),
    previous_report: Annotated[Optional[Path], typer.Option(help="Förra rapportens report.json; dess texter blir utgångspunkt.")] = None,
    kolada: Annotated[Optional[Path], typer.Option(help="Kolada-export (JSON) att förifylla utfall från.")] = None,
    workdir: Annotated[Path, typer.Option(help="Arbetsmappen för collect och run; nyckeln som styrker arbetsböckerna skapas här.")] = Path("tertial-run"),
    debug: Debug = False,
) -> None:
    """Öppna cykeln: en förifylld arbetsbok och en kalenderfil per bidragsgivare."""
    quiet_prefect(debug)
    try:
        from flows.gather import open_reporting_cycle

        with console.status("Skapar arbetsböcker …"):
            handed = open_reporting_cycle(cycle_path=cycle, out_dir=out, workdir=workdir,
                                           previous_report=previous_report, kolada=kolada)
    except Exception as error:  # noqa: BLE001
        fail(error, debug)
    for item in handed:
        console.print(escape_controls(f"{item.contributor_id}: {item.workbook} och {item.calendar}"))


@app.command()
def collect(
    cycle: CyclePath,
    inbox: Annotated[Path, typer.Option(help="Inkorgen med inlämningar.")] = Path("inkorg"),
    workdir: Workdir = Path("tertial-run"),
    ledger: Ledger = None,
    every: Annotated[Optional[int], typer.Option(help="Kör om var N:e minut (Prefect-schema) i stället för en gång.")] = None,
    debug: Debug = False,
) -> None:
    """Ta emot nya inlämningar: arkivera, läs, validera och spara en version per fil."""
    quiet_prefect(debug)
    try:
        from flows.gather import collect as collect_flow  # reads TERTIAL_TASK_RUNNER, which may be misspelt
    except TertialError as error:
        fail(error, debug)

    parameters = {"cycle_path": cycle, "inbox": inbox, "workdir": workdir, "ledger_url": ledger}
    if every:
        import datetime as dt

        from flows.run_names import cycle_id

        collect_flow.serve(name=f"samla-in-{cycle_id(cycle)}", interval=dt.timedelta(minutes=every), parameters=parameters)
        return
    try:
        outcomes = collect_flow(**parameters)
    except Exception as error:  # noqa: BLE001
        fail(error, debug)
    for outcome in outcomes:
        _print_outcome(outcome)
    from tasks.intake import inbox_links

    for line in inbox_links(inbox):  # links are never taken in, so they have no outcome of their own
        console.print(escape_controls(line))
    problems = [line for outcome in outcomes for line in outcome.problems]
    for line in problems:  # every file is recorded; these could not be checked, and the controller must look
        err.print(escape_controls(line))
    if problems:
        raise typer.Exit(code=1)


def _print_outcome(outcome: IntakeOutcome) -> None:
    """One line per file; for a file nobody could be named as the sender of, the reason too (only the controller sees it)."""
    from tasks.intake import UNKNOWN_CONTRIBUTOR

    version = outcome.version
    state = "ny version" if outcome.new else "redan mottagen"
    console.print(escape_controls(f"{outcome.file}: {version.contributor_id} version {version.number}, {version.status} "
                                  f"({findings_count(version.errors, version.warnings)}), {state}"))
    if version.contributor_id == UNKNOWN_CONTRIBUTOR:
        for finding in outcome.findings[:1]:
            console.print("  " + escape_controls(finding.line()))


def _ledger(workdir: Path, url: str | None):
    from tertial.ledger import Ledger as LedgerStore
    from tertial.ledger_location import chosen_url

    return LedgerStore(chosen_url(url, workdir))


@app.command()
def history(
    cycle: CyclePath,
    contributor: Annotated[str, typer.Option(help="Bidragsgivarens id.")],
    workdir: Workdir = Path("tertial-run"),
    ledger: Ledger = None,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv versionerna som JSON.")] = False,
    debug: Debug = False,
) -> None:
    """Lista en bidragsgivares versioner med tid, kontrollsumma och resultat."""
    from tertial.config import load_cycle

    from tertial.verify import verify_cycle

    try:
        loaded = load_cycle(cycle)
        store = _ledger(workdir, ledger)
        versions = store.versions(loaded.config.id, contributor)
        verification = verify_cycle(store, loaded.config.id, originals_of=contributor)
    except Exception as error:  # noqa: BLE001
        fail(error, debug)
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


@app.command()
def verify(
    cycle: CyclePath,
    workdir: Workdir = Path("tertial-run"),
    ledger: Ledger = None,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv resultatet som JSON.")] = False,
    debug: Debug = False,
) -> None:
    """Kontrollera att liggaren (kedjan av kontrollsummor) och arkivets original är oförändrade. Felkod 1 vid avvikelse."""
    from tertial.config import load_cycle
    from tertial.ledger import LEDGER_FILE, Ledger as LedgerStore
    from tertial.ledger_location import chosen_url, configured_url
    from tertial.verify import verify_cycle

    try:
        loaded = load_cycle(cycle)
        if configured_url(ledger) is None and not (workdir / LEDGER_FILE).exists():  # an empty ledger made here proves nothing
            raise TertialError(f"Det finns ingen liggare i {workdir}. Ange cykelns --workdir eller --ledger.")
        result = verify_cycle(LedgerStore(chosen_url(ledger, workdir)), loaded.config.id)
    except Exception as error:  # noqa: BLE001
        fail(error, debug)
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        for problem in result.problems:
            console.print(escape_controls(problem))
        verdict = "stämmer" if result.ok else f"stämmer inte: {len(result.problems)} avvikelser"
        console.print(f"Liggaren och arkivet för {result.cycle_id} {verdict} ({result.entries} poster i kedjan, "
                      f"{result.originals} original). Senaste kontrollsumma: {result.head}", markup=False)
    raise typer.Exit(code=0 if result.ok else 1)


@app.command()
def diff(
    cycle: CyclePath,
    contributor: Annotated[str, typer.Option(help="Bidragsgivarens id.")],
    from_version: Annotated[Optional[int], typer.Option("--from", help="Äldre version (standard: näst senaste).")] = None,
    to_version: Annotated[Optional[int], typer.Option("--to", help="Nyare version (standard: senaste).")] = None,
    workdir: Workdir = Path("tertial-run"),
    ledger: Ledger = None,
    debug: Debug = False,
) -> None:
    """Visa vilka värden och texter som ändrats mellan två versioner."""
    quiet_prefect(debug)
    try:
        from flows.checking import compare_versions

        changes = compare_versions(cycle, contributor, from_version, to_version, _ledger(workdir, ledger))
    except Exception as error:  # noqa: BLE001
        fail(error, debug)
    for change in changes:
        console.print(escape_controls(change.line()))
    console.print(f"{len(changes)} ändringar.")


@app.command()
def assemble(
    cycle: CyclePath,
    formats: Annotated[str, typer.Option("--format", help="Format, kommaseparerade: html,pdf,docx,json.")] = "html,pdf,docx,json",
    out: Annotated[Optional[Path], typer.Option(help="Mapp för rapportfilerna (standard: workdir/rapport).")] = None,
    allow_missing: Annotated[bool, typer.Option("--allow-missing", help="Sammanställ ett utkast trots att underlag saknas.")] = False,
    namnd_version: Annotated[bool, typer.Option("--namndversion", help="Utan bilagan över vilka versioner som använts.")] = False,
    workdir: Workdir = Path("tertial-run"),
    ledger: Ledger = None,
    debug: Debug = False,
) -> None:
    """Sammanställ rapporten från de godkända underlagen."""
    quiet_prefect(debug)
    from tertial.render.formats import FORMATS

    chosen = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        err.print(escape_controls(f"Okänt format: {', '.join(unknown) or '(inget)'}. Välj bland {', '.join(FORMATS)}."))
        raise typer.Exit(code=2)
    try:
        from flows.assemble import assemble as assemble_flow

        with console.status("Sammanställer rapporten …"):
            result = assemble_flow(cycle_path=cycle, workdir=workdir, formats=chosen, allow_missing=allow_missing,
                                   out_dir=out, ledger_url=ledger, controller=not namnd_version)
    except Exception as error:  # noqa: BLE001
        fail(error, debug)
    if result.report.missing:
        console.print(f"Underlag saknas från: {', '.join(result.report.missing)} (markerat i rapporten).")
    for finding in result.findings:
        console.print(escape_controls(finding.line()))
    for kind, path in result.files.items():
        console.print(escape_controls(f"Rapport ({kind}): {path}"))


@app.command()
def deploy(
    cycle: CyclePath,
    pool: Annotated[str, typer.Option(help="Prefect-arbetspool (process) som kör flödena.")] = "tertial",
    inbox: Annotated[Path, typer.Option(help="Inkorgen som insamlingen läser.")] = Path("inkorg"),
    workdir: Workdir = Path("tertial-run"),
    ledger: Annotated[Optional[str], typer.Option(help="Liggarens SQLAlchemy-URL, utan lösenord, som alla driftsättningar "
                                                     "använder; standard är TERTIAL_LEDGER_URL, annars arbetarens egen "
                                                     "TERTIAL_LEDGER_URL eller SQLite i workdir.")] = None,
    every: Annotated[int, typer.Option(help="Minuter mellan insamlingar under insamlingsfönstret.")] = 15,
    interval: Annotated[Optional[int], typer.Option(min=1, help="Kör alla schemalagda flöden var N:e sekund i stället för "
                                                              "enligt sina scheman (för provdrift och tester).")] = None,
    debug: Debug = False,
) -> None:
    """Registrera cykelns flöden med scheman hos en Prefect-server (PREFECT_API_URL)."""
    quiet_prefect(debug)
    try:
        from flows.deploy import deploy_cycle
        from tertial.ledger_location import configured_url, shown

        registered = deploy_cycle(cycle, pool, workdir, inbox, every, ledger, interval)
        url = configured_url(ledger)
    except Exception as error:  # noqa: BLE001
        fail(error, debug)
    for name in registered:
        console.print(escape_controls(f"Registrerad: {name} (arbetspool {pool})"))
    where = shown(url) if url else f"arbetarens TERTIAL_LEDGER_URL, annars SQLite i {workdir.resolve()}"
    console.print(escape_controls(f"Liggare: {where}"))
    console.print(escape_controls(f"Kör en nu: prefect deployment run '{next(iter(registered))}'"))


@app.command("rebuild-ledger")
def rebuild_ledger(
    cycle: CyclePath,
    workdir: Workdir = Path("tertial-run"),
    ledger: Annotated[Optional[str], typer.Option(help="SQLAlchemy-URL till en tom liggare; standard är TERTIAL_LEDGER_URL, annars SQLite i workdir.")] = None,
    debug: Debug = False,
) -> None:
    """Återskapa liggaren från arkivet av original (versioner och kontrollresultat)."""
    quiet_prefect(debug)
    try:
        from flows.rebuild import rebuild_ledger as rebuild_flow

        rebuilt = rebuild_flow(cycle_path=cycle, workdir=workdir, ledger_url=ledger)
    except Exception as error:  # noqa: BLE001
        fail(error, debug)
    for line in rebuilt.refused:
        err.print(line, markup=False)
    left_out = f"; {len(rebuilt.refused)} original stämde inte och togs inte med" if rebuilt.refused else ""
    console.print(f"Återskapade {len(rebuilt.versions)} versioner från arkivet{left_out}.")
    raise typer.Exit(code=1 if rebuilt.refused else 0)


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
    console.print(escape_controls(f"{cycle.name} är korrekt: {loaded.title}; {len(loaded.config.contributors)} bidragsgivare, "
                                  f"{len(plan.goals)} mål, {len(plan.indicators)} indikatorer, {len(plan.activities)} aktiviteter."))


from flows.cli_followup import register as register_followup  # noqa: E402
register_followup(app)

if __name__ == "__main__":
    app()
