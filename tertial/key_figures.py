"""Key-figure tables (nyckeltal) and the nämnd's total driftbudget: tables a contributor adds to the workbook.

A sheet whose name starts with 'Nyckeltal' holds one table as the report prints it. Row 1 holds the headers,
as on every sheet: A1 the name column's ('Nyckeltal'), then one per column, free ('2023', 'T1 2024',
'T1 2024 kvinnor', 'Apr prel'). Below, one row per key figure: the label in column A, the values after it. A
row with a label and no values is a group heading ('Missbruk'). A row whose column A says 'Verksamhetsområde',
'Rubrik' or 'Fotnot' is no key figure: column B says under which verksamhetsområde of the plan the table is
printed (its id or name; a `varav` area prints under its parent's text), the table's caption, and a footnote
(any number, in order). A value is a number as the report prints it (1 074, 27,1, 35,5%, -2%) or a mark for a
missing value (i.u., -); the printed form keeps the decimals and the '%' as written.

The sheet 'Total driftbudget' (the economy owner's) holds the nämnd's total: its rows (Anslag för nämndens
verksamhet (netto), Kostnader, Intäkter, the resultatdispositioner) under the columns TOTAL_BUDGET_COLUMNS,
found by header as elsewhere, in mnkr. A row with every amount must satisfy Avvikelse = Budget + Begärda
budgetjusteringar + Prestations- och omslutningsförändringar − Prognos (±0,1 mnkr).

Checking and assembly read the sheets with the same functions here, so what passes is what is printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.utils import get_column_letter

from tertial.checking.parse import typed_number_mistake
from tertial.economy import TOLERANCE, within_tolerance
from tertial.findings import Finding, finding
from tertial.numbers import NumberParseError, Quantity, format_number, parse_quantity, shortened
from tertial.plan import EconomyRow, RowType
from tertial.reading.cells import FORMULA, Merged, Table, as_text
from tertial.report import EconomyLine, EconomyTable, KeyFigureRow, KeyFigureTable
from tertial.submission import TOTAL_BUDGET_SHEET, Submission, is_key_figure_sheet

AREA_LABEL, TITLE_LABEL, NOTE_LABEL = "Verksamhetsområde", "Rubrik", "Fotnot"
_META_LABELS = {AREA_LABEL, TITLE_LABEL, NOTE_LABEL}
# What reports print for a value that is missing or not applicable; kept as written.
MISSING_MARKS = ("i.u.", "-", "–", "..")
TOTAL_BUDGET_COLUMNS = (
    ("budget", "Budget"), ("requested", "Begärda budgetjusteringar"),
    ("performance", "Prestations- och omslutningsförändringar"), ("forecast", "Prognos"), ("deviation", "Avvikelse"),
)


@dataclass(frozen=True)
class _Cell:
    text: str
    problem: Finding | None = None  # a formula or a merged cell: nothing to read there


def _cells(sheet: str, table: Table) -> list[list[_Cell]]:
    """Every cell as text; a formula (read as a marker, never its value) or a covered merged cell as a finding."""
    out = []
    for r, line in enumerate(table, start=1):
        row = []
        for c, value in enumerate(line, start=1):
            where = {"sheet": sheet, "row": r, "column": _header(table, c)}
            if value == FORMULA:  # a line Excel made a formula of gets the apostrophe hint
                row.append(_Cell("", finding("formula_text" if getattr(value, "prose", False) else "formula", **where)))
            elif isinstance(value, Merged):
                row.append(_Cell("", finding("free_table_merged", **where, cell=cell_name(r, c), range=value.range)))
            else:
                row.append(_Cell(as_text(value)))
        out.append(row)
    return out


def _header(table: Table, column: int) -> str:
    first = table[0] if table else []
    value = first[column - 1] if column <= len(first) else None
    return as_text(value) if isinstance(value, (str, int, float)) and value != FORMULA else ""


def cell_name(row: int, column: int) -> str:
    return f"{get_column_letter(column)}{row}"


def printed_value(text: str) -> str:
    """The value as the report prints it: Swedish thousands, the decimals and '%' as written; a mark as written.

    Raises NumberParseError for text that is neither."""
    if text.casefold() in MISSING_MARKS:
        return text.casefold()
    quantity = _typed_quantity(text)
    if quantity is None:
        return ""
    if quantity.unit not in ("", "%"):
        raise NumberParseError(text, f"'{quantity.unit}' efter talet")
    number = format_number(quantity.value)
    if quantity.unit == "%":
        return number + ("%" if re.search(r"\d%$", text) else "\u00a0%")
    return number


def read_key_figures(sheet: str, table: Table, areas: list[EconomyRow]) -> tuple[KeyFigureTable | None, list[Finding]]:
    """One Nyckeltal sheet as the report's table, with the findings of its cells; None when it cannot be placed."""
    cells = _cells(sheet, table)
    found = [c.problem for line in cells for c in line if c.problem]
    if not cells:
        return None, found
    headers = [c.text for c in cells[0]]
    meta: dict[str, list[tuple[int, str]]] = {label: [] for label in _META_LABELS}
    rows: list[KeyFigureRow] = []
    width = len(headers)
    for r, line in enumerate(cells[1:], start=2):
        label = line[0].text if line else ""
        if label.rstrip(":") in _META_LABELS:
            meta[label.rstrip(":")].append((r, line[1].text if len(line) > 1 else ""))
            continue
        values, problems = _values(sheet, r, line, headers)
        found += problems
        if label or any(values):
            rows.append(KeyFigureRow(label=label, cells=values + [""] * (width - 1 - len(values)), group=not any(values)))
    area, problems = _area(sheet, meta[AREA_LABEL], areas)
    found += problems
    columns = list(headers[1:])
    while columns and not columns[-1]:
        columns.pop()
    if area is None:
        return None, found
    return KeyFigureTable(
        sheet=sheet, area=area.id, parent=area.parent if area.row_type is not RowType.TOP and area.parent else "",
        title=next((t for _, t in meta[TITLE_LABEL] if t), ""), name_header=headers[0] if headers else "",
        columns=columns, rows=[r.model_copy(update={"cells": r.cells[:len(columns)]}) for r in rows],
        notes=[note for _, note in meta[NOTE_LABEL] if note],
    ), found


