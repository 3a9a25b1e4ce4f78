"""An upload form read with its size limit enforced while the body streams, before any of it is parsed or kept.

The form is multipart/form-data (a plain HTML file picker, no JavaScript), parsed by Starlette with
python-multipart, which spools the file to a temporary file as it arrives. The limit sits beneath the parser:
a body that declares itself too large is refused before a byte is read, and one without a declared length
is cut off the moment the bytes received pass the limit.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.types import Message, Receive

from tertial.reading.limits import MAX_FILE_BYTES, megabytes

# The form's own fields and the multipart boundaries, beside the file itself.
FORM_OVERHEAD_BYTES = 64 * 1024
MAX_BODY_BYTES = MAX_FILE_BYTES + FORM_OVERHEAD_BYTES
MAX_FIELDS = 4  # the form has one text field (csrf); a few more are ignored, many are refused
MAX_FIELD_BYTES = 4 * 1024  # a text field's size; the CSRF token is 43 characters


class TooLarge(Exception):
    """The body is larger than the limit; raised before the body is parsed or anything is stored."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"Filen är för stor: högst {megabytes(limit - FORM_OVERHEAD_BYTES)} MB tas emot. "
                         "Kontrollera att det är rätt arbetsbok och ta bort bilder eller andra stora delar.")


class NotAForm(Exception):
    """The body is not a well-formed multipart form of at most one file."""


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

    TooLarge when the body is over the limit, NotAForm when the parser refuses it (inside an app Starlette
    turns that into its own 400, which would not be our page)."""
    if declared_too_large(request.headers.get("content-length"), limit):
        raise TooLarge(limit)
    counted = Request(request.scope, limited_receive(request.receive, limit))
    try:
        return await counted.form(max_files=1, max_fields=MAX_FIELDS, max_part_size=MAX_FIELD_BYTES)
    except (HTTPException, MultiPartException) as error:
        raise NotAForm(str(error)) from error
