"""The benchmark's quick mode runs (so it cannot rot) and its two paths agree."""

from __future__ import annotations

from pathlib import Path

from bench.report import main


def test_bench_quick_mode(tmp_path: Path) -> None:
    figures = main(["--quick", "--dir", str(tmp_path)])
    assert figures["agree"] == 1.0
    assert figures["sim_rows"] > 50_000 and figures["duckdb_seconds"] > 0
