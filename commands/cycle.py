"""`tertial demo`, `run`, `validate`, `open`, `collect`, `assemble` and `deploy`: running the cycle."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from commands.app import command, console, err, flows_on
from commands.options import WORKDIR, AsJson, Cycle, Debug, Inbox, Ledger, Workdir
from tertial.controls import escape_controls
from tertial.findings import Severity, count
from tertial.resources import EXAMPLES
from tertial.wording import findings_count

if TYPE_CHECKING:  # the flows are imported inside the commands, after Prefect is quietened
    from tertial.intake import IntakeOutcome

DEMO_CYCLE = EXAMPLES / "eav-t1-2024"


@command()
def demo(
    workdir: Annotated[Path, typer.Option(help="Mapp för demokörningens filer.")] = Path("demo-run"),
    debug: Debug = False,
) -> None:
    """Kör democykeln (Tertialrapport 1 2024, Enskede-Årsta-Vantör) från inkorg till rapport."""
    from tertial.access import EXAMPLE_TOKEN_KEY, TOKEN_KEY_ENV

    # The demo's submissions carry tokens under the published example key; an installation's own key would refuse them.
    os.environ[TOKEN_KEY_ENV] = EXAMPLE_TOKEN_KEY.decode("ascii")
    cycle_dir, inbox = workdir / "cykel", workdir / "inkorg"
    shutil.copytree(DEMO_CYCLE, cycle_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("submissions"))
    deliver_in_name_order(DEMO_CYCLE / "submissions", inbox)
    _run(cycle_dir / "cycle.yaml", inbox, workdir, None, formats=("json", "html", "pdf", "docx"))


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


@command()
def run(cycle: Cycle, inbox: Inbox, workdir: Workdir = WORKDIR, ledger: Ledger = None, debug: Debug = False) -> None:
    """Kör hela cykeln: ta emot inlämningar, validera och sammanställ rapporten."""
    _run(cycle, inbox, workdir, ledger)


def _run(cycle: Path, inbox: Path, workdir: Path, ledger: str | None, formats: tuple[str, ...] = ("json", "html")) -> None:
    from commands.summary import print_summary
    from flows.run_cycle import run_cycle

    with flows_on(workdir), console.status("Kör cykeln …"):
        result = run_cycle(cycle_path=cycle, inbox=inbox, workdir=workdir, ledger_url=ledger, formats=formats)
    print_summary(console, result)


@command()
def validate(
    file: Annotated[Path, typer.Argument(help="Arbetsboken (.xlsx) eller CSV-mappen som ska kontrolleras.")],
    cycle: Cycle,
    as_json: AsJson = False,
    strict: Annotated[bool, typer.Option(help="Avsluta med felkod även vid varningar.")] = False,
    workdir: Annotated[Path, typer.Option(help="Arbetsmappen med installationens nyckel (som för collect).")] = WORKDIR,
    debug: Debug = False,
) -> None:
    """Kontrollera en inlämning utan att spara den. Felkod 1 vid fel."""
    from commands.checking import check_file

    findings = check_file(file, cycle, workdir)
    errors, warnings = count(findings, Severity.ERROR), count(findings, Severity.WARNING)
    if as_json:
        sys.stdout.write(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2) + "\n")
    else:
        for finding in findings:
            console.print(escape_controls(finding.line()))
        console.print(findings_count(errors, warnings) + ".")
    raise typer.Exit(code=1 if errors or (strict and warnings) else 0)


@command("open")
def open_(
    cycle: Cycle,
    out: Annotated[Path, typer.Option(help="Mapp för arbetsböcker och kalenderfiler.")] = Path("utskick"),
    previous_report: Annotated[Optional[Path], typer.Option(help="Förra rapportens report.json; dess texter blir utgångspunkt.")] = None,
    kolada: Annotated[Optional[Path], typer.Option(help="Kolada-export (JSON) att förifylla utfall från.")] = None,
    workdir: Annotated[Path, typer.Option(help="Arbetsmappen för collect och run; nyckeln som styrker arbetsböckerna skapas här.")] = WORKDIR,
    send: Annotated[bool, typer.Option("--skicka", "--send", help="Skicka varje bidragsgivare arbetsboken, kalenderfilen "
                                       "och länken till sin sida med e-post (TERTIAL_SMTP_*); ingen får brevet två gånger.")] = False,
    ledger: Ledger = None,
    debug: Debug = False,
) -> None:
    """Öppna cykeln: en förifylld arbetsbok och en kalenderfil per bidragsgivare, med --skicka också per e-post."""
    from flows.open_cycle import open_reporting_cycle

    with flows_on(workdir), console.status("Skapar arbetsböcker …"):
        handed = open_reporting_cycle(cycle_path=cycle, out_dir=out, workdir=workdir,
                                      previous_report=previous_report, kolada=kolada, send=send, ledger_url=ledger)
    for item in handed:
        console.print(escape_controls(f"{item.contributor_id}: {item.workbook} och {item.calendar}{_mailed(item.mailed, send)}"))


def _mailed(delivery, send: bool) -> str:
    if not send:
        return ""
    if delivery is None:
        return "; skickad tidigare"
    if delivery.sent:
        return f"; skickad till {', '.join(delivery.recipients)}"
    return f"; kunde inte skickas till {', '.join(delivery.recipients)} ({delivery.error}), försök igen"


@command()
def collect(
    cycle: Cycle,
    inbox: Inbox = Path("inkorg"),
    workdir: Workdir = WORKDIR,
    ledger: Ledger = None,
    every: Annotated[Optional[int], typer.Option(help="Kör om var N:e minut (Prefect-schema) i stället för en gång.")] = None,
    debug: Debug = False,
) -> None:
    """Ta emot nya inlämningar: arkivera, läs, validera och spara en version per fil."""
    from flows.collect import collect as collect_flow  # reads TERTIAL_TASK_RUNNER, which may be misspelt
    from tertial.inbox import inbox_links

    parameters = {"cycle_path": cycle, "inbox": inbox, "workdir": workdir, "ledger_url": ledger}
    if every:
        import datetime as dt

        from flows.run_names import cycle_id

        with flows_on(workdir):
            collect_flow.serve(name=f"samla-in-{cycle_id(cycle)}", interval=dt.timedelta(minutes=every), parameters=parameters)
        return
    with flows_on(workdir):
        outcomes = collect_flow(**parameters)
    for outcome in outcomes:
        _print_outcome(outcome)
    for line in inbox_links(inbox):  # links are never taken in, so they have no outcome of their own
        console.print(escape_controls(line))
    problems = [line for outcome in outcomes for line in outcome.problems]
    for line in problems:  # every file is recorded; these could not be checked, and the controller must look
        err.print(escape_controls(line))
    if problems:
        raise typer.Exit(code=1)


def _print_outcome(outcome: IntakeOutcome) -> None:
    """One line per file; for a file nobody could be named as the sender of, the reason too (only the controller sees it)."""
    from tertial.access import UNKNOWN_CONTRIBUTOR

    version = outcome.version
    state = "ny version" if outcome.new else "redan mottagen"
    console.print(escape_controls(f"{outcome.file}: {version.contributor_id} version {version.number}, {version.status} "
                                  f"({findings_count(version.errors, version.warnings)}), {state}"))
    if version.contributor_id == UNKNOWN_CONTRIBUTOR:
        for finding in outcome.findings[:1]:
            console.print("  " + escape_controls(finding.line()))


@command()
def assemble(
    cycle: Cycle,
    formats: Annotated[str, typer.Option("--format", help="Format, kommaseparerade: html,pdf,docx,json.")] = "html,pdf,docx,json",
    out: Annotated[Optional[Path], typer.Option(help="Mapp för rapportfilerna (standard: workdir/rapport).")] = None,
    allow_missing: Annotated[bool, typer.Option("--allow-missing", help="Sammanställ ett utkast trots att underlag saknas.")] = False,
    namnd_version: Annotated[bool, typer.Option("--namndversion", help="Utan bilagan över vilka versioner som använts.")] = False,
    workdir: Workdir = WORKDIR,
    ledger: Ledger = None,
    debug: Debug = False,
) -> None:
    """Sammanställ rapporten från de godkända underlagen."""
    from tertial.render.formats import FORMATS

    chosen = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        err.print(escape_controls(f"Okänt format: {', '.join(unknown) or '(inget)'}. Välj bland {', '.join(FORMATS)}."))
        raise typer.Exit(code=2)
    from flows.assemble import assemble as assemble_flow

    with flows_on(workdir), console.status("Sammanställer rapporten …"):
        result = assemble_flow(cycle_path=cycle, workdir=workdir, formats=chosen, allow_missing=allow_missing,
                               out_dir=out, ledger_url=ledger, controller=not namnd_version)
    if result.report.missing:
        console.print(f"Underlag saknas från: {', '.join(result.report.missing)} (markerat i rapporten).")
    for finding in result.findings:
        console.print(escape_controls(finding.line()))
    for kind, path in result.files.items():
        console.print(escape_controls(f"Rapport ({kind}): {path}"))


@command()
def deploy(
    cycle: Cycle,
    pool: Annotated[str, typer.Option(help="Prefect-arbetspool (process) som kör flödena.")] = "tertial",
    inbox: Annotated[Path, typer.Option(help="Inkorgen som insamlingen läser.")] = Path("inkorg"),
    workdir: Workdir = WORKDIR,
    ledger: Annotated[Optional[str], typer.Option(help="Liggarens SQLAlchemy-URL, utan lösenord, som alla driftsättningar "
                                                     "använder; standard är TERTIAL_LEDGER_URL, annars arbetarens egen "
                                                     "TERTIAL_LEDGER_URL eller SQLite i workdir.")] = None,
    every: Annotated[int, typer.Option(help="Minuter mellan insamlingar under insamlingsfönstret.")] = 15,
    interval: Annotated[Optional[int], typer.Option(min=1, help="Kör alla schemalagda flöden var N:e sekund i stället för "
                                                              "enligt sina scheman (för provdrift och tester).")] = None,
    debug: Debug = False,
) -> None:
    """Registrera cykelns flöden med scheman hos en Prefect-server (PREFECT_API_URL)."""
    from flows.deploy import deploy_cycle
    from tertial.ledger_location import configured_url, shown

    registered = deploy_cycle(cycle, pool, workdir, inbox, every, ledger, interval)
    url = configured_url(ledger)
    for name in registered:
        console.print(escape_controls(f"Registrerad: {name} (arbetspool {pool})"))
    where = shown(url) if url else f"arbetarens TERTIAL_LEDGER_URL, annars SQLite i {workdir.resolve()}"
    console.print(escape_controls(f"Liggare: {where}"))
    console.print(escape_controls(f"Kör en nu: prefect deployment run '{next(iter(registered))}'"))
