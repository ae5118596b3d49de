"""The timeout sweeper (one sweep, the loop's clean stop, the app lifespan) and the CLI."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from shanhuo.app import create_app
from shanhuo.cli import app as shanhuo_cli
from shanhuo.config import Settings
from shanhuo.kit.migrate import upgrade
from shanhuo.kit.timeutil import utcnow
from shanhuo.orders import sweeper
from tests.helpers.accounts import create_user
from tests.helpers.orders import create_shop, order_status, place_checkout, sku_stock


def test_sweep_once_expires_and_commits(
    db: Session, session_factory: sessionmaker[Session]
) -> None:
    shop = create_shop(db, stock=10)
    buyer = create_user(db)
    result = place_checkout(db, buyer, [(shop.skus[0].id, 4)], now=utcnow() - timedelta(hours=1))
    db.commit()
    assert sweeper.sweep_once(session_factory) == 1
    db.expire_all()
    assert order_status(db, result.orders[0].id) == "cancelled"
    assert sku_stock(db, shop.skus[0].id) == (10, 0)


def test_run_sweeper_stops_when_told(db: Session, session_factory: sessionmaker[Session]) -> None:
    shop = create_shop(db, stock=10)
    buyer = create_user(db)
    result = place_checkout(db, buyer, [(shop.skus[0].id, 1)], now=utcnow() - timedelta(hours=1))
    db.commit()

    async def scenario() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(sweeper.run_sweeper(session_factory, stop, interval=3600))
        await asyncio.sleep(0.2)
        stop.set()
        await asyncio.wait_for(task, timeout=5)

    asyncio.run(scenario())
    db.expire_all()
    assert order_status(db, result.orders[0].id) == "cancelled"


def test_app_lifespan_starts_and_stops_the_sweeper(engine: Engine, tmp_path: Path) -> None:
    settings = Settings(env="development", data_dir=tmp_path, database_url="sqlite://")
    app = create_app(settings, engine=engine)
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
    # leaving the block ran the shutdown: reaching here means the sweeper stopped


def test_cli_expire(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    monkeypatch.setenv("SHANHUO_DATABASE_URL", url)
    result = CliRunner().invoke(shanhuo_cli, ["orders", "expire"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "expired 0 unpaid order(s)"
    checked = CliRunner().invoke(shanhuo_cli, ["payments", "check"])
    assert (checked.exit_code, checked.output.strip()) == (0, "money invariants hold")
