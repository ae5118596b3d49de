"""How a table cell is shown to people (pages, PDF, HTML); CSV keeps the raw values."""

from __future__ import annotations

from typing import Any

from shanhuo.report.indicators import lane_name

MACRO_ZH = {"east": "东部", "central": "中部", "west": "西部", "northeast": "东北"}


def cell(column: str, value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if column == "lane":
        return lane_name(value)
    if column == "macro_region":
        return MACRO_ZH.get(value, value)
    if column in ("growth", "west_share"):
        return f"{value * 100:.1f}%"
    if column.endswith("_fen"):
        return f"¥{value / 100:,.0f}"
    if "hours" in column:
        return f"{value:.1f}"
    if column in ("year", "province_code") or column.endswith("_order"):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def display_rows(
    table: dict[str, Any], *, skip: tuple[str, ...] = ("macro_order", "lane_order")
) -> tuple[list[dict[str, str]], list[list[str]]]:
    """(visible columns, formatted rows) of a table in the report document."""
    columns = [c for c in table["columns"] if c["name"] not in skip]
    rows = [[cell(_as(c["name"], row), row[c["name"]]) for c in columns] for row in table["rows"]]
    return columns, rows


def _as(column: str, row: dict[str, Any]) -> str:
    """Western-share rows carry money in fen for some metrics: show those as yuan."""
    if column in ("national", "west") and str(row.get("metric", "")).endswith("_fen"):
        return f"{column}_fen"
    return column
