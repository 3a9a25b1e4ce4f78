"""An upload form read with its size limit enforced while the body streams, before any of it is parsed or kept.

The form is multipart/form-data (a plain HTML file picker; a small script adds drag and drop), parsed by Starlette
with python-multipart, which spools the file to a temporary file as it arrives. The size limit sits beneath the
parser: a body that declares itself too large is refused before a byte is read, and one without a declared length
is cut off the moment the bytes received pass the limit. The type limit sits in the parser: a file is refused by
its name when its part's headers end, and by its first bytes as they arrive, before any of it is spooled. Only a
workbook (.xlsx) and a zipped CSV folder (.zip) are taken, and both are ZIP containers.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import BinaryIO

from python_multipart.multipart import parse_options_header
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.types import Message, Receive

from tertial.inbox import safe_name
from tertial.reading.limits import MAX_FILE_BYTES, megabytes
from tertial.web.csv_zip import unpack_csv_zip

# The form's own fields and the multipart boundaries, beside the file itself.
FORM_OVERHEAD_BYTES = 64 * 1024
MAX_BODY_BYTES = MAX_FILE_BYTES + FORM_OVERHEAD_BYTES
MAX_FIELDS = 4  # the form has one text field (csrf); a few more are ignored, many are refused
MAX_FIELD_BYTES = 4 * 1024  # a text field's size; the CSRF token is 43 characters
WORKBOOK_SUFFIX, CSV_ZIP_SUFFIX = ".xlsx", ".zip"
ZIP_MAGIC = b"PK\x03\x04"  # the first bytes of both: a workbook is a ZIP package


class TooLarge(Exception):
    """The body is larger than the limit; raised before the body is parsed or anything is stored."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"Filen är för stor: högst {megabytes(limit - FORM_OVERHEAD_BYTES)} MB tas emot. "
                         "Kontrollera att det är rätt arbetsbok och ta bort bilder eller andra stora delar.")


class NotAForm(Exception):
    """The body is not a well-formed multipart form of at most one file."""


class WrongType(Exception):
    """A file that is neither a workbook nor a zipped CSV folder, by its name or its first bytes; raised before any of
    it is stored. The message names the file and what to do."""

    def __init__(self, name: str, by_name: bool) -> None:
        shown = name or "Filen"
        if by_name:
            text = (f"{shown} kan inte lämnas in: bara en Excel-arbetsbok (.xlsx) eller en zippad CSV-mapp (.zip) tas "
                    "emot. Spara filen i Excel som Excel-arbetsbok (.xlsx), eller packa CSV-mappen till en zip-fil, och "
                    "lämna in igen.")
        else:
            text = (f"{shown} heter som en arbetsbok eller zip-fil men är ingen: filen börjar inte som en. Spara om den "
                    "i Excel som Excel-arbetsbok (.xlsx), eller packa CSV-mappen till en zip-fil på nytt, och lämna in igen.")
        super().__init__(text)
        self.name = name


def accepted_name(name: str) -> bool:
    return name.lower().endswith((WORKBOOK_SUFFIX, CSV_ZIP_SUFFIX))


class TypedParser(MultiPartParser):
    """Starlette's multipart parser, refusing a file part that is no workbook or zip before a byte of it is spooled:
    by its name when its headers end, by its first bytes as they arrive (they may come split over chunks)."""

    _head = b""

    def on_headers_finished(self) -> None:
        super().on_headers_finished()
        upload = self._current_part.file
        self._head = b""
        if upload is not None and upload.filename and not accepted_name(upload.filename):
            raise WrongType(upload.filename, by_name=True)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        upload = self._current_part.file
        if upload is not None and len(self._head) < len(ZIP_MAGIC) and end > start:
            self._head += data[start:start + len(ZIP_MAGIC) - len(self._head)]
            if not upload.filename:  # bytes without a name: nothing says what they are
                raise WrongType("", by_name=True)
            if not ZIP_MAGIC.startswith(self._head):
                raise WrongType(upload.filename, by_name=False)
        super().on_part_data(data, start, end)

    def on_part_end(self) -> None:
        upload = self._current_part.file
        if upload is not None and 0 < len(self._head) < len(ZIP_MAGIC):  # too short to be a ZIP at all
            raise WrongType(upload.filename or "", by_name=False)
        super().on_part_end()


def declared_too_large(content_length: str | None, limit: int = MAX_BODY_BYTES) -> bool:
    """A body that says it is larger than the limit is refused before a byte of it is read."""
    return content_length is not None and content_length.isdigit() and int(content_length) > limit


def limited_receive(receive: Receive, limit: int = MAX_BODY_BYTES) -> Receive:
    """The ASGI `receive`, counting the body's bytes; TooLarge the moment they pass the limit, whatever the
    header said, so the parser never sees a byte beyond it."""
    received = 0

    async def counted() -> Message:
        nonlocal received
        message = await receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise TooLarge(limit)
        return message

    return counted


async def read_form(request: Request, limit: int = MAX_BODY_BYTES) -> FormData:
    """The form's fields and its one file (an UploadFile, spooled); the caller closes it.

    TooLarge when the body is over the limit, WrongType when the file is no workbook or zip, NotAForm when the
    parser refuses it (inside an app Starlette turns that into its own 400, which would not be our page)."""
    if declared_too_large(request.headers.get("content-length"), limit):
        raise TooLarge(limit)
    kind, _ = parse_options_header(request.headers.get("content-type", ""))
    if kind != b"multipart/form-data":
        raise NotAForm(f"not a multipart form: {kind!r}")
    counted = Request(request.scope, limited_receive(request.receive, limit))
    parser = TypedParser(counted.headers, counted.stream(), max_files=1, max_fields=MAX_FIELDS,
                         max_part_size=MAX_FIELD_BYTES)
    try:
        return await parser.parse()
    except (HTTPException, MultiPartException) as error:
        raise NotAForm(str(error)) from error


def put_in_inbox(inbox: Path, name: str, content: BinaryIO) -> Path:
    """The upload as intake takes it: a workbook as the file, a zipped CSV folder as the CSV folder it unpacks to
    (named as the zip was); NotUnpacked, and nothing kept, for a zip that cannot be taken."""
    target = inbox / (safe_name(name).lstrip("~$") or "inlamning")
    if target.suffix.lower() == CSV_ZIP_SUFFIX:
        return unpack_csv_zip(content, target.name, target)
    with target.open("wb") as out:
        shutil.copyfileobj(content, out)
    return target