def _values(sheet: str, r: int, line: list[_Cell], headers: list[str]) -> tuple[list[str], list[Finding]]:
    values, found = [], []
    for c, cell in enumerate(line[1:], start=2):
        header = headers[c - 1] if c <= len(headers) else ""
        where = {"sheet": sheet, "row": r, "column": header or None, "value": shortened(cell.text), "cell": cell_name(r, c)}
        if not cell.text:
            values.append("")
            continue
        if not header:
            found.append(finding("free_table_no_header", **where, header_cell=cell_name(1, c)))
            continue
        try:
            values.append(printed_value(cell.text))
        except NumberParseError as error:
            found.append(finding("free_table_not_number", **where, expected=error.reason_sv))
            values.append("")
    while values and not values[-1]:
        values.pop()
    return values, found


def _area(sheet: str, given: list[tuple[int, str]], areas: list[EconomyRow]) -> tuple[EconomyRow | None, list[Finding]]:
    """The area the sheet names, by id or name."""
    known = ", ".join(a.id for a in areas)
    row, text = next(((r, t) for r, t in given if t), (None, ""))
    if row is None:
        return None, [finding("key_figure_area_missing", sheet=sheet, row=given[0][0] if given else None,
                              expected=known or "-")]
    match = next((a for a in areas if text.casefold() in (a.id.casefold(), a.name.casefold())), None)
    if match is None:
        return None, [finding("key_figure_area_unknown", sheet=sheet, row=row, column=None, value=shortened(text),
                              cell=cell_name(row, 2), expected=known or "-")]
    return match, []


