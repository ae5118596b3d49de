"""The report as HTML: the context shared by the platform page and the standalone file, and
the standalone file itself (ECharts, the province map data and the stylesheet inlined, so it
opens offline)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shanhuo.report.mapdata import SOURCE as MAP_SOURCE
from shanhuo.report.mapdata import china_geojson, china_geojson_text, names_by_code
from shanhuo.report.outputs.choropleth import province_metrics
from shanhuo.report.outputs.formatting import display_rows
from shanhuo.web.render import STATIC_DIR, TEMPLATES_DIR, templates
from shanhuo.web.vendor import node_modules

OPEN_TABLES = ("entrepreneurs_province", "delivery_lanes", "financing_macro", "western_share")
CHARTS_JS = TEMPLATES_DIR / "report" / "_charts.js"


def echarts_path() -> Path:
    return node_modules() / "echarts" / "dist" / "echarts.min.js"


def body_context(
    doc: dict[str, Any], *, files: list[dict[str, str]], province_base: str, geo_url: str = ""
) -> dict[str, Any]:
    """``geo_url``: where the page fetches the map outlines; empty when they are inlined."""
    tables = []
    for key, table in doc["tables"].items():
        columns, rows = display_rows(table)
        tables.append(
            {
                "key": key,
                "title_zh": table["title_zh"],
                "title_en": table["title_en"],
                "columns": columns,
                "rows": rows,
                "open": key in OPEN_TABLES,
            }
        )
    return {
        "doc": doc,
        "tables": tables,
        "files": files,
        "province_base": province_base,
        "province_map": province_metrics(doc, names_by_code(china_geojson())),
        "map_source": MAP_SOURCE,
        "geo_url": geo_url,
    }


def render_standalone(doc: dict[str, Any]) -> str:
    """One self-contained file: no request to any host, charts included."""
    echarts = echarts_path()
    if not echarts.is_file():
        raise RuntimeError(f"{echarts} is missing: run `make install` (npm ci)")
    context = body_context(doc, files=[], province_base="")
    context.update(
        {
            "lang": "zh",
            "css": (STATIC_DIR / "app.css").read_text(encoding="utf-8"),
            "echarts_js": echarts.read_text(encoding="utf-8"),
            "charts_js": CHARTS_JS.read_text(encoding="utf-8"),
            # Inside <script type="application/json">: no "<" may close the element early.
            "geo_json": china_geojson_text().replace("<", "\\u003c"),
        }
    )
    template = templates().env.get_template("report/standalone.html")
    # The vendored scripts are our own files, not user text: mark them safe for inlining.
    from markupsafe import Markup

    for key in ("css", "echarts_js", "charts_js", "geo_json"):
        context[key] = Markup(context[key])  # noqa: S704
    return template.render(context)


def write_standalone(doc: dict[str, Any], path: Path) -> None:
    path.write_text(render_standalone(doc), encoding="utf-8")
