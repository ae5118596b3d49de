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
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam, update
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


def _add_within_limit(stmt: Any) -> tuple[dict[str, Any], Any]:
    """The per-buyer counter upsert: add the batch's units, only while within the limit (the
    row carries the deal's limit, so the statement is the same for every deal and batch)."""
    added = stmt.table.c.quantity + stmt.excluded.quantity
    return {"quantity": added}, added <= stmt.excluded.per_buyer_limit


# The two hot rows, written last (see ``write_granted``); built once, bound per batch.
_DEAL, _SKU = _table(LiveDeal), _table(Sku)
_TAKE_FROM_POOL = (
    update(_DEAL)
    .where(
        _DEAL.c.id == bindparam("deal_id"),
        _DEAL.c.status == "open",
        _DEAL.c.sold + _DEAL.c.returned + bindparam("units") <= _DEAL.c.pool,
    )
    .values(sold=_DEAL.c.sold + bindparam("units"))
    .returning(_DEAL.c.pool - _DEAL.c.sold - _DEAL.c.returned)
)
_HOLD_ON_SKU = (
    update(_SKU)
    .where(_SKU.c.id == bindparam("sku_id"))
    .values(
        on_hand=_SKU.c.on_hand + bindparam("units"),
        reserved=_SKU.c.reserved + bindparam("units"),
    )
)


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
    # The deal's fields once, as plain values: every row below repeats them, and an ORM
    # attribute read costs more than a local one.
    deal_id, store_id, session_id = deal.id, deal.store_id, deal.session_id
    sku_id, product_id, title, sku_name = deal.sku_id, deal.product_id, deal.title, deal.sku_name
    price, limit = deal.price_fen, deal.per_buyer_limit
    pending_payment = OrderStatus.PENDING_PAYMENT.value
    bodies = [tickets[i].body for i in granted]
    buyer_ids = [int(buyers[i]) for i in granted]  # type: ignore[arg-type]

    units = sum(body.quantity for body in bodies)
    per_buyer: dict[int, int] = {}
    for buyer, body in zip(buyer_ids, bodies, strict=True):
        per_buyer[buyer] = per_buyer.get(buyer, 0) + body.quantity
    counted = upsert_rows(
        session,
        _table(LiveDealBuyer),
        [
            {"deal_id": deal_id, "buyer_id": b, "quantity": q, "per_buyer_limit": limit}
            for b, q in sorted(per_buyer.items())
        ],
        key=("deal_id", "buyer_id"),
        on_conflict=_add_within_limit,
    )
    if counted not in (len(per_buyer), -1):
        raise Conflict("deal_limit_changed", "限购计数刚刚变化了", "The per-buyer count changed")

    expires_at = now + timedelta(minutes=payment_minutes)
    amounts: list[tuple[int, int, int]] = []  # items, discount, total
    for i, body in zip(granted, bodies, strict=True):
        items = price * body.quantity
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
                "buyer_id": buyer,
                "idempotency_key": checkout_key(deal_id, tickets[i].key),
                "request_fingerprint": _fingerprint(deal_id, body),
                "total_fen": total,
                "status": pending_payment,
                "created_at": now,
                "expires_at": expires_at,
            }
            for i, buyer, body, (_items, _d, total) in zip(
                granted, buyer_ids, bodies, amounts, strict=True
            )
        ],
        returning="id",
    )
    order_ids = insert_rows(
        session,
        _table(Order),
        [
            {
                "checkout_id": checkout_id,
                "buyer_id": buyer,
                "store_id": store_id,
                "status": pending_payment,
                "items_fen": items,
                "shipping_fen": 0,
                "discount_fen": discount,
                "total_fen": total,
                "refunded_fen": 0,
                "recipient_name": body.recipient_name,
                "recipient_mobile": body.recipient_mobile,
                "ship_to_region_code": body.region_code,
                "ship_to_address": body.address,
                "created_at": now,
                "expires_at": expires_at,
                "live_session_id": session_id,
                "deal_id": deal_id,
            }
            for checkout_id, buyer, body, (items, discount, total) in zip(
                checkout_ids, buyer_ids, bodies, amounts, strict=True
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
                "sku_id": sku_id,
                "product_id": product_id,
                "title": title,
                "sku_name": sku_name,
                "unit_price_fen": price,
                "quantity": body.quantity,
                "line_fen": price * body.quantity,
            }
            for order_id, body in zip(order_ids, bodies, strict=True)
        ],
    )
    note = f"live deal {deal_id}"
    insert_rows(
        session,
        _table(OrderEvent),
        [
            {
                "order_id": order_id,
                "from_status": None,
                "to_status": pending_payment,
                "actor_id": buyer,
                "note": note,
                "at": now,
            }
            for order_id, buyer in zip(order_ids, buyer_ids, strict=True)
        ],
    )
    deal_order_ids = insert_rows(
        session,
        _table(LiveDealOrder),
        [
            {
                "deal_id": deal_id,
                "buyer_id": buyer,
                "idempotency_key": tickets[i].key,
                "quantity": body.quantity,
                "order_id": order_id,
                "status": "placed",
                "created_at": now,
            }
            for i, buyer, body, order_id in zip(granted, buyer_ids, bodies, order_ids, strict=True)
        ],
        returning="id",
    )
    # Guarded: a claim used meanwhile refuses the batch.
    order_coupons.use_claims(
        session,
        [
            (claims[i].claim_id, order_id)
            for i, order_id in zip(granted, order_ids, strict=True)
            if i in claims
        ],
        now=now,
    )
    for k, (i, body) in enumerate(zip(granted, bodies, strict=True)):
        items, discount, total = amounts[k]
        results[i] = DealOrderRead(
            deal_order_id=deal_order_ids[k],
            order_id=order_ids[k],
            checkout_id=checkout_ids[k],
            deal_id=deal_id,
            quantity=body.quantity,
            unit_price_fen=price,
            discount_fen=discount,
            total_fen=total,
            status=pending_payment,
            created=True,
        )

    # Last, the two hot rows every batch touches: the pool (guarded) and the SKU. Row locks
    # are held from here to the commit only, so with several workers their batches insert in
    # parallel and queue just for this (see the docstring of ``intake``).
    connection = session.connection()
    taken = connection.execute(
        _TAKE_FROM_POOL, {"deal_id": deal_id, "units": units}
    ).scalar_one_or_none()
    if taken is None:
        raise Conflict("deal_pool_changed", "秒杀库存刚刚变化了", "The deal pool changed")
    # The units go back onto the SKU as a hold of unpaid orders (see deals.py).
    connection.execute(_HOLD_ON_SKU, {"sku_id": sku_id, "units": units})
    return int(taken)
