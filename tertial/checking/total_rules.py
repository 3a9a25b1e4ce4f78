"""The sum rows of the economy sheets against the rows they sum, within rounding.

Ekonomi and Investeringar end with the row `totalt` the handout offers; in Resultatenheter and
Omslutningsförändringar, whose rows are the contributor's own, the sum row is the one named as a sum.

A sum the contributor gives is printed as given (the nämnd's own figure); it may differ from Σ of the rows by the
rounding of its terms (`tertial.economy_totals`), never by more.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pandas as pd

from tertial.checking.economy_rules import forecast_missing
from tertial.cycle import Cycle
from tertial.economy_columns import catalogue, formula_for, table_spec
from tertial.economy import ADJUSTMENT, complete_investment, complete_operations, complete_result_unit, revenue_cost_kind, with_change
from tertial.economy_totals import GRAND_TOTAL, NET, TOTAL_ID, SumGap, Values, is_sum_name, revenue_cost_sum_side, rounding_tolerance, sum_gap
from tertial.findings import Finding, finding
from tertial.numbers import format_number, to_decimal
from tertial.plan import EconomyRow, RowType
from tertial.submission import Column, Sheet

DECIMALS = 1  # the driftbudget and investment tables print mnkr with one decimal
Derive = Callable[[Values], Values]
# The figures a derived cell of the sum row is computed from (either report kind); each was rounded when written.
FORMULA_TERMS = {
    "deviation": {"budget", "requested", "performance", "forecast_after", "forecast", "outcome"},
    "adjusted": {"deviation", "transfer"},
}


def economy_total_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, contributor: str) -> list[Finding]:
    """Ekonomi: each figure of the Totalt row against Σ of the rows that count (top-level and additive, not varav),
    and its Avvikelse (Justerad avvikelse) against the formula on the row's own figures."""
    kind = cycle.config.kind
    if any(forecast_missing(row, sheet, kind) or not isinstance(row.get("id"), str) for _, row in frame.iterrows()):
        return []  # an empty Prognos or a cleared Id is reported at its cell; a sum with a gap in it is not judged
    return _total_findings(frame, sheet, cycle.plan.economy.areas, cycle.plan.economy.unit,
                           lambda values: complete_operations(values, kind), ("deviation", "adjusted"))


def investment_total_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, contributor: str) -> list[Finding]:
    """Investeringar: each figure of the Totalt row against Σ of the investments, and its Avvikelse against the formula."""
    kind = cycle.config.kind
    if any(forecast_missing(row, sheet, kind) or not isinstance(row.get("id"), str) for _, row in frame.iterrows()):
        return []  # an empty Prognos or a cleared Id is reported at its cell; a sum with a gap in it is not judged
    return _total_findings(frame, sheet, cycle.plan.economy.investments, cycle.plan.economy.unit,
                           lambda values: complete_investment(values, kind), ("deviation",))


def _total_findings(frame: pd.DataFrame, sheet: Sheet, layout: list[EconomyRow], unit: str, derive: Derive,
                    derived: tuple[str, ...]) -> list[Finding]:
    if frame.empty or "id" not in frame:
        return []
    by_id = {str(row["id"]): row for _, row in frame.iterrows()}
    total = by_id.get(TOTAL_ID)
    if total is None:
        return []
    parts = [by_id[r.id] for r in layout if r.row_type is not RowType.VARAV and r.id in by_id]
    numeric = [c for c in sheet.columns if c.numeric]
    if any(_unreadable(row, column) for row in [total, *parts] for column in numeric):
        return []  # the unreadable cell is reported where it is; a sum with a guess in it is not judged
    findings, stated, sums = _sum_findings(total, parts, sheet, derive, unit, DECIMALS)
    return findings + _derived_findings(total, sheet, stated, sums, derive, derived)


def result_unit_total_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, contributor: str) -> list[Finding]:
    """Resultatenheter: a row the contributor adds as 'Summa resultatenheter' against Σ of the units, in whole tkr."""
    return _named_total_findings(frame, sheet, complete_result_unit, "tkr", 0)


def turnover_total_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, contributor: str) -> list[Finding]:
    """Omslutningsförändringar: a 'Totalt' or 'Summa' row against Σ of the areas' amounts."""
    return _named_total_findings(frame, sheet, dict, "mnkr", DECIMALS)


def revenue_cost_total_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, contributor: str) -> list[Finding]:
    """Intäkter och kostnader: Summa intäkter against the revenue posts, Summa kostnader against the cost posts,
    Netto against all posts."""
    if frame.empty or "name" not in frame:
        return []
    rows = [row for _, row in frame.iterrows()]
    numeric = [c for c in sheet.columns if c.numeric]
    if any(_unreadable(row, column) for row in rows for column in numeric):
        return []
    kinds = [revenue_cost_kind(row["kind"]) for row in rows]
    sides = [revenue_cost_sum_side(row["name"], kind) if isinstance(row["name"], str) else None for row, kind in zip(rows, kinds)]
    posts = [(row, kind) for row, kind, side in zip(rows, kinds, sides) if side is None and kind is not None]
    findings = []
    for row, side in ((row, side) for row, side in zip(rows, sides) if side):
        parts = [post for post, kind in posts if _counts_in(side, kind)]
        findings += _sum_findings(row, parts, sheet, with_change, "mnkr", DECIMALS)[0]
    return findings


def _counts_in(side: str, kind: str) -> bool:
    """Whether a post of Typ `kind` is a term of the sum row `side`: Summa intäkter the intäkter, Summa kostnader the
    kostnader, Netto both (not the justering rows after it), the nämnd's total (Nämnden totalt) every post."""
    if side == GRAND_TOTAL:
        return True
    return kind == side or (side == NET and kind != ADJUSTMENT)


