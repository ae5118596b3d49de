"""Refunds and settlements: restock rules, the refund window, one refund per order,
settlements settled on completion and reversed on refund."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shanhuo.kit.errors import Conflict, Forbidden
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import Order, Refund, Settlement
from shanhuo.orders import service as orders
from shanhuo.payments import service as payments
from tests.helpers.accounts import create_user
from tests.helpers.orders import (
    create_shop,
    order_status,
    pay_checkout,
    place_checkout,
    sandbox,
    sku_stock,
)


def _paid_order(db: Session, quantity: int = 2):  # type: ignore[no-untyped-def]
    shop = create_shop(db, prices=(5000,), stock=10)
    buyer = create_user(db)
    result = place_checkout(db, buyer, [(shop.skus[0].id, quantity)])
    pay_checkout(db, buyer, result.checkout.id)
    return shop, buyer, result.orders[0]


def _settlement(db: Session, order_id: int) -> str:
    return db.scalars(select(Settlement.status).where(Settlement.order_id == order_id)).one()


def test_refund_before_shipping_restocks_and_reverses(db: Session) -> None:
    shop, _, order = _paid_order(db)
    assert sku_stock(db, shop.skus[0].id) == (8, 0)
    refund = payments.refund_order(
        db,
        order_id=order.id,
        user_id=shop.owner_id,
        roles={"seller"},
        reason="缺货",
        provider=sandbox(),
        now=utcnow(),
    )
    db.expire_all()
    assert (refund.amount_fen, refund.reason, refund.status) == (10000, "缺货", "succeeded")
    assert refund.provider_ref.startswith("sbxr_")
    assert order_status(db, order.id) == "refunded"
    assert order.refunded_fen == 10000 and order.refunded_at is not None
    assert sku_stock(db, shop.skus[0].id) == (10, 0)
    assert _settlement(db, order.id) == "reversed"
    assert payments.money_problems(db) == []


def test_refund_of_delivered_order_does_not_restock(db: Session) -> None:
    shop, _, order = _paid_order(db)
    now = utcnow()
    orders.ship(
        db,
        order_id=order.id,
        user_id=shop.owner_id,
        roles={"seller"},
        tracking_number="YT1",
        now=now,
    )
    orders.deliver(db, order_id=order.id, user_id=shop.owner_id, roles={"seller"}, now=now)
    payments.refund_order(
        db,
        order_id=order.id,
        user_id=shop.owner_id,
        roles={"seller"},
        reason="",
        provider=sandbox(),
        now=now,
    )
    assert order_status(db, order.id) == "refunded"
    assert sku_stock(db, shop.skus[0].id) == (8, 0)


def test_refund_after_window_is_refused_and_changes_nothing(db: Session) -> None:
    shop, _, order = _paid_order(db)
    now = utcnow()
    orders.ship(
        db,
        order_id=order.id,
        user_id=shop.owner_id,
        roles={"seller"},
        tracking_number="YT1",
        now=now,
    )
    orders.deliver(
        db, order_id=order.id, user_id=shop.owner_id, roles={"seller"}, now=now - timedelta(days=8)
    )
    db.execute(
        update(Order).where(Order.id == order.id).values(delivered_at=now - timedelta(days=8))
    )
    db.expire_all()
    with pytest.raises(Conflict) as err:
        payments.refund_order(
            db,
            order_id=order.id,
            user_id=shop.owner_id,
            roles={"seller"},
            reason="",
            provider=sandbox(),
            now=now,
        )
    assert err.value.code == "refund_window_closed"
    assert order_status(db, order.id) == "delivered"
    assert db.scalars(select(Refund)).all() == []
    assert _settlement(db, order.id) == "pending"


def test_refund_of_shipped_order_is_refused(db: Session) -> None:
    shop, _, order = _paid_order(db)
    orders.ship(
        db,
        order_id=order.id,
        user_id=shop.owner_id,
        roles={"seller"},
        tracking_number="YT1",
        now=utcnow(),
    )
    with pytest.raises(Conflict) as err:
        payments.refund_order(
            db,
            order_id=order.id,
            user_id=shop.owner_id,
            roles={"seller"},
            reason="",
            provider=sandbox(),
            now=utcnow(),
        )
    assert err.value.code == "order_transition_not_allowed"
    assert order_status(db, order.id) == "shipped"


def test_second_refund_is_refused(db: Session) -> None:
    shop, _, order = _paid_order(db)
    kw = {
        "order_id": order.id,
        "user_id": shop.owner_id,
        "roles": {"seller"},
        "reason": "",
        "provider": sandbox(),
    }
    payments.refund_order(db, now=utcnow(), **kw)  # type: ignore[arg-type]
    with pytest.raises(Conflict) as err:
        payments.refund_order(db, now=utcnow(), **kw)  # type: ignore[arg-type]
    assert err.value.code == "order_transition_not_allowed"
    assert len(db.scalars(select(Refund)).all()) == 1
    assert sku_stock(db, shop.skus[0].id) == (10, 0)


def test_buyer_cannot_refund(db: Session) -> None:
    _shop, buyer, order = _paid_order(db)
    with pytest.raises(Forbidden):
        payments.refund_order(
            db,
            order_id=order.id,
            user_id=buyer.id,
            roles={"buyer"},
            reason="",
            provider=sandbox(),
            now=utcnow(),
        )
    assert order_status(db, order.id) == "paid"


def test_admin_may_refund(db: Session) -> None:
    _shop, _, order = _paid_order(db)
    admin = create_user(db, roles=("admin",))
    payments.refund_order(
        db,
        order_id=order.id,
        user_id=admin.id,
        roles={"admin"},
        reason="客诉",
        provider=sandbox(),
        now=utcnow(),
    )
    assert order_status(db, order.id) == "refunded"


def test_completion_settles(db: Session) -> None:
    shop, buyer, order = _paid_order(db)
    now = utcnow()
    orders.ship(
        db,
        order_id=order.id,
        user_id=shop.owner_id,
        roles={"seller"},
        tracking_number="YT1",
        now=now,
    )
    orders.deliver(db, order_id=order.id, user_id=shop.owner_id, roles={"seller"}, now=now)
    payments.complete_order(db, order_id=order.id, user_id=buyer.id, roles={"buyer"}, now=now)
    assert _settlement(db, order.id) == "settled"
    page = payments.settlements_for_stores(db, [shop.store.id])
    assert (page.totals.gross_fen, page.totals.fee_fen, page.totals.net_fen) == (10000, 60, 9940)
    assert page.totals.settled_net_fen == 9940 and page.totals.pending_net_fen == 0
