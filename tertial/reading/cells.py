"""A cell as text: what a table cell can hold, and the text every output can keep."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

Table = list[list[object]]
FORMULA = "__formula__"

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
