"""Simple tables inside free sections (issue 14): declared in the profile, filled by the section's owner.

A free section of the profile may carry a `table:` (columns, optional fixed rows, words allowed besides numbers,
e.g. Synpunkter och klagomål per category with the count 'Flera'). Its owner fills it on the workbook's sheet
Tabeller: one row per table row, with the section's key under Avsnitt, the row's name under Rad, and the values
under the column headings the profile declares. Every table of the cycle shares the sheet; a heading two tables
share is one column. Each cell is a number (Swedish form) or one of the table's words, checked at the cell.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd

from tertial.cycle import Cycle
from tertial.findings import Finding, finding
from tertial.numbers import NumberParseError, parse_quantity
from tertial.profile import TABLE_FIXED_HEADERS, Profile, Section, walk_sections
from tertial.submission import Column, Sheet

TABLES = "tables"  # the sheet's key in the submission's frames
TABLES_SHEET_NAME, TABLES_FILE_STEM = "Tabeller", "tabeller"
# A table without fixed rows leaves this many rows open for its owner's own row names.
OPEN_TABLE_ROWS = 10


def table_sections(profile: Profile | None) -> list[Section]:
    """Every free section with a table, sub-sections and sections in the goal tree included, in outline order."""
    if profile is None:
        return []
    return [s for _, s in walk_sections(profile.sections(), "") if s.table is not None and s.owner is not None]


def value_keys(profile: Profile | None) -> dict[str, str]:
    """Heading → the sheet's column key, in order of first appearance; a heading tables share is one column."""
    keys: dict[str, str] = {}
    for section in table_sections(profile):
        for column in section.table.columns:
            keys.setdefault(column.heading, f"v{len(keys) + 1}")
    return keys


def tables_sheet(profile: Profile | None) -> Sheet | None:
    """The Tabeller sheet of a cycle whose profile has tables; None when it has none."""
    keys = value_keys(profile)
    if not keys:
        return None
    fixed = (Column("key", TABLE_FIXED_HEADERS[0], required=True), Column("row", TABLE_FIXED_HEADERS[1], required=True))
    return Sheet(TABLES_FILE_STEM, TABLES_SHEET_NAME, fixed + tuple(Column(k, h) for h, k in keys.items()), "key")


def owned_tables(cycle: Cycle, contributor_id: str) -> list[Section]:
    return [s for s in table_sections(cycle.outline) if s.owner == contributor_id]


def prefilled_table_rows(cycle: Cycle, contributor_id: str) -> list[dict[str, object]]:
    """The owner's rows: each fixed row with its name, or open rows for a table whose rows the owner names."""
    rows: list[dict[str, object]] = []
    for section in owned_tables(cycle, contributor_id):
        names = section.table.rows or [""] * OPEN_TABLE_ROWS
        rows += [{"key": section.key, "row": name} for name in names]
    return rows


def open_cell(cycle: Cycle, row: dict[str, object], column_key: str) -> bool:
    """Whether the owner writes in this cell: the values of the row's own table, and Rad where the rows are its own."""
    section = next((s for s in table_sections(cycle.outline) if s.key == row.get("key")), None)
    if section is None:
        return False
    if column_key == "row":
        return not section.table.rows
    keys = value_keys(cycle.outline)
    return column_key in {keys[c.heading] for c in section.table.columns}


def _given(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def table_findings(frame: pd.DataFrame, sheet: Sheet, cycle: Cycle, contributor: str) -> list[Finding]:
    """Each row a table the contributor owns and a row it has; each cell a number, a word of the table, or empty,
    and only in its own table's columns."""
    owned = {s.key: s for s in owned_tables(cycle, contributor)}
    headings = {c.key: c.header for c in sheet.columns}
    keys = value_keys(cycle.outline)
    found: list[Finding] = []
    for record in frame.to_dict("records"):
        where = {"sheet": sheet.name, "row": int(record["_row"])}
        key, name = _given(record.get("key")), _given(record.get("row"))
        values = {k: _given(record.get(k)) for k in headings if k not in ("key", "row")}
        if not key and not name and not any(values.values()):
            continue
        section = owned.get(key)
        if section is None:
            found.append(finding("table_unknown", **where, column=headings["key"], value=key,
                                 expected=", ".join(owned) or "inga"))
            continue
        table = section.table
        if not name and any(values.values()):
            found.append(finding("table_row_missing", **where, column=headings["row"], name=section.title))
        elif table.rows and name not in table.rows:
            found.append(finding("table_row_unknown", **where, column=headings["row"], value=name, name=section.title,
                                 expected=", ".join(table.rows)))
        own = {keys[c.heading] for c in table.columns}
        for column_key, value in values.items():
            if not value:
                continue
            cell = {**where, "column": headings[column_key], "value": value, "name": section.title}
            if column_key not in own:
                found.append(finding("table_value_outside", **cell))
            elif cell_value(value, table.words) is None:
                found.append(finding("table_value_invalid", **cell,
                                     words=f" eller {', '.join(repr(w) for w in table.words)}" if table.words else ""))
    return found


def cell_value(text: str, words: list[str]) -> Decimal | str | None:
    """A cell as its number, or as one of the table's words (as declared); None when it is neither."""
    word = next((w for w in words if w.casefold() == text.casefold()), None)
    if word is not None:
        return word
    try:
        quantity = parse_quantity(text)
    except NumberParseError:
        return None
    if quantity is None or quantity.unit:
        return None
    return quantity.value
