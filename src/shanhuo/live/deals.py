"""Flash deals: the pool taken from the SKU when a deal is created, the end of a deal (unsold
units go back to the SKU), and what happens to units of deal orders nobody paid for.

Stock accounting (every move is one guarded UPDATE, so it holds under any concurrency):

- create: ``sku.on_hand -= pool`` guarded by ``on_hand - reserved >= pool``; the units now
  belong to the deal (``live_deal.pool``).
- order (see ``intake``): ``deal.sold += q`` guarded by ``sold + returned + q <= pool`` (also a
  CHECK constraint), and the units go back onto the SKU as a hold
  (``on_hand += q, reserved += q``) so payment (sell) and the payment timeout (release) work
  exactly like any marketplace order.
- end: ``returned = pool - sold``; ``sku.on_hand += returned``.
- a deal order that times out (or that the buyer cancels) while the deal is still open gives its
  units back to the pool (they are taken off the SKU's free stock again, guarded), and the
  buyer's counter goes down so they may buy again; after the deal has ended they stay with the
  SKU (``returned += q``). Either way ``sold + returned + remaining == pool``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shanhuo.kit.db import rowcount
from shanhuo.kit.errors import Conflict
from shanhuo.live import rooms, rules
from shanhuo.live.schemas import DealCreate, DealRead
from shanhuo.models import (
    LiveDeal,
    LiveDealBuyer,
    LiveDealOrder,
    LiveRoom,
    Order,
    Product,
    Sku,
)
from shanhuo.orders import service as orders_service
from shanhuo.orders.rules import OrderStatus


def deal_read(deal: LiveDeal, *, now: datetime) -> DealRead:
    phase = rules.deal_phase(
        status=deal.status, opens_at=deal.opens_at, ends_at=deal.ends_at, now=now
    )
    return DealRead(
        id=deal.id,
        session_id=deal.session_id,
        room_id=deal.room_id,
        room_product_id=deal.room_product_id,
        position=deal.position,
        title=deal.title,
        sku_name=deal.sku_name,
        price_fen=deal.price_fen,
        pool=deal.pool,
        sold=deal.sold,
        returned=deal.returned,
        remaining=deal.pool - deal.sold - deal.returned,
        per_buyer_limit=deal.per_buyer_limit,
        phase=phase.value,
        opens_at=deal.opens_at,
        ends_at=deal.ends_at,
    )


def get_deal(session: Session, deal_id: int) -> LiveDeal:
    deal = session.get(LiveDeal, deal_id)
    if deal is None:
        raise Conflict("deal_not_found", "秒杀不存在", "No such deal", status=404)
    return deal


def create_deal(session: Session, room: LiveRoom, data: DealCreate, *, now: datetime) -> LiveDeal:
    """Open a flash deal on one of the room's products: its pool leaves the SKU's stock now;
    buyers may order from ``opens_at`` (after the countdown) until ``ends_at``."""
    rules.check_deal_params(
        countdown_seconds=data.countdown_seconds,
        duration_seconds=data.duration_seconds,
        pool=data.pool,
        per_buyer_limit=data.per_buyer_limit,
    )
    live = rooms.live_session_or_409(session, room.id)
    item = rooms.check_room_product(session, room, data.room_product_id)
    if session.scalars(
        select(LiveDeal.id).where(LiveDeal.room_product_id == item.id, LiveDeal.status == "open")
    ).first():
        raise Conflict(
            "deal_already_open", "这个商品已有进行中的秒杀", "This product already has a deal"
        )
    sku = session.get(Sku, item.sku_id)
    product = session.get(Product, item.product_id)
    assert sku is not None and product is not None
    taken = session.execute(
        update(Sku)
        .where(Sku.id == sku.id, Sku.on_hand - Sku.reserved >= data.pool)
        .values(on_hand=Sku.on_hand - data.pool)
        .execution_options(synchronize_session=False)
    )
    if rowcount(taken) != 1:
        session.refresh(sku)
        raise Conflict(
            "deal_pool_exceeds_stock",
            f"秒杀库存超过了商品可售库存（{sku.on_hand - sku.reserved} 件）",
            f"The deal pool is larger than the SKU's free stock ({sku.on_hand - sku.reserved})",
            available=sku.on_hand - sku.reserved,
        )
    opens_at = now + timedelta(seconds=data.countdown_seconds)
    deal = LiveDeal(
        session_id=live.id,
        room_id=room.id,
        room_product_id=item.id,
        sku_id=sku.id,
        product_id=product.id,
        store_id=item.store_id,
        position=item.position,
        title=product.title,
        sku_name=sku.name,
        price_fen=data.price_fen,
        pool=data.pool,
        sold=0,
        returned=0,
        per_buyer_limit=data.per_buyer_limit,
        status="open",
        opens_at=opens_at,
        ends_at=opens_at + timedelta(seconds=data.duration_seconds),
        created_at=now,
    )
    session.add(deal)
    session.flush()
    rooms.record_event(
        session,
        session_id=live.id,
        kind="deal_open",
        at=opens_at,
        room_product_id=item.id,
        deal_id=deal.id,
        note=f"{data.pool}@{data.price_fen}",
    )
    session.flush()
    return deal


def end_deal(session: Session, deal: LiveDeal, *, now: datetime) -> int:
    """End a deal whose time is up: the unsold units go back to the SKU. Compare-and-set on
    the status, so two sweepers cannot return the same units twice. Returns units returned."""
    session.refresh(deal, with_for_update=True)
    unsold = deal.pool - deal.sold - deal.returned
    result = session.execute(
        update(LiveDeal)
        .where(LiveDeal.id == deal.id, LiveDeal.status == "open", LiveDeal.ends_at <= now)
        .values(status="ended", ended_at=now, returned=LiveDeal.pool - LiveDeal.sold)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        return 0
    if unsold > 0:
        session.execute(
            update(Sku)
            .where(Sku.id == deal.sku_id)
            .values(on_hand=Sku.on_hand + unsold)
            .execution_options(synchronize_session=False)
        )
    rooms.record_event(
        session,
        session_id=deal.session_id,
        kind="deal_end",
        at=deal.ends_at,
        room_product_id=deal.room_product_id,
        deal_id=deal.id,
        note=f"returned {unsold}",
    )
    session.flush()
    session.refresh(deal)
    return unsold


def _release_units(session: Session, deal_order: LiveDealOrder, *, now: datetime) -> str:
    """The order of ``deal_order`` was cancelled (its SKU hold is already released). Give the
    units back to the pool if the deal is still open, else leave them with the SKU."""
    moved = session.execute(
        update(LiveDealOrder)
        .where(LiveDealOrder.id == deal_order.id, LiveDealOrder.status == "placed")
        .values(status="released")
        .execution_options(synchronize_session=False)
    )
    if rowcount(moved) != 1:
        return "already"
    q = deal_order.quantity
    session.execute(
        update(LiveDealBuyer)
        .where(
            LiveDealBuyer.deal_id == deal_order.deal_id,
            LiveDealBuyer.buyer_id == deal_order.buyer_id,
        )
        .values(quantity=LiveDealBuyer.quantity - q)
        .execution_options(synchronize_session=False)
    )
    deal = session.get(LiveDeal, deal_order.deal_id)
    assert deal is not None
    session.refresh(deal, with_for_update=True)
    if deal.status == "open" and now < deal.ends_at:
        back = session.execute(
            update(Sku)
            .where(Sku.id == deal.sku_id, Sku.on_hand - Sku.reserved >= q)
            .values(on_hand=Sku.on_hand - q)
            .execution_options(synchronize_session=False)
        )
        if rowcount(back) == 1:
            session.execute(
                update(LiveDeal)
                .where(LiveDeal.id == deal.id, LiveDeal.sold >= q)
                .values(sold=LiveDeal.sold - q)
                .execution_options(synchronize_session=False)
            )
            return "to_pool"
    session.execute(
        update(LiveDeal)
        .where(LiveDeal.id == deal.id, LiveDeal.sold >= q)
        .values(sold=LiveDeal.sold - q, returned=LiveDeal.returned + q)
        .execution_options(synchronize_session=False)
    )
    return "to_sku"


@dataclass
class SweepResult:
    ended: list[int] = field(default_factory=list)
    expired_orders: int = 0
    released: dict[str, int] = field(default_factory=dict)
    touched_deals: set[int] = field(default_factory=set)


def sweep(session: Session, *, now: datetime, limit: int = 500) -> SweepResult:
    """One pass of deal housekeeping, safe to run from several workers at once:
    cancel deal orders past their payment deadline, give cancelled orders' units back,
    and end deals whose time is up."""
    out = SweepResult()
    overdue = session.scalars(
        select(Order.checkout_id)
        .join(LiveDealOrder, LiveDealOrder.order_id == Order.id)
        .where(
            LiveDealOrder.status == "placed",
            Order.status == OrderStatus.PENDING_PAYMENT,
            Order.expires_at <= now,
        )
        .limit(limit)
    ).all()
    for checkout_id in sorted(set(overdue)):
        out.expired_orders += orders_service.expire_checkout(session, checkout_id, now=now)
    cancelled = session.scalars(
        select(LiveDealOrder)
        .join(Order, Order.id == LiveDealOrder.order_id)
        .where(LiveDealOrder.status == "placed", Order.status == OrderStatus.CANCELLED)
        .order_by(LiveDealOrder.deal_id, LiveDealOrder.id)
        .limit(limit)
    ).all()
    for deal_order in cancelled:
        where = _release_units(session, deal_order, now=now)
        out.released[where] = out.released.get(where, 0) + deal_order.quantity
        out.touched_deals.add(deal_order.deal_id)
    for deal in session.scalars(
        select(LiveDeal).where(LiveDeal.status == "open", LiveDeal.ends_at <= now).limit(limit)
    ).all():
        end_deal(session, deal, now=now)
        out.ended.append(deal.id)
        out.touched_deals.add(deal.id)
    session.flush()
    return out
