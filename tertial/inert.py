"""Workbooks that run nothing: what Tertial writes carries no formula, link, name or macro.

A submitted workbook can hide active content in many places: plain, array, data-table and
shared formulas, cell hyperlinks (javascript:, file:// and UNC paths), defined names
(cmd|' /C calc'!A0), external links, macro sheets, conditional formats, charts. Rather than
remove each kind from the submission, `inert_copy` builds a new workbook and copies over only
what is inert: cell values (a formula as its text), cell styles, comments, merged ranges,
column widths and row heights, frozen panes, sheet protection and literal drop-down lists.
Whatever openpyxl may keep that is not on that list is simply never copied.
"""

from __future__ import annotations

import re
from copy import copy

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.worksheet import Worksheet

# A drop-down whose choices are written out ("a,b,c"), which is all Tertial's handouts use.
_LITERAL_LIST = re.compile(r'"[^"]*"')


def inert_copy(source: Workbook) -> Workbook:
    """A new workbook with the worksheets of `source`, holding nothing that can run or link."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    styles: dict[tuple[int, ...], StyleArray] = {}
    for ws in source.worksheets:
        _copy_sheet(ws, workbook.create_sheet(ws.title), styles)
    return workbook


def formulas_as_text(workbook: Workbook) -> None:
    """Every cell openpyxl would write as a formula ('=…' typed as text included) becomes its text."""
    for ws in workbook.worksheets:
        for cell in ws._cells.values():  # the cells that exist; iter_rows() would create every empty one in the box
            if cell.data_type == "f":
                _set_value(cell, cell.value)


def _copy_sheet(source: Worksheet, target: Worksheet, styles: dict[tuple[int, ...], StyleArray]) -> None:
    target.sheet_state = source.sheet_state
    for cell in source._cells.values():  # openpyxl's sparse store: only cells it read
        if not isinstance(cell, MergedCell):
            _copy_cell(cell, target.cell(cell.row, cell.column), styles)
    for merged in source.merged_cells.ranges:
        target.merge_cells(merged.coord)
    for key, dimension in source.column_dimensions.items():
        column = target.column_dimensions[key]
        column.min, column.max, column.width, column.hidden = dimension.min, dimension.max, dimension.width, dimension.hidden
    for index, dimension in source.row_dimensions.items():
        target.row_dimensions[index].height, target.row_dimensions[index].hidden = dimension.height, dimension.hidden
    target.freeze_panes = source.freeze_panes
    target.protection = copy(source.protection)
    for validation in source.data_validations.dataValidation:
        if _literal_list(validation):
            target.add_data_validation(_copy_validation(validation))


def _copy_cell(source: Cell, target: Cell, styles: dict[tuple[int, ...], StyleArray]) -> None:
    _set_value(target, source.value)
    if source.has_style:
        _copy_style(source, target, styles)
    if source.comment is not None:
        target.comment = Comment(source.comment.text, source.comment.author,
                                 height=source.comment.height, width=source.comment.width)


def _copy_style(source: Cell, target: Cell, styles: dict[tuple[int, ...], StyleArray]) -> None:
    """The cell's looks. Copied once per distinct style of the source (its style ids), then by the target's ids: copying
    and registering each cell's font, fill and border again was most of an annotated workbook's time, and the
    target's style tables grow in the same order either way, so the file is the same."""
    known = tuple(source._style)
    if known not in styles:
        target.font, target.fill, target.border = copy(source.font), copy(source.fill), copy(source.border)
        target.alignment, target.protection = copy(source.alignment), copy(source.protection)
        target.number_format = source.number_format
        styles[known] = copy(target._style)
    target._style = copy(styles[known])


def _set_value(cell: Cell, value: object) -> None:
    """The value, with any kind of formula stored as the text the contributor typed."""
    if isinstance(value, ArrayFormula):
        value = value.text or ""
    elif isinstance(value, DataTableFormula):
        value = f"=TABLE({value.r1 or ''};{value.r2 or ''})"  # what Excel shows for a data table
    cell.value = value
    if cell.data_type == "f":  # openpyxl reads any text starting with '=' as a formula
        cell.data_type = "s"


def _literal_list(validation: DataValidation) -> bool:
    return (validation.type == "list" and validation.formula2 is None
            and _LITERAL_LIST.fullmatch(validation.formula1 or "") is not None)


def _copy_validation(validation: DataValidation) -> DataValidation:
    copied = DataValidation(
        type="list", formula1=validation.formula1, allow_blank=validation.allow_blank,
        showErrorMessage=validation.showErrorMessage, errorTitle=validation.errorTitle, error=validation.error,
    )
    copied.sqref = copy(validation.sqref)
    return copied
