"""The economy chart: budget against forecast (or outcome) per verksamhetsområde, SVG and PNG."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display on servers

import matplotlib.pyplot as plt  # noqa: E402

from tertial.numbers import format_signed_mnkr  # noqa: E402
from tertial.report import EconomyTable  # noqa: E402

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
