"""Live commerce, orders and parcels: the anchors' live sessions, then the orders — some paid
during a session, the rest by store popularity and season — each shipped as one parcel whose
delivery time depends on the lane between the store's and the buyer's regions."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from shanhuo.simulate import scenario as sc
from shanhuo.simulate.schema import SCHEMAS
from shanhuo.simulate.stores import (
    DAY_US,
    HOUR_US,
    ORDER_CHUNK,
    GeneratorBase,
    Stores,
    _lognormal,
    _rng,
    _ts,
    _weighted_pick,
    local_instant_us,
)


class CommerceSteps(GeneratorBase):
    """Make and write the ``live_sessions``, ``orders`` and ``parcels`` tables."""

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
