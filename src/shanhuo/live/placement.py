"""Placing flash-deal orders in the caller's transaction: ``place_batch`` takes a batch of
requests (``Ticket``) for one deal and returns one outcome per request; ``place_one`` is the
same for a single request. This module decides (buyers, retried keys, deal phase, region,
coupon claims, ``rules.allocate``); ``placement_writes`` writes what was granted. Why the
intake is shaped like this (single writer per deal, one transaction per batch, the database
as the guard): see the docstring of ``intake``, whose ``DealIntake`` feeds these batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from shanhuo.kit.bulk import in_param, pairs_param, param_values, values_param
from shanhuo.kit.db import is_postgres, rowcount
from shanhuo.kit.errors import Conflict, Invalid, NotFound, ShanhuoError, Unauthorized
from shanhuo.live import rules
from shanhuo.live.placement_writes import write_granted
from shanhuo.live.schemas import DealOrderCreate, DealOrderRead
from shanhuo.models import (
    AuthToken,
    LiveDeal,
    LiveDealBuyer,
    LiveDealOrder,
    LiveEvent,
    Order,
    Region,
)
from shanhuo.orders import coupons as order_coupons
from shanhuo.orders.checkout import SHIPPABLE_LEVELS
from shanhuo.orders.rules import ClaimTerms, claim_usable


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


# What a retried key needs to answer with its first order (columns, not ORM objects: the
# batch reads these for every retry and does not change them). The batch's column reads go
# through ``session.connection()`` (same transaction): the ORM result machinery cost ~5 µs
# per row returned, for rows that are only ever read as tuples.
_PLACED_COLUMNS = (
    LiveDealOrder.id.label("deal_order_id"),
    LiveDealOrder.deal_id,
    LiveDealOrder.buyer_id,
    LiveDealOrder.idempotency_key,
    LiveDealOrder.quantity,
    Order.id.label("order_id"),
    Order.checkout_id,
    Order.discount_fen,
    Order.total_fen,
    Order.status,
)


@dataclass(frozen=True)
class _Reads:
    """The batch's reads, built once per dialect with bound parameters: a deal burst runs them
    for every batch, and building and cache-keying them anew cost more than running them."""

    deal: Any
    deal_locked: Any
    tokens: Any
    placed: Any
    regions: Any
    held: Any


def _placed(pairs: Any) -> Any:
    return (
        select(*_PLACED_COLUMNS)
        .select_from(pairs)
        .join(
            LiveDealOrder,
            (LiveDealOrder.buyer_id == pairs.c.first)
            & (LiveDealOrder.idempotency_key == pairs.c.second),
        )
        .join(Order, Order.id == LiveDealOrder.order_id)
    )


def _held(postgres: bool) -> Any:
    """The deal's per-buyer counters of the batch's buyers, one index lookup per buyer. Each
    database needs its own spelling for that: PostgreSQL joins the list (``buyer_id = ANY``
    read every counter of the deal, see kit.bulk.values_param); SQLite's planner would put
    the deal's counters in the outer loop of that join, and looks ``IN`` values up one by
    one (EXPLAIN QUERY PLAN: SEARCH … (deal_id=? AND buyer_id=?))."""
    columns = (LiveDealBuyer.buyer_id, LiveDealBuyer.quantity)
    if not postgres:
        return select(*columns).where(
            LiveDealBuyer.deal_id == bindparam("deal_id"),
            in_param(LiveDealBuyer.buyer_id, "buyer_ids", postgres=False),
        )
    buyer_ids = values_param(LiveDealBuyer.buyer_id, "buyer_ids", postgres=True)
    return (
        select(*columns)
        .select_from(buyer_ids)
        .join(
            LiveDealBuyer,
            (LiveDealBuyer.deal_id == bindparam("deal_id"))
            & (LiveDealBuyer.buyer_id == buyer_ids.c.value),
        )
    )


@lru_cache(maxsize=2)
def _reads(postgres: bool) -> _Reads:
    deal = select(LiveDeal).where(LiveDeal.id == bindparam("deal_id"))
    # populate_existing: the identity map may hold a copy read before.
    return _Reads(
        deal=deal.execution_options(populate_existing=True),
        deal_locked=deal.with_for_update().execution_options(populate_existing=True),
        tokens=select(AuthToken.token_hash, AuthToken.kind, AuthToken.user_id).where(
            in_param(AuthToken.token_hash, "token_hashes", postgres=postgres),
            AuthToken.revoked_at.is_(None),
            AuthToken.expires_at > bindparam("now"),
        ),
        # One index lookup per (buyer, key) asked for (see kit.bulk.pairs_param).
        placed=_placed(
            pairs_param(
                LiveDealOrder.buyer_id, LiveDealOrder.idempotency_key, "pairs", postgres=postgres
            )
        ),
        regions=select(Region.code).where(
            in_param(Region.code, "codes", postgres=postgres), Region.level.in_(SHIPPABLE_LEVELS)
        ),
        held=_held(postgres),
    )


def _read(placed: Any, deal: LiveDeal, *, created: bool) -> DealOrderRead:
    return DealOrderRead(
        deal_order_id=placed.deal_order_id,
        order_id=placed.order_id,
        checkout_id=placed.checkout_id,
        deal_id=placed.deal_id,
        quantity=placed.quantity,
        unit_price_fen=deal.price_fen,
        discount_fen=placed.discount_fen,
        total_fen=placed.total_fen,
        status=placed.status,
        created=created,
    )


def _resolve_buyers(session: Session, tickets: Sequence[Ticket], now: datetime) -> list[int | None]:
    wanted = {t.token[0] for t in tickets if t.buyer_id is None and t.token is not None}
    found: dict[tuple[str, str], int] = {}
    if wanted:
        query = _reads(is_postgres(session)).tokens
        params = {"token_hashes": param_values(wanted), "now": now}
        for token_hash, kind, user_id in session.connection().execute(query, params):
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
    lock_first: bool = True,
) -> list[Outcome]:
    """Take a batch of requests for one deal in the caller's transaction (see the module
    docstring of ``intake``). Returns one outcome per ticket, in order: the order placed (or
    found again for a retried key), or the error that request gets. Never commits."""
    n = len(tickets)
    results: list[Outcome | None] = [None] * n
    buyers = _resolve_buyers(session, tickets, now)
    for i, buyer in enumerate(buyers):
        if buyer is None:
            results[i] = Unauthorized()

    # lock_first: FOR UPDATE now, so the allocation below is exact. Otherwise the row is read
    # unlocked and the guarded UPDATE at the end of write_granted decides (see ``intake``).
    reads = _reads(is_postgres(session))
    deal = session.scalars(
        reads.deal_locked if lock_first else reads.deal, {"deal_id": deal_id}
    ).one_or_none()
    if deal is None:
        return [r or NotFound("deal_not_found", "秒杀不存在", "No such deal") for r in results]
    report = report if report is not None else BatchReport(deal_id)
    report.room_id = deal.room_id

    # Retries: one query finds every (buyer, key) already placed.
    pending = [i for i in range(n) if results[i] is None]
    pairs = {(buyers[i], tickets[i].key) for i in pending}
    placed: dict[tuple[int, str], Any] = {}  # rows of _PLACED_COLUMNS
    if pairs:
        params = {"pairs": param_values(pairs)}
        for row in session.connection().execute(reads.placed, params):
            placed[(row.buyer_id, row.idempotency_key)] = row
    first_of: dict[tuple[int, str], int] = {}
    duplicate_of: dict[int, int] = {}
    for i in pending:
        pair = (buyers[i], tickets[i].key)
        assert pair[0] is not None
        hit = placed.get(pair)  # type: ignore[arg-type]
        if hit is not None:
            if hit.deal_id != deal_id or hit.quantity != tickets[i].body.quantity:
                results[i] = Invalid(
                    "idempotency_key_reused",
                    "该 Idempotency-Key 已用于另一个不同的请求",
                    "This Idempotency-Key was already used for a different request",
                )
            else:
                results[i] = _read(hit, deal, created=False)
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
        set(session.connection().execute(reads.regions, {"codes": param_values(codes)}).scalars())
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
        elif body.coupon_claim_id is not None and i not in claims:
            results[i] = Conflict(
                "coupon_not_usable",
                "这张优惠券不能用于本订单",
                "This coupon cannot be used for this order",
            )
    pending = [i for i in pending if results[i] is None]

    held = (
        dict(
            session.connection()
            .execute(
                reads.held,
                {
                    "deal_id": deal_id,
                    "buyer_ids": param_values({buyers[i] for i in pending}),
                },
            )
            .all()
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
        remaining = write_granted(
            session, deal, tickets, buyers, granted, claims, results, now, payment_minutes
        )
        report.accepted += len(granted)
        report.units += sum(tickets[i].body.quantity for i in granted)
        report.order_ids.extend(
            r.order_id for i in granted if isinstance(r := results[i], DealOrderRead)
        )
    report.remaining = remaining
    if (
        remaining == 0
        and granted
        and rowcount(
            session.execute(
                update(LiveDeal)
                .where(LiveDeal.id == deal.id, LiveDeal.sold_out_at.is_(None))
                .values(sold_out_at=now)
                .execution_options(synchronize_session=False)
            )
        )
        == 1
    ):
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
) -> dict[int, ClaimTerms]:
    """Ticket index → the terms of the coupon claim it may use: the marketplace's rule
    (``orders.rules.claim_usable``: the buyer's own, unused, not expired), this deal's store,
    and one ticket per claim (the first)."""
    first: dict[int, int] = {}
    for i in pending:
        claim_id = tickets[i].body.coupon_claim_id
        if claim_id is not None:
            first.setdefault(claim_id, i)
    usable: dict[int, ClaimTerms] = {}
    for claim_id, terms in order_coupons.claim_terms(session, first).items():
        i = first[claim_id]
        buyer = buyers[i]
        if (
            buyer is not None
            and claim_usable(terms, buyer_id=buyer, now=now)
            and terms.store_id == deal.store_id
        ):
            usable[i] = terms
    return usable


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
