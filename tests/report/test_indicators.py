"""Each indicator on a tiny hand-made dataset whose right answer is worked out here (DuckDB).

Local times are written with ``local(...)`` (Asia/Shanghai wall clock); the files hold UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from shanhuo.report.dataset import open_dataset
from shanhuo.report.indicators import ReportOptions, ReportTables, compute
from tests.helpers.report import local, province_regions, store, write_dataset

OPTS = ReportOptions(min_base=2, financing_base_year=2017, sme_max_gmv_fen=1000)


def run(
    tmp_path: Path,
    tables: dict[str, list[dict[str, Any]]],
    *,
    year: int = 2020,
    data_end: str = "2021-01-01",
    regions: list[dict[str, Any]] | None = None,
    options: ReportOptions = OPTS,
) -> ReportTables:
    root = write_dataset(tmp_path / "ds", tables, data_end=data_end, regions=regions)
    return compute(open_dataset(root), year, options=options)


def by_province(t: ReportTables, key: str) -> dict[str, dict[str, Any]]:
    return {r["province_code"]: r for r in t.rows(key)}


def entrepreneur_stores() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    n = iter(range(1, 1000))

    def add(province: str, when: datetime, count: int = 1, **kw: Any) -> None:
        for _ in range(count):
            rows.append(store(next(n), province, when, **kw))

    add("53", local(2019, 5, 1), 2)
    add("53", local(2020, 5, 1), 4)
    add("53", local(2020, 6, 1), 1, first=False)  # a later store of someone: not new
    add("64", local(2020, 5, 1), 3)  # zero base
    add("33", local(2019, 5, 1), 2)
    add("33", local(2020, 5, 1), 3)
    add("11", local(2019, 5, 1), 4)
    add("11", local(2020, 5, 1), 6)
    add("41", local(2019, 5, 1), 3)
    add("41", local(2020, 5, 1), 2)
    # 2019-12-31 17:00 UTC is 2020-01-01 01:00 in Shanghai: a 2020 entrepreneur.
    add("41", datetime(2019, 12, 31, 17, tzinfo=UTC))
    # 2020-12-31 20:00 UTC is already 2021 in Shanghai: not a 2020 entrepreneur.
    add("41", datetime(2020, 12, 31, 20, tzinfo=UTC))
    return rows


def test_new_entrepreneurs_growth_zero_base_ties_and_local_year(tmp_path: Path) -> None:
    t = run(tmp_path, {"stores": entrepreneur_stores()})
    p = by_province(t, "entrepreneurs_province")
    got = {
        c: (
            p[c]["current_count"],
            p[c]["base_count"],
            p[c]["growth"],
            p[c]["eligible"],
            p[c]["growth_rank"],
        )
        for c in ("53", "64", "33", "11", "41")
    }
    assert got == {
        "53": (4, 2, 1.0, True, 1),
        "64": (3, 0, None, False, None),  # zero base: no growth, not ranked
        "33": (3, 2, 0.5, True, 2),  # tie with 11: both 2nd …
        "11": (6, 4, 0.5, True, 2),
        "41": (3, 3, 0.0, True, 4),  # … and the next rank is 4
    }
    assert p["54"]["eligible"] is False and p["54"]["growth_rank"] is None


def test_new_entrepreneurs_by_macro_region(tmp_path: Path) -> None:
    t = run(tmp_path, {"stores": entrepreneur_stores()})
    got = {
        r["macro_region"]: (r["current_count"], r["base_count"], r["growth"])
        for r in t.rows("entrepreneurs_macro")
    }
    assert got == {
        "east": (9, 6, 0.5),
        "central": (3, 3, 0.0),
        "west": (7, 2, 2.5),
        "northeast": (0, 0, None),
    }
    trend = {
        (r["macro_region"], r["year"]): r["new_entrepreneurs"]
        for r in t.rows("entrepreneurs_trend")
    }
    assert trend[("central", 2021)] == 1 and trend[("central", 2020)] == 3


def test_leap_year_partial_window_compares_the_same_days(tmp_path: Path) -> None:
    stores = [
        store(1, "53", local(2020, 2, 28, 23)),  # inside: data ends before 29 Feb 2020
        store(2, "53", local(2019, 2, 28, 23)),  # base window runs through 28 Feb 2019
        store(3, "53", local(2019, 3, 1, 0, 30)),  # 1 March 2019: outside the base window
    ]
    t = run(tmp_path, {"stores": stores}, data_end="2020-02-29", options=ReportOptions(min_base=1))
    row = by_province(t, "entrepreneurs_province")["53"]
    assert (row["current_count"], row["base_count"], row["growth"]) == (1, 1, 0.0)
    assert t.window.base_end.isoformat() == "2019-03-01"


def _orders(
    store_id: int, count: int, start: datetime, every: timedelta, fen: int = 100
) -> list[dict[str, Any]]:
    return [
        {
            "order_id": store_id * 1000 + i,
            "store_id": store_id,
            "buyer_province_code": "33",
            "paid_at": start + every * i,
            "total_fen": fen,
            "live_session_id": None,
        }
        for i in range(count)
    ]


def test_active_stores_a_december_store_and_a_closed_store(tmp_path: Path) -> None:
    stores = [
        store(1, "53", local(2019, 6, 1), first=False),  # whole leap year, 12 orders: active
        store(2, "53", local(2019, 6, 1), first=False),  # 11 orders: not active
        store(3, "53", local(2020, 12, 15), first=False),  # opened in December: 17 days < 30
        store(
            4, "53", local(2019, 6, 1), first=False, closed=local(2020, 3, 1, 0)
        ),  # 60 days, 2 orders
        store(5, "53", local(2021, 1, 2), first=False),  # after the window
    ]
    orders = (
        _orders(1, 12, local(2020, 1, 10), timedelta(days=30))
        + _orders(2, 11, local(2020, 1, 10), timedelta(days=30))
        + _orders(3, 10, local(2020, 12, 16), timedelta(hours=12))
        + _orders(4, 2, local(2020, 1, 10), timedelta(days=20))
    )
    row = by_province(run(tmp_path, {"stores": stores, "orders": orders}), "stores_province")["53"]
    assert (row["stores_in_period"], row["stores_open_at_end"], row["active_stores"]) == (4, 3, 2)


def _parcel(
    pid: int, origin: str, dest: str, paid: datetime, hours: float | None
) -> dict[str, Any]:
    return {
        "parcel_id": pid,
        "order_id": pid,
        "origin_province_code": origin,
        "dest_province_code": dest,
        "paid_at": paid,
        "delivered_at": None if hours is None else paid + timedelta(hours=hours),
    }


def test_delivery_time_by_lane_both_directions_and_two_years_back(tmp_path: Path) -> None:
    parcels = [
        _parcel(1, "33", "64", local(2020, 3, 1), 10),
        _parcel(2, "33", "64", local(2020, 4, 1), 20),
        _parcel(3, "64", "33", local(2020, 5, 1), 30),  # west → east: the same lane
        _parcel(4, "64", "33", local(2020, 5, 2), None),  # not delivered: left out
        _parcel(5, "33", "64", local(2018, 3, 1), 40),
        _parcel(6, "64", "33", local(2018, 3, 2), 50),
        _parcel(7, "11", "33", local(2020, 3, 1), 5),
        _parcel(8, "33", "64", local(2019, 3, 1), 99),  # last year: neither window
    ]
    lanes = {r["lane"]: r for r in run(tmp_path, {"parcels": parcels}).rows("delivery_lanes")}
    ew = lanes["east-west"]
    assert (ew["parcels"], ew["avg_hours"], ew["median_hours"]) == (3, 20.0, 20.0)
    assert (ew["parcels_before"], ew["avg_hours_before"], ew["avg_change_hours"]) == (
        2,
        45.0,
        -25.0,
    )
    assert (lanes["east-east"]["parcels"], lanes["east-east"]["avg_hours"]) == (1, 5.0)
    assert lanes["west-west"]["parcels"] == 0 and lanes["west-west"]["avg_hours"] is None


def test_new_farmer_anchors_rural_farm_stores_distinct_and_ranked(tmp_path: Path) -> None:
    regions = province_regions(
        {"530102": "五华区", "530124": "富民县", "640122": "贺兰县", "330127": "淳安县"}
    )
    stores = [
        store(1, "53", local(2019, 1, 1), county="530124", first=False),  # rural, farm
        store(2, "53", local(2019, 1, 1), county="530102", first=False),  # urban district
        store(3, "53", local(2019, 1, 1), county="530124", farm=False, first=False),  # crafts
        store(4, "64", local(2019, 1, 1), county="640122", first=False),
        store(5, "33", local(2019, 1, 1), county="330127", first=False),
    ]
    sessions = [
        (1, 1, 100, local(2020, 3, 1)),
        (2, 1, 100, local(2020, 4, 1)),
        (3, 2, 101, local(2020, 3, 1)),
        (4, 3, 102, local(2020, 3, 1)),
        (5, 4, 103, local(2020, 3, 1)),
        (6, 5, 104, local(2020, 3, 1)),
        (7, 1, 105, local(2020, 3, 1)),
        (8, 1, 106, local(2019, 3, 1)),  # 2019: not counted
    ]
    live = [
        {
            "session_id": i,
            "store_id": s,
            "anchor_id": a,
            "started_at": t,
            "ended_at": t + timedelta(hours=2),
        }
        for i, s, a, t in sessions
    ]
    p = by_province(
        run(tmp_path, {"stores": stores, "live_sessions": live}, regions=regions),
        "anchors_province",
    )
    got = {
        c: (p[c]["new_farmer_anchors"], p[c]["all_anchors"], p[c]["anchor_rank"])
        for c in ("53", "64", "33", "11")
    }
    assert got == {"53": (2, 4, 1), "64": (1, 1, 2), "33": (1, 1, 2), "11": (0, 0, 4)}


def test_financing_per_sme_merchant_against_the_base_year(tmp_path: Path) -> None:
    stores = [
        store(1, "53", local(2016, 1, 1), first=False),
        store(2, "53", local(2016, 1, 1), first=False),
        store(3, "53", local(2016, 1, 1), first=False),  # too big in 2020: not an SME
        store(4, "33", local(2016, 1, 1), first=False, closed=local(2017, 6, 1)),
    ]
    orders = _orders(3, 1, local(2020, 5, 1), timedelta(days=1), fen=5000) + _orders(
        3, 1, local(2017, 5, 1), timedelta(days=1), fen=10
    )
    loans = [
        {
            "loan_id": 1,
            "store_id": 1,
            "disbursed_at": local(2017, 3, 1),
            "amount_fen": 150_000,
            "outcome": "repaid",
        },
        {
            "loan_id": 2,
            "store_id": 1,
            "disbursed_at": local(2020, 3, 1),
            "amount_fen": 250_000,
            "outcome": "current",
        },
        {
            "loan_id": 3,
            "store_id": 2,
            "disbursed_at": local(2020, 4, 1),
            "amount_fen": 250_000,
            "outcome": "defaulted",
        },
        {
            "loan_id": 4,
            "store_id": 3,
            "disbursed_at": local(2020, 4, 1),
            "amount_fen": 9_000_000,
            "outcome": "repaid",
        },
        {
            "loan_id": 5,
            "store_id": 4,
            "disbursed_at": local(2017, 2, 1),
            "amount_fen": 80_000,
            "outcome": "repaid",
        },
    ]
    rows = {
        r["macro_region"]: r
        for r in run(tmp_path, {"stores": stores, "orders": orders, "loans": loans}).rows(
            "financing_macro"
        )
    }
    west = rows["west"]
    assert (west["sme_merchants"], west["loan_fen"], west["per_merchant_fen"]) == (
        2,
        500_000,
        250_000.0,
    )
    assert (west["base_sme_merchants"], west["base_loan_fen"], west["base_per_merchant_fen"]) == (
        3,
        150_000,
        50_000.0,
    )
    east = rows["east"]
    assert (
        east["sme_merchants"],
        east["per_merchant_fen"],
        east["base_sme_merchants"],
        east["base_per_merchant_fen"],
    ) == (0, None, 1, 80_000.0)


def test_live_commerce_by_province(tmp_path: Path) -> None:
    stores = [store(1, "53", local(2019, 1, 1), first=False)]
    live = [
        {
            "session_id": 9,
            "store_id": 1,
            "anchor_id": 1,
            "started_at": local(2020, 3, 1),
            "ended_at": local(2020, 3, 1, 14),
        }
    ]
    orders = _orders(1, 3, local(2020, 3, 1, 12, 30), timedelta(minutes=5), fen=1000)
    orders[0]["live_session_id"] = 9
    orders[1]["live_session_id"] = 9
    orders[1]["total_fen"] = 2000
    orders[2]["total_fen"] = 500
    t = run(tmp_path, {"stores": stores, "live_sessions": live, "orders": orders})
    row = by_province(t, "live_province")["53"]
    assert (
        row["live_sessions"],
        row["live_orders"],
        row["live_gmv_fen"],
        row["orders"],
        row["gmv_fen"],
    ) == (1, 2, 3000, 3, 3500)
    share = {r["metric"]: r for r in t.rows("western_share")}
    assert (
        share["live_gmv_fen"]["national"],
        share["live_gmv_fen"]["west"],
        share["live_gmv_fen"]["west_share"],
    ) == (3000, 3000, 1.0)
    assert share["ecommerce_villages"]["west_share"] is None  # national total 0


def test_ecommerce_villages_and_towns_by_the_taobao_rule(tmp_path: Path) -> None:
    ten_million = 1_000_000_000

    def village(
        code: str, sales: int, active: int, households: int, year: int = 2020
    ) -> dict[str, Any]:
        return {
            "village_code": code,
            "township_code": code[:9],
            "county_code": code[:6],
            "province_code": code[:2],
            "households": households,
            "sales_fen": sales,
            "active_stores": active,
            "year": year,
        }

    villages = [
        village("530124100001", ten_million, 100, 5000),
        village("530124100002", ten_million, 99, 990),  # 10 % of households
        village("530124100003", ten_million, 98, 990),  # just under 10 %
        village("530124100004", 2 * ten_million, 150, 3000),
        village("640122100001", ten_million - 1, 500, 600),  # sales ¥1 short
        village("640122100002", ten_million, 500, 600, year=2019),  # another year
    ]
    p = by_province(run(tmp_path, {"villages": villages}), "villages_province")
    assert (
        p["53"]["candidate_villages"],
        p["53"]["ecommerce_villages"],
        p["53"]["ecommerce_towns"],
    ) == (4, 3, 1)
    assert (
        p["64"]["candidate_villages"],
        p["64"]["ecommerce_villages"],
        p["64"]["ecommerce_towns"],
    ) == (1, 0, 0)


def test_financing_base_year_equal_to_the_report_year_repeats_the_window(
    tmp_path: Path,
) -> None:
    stores = [
        store(1, "53", local(2016, 1, 1), first=False),
        store(2, "53", local(2016, 1, 1), first=False),
    ]
    orders = _orders(1, 1, local(2020, 5, 1), timedelta(days=1), fen=10)
    loans = [
        {
            "loan_id": 1,
            "store_id": 1,
            "disbursed_at": local(2020, 3, 1),
            "amount_fen": 250_000,
            "outcome": "current",
        }
    ]
    same_year = ReportOptions(min_base=2, financing_base_year=2020, sme_max_gmv_fen=1000)
    west = next(
        r
        for r in run(
            tmp_path, {"stores": stores, "orders": orders, "loans": loans}, options=same_year
        ).rows("financing_macro")
        if r["macro_region"] == "west"
    )
    # Each store and loan once, not once per copy of the window.
    assert (west["sme_merchants"], west["loan_fen"], west["per_merchant_fen"]) == (
        2,
        250_000,
        125_000.0,
    )
    assert (west["base_sme_merchants"], west["base_loan_fen"]) == (2, 250_000)
