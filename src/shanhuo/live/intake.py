"""Burst order intake for flash deals: durable, exact, idempotent, fast.

Design (why it is shaped like this)
-----------------------------------
When a deal opens, hundreds of buyers press "buy" in the same second. Taking each order in its
own transaction makes every request pay for one commit (an fsync on PostgreSQL, the single
writer lock plus a WAL write on SQLite) and, worse, makes every request queue on the same hot
row (the deal's pool). So:

1. **A single writer per deal per worker process.** The HTTP handler is ``async``; it does no
   database work itself. It puts a ``Ticket`` (deal, Idempotency-Key, body, the *hash* of the
   buyer's token) on the deal's queue and awaits a future. One writer per deal drains the
   queue: it takes everything waiting (up to ``live_intake_max_batch``), hands the batch to
   ``place_batch``, commits, and answers the batch's futures in the event loop. While a
   transaction commits, the next requests pile up and become the next batch — group commit
   without a timer, so latency at low load is one transaction. Requests reach the writer
   in whole waves: everything one pass of the event loop queued, together (a batch has
   ~2 ms of fixed work, so a few requests taken while the loop is still parsing the rest
   cost more per order). The writer has two shapes (``writer_shape``):

   - **PostgreSQL: a thread per deal** that takes the next batch as soon as one commits.
     The database works in another process, so while it writes one batch this process can
     parse the next. An asyncio task that sent each batch to a thread could not overlap
     them: it ran only when the event loop reached it, after every request the loop was
     parsing, so all the connections fell into one wave that was parsed, then written, then
     answered (measured, 256 connections: every batch 256 orders, the database busy ~30 ms
     of each ~87 ms cycle).
   - **SQLite: an asyncio task per deal** that sends each batch to a worker thread and waits
     for it. SQLite runs inside this process, under the same GIL as the parsing, so there is
     nothing to overlap; the loop and the writer take turns, and every batch is a whole wave
     (fewer, larger batches).

   The overlap pays only while a core is free for it. With as many worker processes as
   cores the CPUs are already full, and the thread's batches are smaller than the task's
   (two half-waves instead of one wave), so each order costs more. ``writer_shape`` picks
   the thread on PostgreSQL with fewer workers than cores, else the task. Measured with
   bench/live.py (PostgreSQL, same runs, alternating): 1 worker, task 0.62 of the echo
   endpoint's rate, thread 0.75-0.76; 2 workers on 2 cores, task 0.56-0.60, thread
   0.49-0.50. SQLite, 1 worker: task 0.72-0.81, thread 0.70.

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
import queue
import threading
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from shanhuo.kit.db import sqlite_writer_turn
from shanhuo.kit.errors import ShanhuoError
from shanhuo.kit.timeutil import utcnow
from shanhuo.live.placement import BatchReport, Outcome, Ticket, place_batch
from shanhuo.live.schemas import DealOrderRead

log = logging.getLogger("shanhuo.live.intake")


def writer_shape(choice: str, *, database: str, workers: int, cpus: int) -> str:
    """ "thread" or "task" (see the module docstring): ``choice`` unless it is "auto"."""
    if choice != "auto":
        return choice
    return "thread" if database == "postgresql" and workers < cpus else "task"


Waiting = tuple[Ticket, "asyncio.Future[Outcome]"]
Answers = list[tuple["asyncio.Future[Outcome]", "Outcome | BaseException"]]


class _ThreadLane:
    """PostgreSQL: a deal's queue and the thread that writes it (see the module docstring).
    Requests are handed to the thread at the end of the event loop's pass that queued them,
    all together, so a batch is never a few requests taken while the loop was still parsing
    the rest of the same wave (with several workers, CPU-bound, that made batches of ~30-60
    and cost more per order: a batch has ~2 ms of fixed work)."""

    def __init__(self, intake: DealIntake, deal_id: int) -> None:
        self.intake, self.deal_id = intake, deal_id
        self.queue: queue.SimpleQueue[list[Waiting] | None] = queue.SimpleQueue()  # None: stop
        self.pending: list[Waiting] = []  # queued in this pass of the loop, not handed over
        self.thread = threading.Thread(target=self._run, name=f"deal-{deal_id}-writer", daemon=True)
        self.thread.start()

    def put(self, waiting: Waiting) -> None:
        """In the event loop, under the intake's lock."""
        self.pending.append(waiting)
        if len(self.pending) == 1:
            asyncio.get_running_loop().call_soon(self._hand_over)

    def _hand_over(self) -> None:
        with self.intake.lanes_lock:  # ``idle`` must not see the requests in neither place
            if self.pending:
                self.queue.put(self.pending)
                self.pending = []

    def idle(self) -> bool:
        return self.queue.empty() and not self.pending

    async def stop(self) -> None:
        """Stop after the requests already queued (they get answers)."""
        self._hand_over()
        self.queue.put(None)
        await asyncio.to_thread(self.thread.join, 30)

    def _run(self) -> None:
        intake = self.intake
        carry: list[Waiting] = []  # handed over but beyond ``max_batch``: the next batch
        stopping = False
        while True:
            if not carry:
                if stopping:
                    return
                try:
                    got = self.queue.get(timeout=intake.IDLE_SECONDS)
                except queue.Empty:
                    if intake.retire(self, self.idle):
                        return
                    continue
                if got is None:
                    return
                carry = got
            while not stopping and len(carry) < intake.max_batch:
                try:
                    more = self.queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                else:
                    carry.extend(more)
            batch, carry = carry[: intake.max_batch], carry[intake.max_batch :]
            answers, reports = intake.write(self.deal_id, batch)
            loop = batch[0][1].get_loop()
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits
                loop.call_soon_threadsafe(intake.deliver, answers, reports)


