"""The demo: buyer 13800000101 holds an unused live-room coupon they can use at the ordinary
checkout of the coupon's store."""

from __future__ import annotations

import random
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.config import Settings
from shanhuo.demo.live import DEMO_COUPON_BUYER, seed_live
from shanhuo.demo.seed import seed_demo
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import LiveCoupon, Product, Sku, User
from shanhuo.orders import coupons
from tests.helpers.orders import place_checkout


def test_demo_buyer_can_use_the_live_coupon_at_checkout(db: Session, settings: Settings) -> None:
    seed_demo(db, settings)
    now = utcnow()
    seed_live(db, settings, now=now, rng=random.Random(1))
    coupon = db.scalars(select(LiveCoupon).where(LiveCoupon.use_until > now)).one()
    buyer = db.scalars(select(User).where(User.mobile == DEMO_COUPON_BUYER)).one()
    options = coupons.usable_claims(db, buyer_id=buyer.id, store_ids=[coupon.store_id], now=now)
    assert [o.amount_off_fen for o in options[coupon.store_id]] == [coupon.amount_off_fen]
    sku = db.scalars(
        select(Sku)
        .join(Product, Product.id == Sku.product_id)
        .where(Product.store_id == coupon.store_id, Product.status == "active")
        .where(Sku.on_hand - Sku.reserved >= 1)
        .order_by(Sku.price_fen.desc())
    ).first()
    assert sku is not None
    quantity = -(-coupon.min_spend_fen // sku.price_fen)  # just enough to reach the minimum
    result = place_checkout(
        db,
        buyer,
        [(sku.id, quantity)],
        key=uuid.uuid4().hex,
        coupon_claim_ids=[options[coupon.store_id][0].claim_id],
    )
    order = result.orders[0]
    assert order.discount_fen == coupon.amount_off_fen
    assert order.total_fen == sku.price_fen * quantity - coupon.amount_off_fen
