"""Assembling the report from the accepted submissions, in every format the nämnd needs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.gather import default_ledger_url
from flows.overview import publish_status
from tasks.assembly import Accepted, build_report
from tasks.configuration import open_cycle
from tasks.ledger import accepted_submissions
from tasks.rendering import write_report
from tertial.cycle import Cycle
from tertial.errors import TertialError
from tertial.findings import Finding
from tertial.ledger import Ledger
from tertial.narrative import check_report
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


@flow(name="sammanstall-rapport", flow_run_name="sammanställ {cycle_path.stem}")
def assemble(cycle_path: Path, workdir: Path, formats: tuple[str, ...] = ("html", "pdf", "docx", "json"),
             allow_missing: bool = False, out_dir: Path | None = None, ledger_url: str | None = None,
             controller: bool = True) -> Assembled:
    """`controller=False` gives the nämnd's version, without the appendix of submission versions."""
    cycle = open_cycle(cycle_path)
    accepted = accepted_submissions(Ledger(ledger_url or default_ledger_url(workdir)), cycle)
    if not allow_missing:
        require_every_contributor(cycle, accepted)
    report = build_report(cycle, accepted)
    findings = check_narrative(report)
    target = out_dir or workdir / "rapport"
    files = write_report(report, target, tuple(formats), controller)
    files["kontroller"] = write_checks(findings, target)
    publish_status(cycle_path, workdir, ledger_url=ledger_url)
    return Assembled(report, files, findings)


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
