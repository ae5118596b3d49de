"""The benchmark's quick mode runs (so it cannot rot) and its two paths agree."""

from __future__ import annotations

from pathlib import Path

from bench.report import main


def test_bench_quick_mode_then_again_on_the_kept_dataset(tmp_path: Path) -> None:
    figures = main(["--quick", "--dir", str(tmp_path), "--keep"])
    assert figures["agree"] == 1.0
    assert figures["sim_rows"] > 50_000 and figures["duckdb_seconds"] > 0
    manifest = (tmp_path / "sim" / "manifest.json").read_bytes()
    again = main(["--reuse", str(tmp_path)])
    assert again["agree"] == 1.0 and again["sim_rows"] == figures["sim_rows"]
    assert "sim_seconds" not in again  # nothing was simulated
    assert (tmp_path / "sim" / "manifest.json").read_bytes() == manifest
