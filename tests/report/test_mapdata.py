"""The province outlines: ECharts 4's compressed rings decoded exactly, thinned without losing a
place, and every mainland province matched to its GB/T 2260 code."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shanhuo.regions.loader import region_data_dir
from shanhuo.report.mapdata import (
    MapDataError,
    china_geojson,
    china_geojson_text,
    decode_geojson,
    decode_ring,
    names_by_code,
    simplify,
)
from shanhuo.report.rules import MAINLAND_PREFIXES, short_name


def test_a_ring_decodes_zigzag_deltas_from_its_offset() -> None:
    # "F" = 64 + 6 → zig-zag 6 = +3; "C" = 64 + 3 → -2; "@" = 64 → 0.
    assert decode_ring("FC@@", [100, 200], 1) == [(103.0, 198.0), (103.0, 198.0)]
    assert decode_ring("FC", [1024, 2048], 1024) == [(1027 / 1024, 2046 / 1024)]
    with pytest.raises(MapDataError):
        decode_ring("FCF", [0, 0], 1024)


def test_simplify_drops_points_on_the_line_and_keeps_a_corner() -> None:
    line = [(0.0, 0.0), (1.0, 0.01), (2.0, 0.0), (3.0, 0.0)]
    assert simplify(line, 0.05) == [(0.0, 0.0), (3.0, 0.0)]
    corner = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]
    assert simplify(corner, 0.05) == corner


def _raw(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def _square(code: str, name: str, size: float) -> dict[str, Any]:
    ring = [[0, 0], [size, 0], [size, size], [0, size], [0, 0]]
    return {
        "type": "Feature",
        "id": f"{code}0000",
        "properties": {"name": name},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_a_place_smaller_than_the_tolerance_keeps_its_outline() -> None:
    decoded = decode_geojson(_raw([_square("82", "澳门", 0.01)]), tolerance=0.05, decimals=3)
    feature = decoded["features"][0]
    assert feature["properties"] == {"name": "澳门", "code": "82"}
    assert feature["geometry"]["coordinates"] == [
        [[[0, 0], [0.01, 0], [0.01, 0.01], [0, 0.01], [0, 0]]]
    ]


def test_missing_or_repeated_provinces_are_refused() -> None:
    all_but_yunnan = [_square(code, code, 1) for code in sorted(MAINLAND_PREFIXES - {"53"})]
    with pytest.raises(MapDataError, match="lacks provinces 53"):
        names_by_code(decode_geojson(_raw(all_but_yunnan)))
    twice = [*all_but_yunnan, _square("53", "云南", 1), _square("53", "云南", 2)]
    with pytest.raises(MapDataError, match="53 appears twice"):
        names_by_code(decode_geojson(_raw(twice)))
    with pytest.raises(MapDataError, match="no province code"):
        decode_geojson(_raw([{**_square("53", "云南", 1), "id": "5301"}]))


def test_all_31_mainland_provinces_match_by_code_and_by_standard_name() -> None:
    names = names_by_code(china_geojson())
    assert set(names) == MAINLAND_PREFIXES | {"71", "81", "82"}
    standard = json.loads((region_data_dir() / "province.json").read_text(encoding="utf-8"))
    standard_names = {row["code"][:2]: short_name(row["name"]) for row in standard}
    assert {code: names[code] for code in MAINLAND_PREFIXES} == {
        code: standard_names[code] for code in MAINLAND_PREFIXES
    }
    assert (names["71"], names["81"], names["82"]) == ("台湾", "香港", "澳门")


def _inside(point: tuple[float, float], ring: list[list[float]]) -> bool:
    x, y = point
    crossings = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            crossings = not crossings
    return crossings


CAPITALS = {
    "11": (116.40, 39.90),  # Beijing, inside Hebei's outline but drawn on top
    "12": (117.20, 39.13),
    "31": (121.47, 31.23),
    "44": (113.26, 23.13),  # Guangzhou
    "46": (110.33, 20.03),  # Haikou
    "51": (104.07, 30.67),  # Chengdu
    "53": (102.71, 25.04),  # Kunming
    "54": (91.13, 29.65),  # Lhasa
    "64": (106.23, 38.49),  # Yinchuan
    "65": (87.62, 43.83),  # Urumqi
    "23": (126.63, 45.75),  # Harbin
    "81": (114.17, 22.30),  # Hong Kong
}


def test_decoded_outlines_put_each_capital_in_its_own_province() -> None:
    for code, point in CAPITALS.items():
        holders = [
            f["properties"]["code"]
            for f in china_geojson()["features"]
            if any(_inside(point, polygon[0]) for polygon in f["geometry"]["coordinates"])
        ]
        assert holders == [code], (code, holders)


def test_served_outlines_are_plain_thinned_geojson() -> None:
    text = china_geojson_text()
    geojson = json.loads(text)
    assert "UTF8Encoding" not in text and "encodeOffsets" not in text
    assert len(geojson["features"]) == 34
    for feature in geojson["features"]:
        assert feature["geometry"]["type"] == "MultiPolygon"
        assert all(
            len(ring) >= 4 for polygon in feature["geometry"]["coordinates"] for ring in polygon
        )
    # The decoded file at full detail is ~240 KB; thinned it must stay well under that.
    assert len(text.encode()) < 100_000
