"""Charts: the economy chart (budget against forecast or outcome per verksamhetsområde, SVG and PNG, matplotlib),
and each indicator's small trend as a PNG for Word drawn with PIL (HTML draws the trend as inline SVG from the model)."""

from __future__ import annotations

import base64
import io
import threading
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on servers

import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from tertial.numbers import format_signed_mnkr  # noqa: E402
from tertial.report import EconomyTable, Report, walk_goals  # noqa: E402
from tertial.trend import BAR, BASE, STEP, TALL, TREND_COLOURS, WIDTH, Trend  # noqa: E402

# Same input, same bytes: matplotlib otherwise salts SVG ids randomly and stamps a date.
plt.rcParams["svg.hashsalt"] = "tertial"
plt.rcParams["font.family"] = "DejaVu Sans"


@dataclass(frozen=True)
class Chart:
    svg: str
    png: bytes
    alt: str

    @property
    def svg_data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")


@dataclass(frozen=True)
class Picture:
    png: bytes
    alt: str


# The picture is 2,6 cm wide: the axis gets short labels, the alt text keeps the full ones.
_SHORT_LABELS = {"Periodens utfall": "Utfall", "Prognos helår": "Prognos"}
# Drawn straight onto pixels (PIL), not as a matplotlib figure: a report has one per indicator (bench/word.py).
_SCALE = 4  # pixels per unit of the trend's SVG geometry (tertial.trend), ~330 dpi at 2,6 cm
_FONT_PX = 20  # ~4,5 pt at that size
_TARGET_COLOUR, _AXIS_COLOUR, _TEXT_COLOUR = "#bb0000", "#000000", "#000000"


def _short(label: str) -> str:
    return _SHORT_LABELS.get(label, label.removeprefix("Utfall "))  # "Utfall VB 2023" → "VB 2023"


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    # matplotlib's own copy of DejaVu Sans, the economy chart's font, so every machine draws the same pixels.
    return ImageFont.truetype(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"), size)


def _fitted(draw: ImageDraw.ImageDraw, text: str, room: float) -> ImageFont.FreeTypeFont:
    """The label's font, smaller where a long label would run into its neighbour's."""
    size = _FONT_PX
    while size > 10 and draw.textlength(text, font=_font(size)) > room:
        size -= 1
    return _font(size)


def trend_picture(trend: Trend) -> Picture:
    """The indicator's bars as a small PNG, as the HTML draws them (geometry and colours from the model), each
    bar's value above it and its short label below, the årsmål as a dashed line."""
    top_margin, bottom_margin = _FONT_PX + 8, _FONT_PX + 8
    top_unit = BASE - TALL
    image = Image.new("RGB", (WIDTH * _SCALE, top_margin + round(TALL * _SCALE) + bottom_margin), "white")
    draw = ImageDraw.Draw(image)

    def y(unit: float) -> int:
        return top_margin + round((unit - top_unit) * _SCALE)

    baseline, room = y(BASE), (STEP - 1) * _SCALE
    for index, bar in enumerate(trend.bars):
        if bar.height > 0:
            left = round(bar.x * _SCALE)
            draw.rectangle((left, y(bar.y), left + BAR * _SCALE - 1, baseline - 1), fill=TREND_COLOURS[index % len(TREND_COLOURS)])
    draw.line((0, baseline, image.width, baseline), fill=_AXIS_COLOUR, width=1)
    if trend.target_y is not None:
        target = y(trend.target_y)
        for start in range(0, image.width, 5 * _SCALE):  # dashes of 3, gaps of 2, as the HTML's stroke-dasharray
            draw.line((start, target, min(start + 3 * _SCALE, image.width) - 1, target), fill=_TARGET_COLOUR, width=2)
    for bar in trend.bars:  # the words last, over the lines
        centre, label = round((bar.x + BAR / 2) * _SCALE), _short(bar.label)
        draw.text((centre, y(bar.y) - 3), bar.shown, fill=_TEXT_COLOUR, anchor="md", font=_fitted(draw, bar.shown, room))
        draw.text((centre, baseline + 4), label, fill=_TEXT_COLOUR, anchor="mt", font=_fitted(draw, label, room))
    png = io.BytesIO()
    image.save(png, format="PNG")
    return Picture(png.getvalue(), trend.alt)


class ReportCharts:
    """Every chart of one report, each drawn once on first use and shared by HTML and Word."""

    def __init__(self, report: Report) -> None:
        self._report = report

    @cached_property
    def economy(self) -> Chart | None:
        operations = self._report.economy.operations
        return economy_chart(operations, self._report.kind != "VB") if operations else None

    @cached_property
    def trends(self) -> dict[str, Picture]:
        """Indicator id → its trend picture, for the indicators that have a trend."""
        return {i.id: trend_picture(i.trend) for goal in walk_goals(self._report.goals) for i in goal.indicators if i.trend}


# The PDF's task and the other formats' may run side by side (flows/assemble.py write_formats), each with the
# same report: the chart is drawn once for both, and never by two threads at once (pyplot is not thread-safe).
_DRAWING = threading.Lock()


def economy_chart(table: EconomyTable, tertial: bool) -> Chart | None:
    """Horizontal bars per top-level area; None when there is nothing to draw. Drawn once per table's content."""
    with _DRAWING:
        return _economy_chart_of(table.model_dump_json(), tertial)


@lru_cache(maxsize=16)
def _economy_chart_of(table_json: str, tertial: bool) -> Chart | None:
    return draw_economy_chart(EconomyTable.model_validate_json(table_json), tertial)


def draw_economy_chart(table: EconomyTable, tertial: bool) -> Chart | None:
    spent_key, spent_label = ("forecast_before", "Prognos") if tertial else ("outcome", "Utfall")
    lines = [line for line in table.rows if line.row_type == "top" and line.values.get("budget") is not None]
    if not lines or table.missing:
        return None
    names = [line.name for line in lines]
    budget = [float(line.values["budget"]) for line in lines]
    spent = [float(line.values.get(spent_key) or 0) for line in lines]
    figure, axes = plt.subplots(figsize=(7, 0.45 * len(lines) + 1.2), dpi=110)
    positions = range(len(lines))
    axes.barh([p + 0.2 for p in positions], budget, height=0.4, label="Budget", color="#9fb3c8")
    axes.barh([p - 0.2 for p in positions], spent, height=0.4, label=spent_label, color="#2f5d8a")
    axes.set_yticks(list(positions), names, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel("mnkr", fontsize=8)
    axes.legend(fontsize=8, loc="lower right")
    figure.tight_layout()
    svg, png = io.StringIO(), io.BytesIO()
    figure.savefig(svg, format="svg", metadata={"Date": None})
    figure.savefig(png, format="png", metadata={"Software": None})
    plt.close(figure)
    return Chart(svg.getvalue(), png.getvalue(), _alt(lines, spent_key, spent_label))


def _alt(lines, spent_key: str, spent_label: str) -> str:
    deviations = [(line.name, line.values.get("deviation")) for line in lines if line.values.get("deviation") is not None]
    largest = max(deviations, key=lambda item: abs(item[1]), default=None)
    text = f"Stapeldiagram: budget och {spent_label.lower()} per verksamhetsområde i mnkr, {len(lines)} områden."
    if largest:
        text += f" Störst avvikelse: {largest[0]} {format_signed_mnkr(largest[1])}."
    return text
