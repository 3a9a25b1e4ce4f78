"""Sheets into frames: each recognised column's cells as text, by column key, with row numbers."""

from __future__ import annotations

import pandas as pd
from openpyxl.utils import range_boundaries

from tertial.errors import SubmissionError
from openpyxl.utils import get_column_letter

from tertial.findings import Finding, finding, refusal
from tertial.numbers import shortened
from tertial.reading.cells import CONTROL_CHARS, FORMULA_TEXT, Formula, Merged, Table, as_text, lookalike_hint, shorten
from tertial.reading.limits import MAX_CELL_CHARS, thousands
from tertial.submission import Sheet

# Columns whose values are ids or closed vocabularies: a look-alike letter there is never meant.
EXACT_COLUMNS = {"status", "assessment", "period"}


def sheet_frame(tables: dict[str, Table], sheet: Sheet, file: str, folder: bool = False,
                notes: list[Finding] | None = None) -> pd.DataFrame:
    """The sheet's rows by column key; a note in `notes` for each cell whose text was cleaned."""
    if sheet.name not in tables:
        raise _missing_sheet(tables, sheet, file, folder)
    rows = tables[sheet.name]
    positions = _positions(rows, sheet, file)
    headers = [as_text(h) for h in (rows[0] if rows else [])]
    records = []
    for number, row in enumerate(rows[1:], start=2):
        record = {key: _cell_text(row, i, sheet, key, number, file, headers) for key, i in positions.items()}
        if notes is not None:
            notes += _cleaning_notes(row, positions, record, sheet, number)
        if any(record.values()):
            record["_row"] = number
            records.append(record)
    columns = [c.key for c in sheet.columns if c.key in positions] + ["_row"]
    return pd.DataFrame.from_records(records, columns=columns)


def _missing_sheet(tables: dict[str, Table], sheet: Sheet, file: str, folder: bool) -> SubmissionError:
    if folder:
        return refusal("structure_csv_file_missing", file=file, sheet=sheet.name, stem=sheet.key)
    similar = [t for t in tables if sheet.name.casefold() in t.casefold()]
    if similar:
        return refusal("structure_sheet_renamed", file=file, sheet=sheet.name, similar=similar[0])
    return refusal("structure_sheet_missing", file=file, sheet=sheet.name)


def _positions(rows: Table, sheet: Sheet, file: str) -> dict[str, int]:
    """Column key → index, found by header text in row 1."""
    headers = [as_text(h) for h in (rows[0] if rows else [])]
    positions = {}
    for column in sheet.columns:
        if column.header in headers:
            positions[column.key] = headers.index(column.header)
        elif column.required:
            raise _missing_header(rows, headers, column.header, sheet, file)
    return positions


def _missing_header(rows: Table, headers: list[str], header: str, sheet: Sheet, file: str) -> SubmissionError:
    """Named with the reason, when it is plain: the header stands on another row, or is spelled otherwise."""
    where = {"file": file, "sheet": sheet.name, "row": 1, "column": header}
    for number, row in enumerate(rows[1:5], start=2):
        if header in (as_text(v) for v in row):
            return refusal("structure_header_below", **where, number=number)
    loose = "".join(header.split()).casefold()
    near = [h for h in headers if "".join(h.split()).casefold() == loose]
    if near:
        return refusal("structure_header_spelling", **where, near=near[0])
    # One header the sheet does not know stands where the missing one was typed over: name its cell.
    known = {c.header for c in sheet.columns}
    strangers = [i for i, h in enumerate(headers) if h and h not in known]
    if len(strangers) == 1:
        return refusal("structure_header_renamed", **where, cell=f"{get_column_letter(strangers[0] + 1)}1",
                       value=headers[strangers[0]])
    return refusal("structure_header_missing", **where)


def _cell_text(row: list[object], index: int, sheet: Sheet, key: str, number: int, file: str, headers: list[str]) -> str:
    """One recognised cell as text; merged, overlong and look-alike values are refused by name."""
    value = row[index] if index < len(row) else None
    header = sheet.column(key).header
    where = {"file": file, "sheet": sheet.name, "row": number, "column": header}
    if isinstance(value, Merged):
        raise _merged_error(value, header, number, sheet, file, headers)
    if isinstance(value, Formula) and value.prose:
        return FORMULA_TEXT  # a line Excel made a formula of: validation asks for the apostrophe
    text = as_text(value)
    if len(text) > MAX_CELL_CHARS:
        raise refusal("structure_cell_too_long", **where, length=thousands(len(text)), limit=thousands(MAX_CELL_CHARS))
    if (key == sheet.id_column or key in EXACT_COLUMNS) and lookalike_hint(text):
        rule = "structure_lookalike_choice" if key in EXACT_COLUMNS else "structure_lookalike"
        raise refusal(rule, **where, value=shorten(text), hint=lookalike_hint(text))
    return text


def _merged_error(merged: Merged, header: str, number: int, sheet: Sheet, file: str, headers: list[str]) -> SubmissionError:
    """Located at the range's top-left cell, the one a contributor sees (and where a note can be put)."""
    first_column, first_row, _, _ = range_boundaries(merged.range)
    anchor = headers[first_column - 1] if first_column <= len(headers) and headers[first_column - 1] else header
    return refusal("structure_merged_cell", file=file, sheet=sheet.name, row=first_row, column=anchor, range=merged.range,
                   header=header, number=number)


def _cleaning_notes(row: list[object], positions: dict[str, int], record: dict[str, str], sheet: Sheet,
                    number: int) -> list[Finding]:
    """A warning for each cell that held control characters: removed, so no output ever refuses the text."""
    return [
        finding("text_cleaned", sheet=sheet.name, row=number, column=sheet.column(key).header, value=shortened(record[key]))
        for key, i in positions.items()
        if i < len(row) and isinstance(row[i], str) and CONTROL_CHARS.search(row[i])
    ]
