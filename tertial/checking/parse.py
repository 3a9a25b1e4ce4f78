"""Parsing Swedish numbers and dates: each cell of a read frame into its typed value, or a finding."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from tertial.findings import Finding, finding
from tertial.numbers import (
    RULES as NUMBER_RULES, NumberParseError, format_number, format_quantity, parse_quantity, shortened,
)
from tertial.reading import FORMULA
from tertial.reading.cells import FORMULA_TEXT
from tertial.submission import Column, Sheet

# Rules for a cell that could not be read at all: reported once, not also as missing or out of range.
UNREADABLE = {*NUMBER_RULES, "date_invalid", "formula", "formula_text"}
# The reader's markers for a formula cell: parsed as no value, and never shown in a message.
MARKERS = (FORMULA, FORMULA_TEXT)
# Numbers as contributors (and Excel) really type them, each read as nothing and reported at its cell.
TYPED_NUMBER_RULES = ("number_date", "number_truncated", "number_range")
UNREADABLE |= set(TYPED_NUMBER_RULES)


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
            frame[f"{column.key}_raw"] = frame[column.key].mask(frame[column.key].isin(MARKERS), None)  # no marker shown
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
    if raw in MARKERS:  # a marker, never shown: the finding carries no value
        findings.append(finding("formula" if raw == FORMULA else "formula_text", **(where | {"value": None})))
        return None, ""
    if column.numeric:
        mistake = typed_number_mistake(raw)
        if mistake:
            findings.append(finding(mistake[0], **where, expected=mistake[1]))
            return None, ""
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


# After the number: a decimal comma or point with no decimals ('118,', '118, st'), or a second number joined by a dash.
_TRUNCATED = re.compile(r"^[,.](?!\d)")
_RANGE = re.compile(r"^[−–—-]\s*\d")


def typed_number_mistake(raw: object) -> tuple[str, str] | None:
    """(rule id, what to write instead) for a number cell typed in a way that cannot be read as one number:
    a date (Excel turned 5,2 into 2024-02-05), a truncated number ('118,') or a range ('24–25 %'); else None."""
    text = str(raw).strip()
    if _ISO_DATE.match(text):
        date = dt.date.fromisoformat(text[:10]) if _valid_date(text[:10]) else None
        return "number_date", f"{date.day},{date.month}" if date else "talet"
    try:
        quantity = parse_quantity(text)
    except NumberParseError:
        return None
    if quantity is None or not quantity.unit:
        return None
    if _TRUNCATED.match(quantity.unit):
        unit = quantity.unit[1:].strip()
        return "number_truncated", format_quantity(quantity.value, unit)
    if _RANGE.match(quantity.unit):
        try:
            second = parse_quantity(quantity.unit[1:].strip())
        except NumberParseError:
            return "number_range", format_number(quantity.value)
        if second is None:
            return "number_range", format_number(quantity.value)
        middle = ((quantity.value + second.value) / 2).normalize()
        return "number_range", format_quantity(middle, second.unit)
    return None


def _valid_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True
