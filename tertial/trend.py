"""An indicator's short history as bars: last year's outcome, this period's, the forecast.

Heights are computed here, so the template only draws them.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from tertial.numbers import format_quantity


# Bar colours, in bar order (last year, this period, the forecast): the SVG in HTML/PDF and the PNG in Word.
TREND_COLOURS = ("#9fb3c8", "#2f5d8a", "#e0a040")
# The drawing area of the small chart (SVG viewBox units): bars stand on BASE and are at most TALL high.
WIDTH, HEIGHT, BASE, TALL, STEP, BAR = 84, 36, 34.0, 30.0, 26, 20


class TrendBar(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str
    shown: str
    x: float
    y: float
    height: float


class Trend(BaseModel):
    model_config = ConfigDict(frozen=True)

    bars: list[TrendBar]
    target_y: float | None
    alt: str


def indicator_trend(name: str, unit: str, points: list[tuple[str, Decimal | None]], target: Decimal | None) -> Trend | None:
    """Bars for the points that have values; None without history (fewer than two values)."""
    present = [(label, value) for label, value in points if value is not None]
    if len(present) < 2 or any(value < 0 for _, value in present):
        return None
    top = max([value for _, value in present] + ([target] if target is not None and target > 0 else []))
    if top <= 0:
        return None
    bars = []
    for index, (label, value) in enumerate(present):
        height = round(TALL * float(value / top), 2)
        bars.append(TrendBar(label=label, shown=format_quantity(value, unit), x=4 + index * STEP, y=round(BASE - height, 2), height=height))
    target_y = round(BASE - TALL * float(target / top), 2) if target is not None and target >= 0 else None
    described = ", ".join(f"{b.label.lower()} {b.shown}" for b in bars)
    goal = f"; årsmål {format_quantity(target, unit)}" if target is not None else ""
    return Trend(bars=bars, target_y=target_y, alt=f"{name}: {described}{goal}.")
