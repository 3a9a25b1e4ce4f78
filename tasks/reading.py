"""Reading a submission (xlsx workbook or CSV folder) into frames of raw text.

Reading never judges content: it only finds the sheets and columns by their headers and
keeps each cell's text with its row number. Only a submission whose structure cannot be
read at all raises SubmissionError; everything else is left for validation.

Files come from outside, so reading is also the guard: every way a file can be damaged,
disguised or too big ends in a SubmissionError with a Swedish message, never in a raw
exception, and nothing is unpacked or parsed before the limits below are checked.
"""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

import csv
import datetime as dt
import io
import logging
import math
import posixpath
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

import pandas as pd
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tertial.cycle import Cycle
from tertial.errors import SubmissionError
from tertial.findings import Finding, Severity
from tertial.messages import message
from tertial.numbers import shortened
from tertial.submission import (
    ECONOMY_SHEETS, META_SHEET, OPTIONAL_ECONOMY_SHEETS, TEMPLATE_VERSION, Sheet, Submission, sheets_for,
)

Table = list[list[object]]
FORMULA = "__formula__"

# Input limits. A filled workbook is well under 1 MB with a few hundred rows; these leave a wide margin.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a workbook's parts together, unpacked; a CSV folder's files
MAX_FILE_BYTES = MAX_UNPACKED_BYTES  # a file (or folder) on disk; intake archives at most one byte more
MAX_RATIO = 100  # unpacked/packed size of one part; sheets pack 5-20 times, zip bombs about 1000
RATIO_FLOOR = 1024 * 1024  # the ratio is only judged for parts larger than this
MAX_PARTS = 10_000
MAX_ROWS = 5_000  # the last row with content, header included
MAX_COLUMNS = 200
MAX_CELL_CHARS = 20_000  # Excel's own limit is 32 767
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted xlsx and old .xls are OLE2 compound files

# Characters no cell text keeps (see clean_text): C0 controls but tab, line feed and carriage return, which
# Excel writes as _x000B_ and the like, and the XML non-characters. python-docx and openpyxl refuse them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_C0_ESCAPE = re.compile("(_x005F)?_x(00[01][0-9A-Fa-f])_")  # Excel's _x005F_ before it keeps '_x000B_' as typed

# Columns whose values are ids or closed vocabularies: a look-alike letter there is never meant.
EXACT_COLUMNS = {"status", "assessment", "period"}

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Merged:
    """A cell covered by a merged range: its value is lost to the range's top-left cell."""

    range: str

    def __str__(self) -> str:
        return ""


@task(cache_policy=NO_CACHE)
def read_submission(path: Path, cycle: Cycle) -> Submission:
    """Read a workbook or a CSV folder sent for this cycle."""
    try:
        return _read(path, cycle)
    except SubmissionError:
        raise
    except Exception as exc:  # the last line: one odd file must never stop the intake of the others
        logger.exception("unexpected error reading %s", path)
        raise SubmissionError(
            file=path.name,
            message=f"inlämningen kunde inte läsas på grund av ett oväntat fel ({type(exc).__name__}). "
                    "Originalet är sparat; kontakta controllern.",
        ) from exc


def _read(path: Path, cycle: Cycle) -> Submission:
    folder = path.is_dir()
    tables = _csv_tables(path) if folder else _workbook_tables(path)
    meta = _meta(tables, path)
    _check_identity(meta, cycle, path)
    contributor = meta["bidragsgivare"]
    frames, notes = {}, []
    for key, sheet in sheets_for(cycle.config.kind, cycle.config.year).items():
        optional = key in OPTIONAL_ECONOMY_SHEETS or (key in ECONOMY_SHEETS and cycle.economy_owner != contributor)
        if sheet.name not in tables and optional:
            continue
        try:
            frames[key] = _frame(tables, sheet, path.name, folder, notes)
        except SubmissionError as error:
            error.contributor_id, error.token = contributor, meta.get("nyckel", "")
            raise
    return Submission(
        file=path.name, cycle_id=meta["cykel"], contributor_id=contributor,
        template_version=meta["mallversion"], token=meta.get("nyckel", ""), frames=frames, notes=notes,
    )


# --- The workbook: what kind of file it is, its limits, then its cells --------------------


