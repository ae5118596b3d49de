"""Colour classes and values for the province views (map, tile grid, bars)."""

from __future__ import annotations

from typing import Any

from shanhuo.report.outputs.choropleth import legend, province_metrics, quantile_levels


def test_quantiles_split_ranked_provinces_into_five_classes() -> None:
    values = {f"{i:02d}": float(i) for i in range(10)}
    levels = quantile_levels(values)
    assert [levels[f"{i:02d}"] for i in range(10)] == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]


def test_equal_values_share_a_class_and_missing_values_get_none() -> None:
    values: dict[str, float | None] = {"a": 0, "b": 0, "c": 0, "d": 0, "e": 5, "f": None}
    assert quantile_levels(values) == {"a": 0, "b": 0, "c": 0, "d": 0, "e": 4}
    assert quantile_levels({}) == {}


def test_legend_gives_the_range_each_class_holds() -> None:
    values: dict[str, float | None] = {"a": 1, "b": 1, "c": 2, "d": 1200, "e": None}
    levels = {"a": 0, "b": 0, "c": 2, "d": 4}
    assert legend(values, levels, percent=False) == [
        {"level": 0, "label": "1"},
        {"level": 2, "label": "2"},
        {"level": 4, "label": "1,200"},
    ]
    assert legend({"a": 12.0, "b": 14.5}, {"a": 0, "b": 0}, percent=True) == [
        {"level": 0, "label": "12.0% – 14.5%"}
    ]


def _row(code: str, name: str, region: str, **values: Any) -> dict[str, Any]:
    return {"province_code": code, "province_name": name, "macro_region": region, **values}


def _doc() -> dict[str, Any]:
    return {
        "tables": {
            "entrepreneurs_province": {
                "rows": [
                    _row("11", "北京市", "east", growth=0.121, current_count=259),
                    _row("54", "西藏自治区", "west", growth=None, current_count=19),
                    _row("64", "宁夏回族自治区", "west", growth=0.621, current_count=94),
                ]
            },
            "anchors_province": {"rows": []},
        },
        "no_data": {"anchors_province": ["anchors"]},
        "tiles": [
            {"code": "11", "level": 0},
            {"code": "54", "level": None},
            {"code": "64", "level": 4},
        ],
    }


MAP_NAMES = {"11": "北京", "54": "西藏", "64": "宁夏", "71": "台湾", "81": "香港", "82": "澳门"}


def test_growth_keeps_the_tile_grid_classes_and_tables_without_data_are_left_out() -> None:
    out = province_metrics(_doc(), MAP_NAMES)
    assert out["provinces"]["64"] == {"map_name": "宁夏", "name": "宁夏", "west": True}
    assert [m["key"] for m in out["metrics"]] == ["growth", "new_entrepreneurs"]
    growth = out["metrics"][0]
    assert growth["values"] == {
        "11": {"value": 12.1, "text": "12.1%", "level": 0},
        "54": {"value": None, "text": "—", "level": None},
        "64": {"value": 62.1, "text": "62.1%", "level": 4},
    }
    assert growth["legend"] == [{"level": 0, "label": "12.1%"}, {"level": 4, "label": "62.1%"}]
    counts = out["metrics"][1]["values"]
    assert {code: v["level"] for code, v in counts.items()} == {"54": 0, "64": 1, "11": 3}
    assert out["no_data"] == ["台湾", "澳门", "香港"]
