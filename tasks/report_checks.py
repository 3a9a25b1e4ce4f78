"""The assembled report's checks as Prefect tasks: every contributor present, texts against data, the controller's list."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tertial.accepted import Accepted
from tertial.cycle import Cycle
from tertial.errors import MissingSubmissions
from tertial.findings import Finding
from tertial.report_checks import check_report
from tertial.report import Report


@task(cache_policy=NO_CACHE)
def require_every_contributor(cycle: Cycle, accepted: dict[str, Accepted]) -> None:
    missing = [c for c in cycle.config.contributors if c.id not in accepted]
    if missing:
        names = ", ".join(f"{c.avdelning} ({c.responsible})" for c in missing)
        raise MissingSubmissions(
            f"Rapporten sammanställs inte: godkänt underlag saknas från {names}. "
            "Vänta in underlagen eller använd --allow-missing för ett utkast där luckorna markeras."
        )


@task(cache_policy=NO_CACHE)
def check_narrative(report: Report, signs: dict[str, int] | None = None) -> list[Finding]:
    """Counts, assessments and amounts written in the texts, against the data they speak of."""
    return check_report(report, signs)


@task(cache_policy=NO_CACHE)
def write_checks(findings: list[Finding], out_dir: Path) -> Path:
    """The controller's list of text-versus-data problems in the assembled report."""
    lines = [f.line() for f in findings] or ["Inga avvikelser mellan texter och data."]
    path = out_dir / "kontroller.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
