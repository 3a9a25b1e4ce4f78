"""The free-text sections a report of each kind needs, besides the goals' own texts."""

from __future__ import annotations

from dataclasses import dataclass

from tertial.deviation_headings import area_texts
from tertial.economy_columns import investments_as_text
from tertial.plan import Plan
from tertial.profile import GoalPart, PartKind, Profile, Section, SummaryStyle, builtin_profile, walk_sections
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


def required_sections(plan: Plan, kind: ReportKind, profile: Profile | None = None) -> list[TextSection]:
    """Every text section a report of this kind (and outline) must receive from some contributor."""
    profile = profile or builtin_profile(kind)
    return [*_builtin_sections(plan, profile), *(TextSection(s.key, s.title) for s in owned_sections(profile)),
            *(section for section, _ in goal_part_sections(plan, profile))]


SUMMARY_TEXT = TextSection("sammanfattande_analys", "Sammanfattande analys")


def _builtin_sections(plan: Plan, profile: Profile) -> list[TextSection]:
    """The text sections of the built-in parts the outline has, in print order."""
    sections = [TextSection("sammanfattning", "Sammanfattning")] if profile.part(PartKind.FRONT_MATTER) else []
    if profile.part(PartKind.SUMMARY) and profile.summary_style is SummaryStyle.ANALYSIS:
        sections.append(SUMMARY_TEXT)
    elif profile.part(PartKind.SUMMARY):
        for goal in plan.children(None):
            sections.append(TextSection(f"positivt:{goal.id}", f"Positivt under perioden – {goal.title}"))
            sections.append(TextSection(f"utmaningar:{goal.id}", f"Utmaningar – {goal.title}"))
    if profile.part(PartKind.DIRECTIVES):
        sections.append(TextSection("direktiv", "Arbete utifrån direktiven till alla nämnder och bolagsstyrelser"))
    if plan.economy.areas and profile.part(PartKind.ECONOMY):
        sections.append(TextSection("ekonomi", "Uppföljning av driftbudget"))
        sections.extend(TextSection(area.key, area.label) for area in area_texts(plan.economy, profile.area_texts))
    if (plan.economy.investments or investments_as_text(profile.economy)) and profile.part(PartKind.ECONOMY):
        sections.append(TextSection("investeringar", "Investeringar"))
    if profile.part(PartKind.BALANCE_SHEET):
        sections.append(BALANCE_SHEET)
    if profile.part(PartKind.SPECIAL_REPORTS):
        sections.extend(SPECIAL_REPORTS)
    return sections


def reserved_keys(plan: Plan) -> set[str]:
    """The keys the built-in parts may use, whatever the outline: a free section cannot take one."""
    every = Profile(tuple(builtin_profile(ReportKind.VB).parts))
    return {s.key for s in _builtin_sections(plan, every)} | {SUMMARY_TEXT.key}


def owned_sections(profile: Profile) -> list[Section]:
    """The outline's free sections that a contributor writes, sub-sections included, in print order."""
    return [s for _, s in walk_sections(profile.sections(), "") if s.owner is not None]


def goal_part_key(part_key: str, goal_id: str) -> str:
    """The Texter row of one contributor's part of a goal's analysis."""
    return f"{part_key}:{goal_id}"


def goal_part_sections(plan: Plan, profile: Profile | None) -> list[tuple[TextSection, GoalPart]]:
    """Every part of a goal's analysis that the profile gives its own writer (`goal_parts`), in goal order."""
    if profile is None:
        return []
    return [(TextSection(goal_part_key(part.key, goal.id), f"{part.title} – {goal.title}"), part)
            for goal in plan.goals for part in profile.parts_of_goal(goal.id)]
