"""Feedback to a contributor about one submission version, in Swedish."""

from __future__ import annotations

from tertial.cycle import Cycle
from tertial.findings import Finding, Severity, verdict
from tertial.ledger import Version
from tertial.wording import findings_count

SHOWN = 50  # a longer list is capped, and says so


def feedback_text(cycle: Cycle, version: Version, findings: list[Finding]) -> str:
    """The plain-text summary: verdict, then errors and warnings, each with where and what to do."""
    contributor = cycle.contributor(version.contributor_id)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    warnings = [f for f in findings if f.severity is Severity.WARNING]
    lines = [
        f"Återkoppling: {cycle.title}",
        f"Avdelning: {contributor.avdelning}",
        f"Fil: {version.original_name} (version {version.number})",
        f"Resultat: inlämningen är {verdict(findings)}: {findings_count(len(errors), len(warnings))}.",
        "",
    ]
    for title, group in (("Fel som måste rättas", errors), ("Varningar att se över", warnings)):
        if not group:
            continue
        lines.append(f"{title}:")
        lines += [f"- {f.location() or version.original_name}: {f.message}" for f in group[:SHOWN]]
        if len(group) > SHOWN:
            lines.append(f"(visar {SHOWN} av {len(group)})")
        lines.append("")
    return "\n".join(lines)