class _TaskLane:
    """SQLite: a deal's queue and the asyncio task that writes it, a batch at a time in a
    worker thread (see the module docstring)."""

    def __init__(self, intake: DealIntake, deal_id: int) -> None:
        self.intake, self.deal_id = intake, deal_id
        self.queue: asyncio.Queue[Waiting] = asyncio.Queue()
        self.task = asyncio.create_task(self._run())

    def put(self, waiting: Waiting) -> None:
        self.queue.put_nowait(waiting)

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self.task

    async def _run(self) -> None:
        intake = self.intake
        while True:
            try:
                first = await asyncio.wait_for(self.queue.get(), timeout=intake.IDLE_SECONDS)
            except TimeoutError:
                # No await between the check and the removal: nothing can be queued between.
                if intake.retire(self, self.queue.empty):
                    return
                continue
            batch = [first]
            while len(batch) < intake.max_batch and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            answers, reports = await asyncio.to_thread(intake.write, self.deal_id, batch)
            intake.deliver(answers, reports)


class DealIntake:
    """Per worker process: one queue and one writer per deal (see the module docstring).
    ``on_committed`` is called in the event loop after each committed batch (broadcasts). A
    deal's writer ends after ``IDLE_SECONDS`` without requests. ``writer``: its shape,
    "thread" or "task" (``writer_shape``)."""

    IDLE_SECONDS = 30.0

    def __init__(
        self,
        session_factory: Callable[[], Session] | sessionmaker[Session],
        *,
        max_batch: int,
        payment_minutes: int,
        writer: str = "thread",
        on_committed: Callable[[BatchReport], None] | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.max_batch = max_batch
        self.payment_minutes = payment_minutes
        self.writer = writer
        self.on_committed = on_committed
        self.lanes: dict[int, _ThreadLane | _TaskLane] = {}
        self.lanes_lock = threading.Lock()  # a lane is created, fed and retired under it

    async def submit(self, ticket: Ticket) -> DealOrderRead:
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        with self.lanes_lock:  # so a lane never retires with this ticket on its way
            lane = self.lanes.get(ticket.deal_id)
            if lane is None:
                kind = _ThreadLane if self.writer == "thread" else _TaskLane
                lane = self.lanes[ticket.deal_id] = kind(self, ticket.deal_id)
            lane.put((ticket, future))
        outcome = await future
        if isinstance(outcome, ShanhuoError):
            raise outcome
        return outcome

    def retire(self, lane: _ThreadLane | _TaskLane, idle: Callable[[], bool]) -> bool:
        """Called by an idle lane: remove it, unless a request came meanwhile."""
        with self.lanes_lock:
            if not idle():
                return False
            if self.lanes.get(lane.deal_id) is lane:
                del self.lanes[lane.deal_id]
            return True

    def write(self, deal_id: int, batch: list[Waiting]) -> tuple[Answers, list[BatchReport]]:
        """In a thread: commit the batch; pair each future with what its request gets."""
        tickets = [t for t, _ in batch]
        try:
            outcomes, reports = self._commit(deal_id, tickets)
        except Exception as exc:  # a bug: every waiting request gets a 500, never a hang
            log.exception("deal %s: batch of %d failed", deal_id, len(batch))
            return [(future, exc) for _, future in batch], []
        return [(f, o) for (_, f), o in zip(batch, outcomes, strict=True)], reports

    def deliver(self, answers: Answers, reports: list[BatchReport]) -> None:
        """In the event loop: resolve the batch's futures, then broadcast what it sold."""
        for future, outcome in answers:
            if future.done():  # cancelled (the client went away); a placed order stands
                continue
            if isinstance(outcome, BaseException) and not isinstance(outcome, ShanhuoError):
                future.set_exception(outcome)
            else:
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
        with self.lanes_lock:
            lanes = list(self.lanes.values())
            self.lanes.clear()
        for lane in lanes:
            await lane.stop()
