"""Cart API: add (adds up, capped), change, remove, grouping, refusals with codes."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.models import CartItem
from tests.helpers.accounts import auth_headers, create_user
from tests.helpers.orders import KUNMING_WUHUA, create_shop


def _cart(db: Session, user_id: int) -> list[tuple[int, int]]:
    db.expire_all()
    return [
        (i.sku_id, i.quantity)
        for i in db.scalars(
            select(CartItem).where(CartItem.user_id == user_id).order_by(CartItem.id)
        )
    ]


def test_add_adds_up_and_caps(client: TestClient, db: Session) -> None:
    shop = create_shop(db, prices=(500,))
    buyer = create_user(db)
    headers = auth_headers(db, buyer)
    sku = shop.skus[0].id
    first = client.post("/api/cart/items", json={"sku_id": sku, "quantity": 2}, headers=headers)
    assert first.status_code == 201
    assert first.json()["quantity"] == 2 and first.json()["line_fen"] == 1000
    assert (
        client.post("/api/cart/items", json={"sku_id": sku, "quantity": 3}, headers=headers).json()[
            "quantity"
        ]
        == 5
    )
    assert (
        client.post(
            "/api/cart/items", json={"sku_id": sku, "quantity": 999}, headers=headers
        ).json()["quantity"]
        == 999
    )
    assert _cart(db, buyer.id) == [(sku, 999)]


def test_cart_groups_by_store(client: TestClient, db: Session) -> None:
    a = create_shop(db, prices=(100, 200))
    b = create_shop(db, county=KUNMING_WUHUA, prices=(300,))
    headers = auth_headers(db, create_user(db))
    for sku, q in ((a.skus[0].id, 1), (b.skus[0].id, 2), (a.skus[1].id, 3)):
        client.post("/api/cart/items", json={"sku_id": sku, "quantity": q}, headers=headers)
    body = client.get("/api/cart/items", headers=headers).json()
    assert [(g["store_id"], g["subtotal_fen"], len(g["items"])) for g in body["stores"]] == [
        (a.store.id, 700, 2),
        (b.store.id, 600, 1),
    ]
    assert body["total_fen"] == 1300 and body["count"] == 3


def test_change_and_remove(client: TestClient, db: Session) -> None:
    shop = create_shop(db)
    buyer = create_user(db)
    headers = auth_headers(db, buyer)
    item = client.post(
        "/api/cart/items", json={"sku_id": shop.skus[0].id, "quantity": 1}, headers=headers
    ).json()
    assert (
        client.patch(f"/api/cart/items/{item['id']}", json={"quantity": 7}, headers=headers).json()[
            "quantity"
        ]
        == 7
    )
    assert client.delete(f"/api/cart/items/{item['id']}", headers=headers).status_code == 204
    assert _cart(db, buyer.id) == []


@pytest.mark.parametrize("quantity", [0, -1, 1000, 10000])
def test_quantity_out_of_range(client: TestClient, db: Session, quantity: int) -> None:
    shop = create_shop(db)
    buyer = create_user(db)
    response = client.post(
        "/api/cart/items",
        json={"sku_id": shop.skus[0].id, "quantity": quantity},
        headers=auth_headers(db, buyer),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert _cart(db, buyer.id) == []


@pytest.mark.parametrize(
    ("store_status", "product_status", "stock", "code", "status"),
    [
        ("closed", "active", 5, "store_closed", 409),
        ("open", "hidden", 5, "product_unavailable", 409),
        ("open", "active", 0, "out_of_stock", 409),
    ],
)
def test_unavailable_sku(
    client: TestClient,
    db: Session,
    store_status: str,
    product_status: str,
    stock: int,
    code: str,
    status: int,
) -> None:
    shop = create_shop(db, store_status=store_status, product_status=product_status, stock=stock)
    buyer = create_user(db)
    response = client.post(
        "/api/cart/items",
        json={"sku_id": shop.skus[0].id, "quantity": 1},
        headers=auth_headers(db, buyer),
    )
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert _cart(db, buyer.id) == []


def test_unknown_sku(client: TestClient, db: Session) -> None:
    buyer = create_user(db)
    response = client.post(
        "/api/cart/items", json={"sku_id": 987654, "quantity": 1}, headers=auth_headers(db, buyer)
    )
    assert (response.status_code, response.json()["code"]) == (422, "unknown_sku")


def test_malformed_json(client: TestClient, db: Session) -> None:
    buyer = create_user(db)
    headers = {**auth_headers(db, buyer), "Content-Type": "application/json"}
    response = client.post("/api/cart/items", content=b'{"sku_id": 1,', headers=headers)
    assert (response.status_code, response.json()["code"]) == (400, "malformed_json")
    assert _cart(db, buyer.id) == []


def test_authorization_matrix(client: TestClient, db: Session) -> None:
    shop = create_shop(db)
    owner, other = create_user(db), create_user(db)
    owner_h, other_h = auth_headers(db, owner), auth_headers(db, other)
    assert (
        client.post("/api/cart/items", json={"sku_id": shop.skus[0].id, "quantity": 1}).status_code
        == 401
    )
    assert client.get("/api/cart/items").status_code == 401
    item = client.post(
        "/api/cart/items", json={"sku_id": shop.skus[0].id, "quantity": 1}, headers=owner_h
    ).json()
    url = f"/api/cart/items/{item['id']}"
    assert client.patch(url, json={"quantity": 2}).status_code == 401
    assert client.delete(url).status_code == 401
    assert client.patch(url, json={"quantity": 2}, headers=other_h).status_code == 404
    assert client.delete(url, headers=other_h).status_code == 404
    assert _cart(db, owner.id) == [(shop.skus[0].id, 1)]
    assert client.patch(url, json={"quantity": 2}, headers=owner_h).status_code == 200
    assert client.delete(url, headers=owner_h).status_code == 204