def _workbook_tables(path: Path) -> dict[str, Table]:
    with _checked_archive(path) as archive:
        workbook = _load(path, archive)
    return {_nfc(ws.title): _sheet_table(ws, path.name) for ws in workbook.worksheets}


def check_workbook(path: Path) -> None:
    """Raise SubmissionError unless the file passes every check made before openpyxl parses a workbook.

    Whatever else opens a submitted workbook (the annotated feedback copy) calls this first.
    """
    with _checked_archive(path):
        pass


@contextmanager
def _checked_archive(path: Path) -> Iterator[zipfile.ZipFile]:
    """The open zip, after its size, kind, parts and sheet extents have been checked."""
    _check_file_size(path)
    _sniff(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise SubmissionError(file=path.name, message="filen är ofullständig eller skadad: den ser ut som en arbetsbok men går inte att packa upp. Kanske avbröts överföringen; spara arbetsboken igen och skicka den på nytt.") from exc
    with archive:
        _check_package(archive, path.name)
        _check_sheet_sizes(archive, path.name)
        yield archive


def _check_file_size(path: Path) -> None:
    # Intake archives at most MAX_FILE_BYTES + 1 bytes of a larger file, so that byte is what is seen here.
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise SubmissionError(file=path.name, message=f"filen är för stor (över {_mb(MAX_FILE_BYTES)} MB; högst {_mb(MAX_FILE_BYTES)} MB tas emot). En ifylld arbetsbok är normalt under 1 MB: ta bort bilder och överflödiga blad och skicka igen.")


def _sniff(path: Path) -> None:
    """Refuse what is plainly no xlsx by its first bytes, with the likely reason."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise SubmissionError(file=path.name, message="filen är tom (0 byte). Spara arbetsboken och skicka den igen.")
    if head == OLE2_MAGIC:
        raise SubmissionError(file=path.name, message=_ole2_message(path))
    if head.startswith(b"%PDF"):
        raise SubmissionError(file=path.name, message="filen är en PDF, inte en Excel-arbetsbok. Skicka den ifyllda arbetsboken (.xlsx), inte en utskrift av den.")
    if not head.startswith(b"PK"):
        raise SubmissionError(file=path.name, message="filen är inte en Excel-arbetsbok (.xlsx). Spara den som .xlsx och skicka igen.")


def _ole2_message(path: Path) -> str:
    """An OLE2 file is an encrypted xlsx, an old .xls, or another old Office document."""
    with path.open("rb") as handle:
        data = handle.read(MAX_UNPACKED_BYTES)
    if "EncryptedPackage".encode("utf-16-le") in data:
        return ("arbetsboken är lösenordsskyddad (krypterad) och kan därför inte läsas. Ta bort lösenordet "
                "(Arkiv > Info > Skydda arbetsbok > Kryptera med lösenord, töm fältet), spara och skicka igen.")
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "filen är i det gamla Excel-formatet .xls. Öppna den i Excel, spara som Excel-arbetsbok (.xlsx) och skicka igen."
    return "filen är ett äldre Office-dokument, inte en Excel-arbetsbok (.xlsx). Spara den som .xlsx och skicka igen."


def _check_package(archive: zipfile.ZipFile, file: str) -> None:
    """Sizes from the zip directory (zipfile never unpacks more than they say), then the kind of package."""
    infos = archive.infolist()
    unpacked = sum(i.file_size for i in infos)
    if len(infos) > MAX_PARTS or unpacked > MAX_UNPACKED_BYTES:
        raise SubmissionError(file=file, message=f"filen är för stor uppackad ({_mb(unpacked)} MB i {len(infos)} delar; högst {_mb(MAX_UNPACKED_BYTES)} MB). En ifylld arbetsbok är normalt under 1 MB: ta bort bilder och överflödiga blad och skicka igen.")
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise SubmissionError(file=file, message=f"filen är för stor uppackad: delen '{info.filename}' packas upp {ratio} gånger större än den är packad, vilket ingen arbetsbok gör. Filen tas inte emot av säkerhetsskäl; spara om den i Excel och skicka igen.")
    for info in infos:  # before any part is parsed; every part, since a part's name does not decide how it is parsed
        if _has_dtd(archive, info, file):
            raise SubmissionError(file=file, message=f"arbetsboken innehåller otillåten XML (en DTD i delen '{info.filename}'), vilket Excel aldrig skriver. Filen tas inte emot av säkerhetsskäl; spara om den i Excel och skicka igen.")
    _check_kind(archive, file)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}" if size >= 1024 * 1024 else f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _check_kind(archive: zipfile.ZipFile, file: str) -> None:
    """Other Office files, macro workbooks and plain zips are refused by name and what to do instead."""
    names = set(archive.namelist())
    types = _read_part(archive, "[Content_Types].xml", file) if "[Content_Types].xml" in names else b""
    mimetype = _read_part(archive, "mimetype", file)[:200] if "mimetype" in names else b""
    if "word/document.xml" in names or b"wordprocessingml" in types:
        message = "filen är ett Word-dokument, inte en Excel-arbetsbok. Skicka arbetsboken (.xlsx) som Tertial skickade ut."
    elif b"opendocument" in mimetype:
        message = "filen är ett OpenDocument-dokument (t.ex. .ods från LibreOffice). Spara den som Excel-arbetsbok (.xlsx) och skicka igen."
    elif "xl/workbook.bin" in names:
        message = "filen är en binär Excel-arbetsbok (.xlsb). Spara den som Excel-arbetsbok (.xlsx) och skicka igen."
    elif "xl/vbaProject.bin" in names or b"macroenabled" in types.lower():
        message = "arbetsboken innehåller makron (.xlsm). Makron tas inte emot: spara som Excel-arbetsbok (.xlsx) och skicka igen."
    elif xlm := _xlm_macros(archive, names, types, file):
        message = (f"arbetsboken innehåller Excel 4.0-makron ({xlm}). Makron tas inte emot: för över era svar till arbetsboken som "
                   "Tertial skickade ut (eller ta bort makrobladet och namnet Auto_Open), spara som Excel-arbetsbok (.xlsx) och skicka igen.")
    elif _workbook_part(archive, file) not in names:
        message = "filen är en zip-fil men ingen Excel-arbetsbok. Skicka arbetsboken (.xlsx) som den är, inte packad."
    else:
        return
    raise SubmissionError(file=file, message=message)


# Excel 4.0 (XLM) macros live in macro sheets (and dialog sheets), run by a name such as Auto_Open.
_XLM_FOLDERS = ("xl/macrosheets/", "xl/dialogsheets/")
_XLM_KINDS = ("macrosheet", "dialogsheet")  # in content types and relationship types alike
_AUTO_NAME = re.compile(rb'<(?:[\w-]+:)?definedName\b[^>]*?\bname\s*=\s*["\'](?:_xlnm\.)?(auto_(?:open|close|activate|deactivate))\b', re.I)


def _xlm_macros(archive: zipfile.ZipFile, names: set[str], types: bytes, file: str) -> str:
    """What makes the package an XLM macro workbook, in words; '' when nothing does."""
    sheets = sorted(n for n in names if n.lower().startswith(_XLM_FOLDERS))
    if sheets:
        return f"makrobladet '{sheets[0]}'"
    workbook, rels = _workbook_relationships(archive, file)
    declared = types.decode("utf-8", "replace").lower() + " ".join(kind for kind, _ in rels.values()).lower()
    if any(kind in declared for kind in _XLM_KINDS):
        return "ett makroblad"
    auto = _AUTO_NAME.search(_read_part(archive, workbook, file)) if workbook in names else None
    return f"namnet '{auto[1].decode()}', som startar makron när arbetsboken öppnas" if auto else ""


@contextmanager
def _damage_named(file: str, part: str) -> Iterator[None]:
    """Unpacking problems of one part, as the Swedish reason."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise SubmissionError(file=file, message=f"arbetsboken är skadad: delen '{part}' kan inte packas upp. Spara om arbetsboken i Excel och skicka igen.") from exc
    except (RuntimeError, NotImplementedError) as exc:  # an encrypted zip entry, an unknown packing method
        raise SubmissionError(file=file, message=f"arbetsboken är packad på ett sätt som inte stöds (delen '{part}' är krypterad eller packad med en okänd metod). Spara om den i Excel och skicka igen.") from exc


def _read_part(archive: zipfile.ZipFile, name: str, file: str) -> bytes:
    with _damage_named(file, name):
        return archive.read(name)


class _StopParsing(Exception):
    pass


def _has_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: str) -> bool:
    """Whether a part declares a DTD (entity bombs, external entities); only its prolog is parsed."""
    found: list[bool] = []

    def doctype(*_: object) -> None:
        found.append(True)
        raise _StopParsing

    def element(*_: object) -> None:
        raise _StopParsing  # the root element: no DTD can follow

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler, parser.StartElementHandler = doctype, element
    with _damage_named(file, info.filename), archive.open(info) as stream:
        try:
            while chunk := stream.read(1 << 16):
                parser.Parse(chunk, False)
        except (_StopParsing, expat.ExpatError):
            pass  # malformed XML is openpyxl's to report
    return bool(found)


