"""The guard: every way a workbook can be damaged, disguised or too big ends in a SubmissionError.

Nothing is unpacked or parsed before the limits in `limits.py` are checked.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

from openpyxl.utils import column_index_from_string, get_column_letter

from tertial.findings import refusal
from tertial.reading.cells import nfc
from tertial.reading.limits import (
    MAX_COLUMNS, MAX_FILE_BYTES, MAX_PARTS, MAX_RATIO, MAX_ROWS, MAX_UNPACKED_BYTES, RATIO_FLOOR, megabytes, thousands,
)

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted xlsx and old .xls are OLE2 compound files


def check_workbook(path: Path) -> None:
    """Raise SubmissionError unless the file passes every check made before openpyxl parses a workbook.

    Whatever else opens a submitted workbook (the annotated feedback copy) calls this first.
    """
    with checked_archive(path):
        pass


@contextmanager
def checked_archive(path: Path) -> Iterator[zipfile.ZipFile]:
    """The open zip, after its size, kind, parts and sheet extents have been checked."""
    _check_file_size(path)
    _sniff(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise refusal("structure_not_unpackable", file=path.name) from exc
    with archive:
        _check_package(archive, path.name)
        _check_sheet_sizes(archive, path.name)
        yield archive


def _check_file_size(path: Path) -> None:
    # Intake archives at most MAX_FILE_BYTES + 1 bytes of a larger file, so that byte is what is seen here.
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise refusal("structure_file_too_large", file=path.name, limit=megabytes(MAX_FILE_BYTES))


def _sniff(path: Path) -> None:
    """Refuse what is plainly no xlsx by its first bytes, with the likely reason."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise refusal("structure_file_empty", file=path.name)
    if head == OLE2_MAGIC:
        raise refusal(_ole2_rule(path), file=path.name)
    if head.startswith(b"%PDF"):
        raise refusal("structure_pdf", file=path.name)
    if not head.startswith(b"PK"):
        raise refusal("structure_not_xlsx", file=path.name)


def _ole2_rule(path: Path) -> str:
    """An OLE2 file is an encrypted xlsx, an old .xls, or another old Office document."""
    with path.open("rb") as handle:
        data = handle.read(MAX_UNPACKED_BYTES)
    if "EncryptedPackage".encode("utf-16-le") in data:
        return "structure_encrypted"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "structure_xls"
    return "structure_old_office"


def _check_package(archive: zipfile.ZipFile, file: str) -> None:
    """Sizes from the zip directory (zipfile never unpacks more than they say), then the kind of package."""
    infos = archive.infolist()
    unpacked = sum(i.file_size for i in infos)
    if len(infos) > MAX_PARTS or unpacked > MAX_UNPACKED_BYTES:
        raise refusal("structure_unpacked_too_large", file=file, size=megabytes(unpacked), parts=len(infos),
                      limit=megabytes(MAX_UNPACKED_BYTES))
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise refusal("structure_zip_ratio", file=file, part=info.filename, ratio=ratio)
    for info in infos:  # before any part is parsed; every part, since a part's name does not decide how it is parsed
        if _has_dtd(archive, info, file):
            raise refusal("structure_dtd", file=file, part=info.filename)
    _check_kind(archive, file)



def _check_kind(archive: zipfile.ZipFile, file: str) -> None:
    """Other Office files, macro workbooks and plain zips are refused by name and what to do instead."""
    names = set(archive.namelist())
    types = _read_part(archive, "[Content_Types].xml", file) if "[Content_Types].xml" in names else b""
    mimetype = _read_part(archive, "mimetype", file)[:200] if "mimetype" in names else b""
    xlm = ""
    if "word/document.xml" in names or b"wordprocessingml" in types:
        rule = "structure_word"
    elif b"opendocument" in mimetype:
        rule = "structure_opendocument"
    elif "xl/workbook.bin" in names:
        rule = "structure_xlsb"
    elif "xl/vbaProject.bin" in names or b"macroenabled" in types.lower():
        rule = "structure_macros"
    elif xlm := _xlm_macros(archive, names, types, file):
        rule = "structure_xlm_macros"
    elif _workbook_part(archive, file) not in names:
        rule = "structure_plain_zip"
    else:
        return
    raise refusal(rule, file=file, macro=xlm)


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
        raise refusal("structure_part_damaged", file=file, part=part) from exc
    except (RuntimeError, NotImplementedError) as exc:  # an encrypted zip entry, an unknown packing method
        raise refusal("structure_part_unsupported", file=file, part=part) from exc


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
            parts[nfc(sheet.get("name", ""))] = rels[rel_id][1]
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
        check_extent(file, name, rows, columns)
        if merged > MAX_ROWS * MAX_COLUMNS:
            raise refusal("structure_merged_too_many", file=file, sheet=name, cells=thousands(merged))


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


def check_extent(file: str, sheet: str, rows: int, columns: int) -> None:
    if rows > MAX_ROWS:
        raise refusal("structure_too_many_rows", file=file, sheet=sheet, row=rows, rows=thousands(rows), limit=thousands(MAX_ROWS))
    if columns > MAX_COLUMNS:
        raise refusal("structure_too_many_columns", file=file, sheet=sheet, column=get_column_letter(columns),
                      number=thousands(columns), limit=MAX_COLUMNS)
