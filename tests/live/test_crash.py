"""Crash test: the real server in a subprocess takes a burst of deal orders from threads; it is
killed with SIGKILL in the middle, restarted, and then every order a client was told about
must exist, retried keys must not duplicate, and sold + remaining must equal the pool. On a
file SQLite database always, and on PostgreSQL (a database of its own beside the test
database) in the PostgreSQL pass: there the deal writer is a thread (``live.intake``)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, make_url, select, text
from sqlalchemy.orm import Session

from shanhuo.accounts.tokens import issue_token
from shanhuo.kit.db import make_engine
from shanhuo.kit.migrate import upgrade
from shanhuo.models import LiveDealOrder, Order, User
from tests.helpers.accounts import create_user
from tests.helpers.live import create_live_room, deal_counts, open_deal, order_json
from tests.helpers.orders import ensure_county

BUYERS = 240
THREADS = 12
KILL_AFTER = 40  # acknowledged orders (of 200 units) before the SIGKILL


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database(kind: str, tmp_path: Path) -> str:
    """A fresh, migrated database for the server: a SQLite file, or on PostgreSQL the test
    server's ``<test database>_crash`` with an empty schema (the server commits for real, so
    not the test database itself)."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'shanhuo.db'}"
    else:
        given = os.environ.get("SHANHUO_TEST_DATABASE_URL", "").strip()
        if not given.startswith("postgresql"):
            pytest.skip("PostgreSQL pass only (SHANHUO_TEST_DATABASE_URL)")
        base = make_url(given)
        name = f"{base.database}_crash"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = base.set(database=name).render_as_string(hide_password=False)
        fresh = create_engine(url)
        with fresh.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        fresh.dispose()
    upgrade(url)
    return url


def _start(data_dir: Path, port: int, url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SHANHUO_DATA_DIR": str(data_dir),
        "SHANHUO_ENV": "test",
        "SHANHUO_DATABASE_URL": url,
    }
    env.pop("SHANHUO_REDIS_URL", None)
    env.pop("WEB_CONCURRENCY", None)  # one worker: the PostgreSQL writer is a thread
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "shanhuo.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(
        "server did not start: "
        + (process.stderr.read() if process.stderr else b"").decode()[-2000:]
    )


def _post(conn: http.client.HTTPConnection, path: str, token: str, key: str) -> tuple[int, dict]:
    conn.request(
        "POST",
        path,
        body=json.dumps(order_json()),
        headers={
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": key,
            "Content-Type": "application/json",
        },
    )
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"{}")


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_sigkill_in_the_middle_of_a_burst_loses_no_acknowledged_order(
    tmp_path: Path, database: str
) -> None:
    url = _database(database, tmp_path)
    engine = make_engine(url)
    with Session(engine) as session:
        ensure_county(session, "610431")
        setup = create_live_room(session, stock=500)
        deal = open_deal(session, setup, pool=200, limit=1, duration=600)
        tokens = []
        for _ in range(BUYERS):
            buyer = create_user(session)
            tokens.append(
                (buyer.id, issue_token(session, session.get(User, buyer.id), kind="api", days=1))
            )
        deal_id = deal.id
        session.commit()

    port = _free_port()
    server = _start(tmp_path, port, url)
    path = f"/api/live/deals/{deal_id}/orders"
    acknowledged: dict[str, int] = {}
    lock = threading.Lock()
    enough = threading.Event()  # a few orders acknowledged: the burst is under way

    def fire(part: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for n, (_buyer_id, token) in enumerate(tokens[part::THREADS]):
            key = f"crash-{part}-{n}"
            try:
                status, body = _post(conn, path, token, key)
            except (OSError, http.client.HTTPException):
                return  # the server died: this request was never acknowledged
            if status in (200, 201):
                with lock:
                    acknowledged[key] = body["order_id"]
                    if len(acknowledged) >= KILL_AFTER:
                        enough.set()

    threads = [threading.Thread(target=fire, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    # Killed by count, not after a pause: on a fast machine a pause let the whole burst
    # finish first, and then nothing was killed in the middle.
    assert enough.wait(timeout=20), "the burst did not start"
    server.send_signal(signal.SIGKILL)
    server.wait(timeout=10)
    for t in threads:
        t.join(timeout=20)
    assert KILL_AFTER <= len(acknowledged) < 200, len(acknowledged)  # killed mid-burst

    # Restart and retry everything with the same keys, as clients would.
    server = _start(tmp_path, port, url)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        retried: dict[str, int] = {}
        for part in range(THREADS):
            for n, (_buyer_id, token) in enumerate(tokens[part::THREADS]):
                key = f"crash-{part}-{n}"
                status, body = _post(conn, path, token, key)
                if status in (200, 201):
                    retried[key] = body["order_id"]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)

    with Session(engine) as check:
        stored = dict(
            check.execute(select(LiveDealOrder.idempotency_key, LiveDealOrder.order_id)).all()
        )
        assert all(
            stored.get(k) == v for k, v in acknowledged.items()
        )  # nothing acknowledged was lost
        assert all(retried[k] == v for k, v in acknowledged.items())  # retries found the same order
        pool, sold, returned = deal_counts(check, deal_id)
        orders = check.scalar(
            select(func.count()).select_from(Order).where(Order.deal_id == deal_id)
        )
        assert sold == orders == len(stored) == 200  # 240 buyers, 200 units, one each
        assert pool == sold + returned + (pool - sold - returned) and pool - sold - returned == 0
    engine.dispose()
