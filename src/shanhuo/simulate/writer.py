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


class _ParquetSink:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.parts: dict[tuple[str, int | None], int] = {}

    def __call__(self, table: str, year: int | None, data: pa.Table) -> None:
        folder = self.root / table if year is None else self.root / table / f"year={year}"
        folder.mkdir(parents=True, exist_ok=True)
        part = self.parts.get((table, year), 0)
        self.parts[(table, year)] = part + 1
        pq.write_table(data, folder / f"part-{part:05d}.parquet", compression="zstd")

    def ensure_all_tables(self, year: int) -> None:
        """A table with no rows still gets a (typed, empty) file, so readers find its schema."""
        for name, schema in SCHEMAS.items():
            if not (self.root / name).exists():
                self(name, None if name in UNPARTITIONED else year, schema.empty_table())


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
