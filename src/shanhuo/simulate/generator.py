"""Generate the national dataset from a scenario, vectorised with numpy, in fixed-size chunks.

Determinism: every random stream is seeded from ``(scenario.seed, stream, year, chunk)``
through ``numpy.random.SeedSequence``, and chunk sizes are constants, so the same scenario
gives the same rows — and, written by the same pyarrow, the same bytes — on any machine.

Times are int64 microseconds since the epoch (UTC) inside this module; calendar years and
months are Asia/Shanghai (UTC+8, no daylight saving since 1991), because the report's years are
Chinese calendar years: a store opened at 2020-12-31 20:00 UTC opened in 2021.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa

from shanhuo.simulate import scenario as sc
from shanhuo.simulate.geography import Geography
from shanhuo.simulate.schema import SCHEMAS

US = 1_000_000
HOUR_US = 3600 * US
DAY_US = 24 * HOUR_US
TZ_OFFSET_US = 8 * HOUR_US
ORDER_CHUNK = 500_000
_STREAMS = {
    "stores": 1,
    "repeat": 2,
    "sessions": 3,
    "orders": 4,
    "loans": 5,
    "villages": 6,
}

Sink = Callable[[str, int | None, pa.Table], None]
Progress = Callable[[str, int], None]


def local_instant_us(year: int, month: int = 1, day: int = 1) -> int:
    """UTC microseconds of local (UTC+8) midnight on the given date."""
    return int(datetime(year, month, day, tzinfo=UTC).timestamp()) * US - TZ_OFFSET_US


def local_year_of(ts_us: np.ndarray) -> np.ndarray:
    shifted = (ts_us + TZ_OFFSET_US).astype("datetime64[us]")
    return shifted.astype("datetime64[Y]").astype(np.int64) + 1970


def _rng(seed: int, stream: str, *keys: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_STREAMS[stream], *keys)))


def _ts(values: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(values, type=pa.int64(), mask=mask).cast(
        SCHEMAS["stores"].field("opened_at").type
    )


def _lognormal(
    rng: np.random.Generator, mean: np.ndarray | float, sigma: float, n: int
) -> np.ndarray:
    """Lognormal draws with the given *mean* (not median)."""
    mu = np.log(mean) - sigma * sigma / 2
    return (
        rng.lognormal(mu, sigma, n)
        if sigma > 0
        else np.broadcast_to(np.asarray(mean, float), (n,)).copy()
    )


def _weighted_pick(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    cum = np.cumsum(weights, dtype=np.float64)
    return np.searchsorted(cum, rng.random(n) * cum[-1], side="right").clip(0, len(weights) - 1)


@dataclass
class Stores:
    """The stores as parallel arrays (index = store_id - 1)."""

    owner: np.ndarray
    province: np.ndarray
    county: np.ndarray
    township: np.ndarray
    village: np.ndarray
    category: np.ndarray
    farm: np.ndarray
    first: np.ndarray
    opened: np.ndarray
    closed: np.ndarray  # int64, -1 = still open at the end of the data
    popularity: np.ndarray
    anchor_u: np.ndarray

    def __len__(self) -> int:
        return len(self.opened)


class Generator:
    def __init__(
        self, scenario: sc.Scenario, geo: Geography, sink: Sink, progress: Progress
    ) -> None:
        self.s = scenario
        self.geo = geo
        self.sink = sink
        self.progress = progress
        self.end_us = local_instant_us(scenario.last_year + 1)
        self.provinces = sorted(geo.province_names)
        self.macro = np.array([sc.MACRO_OF[p] for p in self.provinces])
        self.counts: dict[str, int] = {}

    # ---------------------------------------------------------------- helpers
    def _emit(self, table: str, year: int | None, data: pa.Table) -> None:
        self.counts[table] = self.counts.get(table, 0) + data.num_rows
        self.sink(table, year, data)

    def _year_bounds(self, year: int) -> tuple[int, int]:
        return local_instant_us(year), local_instant_us(year + 1)

    def _county_sampler(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        weights = (
            np.where(
                self.geo.county_rural, self.s.rural_county_weight, self.s.urban_district_weight
            ).astype(np.float64)
            + 1e-9
        )
        return {p: (idx := self.geo.counties_of(p), weights[idx]) for p in self.provinces}

    def _place(self, rng: np.random.Generator, provinces: np.ndarray) -> tuple[np.ndarray, ...]:
        """County, township and (sometimes) village for stores in the given provinces."""
        n = len(provinces)
        county_idx = np.zeros(n, dtype=np.int64)
        sampler = self._county_sampler()
        for p in np.unique(provinces):
            rows = np.flatnonzero(provinces == p)
            idx, w = sampler[str(p)]
            county_idx[rows] = idx[_weighted_pick(rng, w, len(rows))]
        starts = self.geo.town_start[county_idx]
        sizes = self.geo.town_start[county_idx + 1] - starts
        has_town = sizes > 0
        town_idx = starts + (rng.random(n) * np.maximum(sizes, 1)).astype(np.int64)
        codes = self.geo.town_codes[np.minimum(town_idx, len(self.geo.town_codes) - 1)]
        township: np.ndarray = np.full(n, None, dtype=object)
        township[has_town] = codes[has_town]
        rural = self.geo.county_rural[county_idx]
        with_village = has_town & rural & (rng.random(n) < 0.6)
        number = rng.integers(1, self.s.villages_per_township + 1, n)
        village: np.ndarray = np.full(n, None, dtype=object)
        village[with_village] = np.char.add(
            codes[with_village].astype(str), np.char.zfill(number[with_village].astype(str), 3)
        )
        return self.geo.county_codes[county_idx], township, village

    def _categories(
        self, rng: np.random.Generator, provinces: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        farm_cats = np.array([c for c in sc.CATEGORIES if c not in sc.NON_FARM_CATEGORIES])
        other_cats = np.array(sorted(sc.NON_FARM_CATEGORIES))
        share = np.array([sc.FARM_SHARE_BY_MACRO[sc.MACRO_OF[str(p)]] for p in provinces])
        farm = rng.random(len(provinces)) < share
        cat = np.where(
            farm,
            farm_cats[rng.integers(0, len(farm_cats), len(provinces))],
            other_cats[rng.integers(0, len(other_cats), len(provinces))],
        )
        return cat, farm

    # ---------------------------------------------------------------- stores
    def entrepreneur_counts(self) -> dict[tuple[str, int], int]:
        """Exact first-store counts per (province, year): the scenario's growth, scaled."""
        rel: dict[tuple[str, int], float] = {}
        for p in self.provinces:
            value = sc.ENTREPRENEURS_FIRST_YEAR[p]
            for y in self.s.years:
                if y > self.s.first_year:
                    value *= 1 + sc.entrepreneur_growth(p, y)
                rel[(p, y)] = value
        total_stores = self.s.stores_per_1000_orders * self.s.orders / 1000
        first_total = total_stores * (1 - self.s.repeat_store_share)
        norm = first_total / sum(rel.values())
        return {k: round(v * norm) for k, v in rel.items()}

    def make_stores(self) -> Stores:
        rng = _rng(self.s.seed, "stores")
        counts = self.entrepreneur_counts()
        provinces: list[np.ndarray] = []
        opened: list[np.ndarray] = []
        for (p, y), n in sorted(counts.items()):
            start, end = self._year_bounds(y)
            provinces.append(np.full(n, p))
            opened.append(rng.integers(start, end, n))
        first_prov = np.concatenate(provinces)
        first_open = np.concatenate(opened)
        n_first = len(first_open)
        owners = np.arange(1, n_first + 1, dtype=np.int64)

        # Later stores of the same people, after their first.
        rrng = _rng(self.s.seed, "repeat")
        n_repeat = round(n_first * self.s.repeat_store_share / (1 - self.s.repeat_store_share))
        who = rrng.integers(0, n_first, n_repeat)
        later_open = (
            first_open[who]
            + (rrng.exponential(2 * 365, n_repeat) * DAY_US).astype(np.int64)
            + DAY_US
        )
        keep = later_open < self.end_us
        who, later_open = who[keep], later_open[keep]

        province = np.concatenate([first_prov, first_prov[who]])
        open_at = np.concatenate([first_open, later_open])
        owner = np.concatenate([owners, owners[who]])
        first = np.concatenate([np.ones(n_first, bool), np.zeros(len(who), bool)])
        order = np.lexsort((np.arange(len(open_at)), open_at))
        province, open_at, owner, first = (
            province[order],
            open_at[order],
            owner[order],
            first[order],
        )
        n = len(open_at)

        county, township, village = self._place(rng, province)
        category, farm = self._categories(rng, province)
        if self.s.closure_rate_per_year > 0:
            life = rng.exponential(365 / self.s.closure_rate_per_year, n) * DAY_US
            closed = open_at + life.astype(np.int64) + HOUR_US
            closed = np.where(closed < self.end_us, closed, -1)
        else:
            closed = np.full(n, -1, dtype=np.int64)
        stores = Stores(
            owner=owner,
            province=province,
            county=county,
            township=township,
            village=village,
            category=category,
            farm=farm,
            first=first,
            opened=open_at,
            closed=closed,
            popularity=_lognormal(rng, 1.0, self.s.store_popularity_sigma, n),
            anchor_u=rng.random(n),
        )
        self._write_stores(stores)
        return stores

    def _write_stores(self, st: Stores) -> None:
        years = local_year_of(st.opened)
        ids = np.arange(1, len(st) + 1, dtype=np.int64)
        for y in self.s.years:
            m = years == y
            table = pa.table(
                {
                    "store_id": ids[m],
                    "owner_id": st.owner[m],
                    "province_code": st.province[m].astype(str),
                    "county_code": st.county[m].astype(str),
                    "township_code": pa.array(st.township[m].tolist(), pa.string()),
                    "village_code": pa.array(st.village[m].tolist(), pa.string()),
                    "category_code": st.category[m].astype(str),
                    "farm_products": st.farm[m],
                    "first_store": st.first[m],
                    "opened_at": _ts(st.opened[m]),
                    "closed_at": _ts(st.closed[m], st.closed[m] < 0),
                },
                schema=SCHEMAS["stores"],
            )
            self._emit("stores", y, table)

    def _exposure(self, st: Stores, year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Indices of stores open at some time in the year, with their open interval in it."""
        ys, ye = self._year_bounds(year)
        closed = np.where(st.closed < 0, self.end_us, st.closed)
        start = np.maximum(st.opened, ys)
        end = np.minimum(closed, ye)
        idx = np.flatnonzero(end > start)
        return idx, start[idx], end[idx]

    # ---------------------------------------------------------------- live sessions
    def make_sessions(self, st: Stores) -> dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Sessions per year: (store index, start time, session id). Written as they are made."""
        adoption = {p: sc.live_adoption(p) for p in self.provinces}
        prov_adoption = np.vectorize(adoption.__getitem__, otypes=[float])(st.province)
        out: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        next_id = 1
        for y in self.s.years:
            rng = _rng(self.s.seed, "sessions", y)
            idx, start, end = self._exposure(st, y)
            anchor = st.anchor_u[idx] < prov_adoption[idx] * sc.LIVE_RAMP[y]
            idx, start, end = idx[anchor], start[anchor], end[anchor]
            lam = self.s.sessions_per_anchor_year * (end - start) / (365 * DAY_US)
            n = rng.poisson(lam)
            store = np.repeat(idx, n)
            begin = np.repeat(start, n)
            span = np.repeat(end - start, n)
            started = begin + (rng.random(len(store)) * span).astype(np.int64)
            order = np.lexsort((store, started))
            store, started = store[order], started[order]
            ids = np.arange(next_id, next_id + len(store), dtype=np.int64)
            next_id += len(store)
            ended = started + int(self.s.live_session_hours * HOUR_US)
            self._emit(
                "live_sessions",
                y,
                pa.table(
                    {
                        "session_id": ids,
                        "store_id": store.astype(np.int64) + 1,
                        "anchor_id": st.owner[store],
                        "started_at": _ts(started),
                        "ended_at": _ts(ended),
                    },
                    schema=SCHEMAS["live_sessions"],
                ),
            )
            out[y] = (store, started, ids)
        return out

    # ---------------------------------------------------------------- orders and parcels
    def orders_per_year(self) -> dict[int, int]:
        weights = {y: sc.ORDER_YEAR_WEIGHTS[y] for y in self.s.years}
        total = sum(weights.values())
        counts = {y: int(self.s.orders * w / total) for y, w in weights.items()}
        counts[self.s.last_year] += self.s.orders - sum(counts.values())
        return counts

    def make_orders(
        self, st: Stores, sessions: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]
    ) -> None:
        buyer_provinces = np.array(sorted(sc.BUYER_WEIGHTS))
        buyer_w = np.array([sc.BUYER_WEIGHTS[p] for p in buyer_provinces])
        prov_macro = {p: sc.MACRO_OF[p] for p in self.provinces}
        season = np.array(sc.MONTH_SEASONALITY)
        next_id = 1
        done = 0
        for y, n_year in self.orders_per_year().items():
            idx, start, end = self._exposure(st, y)
            if len(idx) == 0:
                continue
            weight = st.popularity[idx] * (end - start)
            cum = np.cumsum(weight)
            empty = np.array([], np.int64)
            s_store, s_start, s_ids = sessions.get(y, (empty, empty, empty))
            n_live = round(n_year * sc.LIVE_SHARE[y]) if len(s_store) else 0
            s_cum = np.cumsum(st.popularity[s_store]) if len(s_store) else None
            month_starts = np.array(
                [local_instant_us(y, m) for m in range(1, 13)] + [local_instant_us(y + 1)]
            )
            lanes = sc.LANE_HOURS[y]
            ye = local_instant_us(y + 1)
            for chunk, lo in enumerate(range(0, n_year, ORDER_CHUNK)):
                n = min(ORDER_CHUNK, n_year - lo)
                rng = _rng(self.s.seed, "orders", y, chunk)
                live_here = max(0, min(n, n_live - lo))
                # Live orders: a session, then a moment during it.
                if live_here and s_cum is not None:
                    pick = np.searchsorted(s_cum, rng.random(live_here) * s_cum[-1], side="right")
                    pick = pick.clip(0, len(s_store) - 1)
                    live_store = s_store[pick]
                    live_paid = s_start[pick] + (
                        rng.random(live_here) * self.s.live_session_hours * HOUR_US
                    ).astype(np.int64)
                    live_paid = np.minimum(live_paid, ye - 1)
                    live_session = s_ids[pick]
                else:
                    live_store = np.array([], np.int64)
                    live_paid = np.array([], np.int64)
                    live_session = np.array([], np.int64)
                # Other orders: a store by popularity × days open, a moment by season.
                m = n - live_here
                pick = np.searchsorted(cum, rng.random(m) * cum[-1], side="right").clip(
                    0, len(idx) - 1
                )
                month = _weighted_pick(rng, season, m)
                t = month_starts[month] + (
                    rng.random(m) * (month_starts[month + 1] - month_starts[month])
                ).astype(np.int64)
                lo_t, hi_t = start[pick], end[pick]
                outside = (t < lo_t) | (t >= hi_t)
                t = np.where(outside, lo_t + (rng.random(m) * (hi_t - lo_t)).astype(np.int64), t)
                store = np.concatenate([live_store, idx[pick]])
                paid = np.concatenate([live_paid, t])
                session = np.concatenate([live_session, np.zeros(m, np.int64)])
                is_live = np.concatenate([np.ones(live_here, bool), np.zeros(m, bool)])
                order = np.lexsort((store, paid))
                store, paid, session, is_live = (
                    store[order],
                    paid[order],
                    session[order],
                    is_live[order],
                )
                ids = np.arange(next_id, next_id + n, dtype=np.int64)
                next_id += n
                buyer = buyer_provinces[_weighted_pick(rng, buyer_w, n)]
                amount = np.maximum(
                    100,
                    np.round(
                        _lognormal(rng, self.s.mean_order_yuan * 100, self.s.order_amount_sigma, n)
                    ),
                ).astype(np.int64)
                origin = st.province[store]
                origin_macro = np.vectorize(prov_macro.__getitem__)(origin)
                dest_macro = np.vectorize(prov_macro.__getitem__)(buyer)
                lane_key = np.where(
                    origin_macro < dest_macro,
                    np.char.add(np.char.add(origin_macro, "-"), dest_macro),
                    np.char.add(np.char.add(dest_macro, "-"), origin_macro),
                )
                mean_hours = np.vectorize(lanes.__getitem__, otypes=[float])(lane_key)
                k = self.s.delivery_gamma_shape
                hours = rng.gamma(k, mean_hours / k)
                delivered = paid + (hours * HOUR_US).astype(np.int64)
                lost = (delivered >= self.end_us) | (rng.random(n) < self.s.undelivered_share)
                self._emit(
                    "orders",
                    y,
                    pa.table(
                        {
                            "order_id": ids,
                            "store_id": store.astype(np.int64) + 1,
                            "buyer_province_code": buyer.astype(str),
                            "paid_at": _ts(paid),
                            "total_fen": amount,
                            "live_session_id": pa.array(session, pa.int64(), mask=~is_live),
                        },
                        schema=SCHEMAS["orders"],
                    ),
                )
                self._emit(
                    "parcels",
                    y,
                    pa.table(
                        {
                            "parcel_id": ids,
                            "order_id": ids,
                            "origin_province_code": origin.astype(str),
                            "dest_province_code": buyer.astype(str),
                            "paid_at": _ts(paid),
                            "delivered_at": _ts(delivered, lost),
                        },
                        schema=SCHEMAS["parcels"],
                    ),
                )
                done += n
                self.progress("orders", n)

    # ---------------------------------------------------------------- loans
    def make_loans(self, st: Stores) -> None:
        next_id = 1
        for y in self.s.years:
            rng = _rng(self.s.seed, "loans", y)
            idx, start, end = self._exposure(st, y)
            long_enough = (end - start) >= 30 * DAY_US
            idx, start, end = idx[long_enough], start[long_enough], end[long_enough]
            macro = (
                np.vectorize(sc.MACRO_OF.__getitem__)(st.province[idx])
                if len(idx)
                else np.array([], str)
            )
            # Exact uptake per macro-region (a share of the eligible stores, chosen at random).
            take = np.zeros(len(idx), dtype=bool)
            for m in sc.MACROS:
                members = np.flatnonzero(macro == m)
                k = round(sc.LOAN_UPTAKE[m][y] * len(members))
                take[rng.permutation(members)[:k]] = True
            idx, start, end, macro = idx[take], start[take], end[take], macro[take]
            n = len(idx)
            when = start + (rng.random(n) * (end - start)).astype(np.int64)
            mean = (
                np.vectorize(sc.LOAN_MEAN_YUAN_BY_YEAR[y].__getitem__, otypes=[float])(macro)
                if n
                else np.array([])
            )
            amount = (
                np.maximum(1, np.round(_lognormal(rng, mean, self.s.loan_amount_sigma, n) / 100))
                * 100
                * 100
            )
            defaulted = rng.random(n) < self.s.loan_default_rate
            recent = when >= self.end_us - 365 * DAY_US
            outcome = np.where(defaulted, "defaulted", np.where(recent, "current", "repaid"))
            order = np.lexsort((idx, when))
            ids = np.arange(next_id, next_id + n, dtype=np.int64)
            next_id += n
            self._emit(
                "loans",
                y,
                pa.table(
                    {
                        "loan_id": ids,
                        "store_id": idx[order].astype(np.int64) + 1,
                        "disbursed_at": _ts(when[order]),
                        "amount_fen": amount[order].astype(np.int64),
                        "outcome": outcome[order].astype(str),
                    },
                    schema=SCHEMAS["loans"],
                ),
            )

    # ---------------------------------------------------------------- villages
    def _village_counties(self, province: str) -> np.ndarray:
        """Rural counties with townships; municipalities (all 区) fall back to any county."""
        geo = self.geo
        with_towns = (geo.county_province == province) & (np.diff(geo.town_start) > 0)
        rural = np.flatnonzero(with_towns & geo.county_rural)
        return rural if len(rural) else np.flatnonzero(with_towns)

    def make_villages(self) -> pa.Table:
        """Yearly village inputs; returns the villages' identity rows for the regions table."""
        rng = _rng(self.s.seed, "villages")
        years = self.s.years
        growth = 1 + self.s.village_growth_per_year
        codes: list[np.ndarray] = []
        entry: list[np.ndarray] = []
        clusters: dict[str, list[str]] = {}
        for macro in sc.MACROS:
            provinces = [p for p in self.provinces if sc.MACRO_OF[p] == macro]
            w = np.array([sc.ENTREPRENEURS_FIRST_YEAR[p] for p in provinces])
            total_prev = 0
            for i, y in enumerate(years):
                total = round(sc.VILLAGES_FIRST_YEAR[macro] * growth**i)
                n = max(0, total - total_prev)
                total_prev = total
                prov = np.array(provinces)[_weighted_pick(rng, w, n)]
                rural_idx = {p: self._village_counties(p) for p in provinces}
                picked: list[str] = []
                for p in prov:
                    towns = clusters.setdefault(str(p), [])
                    if towns and rng.random() < 0.55:
                        # E-commerce villages cluster: reuse a township that already has one.
                        town = towns[rng.integers(0, len(towns))]
                    else:
                        choices = rural_idx[str(p)]
                        c = choices[rng.integers(0, len(choices))]
                        t = self.geo.town_start[c] + rng.integers(
                            0, self.geo.town_start[c + 1] - self.geo.town_start[c]
                        )
                        town = str(self.geo.town_codes[t])
                        towns.append(town)
                    picked.append(f"{town}{rng.integers(1, self.s.villages_per_township + 1):03d}")
                codes.append(np.array(picked, dtype=str))
                entry.append(np.full(n, y))
        code = np.concatenate(codes)
        first_year = np.concatenate(entry)
        code, keep = np.unique(code, return_index=True)
        first_year = first_year[keep]
        households = np.maximum(
            30, _lognormal(rng, self.s.village_households_mean, 0.5, len(code))
        ).astype(np.int64)
        base_sales = rng.lognormal(np.log(7e8), 0.7, len(code))  # fen: ¥7 million median
        base_ratio = rng.lognormal(np.log(0.07), 0.6, len(code))
        for y in years:
            live = first_year <= y
            age = (y - first_year[live]).astype(float)
            sales = (base_sales[live] * 1.3**age * rng.lognormal(0, 0.15, live.sum())).astype(
                np.int64
            )
            active = np.round(households[live] * base_ratio[live] * 1.25**age).astype(np.int64)
            vc = code[live]
            self._emit(
                "villages",
                y,
                pa.table(
                    {
                        "village_code": vc,
                        "township_code": np.array([c[:9] for c in vc], dtype=str),
                        "county_code": np.array([c[:6] for c in vc], dtype=str),
                        "province_code": np.array([c[:2] for c in vc], dtype=str),
                        "households": households[live],
                        "sales_fen": sales,
                        "active_stores": active,
                    },
                    schema=SCHEMAS["villages"],
                ),
            )
        return pa.table({"code": code, "households": households})

    # ---------------------------------------------------------------- regions
    def write_regions(self, st: Stores, villages: pa.Table) -> None:
        geo = self.geo
        rows_code: list[str] = []
        rows_name: list[str] = []
        rows_level: list[str] = []
        rows_parent: list[str | None] = []
        rows_households: list[int | None] = []
        for p in self.provinces:
            rows_code.append(p + "0000")
            rows_name.append(geo.province_names[p])
            rows_level.append("province")
            rows_parent.append(None)
            rows_households.append(None)
        for code, name in zip(geo.county_codes.tolist(), geo.county_names.tolist(), strict=True):
            rows_code.append(code)
            rows_name.append(name)
            rows_level.append("county")
            rows_parent.append(code[:2] + "0000")
            rows_households.append(None)
        village_households = dict(
            zip(villages["code"].to_pylist(), villages["households"].to_pylist(), strict=True)
        )
        used_villages = set(village_households) | {v for v in st.village.tolist() if v}
        used_towns = {v[:9] for v in used_villages} | {t for t in st.township.tolist() if t}
        town_name = dict(zip(geo.town_codes.tolist(), geo.town_names.tolist(), strict=True))
        for t in sorted(used_towns):
            rows_code.append(t)
            rows_name.append(town_name.get(t, t))
            rows_level.append("township")
            rows_parent.append(t[:6])
            rows_households.append(None)
        for v in sorted(used_villages):
            rows_code.append(v)
            rows_name.append(f"模拟村{v[-3:]}")
            rows_level.append("village")
            rows_parent.append(v[:9])
            rows_households.append(village_households.get(v))
        table = pa.table(
            {
                "code": rows_code,
                "name": rows_name,
                "level": rows_level,
                "parent_code": pa.array(rows_parent, pa.string()),
                "province_code": [c[:2] for c in rows_code],
                "households": pa.array(rows_households, pa.int64()),
            },
            schema=SCHEMAS["regions"],
        )
        self._emit("regions", None, table)

    # ---------------------------------------------------------------- all
    def run(self) -> dict[str, int]:
        self.progress("stores", 0)
        stores = self.make_stores()
        self.progress("live sessions", 0)
        sessions = self.make_sessions(stores)
        self.make_orders(stores, sessions)
        self.progress("loans", 0)
        self.make_loans(stores)
        self.progress("villages", 0)
        villages = self.make_villages()
        self.write_regions(stores, villages)
        return dict(self.counts)
