"""Order pages: context and rendering of cart, checkout (the whole browser flow through the
sandbox bank), my orders, order detail, and the seller's orders."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.models import CartItem, Checkout, User
from tests.helpers.accounts import auth_headers, create_user
from tests.helpers.orders import (
    WUGONG,
    create_shop,
    order_status,
    pay_checkout,
    place_checkout,
    sku_stock,
)

HTML = {"Accept": "text/html"}


def _key(html: str) -> str:
    match = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', html)
    assert match
    return match.group(1)


def test_anonymous_cart_page_redirects_to_signin(client: TestClient) -> None:
    response = client.get("/cart", headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=%2Fcart"


def test_form_add_then_cart_page(client: TestClient, db: Session) -> None:
    shop = create_shop(db, prices=(3990,))
    buyer = create_user(db)
    headers = {**auth_headers(db, buyer), **HTML}
    response = client.post(
        "/cart/items",
        data={"sku_id": str(shop.skus[0].id), "quantity": "2"},
        headers=headers,
        follow_redirects=False,
    )
    assert (response.status_code, response.headers["location"]) == (303, "/cart")
    page = client.get("/cart", headers=headers)
    assert page.status_code == 200
    assert shop.store.name in page.text and "¥79.80" in page.text


def test_form_add_bad_quantity_shows_error_page(client: TestClient, db: Session) -> None:
    shop = create_shop(db)
    buyer = create_user(db)
    response = client.post(
        "/cart/items",
        data={"sku_id": str(shop.skus[0].id), "quantity": "0"},
        headers={**auth_headers(db, buyer), **HTML},
    )
    assert response.status_code == 422 and "validation_failed" in response.text
    assert db.scalar(select(func.count()).select_from(CartItem)) == 0


def test_cart_page_update_and_remove(client: TestClient, db: Session) -> None:
    shop = create_shop(db)
    buyer = create_user(db)
    headers = {**auth_headers(db, buyer), **HTML}
    item = client.post(
        "/api/cart/items", json={"sku_id": shop.skus[0].id, "quantity": 1}, headers=headers
    ).json()
    client.post(f"/cart/items/{item['id']}", data={"quantity": "4"}, headers=headers)
    db.expire_all()
    assert db.get(CartItem, item["id"]).quantity == 4  # type: ignore[union-attr]
    client.post(f"/cart/items/{item['id']}", data={"action": "remove"}, headers=headers)
    db.expire_all()
    assert db.get(CartItem, item["id"]) is None


def test_checkout_to_sandbox_to_paid(client: TestClient, db: Session) -> None:
    shop = create_shop(db, prices=(2500,), stock=10)
    buyer = create_user(db)
    headers = {**auth_headers(db, buyer), **HTML}
    client.post("/api/cart/items", json={"sku_id": shop.skus[0].id, "quantity": 2}, headers=headers)
    page = client.get("/checkout", headers=headers)
    assert page.status_code == 200 and "¥50.00" in page.text
    form = {
        "idempotency_key": _key(page.text),
        "recipient_name": "李四",
        "recipient_mobile": "13912345678",
        "region_code": WUGONG,
        "address": "普集街 8 号",
    }
    submitted = client.post("/checkout", data=form, headers=headers)
    # The 307 → /checkouts/{id}/pay → 303 → the sandbox bank's page.
    assert submitted.status_code == 200 and "确认支付 Pay" in submitted.text
    assert "¥50.00" in submitted.text
    ref = re.search(r'action="/pay/sandbox/(sbx_[0-9a-f]+)"', submitted.text)
    assert ref
    again = client.post("/checkout", data=form, headers=headers)  # a double click
    assert again.status_code == 200
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Checkout)) == 1
    paid = client.post(
        f"/pay/sandbox/{ref.group(1)}", data={"outcome": "succeeded"}, headers=headers
    )
    assert paid.status_code == 200 and "支付成功" in paid.text
    assert str(paid.url).endswith("/orders?paid=" + str(db.scalars(select(Checkout.id)).one()))
    db.expire_all()
    assert sku_stock(db, shop.skus[0].id) == (8, 0)


def test_checkout_form_error_keeps_key_and_values(client: TestClient, db: Session) -> None:
    shop = create_shop(db)
    buyer = create_user(db)
    headers = {**auth_headers(db, buyer), **HTML}
    client.post("/api/cart/items", json={"sku_id": shop.skus[0].id, "quantity": 1}, headers=headers)
    form = {
        "idempotency_key": "abc123",
        "recipient_name": "李四",
        "recipient_mobile": "13912345678",
        "region_code": "999999",
        "address": "普集街 8 号",
    }
    response = client.post("/checkout", data=form, headers=headers)
    assert response.status_code == 422 and "unknown_region" in response.text
    assert 'value="abc123"' in response.text and "普集街 8 号" in response.text
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Checkout)) == 0


def test_orders_list_and_detail(client: TestClient, db: Session) -> None:
    shop = create_shop(db, stock=10)
    buyer = create_user(db)
    result = place_checkout(db, buyer, [(shop.skus[0].id, 1)])
    headers = {**auth_headers(db, buyer), **HTML}
    listing = client.get("/orders", headers=headers)
    assert listing.status_code == 200 and "待付款" in listing.text
    detail = client.get(f"/orders/{result.orders[0].id}", headers=headers)
    assert detail.status_code == 200
    assert "去付款" in detail.text and "取消订单" in detail.text
    assert f'action="/checkouts/{result.checkout.id}/pay"' in detail.text
    other = client.get(
        f"/orders/{result.orders[0].id}", headers={**auth_headers(db, create_user(db)), **HTML}
    )
    assert other.status_code == 404
    client.post(f"/orders/{result.orders[0].id}/cancel", headers=headers)
    assert order_status(db, result.orders[0].id) == "cancelled"


def test_seller_orders_ship_and_refund(client: TestClient, db: Session) -> None:
    shop = create_shop(db, stock=10)
    buyer = create_user(db)
    one = place_checkout(db, buyer, [(shop.skus[0].id, 1)])
    two = place_checkout(db, buyer, [(shop.skus[0].id, 2)])
    pay_checkout(db, buyer, one.checkout.id)
    pay_checkout(db, buyer, two.checkout.id)
    seller = db.get(User, shop.owner_id)
    headers = {**auth_headers(db, seller), **HTML}  # type: ignore[arg-type]
    page = client.get("/seller/orders", headers=headers)
    assert page.status_code == 200
    assert page.text.count('class="card seller-order"') == 2
    assert "13912345678" not in page.text and "139****5678" in page.text
    client.post(
        f"/seller/orders/{one.orders[0].id}/ship", data={"tracking_number": "SF99"}, headers=headers
    )
    client.post(f"/seller/orders/{two.orders[0].id}/refund", headers=headers)
    db.expire_all()
    assert order_status(db, one.orders[0].id) == "shipped"
    assert order_status(db, two.orders[0].id) == "refunded"
    assert sku_stock(db, shop.skus[0].id) == (9, 0)
    settlements = client.get("/seller/settlements", headers=headers)
    assert settlements.status_code == 200 and "已冲回" in settlements.text


def test_lang_en(client: TestClient, db: Session) -> None:
    buyer = create_user(db)
    response = client.get("/orders?lang=en", headers={**auth_headers(db, buyer), **HTML})
    assert "My orders" in response.text and "No orders yet." in response.text
