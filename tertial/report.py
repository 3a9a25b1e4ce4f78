"""The report data model: one object that HTML, PDF, Word and JSON are all rendered from.

Every figure and count is computed before it reaches this model; templates only lay it out.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from collections.abc import Iterator
from typing import Annotated

from pydantic import (
    BaseModel, ConfigDict, Field, PlainSerializer, SerializationInfo, SerializerFunctionWrapHandler, model_serializer,
)

from tertial.analysis_headings import Block, analysis_blocks, has_headings
from tertial.economy_totals import printed, printed_values
from tertial.table_columns import printed_columns
from tertial.trend import Trend

# Decimals travel as JSON numbers, so open-data users get numbers, not strings.
Amount = Annotated[Decimal, PlainSerializer(lambda v: float(v), return_type=float, when_used="json")]
# An amount printed in mnkr with one decimal: JSON carries it as printed (see tertial.economy_totals).
PrintedMnkr = Annotated[Decimal, PlainSerializer(lambda v: float(printed(v, 1)), return_type=float, when_used="json")]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class IndicatorRow(Model):
    id: str
    name: str
    unit: str
    level: str
    period: str
    outcome: Amount | None = None
    men: Amount | None = None
    women: Amount | None = None
    previous: Amount | None = None
    forecast: Amount | None = None
    annual_target: str = ""
    kf_target: str = ""
    status: str
    status_symbol: str
    analysis: str = ""
    trend: Trend | None = None
    not_followed_up: str = Field("", description="Why the indicator is not followed up this period; printed under its row.")
    gender_equality: bool = Field(False, description="A jämställdhetsindikator, printed with ♀ before its name.")

    @model_serializer(mode="wrap")
    def _without_unused_fields(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        """The fields a plan may leave unused are left out while unused, so such a report's JSON stays as it was."""
        data = handler(self)
        for key in _UNUSED_WHEN_DEFAULT:
            if data.get(key) == IndicatorRow.model_fields[key].default:
                data.pop(key, None)
        return data


_UNUSED_WHEN_DEFAULT = ("not_followed_up", "gender_equality")


class ActivityRow(Model):
    id: str
    name: str
    start: dt.date
    end: dt.date
    status: str
    completed: bool
    deviation: str = ""
    # Left out of report.json when empty or built-in, so a plan that says nothing new gives the same bytes.
    analysis: str = Field("", exclude_if=lambda text: not text)
    symbol: str | None = Field(None, exclude_if=lambda symbol: symbol is None,
                               description="The status's symbol from the plan's own vocabulary; None under the built-in one.")

    @property
    def printed_symbol(self) -> str:
        """What the report prints before the name: the declared symbol, or ✓ for a completed activity."""
        return ("✓" if self.completed else "") if self.symbol is None else self.symbol


class GoalPartText(Model):
    """One contributor's part of a goal's analysis (the profile's goal_parts), under its own sub-heading."""

    key: str = Field(description="Its Texter row: '<part key>:<goal id>'.")
    title: str = Field(description="The sub-heading, as printed.")
    owner: str = Field(description="The avdelning that writes it.")
    missing: bool = Field(description="True when its owner has no accepted submission yet.")
    text: str = ""

    @property
    def blocks(self) -> list[Block]:
        """Its paragraphs, with any '## ' or '### ' line as a heading one level below the part's own."""
        return [("subheading" if kind == "heading" else kind, text) for kind, text in analysis_blocks(self.text)]


