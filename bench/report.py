"""Benchmark: simulate a national dataset, then compute the full report on DuckDB and the same
indicators in straightforward pandas, in one run on the same data.

    .venv/bin/python -m bench.report               # 20 000 000 orders (minutes; ~1 GB of disk)
    .venv/bin/python -m bench.report --quick       # 50 000 orders (seconds; the smoke test)
    .venv/bin/python -m bench.report --dir /tmp/rb --keep   # keep the dataset in /tmp/rb/sim …
    .venv/bin/python -m bench.report --reuse /tmp/rb        # … and time the report on it again

``--reuse DIR`` skips the simulation and reads the dataset an earlier ``--dir DIR --keep`` run
left in ``DIR/sim`` (or ``DIR`` itself if it holds ``manifest.json``), so the report can be
measured again and again without re-simulating; the simulator line then reports the dataset's
row counts only. Re-simulate after changing the simulator: the layout it writes matters.

Prints: the simulator's rows per second; the report's time on DuckDB (indicators alone and
with every output file); the pandas time and the ratio; whether both paths agree; the peak
resident memory after each phase (``resource.getrusage``, monotonic, so the DuckDB figure is
read before pandas loads anything); the CPU seconds each path used; and the machine's load
average before and after. DuckDB runs on every core and pandas on one, so other work on the
machine (load above the core count) slows the DuckDB path more than the pandas one: read the
ratio with the load beside it. Targets (issue 5): report < 10 s, ≥ 10× pandas.
"""

from __future__ import annotations

import argparse
import os
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


def cpu_s() -> float:
    """CPU seconds this process has used so far (every thread, user + system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load() -> str:
    return f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=20_000_000)
    parser.add_argument("--quick", action="store_true", help="50 000 orders: a smoke run")
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument(
        "--dir", type=Path, default=None, help="work folder (default: a temp folder)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the dataset afterwards")
    parser.add_argument(
        "--reuse",
        type=Path,
        default=None,
        metavar="DIR",
        help="report on the dataset a `--dir DIR --keep` run left (no simulation)",
    )
    args = parser.parse_args(argv)
    orders = 50_000 if args.quick else args.orders
    if args.reuse is not None:
        work = args.reuse
        sim_dir = work if (work / "manifest.json").is_file() else work / "sim"
    else:
        work = args.dir or Path(tempfile.mkdtemp(prefix="shanhuo-bench-report-"))
        work.mkdir(parents=True, exist_ok=True)
        sim_dir = work / "sim"
    figures: dict[str, float] = {}
    try:
        if args.reuse is not None:
            dataset = open_dataset(sim_dir)
            counts = dataset.manifest["row_counts"]
            rows = sum(counts.values())
            figures.update(sim_rows=rows)
            print(
                f"reusing {sim_dir}: {counts['orders']:,} orders, {rows:,} rows in all tables "
                "(not simulated in this run)"
            )
        else:
            t = time.perf_counter()
            result = simulate(replace(Scenario(), orders=orders), sim_dir)
            sim_s = time.perf_counter() - t
            counts = result.manifest["row_counts"]
            rows = sum(counts.values())
            figures.update(sim_seconds=sim_s, sim_rows=rows, sim_rows_per_s=rows / sim_s)
            print(
                f"simulate: {orders:,} orders, {rows:,} rows in all tables, {sim_s:.1f} s "
                f"→ {rows / sim_s:,.0f} rows/s ({orders / sim_s:,.0f} orders/s); "
                f"peak {peak_mb():,.0f} MB"
            )
            dataset = open_dataset(sim_dir)
        print(f"  row counts: {counts}")
        print(f"load average before the report: {load()}")

        t, c = time.perf_counter(), cpu_s()
        duck = compute(dataset, args.year)
        duck_s, duck_cpu = time.perf_counter() - t, cpu_s() - c
        figures.update(duckdb_seconds=duck_s, duckdb_cpu_seconds=duck_cpu)
        print(
            f"report on DuckDB (11 indicator tables): {duck_s:.2f} s ({duck_cpu:.2f} CPU s); "
            f"peak {peak_mb():,.0f} MB"
        )
        t = time.perf_counter()
        build_report(sim_dir, args.year, work / "reports")
        full_s = time.perf_counter() - t
        figures["duckdb_full_seconds"] = full_s
        print(
            f"full report on DuckDB (tables + HTML + PDF + Excel + CSV): {full_s:.2f} s; peak {peak_mb():,.0f} MB"
        )

        t, c = time.perf_counter(), cpu_s()
        pandas_out = compute_pandas(sim_dir, dataset, args.year)
        pandas_s, pandas_cpu = time.perf_counter() - t, cpu_s() - c
        figures.update(pandas_seconds=pandas_s, pandas_cpu_seconds=pandas_cpu)
        print(
            f"same indicators in pandas: {pandas_s:.2f} s ({pandas_cpu:.2f} CPU s); "
            f"peak {peak_mb():,.0f} MB"
        )
        agree = agreement(pandas_out, duck)
        figures["agree"] = float(all(agree.values()))
        print(f"pandas and DuckDB agree: {agree}")
        ratio = pandas_s / duck_s
        figures["speedup"] = ratio
        print(
            f"ratio: DuckDB is {ratio:.1f}× faster than pandas (target ≥ 10×); "
            f"report {'within' if full_s < 10 else 'over'} the 10 s target ({full_s:.2f} s); "
            f"load average after: {load()}"
        )
    finally:
        if not args.keep and args.dir is None and args.reuse is None:
            shutil.rmtree(work, ignore_errors=True)
    return figures


if __name__ == "__main__":
    main()
