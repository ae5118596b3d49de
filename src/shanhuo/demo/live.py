"""Live-room demo on top of the marketplace demo: the first demo seller (13900001000) is also
the anchor of a cooperative room selling their own and a neighbour store's products. The room
has a past session (pins, a flash deal that sold out, paid orders, viewer samples — so the
dashboard and replay have something to show), a session live now with a pinned product, an
open flash deal and a coupon, and one scheduled for tomorrow. When ffmpeg is present the live
session plays a looping test HLS stream made by ffmpeg; otherwise it has no video and the
summary says so."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.config import Settings
from shanhuo.live import comments, coupons, deals, placement, rooms
from shanhuo.live.cli import DEMO_STREAM, make_demo_stream
from shanhuo.live.schemas import (
    CouponCreate,
    DealCreate,
    DealOrderCreate,
    RoomCreate,
    SessionCreate,
)
from shanhuo.models import LiveRoom, LiveViewerSample, Product, Sku, Store, User
from shanhuo.payments.sandbox import SandboxProvider
from shanhuo.payments.sandbox_bank import pay_in_sandbox

DEMO_COUPON_BUYER = "13800000101"
ADDRESSES = (("110105", "北京市朝阳区建国路88号"), ("510107", "成都市武侯区人民南路四段"))


def _skus_of(session: Session, store_id: int) -> list[Sku]:
    return list(
        session.scalars(
            select(Sku)
            .join(Product, Product.id == Sku.product_id)
            .where(Product.store_id == store_id, Product.status == "active")
            .order_by(Sku.id)
        )
    )


def seed_live(session: Session, settings: Settings, *, now: datetime, rng: random.Random) -> str:
    """Add the live-room demo (idempotent: does nothing if a room exists)."""
    if session.scalar(select(func.count()).select_from(LiveRoom)):
        return "live: already seeded"
    stores = list(session.scalars(select(Store).order_by(Store.id).limit(2)))
    if not stores:
        return "live: no stores (run the marketplace demo first)"
    seller = session.get(User, stores[0].owner_id)
    assert seller is not None
    for store in stores:
        rooms.link_anchor(
            session, store_id=store.id, owner_id=store.owner_id, mobile=seller.mobile, now=now
        )
    room = rooms.create_room(
        session,
        anchor_id=seller.id,
        data=RoomCreate(
            title=f"{stores[0].name} · 合作社直播间",
            description="产地直播：现摘现发，讲清楚品种、产地和保存方法。",
        ),
        now=now,
    )
    skus = [s for store in stores for s in _skus_of(session, store.id)][:6]
    items = [rooms.add_room_product(session, room, sku_id=s.id, now=now) for s in skus]
    buyers = list(
        session.scalars(select(User).where(User.mobile.like("138000001%")).order_by(User.id))
    )

    # A past session: two days ago, an hour long.
    started = now - timedelta(days=2)
    past = rooms.create_session(
        session, room, SessionCreate(title="产地溯源专场", scheduled_at=started), now=started
    )
    rooms.move_session(session, past, "live", now=started)
    rooms.set_pins(session, room, [items[0].id], now=started + timedelta(minutes=3))
    deal = deals.create_deal(
        session,
        room,
        DealCreate(
            room_product_id=items[0].id,
            price_fen=max(100, skus[0].price_fen // 2),
            pool=3,
            per_buyer_limit=1,
            countdown_seconds=30,
            duration_seconds=600,
        ),
        now=started + timedelta(minutes=10),
    )
    provider = SandboxProvider(settings.payment_sandbox_secret.get_secret_value())
    ordered_at = deal.opens_at + timedelta(seconds=5)
    for buyer in buyers[:3]:
        code, address = ADDRESSES[rng.randrange(len(ADDRESSES))]
        placed = placement.place_one(
            session,
            deal_id=deal.id,
            buyer_id=buyer.id,
            key=uuid.uuid4().hex,
            body=DealOrderCreate(
                recipient_name=buyer.display_name or "买家",
                recipient_mobile=buyer.mobile,
                region_code=code,
                address=address,
            ),
            now=ordered_at,
            payment_minutes=settings.live_deal_payment_minutes,
        )
        if rng.random() < 0.8:
            pay_in_sandbox(
                session,
                checkout_id=placed.checkout_id,
                buyer_id=buyer.id,
                bank=provider,
                now=ordered_at,
                fee_rate=settings.platform_fee_rate,
            )
    deals.end_deal(session, deal, now=deal.ends_at)
    if len(items) > 1:
        rooms.set_pins(session, room, [items[1].id], now=started + timedelta(minutes=25))
    for minute in range(0, 60, 5):
        viewers = int(40 + 160 * (1 - abs(minute - 15) / 45) + rng.randint(0, 20))
        session.add(
            LiveViewerSample(
                session_id=past.id, viewers=viewers, at=started + timedelta(minutes=minute)
            )
        )
    past.peak_viewers = 220
    past.likes = 1260
    rooms.move_session(session, past, "ended", now=started + timedelta(hours=1))
    rooms.move_session(session, past, "replay", now=started + timedelta(hours=1))

    # Live now, with a video when ffmpeg can make one.
    playlist = make_demo_stream(settings.data_dir / "media" / "live")
    hls = f"/media/live/{DEMO_STREAM}/index.m3u8" if playlist else ""
    live = rooms.create_session(
        session, room, SessionCreate(title="今晚猕猴桃秒杀", scheduled_at=now, hls_url=hls), now=now
    )
    rooms.move_session(session, live, "live", now=now)
    rooms.set_pins(session, room, [i.id for i in items[:2]], now=now)
    target = items[2] if len(items) > 2 else items[0]
    target_sku = session.get(Sku, target.sku_id)
    assert target_sku is not None
    pool = max(1, min(20, target_sku.on_hand - target_sku.reserved))
    deals.create_deal(
        session,
        room,
        DealCreate(
            room_product_id=target.id,
            price_fen=max(100, target_sku.price_fen * 6 // 10),
            pool=pool,
            per_buyer_limit=2,
            countdown_seconds=60,
            duration_seconds=1200,
        ),
        now=now,
    )
    coupon = coupons.push_coupon(
        session,
        room,
        CouponCreate(
            title="直播间专享 满50减5",
            store_id=stores[0].id,
            amount_off_fen=500,
            min_spend_fen=5000,
            quantity=200,
            claim_minutes=120,
        ),
        now=now,
    )
    # The first demo buyer has already claimed it (unused), so it can be tried at the
    # ordinary checkout: put ¥50 or more of this store's goods in the cart.
    demo_buyer = next((b for b in buyers if b.mobile == DEMO_COUPON_BUYER), None)
    if demo_buyer is not None:
        coupons.claim(session, coupon_id=coupon.id, buyer_id=demo_buyer.id, now=now)
    for buyer, text in zip(
        buyers, ("主播好！猕猴桃甜吗？", "上次买的很新鲜", "能发到成都吗"), strict=False
    ):
        comments.post(session, room_id=room.id, user=buyer, text=text, now=now)
    rooms.create_session(
        session,
        room,
        SessionCreate(title="明晚：秦岭土蜂蜜专场", scheduled_at=now + timedelta(days=1)),
        now=now,
    )
    session.flush()
    video = "looping ffmpeg test stream" if playlist else "no video (ffmpeg is not installed)"
    return (
        f"live: room /live/{room.id} (anchor {seller.mobile}: console /anchor/rooms/{room.id}), "
        f"session live now with a flash deal and a coupon (claimed by {DEMO_COUPON_BUYER}, "
        f"usable at /checkout for {stores[0].name} from ¥50), {video}; past session dashboard "
        f"/anchor/sessions/{past.id}/dashboard"
    )
