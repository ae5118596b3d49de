"""The report as one JSON-able document: what every output (page, standalone HTML, PDF, CSV,
Excel) renders. It states the data snapshot and the code version the numbers came from."""

from __future__ import annotations

from typing import Any

from shanhuo import __version__
from shanhuo.report import rules
from shanhuo.report.dataset import Dataset
from shanhuo.report.definitions import BY_KEY, INDICATORS, definitions_hash, shared_files
from shanhuo.report.headlines import headlines
from shanhuo.report.indicators import ReportTables, lane_name
from shanhuo.report.rules import short_name

# A tile grid of the 31 provinces (column, row), roughly where they lie: a map-like view that
# needs no map data (published China maps need official review).
TILE_GRID: dict[str, tuple[int, int]] = {
    "23": (9, 0), "15": (6, 1), "11": (7, 1), "22": (9, 1),
    "65": (1, 2), "62": (4, 2), "14": (5, 2), "13": (6, 2), "12": (7, 2), "21": (8, 2),
    "63": (3, 3), "64": (4, 3), "61": (5, 3), "41": (6, 3), "37": (7, 3),
    "54": (2, 4), "51": (3, 4), "50": (4, 4), "42": (5, 4), "34": (6, 4), "32": (7, 4), "31": (8, 4),
    "52": (4, 5), "43": (5, 5), "36": (6, 5), "33": (7, 5),
    "53": (3, 6), "45": (4, 6), "44": (5, 6), "35": (6, 6),
    "46": (5, 7),
}  # fmt: skip


def _table_doc(key: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    ind = BY_KEY[key]
    return {
        "key": key,
        "title_zh": ind.title_zh,
        "title_en": ind.title_en,
        "columns": [{"name": c.name, "zh": c.zh, "en": c.en} for c in ind.columns],
        "rows": rows,
    }


def definitions_doc() -> list[dict[str, str]]:
    return [
        {
            "key": ind.key,
            "title_zh": ind.title_zh,
            "title_en": ind.title_en,
            "definition_zh": ind.definition_zh,
            "definition_en": ind.definition_en,
            "formula": ind.formula,
            "window": ind.window,
            "base_rule": ind.base_rule,
            "source": ", ".join(ind.tables) or "derived",
            "sql": " + ".join(f"report/sql/{f}" for f in (ind.sql_file, *shared_files(ind.shared)))
            if ind.sql_file
            else "report/indicators.py",
        }
        for ind in INDICATORS
    ]


def charts(t: ReportTables) -> dict[str, Any]:
    """Plain data for the charts (the JS turns them into ECharts options)."""
    ranked = sorted(
        (r for r in t.rows("entrepreneurs_province") if r["growth"] is not None),
        key=lambda r: (r["growth_rank"], r["province_code"]),
    )
    anchors = sorted(
        t.rows("anchors_province"), key=lambda r: (r["anchor_rank"], r["province_code"])
    )[:10]
    trend: dict[str, dict[int, int]] = {}
    for r in t.rows("entrepreneurs_trend"):
        trend.setdefault(r["macro_region"], {})[r["year"]] = r["new_entrepreneurs"]
    lanes: dict[str, dict[int, float]] = {}
    for r in t.rows("delivery_trend"):
        lanes.setdefault(r["lane"], {})[r["year"]] = round(r["avg_hours"], 1)
    years = sorted({y for v in trend.values() for y in v} | {y for v in lanes.values() for y in v})
    macro_zh = {"east": "东部", "central": "中部", "west": "西部", "northeast": "东北"}
    return {
        "growth": {
            "names": [short_name(r["province_name"]) for r in ranked],
            "values": [round(r["growth"] * 100, 1) for r in ranked],
            "west": [r["macro_region"] == "west" for r in ranked],
        },
        "trend": {
            "years": years,
            "series": [
                {"name": macro_zh[m], "data": [trend.get(m, {}).get(y) for y in years]}
                for m in ("east", "central", "west", "northeast")
            ],
        },
        "lanes": {
            "years": years,
            "series": [
                {"name": lane_name(k), "data": [lanes.get(k, {}).get(y) for y in years]}
                for k in ("east-west", "east-east", "central-west", "west-west")
            ],
        },
        "anchors": {
            "names": [short_name(r["province_name"]) for r in anchors],
            "values": [r["new_farmer_anchors"] for r in anchors],
            "west": [r["macro_region"] == "west" for r in anchors],
        },
        "financing": {
            "names": [r["macro_name"] for r in t.rows("financing_macro")],
            "base": [
                round((r["base_per_merchant_fen"] or 0) / 100) for r in t.rows("financing_macro")
            ],
            "current": [
                round((r["per_merchant_fen"] or 0) / 100) for r in t.rows("financing_macro")
            ],
        },
    }


def tiles(t: ReportTables) -> list[dict[str, Any]]:
    out = []
    for r in t.rows("entrepreneurs_province"):
        col, row = TILE_GRID[r["province_code"]]
        growth = r["growth"]
        level = None if growth is None else max(0, min(4, int(growth * 100 // 15)))
        out.append(
            {
                "code": r["province_code"],
                "name": short_name(r["province_name"]),
                "col": col + 1,
                "row": row + 1,
                "growth": None if growth is None else round(growth * 100, 1),
                "level": level,
                "west": r["macro_region"] == "west",
            }
        )
    return out


def build_document(dataset: Dataset, t: ReportTables, *, generated_at: str) -> dict[str, Any]:
    w = t.window
    manifest = dataset.manifest
    return {
        "format": "shanhuo-report/1",
        "year": t.year,
        "engine": t.engine,
        "generated_at": generated_at,
        "window": {
            "start": w.start.isoformat(),
            "end_exclusive": w.end.isoformat(),
            "base_start": w.base_start.isoformat(),
            "base_end_exclusive": w.base_end.isoformat(),
            "full_year": w.full_year,
        },
        "snapshot": {
            "source": manifest.get("source", "unknown"),
            "label": manifest.get("label", ""),
            "scenario": manifest.get("scenario"),
            "dataset_hash": dataset.snapshot,
            "data_end": manifest.get("data_end"),
            "row_counts": manifest.get("row_counts", {}),
            "empty_tables": sorted(dataset.missing_tables),
        },
        "code": {"version": __version__, "definitions_hash": definitions_hash()},
        "options": {
            "min_base": t.options.min_base,
            "financing_base_year": t.options.financing_base_year,
            "sme_max_gmv_fen": t.options.sme_max_gmv_fen,
            "top_n": rules.TOP_N,
        },
        "headlines": [
            {"key": h.key, "zh": h.zh, "en": h.en, "figures": h.figures} for h in headlines(t)
        ],
        "tables": {key: _table_doc(key, t.rows(key)) for key in t.tables},
        "no_data": {
            ind.key: sorted(set(ind.tables) & dataset.missing_tables)
            for ind in INDICATORS
            if set(ind.tables) & dataset.missing_tables
        },
        "charts": charts(t),
        "tiles": tiles(t),
        "definitions": definitions_doc(),
    }
