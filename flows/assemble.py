"""Assembling the report from the accepted submissions, in every format the nämnd needs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect import flow
from prefect.utilities.annotations import quote

from flows.publish_status import show_status
from flows.run_names import named
from tasks.assembly import build_report
from tasks.configuration import open_cycle
from tasks.ledger import accepted_submissions, record_assembly, record_attestation, report_standing
from tasks.rendering import write_report
from tasks.report_checks import check_narrative, require_every_contributor, write_checks
from tertial.cycle import Cycle
from tertial.economy_columns import signs_for
from tertial.findings import Finding
from tertial.ledger import Event, Ledger
from tertial.report import Report
from tertial.runners import task_runner, workers_at_hand
from tertial.workspace import Create, Workspace


@dataclass(frozen=True)
class Assembled:
    report: Report
    files: dict[str, Path]
    findings: list[Finding]
    attestation: tuple[Event, bool] | None = None  # with an attester: the attestation, and whether it is new


@flow(name="sammanstall-rapport", flow_run_name=named("sammanställ"), task_runner=task_runner())
def assemble(cycle_path: Path, workdir: Path, formats: tuple[str, ...] = ("html", "pdf", "docx", "json"),
             allow_missing: bool = False, out_dir: Path | None = None, ledger_url: str | None = None,
             controller: bool = True, attester: str | None = None, word_template: Path | None = None) -> Assembled:
    """`controller=False` gives the nämnd's version, without the appendix of submission versions. With `attester`,
    that person attests the report first (refused for a draft or a person the cycle does not name); `word_template`
    the Word template for this run (else TERTIAL_WORD_TEMPLATE's)."""
    cycle = open_cycle(cycle_path)
    workspace = Workspace(workdir)
    ledger = workspace.open_ledger(ledger_url, create=Create.FOLDER_AND_LEDGER)
    assembled = assemble_report(cycle, ledger, out_dir or workspace.report, tuple(formats), allow_missing, controller,
                                attester, word_template)
    show_status(cycle, workspace, ledger)
    return assembled


def assemble_report(cycle: Cycle, ledger: Ledger, target: Path, formats: tuple[str, ...], allow_missing: bool = True,
                    controller: bool = True, attester: str | None = None, word_template: Path | None = None) -> Assembled:
    """The report from each contributor's newest accepted version, marked a draft or carrying its attestations,
    written in every format asked for."""
    accepted = accepted_submissions(quote(ledger), quote(cycle))
    if not allow_missing:
        require_every_contributor(quote(cycle), quote(accepted))
    report, unreadable = build_report(quote(cycle), quote(accepted))
    attested = record_attestation(quote(ledger), quote(cycle), quote(report), attester) if attester else None
    report = report_standing(quote(ledger), quote(cycle), quote(report))
    findings = unreadable + check_narrative(quote(report), signs_for(cycle.outline.economy))
    files = write_formats(report, target, formats, controller, word_template)
    files["kontroller"] = write_checks(quote(findings), target)
    # The outputs' SHA-256 (the final report's, once attested) go into the ledger's hash chain.
    record_assembly(quote(ledger), quote(cycle), quote(report), files)
    return Assembled(report, files, findings, attested)


def write_formats(report: Report, target: Path, formats: tuple[str, ...], controller: bool,
                  word_template: Path | None = None) -> dict[str, Path]:
    """With workers to spare, the PDF (the slowest) apart from the other formats, side by side; else all in one go."""
    split = workers_at_hand() > 1 and "pdf" in formats
    groups = [("pdf",), tuple(k for k in formats if k != "pdf")] if split else [formats]
    groups = [group for group in groups if group]
    futures = [write_report.submit(quote(report), target, group, controller, word_template) for group in groups]
    written = {kind: path for future in futures for kind, path in future.result().items()}
    return {kind: written[kind] for kind in formats}

