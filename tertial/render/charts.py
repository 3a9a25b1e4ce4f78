"""Charts: the economy chart (budget against forecast or outcome per verksamhetsområde, SVG and PNG),
and each indicator's small trend as a PNG for Word (HTML draws the trend as inline SVG from the model)."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from functools import cached_property

import matplotlib

matplotlib.use("Agg")  # no display on servers

import matplotlib.pyplot as plt  # noqa: E402

from tertial.numbers import format_signed_mnkr  # noqa: E402
from tertial.report import EconomyTable, Report, walk_goals  # noqa: E402
from tertial.trend import BASE, TALL, TREND_COLOURS, Trend  # noqa: E402

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


def _short(label: str) -> str:
    return _SHORT_LABELS.get(label, label.removeprefix("Utfall "))  # "Utfall VB 2023" → "VB 2023"


def trend_picture(trend: Trend) -> Picture:
    """The indicator's bars as a small PNG, heights as the model computed them, the årsmål as a dashed line."""
    figure, axes = plt.subplots(figsize=(1.3, 0.75), dpi=150)
    positions = range(len(trend.bars))
    heights = [bar.height / TALL for bar in trend.bars]
    axes.bar(list(positions), heights, width=0.7, color=[TREND_COLOURS[i % len(TREND_COLOURS)] for i in positions])
    for position, bar, height in zip(positions, trend.bars, heights):
        axes.text(position, height, bar.shown, ha="center", va="bottom", fontsize=4.5)
    if trend.target_y is not None:
        axes.axhline((BASE - trend.target_y) / TALL, color="#bb0000", linewidth=0.6, linestyle=(0, (3, 2)))
    axes.set_xticks(list(positions), [_short(bar.label) for bar in trend.bars], fontsize=4.5)
    axes.set_ylim(0, 1.25)
    axes.set_yticks([])
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.tick_params(axis="x", length=0, pad=1)
    figure.tight_layout(pad=0.2)
    png = io.BytesIO()
    figure.savefig(png, format="png", metadata={"Software": None})
    plt.close(figure)
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


def economy_chart(table: EconomyTable, tertial: bool) -> Chart | None:
    """Horizontal bars per top-level area; None when there is nothing to draw."""
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
