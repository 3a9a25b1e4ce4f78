from decimal import Decimal

import pytest

from tertial.numbers import NumberParseError, format_number, format_quantity, format_signed_mnkr, parse_quantity

NBSP = "\u00a0"


@pytest.mark.parametrize(
    "raw, value, unit",
    [
        ("34,5 %", "34.5", "%"),  # the seed's canonical percent
        ("45%", "45", "%"),  # no space before %
        ("1 150", "1150", ""),  # space as thousands separator
        (f"1{NBSP}735 GWh", "1735", "GWh"),  # non-breaking space, unit after
        ("\u2212" + "0,6", "-0.6", ""),  # Unicode minus
        ("-13,0", "-13.0", ""),
        ("1600 st", "1600", "st"),  # thousands without separator
        ("16,6 barn/avd.", "16.6", "barn/avd."),  # a unit with a slash and a dot
        ("0,05", "0.05", ""),
        (12, "12", ""),  # a number cell from Excel
        (0.345, "0.345", ""),
    ],
)
def test_parse_swedish_numbers(raw, value, unit):
    quantity = parse_quantity(raw)
    assert quantity.value == Decimal(value)
    assert quantity.unit == unit


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_empty_cells_are_none(raw):
    assert parse_quantity(raw) is None


@pytest.mark.parametrize("raw, reason", [("ca 35", "inte ett tal"), ("1 2", "flera tal"), ("Tas fram av nämnd", "inte ett tal")])
def test_text_is_rejected_with_a_swedish_reason(raw, reason):
    with pytest.raises(NumberParseError) as caught:
        parse_quantity(raw)
    assert reason in caught.value.reason_sv


def test_canonical_formatting():
    assert format_number(Decimal("2757.9"), 1) == f"2{NBSP}757,9"
    assert format_quantity(Decimal("34.5"), "%") == f"34,5{NBSP}%"
    assert format_number(Decimal("-0.6")) == "-0,6"


@pytest.mark.parametrize("value, decimals, shown", [("1.25", 1, "1,3"), ("0.05", 1, "0,1"), ("-2.45", 1, "-2,5"), ("1234.5", 0, f"1{NBSP}235"),
                                                    ("2.5", 0, "3")])
def test_rounding_is_half_up_as_in_the_reports(value, decimals, shown):
    assert format_number(Decimal(value), decimals) == shown


@pytest.mark.parametrize("value, heading", [("15.04", "+15,0 mnkr"), ("-9.6", "-9,6 mnkr"), ("0.04", "±0 mnkr"), ("-0.04", "±0 mnkr"),
                                                   ("0.05", "+0,1 mnkr"), ("-0.25", "-0,3 mnkr")])
def test_signed_deviation_headings(value, heading):
    assert format_signed_mnkr(Decimal(value)) == heading


@pytest.mark.parametrize("text", ["34,5 %", "1 150", "-13,0", "2 757,9", "0,05"])
def test_format_then_parse_round_trips(text):
    quantity = parse_quantity(text)
    assert parse_quantity(format_quantity(quantity.value, quantity.unit)) == quantity
