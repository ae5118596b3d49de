"""The simulator: deterministic for a seed, atomic, validated, and in the report's schema."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from shanhuo.report.dataset import REQUIRED, open_dataset
from shanhuo.simulate import cli as simulate_cli
from shanhuo.simulate.generator import local_year_of
from shanhuo.simulate.scenario import Scenario, ScenarioInvalid, entrepreneur_growth, with_overrides
from shanhuo.simulate.schema import SCHEMAS
from shanhuo.simulate.writer import file_hashes, simulate

SMALL = replace(Scenario(), orders=3000, stores_per_1000_orders=100)


def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path: Path) -> None:
    a = simulate(SMALL, tmp_path / "a")
    b = simulate(SMALL, tmp_path / "b")
    c = simulate(replace(SMALL, seed=SMALL.seed + 1), tmp_path / "c")
    assert file_hashes(a.path) == file_hashes(b.path)
    assert a.manifest["dataset_hash"] == b.manifest["dataset_hash"] != c.manifest["dataset_hash"]
    assert a.manifest["scenario"]["parameter_hash"] == c.manifest["scenario"]["parameter_hash"]


def test_dataset_has_every_table_in_the_schema_the_report_reads(tmp_path: Path) -> None:
    result = simulate(SMALL, tmp_path / "sim")
    assert {k: {f.name: str(f.type) for f in s} for k, s in SCHEMAS.items()} == REQUIRED
    dataset = open_dataset(result.path)
    assert dataset.years() == [2016, 2017, 2018, 2019, 2020, 2021]
    counts = result.manifest["row_counts"]
    assert counts["orders"] == counts["parcels"] == 3000
    assert all(counts[t] > 0 for t in SCHEMAS)
    assert result.manifest["label"].startswith("模拟情景数据")


def test_first_store_counts_follow_the_scenario_growth_exactly(tmp_path: Path) -> None:
    result = simulate(replace(Scenario(), orders=40_000), tmp_path / "sim")
    stores = pq.read_table(result.path / "stores").to_pandas()
    first = stores[stores["first_store"]]
    years = local_year_of(first["opened_at"].astype("int64").to_numpy())
    by = first.assign(y=years).groupby(["province_code", "y"]).size()
    ningxia = by.loc["64"]
    assert ningxia.loc[2020] / ningxia.loc[2019] - 1 == pytest.approx(
        entrepreneur_growth("64", 2020), abs=0.05
    )
    # Partition = local year of the opening time.
    for year in (2016, 2021):
        part = pq.read_table(result.path / "stores" / f"year={year}")
        assert set(local_year_of(part["opened_at"].cast("int64").to_numpy())) == {year}


def test_parameter_out_of_range_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ScenarioInvalid) as info:
        with_overrides(Scenario(), ["closure_rate_per_year=1.5", "nope=1"])
    assert any("nope" in p for p in info.value.problems)
    with pytest.raises(ScenarioInvalid, match="orders=10"):
        simulate(replace(Scenario(), orders=10), tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_failure_midway_leaves_the_previous_dataset_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = simulate(SMALL, tmp_path / "sim")
    before = file_hashes(first.path)

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("shanhuo.simulate.generator.Generator.make_loans", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        simulate(replace(SMALL, seed=7), tmp_path / "sim")
    assert file_hashes(tmp_path / "sim") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sim"]


def test_cli_simulates_and_rejects_bad_parameters(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(
        simulate_cli.app, ["--orders", "2000", "--out", str(tmp_path / "s"), "--quiet"]
    )
    assert ok.exit_code == 0, ok.output
    assert "2,000 orders" in ok.output
    bad = runner.invoke(
        simulate_cli.app,
        ["--orders", "2000", "--out", str(tmp_path / "t"), "--set", "live_session_hours=99"],
    )
    assert bad.exit_code == 2
    assert "live_session_hours" in bad.output
    assert not (tmp_path / "t").exists()


def test_orders_are_laid_out_by_store_and_numbers_delta_encoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shanhuo.simulate.writer.ROWS_PER_FILE", 1000)  # several files a year
    result = simulate(replace(Scenario(), orders=20_000), tmp_path / "sim")
    for folder in sorted((result.path / "orders").iterdir()):
        files = sorted(folder.glob("*.parquet"))
        assert len(files) > 1, folder.name
        keys = [
            (r["store_id"], r["paid_at"])
            for f in files
            for r in pq.read_table(f, columns=["store_id", "paid_at"]).to_pylist()
        ]
        assert keys == sorted(keys), folder.name
    meta = pq.read_metadata(next((result.path / "parcels").glob("*/*.parquet")))
    encodings = {
        meta.row_group(0).column(i).path_in_schema: meta.row_group(0).column(i).encodings
        for i in range(meta.num_columns)
    }
    assert "DELTA_BINARY_PACKED" in encodings["paid_at"]
    assert "RLE_DICTIONARY" in encodings["origin_province_code"]
