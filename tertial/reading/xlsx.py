"""The workbook's cells, read by openpyxl once the guard has passed the file."""

from __future__ import annotations

import re
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tertial.findings import refusal
from tertial.reading.cells import Formula, Merged, Table, nfc, prose_formula
from tertial.reading.guard import check_extent, checked_archive
from tertial.submission import is_free_table

# Excel writes a control character typed into a cell as _x000B_ and the like.
_C0_ESCAPE = re.compile("(_x005F)?_x(00[01][0-9A-Fa-f])_")  # Excel's _x005F_ before it keeps '_x000B_' as typed


def workbook_tables(path: Path) -> dict[str, Table]:
    with checked_archive(path) as archive:
        workbook = _load(path, archive)
    return {nfc(ws.title): _sheet_table(ws, path.name) for ws in workbook.worksheets}


def _load(path: Path, archive: zipfile.ZipFile) -> Workbook:
    """openpyxl's workbook, from a handle so the content decides and not the file name's suffix."""
    try:
        with path.open("rb") as handle:
            return load_workbook(handle, data_only=False, read_only=False)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        part = _first_damaged_part(archive)
        raise refusal("structure_part_damaged", file=path.name, part=part) from exc
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise refusal("structure_unreadable", file=path.name, error=type(exc).__name__) from exc


def _first_damaged_part(archive: zipfile.ZipFile) -> str:
    for info in archive.infolist():
        try:
            with archive.open(info) as stream:
                while stream.read(1 << 20):
                    pass
        except (zipfile.BadZipFile, zlib.error, EOFError):
            return info.filename
    return "okänd"


def _sheet_table(ws: Worksheet, file: str) -> Table:
    """The sheet's cells up to the last one with content; covered merged cells marked."""
    rows, columns = _content_extent(ws)
    check_extent(file, nfc(ws.title), rows, columns)
    if not rows:
        return []
    covered = _covered_cells(ws, rows, columns)
    value = _shown_value if is_free_table(nfc(ws.title)) else _cell_value
    return [
        [covered.get((c.row, c.column)) or value(c) for c in line]
        for line in ws.iter_rows(min_row=1, max_row=rows, min_col=1, max_col=columns)
    ]


def _content_extent(ws: Worksheet) -> tuple[int, int]:
    """Last row and column with a value; iter_rows() alone would fill the whole styled bounding box."""
    rows = columns = 0
    for (row, column), cell in ws._cells.items():  # openpyxl's sparse store of the cells it read
        if cell.value is not None:
            rows, columns = max(rows, row), max(columns, column)
    return rows, columns


def _covered_cells(ws: Worksheet, rows: int, columns: int) -> dict[tuple[int, int], Merged]:
    covered = {}
    for merged in ws.merged_cells.ranges:
        marker = Merged(merged.coord)
        for row in range(merged.min_row, min(merged.max_row, rows) + 1):
            for column in range(merged.min_col, min(merged.max_col, columns) + 1):
                if (row, column) != (merged.min_row, merged.min_col):
                    covered[row, column] = marker
    return covered


def _cell_value(cell: Cell | MergedCell) -> object:
    value = cell.value
    if cell.data_type == "f":
        return Formula(prose_formula(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        # Excel stores 34,5 % as 0.345 in a percent-formatted cell.
        return f"{(Decimal(str(value)) * 100).normalize():f} %"
    if isinstance(value, str):
        # Excel writes a control character as _x000B_; read it as the character it is, for clean_text to
        # handle. Only C0 escapes: any other '_xHHHH_' is left as typed (openpyxl writes those unescaped).
        return _C0_ESCAPE.sub(lambda m: m[0][len("_x005F"):] if m[1] else chr(int(m[2], 16)), value)
    return value


# The decimals of a number format ('0.0', '#,##0.00', '0.0 "st"'), as the xlsx stores it whatever the locale.
_FORMAT_DECIMALS = re.compile(r"0\.(0+)")


def _shown_value(cell: Cell | MergedCell) -> object:
    """A free table's cell as the sheet shows it: 16,0 typed in a cell formatted with one decimal stays 16,0,
    since the report prints a key figure's decimals as written (tertial.key_figures)."""
    value = _cell_value(cell)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        match = _FORMAT_DECIMALS.search((cell.number_format or "").split(";")[0])
        if match:
            return f"{Decimal(str(value)):.{len(match[1])}f}"
    return value
