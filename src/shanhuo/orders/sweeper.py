"""The payment-timeout sweeper: every so often, cancel unpaid orders past their deadline and
release their stock. Each sweep is its own short transaction; the loop stops cleanly when the
app shuts down. ``expire_unpaid`` is a compare-and-set, so several workers sweeping at once
(one per uvicorn worker) cannot release the same hold twice."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.orm import Session, sessionmaker

from shanhuo.kit.jobs import run_every
from shanhuo.kit.timeutil import utcnow
from shanhuo.orders.service import expire_unpaid

log = logging.getLogger("shanhuo.orders.sweeper")

SWEEP_INTERVAL_SECONDS = 30.0


def sweep_once(session_factory: sessionmaker[Session]) -> int:
    """One sweep in one transaction; returns how many orders were cancelled."""
    with session_factory() as session:
        expired = expire_unpaid(session, now=utcnow())
        session.commit()
    if expired:
        log.info("payment timeout: cancelled %d unpaid orders and released their stock", expired)
    return expired


async def run_sweeper(
    session_factory: sessionmaker[Session],
    stop: asyncio.Event,
    *,
    interval: float = SWEEP_INTERVAL_SECONDS,
) -> None:
    """Sweep every ``interval`` seconds until ``stop`` is set."""
    await run_every("payment-timeout sweep", interval, lambda: sweep_once(session_factory), stop)
