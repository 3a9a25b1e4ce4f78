"""Word's trend picture says what the HTML's says: which points, in which order, how high, and the årsmål."""

from __future__ import annotations

import io
from decimal import Decimal

from PIL import Image

from tertial.render.charts import trend_picture
from tertial.trend import TREND_COLOURS, indicator_trend

TARGET = (0xBB, 0x00, 0x00)


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def _boxes(png: bytes) -> tuple[dict[int, tuple[int, int, int, int]], list[int]]:
    """Each bar's box (left, top, right, bottom) by its colour's place in TREND_COLOURS, and the rows the årsmål is on."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    boxes, target_rows = {}, set()
    for index, colour in enumerate(TREND_COLOURS):
        mask = Image.new("1", image.size)
        mask.putdata([pixel == _rgb(colour) for pixel in image.getdata()])
        if mask.getbbox():
            boxes[index] = mask.getbbox()
    for (x, y), pixel in zip(((x, y) for y in range(image.height) for x in range(image.width)), image.getdata()):
        if pixel == TARGET:
            target_rows.add(y)
    return boxes, sorted(target_rows)


def _trend(values: list[str], target: str | None):
    labels = ["Utfall VB 2023", "Periodens utfall", "Prognos helår"]
    return indicator_trend("Andel nöjda", "%", [(label, Decimal(v)) for label, v in zip(labels, values)],
                           Decimal(target) if target is not None else None)


def test_the_bars_stand_in_order_with_heights_in_proportion_to_the_values():
    boxes, _ = _boxes(trend_picture(_trend(["40", "80", "60"], None)).png)
    assert sorted(boxes) == [0, 1, 2]  # last year, this period, the forecast, each in its colour
    lefts = [boxes[i][0] for i in range(3)]
    assert lefts == sorted(lefts)  # left to right in time
    bottoms = {boxes[i][3] for i in range(3)}
    assert len(bottoms) == 1  # on one baseline
    heights = [boxes[i][3] - boxes[i][1] for i in range(3)]
    assert heights[1] > heights[2] > heights[0]  # up, then down: the direction as the figures go
    assert abs(heights[0] / heights[1] - 0.5) < 0.02 and abs(heights[2] / heights[1] - 0.75) < 0.02


def test_a_missing_point_is_left_out_and_the_target_is_drawn_at_its_height():
    trend = indicator_trend("Antal", "st", [("Utfall VB 2023", None), ("Periodens utfall", Decimal("50")),
                                            ("Prognos helår", Decimal("100"))], Decimal("80"))
    boxes, target_rows = _boxes(trend_picture(trend).png)
    assert sorted(boxes) == [0, 1]  # two bars: the points that have values
    period, forecast = boxes[0], boxes[1]
    assert target_rows, "the årsmål's dashed line is drawn"
    target = sum(target_rows) / len(target_rows)
    baseline = forecast[3]
    assert abs((baseline - target) / (baseline - forecast[1]) - 0.8) < 0.03  # 80 of 100
    assert period[1] > target > forecast[1]  # above this period's bar, below the forecast's top


def test_no_target_no_line_and_the_same_bytes_twice():
    trend = _trend(["1", "2", "3"], None)
    assert _boxes(trend_picture(trend).png)[1] == []
    assert trend_picture(trend).png == trend_picture(_trend(["1", "2", "3"], None)).png
    assert trend_picture(trend).alt == trend.alt

