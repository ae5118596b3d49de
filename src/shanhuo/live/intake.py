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
2. **One transaction per batch**, with one guarded pool update and bulk inserts: sign-in tokens
   resolved in one query, idempotency replays found in one query, the deal row locked
   (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serialises
   writers), the batch allocated by the pure ``rules.allocate`` (first come first served,
   whole requests only, per-buyer limit), then one ``UPDATE live_deal SET sold = sold + n
   WHERE sold + returned + n <= pool``, one upsert of the per-buyer counters, one SKU update,
   and multi-row INSERTs of checkouts, orders, lines, order events and deal orders.
3. **The database is the guard, batching is the speed.** With several worker processes each
   has its own writer for the same deal; correctness never depends on which worker took the
   request: the guarded UPDATE plus the CHECK constraints ``sold + returned <= pool`` (deal)
   and ``quantity <= per_buyer_limit`` (buyer counter) refuse anything that would oversell,
   and ``(buyer_id, idempotency_key)`` is unique. If a batch fails as a whole (a constraint
   fired because of a race the lock did not cover, a deadlock) it is rolled back and its
   tickets are retried one at a time, each in its own transaction.
4. **Durable acknowledgement.** The futures are resolved only after ``commit()`` returned, so
   a buyer is told "ordered" only for committed orders; a crash before the commit loses only
   requests that were never acknowledged (the client retries them with the same key).

Deal orders are real marketplace orders (``checkout`` + ``shop_order`` + ``order_line`` +
``order_event``) carrying ``live_session_id`` and ``deal_id``; the deal price is the unit
price; their units sit on the SKU as a hold, so the sandbox payment, the payment timeout, the
seller's order list, logistics and the report treat them like any other order. A live-room
coupon claim can be applied: its discount lowers the order's total (``discount_fen``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, insert, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from shanhuo.kit.db import is_postgres
from shanhuo.kit.errors import Conflict, Invalid, NotFound, ShanhuoError, Unauthorized
from shanhuo.kit.timeutil import utcnow
from shanhuo.live import rules
from shanhuo.live.schemas import DealOrderCreate, DealOrderRead
from shanhuo.models import (
    AuthToken,
    Checkout,
    LiveCoupon,
    LiveCouponClaim,
    LiveDeal,
    LiveDealBuyer,
    LiveDealOrder,
    LiveEvent,
    Order,
    OrderEvent,
    OrderLine,
    Region,
    Sku,
)
from shanhuo.orders.checkout import SHIPPABLE_LEVELS
from shanhuo.orders.rules import OrderStatus, request_fingerprint

log = logging.getLogger("shanhuo.live.intake")


@dataclass
class Ticket:
    """One buyer's deal request. The buyer is either known (``buyer_id``) or identified by the
    hash and kind of the token they presented, resolved inside the batch."""

    deal_id: int
    key: str
    body: DealOrderCreate
    buyer_id: int | None = None
    token: tuple[str, str] | None = None


Outcome = DealOrderRead | ShanhuoError


@dataclass
class BatchReport:
    """What a committed batch changed, for the broadcasts that follow the commit."""

    deal_id: int
    room_id: int = 0
    accepted: int = 0
    units: int = 0
    remaining: int = 0
    sold_out: bool = False
    order_ids: list[int] = field(default_factory=list)


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0))


def checkout_key(deal_id: int, key: str) -> str:
    """The checkout's own idempotency key (unique per buyer, like any checkout)."""
    return f"live-deal:{deal_id}:{hashlib.sha256(key.encode()).hexdigest()[:40]}"


def _fingerprint(deal_id: int, body: DealOrderCreate) -> str:
    return request_fingerprint({"deal_id": deal_id, **body.model_dump(mode="json")})


def _read(row: LiveDealOrder, order: Order, deal: LiveDeal, *, created: bool) -> DealOrderRead:
    return DealOrderRead(
        deal_order_id=row.id,
        order_id=order.id,
        checkout_id=order.checkout_id,
        deal_id=row.deal_id,
        quantity=row.quantity,
        unit_price_fen=deal.price_fen,
        discount_fen=order.discount_fen,
        total_fen=order.total_fen,
        status=order.status,
        created=created,
    )


