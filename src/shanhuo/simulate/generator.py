"""Generate the national dataset from a scenario, vectorised with numpy, in fixed-size chunks.

Determinism: every random stream is seeded from ``(scenario.seed, stream, year, chunk)``
through ``numpy.random.SeedSequence``, and chunk sizes are constants, so the same scenario
gives the same rows — and, written by the same pyarrow, the same bytes — on any machine.

Times are int64 microseconds since the epoch (UTC) inside the simulator; calendar years and
months are Asia/Shanghai (UTC+8, no daylight saving since 1991), because the report's years are
Chinese calendar years: a store opened at 2020-12-31 20:00 UTC opened in 2021.

The steps live beside this module — ``stores`` (and the shared footing: random streams, local
time, the ``Stores`` arrays), ``commerce`` (live sessions, orders, parcels) and
``loans_and_villages`` (loans, villages, regions); ``Generator`` runs them in a fixed order.
"""

from __future__ import annotations

from shanhuo.simulate.commerce import CommerceSteps
from shanhuo.simulate.loans_and_villages import LoanAndVillageSteps
from shanhuo.simulate.stores import (
    DAY_US,
    HOUR_US,
    ORDER_CHUNK,
    TZ_OFFSET_US,
    US,
    GeneratorBase,
    Progress,
    Sink,
    Stores,
    StoreSteps,
    local_instant_us,
    local_year_of,
)

__all__ = [
    "DAY_US",
    "HOUR_US",
    "ORDER_CHUNK",
    "TZ_OFFSET_US",
    "US",
    "Generator",
    "GeneratorBase",
    "Progress",
    "Sink",
    "Stores",
    "local_instant_us",
    "local_year_of",
]


class Generator(StoreSteps, CommerceSteps, LoanAndVillageSteps):
    """The whole dataset: each step writes its tables as it makes them, in this order."""

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
