"""Payment timeout: unpaid orders past their deadline are cancelled and release exactly their
holds; paid or fresh orders are untouched; paying afterwards does not revive them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.kit.timeutil import utcnow
from shanhuo.models import Checkout, OrderEvent, Refund, Settlement
from shanhuo.orders.service import expire_unpaid
from tests.helpers.accounts import create_user
from tests.helpers.orders import (
    create_shop,
    order_status,
    pay_checkout,
    payment_for,
    place_checkout,
    sku_stock,
)


def test_expire_releases_exactly_the_held_stock(db: Session) -> None:
    shop = create_shop(db, stock=10)
    buyer = create_user(db)
    t0 = utcnow() - timedelta(hours=1)
    old = place_checkout(db, buyer, [(shop.skus[0].id, 3)], now=t0)
    fresh = place_checkout(db, buyer, [(shop.skus[0].id, 2)])
    paid = place_checkout(db, buyer, [(shop.skus[0].id, 1)], now=t0)
    pay_checkout(db, buyer, paid.checkout.id, now=t0 + timedelta(minutes=1))
    assert sku_stock(db, shop.skus[0].id) == (9, 5)

    assert expire_unpaid(db, now=utcnow()) == 1
    db.expire_all()
    assert sku_stock(db, shop.skus[0].id) == (9, 2)
    assert order_status(db, old.orders[0].id) == "cancelled"
    assert order_status(db, fresh.orders[0].id) == "pending_payment"
    assert order_status(db, paid.orders[0].id) == "paid"
    assert db.get(Checkout, old.checkout.id).status == "cancelled"  # type: ignore[union-attr]
    event = db.scalars(
        select(OrderEvent).where(
            OrderEvent.order_id == old.orders[0].id, OrderEvent.to_status == "cancelled"
        )
    ).one()
    assert (event.actor_id, event.note) == (None, "payment_timeout")


def test_expire_twice_is_a_no_op(db: Session) -> None:
    shop = create_shop(db, stock=10)
    buyer = create_user(db)
    place_checkout(db, buyer, [(shop.skus[0].id, 3)], now=utcnow() - timedelta(hours=1))
    assert expire_unpaid(db, now=utcnow()) == 1
    assert expire_unpaid(db, now=utcnow()) == 0
    assert sku_stock(db, shop.skus[0].id) == (10, 0)


def test_deadline_is_exact(db: Session) -> None:
    shop = create_shop(db, stock=10)
    buyer = create_user(db)
    t0 = utcnow()
    place_checkout(db, buyer, [(shop.skus[0].id, 1)], now=t0, timeout_minutes=30)
    assert expire_unpaid(db, now=t0 + timedelta(minutes=30) - timedelta(seconds=1)) == 0
    assert expire_unpaid(db, now=t0 + timedelta(minutes=30)) == 1


def test_payment_after_timeout_is_refunded_not_revived(db: Session) -> None:
    shop = create_shop(db, stock=10)
    buyer = create_user(db)
    t0 = utcnow() - timedelta(hours=1)
    result = place_checkout(db, buyer, [(shop.skus[0].id, 4)], now=t0)
    # The buyer opened the pay page in time ...
    from shanhuo.payments import service as payments
    from tests.helpers.orders import sandbox

    provider = sandbox()
    payment, _ = payments.start_payment(
        db, checkout_id=result.checkout.id, buyer_id=buyer.id, provider=provider, now=t0
    )
    # ... the sweeper cancelled the order, then the money arrived.
    assert expire_unpaid(db, now=utcnow()) == 1
    body, signature = provider.notification(payment, status="succeeded", now=utcnow())
    outcome = payments.handle_callback(
        db, body=body, signature=signature, provider=provider, now=utcnow()
    )
    db.expire_all()
    assert outcome.status == "refunded"
    assert order_status(db, result.orders[0].id) == "cancelled"
    assert sku_stock(db, shop.skus[0].id) == (10, 0)
    refund = db.scalars(select(Refund).where(Refund.order_id == result.orders[0].id)).one()
    assert refund.amount_fen == payment_for(db, result.checkout.id).amount_fen
    assert payment_for(db, result.checkout.id).status == "succeeded"
    assert db.scalars(select(Settlement)).all() == []
    assert db.get(Checkout, result.checkout.id).status == "refunded"  # type: ignore[union-attr]