def _resolve_buyers(session: Session, tickets: Sequence[Ticket], now: datetime) -> list[int | None]:
    wanted = {t.token[0] for t in tickets if t.buyer_id is None and t.token is not None}
    found: dict[tuple[str, str], int] = {}
    if wanted:
        for token_hash, kind, user_id in session.execute(
            select(AuthToken.token_hash, AuthToken.kind, AuthToken.user_id).where(
                AuthToken.token_hash.in_(wanted),
                AuthToken.revoked_at.is_(None),
                AuthToken.expires_at > now,
            )
        ):
            found[(token_hash, kind)] = user_id
    return [
        t.buyer_id if t.buyer_id is not None else (found.get(t.token) if t.token else None)
        for t in tickets
    ]


def place_batch(
    session: Session,
    *,
    deal_id: int,
    tickets: Sequence[Ticket],
    now: datetime,
    payment_minutes: int,
    report: BatchReport | None = None,
) -> list[Outcome]:
    """Take a batch of requests for one deal in the caller's transaction (see the module
    docstring). Returns one outcome per ticket, in order: the order placed (or found again
    for a retried key), or the error that request gets. Never commits."""
    n = len(tickets)
    results: list[Outcome | None] = [None] * n
    buyers = _resolve_buyers(session, tickets, now)
    for i, buyer in enumerate(buyers):
        if buyer is None:
            results[i] = Unauthorized()

    deal = session.scalars(
        select(LiveDeal).where(LiveDeal.id == deal_id).with_for_update()
    ).one_or_none()
    if deal is None:
        return [r or NotFound("deal_not_found", "秒杀不存在", "No such deal") for r in results]
    session.refresh(deal)  # the identity map may hold a copy read before the lock
    report = report if report is not None else BatchReport(deal_id)
    report.room_id = deal.room_id

    # Retries: one query finds every (buyer, key) already placed.
    pending = [i for i in range(n) if results[i] is None]
    pairs = {(buyers[i], tickets[i].key) for i in pending}
    placed: dict[tuple[int, str], tuple[LiveDealOrder, Order]] = {}
    if pairs:
        for row, order in session.execute(
            select(LiveDealOrder, Order)
            .join(Order, Order.id == LiveDealOrder.order_id)
            .where(tuple_(LiveDealOrder.buyer_id, LiveDealOrder.idempotency_key).in_(pairs))
        ).all():
            placed[(row.buyer_id, row.idempotency_key)] = (row, order)
    first_of: dict[tuple[int, str], int] = {}
    duplicate_of: dict[int, int] = {}
    for i in pending:
        pair = (buyers[i], tickets[i].key)
        assert pair[0] is not None
        hit = placed.get(pair)  # type: ignore[arg-type]
        if hit is not None:
            row, order = hit
            if row.deal_id != deal_id or row.quantity != tickets[i].body.quantity:
                results[i] = Invalid(
                    "idempotency_key_reused",
                    "该 Idempotency-Key 已用于另一个不同的请求",
                    "This Idempotency-Key was already used for a different request",
                )
            else:
                results[i] = _read(row, order, deal, created=False)
        elif pair in first_of:  # the same request twice in one batch: answer both alike
            duplicate_of[i] = first_of[pair]
        else:
            first_of[pair] = i  # type: ignore[index]
    pending = [i for i in range(n) if results[i] is None and i not in duplicate_of]

    phase = rules.deal_phase(
        status=deal.status, opens_at=deal.opens_at, ends_at=deal.ends_at, now=now
    )
    if phase is not rules.DealPhase.OPEN:
        for i in pending:
            results[i] = rules.deal_not_open(phase)
        pending = []

    codes = {tickets[i].body.region_code for i in pending}
    shippable = (
        set(
            session.scalars(
                select(Region.code).where(
                    Region.code.in_(codes), Region.level.in_(SHIPPABLE_LEVELS)
                )
            )
        )
        if codes
        else set()
    )
    claims = _usable_claims(session, tickets, pending, buyers, deal, now)
    for i in pending:
        body = tickets[i].body
        if body.region_code not in shippable:
            results[i] = Invalid(
                "unknown_region",
                f"收货地区代码不存在或不是区县/乡镇/村：{body.region_code}",
                f"Unknown ship-to region: {body.region_code}",
            )
        elif body.coupon_claim_id is not None and claims.get(body.coupon_claim_id) != i:
            results[i] = Conflict(
                "coupon_not_usable",
                "这张优惠券不能用于本订单",
                "This coupon cannot be used for this order",
            )
    pending = [i for i in pending if results[i] is None]

    held = (
        dict(
            session.execute(
                select(LiveDealBuyer.buyer_id, LiveDealBuyer.quantity).where(
                    LiveDealBuyer.deal_id == deal_id,
                    LiveDealBuyer.buyer_id.in_({buyers[i] for i in pending}),
                )
            ).all()
        )
        if pending
        else {}
    )
    remaining = deal.pool - deal.sold - deal.returned
    decisions = rules.allocate(
        [rules.DealRequest(int(buyers[i]), tickets[i].body.quantity) for i in pending],  # type: ignore[arg-type]
        remaining=remaining,
        held=held,
        limit=deal.per_buyer_limit,
    )
    granted: list[int] = []
    for i, refusal in zip(pending, decisions, strict=True):
        if refusal is rules.Refusal.SOLD_OUT:
            results[i] = Conflict("deal_sold_out", "抢光了", "The deal is sold out")
        elif refusal is rules.Refusal.LIMIT:
            results[i] = Conflict(
                "deal_limit_exceeded",
                f"每人限购 {deal.per_buyer_limit} 件",
                f"At most {deal.per_buyer_limit} per buyer",
                per_buyer_limit=deal.per_buyer_limit,
            )
        else:
            granted.append(i)

    if granted:
        _write(session, deal, tickets, buyers, granted, claims, results, now, payment_minutes)
        units = sum(tickets[i].body.quantity for i in granted)
        report.accepted += len(granted)
        report.units += units
        report.order_ids.extend(
            r.order_id for i in granted if isinstance(r := results[i], DealOrderRead)
        )
        remaining -= units
    report.remaining = remaining
    if remaining == 0 and deal.sold_out_at is None and granted:
        session.execute(
            update(LiveDeal)
            .where(LiveDeal.id == deal.id, LiveDeal.sold_out_at.is_(None))
            .values(sold_out_at=now)
            .execution_options(synchronize_session=False)
        )
        session.add(
            LiveEvent(
                session_id=deal.session_id,
                kind="sold_out",
                room_product_id=deal.room_product_id,
                deal_id=deal.id,
                note="",
                at=now,
            )
        )
        report.sold_out = True
    session.flush()

    for i, j in duplicate_of.items():
        first = results[j]
        results[i] = (
            first.model_copy(update={"created": False})
            if isinstance(first, DealOrderRead)
            else first
        )
    out = [r for r in results if r is not None]
    assert len(out) == n
    return out


