"""Scanners for active content in what Tertial writes: formulas, links, names, macros, fields, scripts, actions.

Each `scan_*` fails an assertion naming the file (and part) that carries something that could run,
load or link when the file is opened. Markup in JSON is allowed only where it is a submitted
text kept verbatim (`HOSTILE_TEXT`), since JSON is data.
"""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

from pypdf import PdfReader

HOSTILE_TEXT = ('<script>alert(1)</script><img src=x onerror="alert(2)"><iframe src="file://///angripare/dela"></iframe>'
                '<a href="javascript:alert(3)">Läs mer</a> {{ 7*7 }} {% raw %}')


def scan(name: str, data: bytes) -> None:
    """The scanner for the file's kind; a kind without one fails, so no new output goes unscanned."""
    suffix = Path(name).suffix.lower()
    scanners = {".xlsx": scan_xlsx, ".docx": scan_docx, ".html": scan_html, ".pdf": scan_pdf, ".json": scan_json,
                ".txt": scan_text, ".ics": scan_text, ".plain": scan_text, ".sha256": scan_text}
    assert suffix in scanners, f"{name}: an output of a kind this test does not scan"
    scanners[suffix](name, data)


XLSX_ACTIVE = re.compile(rb"<(?:\w+:)?(?:f|hyperlink|definedName|externalReference|ddeLink|oleObject|conditionalFormatting)[\s>/]"
                         rb"|macrosheet|dialogsheet|externalLink|vbaProject|TargetMode=\"External\"|<!DOCTYPE", re.I)
LITERAL_LIST = re.compile(rb'<(?:\w+:)?formula1>"(?:[^"<&]|&#\d+;|&amp;)*"</(?:\w+:)?formula1>')  # "a,b,c", nothing else


def scan_xlsx(name: str, data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for part in package.namelist():
            xml = package.read(part)
            assert not XLSX_ACTIVE.search(xml), (name, part, XLSX_ACTIVE.search(xml)[0])
            # Tertial's own drop-down lists are literal choices, never a formula or a range.
            assert len(re.findall(rb"<(?:\w+:)?formula1>", xml)) == len(LITERAL_LIST.findall(xml)), (name, part)
            assert b"<formula2>" not in xml, (name, part)


DOCX_ACTIVE = re.compile(rb"<w:(?:fldSimple|instrText|fldChar|hyperlink|object|altChunk)\b|TargetMode=\"External\"|vbaProject|<!DOCTYPE")


# Tertial's own table of contents, the one field a report may carry: its instruction fixed, its links inside the document.
OWN_TOC = re.compile(rb'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> TOC '
                     rb'\\o "1-4" \\h \\z \\u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                     rb'(?P<result>.*?)<w:r><w:fldChar w:fldCharType="end"/></w:r>', re.S)


def scan_docx(name: str, data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for part in package.namelist():
            xml = package.read(part)
            if part == "word/document.xml":
                xml = OWN_TOC.sub(lambda toc: toc["result"], xml, count=1)
            hit = DOCX_ACTIVE.search(xml)
            assert hit is None, (name, part, hit and hit[0])


class _Markup(HTMLParser):
    """Every element and attribute that could run, load or link something; Tertial's own chart images are opened and scanned too."""

    ACTIVE_TAGS = {"script", "iframe", "frame", "object", "embed", "form", "base", "meta", "link", "foreignobject"}
    IMAGE = re.compile(r"data:image/(png|svg\+xml);base64,([A-Za-z0-9+/=]+)")

    def __init__(self) -> None:
        super().__init__()
        self.active: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.ACTIVE_TAGS and not (tag in ("meta", "link") and _harmless_head(attrs)):
            self.active.append(tag)
        for key, value in attrs:
            image = self.IMAGE.fullmatch(value or "") if (tag, key) == ("img", "src") else None
            if image and image[1] == "svg+xml":
                self.active += _active_markup(base64.b64decode(image[2]).decode("utf-8"))
            elif not image and (key.startswith("on") or re.match(r"\s*(javascript|vbscript|file|data):|\\\\", value or "", re.I)):
                self.active.append(f"{tag} {key}={value}")


def _harmless_head(attrs: list[tuple[str, str | None]]) -> bool:
    """<meta charset> / <meta name=viewport> and nothing that refreshes; no stylesheet from elsewhere."""
    values = dict(attrs)
    return "http-equiv" not in values and "href" not in values


def _active_markup(text: str) -> list[str]:
    parser = _Markup()
    parser.feed(text)
    return parser.active


def scan_html(name: str, data: bytes) -> None:
    assert _active_markup(data.decode("utf-8")) == [], name


def scan_pdf(name: str, data: bytes) -> None:
    reader = PdfReader(io.BytesIO(data))
    catalog = reader.trailer["/Root"]
    assert not {"/OpenAction", "/AA", "/AcroForm"} & set(catalog), (name, set(catalog))
    assert "/JavaScript" not in catalog.get("/Names", {}), name
    for page in reader.pages:
        assert "/AA" not in page, name
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            assert action.get("/S") not in ("/JavaScript", "/Launch", "/URI", "/SubmitForm", "/ImportData"), (name, action)
    for marker in (b"/JavaScript", b"/JS ", b"/Launch", b"/URI"):
        assert marker not in data, (name, marker)


def scan_json(name: str, data: bytes) -> None:
    """Data, nothing to run: it parses, and any markup in it is a submitted text kept verbatim, never Tertial's."""
    for text in strings(json.loads(data)):
        for tag in re.findall(r"<[A-Za-z/][^>]*>", text):
            assert tag in HOSTILE_TEXT, (name, tag)


def strings(value: object) -> Iterator[str]:
    """Every key and string value in parsed JSON."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def scan_text(name: str, data: bytes) -> None:
    """Plain text cannot run; it must still be text (no NUL or escape sequences that a terminal would act on)."""
    text = data.decode("utf-8")
    assert "\x1b" not in text and "\x00" not in text, name
