"""An upload form read with its size limit enforced while the body streams, before any of it is parsed.

The form is multipart/form-data (a plain HTML file picker, no JavaScript). Its parts are parsed by the
standard library's MIME parser (`email`), which reads the multipart grammar of RFC 7578 as it does mail.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
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
    header = b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n"
    message = BytesParser(policy=policy.HTTP).parsebytes(header + body)
    fields, upload = {}, None
    for part in message.iter_parts() if message.is_multipart() else ():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        if part.get_filename() is None:
            fields[name] = _text(part)
        elif name == file_field:
            upload = part
    if upload is None:
        return UploadedForm(fields, "", b"")
    return UploadedForm(fields, _unescaped(upload.get_filename() or ""), upload.get_payload(decode=True) or b"")


def _text(part: Message) -> str:
    return (part.get_payload(decode=True) or b"").decode("utf-8", "replace")


def _unescaped(name: str) -> str:
    """Browsers send the file name as raw UTF-8, which the MIME parser keeps as escaped bytes."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
