"""The report's indicators written the straightforward way in pandas: the baseline the
DuckDB path is measured against in ``bench.report``. Same definitions as ``sql/*.sql``
(windows from ``shanhuo.report.indicators.parameters``); the bench checks the results agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from shanhuo.report.indicators import ReportOptions, dimensions, parameters


def _read(root: Path, table: str, columns: list[str]) -> pd.DataFrame:
    frame = pd.read_parquet(root / table, columns=columns)
    if "year" in frame.columns:
        frame["year"] = frame["year"].astype(int)
    return frame


def _ts(value: Any) -> pd.Timestamp:
    return pd.Timestamp(value)


def compute_pandas(
    root: Path, dataset: Any, year: int, options: ReportOptions | None = None
) -> dict[str, pd.DataFrame]:
    options = options or ReportOptions()
    _w, p = parameters(year, dataset.data_end, options)
    dims = {k: v.to_pandas() for k, v in dimensions(dataset).items()}
    prov, macros = dims["provinces"], dims["macros"]
    ps, pe, bs, be = (_ts(p[k]) for k in ("period_start", "period_end", "base_start", "base_end"))
    out: dict[str, pd.DataFrame] = {}

    stores = _read(
        root,
        "stores",
        [
            "store_id",
            "province_code",
            "county_code",
            "farm_products",
            "first_store",
            "opened_at",
            "closed_at",
            "year",
        ],
    )
    first = stores[stores["first_store"]]
    cur = (
        first[(first["opened_at"] >= ps) & (first["opened_at"] < pe)]
        .groupby("province_code")
        .size()
    )
    base = (
        first[(first["opened_at"] >= bs) & (first["opened_at"] < be)]
        .groupby("province_code")
        .size()
    )
    e = prov[["province_code", "province_name", "macro_region"]].copy()
    e["current_count"] = e["province_code"].map(cur).fillna(0).astype(int)
    e["base_count"] = e["province_code"].map(base).fillna(0).astype(int)
    e["eligible"] = e["base_count"] >= options.min_base
    e["growth"] = np.where(
        e["eligible"],
        (e["current_count"] - e["base_count"]) / e["base_count"].where(e["base_count"] > 0),
        np.nan,
    )
    e["growth_rank"] = e["growth"].rank(method="min", ascending=False)
    out["entrepreneurs_province"] = e
    m = e.groupby("macro_region")[["current_count", "base_count"]].sum()
    m["growth"] = np.where(
        m["base_count"] >= options.min_base,
        (m["current_count"] - m["base_count"]) / m["base_count"],
        np.nan,
    )
    out["entrepreneurs_macro"] = m.reset_index()
    out["entrepreneurs_trend"] = (
        first.merge(prov, on="province_code")
        .groupby(["macro_region", "year"])
        .size()
        .reset_index(name="new_entrepreneurs")
    )

    orders = _read(root, "orders", ["store_id", "paid_at", "total_fen", "live_session_id", "year"])
    in_window = orders[(orders["paid_at"] >= ps) & (orders["paid_at"] < pe)]
    per_store = in_window.groupby("store_id").size()
    open_stores = stores[
        (stores["opened_at"] < pe) & (stores["closed_at"].isna() | (stores["closed_at"] > ps))
    ].copy()
    start = open_stores["opened_at"].where(open_stores["opened_at"] > ps, ps)
    end = open_stores["closed_at"].fillna(pe).where(open_stores["closed_at"].fillna(pe) < pe, pe)
    exposure = (end - start).dt.total_seconds().astype("int64")
    n = open_stores["store_id"].map(per_store).fillna(0).astype("int64")
    open_stores["active"] = (exposure >= p["active_min_seconds"]) & (
        n * p["year_seconds"] >= exposure * 12
    )
    open_stores["open_at_end"] = open_stores["closed_at"].isna() | (open_stores["closed_at"] >= pe)
    s = open_stores.groupby("province_code").agg(
        stores_in_period=("store_id", "size"),
        stores_open_at_end=("open_at_end", "sum"),
        active_stores=("active", "sum"),
    )
    out["stores_province"] = (
        prov[["province_code"]].merge(s, on="province_code", how="left").fillna(0)
    )

    parcels = _read(
        root,
        "parcels",
        ["origin_province_code", "dest_province_code", "paid_at", "delivered_at", "year"],
    )
    parcels = parcels[parcels["delivered_at"].notna()]
    order_of = dict(zip(prov["province_code"], prov["macro_order"], strict=True))
    macro_of = dict(zip(prov["province_code"], prov["macro_region"], strict=True))
    lanes = []
    for label, lo, hi in (
        ("current", ps, pe),
        ("before", _ts(p["before_start"]), _ts(p["before_end"])),
    ):
        part = parcels[(parcels["paid_at"] >= lo) & (parcels["paid_at"] < hi)]
        o, d = part["origin_province_code"], part["dest_province_code"]
        swap = o.map(order_of) > d.map(order_of)
        lane = np.where(
            swap, d.map(macro_of) + "-" + o.map(macro_of), o.map(macro_of) + "-" + d.map(macro_of)
        )
        secs = (
            part["delivered_at"].astype("int64") // 1_000_000
            - part["paid_at"].astype("int64") // 1_000_000
        )
        g = pd.DataFrame({"lane": lane, "secs": secs}).groupby("lane")["secs"]
        lanes.append(
            pd.DataFrame(
                {
                    "period": label,
                    "parcels": g.size(),
                    "avg_hours": g.sum() / g.size() / 3600,
                    "median_hours": g.median() / 3600,
                }
            )
        )
    out["delivery_lanes"] = pd.concat(lanes).reset_index()

    regions = _read(root, "regions", ["code", "name", "level"])
    rural = set(
        regions[(regions["level"] == "county") & ~regions["name"].str.endswith("区")]["code"]
    )
    sessions = _read(root, "live_sessions", ["session_id", "store_id", "anchor_id", "started_at"])
    sess = sessions[(sessions["started_at"] >= ps) & (sessions["started_at"] < pe)].merge(
        stores[["store_id", "province_code", "county_code", "farm_products"]], on="store_id"
    )
    farm = sess[sess["farm_products"] & sess["county_code"].isin(rural)]
    a = prov[["province_code"]].copy()
    a["new_farmer_anchors"] = (
        a["province_code"]
        .map(farm.groupby("province_code")["anchor_id"].nunique())
        .fillna(0)
        .astype(int)
    )
    a["all_anchors"] = (
        a["province_code"]
        .map(sess.groupby("province_code")["anchor_id"].nunique())
        .fillna(0)
        .astype(int)
    )
    a["anchor_rank"] = a["new_farmer_anchors"].rank(method="min", ascending=False).astype(int)
    out["anchors_province"] = a

    loans = _read(root, "loans", ["store_id", "disbursed_at", "amount_fen"])
    fin = []
    for yr, lo, hi in (
        (year, ps, pe),
        (options.financing_base_year, _ts(p["fin_start"]), _ts(p["fin_end"])),
    ):
        gmv = (
            orders[(orders["paid_at"] >= lo) & (orders["paid_at"] < hi)]
            .groupby("store_id")["total_fen"]
            .sum()
        )
        merchants = stores[
            (stores["opened_at"] < hi) & (stores["closed_at"].isna() | (stores["closed_at"] > lo))
        ]
        sme = merchants[merchants["store_id"].map(gmv).fillna(0) <= options.sme_max_gmv_fen]
        lent = (
            loans[(loans["disbursed_at"] >= lo) & (loans["disbursed_at"] < hi)]
            .groupby("store_id")["amount_fen"]
            .sum()
        )
        sme = sme.assign(amount=sme["store_id"].map(lent).fillna(0)).merge(
            prov[["province_code", "macro_region"]], on="province_code"
        )
        g = sme.groupby("macro_region").agg(
            merchants=("store_id", "size"), loan_fen=("amount", "sum")
        )
        g["per_merchant_fen"] = g["loan_fen"] / g["merchants"]
        fin.append(g.add_prefix(f"{yr}_"))
    out["financing_macro"] = pd.concat(fin, axis=1).reset_index()

    live_orders = in_window.merge(stores[["store_id", "province_code"]], on="store_id")
    is_live = live_orders["live_session_id"].notna()
    lv = (
        live_orders.assign(live=is_live, live_gmv=live_orders["total_fen"].where(is_live, 0))
        .groupby("province_code")
        .agg(
            orders=("store_id", "size"),
            gmv_fen=("total_fen", "sum"),
            live_orders=("live", "sum"),
            live_gmv_fen=("live_gmv", "sum"),
        )
    )
    lv["live_sessions"] = sess.groupby("province_code").size()
    out["live_province"] = (
        prov[["province_code"]].merge(lv.fillna(0), on="province_code", how="left").fillna(0)
    )

    villages = _read(
        root,
        "villages",
        ["province_code", "township_code", "households", "sales_fen", "active_stores", "year"],
    )
    v = villages[villages["year"] == year]
    ok = (v["sales_fen"] >= p["village_min_sales_fen"]) & (
        (v["active_stores"] >= p["village_min_active_stores"])
        | (v["active_stores"] * 100 >= v["households"] * p["village_min_active_pct"])
    )
    qualified = v[ok]
    towns = qualified.groupby(["province_code", "township_code"]).size()
    towns = towns[towns >= p["town_min_villages"]].groupby("province_code").size()
    vv = prov[["province_code"]].copy()
    vv["candidate_villages"] = (
        vv["province_code"].map(v.groupby("province_code").size()).fillna(0).astype(int)
    )
    vv["ecommerce_villages"] = (
        vv["province_code"].map(qualified.groupby("province_code").size()).fillna(0).astype(int)
    )
    vv["ecommerce_towns"] = vv["province_code"].map(towns).fillna(0).astype(int)
    out["villages_province"] = vv
    del macros
    return out


def agreement(pandas_out: dict[str, pd.DataFrame], duck: Any) -> dict[str, bool]:
    """Do the integer columns the two paths share agree exactly?"""

    def same(key: str, column: str) -> bool:
        left = pandas_out[key].set_index("province_code")[column].astype("int64").sort_index()
        right = (
            duck.tables[key]
            .to_pandas()
            .set_index("province_code")[column]
            .astype("int64")
            .sort_index()
        )
        return bool((left == right).all())

    return {
        "entrepreneurs_province": same("entrepreneurs_province", "current_count")
        and same("entrepreneurs_province", "base_count"),
        "stores_province": same("stores_province", "active_stores")
        and same("stores_province", "stores_open_at_end"),
        "anchors_province": same("anchors_province", "new_farmer_anchors"),
        "live_province": same("live_province", "live_orders") and same("live_province", "gmv_fen"),
        "villages_province": same("villages_province", "ecommerce_villages")
        and same("villages_province", "ecommerce_towns"),
    }
