"""Writing the granted requests of one deal batch in the caller's transaction (called by
``placement.place_batch``): one guarded pool update, one upsert of the per-buyer counters, one
SKU update, multi-row INSERTs of checkouts, orders, lines, order events and deal orders, and
the coupon claims marked used. Raises ``Conflict`` if a guard refuses (the batch is then
rolled back and retried one by one, see the docstring of ``intake``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from sqlalchemy import Table, update
from sqlalchemy.orm import Session

from shanhuo.kit.bulk import insert_rows, upsert_rows
from shanhuo.kit.errors import Conflict
from shanhuo.live.schemas import DealOrderCreate, DealOrderRead
from shanhuo.models import (
    Checkout,
    LiveDeal,
    LiveDealBuyer,
    LiveDealOrder,
    Order,
    OrderEvent,
    OrderLine,
    Sku,
)
from shanhuo.orders import coupons as order_coupons
from shanhuo.orders.rules import ClaimTerms, OrderStatus, order_discount, request_fingerprint

if TYPE_CHECKING:  # placement imports this module; the types are only annotations here
    from shanhuo.live.placement import Outcome, Ticket


def _table(model: type) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


def checkout_key(deal_id: int, key: str) -> str:
    """The checkout's own idempotency key (unique per buyer, like any checkout)."""
    return f"live-deal:{deal_id}:{hashlib.sha256(key.encode()).hexdigest()[:40]}"


def _fingerprint(deal_id: int, body: DealOrderCreate) -> str:
    return request_fingerprint({"deal_id": deal_id, **body.model_dump(mode="json")})


def write_granted(
    session: Session,
    deal: LiveDeal,
    tickets: Sequence[Ticket],
    buyers: list[int | None],
    granted: list[int],
    claims: dict[int, ClaimTerms],
    results: list[Outcome | None],
    now: datetime,
    payment_minutes: int,
) -> int:
    """Write the granted requests; returns the units left in the pool after them (exact, read
    under the row lock: another worker may have sold since ``deal`` was read)."""
    units = sum(tickets[i].body.quantity for i in granted)
    per_buyer: dict[int, int] = {}
    for i in granted:
        buyer = int(buyers[i])  # type: ignore[arg-type]
        per_buyer[buyer] = per_buyer.get(buyer, 0) + tickets[i].body.quantity
    counted = upsert_rows(
        session,
        _table(LiveDealBuyer),
        [
            {
                "deal_id": deal.id,
                "buyer_id": b,
                "quantity": q,
                "per_buyer_limit": deal.per_buyer_limit,
            }
            for b, q in sorted(per_buyer.items())
        ],
        key=("deal_id", "buyer_id"),
        on_conflict=lambda stmt: (
            {"quantity": stmt.table.c.quantity + stmt.excluded.quantity},
            stmt.table.c.quantity + stmt.excluded.quantity <= deal.per_buyer_limit,
        ),
    )
    if counted not in (len(per_buyer), -1):
        raise Conflict("deal_limit_changed", "限购计数刚刚变化了", "The per-buyer count changed")

    expires_at = now + timedelta(minutes=payment_minutes)
    amounts: list[tuple[int, int, int]] = []  # items, discount, total
    for i in granted:
        body = tickets[i].body
        items = deal.price_fen * body.quantity
        discount = 0
        terms = claims.get(i)
        if terms is not None:
            # The marketplace's rule: at least 1 fen left to pay (a 0 order cannot be refunded).
            discount = order_discount(
                items_fen=items,
                shipping_fen=0,
                amount_off_fen=terms.amount_off_fen,
                min_spend_fen=terms.min_spend_fen,
            )
        amounts.append((items, discount, items - discount))

    checkout_ids = insert_rows(
        session,
        _table(Checkout),
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
        returning="id",
    )
    order_ids = insert_rows(
        session,
        _table(Order),
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
        returning="id",
    )
    insert_rows(
        session,
        _table(OrderLine),
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
    insert_rows(
        session,
        _table(OrderEvent),
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
    deal_order_ids = insert_rows(
        session,
        _table(LiveDealOrder),
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
        returning="id",
    )
    for i, order_id in zip(granted, order_ids, strict=True):
        terms = claims.get(i)
        if terms is not None:  # guarded: a claim used meanwhile refuses the batch
            order_coupons.use_claim(session, claim_id=terms.claim_id, order_id=order_id, now=now)
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

    # Last, the two hot rows every batch touches: the pool (guarded) and the SKU. Row locks
    # are held from here to the commit only, so with several workers their batches insert in
    # parallel and queue just for this (see the docstring of ``intake``).
    taken = session.execute(
        update(LiveDeal)
        .where(
            LiveDeal.id == deal.id,
            LiveDeal.status == "open",
            LiveDeal.sold + LiveDeal.returned + units <= LiveDeal.pool,
        )
        .values(sold=LiveDeal.sold + units)
        .returning(LiveDeal.pool - LiveDeal.sold - LiveDeal.returned)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if taken is None:
        raise Conflict("deal_pool_changed", "秒杀库存刚刚变化了", "The deal pool changed")
    # The units go back onto the SKU as a hold of unpaid orders (see deals.py).
    session.execute(
        update(Sku)
        .where(Sku.id == deal.sku_id)
        .values(on_hand=Sku.on_hand + units, reserved=Sku.reserved + units)
        .execution_options(synchronize_session=False)
    )
    return int(taken)
