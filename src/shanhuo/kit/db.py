"""Engines and sessions for SQLite (embedded default) and PostgreSQL.

SQLite notes, because they decide correctness under concurrency:
- WAL lets readers run beside the single writer.
- Every transaction starts with ``BEGIN IMMEDIATE``: it takes the write lock up front, so two
  transactions never both read and then both try to upgrade to a write (which SQLite answers
  with an immediate SQLITE_BUSY, not a wait). Writers queue on ``busy_timeout`` instead.
- pysqlite's own transaction handling is switched off so SAVEPOINTs (used by tests) work.
- Reads take no write lock: a request that cannot write (GET/HEAD), the sign-in lookup every
  request makes, and whatever a route reads *after* its commit to build the answer run in
  DEFERRED transactions (``use_sqlite_write_lock_until_commit``, ``read_only_session``).
  Holding the write lock while FastAPI hops to another threadpool slot (dependencies,
  response validation) deadlocked once the 40 slots were all waiting for that lock
  (regression test: tests/e2e/test_server_under_load.py).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_BEGIN_OPTION = "shanhuo_sqlite_begin"


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            **_sqlite_pool(url, kwargs),
        )
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_pool(url: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """As many pooled connections as the threadpool has threads (anyio's default is 40)."""
    if url in ("sqlite://", "sqlite:///:memory:"):
        return kwargs
    return {"pool_size": 20, "max_overflow": 20} | kwargs


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def read_only_session(factory: sessionmaker[Session]) -> Session:
    """A session for reads only. On SQLite its transaction is DEFERRED, so it never waits for
    (or holds) the write lock; on PostgreSQL it is an ordinary read. Never write with it."""
    session = factory()
    session.connection(execution_options={SQLITE_BEGIN_OPTION: "DEFERRED"})
    return session


@lru_cache(maxsize=16)
def _deferred(engine: Engine) -> Engine:
    return engine.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"})


def use_sqlite_write_lock_until_commit(session: Session, *, may_write: bool) -> None:
    """SQLite request sessions: the write lock (BEGIN IMMEDIATE) only for a transaction that
    may write, and only until it commits; later transactions in the same session only read.

    The switch happens on the *root* commit: ``after_commit`` also fires for a released
    SAVEPOINT, and switching the bind inside a transaction would open a second connection.
    A no-op for PostgreSQL and for sessions bound to a connection (tests)."""
    bind = session.bind
    if not isinstance(bind, Engine) or bind.dialect.name != "sqlite":
        return
    reader = _deferred(bind)
    if not may_write:
        session.bind = reader
        return

    def _read_after_commit(committed: Session) -> None:
        if not committed.in_nested_transaction():  # the root commit, not a released SAVEPOINT
            committed.bind = reader

    event.listen(session, "after_commit", _read_after_commit)


@contextmanager
def sqlite_writer_turn(session: Session) -> Iterator[None]:
    """Hold while a hot SQLite writer (the flash-deal intake) runs its transaction: writers of
    several worker processes then take turns on an OS file lock next to the database, which
    wakes the next one the moment the lock is released. Without it the loser of ``BEGIN
    IMMEDIATE`` sleeps in SQLite's busy handler (1, 2, 5 … up to 100 ms between polls), so
    two workers sharing one hot deal spent much of their time asleep. A no-op on PostgreSQL
    (row locks queue properly) and for in-memory SQLite. Blocking: call it off the event loop.
    """
    bind = session.get_bind()
    path = bind.engine.url.database if bind.dialect.name == "sqlite" else None
    if not path or path == ":memory:":
        yield
        return
    # A new open file per turn: flock() is per open file, so threads of one process queue too.
    fd = os.open(f"{path}.writer-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def rowcount(result: object) -> int:
    """Rows matched by a guarded UPDATE/DELETE (0 when the guard refused): the check that
    makes "stock never below zero" and "a pool never oversold" hold under concurrency."""
    return int(getattr(result, "rowcount", 0))