def read_total_budget(sheet: str, table: Table, unit: str) -> tuple[EconomyTable | None, list[Finding]]:
    """The Total driftbudget sheet as the report's table (its last row printed as the result row)."""
    cells = _cells(sheet, table)
    found = [c.problem for line in cells for c in line if c.problem]
    headers = [c.text for c in cells[0]] if cells else []
    missing = [(i, h) for i, (_, h) in enumerate(TOTAL_BUDGET_COLUMNS, start=2) if h not in headers]
    if missing:
        # Named at the cell where the sheet's order puts the header (column A holds the labels).
        return None, found + [finding("total_budget_header", sheet=sheet, row=1, column=h, expected=h, cell=cell_name(1, i))
                              for i, h in missing]
    positions = {key: headers.index(h) for key, h in TOTAL_BUDGET_COLUMNS}
    lines = []
    for r, line in enumerate(cells[1:], start=2):
        label = line[0].text if line else ""
        values, problems = _amounts(sheet, r, line, positions)
        found += problems
        if not label and not any(v is not None for v in values.values()):
            continue
        found += _identity(sheet, r, label, values)
        lines.append(EconomyLine(id=f"rad-{r}", name=label, row_type="top", values=values))
    if not lines:
        return None, found
    last = lines[-1].model_copy(update={"row_type": "total"})
    return EconomyTable(title="Nämndens totala driftbudget", unit=unit, columns=[(k, h) for k, h in TOTAL_BUDGET_COLUMNS],
                        rows=lines[:-1], total=last, name_header=headers[0]), found


def _amounts(sheet: str, r: int, line: list[_Cell], positions: dict[str, int]) -> tuple[dict[str, Decimal | None], list[Finding]]:
    values: dict[str, Decimal | None] = {}
    found = []
    for key, index in positions.items():
        text = line[index].text if index < len(line) else ""
        values[key] = None
        if not text:
            continue
        try:
            quantity = _typed_quantity(text)
            values[key] = quantity.value if quantity else None
        except NumberParseError as error:
            found.append(finding("free_table_not_number", sheet=sheet, row=r, column=dict(TOTAL_BUDGET_COLUMNS)[key],
                                 value=shortened(text), cell=cell_name(r, index + 1), expected=error.reason_sv))
    return values, found


def _identity(sheet: str, r: int, label: str, values: dict[str, Decimal | None]) -> list[Finding]:
    """Avvikelse = Budget + Begärda + Prestation − Prognos, on a row that gives Budget, Prognos and Avvikelse."""
    budget, forecast, deviation = values["budget"], values["forecast"], values["deviation"]
    if budget is None or forecast is None or deviation is None:
        return []
    computed = budget + (values["requested"] or 0) + (values["performance"] or 0) - forecast
    if within_tolerance(deviation, computed):
        return []
    return [finding("total_budget_identity", sheet=sheet, row=r, column="Avvikelse", value=format_number(deviation),
                    expected=format_number(computed, 1), name=label, tolerance=format_number(TOLERANCE, 1))]


def key_figure_tables(submissions: list[Submission], areas: list[EconomyRow]) -> list[KeyFigureTable]:
    """Every placeable Nyckeltal table, in the plan's area order, then the submissions' and sheets' order."""
    tables = [table for s in submissions for sheet, cells in s.free_tables.items() if is_key_figure_sheet(sheet)
              if (table := read_key_figures(sheet, cells, areas)[0]) is not None]
    order = {a.id: index for index, a in enumerate(areas)}
    return sorted(tables, key=lambda t: order.get(t.parent or t.area, len(order)))


def total_budget_table(submission: Submission | None, unit: str) -> EconomyTable | None:
    """The economy owner's Total driftbudget, when it sent one."""
    if submission is None or TOTAL_BUDGET_SHEET not in submission.free_tables:
        return None
    return read_total_budget(TOTAL_BUDGET_SHEET, submission.free_tables[TOTAL_BUDGET_SHEET], unit)[0]


# Why a number typed as contributors do cannot be read (tertial.checking.parse.typed_number_mistake), for the message.
_TYPED_REASONS = {
    "number_date": "Excel har gjort talet till ett datum; skriv {expected} och formatera cellen som Text",
    "number_truncated": "talet slutar med ett decimaltecken utan decimaler; skriv t.ex. {expected}",
    "number_range": "ett intervall är inte ett tal; skriv ett enda tal, t.ex. {expected}",
}


def _typed_quantity(text: str) -> Quantity | None:
    """parse_quantity, but a date (5,2 that Excel made 2024-02-05), '118,' or '24–25' is not read as its first number."""
    mistake = typed_number_mistake(text)
    if mistake:
        raise NumberParseError(text, _TYPED_REASONS[mistake[0]].format(expected=mistake[1]))
    return parse_quantity(text)
