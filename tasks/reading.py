"""Reading a submission (xlsx workbook or CSV folder) into frames of raw text.

Reading never judges content: it only finds the sheets and columns by their headers and
keeps each cell's text with its row number. Only a submission whose structure cannot be
read at all raises SubmissionError; everything else is left for validation.
"""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell

from tertial.cycle import Cycle
from tertial.errors import SubmissionError
from tertial.submission import ECONOMY_SHEETS, META_SHEET, TEMPLATE_VERSION, Sheet, Submission, sheets_for

Table = list[list[object]]
FORMULA = "__formula__"


@task(cache_policy=NO_CACHE)
def read_submission(path: Path, cycle: Cycle) -> Submission:
    """Read a workbook or a CSV folder sent for this cycle."""
    tables = _csv_tables(path) if path.is_dir() else _workbook_tables(path)
    meta = _meta(tables, path)
    _check_identity(meta, cycle, path)
    contributor = meta["bidragsgivare"]
    frames = {}
    for key, sheet in sheets_for(cycle.config.kind, cycle.config.year).items():
        optional = key in ECONOMY_SHEETS and cycle.economy_owner != contributor
        if sheet.name not in tables and optional:
            continue
        try:
            frames[key] = _frame(tables, sheet, path.name)
        except SubmissionError as error:
            error.contributor_id = contributor
            raise
    return Submission(
        file=path.name, cycle_id=meta["cykel"], contributor_id=contributor,
        template_version=meta["mallversion"], frames=frames,
    )


def _workbook_tables(path: Path) -> dict[str, Table]:
    if not zipfile.is_zipfile(path):
        raise SubmissionError(file=path.name, message="filen är inte en Excel-arbetsbok (.xlsx). Spara den som .xlsx och skicka igen.")
    try:
        workbook = load_workbook(path, data_only=False, read_only=False)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise SubmissionError(file=path.name, message=f"arbetsboken kan inte läsas ({type(exc).__name__}). Spara om den i Excel och skicka igen.") from exc
    return {ws.title: [[_cell_value(c) for c in row] for row in ws.iter_rows()] for ws in workbook.worksheets}


def _cell_value(cell: Cell) -> object:
    value = cell.value
    if cell.data_type == "f":
        return FORMULA
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        # Excel stores 34,5 % as 0.345 in a percent-formatted cell.
        return f"{(Decimal(str(value)) * 100).normalize():f} %"
    return value


def _csv_tables(folder: Path) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    names = {s.key: s.name for s in sheets_for_any()}
    for file in sorted(folder.glob("*.csv")):
        text = _decode(file)
        # Read from a stream, not split lines, so quoted cells may hold line breaks.
        rows = [[_unescape(c) for c in r] for r in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))]
        tables[names.get(file.stem, file.stem)] = rows
    return tables


def _unescape(cell: str) -> str:
    """Undo the apostrophe that keeps formula-like text ('- punkt', '=…') from running in a spreadsheet."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell


def _delimiter(text: str) -> str:
    """The separator used in the header line: semicolon (Swedish Excel), comma or tab."""
    header = text.split("\n", 1)[0]
    return max(";,\t", key=header.count)


def _decode(file: Path) -> str:
    """UTF-8 as documented; Excel's own Swedish CSV export (Windows-1252) is accepted too."""
    data = file.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sheets_for_any() -> list[Sheet]:
    """Sheet names do not depend on kind or year, so any kind serves to map file stems."""
    from tertial.vocabulary import ReportKind

    return [*sheets_for(ReportKind.T1, 2000).values(), Sheet(META_SHEET, META_SHEET, (), "")]


def _meta(tables: dict[str, Table], path: Path) -> dict[str, str]:
    if META_SHEET not in tables:
        raise SubmissionError(
            file=path.name, sheet=META_SHEET,
            message="det dolda bladet '_tertial' saknas, så inlämningen kan inte kopplas till en cykel. Använd arbetsboken som Tertial skickade ut.",
        )
    meta = {str(r[0]).strip(): _text(r[1]) for r in tables[META_SHEET] if len(r) >= 2 and r[0]}
    for key in ("cykel", "bidragsgivare", "mallversion"):
        if not meta.get(key):
            raise SubmissionError(file=path.name, sheet=META_SHEET, column=key, message=f"uppgiften '{key}' saknas i bladet '_tertial'.")
    return meta


def _check_identity(meta: dict[str, str], cycle: Cycle, path: Path) -> None:
    if meta["cykel"] != cycle.config.id:
        raise SubmissionError(file=path.name, sheet=META_SHEET, column="cykel",
                              message=f"arbetsboken hör till cykeln '{meta['cykel']}', inte '{cycle.config.id}'. Använd årets arbetsbok.")
    if meta["mallversion"] != TEMPLATE_VERSION:
        raise SubmissionError(file=path.name, sheet=META_SHEET, column="mallversion",
                              message=f"mallversion {meta['mallversion']} stöds inte (förväntad {TEMPLATE_VERSION}). Använd den senast utskickade arbetsboken.")
    known = [c.id for c in cycle.config.contributors]
    if meta["bidragsgivare"] not in known:
        raise SubmissionError(file=path.name, sheet=META_SHEET, column="bidragsgivare",
                              message=f"bidragsgivaren '{meta['bidragsgivare']}' finns inte i cykeln.")


def _frame(tables: dict[str, Table], sheet: Sheet, file: str) -> pd.DataFrame:
    if sheet.name not in tables:
        raise SubmissionError(file=file, sheet=sheet.name, message=f"bladet '{sheet.name}' saknas. Byt inte namn på och ta inte bort blad i arbetsboken.")
    rows = tables[sheet.name]
    headers = [_text(h) for h in (rows[0] if rows else [])]
    positions = {}
    for column in sheet.columns:
        if column.header in headers:
            positions[column.key] = headers.index(column.header)
        elif column.required:
            raise SubmissionError(file=file, sheet=sheet.name, row=1, column=column.header,
                                  message=f"kolumnen '{column.header}' saknas i rubrikraden.")
    records = []
    for number, row in enumerate(rows[1:], start=2):
        record = {key: _text(row[i]) if i < len(row) else "" for key, i in positions.items()}
        if any(record.values()):
            record["_row"] = number
            records.append(record)
    columns = [c.key for c in sheet.columns if c.key in positions] + ["_row"]
    return pd.DataFrame.from_records(records, columns=columns)


def _text(value: object) -> str:
    """A cell as text: dates as ISO, numbers without float noise, empty as ''."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(Decimal(repr(value)).normalize()) if value != int(value) else str(int(value))
    return str(value).strip()
