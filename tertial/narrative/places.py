"""Places: where a free text sits in the report, so a finding can name it."""

from __future__ import annotations

from dataclasses import dataclass

from tertial.findings import Finding, finding
from tertial.report import GoalSection, Report, TextBlock, text_of


@dataclass(frozen=True)
class Place:
    """A free text and where it lives in the report."""

    text: str
    place: str  # "Analysen för mål 1.3", "Texten 'Sammanfattning'"
    item_id: str
    item_name: str
    sheet: str
    column: str


def goal_place(goal: GoalSection) -> Place:
    return Place(goal.analysis, f"Analysen för mål {goal.number or goal.title}", goal.key, goal.title, "Mål", "Analys")


def text_place(block: TextBlock) -> Place:
    return Place(text_of(block), f"Texten '{block.title}'", block.key, block.title, "Texter", "Text")


def narrative_finding(rule_id: str, where: Place, value: str, **values: str) -> Finding:
    """A finding about the phrase `value` in the text at `where`; the message names the place."""
    return finding(rule_id, sheet=where.sheet, column=where.column, item_id=where.item_id, item_name=where.item_name,
                   value=value, place=where.place, **values)



def all_blocks(report: Report) -> list[TextBlock]:
    economy = report.economy
    blocks = [report.summary, report.directives, *report.extra_sections, *report.special_reports, *economy.area_texts]
    blocks += report.profile_blocks()
    blocks += [b for s in report.summary_analysis for b in (s.positive, s.challenges)]
    return blocks + [b for b in (economy.overview, economy.investment_text) if b]


def decision_places(report: Report) -> list[Place]:
    return [Place(d, f"Beslutspunkt {i}", str(i), "Förslag till beslut", "Beslut", "Text") for i, d in enumerate(report.decisions, 1)]
