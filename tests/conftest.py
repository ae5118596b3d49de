"""Test database: built by ``alembic upgrade head`` once per run; each test runs inside a
transaction that is rolled back at the end, so tests never share state.

The whole suite runs on SQLite by default and on PostgreSQL when
``SHANHUO_TEST_DATABASE_URL`` is a PostgreSQL URL (``make test`` does both).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from shanhuo.app import create_app
from shanhuo.config import Settings
from shanhuo.kit.db import make_engine
from shanhuo.kit.migrate import upgrade
from shanhuo.models import Base

# Tests call periodic jobs directly; a background loop sharing a test's connection from
# another thread would corrupt its savepoints.
os.environ.setdefault("SHANHUO_BACKGROUND_JOBS", "false")

# Reference data kept between tests in the committed-data fixture.
REFERENCE_TABLES = {"region", "category", "alembic_version"}


def _test_url(tmp: Path) -> str:
    url = os.environ.get("SHANHUO_TEST_DATABASE_URL", "").strip()
    return url or f"sqlite:///{tmp / 'test.db'}"


def _reset_postgres(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def data_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="shanhuo-test-") as tmp:
        yield Path(tmp)


@pytest.fixture(scope="session")
def engine(data_dir: Path) -> Iterator[Engine]:
    url = _test_url(data_dir)
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        _reset_postgres(engine)
    upgrade(url)
    _load_reference_regions(engine)
    yield engine
    engine.dispose()


def _load_reference_regions(engine: Engine) -> None:
    """Every province, prefecture and county, from the same data package production uses."""
    try:
        from shanhuo.regions.loader import load_standard_regions
    except ImportError:  # regions domain not present yet
        return
    with Session(engine) as session:
        load_standard_regions(session)
        session.commit()


@pytest.fixture
def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    outer = conn.begin()
    try:
        yield conn
    finally:
        outer.rollback()
        conn.close()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    """Sessions joined to the test's outer transaction: their commits become savepoints."""
    return sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
def db(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    session = session_factory()
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def settings(data_dir: Path, tmp_path: Path) -> Settings:
    return Settings(env="test", data_dir=tmp_path, database_url="sqlite://")


@pytest.fixture
def app(settings: Settings, engine: Engine, session_factory: sessionmaker[Session]) -> FastAPI:
    application = create_app(settings, engine=engine)
    application.state.session_factory = session_factory
    return application


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def committed_engine(engine: Engine) -> Iterator[Engine]:
    """For concurrency tests that need real commits from many connections. Every table but
    the reference data is emptied afterwards."""
    yield engine
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
        # Townships and villages are made by tests; provinces to counties are reference data.
        conn.execute(text("DELETE FROM region WHERE level = 'village'"))
        conn.execute(text("DELETE FROM region WHERE level = 'township'"))
