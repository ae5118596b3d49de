"""Export the platform's own tables to the report's Parquet dataset (SQLAlchemy → Arrow).

DuckDB's sqlite/postgres scanners are extensions downloaded at run time, which this project
does not do, so the report reads the database through SQLAlchemy (SQLite or PostgreSQL alike)
and writes the same dataset layout the simulator writes. What each table comes from:

- ``regions``: ``region``; ``stores``: ``store`` (+ ``entrepreneur_event`` for first stores;
  farm products = any category but crafts and other);
- ``orders``: paid ``shop_order`` rows (``paid_at`` set), buyer province from the ship-to
  region; live orders through ``live_deal_order`` → ``live_deal.session_id`` when present;
- ``parcels``: one per paid order, from the order's ``paid_at``/``delivered_at`` and the store
  and ship-to provinces (every order ships as one parcel);
- ``live_sessions``: ``live_session`` started, its room's anchor, and the anchor's store
  (``live_anchor_store``, lowest store id) — when the live-room tables exist;
- ``loans``: disbursed ``credit_loan`` rows (principal, status) — when the credit tables exist;
- ``villages``: per village and year, paid sales of its stores, stores with a paid order
  (active), and ``region.households``.

A table the platform does not have yet is written empty and listed in the manifest's
``empty_tables``; the report then marks the indicators that need it as "no data".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Connection, Engine, inspect, text

from shanhuo import __version__
from shanhuo.kit.files import atomic_dir
from shanhuo.kit.timeutil import as_utc, to_shanghai, utcnow
from shanhuo.report.dataset import REQUIRED, UNPARTITIONED, arrow_schema

NON_FARM = ("craft", "other")
BATCH = 50_000


Bind = Engine | Connection


@contextmanager
def _connect(bind: Bind) -> Iterator[Connection]:
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            yield conn
    else:  # a caller's connection (tests: inside their transaction)
        yield bind


def _has(engine: Bind, table: str, columns: Iterable[str]) -> bool:
    insp = inspect(engine)
    if not insp.has_table(table):
        return False
    present = {c["name"] for c in insp.get_columns(table)}
    return set(columns) <= present


def _rows(engine: Bind, sql: str) -> Iterator[dict[str, Any]]:
    with _connect(engine) as conn:
        result = conn.execute(text(sql))
        while batch := result.mappings().fetchmany(BATCH):
            yield from (dict(r) for r in batch)


def _ts(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return as_utc(value)


def _local_year(value: datetime) -> int:
    return to_shanghai(value).year


class _Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.counts: dict[str, int] = {}

    def write(self, table: str, rows: list[dict[str, Any]], year_of: str | None) -> None:
        schema = arrow_schema(table)
        self.counts[table] = self.counts.get(table, 0) + len(rows)
        groups: dict[int | None, list[dict[str, Any]]] = {}
        for row in rows:
            year = _local_year(row[year_of]) if year_of else None
            groups.setdefault(year, []).append(row)
        if not groups:
            groups[None if table in UNPARTITIONED else 0] = []
        for year, part in sorted(groups.items(), key=lambda kv: kv[0] or 0):
            folder = self.root / table if year is None else self.root / table / f"year={year}"
            folder.mkdir(parents=True, exist_ok=True)
            data = pa.Table.from_pylist(part, schema=schema)
            pq.write_table(data, folder / "part-00000.parquet", compression="zstd")


def export_database(engine: Bind, out: Path, *, now: datetime | None = None) -> dict[str, Any]:
    """Write the dataset to ``out`` atomically and return its manifest."""
    now = now or utcnow()
    with atomic_dir(out) as tmp:
        writer = _Writer(tmp)
        empty: list[str] = []
        regions = [
            {**r, "households": r["households"]}
            for r in _rows(
                engine,
                "SELECT code, name, level, parent_code, province_code, households FROM region "
                "WHERE level IN ('province', 'county', 'township', 'village') ORDER BY code",
            )
        ]
        writer.write("regions", regions, None)

        stores = [
            {
                "store_id": r["id"],
                "owner_id": r["owner_id"],
                "province_code": r["province_code"],
                "county_code": r["county_code"],
                "township_code": r["township_code"],
                "village_code": r["village_code"],
                "category_code": r["category_code"],
                "farm_products": r["category_code"] not in NON_FARM,
                "first_store": r["first_store"] is not None,
                "opened_at": _ts(r["opened_at"]),
                "closed_at": _ts(r["closed_at"]),
            }
            for r in _rows(
                engine,
                "SELECT s.id, s.owner_id, s.province_code, s.county_code, s.township_code, "
                "s.village_code, s.category_code, s.opened_at, s.closed_at, e.id AS first_store "
                "FROM store s LEFT JOIN entrepreneur_event e ON e.store_id = s.id ORDER BY s.id",
            )
        ]
        writer.write("stores", stores, "opened_at")
        store_province = {s["store_id"]: s["province_code"] for s in stores}

        live_join = _has(engine, "live_deal_order", ("order_id", "deal_id")) and _has(
            engine, "live_deal", ("id", "session_id")
        )
        live_select = (
            "(SELECT MIN(d.session_id) FROM live_deal_order ldo JOIN live_deal d ON d.id = ldo.deal_id "
            "WHERE ldo.order_id = o.id)"
            if live_join
            else "NULL"
        )
        orders: list[dict[str, Any]] = []
        parcels: list[dict[str, Any]] = []
        order_sql = f"SELECT o.id, o.store_id, o.ship_to_region_code, o.paid_at, o.delivered_at, o.total_fen, {live_select} AS live_session_id FROM shop_order o WHERE o.paid_at IS NOT NULL ORDER BY o.id"  # noqa: S608 — a fixed sub-select, no input
        for r in _rows(engine, order_sql):
            paid = _ts(r["paid_at"])
            orders.append(
                {
                    "order_id": r["id"],
                    "store_id": r["store_id"],
                    "buyer_province_code": r["ship_to_region_code"][:2],
                    "paid_at": paid,
                    "total_fen": r["total_fen"],
                    "live_session_id": r["live_session_id"],
                }
            )
            parcels.append(
                {
                    "parcel_id": r["id"],
                    "order_id": r["id"],
                    "origin_province_code": store_province.get(r["store_id"], ""),
                    "dest_province_code": r["ship_to_region_code"][:2],
                    "paid_at": paid,
                    "delivered_at": _ts(r["delivered_at"]),
                }
            )
        writer.write("orders", orders, "paid_at")
        writer.write("parcels", parcels, "paid_at")

        sessions: list[dict[str, Any]] = []
        if (
            _has(engine, "live_session", ("id", "room_id", "started_at", "ended_at"))
            and _has(engine, "live_room", ("id", "anchor_id"))
            and _has(engine, "live_anchor_store", ("anchor_id", "store_id"))
        ):
            sessions = [
                {
                    "session_id": r["id"],
                    "store_id": r["store_id"],
                    "anchor_id": r["anchor_id"],
                    "started_at": _ts(r["started_at"]),
                    "ended_at": _ts(r["ended_at"]),
                }
                for r in _rows(
                    engine,
                    "SELECT ls.id, lr.anchor_id, ls.started_at, ls.ended_at, "
                    "(SELECT MIN(a.store_id) FROM live_anchor_store a WHERE a.anchor_id = lr.anchor_id) AS store_id "
                    "FROM live_session ls JOIN live_room lr ON lr.id = ls.room_id "
                    "WHERE ls.started_at IS NOT NULL ORDER BY ls.id",
                )
                if r["store_id"] is not None
            ]
        else:
            empty.append("live_sessions")
        writer.write("live_sessions", sessions, "started_at")

        loans: list[dict[str, Any]] = []
        if _has(
            engine, "credit_loan", ("id", "store_id", "principal_fen", "status", "disbursed_at")
        ):
            loans = [
                {
                    "loan_id": r["id"],
                    "store_id": r["store_id"],
                    "disbursed_at": _ts(r["disbursed_at"]),
                    "amount_fen": r["principal_fen"],
                    "outcome": r["status"],
                }
                for r in _rows(
                    engine,
                    "SELECT id, store_id, principal_fen, status, disbursed_at FROM credit_loan "
                    "WHERE disbursed_at IS NOT NULL ORDER BY id",
                )
            ]
        else:
            empty.append("loans")
        writer.write("loans", loans, "disbursed_at")

        writer.write("villages", _villages(stores, orders, regions), "_year_ts")
        for table in REQUIRED:
            if table not in empty and not writer.counts.get(table) and table != "regions":
                empty.append(table)

        hashes = {
            p.relative_to(tmp).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(tmp.rglob("*.parquet"))
        }
        manifest = {
            "format": "shanhuo-dataset/1",
            "source": "platform-database",
            "label": "平台数据库导出 / exported from the platform's database",
            "exported_at": now.isoformat(timespec="seconds"),
            "generator_version": __version__,
            "data_end": (to_shanghai(now).date() + timedelta(days=1)).isoformat(),
            "row_counts": dict(writer.counts),
            "empty_tables": sorted(empty),
            "files": hashes,
            "dataset_hash": hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()[
                :16
            ],
        }
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8"
        )
    return manifest


def _villages(
    stores: list[dict[str, Any]], orders: list[dict[str, Any]], regions: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Per village and local year: paid sales of its stores and stores with a paid order."""
    village_of = {s["store_id"]: s["village_code"] for s in stores if s["village_code"]}
    households = {r["code"]: r["households"] for r in regions if r["level"] == "village"}
    sales: dict[tuple[str, int], int] = {}
    active: dict[tuple[str, int], set[int]] = {}
    for o in orders:
        village = village_of.get(o["store_id"])
        if village is None:
            continue
        key = (village, _local_year(o["paid_at"]))
        sales[key] = sales.get(key, 0) + o["total_fen"]
        active.setdefault(key, set()).add(o["store_id"])
    out = []
    for (village, year), amount in sorted(sales.items()):
        out.append(
            {
                "village_code": village,
                "township_code": village[:9],
                "county_code": village[:6],
                "province_code": village[:2],
                "households": households.get(village),
                "sales_fen": amount,
                "active_stores": len(active[(village, year)]),
                # Mid-year instant of the local year, only to pick the partition.
                "_year_ts": datetime(year, 7, 1, tzinfo=UTC),
            }
        )
    return out


def default_export_dir(data_dir: Path) -> Path:
    return data_dir / "db-export"
