"""DuckDB and Spark run the same SQL files and give identical tables on the same data.

Spark (local[2], one session for this module) does not touch the platform database, so this
runs in the SQLite pass only."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from shanhuo.report.dataset import open_dataset
from shanhuo.report.definitions import INDICATORS
from shanhuo.report.engines import stop_spark
from shanhuo.report.indicators import ReportOptions, compute
from shanhuo.simulate.scenario import Scenario
from shanhuo.simulate.writer import simulate

pytestmark = pytest.mark.skipif(
    os.environ.get("SHANHUO_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="Spark does not touch the platform database: runs in the SQLite pass only",
)


@pytest.fixture(scope="module")
def spark() -> Iterator[None]:
    yield
    stop_spark()


def test_duckdb_and_spark_agree_on_a_simulated_dataset(spark: None, tmp_path: Path) -> None:
    scenario = replace(Scenario(), orders=4000, stores_per_1000_orders=120)
    dataset = open_dataset(simulate(scenario, tmp_path / "sim").path)
    duck = compute(dataset, 2020, engine="duckdb", options=ReportOptions(min_base=3))
    spark_tables = compute(dataset, 2020, engine="spark", options=ReportOptions(min_base=3))
    assert set(duck.tables) == {i.key for i in INDICATORS}
    for key, table in duck.tables.items():
        assert table.num_rows > 0, key
        assert table.equals(spark_tables.tables[key]), key
    # The data exercises the hard cases: provinces below the minimum base, and tied ranks.
    growth = spark_tables.rows("entrepreneurs_province")
    assert any(not r["eligible"] and r["growth_rank"] is None for r in growth)
    anchor_ranks = [r["anchor_rank"] for r in spark_tables.rows("anchors_province")]
    assert len(set(anchor_ranks)) < len(anchor_ranks)
