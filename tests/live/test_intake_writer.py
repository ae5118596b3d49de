"""The deal writer's life, in both shapes (``DealIntake``, ``writer``): a batch that
fails for a bug answers every request instead of leaving it hanging, an idle writer retires
and a later request starts a new one, and ``close`` answers what was already queued."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from shanhuo.live.intake import DealIntake, writer_shape
from shanhuo.live.placement import Ticket
from shanhuo.live.schemas import DealOrderRead
from tests.helpers.accounts import create_user
from tests.helpers.live import create_live_room, open_deal, order_body

SHAPES = pytest.mark.parametrize("writer", ["thread", "task"])


class Broken(Exception):
    pass


def _broken_session() -> Session:
    raise Broken("no database")


@SHAPES
def test_a_failing_batch_answers_every_request_with_the_error(writer: str) -> None:
    async def burst() -> list[object]:
        intake = DealIntake(_broken_session, max_batch=4, payment_minutes=10, writer=writer)
        tickets = [Ticket(deal_id=1, key=f"k{i}", body=order_body(), buyer_id=i) for i in range(10)]
        try:
            return await asyncio.wait_for(
                asyncio.gather(*(intake.submit(t) for t in tickets), return_exceptions=True),
                timeout=30,
            )
        finally:
            await intake.close()

    answers = asyncio.run(burst())
    assert len(answers) == 10
    assert all(isinstance(a, Broken) for a in answers), answers


@SHAPES
def test_an_idle_writer_retires_and_the_next_request_starts_another(
    committed_engine: Engine, writer: str
) -> None:
    with Session(committed_engine) as setup_session:
        setup = create_live_room(setup_session, stock=50)
        deal_id = open_deal(setup_session, setup, pool=10, limit=2).id
        buyer_ids = [create_user(setup_session).id for _ in range(2)]
        setup_session.commit()
    factory = sessionmaker(committed_engine, expire_on_commit=False)

    async def scenario() -> tuple[DealOrderRead, DealOrderRead, bool]:
        intake = DealIntake(factory, max_batch=8, payment_minutes=10, writer=writer)
        intake.IDLE_SECONDS = 0.05
        try:
            first = await intake.submit(
                Ticket(deal_id=deal_id, key="a", body=order_body(), buyer_id=buyer_ids[0])
            )
            for _ in range(100):  # the writer notices it is idle within ~IDLE_SECONDS
                if deal_id not in intake.lanes:
                    break
                await asyncio.sleep(0.02)
            retired = deal_id not in intake.lanes
            second = await intake.submit(
                Ticket(deal_id=deal_id, key="b", body=order_body(), buyer_id=buyer_ids[1])
            )
            return first, second, retired
        finally:
            await intake.close()

    first, second, retired = asyncio.run(scenario())
    assert retired
    assert first.created and second.created and first.order_id != second.order_id


@pytest.mark.parametrize(
    ("choice", "database", "workers", "cpus", "shape"),
    [
        ("auto", "postgresql", 1, 2, "thread"),  # a core is free to overlap with
        ("auto", "postgresql", 2, 2, "task"),  # the workers fill the cores
        ("auto", "postgresql", 3, 2, "task"),
        ("auto", "sqlite", 1, 2, "task"),  # SQLite writes under this process's GIL
        ("thread", "sqlite", 2, 2, "thread"),  # a choice is kept
        ("task", "postgresql", 1, 8, "task"),
    ],
)
def test_the_writer_shape(choice: str, database: str, workers: int, cpus: int, shape: str) -> None:
    assert writer_shape(choice, database=database, workers=workers, cpus=cpus) == shape
