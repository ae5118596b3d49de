"""Compute every indicator for one report year on one engine.

``compute`` fixes the windows from the year and the end of the data (``rules``), writes the
parameters into each SQL file, builds the shared intermediate tables (``definitions.SHARED``:
one pass over each big dataset table), runs each indicator's SQL, casts the result to the
indicator's declared schema and sorts it; the western-share table is then derived from those
tables in Python (pure).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from shanhuo.kit.errors import NotFound
from shanhuo.regions.rules import MACRO_REGIONS, WEST
from shanhuo.report import rules
from shanhuo.report.dataset import Dataset
from shanhuo.report.definitions import BY_KEY, INDICATORS, SHARED, Indicator
from shanhuo.report.engines import make_engine, render_sql

MACRO_ORDER = {m.key: i for i, m in enumerate(MACRO_REGIONS, start=1)}
LANE_NAMES = {m.key: m.name_zh for m in MACRO_REGIONS}


@dataclass(frozen=True)
class ReportOptions:
    min_base: int = rules.DEFAULT_MIN_BASE
    financing_base_year: int = rules.DEFAULT_FINANCING_BASE_YEAR
    sme_max_gmv_fen: int = rules.DEFAULT_SME_MAX_GMV_FEN


@dataclass
class ReportTables:
    year: int
    engine: str
    window: rules.Window
    options: ReportOptions
    tables: dict[str, pa.Table] = field(default_factory=dict)

    def rows(self, key: str) -> list[dict[str, Any]]:
        return self.tables[key].to_pylist()


def dimensions(dataset: Dataset) -> dict[str, pa.Table]:
    """Province, macro-region and lane tables (from ``regions.rules``, names from the data)."""
    regions = pq.read_table(dataset.root / "regions", columns=["code", "name", "level"])
    provinces_only = regions.filter(pc.equal(regions["level"], "province"))
    names = {
        code[:2]: name
        for code, name in zip(
            provinces_only["code"].to_pylist(), provinces_only["name"].to_pylist(), strict=True
        )
    }
    rows = [
        (p, names.get(p, p), m.key, MACRO_ORDER[m.key], m.key == WEST.key)
        for m in MACRO_REGIONS
        for p in m.provinces
    ]
    rows.sort()
    provinces = pa.table(
        {
            "province_code": [r[0] for r in rows],
            "province_name": [r[1] for r in rows],
            "macro_region": [r[2] for r in rows],
            "macro_order": pa.array([r[3] for r in rows], pa.int32()),
            "is_west": [r[4] for r in rows],
        }
    )
    macros = pa.table(
        {
            "macro_region": [m.key for m in MACRO_REGIONS],
            "macro_name": [m.name_zh for m in MACRO_REGIONS],
            "macro_order": pa.array([MACRO_ORDER[m.key] for m in MACRO_REGIONS], pa.int32()),
        }
    )
    lanes: list[tuple[str, int]] = []
    keys = [m.key for m in MACRO_REGIONS]
    for i, a in enumerate(keys):
        for b in keys[i:]:
            lanes.append((f"{a}-{b}", len(lanes) + 1))
    lane_table = pa.table(
        {"lane": [k for k, _ in lanes], "lane_order": pa.array([o for _, o in lanes], pa.int32())}
    )
    return {"provinces": provinces, "macros": macros, "lanes": lane_table}


def lane_name(lane: str) -> str:
    a, b = lane.split("-")
    return f"{LANE_NAMES[a]}↔{LANE_NAMES[b]}" if a != b else f"{LANE_NAMES[a]}内部"


def parameters(
    year: int, data_end: date, options: ReportOptions
) -> tuple[rules.Window, dict[str, Any]]:
    window = rules.comparison_window(year, data_end=data_end)
    before = rules.comparison_window(year, data_end=data_end, lag=2)
    fin_lag = year - options.financing_base_year
    fin = rules.comparison_window(year, data_end=data_end, lag=fin_lag) if fin_lag >= 1 else window
    t = rules.local_midnight_utc
    params: dict[str, Any] = {
        "year": year,
        "base_year": year - 1,
        "period_start": t(window.start),
        "period_end": t(window.end),
        "base_start": t(window.base_start),
        "base_end": t(window.base_end),
        "before_year": year - 2,
        "before_start": t(before.base_start),
        "before_end": t(before.base_end),
        "fin_base_year": options.financing_base_year,
        "fin_start": t(fin.base_start) if fin_lag >= 1 else t(window.start),
        "fin_end": t(fin.base_end) if fin_lag >= 1 else t(window.end),
        "min_base": options.min_base,
        "sme_max_gmv_fen": options.sme_max_gmv_fen,
        "active_min_seconds": rules.ACTIVE_STORE_MIN_DAYS * 86400,
        "year_seconds": rules.days_in_year(year) * 86400,
        "village_min_sales_fen": rules.TAOBAO_VILLAGE_MIN_SALES_FEN,
        "village_min_active_stores": rules.TAOBAO_VILLAGE_MIN_ACTIVE_STORES,
        "village_min_active_pct": rules.TAOBAO_VILLAGE_MIN_ACTIVE_PCT,
        "town_min_villages": rules.TAOBAO_TOWN_MIN_VILLAGES,
    }
    return window, params


def normalise(table: pa.Table, indicator: Indicator) -> pa.Table:
    """Cast to the declared schema and sort by the declared key (engine-independent bytes)."""
    schema = indicator.schema
    table = table.select(schema.names).cast(schema)
    if indicator.sort_by:
        table = table.sort_by([(c, "ascending") for c in indicator.sort_by])
    return table


def year_no_data(year: int, dataset: Dataset) -> NotFound:
    years = ", ".join(str(y) for y in dataset.years()) or "—"
    return NotFound(
        "report_year_no_data",
        f"{year} 年没有数据（数据覆盖的年份：{years}）",
        f"No data for {year} (the data covers: {years})",
        available_years=dataset.years(),
    )


def compute(
    dataset: Dataset, year: int, *, engine: str = "duckdb", options: ReportOptions | None = None
) -> ReportTables:
    options = options or ReportOptions()
    if year not in dataset.years():
        raise year_no_data(year, dataset)
    window, params = parameters(year, dataset.data_end, options)
    dims = dimensions(dataset)
    runner = make_engine(engine, dataset, dims)
    result = ReportTables(year=year, engine=engine, window=window, options=options)
    try:
        for shared in SHARED:
            runner.materialise(shared.name, render_sql(shared.sql(), params))
        for ind in INDICATORS:
            if ind.sql_file is None:
                continue
            raw = runner.query(render_sql(ind.sql(), params))
            result.tables[ind.key] = normalise(raw, ind)
    finally:
        runner.close()
    result.tables["western_share"] = western_share(result.tables)
    return result


WESTERN_SHARE_METRICS: tuple[tuple[str, str, str, str], ...] = (
    # metric key, zh name, source table, column
    ("new_entrepreneurs", "新创业者", "entrepreneurs_province", "current_count"),
    ("stores_open_at_end", "期末店铺", "stores_province", "stores_open_at_end"),
    ("active_stores", "活跃店铺", "stores_province", "active_stores"),
    ("new_farmer_anchors", "新农人主播", "anchors_province", "new_farmer_anchors"),
    ("live_sessions", "直播场次", "live_province", "live_sessions"),
    ("live_orders", "直播订单", "live_province", "live_orders"),
    ("live_gmv_fen", "直播成交额", "live_province", "live_gmv_fen"),
    ("orders", "全部订单", "live_province", "orders"),
    ("gmv_fen", "全部成交额", "live_province", "gmv_fen"),
    ("ecommerce_villages", "电商村", "villages_province", "ecommerce_villages"),
    ("ecommerce_towns", "电商镇", "villages_province", "ecommerce_towns"),
    ("sme_merchants", "中小商家", "financing_macro", "sme_merchants"),
    ("loan_fen", "融资额", "financing_macro", "loan_fen"),
)


def western_share(tables: dict[str, pa.Table]) -> pa.Table:
    """The West's part of each national total (pure, from the indicator tables)."""
    out: dict[str, list[Any]] = {c: [] for c in BY_KEY["western_share"].schema.names}
    for metric, zh, source, column in WESTERN_SHARE_METRICS:
        rows = tables[source].to_pylist()
        national = sum(r[column] or 0 for r in rows)
        west = sum(r[column] or 0 for r in rows if r["macro_region"] == WEST.key)
        out["metric"].append(metric)
        out["metric_zh"].append(zh)
        out["national"].append(national)
        out["west"].append(west)
        out["west_share"].append(rules.share(west, national))
    return pa.table(out, schema=BY_KEY["western_share"].schema)
