"""The short Swedish summary printed after a cycle run."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from flows.cycle import CycleResult


def print_summary(console: Console, result: CycleResult) -> None:
    report = result.report
    console.print(f"[bold]{result.title}[/bold]")
    console.print(f"Bidragsgivare: {report.counts['contributors']}, med godkänt underlag: {report.counts['accepted']}")
    names = {s.contributor: s.avdelning for s in report.sources}
    table = Table("Fil", "Avdelning", "Version", "Resultat", "Fel", "Varningar", title="Inlämningar")
    for outcome in result.intake:
        version = outcome.version
        verdict = version.status + ("" if outcome.new else " (redan mottagen)")
        avdelning = names.get(version.contributor_id, "okänd avsändare")
        table.add_row(outcome.file, avdelning, str(version.number), verdict, str(version.errors), str(version.warnings))
    console.print(table)
    accepted = sum(o.version.accepted for o in result.intake)
    console.print(f"Godkända: {accepted}, underkända: {len(result.intake) - accepted}")
    repeated = sum(not o.new for o in result.intake)
    if repeated:
        console.print(f"Redan mottagna och oförändrade: {repeated}")
    for line in (line for o in result.intake for line in o.problems):
        console.print(line, markup=False)
    if report.missing:
        console.print(f"Underlag saknas från: {', '.join(report.missing)}")
    for finding in result.findings:
        console.print(finding.line())
    for kind, path in sorted(result.files.items()):
        console.print(f"Rapport ({kind}): {path}")
    console.print(f"Läget för ledningen: {result.status_page}")
