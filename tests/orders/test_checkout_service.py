"""Checkout through the service: one order per store, snapshots, stock holds, idempotency,
and all-or-nothing refusals."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.kit.errors import Conflict, Invalid
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import CartItem, Checkout, Order, OrderEvent, OrderLine, Sku
from shanhuo.orders import cart
from shanhuo.orders.checkout import place_checkout as place_service
from shanhuo.orders.schemas import CheckoutCreate
from tests.helpers.accounts import create_user
from tests.helpers.orders import (
    KUNMING_WUHUA,
    WUGONG,
    create_shop,
    place_checkout,
    sku_stock,
)


def _counts(db: Session) -> tuple[int, int, int, int]:
    return (
        db.scalar(select(func.count()).select_from(Checkout)) or 0,
        db.scalar(select(func.count()).select_from(Order)) or 0,
        db.scalar(select(func.count()).select_from(OrderLine)) or 0,
        db.scalar(select(func.count()).select_from(OrderEvent)) or 0,
    )


def test_one_order_per_store_with_snapshots_and_holds(db: Session) -> None:
    kiwi = create_shop(db, prices=(3990, 6990), stock=10)
    flowers = create_shop(db, county=KUNMING_WUHUA, prices=(2990,), stock=5)
    buyer = create_user(db)
    result = place_checkout(
        db, buyer, [(kiwi.skus[0].id, 2), (flowers.skus[0].id, 1), (kiwi.skus[1].id, 1)]
    )
    assert result.created
    assert [o.store_id for o in result.orders] == sorted([kiwi.store.id, flowers.store.id])
    by_store = {o.store_id: o for o in result.orders}
    assert by_store[kiwi.store.id].total_fen == 2 * 3990 + 6990
    assert by_store[flowers.store.id].total_fen == 2990
    assert result.checkout.total_fen == 2 * 3990 + 6990 + 2990
    assert all(o.status == "pending_payment" for o in result.orders)
    assert result.checkout.expires_at - result.checkout.created_at == timedelta(minutes=30)
    lines = db.scalars(
        select(OrderLine)
        .where(OrderLine.order_id == by_store[kiwi.store.id].id)
        .order_by(OrderLine.sku_id)
    ).all()
    assert [
        (ln.title, ln.sku_name, ln.unit_price_fen, ln.quantity, ln.line_fen) for ln in lines
    ] == [
        (kiwi.product.title, "1号装", 3990, 2, 7980),
        (kiwi.product.title, "2号装", 6990, 1, 6990),
    ]
    assert sku_stock(db, kiwi.skus[0].id) == (10, 2)
    assert sku_stock(db, kiwi.skus[1].id) == (10, 1)
    assert sku_stock(db, flowers.skus[0].id) == (5, 1)


def test_snapshot_keeps_price_after_price_change(db: Session) -> None:
    shop = create_shop(db, prices=(1000,))
    buyer = create_user(db)
    result = place_checkout(db, buyer, [(shop.skus[0].id, 1)])
    shop.skus[0].price_fen = 2000
    db.flush()
    line = db.scalars(select(OrderLine).where(OrderLine.order_id == result.orders[0].id)).one()
    assert line.unit_price_fen == 1000


def test_insufficient_stock_creates_nothing(db: Session) -> None:
    a = create_shop(db, stock=10)
    b = create_shop(db, stock=1)
    buyer = create_user(db)
    before = _counts(db)
    with pytest.raises(Conflict) as err:
        place_checkout(db, buyer, [(a.skus[0].id, 3), (b.skus[0].id, 2)])
    assert err.value.code == "insufficient_stock"
    assert err.value.extra["sku_id"] == b.skus[0].id
    assert _counts(db) == before
    assert sku_stock(db, a.skus[0].id) == (10, 0)
    assert sku_stock(db, b.skus[0].id) == (1, 0)


def test_same_key_same_body_returns_first_checkout(db: Session) -> None:
    shop = create_shop(db, stock=10)
    buyer = create_user(db)
    first = place_checkout(db, buyer, [(shop.skus[0].id, 2)], key="k-1")
    counts = _counts(db)
    again = place_checkout(db, buyer, [(shop.skus[0].id, 2)], key="k-1")
    assert not again.created
    assert again.checkout.id == first.checkout.id
    assert [o.id for o in again.orders] == [o.id for o in first.orders]
    assert _counts(db) == counts
    assert sku_stock(db, shop.skus[0].id) == (10, 2)


def test_same_key_other_body_is_refused(db: Session) -> None:
    shop = create_shop(db, stock=10)
    buyer = create_user(db)
    place_checkout(db, buyer, [(shop.skus[0].id, 2)], key="k-2")
    counts = _counts(db)
    with pytest.raises(Invalid) as err:
        place_checkout(db, buyer, [(shop.skus[0].id, 3)], key="k-2")
    assert err.value.code == "idempotency_key_reused"
    assert _counts(db) == counts
    assert sku_stock(db, shop.skus[0].id) == (10, 2)


def test_same_key_for_two_buyers_is_two_checkouts(db: Session) -> None:
    shop = create_shop(db, stock=10)
    one, two = create_user(db), create_user(db)
    a = place_checkout(db, one, [(shop.skus[0].id, 1)], key="shared")
    b = place_checkout(db, two, [(shop.skus[0].id, 1)], key="shared")
    assert a.checkout.id != b.checkout.id


def test_from_cart_removes_checked_out_lines(db: Session) -> None:
    shop = create_shop(db, prices=(100, 200), stock=10)
    buyer = create_user(db)
    cart.add_item(db, user_id=buyer.id, sku_id=shop.skus[0].id, quantity=2)
    cart.add_item(db, user_id=buyer.id, sku_id=shop.skus[1].id, quantity=1)
    request = CheckoutCreate(
        recipient_name="王小明",
        recipient_mobile="13912345678",
        region_code=WUGONG,
        address="幸福路 1 号",
        from_cart=True,
    )
    result = place_service(
        db,
        buyer_id=buyer.id,
        idempotency_key=uuid.uuid4().hex,
        request=request,
        now=utcnow(),
        timeout_minutes=15,
    )
    assert result.checkout.total_fen == 400
    assert (
        db.scalar(select(func.count()).select_from(CartItem).where(CartItem.user_id == buyer.id))
        == 0
    )
    assert result.checkout.expires_at - result.checkout.created_at == timedelta(minutes=15)


def test_empty_cart_is_refused(db: Session) -> None:
    buyer = create_user(db)
    create_shop(db)
    request = CheckoutCreate(
        recipient_name="王",
        recipient_mobile="13912345678",
        region_code=WUGONG,
        address="路",
        from_cart=True,
    )
    with pytest.raises(Invalid) as err:
        place_service(
            db,
            buyer_id=buyer.id,
            idempotency_key="x",
            request=request,
            now=utcnow(),
            timeout_minutes=30,
        )
    assert err.value.code == "cart_empty"


def test_hidden_product_is_refused(db: Session) -> None:
    shop = create_shop(db, product_status="hidden")
    buyer = create_user(db)
    before = _counts(db)
    with pytest.raises(Conflict) as err:
        place_checkout(db, buyer, [(shop.skus[0].id, 1)])
    assert err.value.code == "product_unavailable"
    assert _counts(db) == before


def test_closed_store_is_refused(db: Session) -> None:
    shop = create_shop(db, store_status="closed")
    buyer = create_user(db)
    with pytest.raises(Conflict) as err:
        place_checkout(db, buyer, [(shop.skus[0].id, 1)])
    assert err.value.code == "store_closed"
    assert db.scalar(select(Sku.reserved).where(Sku.id == shop.skus[0].id)) == 0
