"""Benchmark: simulate a national dataset, then compute the full report on DuckDB and the same
indicators in straightforward pandas, in one run on the same data.

    .venv/bin/python -m bench.report               # 20 000 000 orders (minutes; ~2 GB of disk)
    .venv/bin/python -m bench.report --quick       # 50 000 orders (seconds; the smoke test)

Prints: the simulator's rows per second; the report's time on DuckDB (indicators alone and
with every output file); the pandas time and the ratio; whether both paths agree; and the
peak resident memory after each phase (``resource.getrusage``, monotonic, so the DuckDB
figure is read before pandas loads anything). Targets (issue 5): report < 10 s, ≥ 10× pandas.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.report_pandas import agreement, compute_pandas
from shanhuo.report.dataset import open_dataset
from shanhuo.report.indicators import compute
from shanhuo.report.service import build_report
from shanhuo.simulate.scenario import Scenario
from shanhuo.simulate.writer import simulate


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=20_000_000)
    parser.add_argument("--quick", action="store_true", help="50 000 orders: a smoke run")
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument(
        "--dir", type=Path, default=None, help="work folder (default: a temp folder)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the dataset afterwards")
    args = parser.parse_args(argv)
    orders = 50_000 if args.quick else args.orders
    work = args.dir or Path(tempfile.mkdtemp(prefix="shanhuo-bench-report-"))
    work.mkdir(parents=True, exist_ok=True)
    figures: dict[str, float] = {}
    try:
        t = time.perf_counter()
        result = simulate(replace(Scenario(), orders=orders), work / "sim")
        sim_s = time.perf_counter() - t
        rows = sum(result.manifest["row_counts"].values())
        figures.update(sim_seconds=sim_s, sim_rows=rows, sim_rows_per_s=rows / sim_s)
        print(
            f"simulate: {orders:,} orders, {rows:,} rows in all tables, {sim_s:.1f} s "
            f"→ {rows / sim_s:,.0f} rows/s ({orders / sim_s:,.0f} orders/s); peak {peak_mb():,.0f} MB"
        )
        print(f"  row counts: {result.manifest['row_counts']}")

        dataset = open_dataset(result.path)
        t = time.perf_counter()
        duck = compute(dataset, args.year)
        duck_s = time.perf_counter() - t
        figures["duckdb_seconds"] = duck_s
        print(f"report on DuckDB (11 indicator tables): {duck_s:.2f} s; peak {peak_mb():,.0f} MB")
        t = time.perf_counter()
        build_report(result.path, args.year, work / "reports")
        full_s = time.perf_counter() - t
        figures["duckdb_full_seconds"] = full_s
        print(
            f"full report on DuckDB (tables + HTML + PDF + Excel + CSV): {full_s:.2f} s; peak {peak_mb():,.0f} MB"
        )

        t = time.perf_counter()
        pandas_out = compute_pandas(result.path, dataset, args.year)
        pandas_s = time.perf_counter() - t
        figures["pandas_seconds"] = pandas_s
        print(f"same indicators in pandas: {pandas_s:.2f} s; peak {peak_mb():,.0f} MB")
        agree = agreement(pandas_out, duck)
        figures["agree"] = float(all(agree.values()))
        print(f"pandas and DuckDB agree: {agree}")
        ratio = pandas_s / duck_s
        figures["speedup"] = ratio
        print(
            f"ratio: DuckDB is {ratio:.1f}× faster than pandas (target ≥ 10×); "
            f"report {'within' if full_s < 10 else 'over'} the 10 s target ({full_s:.2f} s)"
        )
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(work, ignore_errors=True)
    return figures


if __name__ == "__main__":
    main()
