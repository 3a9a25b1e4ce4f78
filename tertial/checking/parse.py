"""Parsing Swedish numbers and dates: each cell of a read frame into its typed value, or a finding."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from tertial.findings import Finding, finding
from tertial.numbers import RULES as NUMBER_RULES, NumberParseError, format_number, parse_quantity, shortened
from tertial.reading import FORMULA
from tertial.submission import Column, Sheet

# Rules for a cell that could not be read at all: reported once, not also as missing or out of range.
UNREADABLE = {*NUMBER_RULES, "date_invalid", "formula"}


def parse_columns(frame: pd.DataFrame, sheet: Sheet, findings: list[Finding]) -> pd.DataFrame:
    for column in sheet.columns:
        if column.key not in frame and column.numeric:  # a figure the cycle does not ask for: empty, as a number
            frame[column.key] = pd.Series(float("nan"), index=frame.index, dtype="float64")
            frame[f"{column.key}_raw"], frame[f"{column.key}_unit"] = None, ""
            continue
        if column.key not in frame:
            frame[column.key] = None
            continue
        parsed, units = [], []
        for index, raw in frame[column.key].items():
            value, unit = _parse_cell(raw, column, sheet, frame.at[index, "_row"], findings)
            parsed.append(value)
            units.append(unit)
        if column.numeric:
            frame[f"{column.key}_raw"] = frame[column.key]
            frame[column.key] = pd.Series(parsed, index=frame.index, dtype="float64")
            frame[f"{column.key}_unit"] = units
        elif column.key in ("start", "end"):
            frame[column.key] = pd.to_datetime(pd.Series(parsed, index=frame.index, dtype="object"))
        else:
            frame[column.key] = parsed
    return frame


# "1.150": a decimal point with exactly three digits after it is as likely a thousands separator (1 150) as
# a decimal (1,15). It is read as a decimal, as documented, and the contributor is asked to check.
_DOT_THOUSANDS = re.compile(r"^[−-]?\d{1,3}\.\d{3}(?!\d)")

# ÅÅÅÅ-MM-DD, or a date cell read with its time of day; nothing before or after.
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")


def _parse_cell(raw: object, column: Column, sheet: Sheet, row: object, findings: list[Finding]) -> tuple[object, str]:
    """(value, unit) for one cell; a finding and (None, '') when it cannot be read."""
    if raw is None or (not isinstance(raw, str) and pd.isna(raw)):
        return None, ""
    where = {"sheet": sheet.name, "row": int(row), "column": column.header, "value": shortened(str(raw))}
    if raw == FORMULA:
        findings.append(finding("formula", **where))
        return None, ""
    if column.numeric:
        try:
            quantity = parse_quantity(raw)
            if isinstance(raw, str) and _DOT_THOUSANDS.match(raw.strip()):
                shown = format_number(quantity.value.normalize())
                findings.append(finding("number_ambiguous", **where, raw=raw, expected=shown))
            return float(quantity.value), quantity.unit
        except NumberParseError as error:
            findings.append(finding(error.rule_id, **where, expected=error.reason_sv))
            return None, ""
    if column.key in ("start", "end"):
        try:
            if not _ISO_DATE.match(str(raw)):
                raise ValueError(raw)
            return dt.date.fromisoformat(str(raw)[:10]), ""
        except ValueError:
            findings.append(finding("date_invalid", **where, raw=raw))
            return None, ""
    return str(raw), ""
