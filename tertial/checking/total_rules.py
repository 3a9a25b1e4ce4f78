"""The sum row of the Ekonomi and Investeringar sheets against the rows it sums, within rounding.

A sum the contributor gives is printed as given (the nämnd's own figure); it may differ from Σ of the rows by the
rounding of its terms (`tertial.economy_totals`), never by more.
"""

from __future__ import annotations

import pandas as pd

from tertial.cycle import Cycle
from tertial.economy_totals import TOTAL_ID, SumGap, sum_gap
from tertial.findings import Finding, finding
from tertial.numbers import format_number, to_decimal
from tertial.plan import EconomyRow, RowType
from tertial.submission import Column, Sheet

DECIMALS = 1  # the driftbudget and investment tables print mnkr with one decimal


def economy_total_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, contributor: str) -> list[Finding]:
    """Ekonomi: each figure of the Totalt row against Σ of the rows that count (top-level and additive, not varav)."""
    return _total_findings(frame, sheet, cycle.plan.economy.areas, cycle.plan.economy.unit)


def investment_total_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, contributor: str) -> list[Finding]:
    """Investeringar: each figure of the Totalt row against Σ of the investments."""
    return _total_findings(frame, sheet, cycle.plan.economy.investments, cycle.plan.economy.unit)


def _total_findings(frame: pd.DataFrame, sheet: Sheet, layout: list[EconomyRow], unit: str) -> list[Finding]:
    if frame.empty or "id" not in frame:
        return []
    by_id = {str(row["id"]): row for _, row in frame.iterrows()}
    total = by_id.get(TOTAL_ID)
    if total is None:
        return []
    parts = [by_id[r.id] for r in layout if r.row_type is not RowType.VARAV and r.id in by_id]
    findings = []
    for column in (c for c in sheet.columns if c.numeric):
        if any(_unreadable(row, column) for row in [total, *parts]):
            continue  # the unreadable cell is reported where it is; a sum with a guess in it is not judged
        gap = sum_gap(to_decimal(total[column.key]), [to_decimal(row[column.key]) for row in parts], DECIMALS)
        if gap is not None and not gap.within:
            findings.append(_total_finding(total, sheet, column, gap, [str(row["name"]) for row in parts], unit))
    return findings


def _unreadable(row: pd.Series, column: Column) -> bool:
    return isinstance(row.get(f"{column.key}_raw"), str) and pd.isna(row[column.key])


def _total_finding(total: pd.Series, sheet: Sheet, column: Column, gap: SumGap, names: list[str], unit: str) -> Finding:
    return finding(
        "economy_total_mismatch", sheet=sheet.name, row=int(total["_row"]), column=column.header,
        item_id=TOTAL_ID, item_name=str(total["name"] or TOTAL_ID), value=str(total[f"{column.key}_raw"]),
        expected=format_number(gap.computed, DECIMALS), name=str(total["name"] or TOTAL_ID), unit=unit,
        rows=", ".join(f"'{name}'" for name in names) or "(inga rader)", terms=gap.terms,
        tolerance=format_number(gap.tolerance),
    )
