"""Loans to stores, the e-commerce villages, and the regions table that names every place the
stores and villages use."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from shanhuo.simulate import scenario as sc
from shanhuo.simulate.schema import SCHEMAS
from shanhuo.simulate.stores import (
    DAY_US,
    GeneratorBase,
    Stores,
    _lognormal,
    _rng,
    _ts,
    _weighted_pick,
)


class LoanAndVillageSteps(GeneratorBase):
    """Make and write the ``loans``, ``villages`` and ``regions`` tables."""

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
