"""Many buyers race for the last units of a deal, each request in its own connection and
transaction (as several worker processes would take them), released together by a barrier.
Sold never exceeds the pool; the per-buyer limit holds; retried keys make one order."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections import Counter
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from shanhuo.kit.errors import ShanhuoError
from shanhuo.kit.timeutil import utcnow
from shanhuo.live.intake import DealIntake
from shanhuo.live.placement import Ticket, place_batch, place_one
from shanhuo.live.schemas import DealOrderRead
from shanhuo.models import LiveDealBuyer, LiveDealOrder, Order, Sku
from tests.helpers.accounts import create_user
from tests.helpers.live import create_live_room, deal_counts, open_deal, order_body

THREADS = 24


def _race(engine: Engine, work: Callable[[Session, int], str], n: int = THREADS) -> list[str]:
    factory = sessionmaker(engine, expire_on_commit=False)
    barrier = threading.Barrier(n)
    outcomes = [""] * n

    def run(i: int) -> None:
        with factory() as session:
            barrier.wait(timeout=30)
            try:
                outcomes[i] = work(session, i)
                session.commit()
            except ShanhuoError as exc:
                session.rollback()
                outcomes[i] = exc.code
            except Exception as exc:
                session.rollback()
                outcomes[i] = f"error:{type(exc).__name__}:{exc}"

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def test_buyers_race_for_the_last_units(committed_engine: Engine) -> None:
    with Session(committed_engine) as setup_session:
        setup = create_live_room(setup_session, stock=40)
        deal = open_deal(setup_session, setup, pool=5, limit=1)
        buyer_ids = [create_user(setup_session).id for _ in range(THREADS)]
        deal_id, sku_id = deal.id, setup.sku.id
        setup_session.commit()

    def order(session: Session, i: int) -> str:
        place_one(
            session,
            deal_id=deal_id,
            buyer_id=buyer_ids[i],
            key=uuid.uuid4().hex,
            body=order_body(),
            now=utcnow(),
            payment_minutes=10,
        )
        return "ok"

    outcomes = _race(committed_engine, order)
    assert Counter(outcomes) == Counter({"ok": 5, "deal_sold_out": THREADS - 5})
    with Session(committed_engine) as check:
        assert deal_counts(check, deal_id) == (5, 5, 0)
        assert check.scalar(select(func.count()).select_from(Order)) == 5
        assert check.execute(select(Sku.on_hand, Sku.reserved).where(Sku.id == sku_id)).one() == (
            40,
            5,
        )


def test_one_buyer_racing_themselves_gets_no_more_than_the_limit(committed_engine: Engine) -> None:
    with Session(committed_engine) as setup_session:
        setup = create_live_room(setup_session, stock=100)
        deal = open_deal(setup_session, setup, pool=50, limit=3)
        buyer_id = create_user(setup_session).id
        deal_id = deal.id
        setup_session.commit()

    def order(session: Session, _i: int) -> str:
        place_one(
            session,
            deal_id=deal_id,
            buyer_id=buyer_id,
            key=uuid.uuid4().hex,
            body=order_body(),
            now=utcnow(),
            payment_minutes=10,
        )
        return "ok"

    outcomes = _race(committed_engine, order, 12)
    assert Counter(outcomes) == Counter({"ok": 3, "deal_limit_exceeded": 9})
    with Session(committed_engine) as check:
        assert deal_counts(check, deal_id) == (50, 3, 0)
        assert check.scalar(select(LiveDealBuyer.quantity)) == 3


def test_batches_from_several_writers_never_oversell(committed_engine: Engine) -> None:
    """Each thread is a worker process's batch of 10 requests for the same deal."""
    with Session(committed_engine) as setup_session:
        setup = create_live_room(setup_session, stock=100)
        deal = open_deal(setup_session, setup, pool=37, limit=2)
        buyer_ids = [create_user(setup_session).id for _ in range(40)]
        deal_id = deal.id
        setup_session.commit()

    def batch(session: Session, i: int) -> str:
        tickets = [
            Ticket(
                deal_id=deal_id,
                key=f"{i}-{k}",
                body=order_body(),
                buyer_id=buyer_ids[(i * 10 + k) % 40],
            )
            for k in range(10)
        ]
        out = place_batch(
            session, deal_id=deal_id, tickets=tickets, now=utcnow(), payment_minutes=10
        )
        return ",".join("ok" if not isinstance(o, ShanhuoError) else o.code for o in out)

    outcomes = _race(committed_engine, batch, 8)
    flat = Counter(code for line in outcomes for code in line.split(","))
    assert flat["ok"] == 37 and sum(flat.values()) == 80, flat
    with Session(committed_engine) as check:
        assert deal_counts(check, deal_id) == (37, 37, 0)
        assert check.scalar(select(func.max(LiveDealBuyer.quantity))) <= 2
        assert check.scalar(select(func.count()).select_from(LiveDealOrder)) == 37


