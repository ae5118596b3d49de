"""POST /api/checkouts: success, idempotent retries, and every bad input with its code and
nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.models import CartItem, Checkout, Order
from tests.helpers.accounts import auth_headers, create_user
from tests.helpers.orders import checkout_body, create_shop, sku_stock


def _state(db: Session, sku_id: int) -> tuple[int, int, tuple[int, int]]:
    db.expire_all()
    return (
        db.scalar(select(func.count()).select_from(Checkout)) or 0,
        db.scalar(select(func.count()).select_from(Order)) or 0,
        sku_stock(db, sku_id),
    )


def _setup(db: Session, stock: int = 10) -> tuple[Any, dict[str, str]]:
    shop = create_shop(db, prices=(3990,), stock=stock)
    buyer = create_user(db)
    return shop, {**auth_headers(db, buyer), "Idempotency-Key": "key-1"}


def test_checkout_created_then_replayed(client: TestClient, db: Session) -> None:
    shop, headers = _setup(db)
    body = checkout_body([(shop.skus[0].id, 2)])
    first = client.post("/api/checkouts", json=body, headers=headers)
    assert first.status_code == 201
    data = first.json()
    assert data["total_fen"] == 7980 and data["status"] == "pending_payment"
    assert len(data["orders"]) == 1 and data["orders"][0]["lines"][0]["quantity"] == 2
    assert data["orders"][0]["number"].endswith(f"{data['orders'][0]['id']:06d}")
    state = _state(db, shop.skus[0].id)
    second = client.post("/api/checkouts", json=body, headers=headers)
    assert second.status_code == 200
    assert second.json()["id"] == data["id"]
    assert [o["id"] for o in second.json()["orders"]] == [o["id"] for o in data["orders"]]
    assert _state(db, shop.skus[0].id) == state == (1, 1, (10, 2))


def test_same_key_other_body(client: TestClient, db: Session) -> None:
    shop, headers = _setup(db)
    client.post("/api/checkouts", json=checkout_body([(shop.skus[0].id, 2)]), headers=headers)
    state = _state(db, shop.skus[0].id)
    response = client.post(
        "/api/checkouts", json=checkout_body([(shop.skus[0].id, 1)]), headers=headers
    )
    assert (response.status_code, response.json()["code"]) == (422, "idempotency_key_reused")
    assert _state(db, shop.skus[0].id) == state


def test_from_cart(client: TestClient, db: Session) -> None:
    shop, headers = _setup(db)
    client.post("/api/cart/items", json={"sku_id": shop.skus[0].id, "quantity": 3}, headers=headers)
    response = client.post("/api/checkouts", json=checkout_body(None), headers=headers)
    assert response.status_code == 201 and response.json()["total_fen"] == 3 * 3990
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(CartItem)) == 0


def test_missing_idempotency_key(client: TestClient, db: Session) -> None:
    shop, headers = _setup(db)
    del headers["Idempotency-Key"]
    response = client.post(
        "/api/checkouts", json=checkout_body([(shop.skus[0].id, 1)]), headers=headers
    )
    assert (response.status_code, response.json()["code"]) == (400, "idempotency_key_required")
    assert _state(db, shop.skus[0].id) == (0, 0, (10, 0))


def test_too_long_idempotency_key(client: TestClient, db: Session) -> None:
    shop, headers = _setup(db)
    headers["Idempotency-Key"] = "k" * 81
    response = client.post(
        "/api/checkouts", json=checkout_body([(shop.skus[0].id, 1)]), headers=headers
    )
    assert (response.status_code, response.json()["code"]) == (400, "idempotency_key_invalid")
    assert _state(db, shop.skus[0].id) == (0, 0, (10, 0))


def test_malformed_json(client: TestClient, db: Session) -> None:
    shop, headers = _setup(db)
    response = client.post(
        "/api/checkouts",
        content=b'{"lines": [',
        headers={**headers, "Content-Type": "application/json"},
    )
    assert (response.status_code, response.json()["code"]) == (400, "malformed_json")
    assert _state(db, shop.skus[0].id) == (0, 0, (10, 0))


BAD_BODIES = {
    "quantity_zero": ({"lines": "Q0"}, 422, "validation_failed"),
    "quantity_negative": ({"lines": "Q-1"}, 422, "validation_failed"),
    "quantity_10000": ({"lines": "Q10000"}, 422, "validation_failed"),
    "invalid_mobile": ({"recipient_mobile": "12345"}, 422, "validation_failed"),
    "malformed_region": ({"region_code": "61043"}, 422, "validation_failed"),
    "unknown_region": ({"region_code": "999999"}, 422, "unknown_region"),
    "province_is_not_shippable": ({"region_code": "610000"}, 422, "unknown_region"),
    "unknown_sku": ({"lines": "UNKNOWN"}, 422, "unknown_sku"),
    "both_sources": ({"from_cart": True}, 422, "validation_failed"),
    "no_lines": ({"lines": []}, 422, "validation_failed"),
    "empty_address": ({"address": "  "}, 422, "validation_failed"),
}


@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_bad_input_changes_nothing(client: TestClient, db: Session, case: str) -> None:
    shop, headers = _setup(db)
    change, status, code = BAD_BODIES[case]
    body = checkout_body([(shop.skus[0].id, 1)])
    for key, value in change.items():
        if value == "UNKNOWN":
            body["lines"] = [{"sku_id": 987654, "quantity": 1}]
        elif isinstance(value, str) and value.startswith("Q"):
            body["lines"] = [{"sku_id": shop.skus[0].id, "quantity": int(value[1:])}]
        else:
            body[key] = value
    response = client.post("/api/checkouts", json=body, headers=headers)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert _state(db, shop.skus[0].id) == (0, 0, (10, 0))


def test_insufficient_stock_names_sku(client: TestClient, db: Session) -> None:
    shop, headers = _setup(db, stock=2)
    response = client.post(
        "/api/checkouts", json=checkout_body([(shop.skus[0].id, 3)]), headers=headers
    )
    assert (response.status_code, response.json()["code"]) == (409, "insufficient_stock")
    assert response.json()["sku_id"] == shop.skus[0].id
    assert _state(db, shop.skus[0].id) == (0, 0, (2, 0))


def test_anonymous_checkout_is_401(client: TestClient, db: Session) -> None:
    shop = create_shop(db)
    response = client.post(
        "/api/checkouts",
        json=checkout_body([(shop.skus[0].id, 1)]),
        headers={"Idempotency-Key": "a"},
    )
    assert response.status_code == 401
    assert _state(db, shop.skus[0].id) == (0, 0, (100, 0))
