"""The upload form as `tertial serve` reads it: python-multipart under a size limit counted as the body streams."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from starlette.requests import Request

from tertial.web.upload import NotAForm, TooLarge, read_form


def _read(body: bytes, limit: int, content_type: str, length: bool = True):
    """The form read_form gives for this body, arriving in chunks as uvicorn hands it on."""
    chunks = [body[i:i + 4096] for i in range(0, len(body), 4096)] or [b""]
    messages = iter({"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks))
    headers = [(b"content-type", content_type.encode("latin-1"))] + [(b"content-length", str(len(body)).encode())] * length

    async def receive():
        return next(messages)

    async def read():
        form = await read_form(Request({"type": "http", "method": "POST", "headers": headers}, receive), limit)
        upload = form["fil"]
        return form["csrf"], upload.filename, await upload.read()

    return asyncio.run(read())


def test_the_form_keeps_the_files_bytes_and_name_exactly_and_its_limit_while_it_streams():
    content = b"PK\x03\x04" + b"\r\n--" + bytes(range(256)) * 64 + b"\r\n\r\n--not-the-boundary\r\n\n"
    request = httpx.Request("POST", "http://127.0.0.1/", data={"csrf": "kod"},
                            files={"fil": ("Förskola (1).xlsx", content, "application/octet-stream")})
    body, content_type = request.read(), request.headers["content-type"]
    assert _read(body, len(body), content_type) == ("kod", "Förskola (1).xlsx", content)
    with pytest.raises(TooLarge, match="Filen är för stor"):
        _read(body, len(body) - 1, content_type, length=False)  # no declared length: cut off as it arrives
    two = httpx.Request("POST", "http://127.0.0.1/", files=[("fil", ("a.xlsx", b"a")), ("fil", ("b.xlsx", b"b"))])
    with pytest.raises(NotAForm):
        _read(two.read(), len(content) * 2, two.headers["content-type"])
