"""Province boundaries for the report's map view, from the npm package ``echarts@4.9.0``
(installed as ``echarts-map``): ``map/json/china.json``.

That file is not plain GeoJSON: it is ECharts 4's compressed form (``"UTF8Encoding": true``),
each ring a string of zig-zag, delta-encoded coordinates in 1/1024 degree. ECharts 5 still
decodes it, but we decode it here so that what we serve and embed is ordinary GeoJSON that any
tool (and our tests) can read, thinned to what a national map on a screen can show.

The features carry GB/T 2260 codes (``"id": "530000"``), so provinces are matched by code, never
by name. The file also draws Taiwan, Hong Kong and Macau; they have no data in the report and
are shown grey. These boundaries have not been through the official map review that published
China maps need: the page labels the map as a schematic and defaults to the tile grid.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from shanhuo.report.rules import MAINLAND_PREFIXES
from shanhuo.web.vendor import node_modules

SOURCE = "npm echarts@4.9.0 map/json/china.json"
# 0.05° (about 5 km) is below one pixel of a national map up to ~1,200 px wide.
TOLERANCE_DEGREES = 0.05
DECIMALS = 2

Point = tuple[float, float]


class MapDataError(ValueError):
    """The map file is not what this module expects (another package version, say)."""


def source_path() -> Path:
    return node_modules() / "echarts-map" / "map" / "json" / "china.json"


def decode_ring(text: str, offset: list[int], scale: float) -> list[Point]:
    """One ring of ECharts 4's compressed GeoJSON: two characters per point, each ``code - 64``
    zig-zag encoded and added to the previous point (the first to ``offset``)."""
    if len(text) % 2:
        raise MapDataError("an encoded ring has an odd number of characters")
    x, y = offset
    points = []
    for i in range(0, len(text), 2):
        dx, dy = ord(text[i]) - 64, ord(text[i + 1]) - 64
        x += (dx >> 1) ^ -(dx & 1)
        y += (dy >> 1) ^ -(dy & 1)
        points.append((x / scale, y / scale))
    return points


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker: keep the points farther than ``tolerance`` from the line through the
    kept neighbours. The first and last points always stay (a closed ring stays closed)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = (dx * dx + dy * dy) ** 0.5
        farthest, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if length > 0:
                distance = abs(dy * px - dx * py + bx * ay - by * ax) / length
            else:
                distance = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            if distance > farthest:
                farthest, index = distance, i
        if farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _thin(ring: list[Point], tolerance: float, decimals: int) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in simplify(ring, tolerance):
        point = [round(x, decimals), round(y, decimals)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def _area(ring: list[Point]) -> float:
    pairs = zip(ring, ring[1:] + ring[:1], strict=True)
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairs)) / 2


def feature_code(feature: dict[str, Any]) -> str:
    """``"530000"`` → ``"53"``; anything else is an error (the file changed)."""
    adcode = str(feature.get("id") or feature.get("properties", {}).get("id") or "")
    if len(adcode) != 6 or not adcode.isdigit() or not adcode.endswith("0000"):
        raise MapDataError(f"feature {feature.get('properties')!r} has no province code")
    return adcode[:2]


def _polygons(geometry: dict[str, Any], *, encoded: bool, scale: float) -> list[list[list[Point]]]:
    """The geometry's polygons, each a list of rings (outer ring first), decoded."""
    kind = geometry["type"]
    if kind not in ("Polygon", "MultiPolygon"):
        raise MapDataError(f"unexpected geometry {kind}")
    multi = kind == "MultiPolygon"
    polygons: list[Any] = geometry["coordinates"] if multi else [geometry["coordinates"]]
    if not encoded:
        return [[[(float(x), float(y)) for x, y in ring] for ring in p] for p in polygons]
    offsets: list[Any] = geometry["encodeOffsets"] if multi else [geometry["encodeOffsets"]]
    return [
        [decode_ring(ring, offset, scale) for ring, offset in zip(p, o, strict=True)]
        for p, o in zip(polygons, offsets, strict=True)
    ]


def decode_geojson(
    raw: dict[str, Any], *, tolerance: float = TOLERANCE_DEGREES, decimals: int = DECIMALS
) -> dict[str, Any]:
    """Plain GeoJSON (every geometry a MultiPolygon) with ``properties = {name, code}``.

    A ring thinned below a triangle is dropped (an outer ring with its holes). A feature whose
    every outline would go keeps its largest one unthinned, so small places (Macau) stay.
    """
    scale = float(raw.get("UTF8Scale") or 1024)
    encoded = bool(raw.get("UTF8Encoding"))
    features = []
    for feature in raw["features"]:
        code = feature_code(feature)
        polygons = _polygons(feature["geometry"], encoded=encoded, scale=scale)
        kept: list[list[list[list[float]]]] = []
        for polygon in polygons:
            outer, *holes = (_thin(ring, tolerance, decimals) for ring in polygon)
            if len(outer) >= 4:
                kept.append([outer, *(hole for hole in holes if len(hole) >= 4)])
        if not kept:
            largest = max((p[0] for p in polygons), key=_area)
            kept.append([[[round(x, decimals), round(y, decimals)] for x, y in largest]])
        features.append(
            {
                "type": "Feature",
                "properties": {"name": feature["properties"]["name"], "code": code},
                "geometry": {"type": "MultiPolygon", "coordinates": kept},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def names_by_code(geojson: dict[str, Any]) -> dict[str, str]:
    """Province code → the feature's name (what ECharts matches series data on).

    Every one of the 31 mainland provinces must be there exactly once.
    """
    found: dict[str, str] = {}
    for feature in geojson["features"]:
        code = feature["properties"].get("code") or feature_code(feature)
        if code in found:
            raise MapDataError(f"province {code} appears twice in the map data")
        found[code] = feature["properties"]["name"]
    missing = sorted(MAINLAND_PREFIXES - found.keys())
    if missing:
        raise MapDataError(f"the map data lacks provinces {', '.join(missing)}")
    return found


@lru_cache(maxsize=1)
def china_geojson() -> dict[str, Any]:
    path = source_path()
    if not path.is_file():
        raise RuntimeError(f"{path} is missing: run `make install` (npm ci)")
    geojson = decode_geojson(json.loads(path.read_text(encoding="utf-8")))
    names_by_code(geojson)  # fail at first use, not with a silently blank map
    return geojson


@lru_cache(maxsize=1)
def china_geojson_text() -> str:
    """Compact JSON (about 75 KB) for the page's asset route and the standalone file."""
    return json.dumps(china_geojson(), ensure_ascii=False, separators=(",", ":"))
