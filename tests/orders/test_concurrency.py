"""Real concurrency: many threads, each with its own session and connection, released together
by a barrier. On PostgreSQL the guarded UPDATE and the unique idempotency index decide; on
SQLite BEGIN IMMEDIATE serialises the writers — the same tests must hold on both."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from shanhuo.kit.errors import ShanhuoError
from shanhuo.models import Checkout, OrderLine, Sku, User
from tests.helpers.accounts import create_user
from tests.helpers.orders import create_shop, place_checkout

THREADS = 24


def _run_together(engine: Engine, work: Callable[[Session, int], str], n: int) -> list[str]:
    factory = sessionmaker(engine, expire_on_commit=False)
    barrier = threading.Barrier(n)
    outcomes: list[str] = [""] * n

    def run(i: int) -> None:
        with factory() as session:
            barrier.wait(timeout=30)
            try:
                outcomes[i] = work(session, i)
                session.commit()
            except ShanhuoError as exc:
                session.rollback()
                outcomes[i] = exc.code
            except Exception as exc:  # a 500 in real life: the test must show it
                session.rollback()
                outcomes[i] = f"error:{type(exc).__name__}:{exc}"

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def _oversell(engine: Engine) -> None:
    with Session(engine) as setup:
        shop = create_shop(setup, stock=5)
        buyers = [create_user(setup) for _ in range(THREADS)]
        sku_id = shop.skus[0].id
        buyer_ids = [b.id for b in buyers]
        setup.commit()

    def buy(session: Session, i: int) -> str:
        buyer = session.get(User, buyer_ids[i])
        assert buyer is not None
        place_checkout(session, buyer, [(sku_id, 1)], key=uuid.uuid4().hex)
        return "ok"

    outcomes = _run_together(engine, buy, THREADS)
    assert Counter(outcomes) == Counter({"ok": 5, "insufficient_stock": THREADS - 5})
    with Session(engine) as check:
        on_hand, reserved = check.execute(
            select(Sku.on_hand, Sku.reserved).where(Sku.id == sku_id)
        ).one()
        lines = check.scalar(select(func.sum(OrderLine.quantity)).where(OrderLine.sku_id == sku_id))
        assert (on_hand, reserved, lines) == (5, 5, 5)
        assert reserved <= on_hand


def _same_key(engine: Engine) -> None:
    with Session(engine) as setup:
        shop = create_shop(setup, stock=50)
        buyer_id = create_user(setup).id
        sku_id = shop.skus[0].id
        setup.commit()

    def buy(session: Session, _i: int) -> str:
        buyer = session.get(User, buyer_id)
        assert buyer is not None
        result = place_checkout(session, buyer, [(sku_id, 2)], key="same-key")
        return f"checkout:{result.checkout.id}"

    outcomes = _run_together(engine, buy, THREADS)
    assert len(set(outcomes)) == 1 and outcomes[0].startswith("checkout:")
    with Session(engine) as check:
        assert check.scalar(select(func.count()).select_from(Checkout)) == 1
        assert check.execute(select(Sku.on_hand, Sku.reserved).where(Sku.id == sku_id)).one() == (
            50,
            2,
        )


@pytest.mark.postgres_only
def test_oversell_postgres(committed_engine: Engine, is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("PostgreSQL only")
    _oversell(committed_engine)


@pytest.mark.postgres_only
def test_same_key_postgres(committed_engine: Engine, is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("PostgreSQL only")
    _same_key(committed_engine)


def test_oversell_sqlite(committed_engine: Engine, is_postgres: bool) -> None:
    if is_postgres:
        pytest.skip("the PostgreSQL variant covers it")
    _oversell(committed_engine)


def test_same_key_sqlite(committed_engine: Engine, is_postgres: bool) -> None:
    if is_postgres:
        pytest.skip("the PostgreSQL variant covers it")
    _same_key(committed_engine)
