"""`tertial demo`, `run`, `validate`, `open`, `collect`, `assemble`, `attest` and `deploy`: running the cycle."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from commands.app import command, console, err, flows_on, print_json
from commands.options import (WORKDIR, AsJson, Cycle, Debug, Formats, Inbox, Ledger, NamndVersion, ReportOut, Workdir,
                              WordTemplate)
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
    if any(outcome.problems for outcome in result.intake):
        raise typer.Exit(code=1)  # as collect: every file is recorded, but Tertial failed on one


@command()
def validate(
    file: Annotated[Path, typer.Argument(metavar="FIL", help="Arbetsboken (.xlsx) eller CSV-mappen som ska kontrolleras.")],
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
        print_json([f.to_dict() for f in findings])
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
    as_json: AsJson = False,
    debug: Debug = False,
) -> None:
    """Öppna cykeln: en förifylld arbetsbok och en kalenderfil per bidragsgivare, med --skicka också per e-post."""
    from flows.open_cycle import open_reporting_cycle

    with flows_on(workdir), console.status("Skapar arbetsböcker …"):
        handed = open_reporting_cycle(cycle_path=cycle, out_dir=out, workdir=workdir,
                                      previous_report=previous_report, kolada=kolada, send=send, ledger_url=ledger)
    if as_json:
        print_json([{"contributor": item.contributor_id, "workbook": str(item.workbook), "calendar": str(item.calendar),
                     "sent": None if item.mailed is None else item.mailed.sent} for item in handed])
    else:
        for item in handed:
            console.print(escape_controls(f"{item.contributor_id}: {item.workbook} och {item.calendar}{_mailed(item.mailed, send)}"))
    if send and any(item.mailed is not None and not item.mailed.sent for item in handed):
        raise typer.Exit(code=1)  # the workbooks are written; a mail that did not go is sent again next time


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
    as_json: AsJson = False,
    debug: Debug = False,
) -> None:
    """Ta emot nya inlämningar: arkivera, läs, validera och spara en version per fil."""
    from flows.collect import collect as collect_flow  # reads TERTIAL_TASK_RUNNER, which may be misspelt
    from tertial.inbox import inbox_links

    parameters = {"cycle_path": cycle, "inbox": inbox, "workdir": workdir, "ledger_url": ledger}
    if every:
        import datetime as dt

        from flows.run_names import cycle_id

        console.print(f"Tar emot inlämningar var {every}:e minut (avsluta med Ctrl+C).")
        with flows_on(workdir):
            collect_flow.serve(name=f"samla-in-{cycle_id(cycle)}", interval=dt.timedelta(minutes=every),
                               parameters=parameters, print_starting_message=debug)  # Prefect's English banner only with --debug
        return
    with flows_on(workdir):
        outcomes = collect_flow(**parameters)
    if as_json:
        print_json([{"file": o.file, "contributor": o.version.contributor_id, "version": o.version.number,
                     "status": o.version.status, "errors": o.version.errors, "warnings": o.version.warnings,
                     "new": o.new, "problems": list(o.problems)} for o in outcomes])
    else:
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
    formats: Formats = "html,pdf,docx,json",
    out: ReportOut = None,
    allow_missing: Annotated[bool, typer.Option("--allow-missing", help="Sammanställ ett utkast trots att underlag saknas.")] = False,
    namnd_version: NamndVersion = False,
    word_template: WordTemplate = None,
    workdir: Workdir = WORKDIR,
    ledger: Ledger = None,
    as_json: AsJson = False,
    debug: Debug = False,
) -> None:
    """Sammanställ rapporten från de godkända underlagen: ett utkast tills allt är granskat och attesterat."""
    chosen = _formats(formats, word_template)
    from flows.assemble import assemble as assemble_flow

    with flows_on(workdir), console.status("Sammanställer rapporten …"):
        result = assemble_flow(cycle_path=cycle, workdir=workdir, formats=chosen, allow_missing=allow_missing,
                               out_dir=out, ledger_url=ledger, controller=not namnd_version, word_template=word_template)
    if as_json:
        print_json(_assembled_json(result))
        return
    if result.report.missing:
        console.print(f"Underlag saknas från: {', '.join(result.report.missing)} (markerat i rapporten).")
    _print_assembled(result)


@command()
def attest(
    cycle: Cycle,
    who: Annotated[str, typer.Option("--namn", "--som", help="Attestanten, som cykelfilen namnger henne eller honom "
                                                           "under attesters: (namn eller e-postadress).")],
    formats: Formats = "html,pdf,docx,json",
    out: ReportOut = None,
    namnd_version: NamndVersion = False,
    word_template: WordTemplate = None,
    workdir: Workdir = WORKDIR,
    ledger: Ledger = None,
    as_json: AsJson = False,
    debug: Debug = False,
) -> None:
    """Attestera rapporten: sammanställer den, antecknar attesten i liggaren och skriver den slutliga rapporten när alla attesterat."""
    from tertial.attestation import may_attest
    from tertial.config import load_cycle
    from tertial.deadlines import local_time
    from tertial.workspace import Create, Workspace

    chosen = _formats(formats, word_template)
    # A person the cycle does not name, or a draft, is refused at once, before the flow starts.
    person = may_attest(load_cycle(cycle), Workspace(workdir).open_ledger(ledger, create=Create.NOTHING), who)
    from flows.assemble import assemble as assemble_flow

    with flows_on(workdir), console.status("Sammanställer och attesterar rapporten …"):
        result = assemble_flow(cycle_path=cycle, workdir=workdir, formats=chosen, allow_missing=True, out_dir=out,
                               ledger_url=ledger, controller=not namnd_version, attester=person.name,
                               word_template=word_template)
    event, new = result.attestation
    moment = local_time(event.at)
    if as_json:
        print_json({**_assembled_json(result), "attestation": {"by": event.actor, "at": moment, "new": new}})
        return
    console.print(escape_controls(f"{event.actor} attesterade rapporten {moment} (innehåll {result.report.content_sha256[:12]})."
                                  if new else f"{event.actor} har redan attesterat den här rapporten ({moment})."))
    _print_assembled(result)


def _formats(formats: str, word_template: Path | None) -> tuple[str, ...]:
    """The formats asked for; a wrong Word template is named before Prefect starts."""
    from tertial.render.formats import FORMATS

    chosen = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        err.print(escape_controls(f"Okänt format: {', '.join(unknown) or '(inget)'}. Välj bland {', '.join(FORMATS)}."))
        raise typer.Exit(code=2)
    if word_template is not None and "docx" in chosen:
        from tertial.render.word_template import check_template

        check_template(word_template)
    return chosen


def _assembled_json(result) -> dict:
    report = result.report
    return {"files": {kind: str(path) for kind, path in result.files.items()}, "missing": list(report.missing),
            "draft": report.draft, "draft_reasons": list(report.draft_reasons), "content_sha256": report.content_sha256,
            "findings": [f.to_dict() for f in result.findings]}


def _print_assembled(result) -> None:
    """The report's standing, its checks and its files."""
    report = result.report
    if report.draft:
        console.print(escape_controls(f"{report.draft_notice()} Skäl: {'; '.join(report.draft_reasons) or 'okänt'}."))
    else:
        signed = ", ".join(f"{s.name} {s.date.isoformat()}" for s in report.attestations)
        console.print(escape_controls(f"Slutlig rapport, attesterad av {signed or 'ingen (cykeln namnger ingen attestant)'}; "
                                      "kontrollsummorna är antecknade i liggaren."))
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


@command()
def worker(
    at_once: Annotated[int, typer.Option("--samtidigt", min=1, help="Hur många nämnder arbetaren kör åt gången; starta "
                                                                   "hellre en arbetare per kärna.")] = 1,
    status_port: Annotated[Optional[int], typer.Option("--statusport", help="Port på 127.0.0.1 där arbetaren visar sin "
                                                                           "status (för övervakning).")] = None,
    debug: Debug = False,
) -> None:
    """Starta en varm arbetare som kör nämndernas cykler åt Prefect-servern (PREFECT_API_URL) tills den stoppas."""
    from prefect.task_worker import serve

    from flows.deploy import require_server
    from flows.run_cycles import cycle_on_worker, warm_up
    from tertial.heap import freeze_warm_objects

    require_server("det finns ingen server att ta nämndernas cykler från")
    warm_up()
    freeze_warm_objects()
    console.print(escape_controls("Arbetaren är redo och väntar på nämndernas cykler (Ctrl-C stoppar)."))
    serve(cycle_on_worker, limit=at_once, status_server_port=status_port)
