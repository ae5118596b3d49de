"""Order moves through the service: stock effects, events, timestamps, refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.kit.errors import Conflict, Forbidden, NotFound
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import Checkout, OrderEvent
from shanhuo.orders import service
from tests.helpers.accounts import create_user
from tests.helpers.orders import create_shop, order_status, pay_checkout, place_checkout, sku_stock


def _events(db: Session, order_id: int) -> list[tuple[str | None, str]]:
    return [
        (e.from_status, e.to_status)
        for e in db.scalars(
            select(OrderEvent).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id)
        )
    ]


def test_full_happy_path_stock_and_history(db: Session) -> None:
    shop = create_shop(db, stock=10)
    seller_id = shop.owner_id
    buyer = create_user(db)
    result = place_checkout(db, buyer, [(shop.skus[0].id, 3)])
    order = result.orders[0]
    assert sku_stock(db, shop.skus[0].id) == (10, 3)
    assert pay_checkout(db, buyer, result.checkout.id).status == "applied"
    assert sku_stock(db, shop.skus[0].id) == (7, 0)
    now = utcnow()
    service.ship(
        db, order_id=order.id, user_id=seller_id, roles={"seller"}, tracking_number="SF123", now=now
    )
    service.deliver(db, order_id=order.id, user_id=seller_id, roles={"seller"}, now=now)
    service.complete(db, order_id=order.id, user_id=buyer.id, roles={"buyer"}, now=now)
    db.expire_all()
    assert order_status(db, order.id) == "completed"
    assert order.tracking_number == "SF123"
    assert order.paid_at and order.shipped_at and order.delivered_at and order.completed_at
    assert _events(db, order.id) == [
        (None, "pending_payment"),
        ("pending_payment", "paid"),
        ("paid", "shipped"),
        ("shipped", "delivered"),
        ("delivered", "completed"),
    ]
    assert sku_stock(db, shop.skus[0].id) == (7, 0)


def test_cancel_releases_hold_and_cancels_whole_checkout(db: Session) -> None:
    a, b = create_shop(db, stock=5), create_shop(db, stock=5)
    buyer = create_user(db)
    result = place_checkout(db, buyer, [(a.skus[0].id, 2), (b.skus[0].id, 1)])
    service.cancel(
        db, order_id=result.orders[0].id, user_id=buyer.id, roles={"buyer"}, now=utcnow()
    )
    db.expire_all()
    assert [order_status(db, o.id) for o in result.orders] == ["cancelled", "cancelled"]
    assert sku_stock(db, a.skus[0].id) == (5, 0)
    assert sku_stock(db, b.skus[0].id) == (5, 0)
    assert db.get(Checkout, result.checkout.id).status == "cancelled"  # type: ignore[union-attr]


def test_shipping_an_unpaid_order_is_refused_and_changes_nothing(db: Session) -> None:
    shop = create_shop(db, stock=5)
    buyer = create_user(db)
    order = place_checkout(db, buyer, [(shop.skus[0].id, 1)]).orders[0]
    with pytest.raises(Conflict) as err:
        service.ship(
            db,
            order_id=order.id,
            user_id=shop.owner_id,
            roles={"seller"},
            tracking_number="X1",
            now=utcnow(),
        )
    assert err.value.code == "order_transition_not_allowed"
    db.expire_all()
    assert order_status(db, order.id) == "pending_payment"
    assert order.tracking_number is None
    assert _events(db, order.id) == [(None, "pending_payment")]


def test_cancelling_a_paid_order_is_refused(db: Session) -> None:
    shop = create_shop(db, stock=5)
    buyer = create_user(db)
    result = place_checkout(db, buyer, [(shop.skus[0].id, 1)])
    pay_checkout(db, buyer, result.checkout.id)
    with pytest.raises(Conflict) as err:
        service.cancel(
            db, order_id=result.orders[0].id, user_id=buyer.id, roles={"buyer"}, now=utcnow()
        )
    assert err.value.code == "order_transition_not_allowed"
    assert order_status(db, result.orders[0].id) == "paid"
    assert sku_stock(db, shop.skus[0].id) == (4, 0)


def test_buyer_cannot_ship(db: Session) -> None:
    shop = create_shop(db, stock=5)
    buyer = create_user(db)
    result = place_checkout(db, buyer, [(shop.skus[0].id, 1)])
    pay_checkout(db, buyer, result.checkout.id)
    with pytest.raises(Forbidden) as err:
        service.ship(
            db,
            order_id=result.orders[0].id,
            user_id=buyer.id,
            roles={"buyer"},
            tracking_number="X",
            now=utcnow(),
        )
    assert err.value.code == "order_actor_not_allowed"


def test_stranger_gets_not_found(db: Session) -> None:
    shop = create_shop(db, stock=5)
    buyer, stranger = create_user(db), create_user(db)
    order = place_checkout(db, buyer, [(shop.skus[0].id, 1)]).orders[0]
    with pytest.raises(NotFound):
        service.get_order_for(db, order_id=order.id, user_id=stranger.id, roles={"buyer"})
    _, actors = service.get_order_for(db, order_id=order.id, user_id=stranger.id, roles={"admin"})
    assert actors == {service.Actor.ADMIN}