def _usable_claims(
    session: Session,
    tickets: Sequence[Ticket],
    pending: list[int],
    buyers: list[int | None],
    deal: LiveDeal,
    now: datetime,
) -> dict[int, int]:
    """claim id → the ticket index that may use it (unused, the buyer's own, this store's
    coupon, still valid; one ticket per claim)."""
    wanted = {
        tickets[i].body.coupon_claim_id: i
        for i in reversed(pending)
        if tickets[i].body.coupon_claim_id
    }
    if not wanted:
        return {}
    usable: dict[int, int] = {}
    for claim, coupon in session.execute(
        select(LiveCouponClaim, LiveCoupon)
        .join(LiveCoupon, LiveCoupon.id == LiveCouponClaim.coupon_id)
        .where(LiveCouponClaim.id.in_(list(wanted)))
    ).all():
        i = wanted[claim.id]
        if (
            claim.buyer_id == buyers[i]
            and claim.order_id is None
            and coupon.store_id == deal.store_id
            and now < coupon.use_until
        ):
            usable[claim.id] = i
    return usable


def _write(
    session: Session,
    deal: LiveDeal,
    tickets: Sequence[Ticket],
    buyers: list[int | None],
    granted: list[int],
    claims: dict[int, int],
    results: list[Outcome | None],
    now: datetime,
    payment_minutes: int,
) -> None:
    units = sum(tickets[i].body.quantity for i in granted)
    taken = session.execute(
        update(LiveDeal)
        .where(
            LiveDeal.id == deal.id,
            LiveDeal.status == "open",
            LiveDeal.sold + LiveDeal.returned + units <= LiveDeal.pool,
        )
        .values(sold=LiveDeal.sold + units)
        .execution_options(synchronize_session=False)
    )
    if _rowcount(taken) != 1:
        raise Conflict("deal_pool_changed", "秒杀库存刚刚变化了", "The deal pool changed")

    per_buyer: dict[int, int] = {}
    for i in granted:
        buyer = int(buyers[i])  # type: ignore[arg-type]
        per_buyer[buyer] = per_buyer.get(buyer, 0) + tickets[i].body.quantity
    insert_fn = pg_insert if is_postgres(session) else sqlite_insert
    upsert = insert_fn(cast(Table, LiveDealBuyer.__table__))
    upsert = upsert.on_conflict_do_update(
        index_elements=["deal_id", "buyer_id"],
        set_={"quantity": upsert.table.c.quantity + upsert.excluded.quantity},
        where=upsert.table.c.quantity + upsert.excluded.quantity <= deal.per_buyer_limit,
    )
    counted = session.execute(
        upsert,
        [
            {
                "deal_id": deal.id,
                "buyer_id": b,
                "quantity": q,
                "per_buyer_limit": deal.per_buyer_limit,
            }
            for b, q in sorted(per_buyer.items())
        ],
    )
    if _rowcount(counted) not in (len(per_buyer), -1):
        raise Conflict("deal_limit_changed", "限购计数刚刚变化了", "The per-buyer count changed")

    # The units go back onto the SKU as a hold of unpaid orders (see deals.py).
    session.execute(
        update(Sku)
        .where(Sku.id == deal.sku_id)
        .values(on_hand=Sku.on_hand + units, reserved=Sku.reserved + units)
        .execution_options(synchronize_session=False)
    )

    expires_at = now + timedelta(minutes=payment_minutes)
    amounts: list[tuple[int, int, int]] = []  # items, discount, total
    discount_of: dict[int, int] = {}
    if claims:
        coupons = dict(
            session.execute(
                select(LiveCouponClaim.id, LiveCoupon)
                .join(LiveCoupon, LiveCoupon.id == LiveCouponClaim.coupon_id)
                .where(LiveCouponClaim.id.in_(list(claims)))
            ).all()
        )
    for i in granted:
        body = tickets[i].body
        items = deal.price_fen * body.quantity
        discount = 0
        if body.coupon_claim_id is not None and claims.get(body.coupon_claim_id) == i:
            coupon = coupons[body.coupon_claim_id]
            discount = rules.coupon_discount(
                items_fen=items,
                amount_off_fen=coupon.amount_off_fen,
                min_spend_fen=coupon.min_spend_fen,
            )
            discount_of[i] = discount
        amounts.append((items, discount, items - discount))

    checkout_ids = list(
        session.scalars(
            insert(Checkout).returning(Checkout.id, sort_by_parameter_order=True),
            [
                {
                    "buyer_id": buyers[i],
                    "idempotency_key": checkout_key(deal.id, tickets[i].key),
                    "request_fingerprint": _fingerprint(deal.id, tickets[i].body),
                    "total_fen": total,
                    "status": OrderStatus.PENDING_PAYMENT.value,
                    "created_at": now,
                    "expires_at": expires_at,
                }
                for i, (_items, _d, total) in zip(granted, amounts, strict=True)
            ],
        )
    )
    order_ids = list(
        session.scalars(
            insert(Order).returning(Order.id, sort_by_parameter_order=True),
            [
                {
                    "checkout_id": checkout_id,
                    "buyer_id": buyers[i],
                    "store_id": deal.store_id,
                    "status": OrderStatus.PENDING_PAYMENT.value,
                    "items_fen": items,
                    "shipping_fen": 0,
                    "discount_fen": discount,
                    "total_fen": total,
                    "refunded_fen": 0,
                    "recipient_name": tickets[i].body.recipient_name,
                    "recipient_mobile": tickets[i].body.recipient_mobile,
                    "ship_to_region_code": tickets[i].body.region_code,
                    "ship_to_address": tickets[i].body.address,
                    "created_at": now,
                    "expires_at": expires_at,
                    "live_session_id": deal.session_id,
                    "deal_id": deal.id,
                }
                for i, checkout_id, (items, discount, total) in zip(
                    granted, checkout_ids, amounts, strict=True
                )
            ],
        )
    )
    session.execute(
        insert(OrderLine),
        [
            {
                "order_id": order_id,
                "sku_id": deal.sku_id,
                "product_id": deal.product_id,
                "title": deal.title,
                "sku_name": deal.sku_name,
                "unit_price_fen": deal.price_fen,
                "quantity": tickets[i].body.quantity,
                "line_fen": deal.price_fen * tickets[i].body.quantity,
            }
            for i, order_id in zip(granted, order_ids, strict=True)
        ],
    )
    session.execute(
        insert(OrderEvent),
        [
            {
                "order_id": order_id,
                "from_status": None,
                "to_status": OrderStatus.PENDING_PAYMENT.value,
                "actor_id": buyers[i],
                "note": f"live deal {deal.id}",
                "at": now,
            }
            for i, order_id in zip(granted, order_ids, strict=True)
        ],
    )
    deal_order_ids = list(
        session.scalars(
            insert(LiveDealOrder).returning(LiveDealOrder.id, sort_by_parameter_order=True),
            [
                {
                    "deal_id": deal.id,
                    "buyer_id": buyers[i],
                    "idempotency_key": tickets[i].key,
                    "quantity": tickets[i].body.quantity,
                    "order_id": order_id,
                    "checkout_id": checkout_id,
                    "status": "placed",
                    "created_at": now,
                }
                for i, order_id, checkout_id in zip(granted, order_ids, checkout_ids, strict=True)
            ],
        )
    )
    for i, order_id in zip(granted, order_ids, strict=True):
        claim_id = tickets[i].body.coupon_claim_id
        if i in discount_of and claim_id is not None:
            used = session.execute(
                update(LiveCouponClaim)
                .where(LiveCouponClaim.id == claim_id, LiveCouponClaim.order_id.is_(None))
                .values(order_id=order_id, used_at=now)
                .execution_options(synchronize_session=False)
            )
            if _rowcount(used) != 1:
                raise Conflict("coupon_not_usable", "优惠券已被使用", "The coupon was used")
    for k, i in enumerate(granted):
        items, discount, total = amounts[k]
        results[i] = DealOrderRead(
            deal_order_id=deal_order_ids[k],
            order_id=order_ids[k],
            checkout_id=checkout_ids[k],
            deal_id=deal.id,
            quantity=tickets[i].body.quantity,
            unit_price_fen=deal.price_fen,
            discount_fen=discount,
            total_fen=total,
            status=OrderStatus.PENDING_PAYMENT.value,
            created=True,
        )


