"""Write a simulated dataset atomically: into a temporary folder beside the target, renamed
into place only when every table and the manifest are written. A failure (or a parameter out
of range, checked before anything is written) leaves no partial output behind."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from shanhuo import __version__
from shanhuo.kit.files import atomic_dir
from shanhuo.simulate.generator import Generator
from shanhuo.simulate.geography import load_geography
from shanhuo.simulate.scenario import Scenario, validated
from shanhuo.simulate.schema import SCHEMAS, UNPARTITIONED

MANIFEST = "manifest.json"
FORMAT = "shanhuo-dataset/1"


@dataclass(frozen=True)
class SimulationResult:
    path: Path
    manifest: dict[str, Any]

    def describe(self) -> str:
        counts = self.manifest["row_counts"]
        return (
            f"simulated {self.manifest['scenario']['name']} (seed {self.manifest['scenario']['seed']}): "
            f"{counts.get('orders', 0):,} orders, {counts.get('stores', 0):,} stores, "
            f"{counts.get('parcels', 0):,} parcels, {counts.get('live_sessions', 0):,} live sessions, "
            f"{counts.get('loans', 0):,} loans → {self.path}"
        )


# How the tables are laid out in their files, with the report's reads in mind (the report is
# correct on any layout; this one makes it cheaper to read):
# - the orders of a year are sorted by store (then payment time): every indicator that reads
#   orders groups or joins them by store, and neighbouring rows of one store make that a run
#   of hits on one hash-table entry instead of a random walk over a million;
# - integer and timestamp columns are DELTA_BINARY_PACKED (sorted or near-sorted columns —
#   ids, a store's payment times, delivery ≈ payment time — shrink to a few bits per value and
#   decode faster than zstd over plain 8-byte values); text and booleans keep dictionaries.
SORTED_BY: dict[str, tuple[str, ...]] = {"orders": ("store_id", "paid_at", "order_id")}
ROWS_PER_FILE = 500_000


def _write_options(schema: pa.Schema) -> dict[str, Any]:
    delta = [f.name for f in schema if pa.types.is_integer(f.type) or pa.types.is_timestamp(f.type)]
    return {
        "compression": "zstd",
        "use_dictionary": [f.name for f in schema if f.name not in delta],
        "column_encoding": dict.fromkeys(delta, "DELTA_BINARY_PACKED"),
    }


class _ParquetSink:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.parts: dict[tuple[str, int | None], int] = {}
        # A sorted table's current year, held until the year is complete.
        self.held: dict[str, tuple[int | None, list[pa.Table]]] = {}

    def __call__(self, table: str, year: int | None, data: pa.Table) -> None:
        if table not in SORTED_BY:
            self._write(table, year, data)
            return
        if table in self.held and self.held[table][0] != year:
            self._flush(table)
        self.held.setdefault(table, (year, []))[1].append(data)

    def _flush(self, table: str) -> None:
        year, parts = self.held.pop(table)
        data = pa.concat_tables(parts).sort_by([(c, "ascending") for c in SORTED_BY[table]])
        for start in range(0, data.num_rows, ROWS_PER_FILE):
            self._write(table, year, data.slice(start, ROWS_PER_FILE))

    def finish(self) -> None:
        """Write what is held (the last year of each sorted table)."""
        for table in list(self.held):
            self._flush(table)

    def _write(self, table: str, year: int | None, data: pa.Table) -> None:
        folder = self.root / table if year is None else self.root / table / f"year={year}"
        folder.mkdir(parents=True, exist_ok=True)
        part = self.parts.get((table, year), 0)
        self.parts[(table, year)] = part + 1
        pq.write_table(data, folder / f"part-{part:05d}.parquet", **_write_options(data.schema))

    def ensure_all_tables(self, year: int) -> None:
        """A table with no rows still gets a (typed, empty) file, so readers find its schema."""
        for name, schema in SCHEMAS.items():
            if not (self.root / name).exists():
                self._write(name, None if name in UNPARTITIONED else year, schema.empty_table())


def file_hashes(root: Path) -> dict[str, str]:
    hashes: dict[str, str] = {}
    for path in sorted(root.rglob("*.parquet")):
        hashes[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def simulate(
    scenario: Scenario,
    out: Path,
    *,
    progress: Callable[[str, int], None] | None = None,
    overwrite: bool = True,
) -> SimulationResult:
    """Generate the scenario into ``out`` (a folder). Validates first; writes atomically."""
    scenario = validated(scenario)
    out = Path(out)
    if out.exists() and not overwrite:
        raise FileExistsError(f"{out} exists")
    with atomic_dir(out) as tmp:
        sink = _ParquetSink(tmp)
        generator = Generator(scenario, load_geography(), sink, progress or (lambda _s, _n: None))
        counts = generator.run()
        sink.finish()
        sink.ensure_all_tables(scenario.first_year)
        hashes = file_hashes(tmp)
        manifest = {
            "format": FORMAT,
            "source": "simulation",
            "label": "模拟情景数据，非真实统计 / simulated scenario, not real statistics",
            "scenario": {
                "name": scenario.name,
                "seed": scenario.seed,
                "orders": scenario.orders,
                "first_year": scenario.first_year,
                "last_year": scenario.last_year,
                "parameter_hash": scenario.parameter_hash(),
            },
            "generator_version": __version__,
            # Exclusive end of the data, a local (Asia/Shanghai) date.
            "data_end": f"{scenario.last_year + 1}-01-01",
            "row_counts": {name: counts.get(name, 0) for name in SCHEMAS},
            "files": hashes,
            "dataset_hash": hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()[
                :16
            ],
        }
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8"
        )
    return SimulationResult(out, manifest)
