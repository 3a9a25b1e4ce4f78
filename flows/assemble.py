"""Assembling the report from the accepted submissions, in every format the nämnd needs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.gather import open_ledger
from flows.overview import show_status
from flows.run_names import named
from flows.runners import task_runner, workers_at_hand
from tasks.assembly import build_report
from tasks.configuration import open_cycle
from tasks.ledger import accepted_submissions, record_assembly
from tasks.rendering import write_report
from tertial.accepted import Accepted
from tertial.cycle import Cycle
from tertial.errors import TertialError
from tertial.findings import Finding
from tertial.ledger import Ledger
from tertial.report_checks import check_report
from tertial.report import Report


class MissingSubmissions(TertialError):
    """Contributors without an accepted version; the report would have holes."""


@dataclass(frozen=True)
class Assembled:
    report: Report
    files: dict[str, Path]
    findings: list[Finding]


@task(cache_policy=NO_CACHE)
def require_every_contributor(cycle: Cycle, accepted: dict[str, Accepted]) -> None:
    missing = [c for c in cycle.config.contributors if c.id not in accepted]
    if missing:
        names = ", ".join(f"{c.avdelning} ({c.responsible})" for c in missing)
        raise MissingSubmissions(
            f"Rapporten sammanställs inte: godkänt underlag saknas från {names}. "
            "Vänta in underlagen eller använd --allow-missing för ett utkast där luckorna markeras."
        )


@flow(name="sammanstall-rapport", flow_run_name=named("sammanställ"), task_runner=task_runner())
def assemble(cycle_path: Path, workdir: Path, formats: tuple[str, ...] = ("html", "pdf", "docx", "json"),
             allow_missing: bool = False, out_dir: Path | None = None, ledger_url: str | None = None,
             controller: bool = True) -> Assembled:
    """`controller=False` gives the nämnd's version, without the appendix of submission versions."""
    cycle = open_cycle(cycle_path)
    ledger = open_ledger(ledger_url, workdir)
    assembled = assemble_report(cycle, ledger, out_dir or workdir / "rapport", tuple(formats), allow_missing, controller)
    show_status(cycle, workdir, ledger)
    return assembled


def assemble_report(cycle: Cycle, ledger: Ledger, target: Path, formats: tuple[str, ...], allow_missing: bool = True,
                    controller: bool = True) -> Assembled:
    """The report from each contributor's newest accepted version, written in every format asked for."""
    accepted = accepted_submissions(quote(ledger), quote(cycle))
    if not allow_missing:
        require_every_contributor(quote(cycle), quote(accepted))
    report, unreadable = build_report(quote(cycle), quote(accepted))
    findings = unreadable + check_narrative(quote(report))
    files = write_formats(report, target, formats, controller)
    files["kontroller"] = write_checks(quote(findings), target)
    record_assembly(quote(ledger), quote(cycle), files)  # the outputs' SHA-256 go into the ledger's hash chain
    return Assembled(report, files, findings)


def write_formats(report: Report, target: Path, formats: tuple[str, ...], controller: bool) -> dict[str, Path]:
    """With workers to spare, the PDF (the slowest) apart from the other formats, side by side; else all in one go."""
    split = workers_at_hand() > 1 and "pdf" in formats
    groups = [("pdf",), tuple(k for k in formats if k != "pdf")] if split else [formats]
    groups = [group for group in groups if group]
    futures = [write_report.submit(quote(report), target, group, controller) for group in groups]
    written = {kind: path for future in futures for kind, path in future.result().items()}
    return {kind: written[kind] for kind in formats}


@task(cache_policy=NO_CACHE)
def check_narrative(report: Report) -> list[Finding]:
    """Counts, assessments and amounts written in the texts, against the data they speak of."""
    return check_report(report)


@task(cache_policy=NO_CACHE)
def write_checks(findings: list[Finding], out_dir: Path) -> Path:
    """The controller's list of text-versus-data problems in the assembled report."""
    lines = [f.line() for f in findings] or ["Inga avvikelser mellan texter och data."]
    path = out_dir / "kontroller.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
