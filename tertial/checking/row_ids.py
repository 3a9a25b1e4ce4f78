"""Rows whose id cell was cleared while their values stayed: flagged at the id cell, with the id they likely had."""

from __future__ import annotations

import pandas as pd

from tertial.findings import Finding, Severity, finding
from tertial.submission import Sheet

# The columns that name a row's item beside its id (Indikator, Aktivitet, Mål, Rubrik, Verksamhetsområde).
_NAME_COLUMNS = ("name", "title")


def cleared_id_findings(frame: pd.DataFrame, sheet: Sheet, owned: set[str], names: dict[str, str]) -> list[Finding]:
    """Each row with values but an empty id cell. The id it likely had (named in the message, and as the finding's
    item, so the item is not also reported missing) is the owned item whose name the row carries, or the one owned
    item missing from the sheet when only one is."""
    if sheet.id_column not in frame or frame.empty:
        return []
    cleared = [row for _, row in frame.iterrows() if _empty(row[sheet.id_column])]
    if not cleared:
        return []
    present = set(frame[sheet.id_column].dropna())
    missing = sorted(owned - present)
    by_name = {" ".join(n.split()).casefold(): i for i, n in names.items() if i in missing and n}
    findings = []
    for row in cleared:
        shown = next((str(row[c]) for c in _NAME_COLUMNS if c in row and not _empty(row[c])), "")
        guess = by_name.get(" ".join(shown.split()).casefold()) or (missing[0] if len(missing) == 1 and len(cleared) == 1 else None)
        expected = f" '{guess}'" + (f" ({names.get(guess)})" if names.get(guess) and names.get(guess) != guess else "") if guess else ""
        findings.append(finding(
            "row_id_missing", sheet=sheet.name, row=int(row["_row"]), column=sheet.column(sheet.id_column).header,
            item_id=guess, item_name=shown or None, value="", expected=expected, name=shown,
        ))
    return findings


def _empty(value: object) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or (isinstance(value, str) and not value.strip())


def suppress_cleared(findings: list[Finding]) -> list[Finding]:
    """On a row flagged `row_id_missing` that finding is the row's one message; an item it names is not also missing."""
    flagged = {(f.sheet, f.row) for f in findings if f.rule_id == "row_id_missing"}
    guessed = {(f.sheet, f.item_id) for f in findings if f.rule_id == "row_id_missing" and f.item_id}
    return [f for f in findings if f.rule_id == "row_id_missing"
            or ((f.sheet, f.row) not in flagged and not (f.rule_id == "item_missing" and (f.sheet, f.item_id) in guessed))]


def one_message_per_cell(findings: list[Finding]) -> list[Finding]:
    """At most one message per cell (sheet, row, column): an error before a warning, else the rule that ran first
    (reading and parsing, then the Python rules, then the suites), so a follow-on finding yields to its cause.
    A row flagged `row_id_missing` carries that message only."""
    kept = suppress_cleared(findings)
    first: dict[tuple, int] = {}
    for n, f in enumerate(kept):
        if f.sheet is None or f.row is None or f.column is None:
            continue
        cell = (f.file, f.sheet, f.row, f.column)
        if cell not in first or (f.severity is Severity.ERROR and kept[first[cell]].severity is not Severity.ERROR):
            first[cell] = n
    return [f for n, f in enumerate(kept) if f.sheet is None or f.row is None or f.column is None
            or first[(f.file, f.sheet, f.row, f.column)] == n]
