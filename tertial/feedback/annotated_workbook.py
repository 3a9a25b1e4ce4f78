"""The contributor's own workbook, annotated: the richest feedback file.

The annotated workbook is an inert copy of what the contributor sent (its sheets, values, looks
and notes, but no formula, link, name or macro: tertial.inert), with every cell that has a finding
filled (red for errors, amber for warnings) and a comment saying what to do, plus a first sheet
"Återkoppling" listing everything. Contributors usually correct that copy
and send it back, so annotating also removes Tertial's marks from an earlier round.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import tempfile
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from tertial.findings import Finding, Severity
from tertial.inert import formulas_as_text, inert_copy
from tertial.reading import check_workbook
from tertial.wording import findings_count
from tertial.workbooks import pin_xlsx_timestamps

FEEDBACK_SHEET = "Återkoppling"
AUTHOR = "Tertial"
ERROR_COLOR, WARNING_COLOR = "FFC7CE", "FFEB9C"
_FILLS = {Severity.ERROR: PatternFill("solid", fgColor=ERROR_COLOR), Severity.WARNING: PatternFill("solid", fgColor=WARNING_COLOR)}
_LABELS = {Severity.ERROR: "Fel", Severity.WARNING: "Varning"}
_TABLE_HEADERS = ("Allvarlighet", "Blad", "Cell", "Rad", "Kolumn", "Meddelande")
_TABLE_WIDTHS = (12, 18, 8, 6, 24, 100)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_EARLIER = "Tidigare kommentar"
_EARLIER_NOTE = re.compile(rf"\n\n{_EARLIER} \((?P<author>[^\n]*)\):\n(?P<text>.*)\Z", re.S)
_CHARS_PER_COMMENT_LINE = 48  # roughly what fits in a 300 pt wide comment box

CellKey = tuple[str, int, int]  # sheet title, row, column (1-based)



def annotated_workbook(original: Path, findings: list[Finding], out: Path, stamp: dt.datetime) -> Path | None:
    """Write `out`: the original xlsx with findings marked; None if the original is no readable xlsx."""
    workbook = _open(original)
    if workbook is None:
        return None
    ordered = errors_first(findings)
    _clear_previous_round(workbook)
    placed, unplaced = _place(workbook, ordered)
    for (title, row, column), group in placed.items():
        _mark(workbook[title].cell(row, column), group)
    _feedback_sheet(workbook, ordered, unplaced)
    formulas_as_text(workbook)  # a message quoting '=…' from the submission stays text too
    return _save(workbook, out, stamp)


def errors_first(findings: list[Finding]) -> list[Finding]:
    """Errors before warnings; otherwise the order validation gave (stable sort)."""
    return sorted(findings, key=lambda f: f.severity is not Severity.ERROR)


def annotatable(original: Path) -> bool:
    """An xlsx workbook (a zip), not a CSV folder or another format: an annotated copy is made of it, unless openpyxl
    cannot open it (then the reader has refused it too)."""
    # .xlsm opens too, but saving it without its macros would hand back a broken copy.
    return original.suffix.lower() == ".xlsx" and original.is_file() and zipfile.is_zipfile(original)


def _open(original: Path) -> Workbook | None:
    """An inert copy of the workbook, or None for a CSV folder, another format or a file the reader refuses."""
    if not annotatable(original):
        return None
    try:
        check_workbook(original)  # the reader's guards (size, DTDs, macros) before openpyxl parses anything
        return inert_copy(load_workbook(original))
    except Exception:  # the reader's SubmissionError, or one of the many kinds openpyxl raises for damaged files
        return None


def _save(workbook: Workbook, out: Path, stamp: dt.datetime) -> Path:
    """Save with pinned timestamps, atomically, so a reader never sees half a file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    # A staging name of its own: two workers annotating the same version must not share one.
    handle, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(handle)
    staging = Path(name)
    try:
        workbook.save(staging)
        pin_xlsx_timestamps(staging, _utc(stamp))
        os.replace(staging, out)
    finally:
        staging.unlink(missing_ok=True)
    return out


def _utc(moment: dt.datetime) -> dt.datetime:
    # pin_xlsx_timestamps writes the wall time with a Z suffix, so hand it UTC wall time.
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _clear_previous_round(workbook: Workbook) -> None:
    """Drop the feedback sheet, comments and fills Tertial added to a copy now sent back."""
    if FEEDBACK_SHEET in workbook.sheetnames:
        workbook.remove(workbook[FEEDBACK_SHEET])
    for ws in workbook.worksheets:
        for line in ws.iter_rows():
            for cell in line:
                if cell.comment is not None and cell.comment.author == AUTHOR:
                    cell.comment = _earlier_note(cell.comment.text)
                    if _fill_color(cell) in (ERROR_COLOR, WARNING_COLOR):
                        cell.fill = PatternFill()  # the fill before the first round is not known


def _earlier_note(text: str) -> Comment | None:
    """The contributor's own comment that an earlier round kept below Tertial's lines."""
    match = _EARLIER_NOTE.search(text)
    return Comment(match["text"], match["author"]) if match else None


def _fill_color(cell: Cell) -> str:
    color = cell.fill.fgColor.rgb if cell.fill is not None and cell.fill.fill_type == "solid" else None
    return color[-6:].upper() if isinstance(color, str) else ""