def _workbook_part(archive: zipfile.ZipFile, file: str) -> str:
    """The workbook part named by the package relationships (normally xl/workbook.xml)."""
    rels = _relationships(archive, "_rels/.rels", "", file)
    return next((target for kind, target in rels.values() if kind.endswith("/officeDocument")), "xl/workbook.xml")


def _workbook_relationships(archive: zipfile.ZipFile, file: str) -> tuple[str, dict[str, tuple[str, str]]]:
    """The workbook part and its relationships (sheets, macro sheets, external links)."""
    workbook = _workbook_part(archive, file)
    base = posixpath.dirname(workbook)
    return workbook, _relationships(archive, posixpath.join(base, "_rels", posixpath.basename(workbook) + ".rels"), base, file)


def _relationships(archive: zipfile.ZipFile, rels_part: str, base: str, file: str) -> dict[str, tuple[str, str]]:
    """Id → (type, part name) from a .rels part; empty when it is missing or unreadable."""
    if rels_part not in archive.namelist():
        return {}
    try:
        root = ElementTree.fromstring(_read_part(archive, rels_part, file))
    except ElementTree.ParseError:
        return {}
    out = {}
    for rel in root:
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), part)
    return out


def _sheet_parts(archive: zipfile.ZipFile, file: str) -> dict[str, str]:
    """Sheet name → its XML part, plus any worksheet part no sheet names (scanned all the same)."""
    workbook, rels = _workbook_relationships(archive, file)
    parts: dict[str, str] = {}
    try:
        root = ElementTree.fromstring(_read_part(archive, workbook, file))
    except (ElementTree.ParseError, KeyError):
        root = ElementTree.Element("none")
    for sheet in root.iter():
        rel_id = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        if sheet.tag.endswith("}sheet") and rel_id in rels:
            parts[_nfc(sheet.get("name", ""))] = rels[rel_id][1]
    named = set(parts.values())
    for name in archive.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml") and name not in named:
            parts[name] = name
    return {name: part for name, part in parts.items() if part in archive.namelist()}


