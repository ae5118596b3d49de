"""`shanhuo regions load` against a fresh SQLite file built by the migrations."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from shanhuo.cli import app
from shanhuo.kit.db import make_engine
from shanhuo.kit.migrate import upgrade
from shanhuo.models import Region


@pytest.fixture
def fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    monkeypatch.setenv("SHANHUO_DATABASE_URL", url)
    return url


def township_count(url: str) -> int:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return (
                session.scalar(
                    select(func.count()).select_from(Region).where(Region.level == "township")
                )
                or 0
            )
    finally:
        engine.dispose()


def test_load_prints_progress_and_counts_then_is_idempotent(fresh_db: str) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["regions", "load", "--townships", "64"])
    assert first.exit_code == 0, first.output
    assert "loading regions from" in first.output
    assert (
        "inserted 3908 (province 31, prefecture 333, county 3285, township 259, village 0)"
        in first.output
    )
    second = runner.invoke(app, ["regions", "load", "--townships", "64"])
    assert second.exit_code == 0
    assert "inserted 0 " in second.output and "already present 3908" in second.output
    assert township_count(fresh_db) == 259


def test_load_refuses_a_province_outside_the_mainland(fresh_db: str) -> None:
    result = CliRunner().invoke(app, ["regions", "load", "--townships", "71"])
    assert result.exit_code == 2
    assert "not a mainland province" in result.output
    assert township_count(fresh_db) == 0
