"""The Parquet dataset the simulator writes (and the report reads): one folder per table,
partitioned ``year=YYYY`` by the local (Asia/Shanghai) calendar year of the table's event
time, plus ``manifest.json``.

Times are UTC (``timestamp[us, tz=UTC]``); money is integer fen. The report keeps its own copy
of the expected columns (``shanhuo.report.dataset``) because nothing may import the report and
the report may not import the simulator; a test checks the two agree.
"""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")

SCHEMAS: dict[str, pa.Schema] = {
    # Provinces, counties, and the townships and villages that appear in the data.
    "regions": pa.schema(
        [
            ("code", pa.string()),
            ("name", pa.string()),
            ("level", pa.string()),
            ("parent_code", pa.string()),
            ("province_code", pa.string()),
            ("households", pa.int64()),
        ]
    ),
    # Every store; ``first_store`` marks a person's first-ever store (a new entrepreneur).
    "stores": pa.schema(
        [
            ("store_id", pa.int64()),
            ("owner_id", pa.int64()),
            ("province_code", pa.string()),
            ("county_code", pa.string()),
            ("township_code", pa.string()),
            ("village_code", pa.string()),
            ("category_code", pa.string()),
            ("farm_products", pa.bool_()),
            ("first_store", pa.bool_()),
            ("opened_at", TS),
            ("closed_at", TS),
        ]
    ),
    # Paid orders; ``live_session_id`` is set for orders placed in a live room.
    "orders": pa.schema(
        [
            ("order_id", pa.int64()),
            ("store_id", pa.int64()),
            ("buyer_province_code", pa.string()),
            ("paid_at", TS),
            ("total_fen", pa.int64()),
            ("live_session_id", pa.int64()),
        ]
    ),
    # One parcel per order: sender province (the store's) → buyer province.
    "parcels": pa.schema(
        [
            ("parcel_id", pa.int64()),
            ("order_id", pa.int64()),
            ("origin_province_code", pa.string()),
            ("dest_province_code", pa.string()),
            ("paid_at", TS),
            ("delivered_at", TS),
        ]
    ),
    "live_sessions": pa.schema(
        [
            ("session_id", pa.int64()),
            ("store_id", pa.int64()),
            ("anchor_id", pa.int64()),
            ("started_at", TS),
            ("ended_at", TS),
        ]
    ),
    # outcome: repaid | current | defaulted
    "loans": pa.schema(
        [
            ("loan_id", pa.int64()),
            ("store_id", pa.int64()),
            ("disbursed_at", TS),
            ("amount_fen", pa.int64()),
            ("outcome", pa.string()),
        ]
    ),
    # Yearly e-commerce village inputs: sales, active stores and households of a village.
    "villages": pa.schema(
        [
            ("village_code", pa.string()),
            ("township_code", pa.string()),
            ("county_code", pa.string()),
            ("province_code", pa.string()),
            ("households", pa.int64()),
            ("sales_fen", pa.int64()),
            ("active_stores", pa.int64()),
        ]
    ),
}

# Tables without a year partition (reference data).
UNPARTITIONED: frozenset[str] = frozenset({"regions"})