# A cell with a value or formula (not a style-only <c/>), and a merged range, in sheet XML.
_CONTENT_CELL = re.compile(rb'\sr\s*=\s*["\']([A-Z]{1,3})([0-9]{1,7})["\'](?:[^<>]*[^/<>])?>\s*<(?:[\w-]+:)?(?:v|f|is)[\s>/]')
_MERGE = re.compile(rb'<(?:[\w-]+:)?mergeCell\s[^<>]*?\bref\s*=\s*["\']([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})["\']')


def _check_sheet_sizes(archive: zipfile.ZipFile, file: str) -> None:
    """Rows, columns and merged cells from each sheet's XML, before openpyxl builds a single cell."""
    for name, part in _sheet_parts(archive, file).items():
        rows, columns, merged = _sheet_extent(archive, part, file)
        _check_extent(file, name, rows, columns)
        if merged > MAX_ROWS * MAX_COLUMNS:
            raise SubmissionError(file=file, sheet=name, message=f"bladet har sammanfogade celler som täcker {_thousands(merged)} celler, fler än ett blad i en inlämning kan ha. Dela upp de sammanfogade cellerna och skicka igen.")


def _sheet_extent(archive: zipfile.ZipFile, part: str, file: str) -> tuple[int, int, int]:
    """(last row, last column) holding content or a merge, and the cells merged ranges cover."""
    rows = columns = merged = 0
    tail = b""
    with _damage_named(file, part), archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            cells = set(_CONTENT_CELL.findall(data))
            if cells:
                rows = max(rows, *(int(r) for _, r in cells))
                columns = max(columns, *(column_index_from_string(c.decode()) for c in {c for c, _ in cells}))
            for a, r1, b, r2 in set(_MERGE.findall(data)):
                first, last = sorted((column_index_from_string(a.decode()), column_index_from_string(b.decode())))
                rows, columns = max(rows, int(r1), int(r2)), max(columns, last)
                merged += (abs(int(r2) - int(r1)) + 1) * (last - first + 1)
            tail = data[-512:]
    return rows, columns, merged


