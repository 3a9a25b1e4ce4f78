"""What the suites need to know from the plan, added to each sheet's frame as columns.

Everything that needs the plan (the item's name, whether an activity is overdue …) is computed here, so the
suites in `expectations/` stay plain data. Each enricher also gives the suite's parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd

from tertial.activity_statuses import activity_statuses, finished_values
from tertial.checking.indicator_facts import add_indicator_facts
from tertial.cycle import Cycle
from tertial.economy import ADJUSTMENT, ADJUSTMENT_KINDS, REVENUE_COST_KINDS, revenue_cost_kind
from tertial.economy_columns import table_spec
from tertial.economy_totals import TOTAL_ID, revenue_cost_sum_side
from tertial.sections import goal_part_sections, owned_sections
from tertial.vocabulary import IndicatorStatus

Enriched = tuple[pd.DataFrame, dict[str, object]]


def _enrich_indicators(frame: pd.DataFrame, cycle: Cycle) -> Enriched:
    # A layout without statuses ignores a status written anyway (its cell is locked in the workbook).
    statuses = [s.value for s in IndicatorStatus] + cycle.plan.layout.indicator_choices([])
    return add_indicator_facts(frame, cycle), {"statuses": statuses}


def _enrich_goals(frame: pd.DataFrame, cycle: Cycle) -> Enriched:
    titles = {g.id: g for g in cycle.plan.goals}
    frame["name"] = [titles[g].heading if g in titles else g for g in frame["goal"]]
    frame["is_namndmal"] = [g in titles and titles[g].level == 3 for g in frame["goal"]]
    # A layout without Förväntat resultat (the 2013 VB) never misses it.
    frame["needs_expected"] = [n and cycle.plan.layout.goal_expected for n in frame["is_namndmal"]]
    scale = cycle.plan.assessments
    # A goal in prose only is asked no assessment; one outside the förvaltning ("Ingen") needs no analysis.
    frame["needs_assessment"] = [g not in titles or cycle.plan.is_assessed(titles[g]) for g in frame["goal"]]
    frame["needs_analysis"] = [not isinstance(a, str) or scale.needs_analysis(a.strip()) for a in frame["assessment"]]
    # A goal written in parts by several contributors (the profile's goal_parts) has its analysis in the parts.
    parted = {g for g in titles if cycle.outline.parts_of_goal(g)}
    frame["needs_analysis"] = [n and g not in parted for n, g in zip(frame["needs_analysis"], frame["goal"])]
    return frame, {"assessments": scale.values}


def _enrich_activities(frame: pd.DataFrame, cycle: Cycle) -> Enriched:
    plan = {a.id: a for a in cycle.plan.activities}
    frame["name"] = [plan[i].name if i in plan else n for i, n in zip(frame["id"], frame["name"])]
    period_end = pd.Timestamp(cycle.config.period_end)
    finished = finished_values(cycle.plan.activity_statuses)
    with_status = cycle.plan.layout.activity_status  # without a status nothing says an activity is unfinished
    # A VB is written after the year: an activity due on its last day and still said to run is late by then (one with
    # no status is activity_status_missing's). A tertial's status is the one on its last day, when an activity ending
    # that day may still be finishing.
    year_end = not cycle.config.kind.is_tertial

    def overdue(end: pd.Timestamp, status: object) -> bool:
        stated = isinstance(status, str) and bool(status.strip())
        return bool(end < period_end or (year_end and stated and end == period_end)) and status not in finished

    frame["overdue"] = [with_status and overdue(e, s) if not pd.isna(e) else False for e, s in zip(frame["end"], frame["status"])]
    frame["requires_status"] = with_status
    year = cycle.config.year
    return frame, {
        "statuses": [s.value for s in activity_statuses(cycle.plan.activity_statuses)],
        "year_start": dt.datetime(year, 1, 1).isoformat(), "year_end": dt.datetime(year, 12, 31).isoformat(),
    }


def _enrich_texts(frame: pd.DataFrame, cycle: Cycle) -> Enriched:
    titles = {s.key: s.title for s in cycle.sections}
    frame["name"] = [titles.get(k, k) for k in frame["key"]]
    # A profile section with a fixed sentence may be left empty: the report prints the sentence instead.
    fixed = {s.key for s in owned_sections(cycle.outline) if s.empty}
    fixed |= {section.key for section, part in goal_part_sections(cycle.plan, cycle.outline) if part.empty}
    frame["required"] = [k not in fixed for k in frame["key"]]
    return frame, {}


def _enrich_economy(frame: pd.DataFrame, cycle: Cycle) -> Enriched:
    names = {r.id: r.name for r in [*cycle.plan.economy.areas, *cycle.plan.economy.investments]}
    frame["name"] = [names.get(i, n) for i, n in zip(frame["id"], frame["name"])]
    frame["is_item"] = frame["id"] != TOTAL_ID  # the sum row may be left empty
    return frame, {}


def _enrich_named(frame: pd.DataFrame, cycle: Cycle) -> Enriched:
    return frame, {}


def _enrich_adjustments(frame: pd.DataFrame, cycle: Cycle) -> Enriched:
    frame["name"] = frame["title"]
    # Typ is matched without regard to case: 'Drift' is as clear as 'drift'.
    frame["kind_normalised"] = [k.strip().lower() if isinstance(k, str) else None for k in frame["kind"]]
    return frame, {"kinds": list(ADJUSTMENT_KINDS)}


def _enrich_revenue_costs(frame: pd.DataFrame, cycle: Cycle) -> Enriched:
    # An unknown Typ keeps its own (lower-cased) text: the suite's in-set rule skips empty cells, not wrong ones.
    frame["kind_normalised"] = [revenue_cost_kind(k) or (k.strip().lower() if isinstance(k, str) else None) for k in frame["kind"]]
    # Summa intäkter, Summa kostnader, Netto: the contributor's own sums, checked against the posts, not posts.
    frame["is_item"] = [not (isinstance(n, str) and revenue_cost_sum_side(n, revenue_cost_kind(k)))
                        for n, k in zip(frame["name"], frame["kind"])]
    declared = table_spec(cycle.outline.economy, "revenue_costs") is not None
    return frame, {"kinds": [*REVENUE_COST_KINDS, *([ADJUSTMENT] if declared else [])]}


ENRICH: dict[str, Callable[[pd.DataFrame, Cycle], Enriched]] = {
    "indicators": _enrich_indicators, "goals": _enrich_goals, "activities": _enrich_activities,
    "texts": _enrich_texts, "economy": _enrich_economy, "investments": _enrich_economy,
    "result_units": _enrich_named, "turnover": _enrich_named, "adjustments": _enrich_adjustments,
    "revenue_costs": _enrich_revenue_costs, "tables": _enrich_named,
}