def declared_row_identity_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, contributor: str) -> list[Finding]:
    """A declared Intäkter och kostnader whose Avvikelse is typed (`entered`, as the nämnd printed it) while its inputs
    are columns of the table too: each row's typed Avvikelse against its formula on the row's own figures, within
    0,05 × (terms + 1); a row without all its inputs (a resultatöverföring with no Budget) is not judged."""
    spec = table_spec(cycle.outline.economy, "revenue_costs")
    if spec is None or frame.empty or "name" not in frame:
        return []
    checked = [(key, formula) for key in spec.entered if catalogue()[key].derived
               and (formula := formula_for(key, spec.keys)) is not None and not formula.over]
    findings = []
    for _, row in frame.iterrows():
        values = {key: to_decimal(row[key]) for key in spec.keys if key in row}
        for key, formula in checked:
            if values.get(key) is None or any(values.get(k) is None for k in formula.inputs):
                continue
            expected = formula.apply(values)
            if expected is not None and abs(values[key] - expected) > rounding_tolerance(len(formula.inputs), DECIMALS):
                findings.append(finding(
                    "economy_row_identity", sheet=sheet.name, row=int(row["_row"]), column=sheet.column(key).header,
                    item_id=str(row["name"]), item_name=str(row["name"]), value=str(row[f"{key}_raw"]),
                    expected=format_number(expected, DECIMALS), name=str(row["name"]),
                ))
    return findings


def _named_total_findings(frame: pd.DataFrame, sheet: Sheet, derive: Derive, unit: str, decimals: int) -> list[Finding]:
    """In a sheet of the contributor's own rows, its sum row is the one named as a sum (`is_sum_name`)."""
    if frame.empty or "name" not in frame:
        return []
    rows = [row for _, row in frame.iterrows()]
    sums = [row for row in rows if isinstance(row["name"], str) and is_sum_name(row["name"])]
    parts = [row for row in rows if not (isinstance(row["name"], str) and is_sum_name(row["name"]))]
    numeric = [c for c in sheet.columns if c.numeric]
    if len(sums) != 1 or any(_unreadable(row, column) for row in rows for column in numeric):
        return []  # several sum rows: the duplicate rule, or the reader, says what is wrong
    return _sum_findings(sums[0], parts, sheet, derive, unit, decimals)[0]


def _sum_findings(total: pd.Series, parts: list[pd.Series], sheet: Sheet, derive: Derive, unit: str,
                  decimals: int) -> tuple[list[Finding], Values, dict[str, list[Decimal | None]]]:
    """Each figure of the sum row against Σ of the parts; with the figures stated and the parts' figures."""
    numeric = [c for c in sheet.columns if c.numeric]
    stated = {c.key: to_decimal(total[c.key]) for c in numeric}
    # A row's derived cell (Avvikelse, till) left empty is what Tertial computes for it, and counts as such.
    rows = [derive({c.key: to_decimal(row[c.key]) for c in numeric}) for row in parts]
    sums = {c.key: [values.get(c.key) for values in rows] for c in numeric}
    findings = []
    for column in numeric:
        gap = sum_gap(stated[column.key], sums[column.key], decimals)
        if gap is not None and not gap.within:
            findings.append(_total_finding(total, sheet, column, gap, [str(row["name"]) for row in parts], unit))
    return findings, stated, sums


def _derived_findings(total: pd.Series, sheet: Sheet, stated: Values, sums: dict[str, list[Decimal | None]], derive: Derive,
                      derived: tuple[str, ...]) -> list[Finding]:
    """A stated Avvikelse of the sum row against its formula, on the sum row's figures (Σ of the rows where left empty)."""
    figures = {key: stated[key] if stated[key] is not None else sum((v for v in values if v is not None), Decimal(0))
               for key, values in sums.items() if key not in derived}
    findings = []
    for key in (k for k in derived if k in stated and stated[k] is not None):
        inputs = figures | {k: stated[k] for k in derived if k != key and k in stated}  # Justerad avvikelse: on the stated Avvikelse
        computed = derive(inputs)
        terms = len([v for k, v in inputs.items() if v is not None and k in FORMULA_TERMS[key]])
        if abs(stated[key] - computed[key]) > rounding_tolerance(terms, DECIMALS):
            findings.append(finding(
                "economy_row_identity", sheet=sheet.name, row=int(total["_row"]), column=sheet.column(key).header,
                item_id=TOTAL_ID, item_name=str(total["name"]), value=str(total[f"{key}_raw"]),
                expected=format_number(computed[key], DECIMALS), name=str(total["name"]),
            ))
    return findings


def _unreadable(row: pd.Series, column: Column) -> bool:
    return isinstance(row.get(f"{column.key}_raw"), str) and pd.isna(row[column.key])


def _total_finding(total: pd.Series, sheet: Sheet, column: Column, gap: SumGap, names: list[str], unit: str) -> Finding:
    name = str(total["name"] or TOTAL_ID)
    return finding(
        "economy_total_mismatch", sheet=sheet.name, row=int(total["_row"]), column=column.header,
        item_id=str(total.get(sheet.id_column) or TOTAL_ID), item_name=name, value=str(total[f"{column.key}_raw"]),
        expected=format_number(gap.computed, gap.decimals), name=name, unit=unit,
        rows=", ".join(f"'{name}'" for name in names) or "(inga rader)", terms=gap.terms,
        tolerance=format_number(gap.tolerance),
    )
