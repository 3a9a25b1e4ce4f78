"""Properties that must hold for every input, not just the examples: numbers, dates, economy arithmetic."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tertial.checking.prepare import prepare
from tertial.reading.cells import as_text as _text, clean_text
from tertial.economy import complete_operations, investment_deviation, operations_deviation, total, within_tolerance
from tertial.numbers import (
    MAX_DECIMALS, MAX_INTEGER_DIGITS, NumberParseError, Quantity, format_number, format_quantity, parse_quantity, shortened,
)
from tertial.plan import EconomyRow, RowType
from tertial.submission import Submission, sheets_for
from tertial.vocabulary import ReportKind

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SPACES = "\u0020\u00a0\u202f\u2009\u2007"  # thousands separators the parser accepts
MINUSES = "-\u2212\u2013\u2012"

amounts = st.decimals(min_value=-10**9, max_value=10**9, allow_nan=False, allow_infinity=False, places=2)
units = st.one_of(
    st.sampled_from(["", "%", "st", "GWh", "kg CO2e", "barn/avd.", "mnkr", "kr/inv."]),
    st.from_regex(r"[A-Za-zÅÄÖåäö%][A-Za-zÅÄÖåäö%/.]{0,6}( [A-Za-zÅÄÖåäö/.]{1,5})?", fullmatch=True),
)


# --- Numbers -------------------------------------------------------------------------------


@FAST
@given(value=st.decimals(min_value=-10**12, max_value=10**12, allow_nan=False, allow_infinity=False, places=4), unit=units)
def test_format_then_parse_gives_the_same_quantity(value, unit):
    assert parse_quantity(format_quantity(value, unit)) == Quantity(value, unit)


@st.composite
def written_numbers(draw) -> tuple[str, Decimal, str]:
    """A number as a person types it: any minus, any thousands space, comma or point, padding, a unit."""
    integer = draw(st.integers(min_value=0, max_value=10**12))
    fraction = draw(st.one_of(st.just(""), st.from_regex(r"[0-9]{1,4}", fullmatch=True)))
    sign = draw(st.sampled_from(["", "+", *MINUSES]))
    grouped = f"{integer:,}".replace(",", draw(st.sampled_from(SPACES))) if draw(st.booleans()) else str(integer)
    unit = draw(units)
    text = sign + draw(st.sampled_from(["", " "])) + grouped
    text += (draw(st.sampled_from([",", "."])) + fraction if fraction else "") + draw(st.sampled_from(["", " ", "\u00a0"])) + unit
    value = Decimal(f"{integer}.{fraction}" if fraction else str(integer))
    padding = draw(st.sampled_from(["", " ", "\t", "\u00a0 "]))
    return padding + text + padding, (-value if sign in tuple(MINUSES) else value), unit


@FAST
@given(case=written_numbers())
def test_every_way_of_writing_a_number_reads_the_same(case):
    text, value, unit = case
    quantity = parse_quantity(text)
    assert (quantity.value, quantity.unit) == (value, " ".join(unit.split()))


@FAST
@given(text=st.from_regex(r"[A-Za-zÅÄÖåäö][A-Za-zÅÄÖåäö0-9 ,.%]{0,12}", fullmatch=True))
def test_text_that_does_not_start_with_a_number_is_refused(text):
    with pytest.raises(NumberParseError):
        parse_quantity(text)


@FAST
@given(first=st.integers(0, 999), second=st.integers(0, 999), space=st.sampled_from([" ", "  ", "\t"]))
def test_two_numbers_are_refused_not_glued(first, second, space):
    """'12 34' is two numbers; '1 150' (a group of exactly three digits) is one."""
    text = f"{first}{space}{second}"
    if space == " " and len(str(second)) == 3 and len(str(first)) <= 3:
        assert parse_quantity(text).value == Decimal(f"{first}{second:03d}")
    else:
        with pytest.raises(NumberParseError):
            parse_quantity(text)


@FAST
@given(value=st.floats(allow_nan=False, allow_infinity=False))
def test_an_excel_number_cell_reads_as_its_exact_value(value):
    """The text reading makes of a float parses back to that float's shortest decimal (no '1E-7'),
    or, beyond 15 digits before the decimal comma or 20 decimals, is refused as too long."""
    exact = Decimal(repr(value))
    if value == 0 or 10**-MAX_DECIMALS <= abs(exact) < 10**MAX_INTEGER_DIGITS and -exact.normalize().as_tuple().exponent <= MAX_DECIMALS:
        assert parse_quantity(_text(value)).value == exact
    else:
        with pytest.raises(NumberParseError) as caught:
            parse_quantity(_text(value))
        assert caught.value.rule_id == "number_too_long"


@FAST
@given(digits=st.integers(MAX_INTEGER_DIGITS + 1, 6000), decimals=st.integers(0, 40), cell=st.booleans())
def test_a_number_too_long_to_print_is_refused_by_name_never_crashes(digits, decimals, cell):
    """Text or a number cell, any length: a Swedish reason naming the digits, and a shortened value."""
    text = "9" * digits + ("," + "1" * decimals if decimals else "")
    with pytest.raises(NumberParseError) as caught:
        parse_quantity(Decimal(text.replace(",", ".")) if cell else text)
    assert caught.value.rule_id == "number_too_long" and f"{digits} siffror" in caught.value.reason_sv
    assert len(shortened(text)) <= 60


@FAST
@given(value=st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**MAX_INTEGER_DIGITS) + 1,
                         max_value=10**MAX_INTEGER_DIGITS - 1, places=MAX_DECIMALS),
       decimals=st.one_of(st.none(), st.integers(0, MAX_DECIMALS)))
def test_every_accepted_number_can_be_printed(value, decimals):
    """Whatever parsing accepts, the report can print, with its own decimals or the report's."""
    quantity = parse_quantity(f"{value:f}".replace(".", ","))
    assert parse_quantity(format_number(quantity.value, decimals).replace("\u00a0", "")) is not None


