"""The indicator sheet's Python rule: a value written in another unit than the indicator's."""

from __future__ import annotations

import pandas as pd

from tertial.checking.indicator_facts import unit_findings_rows
from tertial.cycle import Cycle
from tertial.findings import Finding, finding
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
