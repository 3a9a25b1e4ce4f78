"""The economy sheets' Python rules: row sums, varav rows, resultatöverföring, signs and who may fill a sheet.

Each rule takes a sheet's typed frame and gives its findings; `prepare` runs the rules of each sheet (its
SHEET_RULES table) and stamps the file on what they find.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pandas as pd

from tertial.cycle import Cycle
from tertial.economy import (
    SIGNED_COLUMNS, TKR_TOLERANCE, TOLERANCE, carried_over, investment_deviation, operations_deviation, revenue_cost_kind,
)
from tertial.economy_columns import catalogue, formula_for, signs_for, table_spec
from tertial.economy_totals import TOTAL_ID, is_sum_name, rounding_tolerance
from tertial.findings import Finding, finding
from tertial.numbers import format_number, to_decimal
from tertial.plan import RowType
from tertial.signs import sign_hint, sign_ok
from tertial.submission import Sheet
from tertial.vocabulary import ReportKind

Deviation = Callable[[dict[str, Decimal | None], ReportKind], Decimal]


def economy_identity_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, contributor: str) -> list[Finding]:
    """Ekonomi: stated Avvikelse (and the VB's Justerad avvikelse) must equal what the row gives, within rounding."""
    if table_spec(cycle.outline.economy, "operations") is not None:
        return _declared_identity_findings(frame, sheet)
    return _identity_findings(frame, sheet, cycle, operations_deviation, adjusted=not cycle.config.kind.is_tertial)


def investment_identity_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, contributor: str) -> list[Finding]:
    """Investeringar: stated Avvikelse must equal what the row gives, within rounding."""
    if table_spec(cycle.outline.economy, "investments") is not None:
        return _declared_identity_findings(frame, sheet)
    return _identity_findings(frame, sheet, cycle, investment_deviation, adjusted=False)


def _identity_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, compute: Deviation, adjusted: bool) -> list[Finding]:
    kind = cycle.config.kind
    findings = []
    for _, row in frame.iterrows():
        if _unreadable_number(row, sheet) or row["id"] == TOTAL_ID:  # the sum row's own rules: checking/total_rules
            continue
        if forecast_missing(row, sheet, kind):  # reported at Prognos (forecast_missing_findings)
            continue
        values = {c.key: to_decimal(row[c.key]) for c in sheet.columns if c.numeric}
        expected = {"deviation": compute(values, kind)}
        if adjusted and values.get("deviation") is not None:
            expected["adjusted"] = values["deviation"] + (values.get("transfer") or 0)
        for column, computed in expected.items():
            stated = values.get(column)
            if stated is not None and abs(stated - computed) > _rounding(values, column, kind):
                findings.append(_identity_finding(row, sheet, column, computed))
    return findings


def _declared_identity_findings(frame: pd.DataFrame, sheet: Sheet) -> list[Finding]:
    """A declared table's computed column entered together with its inputs must equal its formula, within rounding."""
    keys = [c.key for c in sheet.columns if c.numeric]
    checked = [(k, formula_for(k, keys)) for k in keys if catalogue()[k].derived]
    findings = []
    for _, row in frame.iterrows():
        if _unreadable_number(row, sheet):
            continue
        values = {k: to_decimal(row[k]) for k in keys}
        for key, formula in checked:
            computed = formula.apply(values) if formula else None
            off = None if values[key] is None or computed is None else abs(values[key] - computed)
            if off is not None and off > rounding_tolerance(len(formula.inputs)):
                findings.append(_identity_finding(row, sheet, key, computed))
    return findings


# The figures each derived cell is computed from, by report kind (tertial or not): each was rounded when written.
_TERMS = {
    ("deviation", True): ("budget", "requested", "performance", "forecast_after", "forecast"),
    ("deviation", False): ("budget", "outcome"),
    ("adjusted", False): ("deviation", "transfer"),
}


def _rounding(values: dict[str, Decimal | None], column: str, kind: ReportKind) -> Decimal:
    """How far a stated derived cell may lie from its formula: the rounding of the terms given and of itself."""
    terms = [k for k in _TERMS[(column, kind.is_tertial)] if values.get(k) is not None]
    return rounding_tolerance(len(terms))


