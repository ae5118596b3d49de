"""Province values for the map, tile grid and bar views of the report (one metric at a time).

Each metric gets five colour classes. New-entrepreneur growth keeps the tile grid's own classes
(``doc["tiles"]``, 15-point steps), so the grid looks the same before and after the script runs;
the counts use quintiles of the 31 provinces (ties share a class), since a few large provinces
would otherwise put every other one in the lightest class. The legend states each class's
actual range. Plain data in, plain data out: the page script only paints it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shanhuo.report.rules import short_name

CLASSES = 5


@dataclass(frozen=True)
class Metric:
    key: str
    table: str
    column: str
    zh: str
    en: str
    percent: bool = False


METRICS: tuple[Metric, ...] = (
    Metric("growth", "entrepreneurs_province", "growth", "新创业者同比增速", "New-entrepreneur growth y/y", percent=True),
    Metric("new_entrepreneurs", "entrepreneurs_province", "current_count", "新创业者人数", "New entrepreneurs"),
    Metric("active_stores", "stores_province", "active_stores", "活跃店铺", "Active stores"),
    Metric("new_farmer_anchors", "anchors_province", "new_farmer_anchors", "新农人主播", "New-farmer anchors"),
    Metric("ecommerce_villages", "villages_province", "ecommerce_villages", "电商村", "E-commerce villages"),
)  # fmt: skip


def quantile_levels(values: Mapping[str, float | None], classes: int = CLASSES) -> dict[str, int]:
    """Class 0 … classes-1 by rank among the provinces that have a value; equal values share
    the class of the first of them. Provinces without a value are left out."""
    ranked = sorted((v, k) for k, v in values.items() if v is not None)
    levels: dict[str, int] = {}
    first_index: dict[float, int] = {}
    for i, (value, key) in enumerate(ranked):
        start = first_index.setdefault(value, i)
        levels[key] = start * classes // len(ranked)
    return levels


def format_value(value: float | None, *, percent: bool) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}%" if percent else f"{value:,.0f}"


def legend(
    values: Mapping[str, float | None], levels: Mapping[str, int], *, percent: bool
) -> list[dict[str, Any]]:
    """One entry per class in use: its colour class and the range of values it holds."""
    out = []
    for level in sorted(set(levels.values())):
        members = [v for k, v in values.items() if levels.get(k) == level and v is not None]
        low, high = (
            format_value(min(members), percent=percent),
            format_value(max(members), percent=percent),
        )
        out.append({"level": level, "label": low if low == high else f"{low} – {high}"})
    return out


def _metric_values(doc: dict[str, Any], metric: Metric) -> dict[str, float | None]:
    rows = doc["tables"].get(metric.table, {}).get("rows", [])
    values: dict[str, float | None] = {}
    for row in rows:
        value = row.get(metric.column)
        if value is not None and metric.percent:
            value = round(value * 100, 1)
        values[row["province_code"]] = value
    return values


def province_metrics(doc: dict[str, Any], map_names: Mapping[str, str]) -> dict[str, Any]:
    """What the page script needs: the provinces (name on the map, short name, West or not)
    and, per metric with data, each province's value, text and colour class."""
    provinces = {
        row["province_code"]: {
            "map_name": map_names[row["province_code"]],
            "name": short_name(row["province_name"]),
            "west": row["macro_region"] == "west",
        }
        for row in doc["tables"]["entrepreneurs_province"]["rows"]
    }
    tile_levels = {t["code"]: t["level"] for t in doc.get("tiles", []) if t["level"] is not None}
    metrics = []
    for metric in METRICS:
        if metric.table in doc.get("no_data", {}):
            continue
        values = _metric_values(doc, metric)
        if not any(v is not None for v in values.values()):
            continue
        levels = tile_levels if metric.key == "growth" else quantile_levels(values)
        metrics.append(
            {
                "key": metric.key,
                "zh": metric.zh,
                "en": metric.en,
                "percent": metric.percent,
                "legend": legend(values, levels, percent=metric.percent),
                "values": {
                    code: {
                        "value": value,
                        "text": format_value(value, percent=metric.percent),
                        "level": levels.get(code),
                    }
                    for code, value in sorted(values.items())
                },
            }
        )
    no_data = sorted(name for code, name in map_names.items() if code not in provinces)
    return {"provinces": provinces, "metrics": metrics, "no_data": no_data}
