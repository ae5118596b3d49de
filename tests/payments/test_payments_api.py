"""Payments API: starting a payment (who may), the signed callback endpoint."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.kit.timeutil import utcnow
from shanhuo.models import Payment, RejectedCallback
from shanhuo.orders.service import expire_unpaid
from shanhuo.payments.sandbox import SandboxProvider
from tests.helpers.accounts import auth_headers, create_user
from tests.helpers.orders import create_shop, order_status, place_checkout, sandbox, sku_stock

CALLBACK = "/api/payments/sandbox/callback"


def _placed(db: Session, **kw):  # type: ignore[no-untyped-def]
    shop = create_shop(db, prices=(1500,), stock=10)
    buyer = create_user(db)
    result = place_checkout(db, buyer, [(shop.skus[0].id, 2)], **kw)
    return shop, buyer, result


def _payments(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Payment)) or 0


def test_pay_matrix_and_reuse(client: TestClient, db: Session) -> None:
    shop, buyer, result = _placed(db)
    url = f"/api/checkouts/{result.checkout.id}/pay"
    assert client.post(url).status_code == 401
    assert client.post(url, headers=auth_headers(db, create_user(db))).status_code == 404
    seller_headers = auth_headers(db, db.get(type(buyer), shop.owner_id))  # type: ignore[arg-type]
    assert client.post(url, headers=seller_headers).status_code == 404
    assert _payments(db) == 0
    headers = auth_headers(db, buyer)
    first = client.post(url, headers=headers).json()
    assert (
        first["amount_fen"] == 3000
        and first["redirect_url"] == f"/pay/sandbox/{first['provider_ref']}"
    )
    assert client.post(url, headers=headers).json()["payment_id"] == first["payment_id"]
    assert _payments(db) == 1


def test_pay_after_expiry_is_refused(client: TestClient, db: Session) -> None:
    _, buyer, result = _placed(db, now=utcnow() - timedelta(hours=2))
    response = client.post(
        f"/api/checkouts/{result.checkout.id}/pay", headers=auth_headers(db, buyer)
    )
    assert (response.status_code, response.json()["code"]) == (409, "checkout_expired")
    expire_unpaid(db, now=utcnow())
    db.commit()
    response = client.post(
        f"/api/checkouts/{result.checkout.id}/pay", headers=auth_headers(db, buyer)
    )
    assert (response.status_code, response.json()["code"]) == (409, "checkout_not_payable")
    assert _payments(db) == 0


def _start(client: TestClient, db: Session):  # type: ignore[no-untyped-def]
    shop, buyer, result = _placed(db)
    client.post(f"/api/checkouts/{result.checkout.id}/pay", headers=auth_headers(db, buyer))
    db.expire_all()
    payment = db.scalars(select(Payment).where(Payment.checkout_id == result.checkout.id)).one()
    return shop, result, payment


def test_valid_callback_then_replay(client: TestClient, db: Session) -> None:
    shop, result, payment = _start(client, db)
    body, signature = sandbox().notification(payment, status="succeeded", now=utcnow())
    headers = {"X-Sandbox-Signature": signature, "Content-Type": "application/json"}
    first = client.post(CALLBACK, content=body, headers=headers)
    assert first.status_code == 200 and first.json()["status"] == "applied"
    db.expire_all()
    assert order_status(db, result.orders[0].id) == "paid"
    assert sku_stock(db, shop.skus[0].id) == (8, 0)
    replay = client.post(CALLBACK, content=body, headers=headers)
    assert replay.status_code == 200 and replay.json()["status"] == "duplicate"
    db.expire_all()
    assert sku_stock(db, shop.skus[0].id) == (8, 0)


def test_forged_callback_is_401_and_recorded(client: TestClient, db: Session) -> None:
    shop, result, payment = _start(client, db)
    body, signature = SandboxProvider("guess").notification(
        payment, status="succeeded", now=utcnow()
    )
    response = client.post(CALLBACK, content=body, headers={"X-Sandbox-Signature": signature})
    assert (response.status_code, response.json()["code"]) == (401, "callback_signature_invalid")
    db.expire_all()
    assert db.scalars(select(RejectedCallback.reason)).all() == ["signature_invalid"]
    assert order_status(db, result.orders[0].id) == "pending_payment"
    assert sku_stock(db, shop.skus[0].id) == (10, 2)


def test_callback_without_signature_header(client: TestClient, db: Session) -> None:
    _, result, payment = _start(client, db)
    body, _ = sandbox().notification(payment, status="succeeded", now=utcnow())
    response = client.post(CALLBACK, content=body)
    assert (response.status_code, response.json()["code"]) == (401, "callback_signature_invalid")
    db.expire_all()
    assert order_status(db, result.orders[0].id) == "pending_payment"


def test_wrong_amount_callback_is_400(client: TestClient, db: Session) -> None:
    shop, result, payment = _start(client, db)
    body, signature = sandbox().notification(
        payment, status="succeeded", now=utcnow(), amount_fen=1
    )
    response = client.post(CALLBACK, content=body, headers={"X-Sandbox-Signature": signature})
    assert (response.status_code, response.json()["code"]) == (400, "callback_amount_mismatch")
    db.expire_all()
    assert db.scalars(select(RejectedCallback.reason)).all() == ["amount_mismatch"]
    assert order_status(db, result.orders[0].id) == "pending_payment"
    assert sku_stock(db, shop.skus[0].id) == (10, 2)