class GoalSection(Model):
    number: str
    title: str
    level: int
    label: str
    owner: str
    missing: bool = Field(description="True when the owner has no accepted submission yet.")
    assessment: str
    assessment_symbol: str
    analysis: str = ""
    description: str = ""
    expected: list[str] = Field(default_factory=list)
    basis_sentence: str = Field("", description="Computed: what the assessment rests on (indicator and goal counts).")
    status_counts: dict[str, int] = Field(default_factory=dict)
    indicators: list[IndicatorRow] = Field(default_factory=list)
    activities: list[ActivityRow] = Field(default_factory=list)
    children: list["GoalSection"] = Field(default_factory=list)
    # Left out of the JSON at their defaults, so a report of numbered, assessed goals reads as before.
    id: str = Field("", exclude_if=lambda v: v == "", description="The plan's id when it is not the printed number (an unnumbered goal).")
    assessed: bool = Field(True, exclude_if=bool, description="False for a goal described in prose only: no assessment printed.")
    counted: bool = Field(True, exclude_if=bool, description="False when left out of every count: not assessed, or outside the förvaltning.")
    sections: list["FreeSection"] = Field(
        default_factory=list, exclude_if=lambda v: not v,
        description="The profile's free sections placed under this goal (`under:`), printed after its own content.")
    parts: list[GoalPartText] = Field(
        default_factory=list, exclude_if=lambda v: not v,
        description="The parts of its analysis written by several contributors (the profile's goal_parts), in order.")
    economy_at: int | None = Field(
        None, exclude_if=lambda v: v is None,
        description="The economy placed under this goal (`under:`): printed before sections[economy_at] (at the end "
                    "when it equals their number); the figures stay in report.economy.")

    @property
    def analysis_headed(self) -> bool:
        """True when the analysis has sub-headings ('## ' lines): printed as headings and paragraphs."""
        return has_headings(self.analysis)

    @property
    def analysis_blocks(self) -> list[Block]:
        return analysis_blocks(self.analysis)

    @property
    def key(self) -> str:
        """The goal's id in the plan: its number unless it has none."""
        return self.id or self.number

    @property
    def numbered_title(self) -> str:
        """'1. Title' (inriktningsmål), '1.2 Title', or the title alone for an unnumbered goal."""
        if not self.number:
            return self.title
        return f"{self.number}{'.' if self.level == 1 else ''} {self.title}"


def walk_goals(goals: list["GoalSection"]) -> Iterator["GoalSection"]:
    """Every goal of a hierarchy, each before its children."""
    for goal in goals:
        yield goal
        yield from walk_goals(goal.children)


class TextBlock(Model):
    key: str
    title: str
    owner: str
    missing: bool
    paragraphs: list[str] = Field(default_factory=list)
    bullets: list[str] = Field(default_factory=list)


def text_of(block: TextBlock) -> str:
    """A text block back as the text a contributor types: paragraphs, then '- ' bullets."""
    return "\n\n".join(block.paragraphs + (["\n".join(f"- {b}" for b in block.bullets)] if block.bullets else []))


class TableRow(Model):
    """One row of a free section's table: its name, and per column key a number, a word ('Flera') or nothing."""

    name: str
    values: dict[str, Amount | str | None] = Field(default_factory=dict)


class SectionTableData(Model):
    """A free section's table (the profile's `table:`), as its owner filled it on the Tabeller sheet."""

    corner: str = Field("", description="The heading over the row names.")
    columns: list[tuple[str, str]] = Field(description="(key, heading) of the value columns in print order.")
    rows: list[TableRow] = Field(default_factory=list)


class FreeSection(TextBlock):
    """A section of the nämnd's own outline: its owner's text (or the fixed sentence), then its sub-sections."""

    sections: list["FreeSection"] = Field(default_factory=list)
    table: SectionTableData | None = Field(None, exclude_if=lambda v: v is None,
                                           description="Its table, printed after its text, when the profile gives it one.")


def walk_sections(sections: list[FreeSection]) -> Iterator[FreeSection]:
    """Every free section, each before its sub-sections."""
    for section in sections:
        yield section
        yield from walk_sections(section.sections)


# The parts in the order every built-in profile prints them; a kind without a part leaves it empty.
BUILTIN_OUTLINE = ("front_matter", "summary", "directives", "goals", "economy", "balance_sheet", "special_reports", "attest")


