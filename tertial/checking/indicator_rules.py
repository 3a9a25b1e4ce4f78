"""The indicator sheet's Python rule: a value written in another unit than the indicator's."""

from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd

from tertial.checking.indicator_facts import NUMERIC, unit_findings_rows
from tertial.cycle import Cycle
from tertial.findings import Finding, finding
from tertial.numbers import format_quantity
from tertial.submission import Sheet


def unit_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, contributor: str) -> list[Finding]:
    """A value written in another unit than the indicator's (e.g. '15 st' in a 'barn/avd.' row)."""
    findings = []
    for index, key, unit, expected in unit_findings_rows(frame, cycle):
        row = frame.loc[index]
        findings.append(finding(
            "indicator_unit_mismatch", sheet=sheet.name, row=int(row["_row"]), column=sheet.column(key).header,
            item_id=row["id"], item_name=row["name"], value=str(row[f"{key}_raw"]),
            expected=expected or "ingen enhet", name=row["name"],
        ))
    return findings


# '1,330': a comma before exactly three digits in a count is a thousands separator, not a decimal comma.
_COMMA_THOUSANDS = re.compile(r"^[+−–-]?\s*([1-9]\d{0,2}),(\d{3})(?!\d)(.*)$")


def typed_value_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, contributor: str) -> list[Finding]:
    """Values as contributors type them against the indicator's unit: '80' in a %-row, '-3 st', '1,330 st'."""
    plan = {i.id: i for i in cycle.plan.indicators}
    findings = []
    for _, row in frame.iterrows():
        indicator = plan.get(row["id"])
        if indicator is None:
            continue
        for key in NUMERIC:
            if key not in frame or pd.isna(row[key]):
                continue
            raw, unit = str(row[f"{key}_raw"]).strip(), row.get(f"{key}_unit") or ""
            where = {"sheet": sheet.name, "row": int(row["_row"]), "column": sheet.column(key).header,
                     "item_id": row["id"], "item_name": row["name"], "value": raw, "name": row["name"]}
            counted = cycle.outline.counts(indicator.unit) or cycle.outline.counts(unit)
            value = Decimal(str(row[key]))
            thousands = _COMMA_THOUSANDS.match(raw) if counted else None
            if counted and value < 0:
                findings.append(finding("indicator_negative_count", **where, expected=unit or indicator.unit))
            elif thousands:
                whole = format_quantity(Decimal(thousands[1] + thousands[2]), " ".join(thousands[3].split()))
                findings.append(finding("number_comma_thousands", **where, read=format_quantity(value.normalize(), unit),
                                        expected=whole))
            elif indicator.unit == "%" and not unit:
                percent = value * 100 if 0 < abs(value) < 1 else value
                findings.append(finding("indicator_unit_missing", **where, expected=format_quantity(percent.normalize(), "%")))
    return findings