def _place(workbook: Workbook, findings: list[Finding]) -> tuple[dict[CellKey, list[Finding]], list[Finding]]:
    """Group findings by the cell they point at; the rest cannot be shown in a sheet."""
    placed: dict[CellKey, list[Finding]] = {}
    unplaced: list[Finding] = []
    headers: dict[str, dict[str, int]] = {}
    for finding in findings:
        ws = _visible_sheet(workbook, finding.sheet)
        if ws is None or finding.row is None or finding.row < 1:
            unplaced.append(finding)
            continue
        if ws.title not in headers:
            headers[ws.title] = _header_columns(ws)
        column = headers[ws.title].get((finding.column or "").strip(), 1)
        placed.setdefault((ws.title, finding.row, column), []).append(finding)
    return placed, unplaced


def _visible_sheet(workbook: Workbook, name: str | None) -> Worksheet | None:
    # A hidden sheet (the _tertial identity sheet) is no place for a note nobody will see.
    if not name or name not in workbook.sheetnames:
        return None
    ws = workbook[name]
    return ws if isinstance(ws, Worksheet) and ws.sheet_state == "visible" else None


def _header_columns(ws: Worksheet) -> dict[str, int]:
    """Header text in row 1 to column number; the first wins, as when reading."""
    columns: dict[str, int] = {}
    for cell in ws[1]:
        text = "" if cell.value is None else str(cell.value).strip()
        if text and text not in columns:
            columns[text] = cell.column
    return columns


def _mark(cell: Cell, group: list[Finding]) -> None:
    """Fill by the worst severity and comment with every message, errors first."""
    cell = _visible(cell)
    cell.fill = _FILLS[Severity.ERROR if any(f.severity is Severity.ERROR for f in group) else Severity.WARNING]
    lines = [_comment_line(cell, f) for f in group]
    if cell.comment is not None:  # the contributor's own note stays, below ours
        lines += ["", f"{_EARLIER} ({cell.comment.author or ''}):", cell.comment.text]
    text = "\n".join(lines)
    cell.comment = Comment(text, AUTHOR, height=_comment_height(text), width=300)


def _visible(cell: Cell) -> Cell:
    """A cell hidden under a merge can carry no comment: use the merge's top-left cell."""
    if not isinstance(cell, MergedCell):
        return cell
    for merged in cell.parent.merged_cells.ranges:
        if cell.coordinate in merged:
            return cell.parent.cell(merged.min_row, merged.min_col)
    return cell


def _comment_line(cell: Cell, finding: Finding) -> str:
    line = f"{_LABELS[finding.severity]}: {finding.message}"
    if finding.cell:  # the address too, so the comment can be acted on when read out of its cell (a printout, a copy)
        line = f"{_LABELS[finding.severity]} (cell {finding.cell}): {finding.message}"
    # A finding whose column was not found sits on the row's first cell: name its column.
    if finding.column and cell.column == 1 and _column_header(cell) != finding.column.strip():
        line = f"{_LABELS[finding.severity]} (kolumn '{finding.column}'): {finding.message}"
    return line


def _column_header(cell: Cell) -> str:
    value = cell.parent.cell(1, cell.column).value
    return "" if value is None else str(value).strip()


def _comment_height(text: str) -> float:
    lines = sum(max(1, math.ceil(len(line) / _CHARS_PER_COMMENT_LINE)) for line in text.split("\n"))
    return min(400, 20 + 15 * lines)


def _feedback_sheet(workbook: Workbook, findings: list[Finding], unplaced: list[Finding]) -> None:
    """The first sheet: a summary, what no cell shows, then every finding as a table."""
    ws = workbook.create_sheet(FEEDBACK_SHEET, 0)
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = len(findings) - errors
    ws.append(["Återkoppling från Tertial"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"{findings_count(errors, warnings, ' och ')}. Celler med fel är "
               "röda och celler med varningar gula; håll muspekaren över en markerad cell för att läsa kommentaren."])
    if unplaced:
        ws.append([])
        ws.append(["Följande syns inte som en markerad cell i arbetsboken:"])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        _finding_rows(ws, unplaced)
    ws.append([])
    _table(ws, findings)
    for index, width in enumerate(_TABLE_WIDTHS, start=1):
        ws.column_dimensions[ws.cell(1, index).column_letter].width = width
    _open_on(workbook, ws)


def _table(ws: Worksheet, findings: list[Finding]) -> None:
    ws.append(list(_TABLE_HEADERS))
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
    ws.freeze_panes = ws.cell(header_row + 1, 1).coordinate
    _finding_rows(ws, findings)
    if not findings:
        ws.append(["", "", "", "", "", "Inga synpunkter."])


def _finding_rows(ws: Worksheet, findings: list[Finding]) -> None:
    for f in findings:
        ws.append([_LABELS[f.severity], f.sheet or "", f.cell or "", f.row, f.column or "", f.message])
        ws.cell(ws.max_row, 1).fill = _FILLS[f.severity]
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _open_on(workbook: Workbook, ws: Worksheet) -> None:
    # Excel groups every sheet marked selected, so unmark the others when showing this one.
    for other in workbook.worksheets:
        other.sheet_view.tabSelected = other is ws
    workbook.active = workbook.index(ws)
