"""Comparing an outcome or forecast with a target, in the indicator's direction."""

from __future__ import annotations

import re
from decimal import Decimal

from tertial.numbers import NumberParseError, parse_quantity
from tertial.plan import Indicator, Target
from tertial.vocabulary import Direction, IndicatorStatus, is_closed_target_text

_BAND_TEXT = re.compile(r"^\+/- ?(\d+(?:[,.]\d+)?) ?%$")
_MAX_TEXT = re.compile(r"^Max (\d+(?:[,.]\d+)?)")
# A miss within this share of the target counts as partly met when proposing a status.
PARTLY_MET_SHARE = Decimal("0.10")



def printed_target(raw: str) -> str:
    """A target as the report prints it: a number in the product's own form ('300000 st' → '300 000 st', '2.5 %' →
    '2,5 %'), a target text ('Ökning', '+/- 1 %') as the plan writes it. report.json keeps the plan's text."""
    if not raw or is_closed_target_text(raw):
        return raw
    try:
        quantity = parse_quantity(raw)
    except NumberParseError:
        return raw
    return f"{'+' if raw.startswith('+') else ''}{quantity}"


def target_bounds(target: Target | None, direction: Direction) -> tuple[Decimal | None, Decimal | None] | None:
    """The closed interval [low, high] of values that meet the target; None when not comparable."""
    if target is None or direction is Direction.UNKNOWN:
        return None  # without a direction Tertial does not judge the target, not even a band
    if target.text:
        band, maximum = _BAND_TEXT.match(target.text), _MAX_TEXT.match(target.text)
        if band:
            tolerance = Decimal(band[1].replace(",", "."))
            return (-tolerance, tolerance)
        if maximum:
            return (None, Decimal(maximum[1].replace(",", ".")))
        return None
    value = target.value
    if direction is Direction.HIGHER:
        return (value, None)
    if direction is Direction.LOWER:
        return (None, value)
    return (value, value)


def meets(value: Decimal, bounds: tuple[Decimal | None, Decimal | None]) -> bool:
    low, high = bounds
    return (low is None or value >= low) and (high is None or value <= high)


def latest_value(outcome: Decimal | None, forecast: Decimal | None) -> Decimal | None:
    """What the year will end at, as best known now: the forecast, else the period outcome."""
    return forecast if forecast is not None else outcome


def needs_analysis(indicator: Indicator, judged: Decimal | None) -> bool:
    """An analysis is required when there is no årsmål, or the judged value (forecast, or the VB's outcome) misses it."""
    if indicator.annual_target is None:
        return True
    bounds = target_bounds(indicator.annual_target, indicator.direction)
    return bounds is not None and judged is not None and not meets(judged, bounds)


def propose_status(indicator: Indicator, outcome: Decimal | None, forecast: Decimal | None) -> IndicatorStatus:
    """An advisory status from the data; the contributor's own status always wins."""
    value = latest_value(outcome, forecast)
    bounds = target_bounds(indicator.annual_target, indicator.direction)
    if value is None or bounds is None:
        return IndicatorStatus.EJ_MATBAR
    if meets(value, bounds):
        return IndicatorStatus.HELT
    low, high = bounds
    edge = low if low is not None and value < low else high
    gap = abs(value - edge)
    return IndicatorStatus.DELVIS if gap <= abs(edge) * PARTLY_MET_SHARE else IndicatorStatus.INTE
