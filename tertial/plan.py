"""The year's plan: goal hierarchy, indicators, activities and the economy layout.

Goal sets change with the political term, so the hierarchy is configuration, never code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tertial.activity_statuses import ActivityVocabulary
from tertial.numbers import NumberParseError, parse_quantity
from tertial.vocabulary import (
    KF_TARGET_TEXT_EXAMPLES,
    Aggregation,
    Direction,
    Frequency,
    Level,
    TargetScope,
    is_closed_target_text,
)

GOAL_NUMBER = r"^\d+(\.\d+){0,2}$"
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
    number: str = Field(pattern=GOAL_NUMBER, description="Goal number from the plan, e.g. '1', '1.2', '1.2.1'.")
    title: str = Field(min_length=1, description="Goal title as adopted.")

    @property
    def level(self) -> int:
        """1 = KF:s inriktningsmål, 2 = KF:s mål för verksamhetsområdet, 3 = nämndmål."""
        return self.number.count(".") + 1

    @property
    def parent(self) -> str | None:
        return self.number.rsplit(".", 1)[0] if "." in self.number else None

    @property
    def label(self) -> str:
        return {1: "KF:s inriktningsmål", 2: "KF:s mål för verksamhetsområdet", 3: "Nämndmål"}[self.level]


class Indicator(Strict):
    id: str = Field(pattern=ITEM_ID, description="Stable identifier, unique in the plan.")
    goal: str = Field(pattern=GOAL_NUMBER, description="Number of the goal the indicator follows up.")
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

    @field_validator("annual_target", "kf_target", mode="before")
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
    goal: str = Field(pattern=GOAL_NUMBER)
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
            if row.row_type is not RowType.TOP and row.parent not in tops:
                raise ValueError(f"raden '{row.id}' ({row.row_type}) måste ha en förälder bland huvudraderna")
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

    @model_validator(mode="after")
    def _references_hold(self) -> "Plan":
        problems = _duplicates("mål", [g.number for g in self.goals])
        problems += _duplicates("indikator", [i.id for i in self.indicators])
        problems += _duplicates("aktivitet", [a.id for a in self.activities])
        numbers = {g.number for g in self.goals}
        problems += [f"mål {g.number} saknar överordnat mål {g.parent}" for g in self.goals if g.parent and g.parent not in numbers]
        for kind, items in (("indikatorn", self.indicators), ("aktiviteten", self.activities)):
            problems += [f"{kind} {i.id} hänvisar till okänt mål {i.goal}" for i in items if i.goal not in numbers]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def goal(self, number: str) -> Goal:
        return next(g for g in self.goals if g.number == number)

    def children(self, number: str | None) -> list[Goal]:
        return [g for g in self.goals if g.parent == number]

    def indicator_level(self, indicator: Indicator) -> Level:
        if indicator.level is not None:
            return indicator.level
        return Level.NAMND if self.goal(indicator.goal).level >= 3 else Level.KF


def _duplicates(kind: str, keys: list[str]) -> list[str]:
    seen: set[str] = set()
    repeated = sorted({k for k in keys if k in seen or seen.add(k)})
    return [f"{kind} {k} förekommer flera gånger" for k in repeated]
