"""Geometry for the inline SVG timeline of a practice: one row per place, ordered by when the practice first
appeared there; a filled dot at the first appearance, hollow dots for later reports, on a shared year axis."""
from __future__ import annotations

from dataclasses import dataclass, field

CHART_WIDTH = 720
LABEL_WIDTH = 200  # a place: province › city
ROW_HEIGHT = 26
AXIS_HEIGHT = 28
RIGHT_PAD = 24


@dataclass
class Dot:
    x: float
    first: bool
    label: str  # tooltip: date and document title
    href: str


@dataclass
class Row:
    place: str
    y: int
    dots: list[Dot] = field(default_factory=list)


@dataclass
class TimelineChart:
    width: int
    height: int
    left: int
    rows: list[Row]
    ticks: list[tuple[float, int]]  # (x, year)


def _position(date: str, first_year: int, last_year: int) -> float:
    """A date's place on the axis: the year, plus the month's share of it when the date has one."""
    year = int(date[:4])
    month = int(date[5:7]) if len(date) >= 7 and date[5:7].isdigit() else 7  # a bare year sits mid-year
    span = CHART_WIDTH - LABEL_WIDTH - RIGHT_PAD
    return LABEL_WIDTH + span * ((year - first_year) + (month - 0.5) / 12) / (last_year - first_year + 1)


def timeline_chart(appearances: list[dict]) -> TimelineChart | None:
    """`appearances` as practice_timeline.timeline() lists them (dated, in date order); None when there are none."""
    if not appearances:
        return None
    years = [int(item["date"][:4]) for item in appearances]
    first_year, last_year = min(years), max(years)
    rows: dict[str, Row] = {}
    for item in appearances:
        row = rows.setdefault(item["place"], Row(item["place"], AXIS_HEIGHT + len(rows) * ROW_HEIGHT))
        row.dots.append(Dot(round(_position(item["date"], first_year, last_year), 1), not row.dots,
                            f"{item['date']} {item['title']}", f"/documents/{item['doc_id']}"))
    ticks = [(round(_position(f"{year}-01", first_year, last_year) - (CHART_WIDTH - LABEL_WIDTH - RIGHT_PAD)
                    / (last_year - first_year + 1) / 24, 1), year) for year in range(first_year, last_year + 1)]
    height = AXIS_HEIGHT + len(rows) * ROW_HEIGHT + 4
    return TimelineChart(CHART_WIDTH, height, LABEL_WIDTH, list(rows.values()), ticks)
