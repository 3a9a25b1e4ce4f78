"""Turning a read submission into typed frames for the expectation suites, with the Python rules' findings.

Each sheet's cells are parsed (`parse`), the plan's facts added as columns (`facts`), and the sheet's own
Python rules run, as SHEET_RULES lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pandas as pd

from tertial.checking.economy_rules import (
    economy_identity_findings, investment_identity_findings, not_owner_findings, result_unit_cap_findings, result_unit_findings,
    revenue_cost_sign_findings, t2_forecast_missing_findings, varav_findings,
)
from tertial.checking.economy_rules import adjustment_sum_row_findings, forecast_missing_findings
from tertial.checking.facts import ENRICH
from tertial.checking.free_tables import free_table_findings
from tertial.checking.indicator_rules import typed_value_findings, unit_findings
from tertial.checking.parse import parse_columns
from tertial.asked_sheets import asked_sheets
from tertial.checking.row_ids import cleared_id_findings
from tertial.checking.total_rules import (
    declared_row_identity_findings, economy_total_findings, investment_total_findings, result_unit_total_findings, revenue_cost_total_findings,
    turnover_total_findings,
)
from tertial.cycle import Cycle
from tertial.economy_totals import TOTAL_ID
from tertial.findings import Finding, finding
from tertial.section_tables import TABLES, owned_tables, table_findings
from tertial.submission import OPTIONAL_ECONOMY_SHEETS, Sheet, Submission, sheets_for

# A rule: (the sheet's typed frame, the sheet, the cycle, the contributor) → its findings.
SheetRule = Callable[[pd.DataFrame, Sheet, Cycle, str], list[Finding]]

# The Python rules of each sheet, by sheet key; the expectation suites hold the rest.
SHEET_RULES: dict[str, tuple[SheetRule, ...]] = {
    "indicators": (unit_findings, typed_value_findings),
    "economy": (economy_identity_findings, varav_findings, economy_total_findings, t2_forecast_missing_findings,
                forecast_missing_findings),
    "investments": (investment_identity_findings, investment_total_findings, forecast_missing_findings),
    "result_units": (result_unit_findings, not_owner_findings, result_unit_cap_findings, result_unit_total_findings),
    "turnover": (not_owner_findings, turnover_total_findings),
    "adjustments": (not_owner_findings, adjustment_sum_row_findings),
    "revenue_costs": (revenue_cost_sign_findings, not_owner_findings, revenue_cost_total_findings,
                      declared_row_identity_findings),
    TABLES: (table_findings,),
}


@dataclass
class Prepared:
    """Typed frames per sheet, the suite parameters for each, and findings made while parsing."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    parameters: dict[str, dict[str, object]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def prepare(submission: Submission, cycle: Cycle) -> Prepared:
    # Every canonical column (one the cycle does not ask for is read as empty), and Tabeller when the profile has tables.
    sheets = {**asked_sheets(cycle), **sheets_for(cycle.config.kind, cycle.config.year, cycle.outline.economy)}
    prepared, found = Prepared(), list(submission.notes)
    for key, raw in submission.frames.items():
        sheet = sheets[key]
        frame = raw.copy().reset_index(drop=True).replace("", None)
        frame = parse_columns(frame, sheet, found)
        owned = owned_ids(key, cycle, submission.contributor_id)
        found += _missing_items(frame, sheet, owned, cycle)
        found += cleared_id_findings(frame, sheet, owned, {i: item_name(cycle, sheet.key, i) for i in owned})
        frame, params = ENRICH[key](frame, cycle)
        for rule in SHEET_RULES.get(key, ()):
            found += rule(frame, sheet, cycle, submission.contributor_id)
        prepared.frames[key] = frame
        prepared.parameters[key] = {"owned_ids": sorted(owned | offered_ids(key, owned)) or ["-"], **params}
    found += free_table_findings(submission, cycle)
    prepared.findings = [replace(f, file=submission.file) for f in found]  # the rules locate within the file
    return prepared


def owned_ids(key: str, cycle: Cycle, contributor: str) -> set[str]:
    plan = cycle.plan
    owners = {
        "goals": cycle.goal_owner, "indicators": cycle.indicator_owner,
        "activities": cycle.activity_owner, "texts": cycle.text_owner,
    }
    if key in owners:
        return set(cycle.owned(contributor, owners[key]))
    if key == TABLES:
        return {s.key for s in owned_tables(cycle, contributor)}
    if cycle.economy_owner != contributor or key in OPTIONAL_ECONOMY_SHEETS:
        return set()  # the optional sheets' rows are the contributor's own (resultatenheter, requests)
    rows = plan.economy.areas if key == "economy" else plan.economy.investments
    return {r.id for r in rows}


def offered_ids(key: str, owned: set[str]) -> set[str]:
    """Rows the workbook offers beside the owned items, which may be left empty: the sum row of a plan's economy table."""
    return {TOTAL_ID} if key in ("economy", "investments") and owned else set()


def _missing_items(frame: pd.DataFrame, sheet: Sheet, owned: set[str], cycle: Cycle) -> list[Finding]:
    present = set(frame[sheet.id_column].dropna()) if sheet.id_column in frame else set()
    return [finding("item_missing", sheet=sheet.name, item_id=item, name=item_name(cycle, sheet.key, item))
            for item in sorted(owned - present)]


def item_name(cycle: Cycle, sheet_key: str, item: str) -> str:
    plan = cycle.plan
    names = {
        "mal": {g.id: g.heading for g in plan.goals},
        "indikatorer": {i.id: i.name for i in plan.indicators},
        "aktiviteter": {a.id: a.name for a in plan.activities},
        "texter": {s.key: s.title for s in cycle.sections},
        "ekonomi": {r.id: r.name for r in plan.economy.areas},
        "investeringar": {r.id: r.name for r in plan.economy.investments},
    }
    return names.get(sheet_key, {}).get(item, item)
