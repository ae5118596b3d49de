"""The dataset the report reads: a folder of Parquet tables (``<table>/year=YYYY/*.parquet``,
``regions/*.parquet``) and ``manifest.json`` — written by ``shanhuo simulate`` or exported
from the platform's database by ``report.dbexport``.

Opening a dataset checks it before any indicator runs: the folder and manifest exist, every
table the report needs is there with the columns it needs, and every file's footer reads — so
a corrupt file is named in a clear message instead of failing half-way through a report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from shanhuo.kit.errors import Invalid, NotFound

# Columns the report needs, by table (the simulator's and the exporter's schema must match).
REQUIRED: dict[str, dict[str, str]] = {
    "regions": {
        "code": "string",
        "name": "string",
        "level": "string",
        "parent_code": "string",
        "province_code": "string",
        "households": "int64",
    },
    "stores": {
        "store_id": "int64",
        "owner_id": "int64",
        "province_code": "string",
        "county_code": "string",
        "township_code": "string",
        "village_code": "string",
        "category_code": "string",
        "farm_products": "bool",
        "first_store": "bool",
        "opened_at": "timestamp[us, tz=UTC]",
        "closed_at": "timestamp[us, tz=UTC]",
    },
    "orders": {
        "order_id": "int64",
        "store_id": "int64",
        "buyer_province_code": "string",
        "paid_at": "timestamp[us, tz=UTC]",
        "total_fen": "int64",
        "live_session_id": "int64",
    },
    "parcels": {
        "parcel_id": "int64",
        "order_id": "int64",
        "origin_province_code": "string",
        "dest_province_code": "string",
        "paid_at": "timestamp[us, tz=UTC]",
        "delivered_at": "timestamp[us, tz=UTC]",
    },
    "live_sessions": {
        "session_id": "int64",
        "store_id": "int64",
        "anchor_id": "int64",
        "started_at": "timestamp[us, tz=UTC]",
        "ended_at": "timestamp[us, tz=UTC]",
    },
    "loans": {
        "loan_id": "int64",
        "store_id": "int64",
        "disbursed_at": "timestamp[us, tz=UTC]",
        "amount_fen": "int64",
        "outcome": "string",
    },
    "villages": {
        "village_code": "string",
        "township_code": "string",
        "county_code": "string",
        "province_code": "string",
        "households": "int64",
        "sales_fen": "int64",
        "active_stores": "int64",
    },
}
UNPARTITIONED = frozenset({"regions"})


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([(name, _type(text)) for name, text in REQUIRED[table].items()])


def _type(text: str) -> pa.DataType:
    return {
        "string": pa.string(),
        "int64": pa.int64(),
        "bool": pa.bool_(),
        "timestamp[us, tz=UTC]": pa.timestamp("us", tz="UTC"),
    }[text]


def no_data_error(root: Path) -> NotFound:
    return NotFound(
        "report_no_data",
        f"尚未加载报告数据（{root} 不存在或没有 manifest.json）：请先运行 shanhuo simulate，"
        "或用 shanhuo report --source db 导出平台数据",
        f"No report data loaded yet ({root} is missing or has no manifest.json): run "
        "`shanhuo simulate` first, or `shanhuo report --source db` to export the platform's data",
    )


@dataclass(frozen=True)
class Dataset:
    root: Path
    manifest: dict[str, Any]
    files: dict[str, list[Path]]
    years_with_rows: dict[str, frozenset[int]] = field(default_factory=dict)

    @property
    def data_end(self) -> date:
        """The first local day with no data (exclusive end of the data)."""
        return date.fromisoformat(self.manifest["data_end"])

    @property
    def snapshot(self) -> str:
        return str(self.manifest.get("dataset_hash", "unknown"))

    @property
    def missing_tables(self) -> frozenset[str]:
        """Tables present only as empty placeholders (e.g. no live rooms on the platform yet)."""
        return frozenset(self.manifest.get("empty_tables", ()))

    def table_glob(self, table: str) -> str:
        if table in UNPARTITIONED:
            return str(self.root / table / "*.parquet")
        return str(self.root / table / "*" / "*.parquet")

    def years(self) -> list[int]:
        """Local calendar years in which any table has rows."""
        return sorted(set().union(*self.years_with_rows.values()))


def open_dataset(root: Path) -> Dataset:
    root = Path(root)
    manifest_path = root / "manifest.json"
    if not manifest_path.is_file():
        raise no_data_error(root)
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        date.fromisoformat(manifest["data_end"])
    except (ValueError, KeyError, TypeError) as exc:
        raise corrupt_error(manifest_path, str(exc)) from None
    files: dict[str, list[Path]] = {}
    years: dict[str, set[int]] = {}
    for table, columns in REQUIRED.items():
        folder = root / table
        found = sorted(folder.glob("*.parquet" if table in UNPARTITIONED else "year=*/*.parquet"))
        if not found:
            raise corrupt_error(folder, "table missing")
        for path in found:
            try:
                meta = pq.read_metadata(path)
                schema = meta.schema.to_arrow_schema()
            except (OSError, pa.ArrowException) as exc:
                raise corrupt_error(path, str(exc)) from None
            for name, type_text in columns.items():
                if name not in schema.names or str(schema.field(name).type) != type_text:
                    raise corrupt_error(
                        path, f"column {name} ({type_text}) missing or of another type"
                    )
            if table not in UNPARTITIONED and meta.num_rows:
                years.setdefault(table, set()).add(int(path.parent.name.split("=", 1)[1]))
        files[table] = found
    return Dataset(root, manifest, files, {k: frozenset(v) for k, v in years.items()})


def corrupt_error(path: Path, detail: str) -> Invalid:
    return Invalid(
        "report_data_corrupt",
        f"数据文件损坏或格式不符：{path}（{detail}）。请重新运行 shanhuo simulate 或重新导出",
        f"Corrupt or malformed data file: {path} ({detail}). Re-run `shanhuo simulate` or re-export",
        path=str(path),
    )
