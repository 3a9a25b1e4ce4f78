"""The CSV folder: one file per sheet, in the encodings and separators Excel writes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tertial.findings import refusal
from tertial.reading.cells import Table, nfc
from tertial.reading.limits import MAX_CELL_CHARS, MAX_FILE_BYTES, megabytes, thousands
from tertial.section_tables import TABLES_FILE_STEM, TABLES_SHEET_NAME
from tertial.submission import META_SHEET, Sheet, sheets_for
from tertial.vocabulary import ReportKind


def csv_tables(folder: Path) -> dict[str, Table]:
    files = sorted(folder.glob("*.csv"))
    # Every file counts, as intake archives at most MAX_FILE_BYTES + 1 bytes of the whole folder.
    size = sum(f.lstat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())
    if size > MAX_FILE_BYTES:
        raise refusal("structure_csv_too_large", file=folder.name, size=megabytes(size), limit=megabytes(MAX_FILE_BYTES))
    tables: dict[str, Table] = {}
    names = {s.key: s.name for s in sheets_for_any()} | {TABLES_FILE_STEM: TABLES_SHEET_NAME}
    for file in files:
        name = names.get(nfc(file.stem), nfc(file.stem))
        tables[name] = _csv_rows(file, folder.name, name)
    return tables


def _csv_rows(file: Path, folder: str, sheet: str) -> Table:
    text = _decode(file)
    # Read from a stream, not split lines, so quoted cells may hold line breaks.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        return [[_unescape(c) for c in r] for r in reader]
    except csv.Error as exc:  # a field longer than the csv module's limit (131 072 characters)
        raise refusal("structure_csv_field", file=folder, sheet=sheet, row=reader.line_num, csv_file=file.name, error=exc,
                      limit=thousands(MAX_CELL_CHARS)) from exc


def _unescape(cell: str) -> str:
    """Undo the apostrophe that keeps formula-like text ('- punkt', '=…') from running in a spreadsheet."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell


def _delimiter(text: str) -> str:
    """The separator used in the header line: semicolon (Swedish Excel), comma or tab."""
    header = text.split("\n", 1)[0]
    return max(";,\t", key=header.count)


def _decode(file: Path) -> str:
    """UTF-8 as documented; UTF-16 with a BOM (Excel's 'Unicode-text') and Windows-1252 (Excel's Swedish CSV) too."""
    data = file.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sheets_for_any() -> list[Sheet]:
    """Sheet names do not depend on the year; a tertial report and the VB together name every sheet."""
    sheets = {s.key: s for kind in (ReportKind.T1, ReportKind.VB) for s in sheets_for(kind, 2000).values()}
    return [*sheets.values(), Sheet(META_SHEET, META_SHEET, (), "")]
