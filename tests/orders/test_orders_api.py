"""Orders API: reading (mine, one, a store's), and the authorization matrix of every move."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from shanhuo.models import User
from tests.helpers.accounts import auth_headers, create_user
from tests.helpers.orders import Shop, create_shop, order_status, pay_checkout, place_checkout


@dataclass
class World:
    shop: Shop
    buyer: User
    order_id: int
    checkout_id: int
    h_buyer: dict[str, str]
    h_seller: dict[str, str]
    h_other_buyer: dict[str, str]
    h_other_seller: dict[str, str]


def _world(db: Session, *, paid: bool) -> World:
    shop = create_shop(db, stock=10)
    buyer = create_user(db)
    result = place_checkout(db, buyer, [(shop.skus[0].id, 1)])
    if paid:
        pay_checkout(db, buyer, result.checkout.id)
    other_seller = create_shop(db).store.owner_id
    seller = db.get(User, shop.owner_id)
    assert seller is not None
    return World(
        shop=shop,
        buyer=buyer,
        order_id=result.orders[0].id,
        checkout_id=result.checkout.id,
        h_buyer=auth_headers(db, buyer),
        h_seller=auth_headers(db, seller),
        h_other_buyer=auth_headers(db, create_user(db)),
        h_other_seller=auth_headers(db, db.get(User, other_seller)),  # type: ignore[arg-type]
    )


def test_buyer_and_seller_see_the_order_others_do_not(client: TestClient, db: Session) -> None:
    w = _world(db, paid=False)
    url = f"/api/orders/{w.order_id}"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=w.h_other_buyer).status_code == 404
    assert client.get(url, headers=w.h_other_seller).status_code == 404
    body = client.get(url, headers=w.h_buyer).json()
    assert (
        body["status"] == "pending_payment" and body["events"][0]["to_status"] == "pending_payment"
    )
    assert client.get(url, headers=w.h_seller).status_code == 200


def test_my_orders_paginated(client: TestClient, db: Session) -> None:
    shop = create_shop(db, stock=50)
    buyer = create_user(db)
    for _ in range(3):
        place_checkout(db, buyer, [(shop.skus[0].id, 1)])
    headers = auth_headers(db, buyer)
    page = client.get("/api/orders?size=2", headers=headers).json()
    assert (page["total"], len(page["items"]), page["page"]) == (3, 2, 1)
    assert len(client.get("/api/orders?size=2&page=2", headers=headers).json()["items"]) == 1
    assert client.get("/api/orders?status=paid", headers=headers).json()["total"] == 0
    assert client.get("/api/orders?status=nonsense", headers=headers).status_code == 422


def test_store_orders_for_its_seller_only(client: TestClient, db: Session) -> None:
    w = _world(db, paid=True)
    url = f"/api/stores/{w.shop.store.id}/orders"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=w.h_other_seller).status_code in (403, 404)
    page = client.get(url + "?status=paid", headers=w.h_seller).json()
    assert [o["id"] for o in page["items"]] == [w.order_id]
    assert client.get(url + "?status=shipped", headers=w.h_seller).json()["total"] == 0


# The matrix: (action, order paid first?, json body, who succeeds, who is refused with 403)
MOVES = {
    "cancel": (False, None, "h_buyer", "h_seller"),
    "ship": (True, {"tracking_number": "SF1001"}, "h_seller", "h_buyer"),
    "refund": (True, {"reason": "缺货"}, "h_seller", "h_buyer"),
}


@pytest.mark.parametrize("action", list(MOVES))
def test_authorization_matrix(client: TestClient, db: Session, action: str) -> None:
    paid, body, owner, wrong_role = MOVES[action]
    w = _world(db, paid=paid)
    url = f"/api/orders/{w.order_id}/{action}"
    before = order_status(db, w.order_id)
    assert client.post(url, json=body).status_code == 401
    assert client.post(url, json=body, headers=w.h_other_buyer).status_code == 404
    assert client.post(url, json=body, headers=w.h_other_seller).status_code == 404
    refused = client.post(url, json=body, headers=getattr(w, wrong_role))
    assert (refused.status_code, refused.json()["code"]) == (403, "order_actor_not_allowed")
    db.expire_all()
    assert order_status(db, w.order_id) == before
    assert client.post(url, json=body, headers=getattr(w, owner)).status_code in (200, 201)
    db.expire_all()
    assert order_status(db, w.order_id) != before


def test_deliver_and_complete_matrix(client: TestClient, db: Session) -> None:
    w = _world(db, paid=True)
    base = f"/api/orders/{w.order_id}"
    client.post(base + "/ship", json={"tracking_number": "SF1"}, headers=w.h_seller)
    for who, code in (("h_other_buyer", 404), ("h_other_seller", 404), ("h_buyer", 403)):
        assert client.post(base + "/deliver", headers=getattr(w, who)).status_code == code
    assert client.post(base + "/deliver").status_code == 401
    assert client.post(base + "/deliver", headers=w.h_seller).json()["status"] == "delivered"
    for who, code in (("h_other_buyer", 404), ("h_other_seller", 404), ("h_seller", 403)):
        assert client.post(base + "/complete", headers=getattr(w, who)).status_code == code
    assert client.post(base + "/complete").status_code == 401
    assert client.post(base + "/complete", headers=w.h_buyer).json()["status"] == "completed"


def test_ship_unpaid_is_409(client: TestClient, db: Session) -> None:
    w = _world(db, paid=False)
    response = client.post(
        f"/api/orders/{w.order_id}/ship", json={"tracking_number": "SF1"}, headers=w.h_seller
    )
    assert (response.status_code, response.json()["code"]) == (409, "order_transition_not_allowed")
    db.expire_all()
    assert order_status(db, w.order_id) == "pending_payment"


def test_cancel_paid_is_409(client: TestClient, db: Session) -> None:
    w = _world(db, paid=True)
    response = client.post(f"/api/orders/{w.order_id}/cancel", headers=w.h_buyer)
    assert (response.status_code, response.json()["code"]) == (409, "order_transition_not_allowed")
    db.expire_all()
    assert order_status(db, w.order_id) == "paid"


@pytest.mark.parametrize("tracking", ["", "x" * 41, "SF 1"])
def test_ship_needs_a_tracking_number(client: TestClient, db: Session, tracking: str) -> None:
    w = _world(db, paid=True)
    response = client.post(
        f"/api/orders/{w.order_id}/ship", json={"tracking_number": tracking}, headers=w.h_seller
    )
    assert response.status_code == 422
    db.expire_all()
    assert order_status(db, w.order_id) == "paid"
