"""A cell as text: what a table cell can hold, and the text every output can keep."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.utils import get_column_letter

Table = list[list[object]]
FORMULA = "__formula__"
# In a sheet's frame: a formula whose text reads as prose ('=-fler platser', '=+ökad'), which Excel made of a
# line typed with a leading '-', '+' or '='. Like FORMULA, a marker only: the formula itself is never kept.
FORMULA_TEXT = "__formula_text__"


class Formula(str):
    """A formula cell as the reader keeps it: equal to FORMULA (so every `== FORMULA` holds), never its text;
    `prose` says whether the formula looks like a text Excel turned into a formula."""

    prose: bool

    def __new__(cls, prose: bool = False) -> Formula:
        marker = super().__new__(cls, FORMULA)
        marker.prose = prose
        return marker

    def __getnewargs__(self) -> tuple[bool]:  # pickled (between tasks) and copied with its flag
        return (self.prose,)


# A formula that is really a typed line: an optional sign, then words (letters, digits inside words, spaces and
# punctuation) with no parenthesis, operator or cell reference between them.
_PROSE = re.compile(r"[-+=]*\s*[^\W\d_][\w\s,.:;!?'’%/-]*", re.UNICODE)
_REFERENCE = re.compile(r"(?<![\w])\$?[A-Za-z]{1,3}\$?\d+(?![\w])")


def prose_formula(text: object) -> bool:
    """Whether a formula's text ('=-fler platser') reads as a line Excel turned into a formula, not a calculation.

    '=SUMMA(A1:A3)', '=A1+B2', '=-A1' and a lone name ('=Total') are calculations; a leading sign followed by words
    ('=-fler platser', '=+ökad') or several words ('=bättre resultat') are prose."""
    if not isinstance(text, str) or not text.startswith("="):
        return False
    body = text[1:].strip()
    if not _PROSE.fullmatch(body) or _REFERENCE.search(body):
        return False
    return body[:1] in "-+=" or " " in body


# Characters no cell text keeps (see clean_text): C0 controls but tab, line feed and carriage return, which
# Excel writes as _x000B_ and the like, and the XML non-characters. python-docx and openpyxl refuse them.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Merged:
    """A cell covered by a merged range: its value is lost to the range's top-left cell."""

    range: str

    def __str__(self) -> str:
        return ""


def clean_text(text: str) -> str:
    """Text as every output can hold it: CR and CRLF as line feeds, Word's manual line and page breaks
    (vertical tab, form feed) as line feeds, every other C0 control character and U+FFFE/U+FFFF removed."""
    return CONTROL_CHARS.sub(lambda m: "\n" if m[0] in "\x0b\x0c" else "", text.replace("\r\n", "\n").replace("\r", "\n"))


def shorten(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def lookalike_hint(text: str) -> str:
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


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def as_text(value: object) -> str:
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
    return nfc(clean_text(str(value)).strip())


def header_columns(table: Table) -> dict[str, int]:
    """A sheet's header texts in row 1 → column number (1-based); the first of a repeated header wins, as when reading."""
    columns: dict[str, int] = {}
    for number, value in enumerate(table[0] if table else [], start=1):
        text = as_text(value) if isinstance(value, (str, int, float, dt.date)) and value != FORMULA else ""
        if text and text not in columns:
            columns[text] = number
    return columns


def cell_address(layouts: dict[str, dict[str, int]], sheet: str | None, row: int | None, column: str | None) -> str | None:
    """'F6' for a header found in the sheet's row 1, or None when the sheet, row or header is not known."""
    if not sheet or row is None or row < 1 or not column:
        return None
    number = layouts.get(sheet, {}).get(column.strip())
    return f"{get_column_letter(number)}{row}" if number else None
