"""The short Swedish summary printed after a cycle run."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from flows.run_cycle import CycleResult
from tertial.controls import escape_controls


def print_summary(console: Console, result: CycleResult) -> None:
    """Text from files and settings is printed as it is (no markup) and with control characters escaped."""
    report = result.report
    console.print(escape_controls(result.title), style="bold", markup=False)
    console.print(f"Bidragsgivare: {report.counts['contributors']}, med godkänt underlag: {report.counts['accepted']}")
    names = {s.contributor: s.avdelning for s in report.sources}
    table = Table("Fil", "Avdelning", "Version", "Resultat", "Fel", "Varningar", title="Inlämningar")
    for outcome in result.intake:
        version = outcome.version
        verdict = version.status + ("" if outcome.new else " (redan mottagen)")
        avdelning = names.get(version.contributor_id, "okänd avsändare")
        table.add_row(Text(escape_controls(outcome.file)), Text(escape_controls(avdelning)), str(version.number), verdict, str(version.errors), str(version.warnings))
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
        console.print(escape_controls(finding.line()), markup=False)
    for kind, path in sorted(result.files.items()):
        console.print(escape_controls(f"Rapport ({kind}): {path}"), markup=False)
    console.print(escape_controls(f"Läget för ledningen: {result.status_page}"), markup=False)
