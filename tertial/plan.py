"""The year's plan: goal hierarchy, indicators, activities and the economy layout.

Goal sets change with the political term, so the hierarchy is configuration, never code.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tertial.assessments import AssessmentScale
from tertial.economy_totals import TOTAL_ID
from tertial.activity_statuses import ActivityVocabulary
from tertial.layout import Layout
from tertial.numbers import NumberParseError, parse_quantity
from tertial.vocabulary import (
    KF_TARGET_TEXT_EXAMPLES,
    Aggregation,
    Direction,
    Frequency,
    Level,
    ReportKind,
    TargetScope,
    expected_period,
    is_closed_target_text,
)

GOAL_NUMBER = r"^\d+(\.\d+){0,2}$"
YEAR_IN_LABEL = r"(?<!\d)\d{4}(?!\d)"
ITEM_ID = r"^[A-Za-z0-9][A-Za-z0-9._:-]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(Strict):
    """A target as written: a number with unit, or one of the closed target texts."""

    raw: str
    value: Decimal | None = None
    unit: str = ""
    text: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_raw(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return data
        raw = str(data).strip()
        if is_closed_target_text(raw):
            return {"raw": raw, "text": raw}
        try:
            quantity = parse_quantity(raw)
        except NumberParseError:
            quantity = None
        if quantity is None:
            raise ValueError(
                f"målvärdet '{raw}' är varken ett tal eller en av de fasta texterna "
                f"({', '.join(KF_TARGET_TEXT_EXAMPLES)})"
            )
        return {"raw": raw, "value": quantity.value, "unit": quantity.unit}


class Goal(Strict):
    """A goal of the plan. Its id is its number unless the plan prints none (seed 002's nämndmål): then the
    plan gives an id and the goal it falls under, and its level follows from that goal's."""

    id: str = Field(pattern=ITEM_ID, description="Stable internal id; the number when the goal has one.")
    number: str | None = Field(None, pattern=GOAL_NUMBER, description="Goal number as printed, e.g. '1', '1.2', '1.2.1'; none for an unnumbered goal.")
    title: str = Field(min_length=1, description="Goal title as adopted.")
    parent: str | None = Field(None, description="Id of the goal this one falls under; follows from the number when left out.")
    level: int = Field(ge=1, le=3, description="1 = KF:s inriktningsmål, 2 = KF:s mål för verksamhetsområdet, 3 = nämndmål.")
    assessed: bool | None = Field(None, description="False for a goal described in prose only; the level decides when left out.")

    @model_validator(mode="before")
    @classmethod
    def _from_number(cls, data: Any) -> Any:
        """Id, parent and level follow from the number when the plan does not state them."""
        if not isinstance(data, dict):
            return data
        number, data = data.get("number"), dict(data)
        if number is not None and not isinstance(number, str):
            return data  # the field's own check names the wrong type
        if number is None:
            if data.get("id") is None:
                raise ValueError("ett mål utan nummer behöver ett id (id:), så att det kan ägas och hänvisas till")
            if data.get("parent") is None:
                data.setdefault("level", 1)
            return data
        data.setdefault("id", number)
        if data.get("parent") is None:
            data["parent"] = number.rsplit(".", 1)[0] if "." in number else None
        if data.get("level") not in (None, number.count(".") + 1):
            raise ValueError(f"mål {number} har nivå {number.count('.') + 1} enligt sitt nummer, inte {data['level']}")
        data["level"] = number.count(".") + 1
        return data

    @property
    def heading(self) -> str:
        """'1.2 Title', or the title alone for an unnumbered goal."""
        return f"{self.number} {self.title}" if self.number else self.title

    @property
    def label(self) -> str:
        return {1: "KF:s inriktningsmål", 2: "KF:s mål för verksamhetsområdet", 3: "Nämndmål"}[self.level]


class Indicator(Strict):
    id: str = Field(pattern=ITEM_ID, description="Stable identifier, unique in the plan.")
    goal: str = Field(pattern=ITEM_ID, description="Id (the number, for a numbered goal) of the goal the indicator follows up.")
    name: str = Field(min_length=1)
    unit: str = Field("", description="Unit as printed: '%', 'st', 'kr', '' for an index.")
    direction: Direction = Field(description="higher, lower or band (a target interval).")
    aggregation: Aggregation = Field(Aggregation.NONE, description="How men/women outcomes relate to the total.")
    frequency: Frequency = Field(description="tertial, halvar or annual: decides the expected Period.")
    level: Level | None = Field(None, description="kf or namnd; derived from the goal when left out.")
    annual_target: Target | None = Field(None, description="Årsmål.")
    kf_target: Target | None = Field(None, description="KF:s årsmål: a number or a closed text.")
    kf_scope: TargetScope = Field(TargetScope.NAMND, description="namnd, or stad when the KF target is city-wide.")
    previous_outcome: Decimal | None = Field(None, description="Outcome in the previous year's VB.")
    kpi: str | None = Field(None, description="Kolada KPI id, for pre-filling outcomes.")
    period_label: str | dict[ReportKind, str] | None = Field(
        None, description="The Period as the report prints it ('VB 2013', 'Verksamhetsberättelse 2013', 'Halvår 1 2024'), "
                          "for every report of the year or per report kind ({T1: …, VB: …}); from the frequency when left out.")
    not_followed_up: str | dict[ReportKind, str] | None = Field(
        None, description="Why the indicator is not followed up this period, printed under its row as the reports do "
                          "('Stockholmsenkäten har inte genomförts 2013. Nästa gång är 2014.'); no outcome is then required. "
                          "For every report of the year or per report kind.")
    gender_equality: bool = Field(False, description="A jämställdhetsindikator: printed with ♀ before its name.")

    @field_validator("period_label")
    @classmethod
    def _label_names_a_year(cls, value: str | dict[ReportKind, str] | None) -> Any:
        labels = [value] if isinstance(value, str) else list((value or {}).values())
        for label in labels:
            if not re.search(YEAR_IN_LABEL, label):
                raise ValueError(f"periodetiketten '{label}' saknar årtal (t.ex. 'VB 2013', 'Halvår 1 2024')")
        return value

    def period(self, kind: ReportKind, year: int) -> str:
        """The Period label of this indicator in a report of this kind: the plan's own, else from the frequency."""
        return _for_kind(self.period_label, kind) or expected_period(self.frequency, kind, year)

    def not_followed_up_reason(self, kind: ReportKind) -> str:
        """Why the indicator is not followed up in a report of this kind; '' when it is."""
        return _for_kind(self.not_followed_up, kind)

    @field_validator("annual_target", "kf_target", "period_label", "not_followed_up", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if value in ("", None) else value

    @field_validator("previous_outcome", mode="before")
    @classmethod
    def _swedish_number(cls, value: Any) -> Any:
        try:
            return None if value in ("", None) else parse_quantity(value).value
        except NumberParseError as exc:
            raise ValueError(f"'{value}' är inte ett tal") from exc


class Activity(Strict):
    id: str = Field(pattern=ITEM_ID)
    goal: str = Field(pattern=ITEM_ID, description="Id (the number, for a numbered goal) of the goal.")
    name: str = Field(min_length=1)
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _end_after_start(self) -> "Activity":
        if self.end < self.start:
            raise ValueError(f"slutdatum {self.end} ligger före startdatum {self.start}")
        return self


class RowType(StrEnum):
    TOP = "top"  # a verksamhetsområde: counts in the total
    VARAV = "varav"  # a breakdown of its parent: does not count in the total
    ADDITIVE = "additive"  # printed in italics under a parent but counts in the total (Avskrivningar)
    BELOW = "below"  # printed after the areas' sum (Summa) and counted in the total (a resultatöverföring)


class EconomyRow(Strict):
    id: str = Field(pattern=ITEM_ID)
    name: str = Field(min_length=1)
    row_type: RowType = RowType.TOP
    parent: str | None = None


class EconomyLayout(Strict):
    unit: str = "mnkr"
    areas: list[EconomyRow] = Field(default_factory=list, description="Driftbudget rows per verksamhetsområde.")
    investments: list[EconomyRow] = Field(default_factory=list, description="Investment rows.")

    @model_validator(mode="after")
    def _parents_exist(self) -> "EconomyLayout":
        tops = {row.id for row in self.areas if row.row_type is RowType.TOP}
        for row in self.areas:
            if row.row_type in (RowType.VARAV, RowType.ADDITIVE) and row.parent not in tops:
                raise ValueError(f"raden '{row.id}' ({row.row_type}) måste ha en förälder bland huvudraderna")
        return self

    @model_validator(mode="after")
    def _sum_row_id_free(self) -> "EconomyLayout":
        """The workbook's sum row has the id 'totalt' in both sheets: no row of the plan may take it."""
        if any(row.id == TOTAL_ID for row in [*self.areas, *self.investments]):
            raise ValueError(f"id '{TOTAL_ID}' är reserverat för arbetsbokens totalrad; ge raden ett annat id")
        return self


class Plan(Strict):
    namnd: str = Field(min_length=1, description="The nämnd's name, spelled canonically.")
    year: int = Field(ge=2000, le=2100)
    goals: list[Goal]
    indicators: list[Indicator] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    activity_statuses: ActivityVocabulary | None = Field(
        None, description="The activities' status vocabulary (value, symbol, finished); the built-in one when left out.")
    activity_analysis: bool = Field(False, description="The workbook's Aktiviteter sheet has an Analys column, printed under the row.")
    economy: EconomyLayout = Field(default_factory=EconomyLayout)
    assessments: AssessmentScale = Field(default_factory=AssessmentScale, description="The goals' assessment scale.")
    layout: Layout = Field(default_factory=Layout, description="The parts of goals, indicators and activities the report has.")

    @model_validator(mode="before")
    @classmethod
    def _levels_from_parents(cls, data: Any) -> Any:
        """An unnumbered goal under another one is one level below it, wherever it stands in the list."""
        goals = data.get("goals") if isinstance(data, dict) else None
        if not isinstance(goals, list):
            return data
        goals = [dict(g) if isinstance(g, dict) else g for g in goals]
        entries = [g for g in goals if isinstance(g, dict)]
        levels = {str(g.get("id", g.get("number"))): _stated_level(g) for g in entries}
        for _ in entries:  # one pass per level of nesting at most
            for goal in entries:
                parent = goal.get("parent")
                if goal.get("level") is None and parent is not None and levels.get(str(parent)):
                    goal["level"] = levels[str(goal.get("id"))] = levels[str(parent)] + 1
        for goal in entries:  # under an unknown goal: any level will do, `_references_hold` names the missing parent
            if goal.get("level") is None and goal.get("parent") is not None:
                goal["level"] = 3
        return {**data, "goals": goals}

    @model_validator(mode="after")
    def _references_hold(self) -> "Plan":
        problems = _duplicates("mål", [g.id for g in self.goals])
        problems += _duplicates("indikator", [i.id for i in self.indicators])
        problems += _duplicates("aktivitet", [a.id for a in self.activities])
        levels = {g.id: g.level for g in self.goals}
        problems += [f"mål {g.id} saknar överordnat mål {g.parent}" for g in self.goals if g.parent and g.parent not in levels]
        problems += [f"mål {g.id} har nivå {g.level} men ligger under mål {g.parent} på nivå {levels[g.parent]}"
                     for g in self.goals if g.parent in levels and levels[g.parent] != g.level - 1]
        problems += [f"mål {g.id} ligger överst men har nivå {g.level}" for g in self.goals if g.parent is None and g.level != 1]
        numbers = {g.id: g.number for g in self.goals}
        problems += [f"mål {g.number} kan inte ligga under mål {numbers[g.parent]}" for g in self.goals
                     if g.number and numbers.get(g.parent) and g.number.rsplit(".", 1)[0] != numbers[g.parent]]
        for kind, items in (("indikatorn", self.indicators), ("aktiviteten", self.activities)):
            problems += [f"{kind} {i.id} hänvisar till okänt mål {i.goal}" for i in items if i.goal not in levels]
        problems += _period_labels_of_other_years(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def goal(self, goal_id: str) -> Goal:
        return next(g for g in self.goals if g.id == goal_id)

    def children(self, goal_id: str | None) -> list[Goal]:
        return [g for g in self.goals if g.parent == goal_id]

    def is_assessed(self, goal: Goal) -> bool:
        """Whether the goal is given an assessment: its own `assessed`, else its level's."""
        if goal.assessed is not None:
            return goal.assessed
        return goal.level not in self.assessments.unassessed_levels

    def indicator_level(self, indicator: Indicator) -> Level:
        if indicator.level is not None:
            return indicator.level
        return Level.NAMND if self.goal(indicator.goal).level >= 3 else Level.KF


def _stated_level(goal: dict) -> int | None:
    """The level a goal's own entry gives: by its number, or stated."""
    number = goal.get("number")
    return number.count(".") + 1 if isinstance(number, str) else goal.get("level")
def _period_labels_of_other_years(plan: Plan) -> list[str]:
    """A Period label that names another year than the plan's is a copy from last year's plan."""
    problems = []
    for indicator in plan.indicators:
        for kind in ReportKind:
            label = _for_kind(indicator.period_label, kind)
            if label and str(plan.year) not in re.findall(YEAR_IN_LABEL, label):
                problems.append(f"indikatorn {indicator.id}: period_label '{label}' gäller inte planens år {plan.year}")
    return list(dict.fromkeys(problems))


def _for_kind(value: str | dict[ReportKind, str] | None, kind: ReportKind) -> str:
    """A plan text given for every report of the year, or per report kind; '' when none is given for this kind."""
    if isinstance(value, dict):
        return value.get(kind, "")
    return value or ""


def _duplicates(kind: str, keys: list[str]) -> list[str]:
    seen: set[str] = set()
    repeated = sorted({k for k in keys if k in seen or seen.add(k)})
    return [f"{kind} {k} förekommer flera gånger" for k in repeated]
