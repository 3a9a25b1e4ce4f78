"""The upload form as `tertial serve` reads it: python-multipart under a size limit counted as the body streams, a type
limit by name and first bytes, a zipped CSV folder unpacked under the reader's limits, and how often a link may hand in."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import stat
import zipfile

import httpx
import pytest
from starlette.requests import Request

from tertial.reading.limits import MAX_PARTS, RATIO_FLOOR
from tertial.web.csv_zip import NotUnpacked
from tertial.web.rate import UploadRate
from tertial.web.upload import NotAForm, TooLarge, WrongType, put_in_inbox, read_form


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
    two = httpx.Request("POST", "http://127.0.0.1/", files=[("fil", ("a.xlsx", b"PK\x03\x04a")), ("fil", ("b.xlsx", b"PK\x03\x04b"))])
    with pytest.raises(NotAForm):
        _read(two.read(), len(content) * 2, two.headers["content-type"])


def _form(name: str, content: bytes) -> tuple[bytes, str]:
    request = httpx.Request("POST", "http://127.0.0.1/", data={"csrf": "kod"}, files={"fil": (name, content)})
    return request.read(), request.headers["content-type"]


def _parsed_until_refused(name: str, content: bytes) -> tuple[WrongType, int, int]:
    """The refusal of a file, given one byte at a time, with how many bytes of the body the parser asked for first."""
    body, content_type = _form(name, content)
    taken = 0

    async def receive():
        nonlocal taken
        taken += 1
        return {"type": "http.request", "body": body[taken - 1:taken], "more_body": taken < len(body)}

    request = Request({"type": "http", "method": "POST", "headers": [(b"content-type", content_type.encode())]}, receive)
    with pytest.raises(WrongType) as refused:
        asyncio.run(read_form(request, len(body)))
    return refused.value, taken, body.index(content) if content else len(body)


@pytest.mark.parametrize("name", ["rapport.pdf", "barn.xlsm", "barn.xls", "barn.csv", "barn.xlsx.exe"])
def test_a_file_of_another_kind_is_refused_by_its_name_before_a_byte_of_it_is_read(name):
    refused, taken, starts = _parsed_until_refused(name, b"PK\x03\x04" + b"x" * 64)
    assert refused.name == name and str(refused).startswith(f"{name} kan inte lämnas in: bara en Excel-arbetsbok (.xlsx)")
    assert "packa CSV-mappen till en zip-fil" in str(refused)
    assert taken <= starts  # the part's headers, not its content


@pytest.mark.parametrize("content", [b"%PDF-1.7 inte en arbetsbok", b"PK\x05\x06" + b"\0" * 18, b"PK\x03", b"\xd0\xcf\x11\xe0"])
def test_a_file_named_as_a_workbook_or_zip_is_refused_by_its_first_bytes_as_they_arrive(content):
    for name in ("barn.xlsx", "Barn.ZIP"):
        refused, taken, starts = _parsed_until_refused(name, content)
        assert str(refused).startswith(f"{name} heter som en arbetsbok eller zip-fil men är ingen")
        if len(content) > 3:  # three bytes that could begin a ZIP are refused only when the part ends
            assert taken <= starts + 4  # at the first byte that cannot begin a ZIP


def test_a_workbook_and_a_zip_pass_by_name_and_first_bytes_in_any_case():
    for name in ("barn.xlsx", "BARN.XLSX", "barn-csv.zip"):
        body, content_type = _form(name, b"PK\x03\x04rest")
        assert _read(body, len(body), content_type)[1:] == (name, b"PK\x03\x04rest")


def _zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> io.BytesIO:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, content in entries:
            archive.writestr(entry, content)
    packed.seek(0)
    return packed


def _link_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def test_a_zipped_csv_folder_becomes_the_csv_folder_with_only_its_csv_files_inside_it(tmp_path):
    packed = _zip([("barn/", b""), ("barn/_tertial.csv", b"falt;varde\n"), ("barn/Indikatorer.csv", b"Id;Utfall\n1;5\n"),
                   ("__MACOSX/barn/._Indikatorer.csv", b"\0\5\26\7"), ("../../utanfor.csv", b"a\n"),
                   ("C:\\Users\\anna\\Texter.csv", b"b\n"), (_link_entry("barn/Mal.csv"), b"/etc/passwd"),
                   ("barn/las-mig.txt", b"text"), ("barn/.dold.csv", b"c\n")])
    folder = put_in_inbox(tmp_path, "Barn (1).zip", packed)
    assert folder == tmp_path / "Barn (1).zip" and folder.is_dir()
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {
        "_tertial.csv": b"falt;varde\n", "Indikatorer.csv": b"Id;Utfall\n1;5\n", "utanfor.csv": b"a\n", "Texter.csv": b"b\n"}
    assert [p.name for p in tmp_path.iterdir()] == ["Barn (1).zip"] and not any(p.is_symlink() for p in folder.iterdir())
    workbook = put_in_inbox(tmp_path, "../barn.xlsx", io.BytesIO(b"PK\x03\x04bok"))
    assert workbook == tmp_path / "barn.xlsx" and workbook.read_bytes() == b"PK\x03\x04bok"


@pytest.mark.parametrize(("entries", "says"), [
    ([("barn/Indikatorer.csv", b"\0" * (2 * RATIO_FLOOR))], "tas inte emot av säkerhetsskäl: filen 'barn/Indikatorer.csv' packas upp mer än 100 gånger"),
    ([(f"{n}.csv", b"") for n in range(MAX_PARTS + 1)], "är för stor uppackad (0,0 MB i 10001 filer; högst 50 MB och 10000 filer)"),
    ([("barn/las-mig.txt", b"text"), ("xl/workbook.xml", b"<workbook/>")], "innehåller inga CSV-filer. Lämna in arbetsboken (.xlsx)"),
    ([("a/Texter.csv", b"a"), ("b/texter.CSV", b"b")], "innehåller två CSV-filer som heter texter.CSV"),
])
def test_a_zip_that_is_no_csv_folder_is_refused_by_name_and_nothing_is_kept(tmp_path, entries, says):
    with pytest.raises(NotUnpacked) as refused:
        put_in_inbox(tmp_path, "barn.zip", _zip(entries))
    assert str(refused.value).startswith("barn.zip ") and says in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_zip_is_refused_by_name(tmp_path):
    whole = _zip([("barn/Texter.csv", b"Id;Text\n" + bytes(range(256)) * 512)]).getvalue()
    cut = io.BytesIO(whole[:len(whole) // 2])
    with pytest.raises(NotUnpacked, match=r"^barn\.zip är ingen hel zip-fil och kan inte packas upp"):
        put_in_inbox(tmp_path, "barn.zip", cut)
    flipped = bytearray(whole)
    flipped[60] ^= 0xFF  # inside the packed data: the directory is whole, the content is not
    with pytest.raises(NotUnpacked, match=r"^barn\.zip är skadad: filen 'barn/Texter\.csv' i den kan inte packas upp"):
        put_in_inbox(tmp_path, "barn.zip", io.BytesIO(bytes(flipped)))


def test_a_link_may_hand_in_so_often_in_its_window_and_is_told_when_it_may_again():
    rate = UploadRate(2, 10)
    before = dt.datetime.now(dt.UTC)
    assert [rate.admit("lank-a"), rate.admit("lank-a")] == [None, None]
    again = rate.admit("lank-a")
    assert again is not None and before + dt.timedelta(minutes=9) < again <= dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10, seconds=1)
    assert rate.admit("lank-b") is None  # every link counts for itself
    assert rate.admit("lank-a") is not None  # a refused attempt is counted too: hammering never gets through


def test_the_rate_is_read_from_the_settings(monkeypatch):
    monkeypatch.setenv("TERTIAL_UPLOAD_LIMIT", "3")
    monkeypatch.setenv("TERTIAL_UPLOAD_WINDOW_MINUTES", "7")
    rate = UploadRate.from_settings()
    assert (rate.item.amount, rate.item.multiples, rate.item.get_expiry()) == (3, 7, 420)
