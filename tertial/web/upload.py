"""An upload form read with its size limit enforced while the body streams, before any of it is parsed.

The form is multipart/form-data (a plain HTML file picker, no JavaScript). The usual parser, python-multipart,
is not among our dependencies; the parts are framed by their boundary (RFC 2046) and each part's headers are
read by the standard library's MIME parser (`email`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import BytesParser

from tertial.reading.limits import MAX_FILE_BYTES, megabytes

# The form's own fields and the multipart boundaries, beside the file itself.
FORM_OVERHEAD_BYTES = 64 * 1024
MAX_BODY_BYTES = MAX_FILE_BYTES + FORM_OVERHEAD_BYTES


class TooLarge(Exception):
    """The body is larger than the limit; raised before the body is parsed or anything is stored."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"Filen är för stor: högst {megabytes(limit - FORM_OVERHEAD_BYTES)} MB tas emot. "
                         "Kontrollera att det är rätt arbetsbok och ta bort bilder eller andra stora delar.")


class NotAForm(Exception):
    """The body is not a multipart form."""


@dataclass(frozen=True)
class UploadedForm:
    fields: dict[str, str]
    file_name: str
    content: bytes


def declared_too_large(content_length: str | None, limit: int = MAX_BODY_BYTES) -> bool:
    """A body that says it is larger than the limit is refused before a byte of it is read."""
    return content_length is not None and content_length.isdigit() and int(content_length) > limit


async def limited_body(chunks: AsyncIterator[bytes], limit: int = MAX_BODY_BYTES) -> bytes:
    """The body, read chunk by chunk; TooLarge the moment it passes the limit, whatever its header said."""
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > limit:
            raise TooLarge(limit)
    return bytes(body)


def parse_form(content_type: str, body: bytes, file_field: str = "fil") -> UploadedForm:
    """The form's text fields and its one file (empty when none was chosen); NotAForm when it is not multipart/form-data."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise NotAForm(content_type)
    boundary = _headers(b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n").get_boundary()
    if not boundary:
        raise NotAForm(content_type)
    fields, file_name, content = {}, "", b""
    for headers, value in _parts(body, b"--" + boundary.encode("latin-1", "replace")):
        name = headers.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        if headers.get_filename() is None:
            fields[name] = value.decode("utf-8", "replace")
        elif name == file_field:
            file_name, content = _unescaped(headers.get_filename() or ""), value
    return UploadedForm(fields, file_name, content)


def _parts(body: bytes, delimiter: bytes) -> Iterator[tuple[Message, bytes]]:
    """Each part's headers (read by the MIME parser) and its bytes, as RFC 2046 frames them: a part runs from the
    line after a delimiter to the CRLF before the next one. Found with bytes.find, so a part's size and its bytes
    (line breaks or not) cost one pass and one copy, where the MIME parser reading the whole body line by line
    would take seconds and ten times the body's size in memory."""
    start = body.find(delimiter)
    while start >= 0 and body[start + len(delimiter):start + len(delimiter) + 2] != b"--":
        line_end = body.find(b"\r\n", start)
        end = body.find(b"\r\n" + delimiter, line_end) if line_end >= 0 else -1
        if end < 0:
            return
        head_end = body.find(b"\r\n\r\n", line_end, end + 2)
        if head_end >= 0:
            yield _headers(body[line_end + 2:head_end + 4]), body[head_end + 4:end]
        start = end + 2


def _headers(block: bytes) -> Message:
    return BytesParser(policy=policy.HTTP).parsebytes(block, headersonly=True)


def _unescaped(name: str) -> str:
    """Browsers send the file name as raw UTF-8, which the MIME parser keeps as escaped bytes."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
