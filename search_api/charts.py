"""Geometry for the inline SVG bar chart on /metrics: one horizontal bar per place for one indicator.

Bars are only comparable in one unit, so the chart takes the rows in the most common unit and leaves the
others to the table below it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

CHART_WIDTH = 720
LABEL_WIDTH = 240  # room for a place, a year and a narrower indicator name
VALUE_WIDTH = 90
BAR_HEIGHT = 22
BAR_GAP = 8


@dataclass
class Bar:
    label: str
    value: float
    text: str
    y: int
    width: int
    href: str | None


@dataclass
class BarChart:
    unit: str
    bars: list[Bar]
    width: int
    height: int
    left: int
    skipped: int  # rows left out: another unit, or a value that is not a number


def number(value) -> float | None:
    try:
        return float(str(value).replace(",", "").strip())
    except (TypeError, ValueError):
        return None


def bar_chart(rows: list[dict], label_of, href_of=lambda row: None) -> BarChart | None:
    """Bars for rows with a numeric `value` in the most common `unit`, largest first; None when there are none."""
    numeric = [row for row in rows if number(row.get("value")) is not None]
    if not numeric:
        return None
    unit = Counter(row.get("unit") or "" for row in numeric).most_common(1)[0][0]
    charted = sorted((row for row in numeric if (row.get("unit") or "") == unit),
                     key=lambda row: number(row["value"]), reverse=True)
    top = max(number(row["value"]) for row in charted) or 1.0
    span = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [
        Bar(label_of(row), number(row["value"]), f"{row['value']}{unit}", index * (BAR_HEIGHT + BAR_GAP),
            max(1, round(span * max(number(row["value"]), 0.0) / top)), href_of(row))
        for index, row in enumerate(charted)
    ]
    height = len(bars) * (BAR_HEIGHT + BAR_GAP)
    return BarChart(unit, bars, CHART_WIDTH, height, LABEL_WIDTH, len(rows) - len(charted))
