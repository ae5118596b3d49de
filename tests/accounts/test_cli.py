"""`shanhuo accounts grant` against a fresh SQLite file built by the migrations."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from shanhuo.accounts.roles import roles_of
from shanhuo.cli import app
from shanhuo.kit.db import make_engine
from shanhuo.kit.migrate import upgrade
from shanhuo.models import User


@pytest.fixture
def fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    monkeypatch.setenv("SHANHUO_DATABASE_URL", url)
    return url


def roles_for(url: str, mobile: str) -> set[str] | None:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            user = session.scalars(select(User).where(User.mobile == mobile)).first()
            return None if user is None else roles_of(session, user.id)
    finally:
        engine.dispose()


def test_grant_creates_the_account_and_masks_the_number(fresh_db: str) -> None:
    result = CliRunner().invoke(app, ["accounts", "grant", "13800000001", "admin"])
    assert result.exit_code == 0, result.output
    assert "138****0001" in result.output and "13800000001" not in result.output
    assert roles_for(fresh_db, "13800000001") == {"admin", "buyer"}


def test_grant_refuses_an_unknown_role(fresh_db: str) -> None:
    result = CliRunner().invoke(app, ["accounts", "grant", "13800000001", "king"])
    assert result.exit_code == 2
    assert roles_for(fresh_db, "13800000001") is None


def test_grant_refuses_an_invalid_number(fresh_db: str) -> None:
    result = CliRunner().invoke(app, ["accounts", "grant", "12345", "admin"])
    assert result.exit_code == 2
