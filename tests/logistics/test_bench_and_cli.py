"""The benchmark's quick mode runs (so it cannot rot), and the CLI jobs work."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from bench import logistics as bench
from shanhuo.logistics.cli import app
from shanhuo.models import Parcel
from tests.helpers.logistics import build_county, paid_order_in_village


def test_bench_quick_mode_prints_figures(capsys: pytest.CaptureFixture[str]) -> None:
    bench.main(["--quick"])
    out = capsys.readouterr().out
    assert "county day:" in out and "ratio 0.5 s / 1.5 s plan cost" in out


def test_vrplib_reader_builds_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "tiny.vrp"
    path.write_text(
        "NAME : tiny\nTYPE : CVRP\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EUC_2D\nCAPACITY : 10\n"
        "NODE_COORD_SECTION\n1 0 0\n2 3 4\n3 6 8\nDEMAND_SECTION\n1 0\n2 4\n3 5\nDEPOT_SECTION\n1\n-1\nEOF\n"
    )
    problem = bench.vrplib_problem(path, rounding="round")
    assert problem.distance[0][2] == 10 and [s.delivery for s in problem.stops] == [(4,), (5,)]
    result = bench.solve_problem(problem, seconds=0.1)
    assert result.distance == 20


def test_intake_cli_creates_parcels(
    committed_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session(committed_engine) as session:
        county = build_county(session)
        paid_order_in_village(session, county)
        session.commit()
    monkeypatch.setenv(
        "SHANHUO_DATABASE_URL", committed_engine.url.render_as_string(hide_password=False)
    )
    result = CliRunner().invoke(app, ["intake"])
    assert result.exit_code == 0, result.output
    assert "parcels created: 1" in result.output
    with Session(committed_engine) as session:
        assert session.scalar(select(func.count()).select_from(Parcel)) == 1
    again = CliRunner().invoke(app, ["intake"])
    assert "parcels created: 0" in again.output


def test_plan_cli_without_vehicles_exits_with_the_message(
    committed_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session(committed_engine) as session:
        build_county(session, vehicles=0, refrigerated=0)
        session.commit()
    monkeypatch.setenv(
        "SHANHUO_DATABASE_URL", committed_engine.url.render_as_string(hide_password=False)
    )
    result = CliRunner().invoke(app, ["plan", "610431", "2026-06-01"])
    assert result.exit_code == 1
    assert "no active vehicles" in result.output
