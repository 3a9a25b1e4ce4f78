"""Lenient parsing and canonical formatting of Swedish numbers.

Contributors type what they are used to: ``34,5 %``, ``1 150``, ``−0,6``, ``1600 st``,
``16,6 barn/avd.``. We parse leniently, keep the unit we saw, and print canonically
through Babel so every report looks the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from babel.numbers import format_decimal

LOCALE = "sv_SE"

# Every character people (and Excel) use as a thousands separator or minus sign.
_SPACES = "\u0020\u00a0\u202f\u2009\u2007"
_MINUSES = "-\u2212\u2013\u2012"
_NUMBER = re.compile(
    rf"^(?P<sign>[{_MINUSES}+])?\s*(?P<int>\d{{1,3}}(?:[{_SPACES}]\d{{3}})+|\d+)(?:[,.](?P<frac>\d+))?\s*(?P<unit>.*)$"
)
# '1,5E+03' pasted from a calculator: read as 1,5 with the unit 'E+03' it would be silently wrong.
_EXPONENT = re.compile(rf"^[eE][{_MINUSES}+]?\d+\b")

# What a report can hold: a quadrillion has 16 digits, the smallest share anyone types well over 20 decimals.
# The limits keep every accepted value printable (format_number works with this many digits) and small.
MAX_INTEGER_DIGITS = 15
MAX_DECIMALS = 20
_PRECISION = 3 * (MAX_INTEGER_DIGITS + MAX_DECIMALS)  # room for sums and ratios of accepted values


# The findings a number that cannot be read makes (NumberParseError.rule_id), each with its message.
RULES = ("number_invalid", "number_too_long", "number_exponent")


class NumberParseError(ValueError):
    """The text is not a number; ``reason_sv`` says why, in Swedish; ``rule_id`` names the finding it makes."""

    def __init__(self, raw: str, reason_sv: str, rule_id: str = "number_invalid") -> None:
        super().__init__(f"{shortened(raw)!r}: {reason_sv}")
        self.raw = raw
        self.reason_sv = reason_sv
        self.rule_id = rule_id


@dataclass(frozen=True)
class Quantity:
    """A parsed number with the unit written after it ('' when none)."""

    value: Decimal
    unit: str = ""

    def __str__(self) -> str:
        return format_quantity(self.value, self.unit)


def parse_quantity(raw: object) -> Quantity | None:
    """Parse a cell into a Quantity; None for an empty cell.

    Raises NumberParseError for text that is not a number.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise NumberParseError(str(raw), "ett sanningsvärde är inte ett tal")
    if isinstance(raw, (int, float, Decimal)):
        return Quantity(_within_limits(_to_decimal(raw)))
    text = str(raw).strip()
    if not text:
        return None
    match = _NUMBER.match(text)
    if match is None:
        raise NumberParseError(text, "texten är inte ett tal")
    if _EXPONENT.match(match["unit"]):
        raise NumberParseError(text, "talet är skrivet med exponent (e)", "number_exponent")
    digits = re.sub(f"[{_SPACES}]", "", match["int"])
    _check_digits(text, len(digits.lstrip("0")), len(match["frac"] or ""))
    if match["frac"]:
        digits += "." + match["frac"]
    value = Decimal(digits)
    if match["sign"] and match["sign"] in _MINUSES:
        value = -value
    unit = " ".join(match["unit"].split())
    if unit and unit[0].isdigit():
        raise NumberParseError(text, "texten innehåller flera tal")
    return Quantity(value, unit)


def _check_digits(raw: str, integer_digits: int, decimals: int) -> None:
    """Checked on the text, before a Decimal of thousands of digits is ever made."""
    if integer_digits > MAX_INTEGER_DIGITS:
        raise NumberParseError(raw, f"talet har {integer_digits} siffror före decimalkommat (högst {MAX_INTEGER_DIGITS})",
                               "number_too_long")
    if decimals > MAX_DECIMALS:
        raise NumberParseError(raw, f"talet har {decimals} decimaler (högst {MAX_DECIMALS})", "number_too_long")


