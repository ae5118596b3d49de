"""Typed helpers for live-room tests: an anchor linked to a store, a room with one product on
its list and a live session, and deals opened through the service (backdated so they are open
now)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.kit.timeutil import utcnow
from shanhuo.live import deals, rooms
from shanhuo.live.placement import Ticket, place_batch
from shanhuo.live.schemas import DealCreate, DealOrderCreate, RoomCreate, SessionCreate
from shanhuo.models import LiveDeal, LiveRoom, LiveRoomProduct, LiveSession, Sku, User
from tests.helpers.accounts import create_user
from tests.helpers.orders import WUGONG, Shop, create_shop, ensure_county


@dataclass
class LiveSetup:
    anchor: User
    shop: Shop
    room: LiveRoom
    live: LiveSession
    item: LiveRoomProduct

    @property
    def sku(self) -> Sku:
        return self.shop.skus[0]


def create_live_room(
    session: Session, *, stock: int = 100, price_fen: int = 3990, go_live: bool = True
) -> LiveSetup:
    """A seller's shop, an anchor the seller linked, a room listing the shop's SKU, a session."""
    shop = create_shop(session, stock=stock, prices=(price_fen,))
    anchor = create_user(session, roles=("buyer",), name="李主播")
    now = utcnow()
    owner = session.get(User, shop.owner_id)
    assert owner is not None
    rooms.link_anchor(
        session, store_id=shop.store.id, owner_id=owner.id, mobile=anchor.mobile, now=now
    )
    room = rooms.create_room(
        session, anchor_id=anchor.id, data=RoomCreate(title="武功猕猴桃直播间"), now=now
    )
    live = rooms.create_session(
        session,
        room,
        SessionCreate(title="今晚秒杀", scheduled_at=now + timedelta(hours=1)),
        now=now,
    )
    if go_live:
        rooms.move_session(session, live, "live", now=now)
    item = rooms.add_room_product(session, room, sku_id=shop.skus[0].id, now=now)
    session.flush()
    return LiveSetup(anchor, shop, room, live, item)


def open_deal(
    session: Session,
    setup: LiveSetup,
    *,
    pool: int = 5,
    limit: int = 1,
    price_fen: int = 990,
    countdown: int = 10,
    duration: int = 300,
    opened_ago: int = 1,
    now: datetime | None = None,
) -> LiveDeal:
    """A deal created ``countdown + opened_ago`` seconds ago, so it has been open ``opened_ago``
    seconds (a negative ``opened_ago`` leaves it in its countdown)."""
    created = (now or utcnow()) - timedelta(seconds=countdown + opened_ago)
    deal = deals.create_deal(
        session,
        setup.room,
        DealCreate(
            room_product_id=setup.item.id,
            price_fen=price_fen,
            pool=pool,
            per_buyer_limit=limit,
            countdown_seconds=countdown,
            duration_seconds=duration,
        ),
        now=created,
    )
    session.flush()
    return deal


def order_body(quantity: int = 1, *, coupon_claim_id: int | None = None) -> DealOrderCreate:
    return DealOrderCreate(
        quantity=quantity,
        recipient_name="王小明",
        recipient_mobile="13912345678",
        region_code=WUGONG,
        address="幸福路 1 号",
        coupon_claim_id=coupon_claim_id,
    )


def order_json(quantity: int = 1, **extra: object) -> dict[str, object]:
    return {**order_body(quantity).model_dump(exclude_none=True), **extra}


def buy(
    session: Session,
    deal: LiveDeal,
    buyers: list[User],
    *,
    quantity: int = 1,
    key: str | None = None,
    now: datetime | None = None,
    payment_minutes: int = 10,
):  # type: ignore[no-untyped-def]
    """One batch of requests (one per buyer) through the intake, in the caller's transaction."""
    ensure_county(session, WUGONG)
    tickets = [
        Ticket(
            deal_id=deal.id, key=key or uuid.uuid4().hex, body=order_body(quantity), buyer_id=b.id
        )
        for b in buyers
    ]
    return place_batch(
        session,
        deal_id=deal.id,
        tickets=tickets,
        now=now or utcnow(),
        payment_minutes=payment_minutes,
    )


def deal_counts(session: Session, deal_id: int) -> tuple[int, int, int]:
    """(pool, sold, returned) as committed now."""
    row = session.execute(
        select(LiveDeal.pool, LiveDeal.sold, LiveDeal.returned).where(LiveDeal.id == deal_id)
    ).one()
    return int(row[0]), int(row[1]), int(row[2])