# --- Dates ---------------------------------------------------------------------------------


def _activity_dates(cycle, start: object, end: object) -> tuple[pd.Timestamp, pd.Timestamp, list[str]]:
    """Reading's text of two cells, parsed by validation's preparation: (start, end, rule ids found)."""
    sheet = sheets_for(cycle.config.kind, cycle.config.year)["activities"]
    row = {c.key: "" for c in sheet.columns} | {"id": "1.1.1-A1", "start": _text(start), "end": _text(end), "status": "Pågår", "_row": 2}
    submission = Submission("test.xlsx", cycle.config.id, "barn", "1", {"activities": pd.DataFrame([row])})
    prepared = prepare(submission, cycle)
    frame = prepared.frames["activities"]
    return frame.loc[0, "start"], frame.loc[0, "end"], [f.rule_id for f in prepared.findings if f.sheet == "Aktiviteter"]


@FAST
@given(day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)), time=st.times())
def test_date_cells_and_iso_text_read_as_the_same_day(mini_cycle, day, time):
    start, end, rules = _activity_dates(mini_cycle, dt.datetime.combine(day, time), day.isoformat())
    assert (start, end) == (pd.Timestamp(day), pd.Timestamp(day)) and "date_invalid" not in rules


@FAST
@given(day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
       style=st.sampled_from(["%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%-d %B %Y", "%Y/%m/%d"]))
def test_dates_not_written_iso_are_refused(mini_cycle, day, style):
    start, end, rules = _activity_dates(mini_cycle, day.strftime(style), day.isoformat())
    assert pd.isna(start) and rules.count("date_invalid") == 1


@FAST
@given(text=st.text(max_size=30))
def test_cell_text_is_trimmed_and_composed(text):
    """Text without control characters is only trimmed and composed; the door removes the rest (clean_text)."""
    assert _text(text) == unicodedata.normalize("NFC", clean_text(text).strip())
    if text == clean_text(text):
        assert _text(text) == unicodedata.normalize("NFC", text.strip())


@FAST
@given(text=st.text(st.characters(exclude_categories=["Cs"]), max_size=60))
def test_the_door_keeps_tabs_and_line_breaks_and_nothing_else_from_c0(text):
    cleaned = clean_text(text)
    assert not any(ord(c) < 32 and c not in "\t\n" for c in cleaned) and "\ufffe" not in cleaned and "\uffff" not in cleaned
    assert cleaned.count("\n") == text.replace("\r\n", "\n").count("\n") + sum(text.replace("\r\n", "\n").count(c) for c in "\r\x0b\x0c")


# --- Economy -------------------------------------------------------------------------------

COLUMNS = ["budget", "forecast_after"]


@st.composite
def economy_rows(draw) -> list[tuple[EconomyRow, dict]]:
    count = draw(st.integers(min_value=1, max_value=8))
    rows = []
    for index in range(count):
        row_type = RowType.TOP if index == 0 else draw(st.sampled_from(list(RowType)))
        row = EconomyRow(id=f"r{index}", name=f"Rad {index}", row_type=row_type, parent=None if row_type is RowType.TOP else "r0")
        rows.append((row, {c: draw(st.one_of(st.none(), amounts)) for c in COLUMNS}))
    return rows


@FAST
@given(data=st.data(), rows=economy_rows())
def test_totals_do_not_depend_on_row_order(data, rows):
    assert total(data.draw(st.permutations(rows)), COLUMNS) == total(rows, COLUMNS)


@FAST
@given(rows=economy_rows(), varav=st.lists(st.dictionaries(st.sampled_from(COLUMNS), amounts), max_size=4))
def test_varav_rows_never_change_totals(rows, varav):
    breakdown = [(EconomyRow(id=f"v{i}", name="varav", row_type=RowType.VARAV, parent="r0"), values) for i, values in enumerate(varav)]
    assert total(rows + breakdown, COLUMNS) == total(rows, COLUMNS)
    counted = [v for r, v in rows if r.row_type is not RowType.VARAV]
    assert total(rows, COLUMNS)["budget"] == sum((v["budget"] or 0 for v in counted), Decimal(0))


@FAST
@given(budget=amounts, requested=st.one_of(st.none(), amounts), performance=st.one_of(st.none(), amounts), forecast=amounts)
def test_tertial_deviation_identity(budget, requested, performance, forecast):
    values = {"budget": budget, "requested": requested, "performance": performance, "forecast_after": forecast}
    deviation = complete_operations(values, ReportKind.T1)["deviation"]
    assert deviation == budget + (requested or 0) + (performance or 0) - forecast == operations_deviation(values, ReportKind.T2)
    assert investment_deviation({"budget": budget, "requested": requested, "forecast": forecast}, ReportKind.T1) == budget + (requested or 0) - forecast


@FAST
@given(budget=amounts, outcome=amounts, transfer=st.one_of(st.none(), amounts))
def test_vb_deviation_and_adjusted_deviation_identity(budget, outcome, transfer):
    done = complete_operations({"budget": budget, "outcome": outcome, "transfer": transfer}, ReportKind.VB)
    assert done["deviation"] == budget - outcome
    assert done["adjusted"] - done["deviation"] == (transfer or 0)
    assert within_tolerance(done["deviation"], budget - outcome) and within_tolerance(budget - outcome, done["deviation"])
