"""Step one: the stores — the new entrepreneurs' first stores, the same people's later ones,
where each stands (county, township, sometimes a village), what it sells and when it closes.

Also the footing every later step stands on: the seeded random streams, local (UTC+8) time,
the stores as parallel arrays, and ``GeneratorBase`` — the state the steps share, the emitting
of tables and each store's open interval within a year. See ``generator.py`` for determinism.
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


class GeneratorBase:
    """What every step shares: the scenario, the map, where tables go and how many rows went."""

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

    def _exposure(self, st: Stores, year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Indices of stores open at some time in the year, with their open interval in it."""
        ys, ye = self._year_bounds(year)
        closed = np.where(st.closed < 0, self.end_us, st.closed)
        start = np.maximum(st.opened, ys)
        end = np.minimum(closed, ye)
        idx = np.flatnonzero(end > start)
        return idx, start[idx], end[idx]


class StoreSteps(GeneratorBase):
    """Make the stores and write the ``stores`` table."""

    # ---------------------------------------------------------------- placing and kinds
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