def test_the_same_key_from_many_threads_makes_one_order(committed_engine: Engine) -> None:
    with Session(committed_engine) as setup_session:
        setup = create_live_room(setup_session, stock=100)
        deal = open_deal(setup_session, setup, pool=50, limit=5)
        buyer_id = create_user(setup_session).id
        deal_id = deal.id
        setup_session.commit()

    def order(session: Session, _i: int) -> str:
        placed = place_one(
            session,
            deal_id=deal_id,
            buyer_id=buyer_id,
            key="same",
            body=order_body(),
            now=utcnow(),
            payment_minutes=10,
        )
        return f"order:{placed.order_id}"

    outcomes = _race(committed_engine, order, 12)
    winners = {o for o in outcomes if o.startswith("order:")}
    assert len(winners) == 1, outcomes
    with Session(committed_engine) as check:
        assert deal_counts(check, deal_id) == (50, 1, 0)
        assert check.scalar(select(func.count()).select_from(Order)) == 1


@pytest.mark.parametrize("writer", ["thread", "task"], ids=["thread-writer", "task-writer"])
def test_intakes_of_several_workers_race_optimistically_and_never_oversell(
    committed_engine: Engine, writer: str
) -> None:
    """Four ``DealIntake`` writers (one per worker process, each with its own event loop)
    of either shape (see ``DealIntake``) take 30 requests each for a pool of 41: batches read the pool unlocked, so some are
    refused by the guard at the end and run again with the row locked. Every request gets
    an answer; exactly the pool is sold; limits hold; a re-sent key finds its order."""
    with Session(committed_engine) as setup_session:
        setup = create_live_room(setup_session, stock=200)
        deal = open_deal(setup_session, setup, pool=41, limit=2)
        buyer_ids = [create_user(setup_session).id for _ in range(50)]
        deal_id, sku_id = deal.id, setup.sku.id
        setup_session.commit()
    factory = sessionmaker(committed_engine, expire_on_commit=False)
    barrier = threading.Barrier(4)
    answers: list[list[object]] = [[] for _ in range(4)]
    intakes: list[DealIntake] = []

    def worker(w: int) -> None:
        intake = DealIntake(factory, max_batch=8, payment_minutes=10, writer=writer)
        intakes.append(intake)

        async def burst() -> list[object]:
            tickets = [
                Ticket(
                    deal_id=deal_id,
                    key=f"w{w}-{k % 25}",  # keys 0-4 are sent twice: retries
                    body=order_body(),
                    buyer_id=buyer_ids[(w * 25 + k) % 50],
                )
                for k in range(30)
            ]
            results = await asyncio.gather(
                *(intake.submit(t) for t in tickets), return_exceptions=True
            )
            await intake.close()
            return list(results)

        barrier.wait(timeout=30)
        answers[w] = asyncio.run(burst())

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    flat = [a for per_worker in answers for a in per_worker]
    assert len(flat) == 120
    placed = [a for a in flat if isinstance(a, DealOrderRead)]
    refused = [a for a in flat if isinstance(a, ShanhuoError)]
    assert len(placed) + len(refused) == 120, [
        a for a in flat if not isinstance(a, DealOrderRead | ShanhuoError)
    ]
    assert {e.code for e in refused} <= {"deal_sold_out", "deal_limit_exceeded"}
    created = {a.order_id for a in placed if a.created}
    assert len(created) == 41
    assert {a.order_id for a in placed} == created  # a retried key got its first order again
    with Session(committed_engine) as check:
        assert deal_counts(check, deal_id) == (41, 41, 0)
        assert check.scalar(select(func.max(LiveDealBuyer.quantity))) <= 2
        stored = set(check.scalars(select(LiveDealOrder.order_id)))
        assert stored == created
        sku = check.get(Sku, sku_id)
        assert sku is not None and sku.reserved == 41