def _unreadable_number(row: pd.Series, sheet: Sheet) -> bool:
    """A number that could not be read is reported at its cell; the row's sums are not judged on a guess."""
    return any(isinstance(row.get(f"{c.key}_raw"), str) and pd.isna(row[c.key]) for c in sheet.columns if c.numeric)


def _identity_finding(row: pd.Series, sheet: Sheet, column: str, computed: Decimal) -> Finding:
    return finding(
        "economy_row_identity", sheet=sheet.name, row=int(row["_row"]), column=sheet.column(column).header,
        item_id=row["id"], item_name=row["name"], value=str(row[f"{column}_raw"]),
        expected=format_number(computed, 1), name=row["name"],
    )


def varav_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, contributor: str) -> list[Finding]:
    """`varav` rows break their parent down, so together they cannot exceed it (±0,1 mnkr)."""
    if "budget" not in {c.key for c in sheet.columns}:
        return []  # a declared table without Budget has nothing to break down
    layout = {r.id: r for r in cycle.plan.economy.areas}
    # A row pasted twice is economy_duplicate's finding; its first copy stands for the row here.
    by_id = frame.drop_duplicates("id").set_index("id", drop=False)
    findings = []
    for parent in {r.parent for r in layout.values() if r.row_type is RowType.VARAV}:
        children = [r.id for r in layout.values() if r.parent == parent and r.row_type is RowType.VARAV and r.id in by_id.index]
        if parent not in by_id.index or not children:
            continue
        total = sum((to_decimal(by_id.at[c, "budget"]) or 0) for c in children)
        budget = to_decimal(by_id.at[parent, "budget"])
        if budget is not None and total - budget > TOLERANCE:
            row = by_id.loc[parent]
            findings.append(finding(
                "economy_varav_exceeds", sheet=sheet.name, row=int(row["_row"]), column=sheet.column("budget").header,
                item_id=parent, item_name=row["name"], value=str(row["budget_raw"]),
                total=format_number(total, 1), expected=format_number(budget, 1), name=row["name"],
            ))
    return findings


def result_unit_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, contributor: str) -> list[Finding]:
    """A stated 'till' must be −(från + resultat), within the rounding of whole tkr."""
    if not {"carried", "brought", "result"} <= {c.key for c in sheet.columns}:
        return []  # a declared table without them computes nothing to check
    findings = []
    for _, row in frame.iterrows():
        stated, brought, result = (to_decimal(row[k]) for k in ("carried", "brought", "result"))
        computed = carried_over(brought, result)
        if stated is None or abs(stated - computed) <= TKR_TOLERANCE:
            continue
        findings.append(finding(
            "result_unit_transfer", sheet=sheet.name, row=int(row["_row"]), column=sheet.column("carried").header,
            item_id=row["name"], item_name=row["name"], value=str(row["carried_raw"]),
            expected=format_number(computed, 0), name=row["name"],
        ))
    return findings


def revenue_cost_sign_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, contributor: str) -> list[Finding]:
    """Each post with its row type's sign (revenue negative, cost positive unless the profile says otherwise): a post
    with the other sign would turn Summa and Netto wrong."""
    signs = signs_for(cycle.outline.economy)
    findings = []
    for _, row in frame.iterrows():
        kind = revenue_cost_kind(row["kind"])
        for column in [c.key for c in sheet.columns if c.key in SIGNED_COLUMNS]:
            if sign_ok(kind, to_decimal(row[column]), signs):
                continue
            findings.append(finding(
                "revenue_cost_sign", sheet=sheet.name, row=int(row["_row"]), column=sheet.column(column).header,
                item_id=row["name"], item_name=row["name"], value=str(row[f"{column}_raw"]), expected=kind, name=row["name"],
                hint=sign_hint(signs),
            ))
    return findings


def not_owner_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, contributor: str) -> list[Finding]:
    """Rows in an optional economy sheet from someone else than the economy owner would never reach the report."""
    if cycle.economy_owner == contributor:
        return []
    return [finding("economy_sheet_not_owner", sheet=sheet.name, row=int(row["_row"]), item_id=str(row[sheet.id_column] or ""))
            for _, row in frame.iterrows()]


