"""The free-text sections a report of each kind needs, besides the goals' own texts."""

from __future__ import annotations

from dataclasses import dataclass

from tertial.plan import Plan, RowType
from tertial.vocabulary import ReportKind


@dataclass(frozen=True)
class TextSection:
    key: str
    title: str


BALANCE_SHEET = TextSection("balansrakning", "Analys av balansräkning")
# The VB's "Särskilda redovisningar": one heading with these three under it (domain outline, §4).
SPECIAL_REPORTS_TITLE = "Särskilda redovisningar"
SPECIAL_REPORTS = (
    TextSection("intern_kontroll", "Bedömning av nämndens interna kontroll"),
    TextSection("kvalitetsarbete", "Systematiskt kvalitetsarbete"),
    TextSection("arbetsmiljo", "Systematiskt arbetsmiljöarbete"),
)
_VB_ONLY = (BALANCE_SHEET, *SPECIAL_REPORTS)


def required_sections(plan: Plan, kind: ReportKind) -> list[TextSection]:
    """Every text section a report of this kind must receive from some contributor."""
    sections = [TextSection("sammanfattning", "Sammanfattning")]
    for goal in plan.children(None):
        sections.append(TextSection(f"positivt:{goal.id}", f"Positivt under perioden – {goal.title}"))
        sections.append(TextSection(f"utmaningar:{goal.id}", f"Utmaningar – {goal.title}"))
    sections.append(TextSection("direktiv", "Arbete utifrån direktiven till alla nämnder och bolagsstyrelser"))
    if plan.economy.areas:
        sections.append(TextSection("ekonomi", "Uppföljning av driftbudget"))
        for area in plan.economy.areas:
            if area.row_type is RowType.TOP:
                sections.append(TextSection(f"ekonomi:{area.id}", area.name))
    if plan.economy.investments:
        sections.append(TextSection("investeringar", "Investeringar"))
    if kind is ReportKind.VB:
        sections.extend(_VB_ONLY)
    return sections
