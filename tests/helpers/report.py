"""Hand-made report datasets: rows in, the Parquet layout the report reads out."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from shanhuo.regions.rules import MACRO_REGIONS
from shanhuo.simulate.schema import SCHEMAS, UNPARTITIONED

EVENT_TIME = {
    "stores": "opened_at",
    "orders": "paid_at",
    "parcels": "paid_at",
    "live_sessions": "started_at",
    "loans": "disbursed_at",
}
LOCAL = timedelta(hours=8)


def local(y: int, m: int, d: int, h: int = 12, minute: int = 0) -> datetime:
    """A local (Asia/Shanghai) wall-clock time, as the UTC instant the files store."""
    return datetime(y, m, d, h, minute, tzinfo=UTC) - LOCAL


def province_regions(counties: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """All 31 provinces (named by code) plus the given counties {code: name}."""
    rows = [
        {
            "code": p + "0000",
            "name": f"省{p}",
            "level": "province",
            "parent_code": None,
            "province_code": p,
            "households": None,
        }
        for m in MACRO_REGIONS
        for p in m.provinces
    ]
    for code, name in (counties or {}).items():
        rows.append(
            {
                "code": code,
                "name": name,
                "level": "county",
                "parent_code": code[:2] + "0000",
                "province_code": code[:2],
                "households": None,
            }
        )
    return rows


def store(
    store_id: int,
    province: str,
    opened: datetime,
    *,
    first: bool = True,
    county: str | None = None,
    farm: bool = True,
    closed: datetime | None = None,
    owner: int | None = None,
) -> dict[str, Any]:
    return {
        "store_id": store_id,
        "owner_id": owner or store_id,
        "province_code": province,
        "county_code": county or province + "0102",
        "township_code": None,
        "village_code": None,
        "category_code": "fruit" if farm else "craft",
        "farm_products": farm,
        "first_store": first,
        "opened_at": opened,
        "closed_at": closed,
    }


def write_dataset(
    root: Path,
    tables: dict[str, list[dict[str, Any]]],
    *,
    data_end: str = "2021-01-01",
    regions: list[dict[str, Any]] | None = None,
) -> Path:
    """Write rows in the dataset layout (``year=`` = local year of the event) and a manifest."""
    tables = {**tables, "regions": regions if regions is not None else province_regions()}
    for name, schema in SCHEMAS.items():
        rows = tables.get(name, [])
        groups: dict[int | None, list[dict[str, Any]]] = {}
        for row in rows:
            if name in UNPARTITIONED:
                year = None
            elif name == "villages":
                year = row["year"]
            else:
                year = (row[EVENT_TIME[name]] + LOCAL).year
            groups.setdefault(year, []).append(row)
        if not groups:
            groups[None if name in UNPARTITIONED else 2000] = []
        for year, part in groups.items():
            folder = root / name if year is None else root / name / f"year={year}"
            folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.Table.from_pylist(part, schema=schema), folder / "part-00000.parquet")
    manifest = {
        "format": "shanhuo-dataset/1",
        "source": "test",
        "data_end": data_end,
        "dataset_hash": "test",
    }
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return root