def result_unit_cap_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, contributor: str) -> list[Finding]:
    """The city's cap, when the profile gives one: a resultatenhet carries over at most that share of its bruttobudget."""
    spec = table_spec(cycle.outline.economy, "result_units")
    if spec is None or spec.cap is None:
        return []
    findings = []
    for _, row in frame.iterrows():
        budget, brought, result = (to_decimal(row[k]) if k in row else None for k in ("budget", "brought", "result"))
        stated = to_decimal(row["carried"]) if "carried" in row else None
        carried = stated if stated is not None else carried_over(brought, result)
        if budget is None or carried <= budget * spec.cap / 100:
            continue
        findings.append(finding(
            "result_unit_cap", sheet=sheet.name, row=int(row["_row"]), column=sheet.column("budget").header,
            item_id=row["name"], item_name=row["name"], value=str(row["budget_raw"]), name=row["name"],
            carried=format_number(carried, 0), cap=format_number(spec.cap, 0),
            expected=format_number(budget * spec.cap / 100, 0),
        ))
    return findings


def t2_forecast_missing_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, contributor: str) -> list[Finding]:
    """A VB whose profile has the economy owner submit Prognos T2: each area needs it, for Diff mot prognos T2 and
    prognossäkerheten (a cell that cannot be read is reported as such when it is parsed)."""
    if "t2_forecast" not in {c.key for c in sheet.columns} or cycle.config.kind.is_tertial:
        return []
    findings = []
    for _, row in frame.iterrows():
        raw = row.get("t2_forecast_raw")
        if row["id"] == TOTAL_ID or not pd.isna(row["t2_forecast"]) or (isinstance(raw, str) and raw.strip()):
            continue
        findings.append(finding(
            "economy_t2_forecast_missing", sheet=sheet.name, row=int(row["_row"]), column=sheet.column("t2_forecast").header,
            item_id=row["id"], item_name=row["name"], value="", name=row["name"],
        ))
    return findings


# The forecast columns of each economy sheet in a tertial report: Avvikelse and the totals are computed from them.
_FORECAST = {"ekonomi": ("forecast_before", "forecast_after"), "investeringar": ("forecast",)}
_TABLES = {"ekonomi": "operations", "investeringar": "investments"}


def missing_forecasts(row: pd.Series, sheet: Sheet, kind: ReportKind) -> list[str]:
    """A tertial row with a budget but an empty Prognos: the keys of those columns, each reported at its own cell."""
    keys = [k for k in _FORECAST.get(sheet.key, ()) if k in row]
    if not kind.is_tertial or not keys or "budget" not in row or row.get("id") == TOTAL_ID or pd.isna(row["budget"]):
        return []
    return [k for k in keys if pd.isna(row[k]) and not isinstance(row.get(f"{k}_raw"), str)]


def forecast_missing(row: pd.Series, sheet: Sheet, kind: ReportKind) -> bool:
    """Whether the row's sums wait for a forecast: reported at Prognos, never as a follow-on error elsewhere."""
    return bool(missing_forecasts(row, sheet, kind))


def forecast_missing_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, contributor: str) -> list[Finding]:
    """Ekonomi and Investeringar in T1/T2: an empty Prognos on a row with a budget."""
    if sheet.key not in _TABLES or table_spec(cycle.outline.economy, _TABLES[sheet.key]) is not None:
        return []  # a declared table says itself which columns it has
    return [
        finding("economy_forecast_missing", sheet=sheet.name, row=int(row["_row"]), column=sheet.column(key).header,
                item_id=row["id"], item_name=row["name"], value="", name=row["name"])
        for _, row in frame.iterrows() for key in missing_forecasts(row, sheet, cycle.config.kind)
    ]


def adjustment_sum_row_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, contributor: str) -> list[Finding]:
    """Budgetjusteringar: a row titled as a sum ('Summa', 'Totalt') is not a request; the report leaves it out."""
    if "title" not in frame:
        return []
    return [
        finding("adjustment_sum_row", sheet=sheet.name, row=int(row["_row"]), column=sheet.column("title").header,
                item_id=row["title"], item_name=row["title"], value=row["title"])
        for _, row in frame.iterrows() if isinstance(row["title"], str) and is_sum_name(row["title"])
    ]