# The single writer per deal -------------------------------------------------------------------


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
        """One transaction for the batch; if it fails as a whole, one per ticket."""
        report = BatchReport(deal_id)
        with self.session_factory() as session:
            try:
                outcomes = place_batch(
                    session,
                    deal_id=deal_id,
                    tickets=tickets,
                    now=utcnow(),
                    payment_minutes=self.payment_minutes,
                    report=report,
                )
                session.commit()
                return outcomes, [report]
            except Exception:
                session.rollback()
                if len(tickets) == 1:
                    raise
                log.warning("deal %s: batch of %d retried one by one", deal_id, len(tickets))
        outcomes = []
        reports = []
        for ticket in tickets:
            single = BatchReport(deal_id)
            with self.session_factory() as session:
                try:
                    outcome = place_batch(
                        session,
                        deal_id=deal_id,
                        tickets=[ticket],
                        now=utcnow(),
                        payment_minutes=self.payment_minutes,
                        report=single,
                    )[0]
                    session.commit()
                except ShanhuoError as exc:
                    session.rollback()
                    outcome = exc
            outcomes.append(outcome)
            reports.append(single)
        return outcomes, reports

    async def close(self) -> None:
        for task in list(self.tasks.values()):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.tasks.clear()
        self.queues.clear()


def place_one(
    session: Session,
    *,
    deal_id: int,
    buyer_id: int,
    key: str,
    body: DealOrderCreate,
    now: datetime,
    payment_minutes: int,
) -> DealOrderRead:
    """The same intake for one request in the caller's transaction (the naive baseline of the
    benchmark, the CLI and tests). Raises the request's error."""
    outcome = place_batch(
        session,
        deal_id=deal_id,
        tickets=[Ticket(deal_id=deal_id, key=key, body=body, buyer_id=buyer_id)],
        now=now,
        payment_minutes=payment_minutes,
    )[0]
    if isinstance(outcome, ShanhuoError):
        raise outcome
    return outcome


def describe(outcome: Any) -> str:
    return outcome.code if isinstance(outcome, ShanhuoError) else "ok"