class SummaryBlock(Model):
    """Sammanfattande analys for one inriktningsmål."""

    number: str
    title: str
    assessment: str
    sentence: str
    positive: TextBlock
    challenges: TextBlock


class EconomyLine(Model):
    id: str
    name: str
    row_type: str = Field(description="top, varav, additive; 'sum' for a subtotal inside the rows; 'total' for the last row.")
    values: dict[str, Amount | None]
    comment: str = ""


class EconomyTable(Model):
    title: str
    unit: str
    columns: list[tuple[str, str]] = Field(description="(key, header) in print order.")
    rows: list[EconomyLine]
    total: EconomyLine
    missing: bool = False
    decimals: int = Field(1, description="Decimals printed: 1 for mnkr, 0 for tkr.")
    name_header: str = Field("", description="Header of the name column; the unit when empty.")
    comment_header: str = Field("", description="Header of a printed comment column; none when empty.")
    caption: str = ""

    def printed(self, line: EconomyLine) -> EconomyLine:
        """The line with its figures as this table prints them (rounded once, half up, to its decimals)."""
        return line.model_copy(update={"values": printed_values(line.values, self.decimals)})

    @model_serializer(mode="wrap")
    def _printed_in_json(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> dict[str, object]:
        """JSON carries each figure as printed, so the published data and the printed table never differ; the model
        itself keeps the figures as given, for whatever is computed from them."""
        data = handler(self)
        if info.mode_is_json():
            for line, out in zip([*self.rows, self.total], [*data["rows"], data["total"]]):
                out["values"] = {k: None if v is None else float(v) for k, v in self.printed(line).values.items()}
        return data


class KeyFigureRow(Model):
    label: str
    cells: list[str] = Field(description="The values as printed, one per column: a number, a mark (i.u., -) or ''.")
    group: bool = Field(False, description="A group heading: a label without values (e.g. 'Missbruk').")


class KeyFigureTable(Model):
    """A nyckeltal table from a contributor's Nyckeltal sheet, printed after its verksamhetsområde's text."""

    sheet: str = Field(description="The workbook sheet it came from.")
    area: str = Field(description="The verksamhetsområde (plan id) the sheet names.")
    parent: str = Field("", description="Its top-level area when it is a varav or additive row: whose text it follows "
                                        "when it has none of its own.")
    title: str = ""
    name_header: str = ""
    columns: list[str]
    rows: list[KeyFigureRow]
    notes: list[str] = Field(default_factory=list, description="Footnotes, printed below the table in order.")


class BudgetRequest(Model):
    """One budgetjustering (T1/T2) or ombudgetering (VB) the nämnd asks for."""

    title: str
    kind: str = Field(description="'drift' or 'investering'.")
    amount: PrintedMnkr
    heading: str
    sentence: str = Field(description="Computed: the amount and kind of money asked for.")
    paragraphs: list[str] = Field(default_factory=list)
    bullets: list[str] = Field(default_factory=list)


class EconomySection(Model):
    """Resultatenheter, Omslutningsförändringar, Budgetjusteringar or Ombudgeteringar."""

    key: str
    title: str
    owner: str
    missing: bool = Field(description="True when the economy owner has no accepted submission yet.")
    sentences: list[str] = Field(default_factory=list, description="Computed sentences, or the fixed one for an empty section.")
    table: EconomyTable | None = None
    requests: list[BudgetRequest] = Field(default_factory=list)


class Economy(Model):
    operations: EconomyTable | None = None
    investments: EconomyTable | None = None
    t2_comparison: EconomyTable | None = Field(None, description="VB: outcome against the forecast given in tertialrapport 2.")
    deviation_heading: str = ""
    budget_adherence: Amount | None = Field(None, description="Prognos / (Budget + justeringar), in per cent.")
    area_texts: list[TextBlock] = Field(default_factory=list)
    overview: TextBlock | None = None
    investment_text: TextBlock | None = None
    result_units: EconomySection | None = None
    turnover: EconomySection | None = Field(None, description="Omslutningsförändringar, T1/T2 only.")
    adjustments: EconomySection | None = Field(None, description="Budgetjusteringar (T1/T2) or ombudgeteringar (VB).")
    revenue_costs: EconomySection | None = Field(
        None, description="VB: Intäkts- och kostnadsutveckling, first under Uppföljning av ekonomi; None when the sheet is empty.")

    # Left out of report.json while unused, so a report without them reads as before.
    key_figures: list[KeyFigureTable] = Field(
        default_factory=list, exclude_if=lambda v: not v, description="Nyckeltal tables, each under its area's text.")
    total_budget: EconomyTable | None = Field(
        None, exclude_if=lambda v: v is None, description="The nämnd's total driftbudget (Kostnader, Intäkter, netto).")
    investments_as_text: bool = Field(
        False, exclude_if=lambda v: not v, description="Investeringar is the economy owner's text alone, without a table.")
    forecast_accuracy: Amount | None = Field(
        None, exclude_if=lambda v: v is None,
        description="VB: prognossäkerhet T2, (Utfall − Prognos T2) / Prognos T2 in per cent, from the Jämförelse table's total.")
    title: str = Field("Uppföljning av ekonomi", exclude_if=lambda v: v == "Uppföljning av ekonomi",
                       description="The economy part's heading, as the profile's economy_headings.title says.")
    operations_title: str = Field(
        "Uppföljning av driftbudget", exclude_if=lambda v: v == "Uppföljning av driftbudget",
        description="The driftbudget's sub-heading, as the profile's economy_headings.operations says.")

    def key_figures_for(self, text_key: str) -> list[KeyFigureTable]:
        """The nyckeltal tables printed after the area text with this key ('ekonomi:<area id>'): each follows its
        area's own text, else its parent's, else the last area text, so no table is lost."""
        keys = [block.key for block in self.area_texts]

        def placed(table: KeyFigureTable) -> str:
            own = [key for key in (f"ekonomi:{table.area}", f"ekonomi:{table.parent}") if key in keys]
            return own[0] if own else keys[-1] if keys else ""
        return [t for t in self.key_figures if placed(t) == text_key]

    def sections_before_investments(self) -> list[EconomySection]:
        return [s for s in (self.result_units,) if s is not None]

    def sections_after_investments(self) -> list[EconomySection]:
        return [s for s in (self.turnover, self.adjustments) if s is not None]


class Person(Model):
    name: str
    title: str = ""
    phone: str = ""


DRAFT_MARK = "UTKAST"  # on every page of a draft, in every format
ATTESTED_BY = "Detta dokument har godkänts digitalt av följande personer:"
NOT_ATTESTED = "Rapporten är ett utkast och har inte attesterats."
NO_ATTESTERS = "Cykeln namnger ingen attestant; rapporten attesteras inte i Tertial."


class Signature(Model):
    """A named attester's attestation of the report: who, and the Swedish day it was given."""

    name: str
    title: str = ""
    date: dt.date


class Source(Model):
    contributor: str
    avdelning: str
    version: int | None
    sha256: str | None
    file: str | None


class Report(Model):
    cycle_id: str
    kind: str
    year: int
    namnd: str
    title: str
    period_end: dt.date
    attest_date: dt.date
    meeting_date: dt.date
    previous_year_header: str
    handlaggare: Person
    signer: Person
    decisions: list[str]
    attachments: list[str] = Field(default_factory=list, description="Bilagor, numbered from 1 in this order.")
    summary: TextBlock
    background: str
    preparation: str
    summary_analysis: list[SummaryBlock]
    directives: TextBlock
    goals: list[GoalSection]
    economy: Economy
    extra_sections: list[TextBlock] = Field(default_factory=list, description="VB: Analys av balansräkning.")
    special_reports: list[TextBlock] = Field(
        default_factory=list, description="VB: the sections under Särskilda redovisningar (intern kontroll, kvalitet, arbetsmiljö).")
    attesters: list[Person]
    sources: list[Source]
    # The report's standing (tertial/attestation.py): set by the assembly from the ledger, never part of the content
    # the attesters attest. Built without a ledger, a report is a draft.
    draft: bool = Field(True, description="UTKAST: parts missing, not approved or returned, or not attested by everyone named.")
    draft_reasons: list[str] = Field(default_factory=list, description="Why the report is a draft, in Swedish.")
    attestations: list[Signature] = Field(
        default_factory=list, description="Every named attester's attestation; only in the final report.")
    content_sha256: str = Field("", description="SHA-256 of the report's content without its standing: what is attested.")
    missing: list[str] = Field(default_factory=list, description="Avdelningar without an accepted submission.")
    counts: dict[str, int] = Field(default_factory=dict)
    # The nämnd's own outline; left out of report.json when the built-in one is used, so that stays as it was.
    outline: list[str] | None = Field(
        None, exclude_if=lambda v: v is None,
        description="The parts in print order ('section:<key>' for a free section); absent: the built-in outline.")
    sections: list[FreeSection] = Field(
        default_factory=list, exclude_if=lambda v: not v, description="The outline's free sections, top level, in order.")
    summary_text: TextBlock | None = Field(
        None, exclude_if=lambda v: v is None, description="Sammanfattande analys as one text, when the profile says so.")

    def draft_notice(self) -> str:
        """The line atop a draft; why it is one is listed under Attesterat av, where a long list has room."""
        return f"{DRAFT_MARK} – inte den slutliga rapporten."

    def parts(self) -> list[str]:
        """The parts in print order."""
        return list(self.outline) if self.outline is not None else list(BUILTIN_OUTLINE)

    def profile_blocks(self) -> list[TextBlock]:
        """The texts contributors write for the profile's own parts: the one-text summary and the free sections."""
        in_tree = [s for goal in walk_goals(self.goals) for s in goal.sections]
        own = [s for s in walk_sections([*self.sections, *in_tree]) if s.owner]
        return [self.summary_text, *own] if self.summary_text else own

    def section(self, name: str) -> FreeSection:
        """The top-level free section an outline entry 'section:<key>' names."""
        return next(s for s in self.sections if f"section:{s.key}" == name)

    @property
    def gender_equality_marked(self) -> bool:
        """True when some indicator carries the ♀ marker: the legend then explains it."""
        return any(i.gender_equality for goal in walk_goals(self.goals) for i in goal.indicators)
    legend: list[str] = Field(default_factory=list, exclude_if=lambda v: not v,
                              description="The symbols explained above the goals when the plan has its own assessment scale.")
    # The tables' columns when the profile declares them; left out while it does not, so report.json stays as it was.
    indicator_columns: list[tuple[str, str]] | None = Field(
        None, exclude_if=lambda v: v is None, description="(key, heading) of the indicator table in print order; absent: today's.")
    activity_columns: list[tuple[str, str]] | None = Field(
        None, exclude_if=lambda v: v is None, description="(key, heading) of the activity table in print order; absent: today's.")
    assessment_words: dict[str, str] = Field(
        default_factory=dict, exclude_if=lambda v: not v,
        description="The plan's own assessment words and what each means (helt, delvis, inte); absent: the built-in words.")
    goal_analysis_label: str = Field("Analys", exclude_if=lambda v: v == "Analys",
                                     description="The heading over a goal's analysis, as the profile labels it.")
    row_analysis_label: str = Field("Analys", exclude_if=lambda v: v == "Analys",
                                    description="The label of the analysis under an indicator or activity row, as the profile has it.")

    def table_columns(self, table: str) -> list[tuple[str, str]]:
        """(key, heading) of the 'indicators' or 'activities' table: the profile's, or today's for the report kind."""
        declared = self.indicator_columns if table == "indicators" else self.activity_columns
        return declared or printed_columns(None, table, self.kind, self.previous_year_header)
