"""Burst order intake for flash deals: durable, exact, idempotent, fast.

Design (why it is shaped like this)
-----------------------------------
When a deal opens, hundreds of buyers press "buy" in the same second. Taking each order in its
own transaction makes every request pay for one commit (an fsync on PostgreSQL, the single
writer lock plus a WAL write on SQLite) and, worse, makes every request queue on the same hot
row (the deal's pool). So:

1. **A single writer per deal per worker process.** The HTTP handler is ``async``; it does no
   database work itself. It puts a ``Ticket`` (deal, Idempotency-Key, body, the *hash* of the
   buyer's token) on the deal's ``asyncio.Queue`` and awaits a future. One task per deal
   drains the queue: it takes everything waiting (up to ``live_intake_max_batch``) and hands
   the batch to ``place_batch`` in a worker thread. While that transaction commits, the next
   requests pile up and become the next batch — group commit without a timer, so latency at
   low load is one transaction.
2. **One transaction per batch**, with one guarded pool update and bulk inserts
   (``kit.bulk``: constant SQL text, so statements are prepared once): sign-in tokens resolved
   in one query, idempotency replays found in one query, the batch allocated by the pure
   ``rules.allocate`` (first come first served, whole requests only, per-buyer limit), then
   multi-row INSERTs of checkouts, orders, lines, order events and deal orders, one guarded
   upsert of the per-buyer counters, and **last** the two hot rows: ``UPDATE live_deal SET
   sold = sold + n WHERE sold + returned + n <= pool RETURNING the units left`` and the SKU.
3. **The database is the guard, batching is the speed.** With several worker processes each
   has its own writer for the same deal. The deal row is read without a lock and the hot rows
   are written last, so row locks are held only from that UPDATE to the commit: two workers'
   batches do their reads and inserts in parallel and queue only for the short end. If a
   guard refuses (another worker sold the last units since we read the pool, or raised a
   buyer's count) the batch is rolled back and run again with the deal row locked first
   (``SELECT … FOR UPDATE``; on SQLite, ``BEGIN IMMEDIATE`` already serialises writers and
   ``kit.db.sqlite_writer_turn`` makes workers take turns on a file lock instead of polling
   SQLite's busy handler), which makes the allocation exact; if even that fails as a whole,
   each ticket gets its own transaction. Correctness never depends on which worker took a
   request: the guarded UPDATE plus the CHECK constraints ``sold + returned <= pool`` (deal)
   and ``quantity <= per_buyer_limit`` (buyer counter) refuse anything that would oversell,
   and ``(buyer_id, idempotency_key)`` is unique.
4. **Durable acknowledgement.** The futures are resolved only after ``commit()`` returned, so
   a buyer is told "ordered" only for committed orders; a crash before the commit loses only
   requests that were never acknowledged (the client retries them with the same key).

Deal orders are real marketplace orders (``checkout`` + ``shop_order`` + ``order_line`` +
``order_event``) carrying ``live_session_id`` and ``deal_id``; the deal price is the unit
price; their units sit on the SKU as a hold, so the sandbox payment, the payment timeout, the
seller's order list, logistics and the report treat them like any other order. A live-room
coupon claim can be applied: its discount lowers the order's total (``discount_fen``).

Where the code is: this module holds the single writer (points 1, 4 and the one-by-one retry
of 3); ``placement`` holds ``Ticket``, ``BatchReport``, ``place_batch`` and ``place_one``
(point 2, the decisions); ``placement_writes`` holds the guarded update and bulk inserts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from shanhuo.kit.db import sqlite_writer_turn
from shanhuo.kit.errors import ShanhuoError
from shanhuo.kit.timeutil import utcnow
from shanhuo.live.placement import BatchReport, Outcome, Ticket, place_batch
from shanhuo.live.schemas import DealOrderRead

log = logging.getLogger("shanhuo.live.intake")


class DealIntake:
    """Per worker process: one queue and one writer task per deal (see the module docstring).
    ``on_committed`` is called in the event loop after each committed batch (broadcasts)."""

    IDLE_SECONDS = 30.0

    def __init__(
        self,
        session_factory: Callable[[], Session] | sessionmaker[Session],
        *,
        max_batch: int,
        payment_minutes: int,
        on_committed: Callable[[BatchReport], None] | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.max_batch = max_batch
        self.payment_minutes = payment_minutes
        self.on_committed = on_committed
        self.queues: dict[int, asyncio.Queue[tuple[Ticket, asyncio.Future[Outcome]]]] = {}
        self.tasks: dict[int, asyncio.Task[None]] = {}
        self.batches = 0
        self.refused_attempts = 0  # batch attempts a guard refused (another worker was first)

    async def submit(self, ticket: Ticket) -> DealOrderRead:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Outcome] = loop.create_future()
        queue = self.queues.get(ticket.deal_id)
        if queue is None:
            queue = self.queues[ticket.deal_id] = asyncio.Queue()
            self.tasks[ticket.deal_id] = asyncio.create_task(self._writer(ticket.deal_id, queue))
        queue.put_nowait((ticket, future))
        outcome = await future
        if isinstance(outcome, ShanhuoError):
            raise outcome
        return outcome

    async def _writer(
        self, deal_id: int, queue: asyncio.Queue[tuple[Ticket, asyncio.Future[Outcome]]]
    ) -> None:
        while True:
            try:
                first = await asyncio.wait_for(queue.get(), timeout=self.IDLE_SECONDS)
            except TimeoutError:
                if queue.empty():  # no await between the check and the removal
                    self.queues.pop(deal_id, None)
                    self.tasks.pop(deal_id, None)
                    return
                continue
            batch = [first]
            while len(batch) < self.max_batch and not queue.empty():
                batch.append(queue.get_nowait())
            tickets = [t for t, _ in batch]
            try:
                outcomes, reports = await asyncio.to_thread(self._commit, deal_id, tickets)
            except Exception as exc:  # a bug: every waiting request gets a 500, never a hang
                log.exception("deal %s: batch of %d failed", deal_id, len(batch))
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            self.batches += 1
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if not future.done():
                    future.set_result(outcome)
            if self.on_committed is not None:
                for report in reports:
                    if report.accepted:
                        self.on_committed(report)

    def _commit(
        self, deal_id: int, tickets: list[Ticket]
    ) -> tuple[list[Outcome], list[BatchReport]]:
        """One transaction for the batch: first optimistic (the deal row locked only by the
        guarded update at the end), then, if a guard refused, once more with the row locked
        first; if that fails as a whole too, one transaction per ticket."""
        for lock_first in (False, True):
            try:
                outcomes, report = self._attempt(deal_id, tickets, lock_first=lock_first)
                return outcomes, [report]
            except Exception:
                if lock_first and len(tickets) == 1:
                    raise
                self.refused_attempts += 1
        log.warning("deal %s: batch of %d retried one by one", deal_id, len(tickets))
        outcomes = []
        reports = []
        for ticket in tickets:
            try:
                [outcome], single = self._attempt(deal_id, [ticket], lock_first=True)
            except ShanhuoError as exc:
                outcome, single = exc, BatchReport(deal_id)
            outcomes.append(outcome)
            reports.append(single)
        return outcomes, reports

    def _attempt(
        self, deal_id: int, tickets: list[Ticket], *, lock_first: bool
    ) -> tuple[list[Outcome], BatchReport]:
        """Place and commit ``tickets`` in one transaction; raises (rolled back) if it fails."""
        report = BatchReport(deal_id)
        with self.session_factory() as session, sqlite_writer_turn(session):
            try:
                outcomes = place_batch(
                    session,
                    deal_id=deal_id,
                    tickets=tickets,
                    now=utcnow(),
                    payment_minutes=self.payment_minutes,
                    report=report,
                    lock_first=lock_first,
                )
                session.commit()
            except Exception:
                session.rollback()
                raise
        return outcomes, report

    async def close(self) -> None:
        for task in list(self.tasks.values()):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.tasks.clear()
        self.queues.clear()