def _within_limits(value: Decimal) -> Decimal:
    """A number cell (1E+300 is a float like any other) held to the limits of a typed number."""
    if not value.is_finite():
        raise NumberParseError(str(value), "värdet är inte ett ändligt tal")
    _, digits, exponent = value.as_tuple()
    if value:
        _check_digits(f"{value:f}", max(0, len(digits) + exponent), max(0, -exponent))
    return value


def shortened(text: str, limit: int = 40) -> str:
    """A value for a message: a 5 000-digit number is shown by its start and its length."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} tecken)"


def parse_number(raw: object) -> Decimal | None:
    """Parse a cell into a Decimal, ignoring any unit; None for an empty cell."""
    quantity = parse_quantity(raw)
    return None if quantity is None else quantity.value


def _to_decimal(number: int | float | Decimal) -> Decimal:
    try:
        # str() first so 0.1 stays 0.1 and not its binary expansion.
        return Decimal(str(number)).normalize() if isinstance(number, float) else Decimal(number)
    except InvalidOperation as exc:  # NaN, inf
        raise NumberParseError(str(number), "värdet är inte ett ändligt tal") from exc


def decimals_of(value: Decimal) -> int:
    """How many decimals the value was written with (0 for integers)."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def format_number(value: Decimal | float | int | None, decimals: int | None = None) -> str:
    """Swedish canonical form: decimal comma, non-breaking space between thousands."""
    if value is None:
        return ""
    value = Decimal(str(value))
    places = decimals_of(value) if decimals is None else decimals
    # The reports round half up (1,25 → 1,3); Babel alone would round half to even.
    pattern = "#,##0" + ("." + "0" * places if places else "")
    value = rounded_half_up(value, places)
    with localcontext(prec=_PRECISION):
        return format_decimal(value, format=pattern, locale=LOCALE)


def rounded_half_up(value: Decimal, places: int) -> Decimal:
    """`value` as printed: half up (away from zero, as the reports and Excel round: 16,75 → 16,8, −0,05 → −0,1),
    and a figure that rounds to zero is zero, never −0,0."""
    rounded = quantized(value, places, ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded


def quantized(value: Decimal, places: int, rounding: str | None = None) -> Decimal:
    """`value` to `places` decimals (the context's rounding unless told), in a context wide enough for any sum
    or ratio of accepted values: the default context's 28 digits are too few for some, and raise."""
    with localcontext(prec=_PRECISION):
        return value.quantize(Decimal(1).scaleb(-places), rounding=rounding)


def format_quantity(value: Decimal | None, unit: str = "", decimals: int | None = None) -> str:
    """A number followed by its unit, with the space Swedish typography wants (``34,5 %``)."""
    if value is None:
        return ""
    number = format_number(value, decimals)
    return f"{number}\u00a0{unit}" if unit else number


def format_signed_mnkr(value: Decimal) -> str:
    """Deviation headings as printed in the reports: ``+15,0 mnkr``, ``-9,6 mnkr``, ``±0 mnkr``."""
    return format_signed(value, 1, "mnkr")


def format_signed(value: Decimal, decimals: int, unit: str, minus: str = "-", spaced: bool = False) -> str:
    """A signed amount as a heading prints it: ``+3,2 mnkr``, ``−1,4 mnkr`` (the minus the profile uses), ``±0 mnkr``.

    The figure is `format_number`'s, so a heading shows exactly what the table prints for the row; a value that
    prints as zero is ``±0`` whatever its sign. `spaced` puts a space after the sign (``+ 0,3 mnkr``).
    """
    figure = format_number(abs(value), decimals)
    gap = " " if spaced else ""
    if not any(c in "123456789" for c in figure):
        return f"±{gap}0 {unit}"
    return f"{'+' if value > 0 else minus}{gap}{figure} {unit}"


def to_decimal(value: object) -> Decimal | None:
    """A float from a frame (NaN for empty) as an exact Decimal of its shortest repr."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return Decimal(str(value))