def _check_extent(file: str, sheet: str, rows: int, columns: int) -> None:
    if rows > MAX_ROWS:
        raise SubmissionError(file=file, sheet=sheet, row=rows, message=f"bladet har innehåll ända ned till rad {_thousands(rows)}, men högst {_thousands(MAX_ROWS)} rader tas emot. Ta bort raderna under era poster och skicka igen.")
    if columns > MAX_COLUMNS:
        raise SubmissionError(file=file, sheet=sheet, column=get_column_letter(columns), message=f"bladet har innehåll ända bort i kolumn {get_column_letter(columns)} (kolumn {_thousands(columns)}), men högst {MAX_COLUMNS} kolumner tas emot. Ta bort innehållet längst till höger och skicka igen.")


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def _load(path: Path, archive: zipfile.ZipFile) -> Workbook:
    """openpyxl's workbook, from a handle so the content decides and not the file name's suffix."""
    try:
        with path.open("rb") as handle:
            return load_workbook(handle, data_only=False, read_only=False)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        part = _first_damaged_part(archive)
        raise SubmissionError(file=path.name, message=f"arbetsboken är skadad: delen '{part}' kan inte packas upp. Spara om arbetsboken i Excel och skicka igen.") from exc
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise SubmissionError(file=path.name, message=f"arbetsboken kan inte läsas ({type(exc).__name__}). Spara om den i Excel och skicka igen.") from exc


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
    _check_extent(file, _nfc(ws.title), rows, columns)
    if not rows:
        return []
    covered = _covered_cells(ws, rows, columns)
    return [
        [covered.get((c.row, c.column)) or _cell_value(c) for c in line]
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
        return FORMULA
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        # Excel stores 34,5 % as 0.345 in a percent-formatted cell.
        return f"{(Decimal(str(value)) * 100).normalize():f} %"
    if isinstance(value, str):
        # Excel writes a control character as _x000B_; read it as the character it is, for clean_text to
        # handle. Only C0 escapes: any other '_xHHHH_' is left as typed (openpyxl writes those unescaped).
        return _C0_ESCAPE.sub(lambda m: m[0][len("_x005F"):] if m[1] else chr(int(m[2], 16)), value)
    return value


# --- The CSV folder --------------------------------------------------------------------


def _csv_tables(folder: Path) -> dict[str, Table]:
    files = sorted(folder.glob("*.csv"))
    # Every file counts, as intake archives at most MAX_FILE_BYTES + 1 bytes of the whole folder.
    size = sum(f.lstat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())
    if size > MAX_FILE_BYTES:
        raise SubmissionError(file=folder.name, message=f"CSV-filerna är för stora ({_mb(size)} MB; högst {_mb(MAX_FILE_BYTES)} MB). Skicka bara de filer Tertial skickade ut.")
    tables: dict[str, Table] = {}
    names = {s.key: s.name for s in sheets_for_any()}
    for file in files:
        name = names.get(_nfc(file.stem), _nfc(file.stem))
        tables[name] = _csv_rows(file, folder.name, name)
    return tables


def _csv_rows(file: Path, folder: str, sheet: str) -> Table:
    text = _decode(file)
    # Read from a stream, not split lines, so quoted cells may hold line breaks.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        return [[_unescape(c) for c in r] for r in reader]
    except csv.Error as exc:  # a field longer than the csv module's limit (131 072 characters)
        raise SubmissionError(file=folder, sheet=sheet, row=reader.line_num, message=f"filen '{file.name}' kan inte läsas från rad {reader.line_num}: ett fält är för långt eller felaktigt citerat ({exc}). Högst {_thousands(MAX_CELL_CHARS)} tecken per cell tas emot.") from exc


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
    from tertial.vocabulary import ReportKind

    sheets = {s.key: s for kind in (ReportKind.T1, ReportKind.VB) for s in sheets_for(kind, 2000).values()}
    return [*sheets.values(), Sheet(META_SHEET, META_SHEET, (), "")]


# --- Identity: the hidden sheet _tertial ------------------------------------------------


def _meta(tables: dict[str, Table], path: Path) -> dict[str, str]:
    if META_SHEET not in tables:
        where = "filen '_tertial.csv' saknas i mappen" if path.is_dir() else "det dolda bladet '_tertial' saknas"
        raise SubmissionError(
            file=path.name, sheet=META_SHEET,
            message=f"{where}, så inlämningen kan inte kopplas till en cykel. Använd {'CSV-filerna' if path.is_dir() else 'arbetsboken'} som Tertial skickade ut.",
        )
    meta = {_text(r[0]): r[1] for r in tables[META_SHEET] if len(r) >= 2 and _text(r[0])}
    for key in ("cykel", "bidragsgivare", "mallversion"):
        if meta.get(key) == FORMULA:
            raise SubmissionError(file=path.name, sheet=META_SHEET, column=key, message=f"uppgiften '{key}' i bladet '_tertial' är en formel. Använd arbetsboken som Tertial skickade ut.")
        if not _text(meta.get(key)):
            raise SubmissionError(file=path.name, sheet=META_SHEET, column=key, message=f"uppgiften '{key}' saknas i bladet '_tertial'.")
    return {key: _shorten(_text(value)) for key, value in meta.items()}


def _shorten(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _check_identity(meta: dict[str, str], cycle: Cycle, path: Path) -> None:
    if meta["cykel"] != cycle.config.id:
        raise SubmissionError(file=path.name, sheet=META_SHEET, column="cykel",
                              message=f"arbetsboken hör till cykeln '{meta['cykel']}', inte '{cycle.config.id}'. Använd årets arbetsbok.{_lookalike_hint(meta['cykel'])}")
    if meta["mallversion"] != TEMPLATE_VERSION:
        raise SubmissionError(file=path.name, sheet=META_SHEET, column="mallversion",
                              message=f"mallversion {meta['mallversion']} stöds inte (förväntad {TEMPLATE_VERSION}). Använd den senast utskickade arbetsboken.")
    known = [c.id for c in cycle.config.contributors]
    if meta["bidragsgivare"] not in known:
        raise SubmissionError(file=path.name, sheet=META_SHEET, column="bidragsgivare",
                              message=f"bidragsgivaren '{meta['bidragsgivare']}' finns inte i cykeln.{_lookalike_hint(meta['bidragsgivare'])}")


# --- Sheets into frames -----------------------------------------------------------------


def _frame(tables: dict[str, Table], sheet: Sheet, file: str, folder: bool = False,
           notes: list[Finding] | None = None) -> pd.DataFrame:
    """The sheet's rows by column key; a note in `notes` for each cell whose text was cleaned."""
    if sheet.name not in tables:
        raise _missing_sheet(tables, sheet, file, folder)
    rows = tables[sheet.name]
    positions = _positions(rows, sheet, file)
    headers = [_text(h) for h in (rows[0] if rows else [])]
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
        return SubmissionError(file=file, sheet=sheet.name, message=f"filen '{sheet.key}.csv' saknas i mappen. Byt inte namn på och ta inte bort filer.")
    similar = [t for t in tables if sheet.name.casefold() in t.casefold()]
    hint = f" Arbetsboken har bladet '{similar[0]}': byt tillbaka namnet till '{sheet.name}'." if similar else ""
    return SubmissionError(file=file, sheet=sheet.name, message=f"bladet '{sheet.name}' saknas. Byt inte namn på och ta inte bort blad i arbetsboken.{hint}")


def _positions(rows: Table, sheet: Sheet, file: str) -> dict[str, int]:
    """Column key → index, found by header text in row 1."""
    headers = [_text(h) for h in (rows[0] if rows else [])]
    positions = {}
    for column in sheet.columns:
        if column.header in headers:
            positions[column.key] = headers.index(column.header)
        elif column.required:
            raise SubmissionError(file=file, sheet=sheet.name, row=1, column=column.header,
                                  message=f"kolumnen '{column.header}' saknas i rubrikraden.{_header_hint(rows, headers, column.header)}")
    return positions


def _header_hint(rows: Table, headers: list[str], header: str) -> str:
    """Why a header was not found, when the reason is plain: another row, or other spelling."""
    for number, row in enumerate(rows[1:5], start=2):
        if header in (_text(v) for v in row):
            return f" Rubrikerna ska stå på rad 1, men '{header}' står på rad {number}: ta bort raderna ovanför rubrikerna."
    loose = "".join(header.split()).casefold()
    near = [h for h in headers if "".join(h.split()).casefold() == loose]
    return f" Det finns en kolumn '{near[0]}', men rubriken måste stavas exakt '{header}'." if near else ""


def _cell_text(row: list[object], index: int, sheet: Sheet, key: str, number: int, file: str, headers: list[str]) -> str:
    """One recognised cell as text; merged, overlong and look-alike values are refused by name."""
    value = row[index] if index < len(row) else None
    header = sheet.column(key).header
    where = {"file": file, "sheet": sheet.name, "row": number, "column": header}
    if isinstance(value, Merged):
        raise _merged_error(value, header, number, sheet, file, headers)
    text = _text(value)
    if len(text) > MAX_CELL_CHARS:
        raise SubmissionError(**where, message=f"cellen innehåller {_thousands(len(text))} tecken, men högst {_thousands(MAX_CELL_CHARS)} tas emot. Korta texten och skicka igen.")
    if (key == sheet.id_column or key in EXACT_COLUMNS) and _lookalike_hint(text):
        raise SubmissionError(**where, message=f"värdet '{_shorten(text)}' känns inte igen.{_lookalike_hint(text)} Skriv om värdet{' eller välj det i listan' if key in EXACT_COLUMNS else ''} och skicka igen.")
    return text


def _merged_error(merged: Merged, header: str, number: int, sheet: Sheet, file: str, headers: list[str]) -> SubmissionError:
    """Located at the range's top-left cell, the one a contributor sees (and where a note can be put)."""
    first_column, first_row, _, _ = range_boundaries(merged.range)
    anchor = headers[first_column - 1] if first_column <= len(headers) and headers[first_column - 1] else header
    return SubmissionError(
        file=file, sheet=sheet.name, row=first_row, column=anchor,
        message=f"cellerna {merged.range} är sammanfogade, så värdet i kolumnen '{header}' på rad {number} kan inte läsas. "
                "Dela upp de sammanfogade cellerna, fyll i varje cell för sig och skicka igen.",
    )


def _cleaning_notes(row: list[object], positions: dict[str, int], record: dict[str, str], sheet: Sheet,
                    number: int) -> list[Finding]:
    """A warning for each cell that held control characters: removed, so no output ever refuses the text."""
    return [
        Finding("text_cleaned", Severity.WARNING, message("text_cleaned"), sheet=sheet.name, row=number,
                column=sheet.column(key).header, value=shortened(record[key]))
        for key, i in positions.items()
        if i < len(row) and isinstance(row[i], str) and _CONTROL.search(row[i])
    ]


def clean_text(text: str) -> str:
    """Text as every output can hold it: CR and CRLF as line feeds, Word's manual line and page breaks
    (vertical tab, form feed) as line feeds, every other C0 control character and U+FFFE/U+FFFF removed."""
    return _CONTROL.sub(lambda m: "\n" if m[0] in "\x0b\x0c" else "", text.replace("\r\n", "\n").replace("\r", "\n"))


def _lookalike_hint(text: str) -> str:
    """A sentence naming a Cyrillic or Greek letter inside otherwise Latin text; '' when there is none."""
    if not any(c.isascii() and c.isalnum() for c in text):
        return ""
    for char in text:
        name = unicodedata.name(char, "")
        script = "kyrilliska" if name.startswith("CYRILLIC") else "grekiska" if name.startswith("GREEK") else ""
        if script and char.isalpha():
            return (f" Det innehåller den {script} bokstaven '{char}' (U+{ord(char):04X}), som ser ut som en latinsk"
                    " bokstav men är ett annat tecken (t.ex. inklistrat från en annan källa).")
    return ""


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _text(value: object) -> str:
    """A cell as text: dates as ISO, numbers without float noise or exponent, empty as ''."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)  # 'inf', which validation reports as not a number
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{Decimal(repr(value)).normalize():f}"  # the shortest decimal, never '1E-7' or binary noise
    return _nfc(clean_text(str(value)).strip())
