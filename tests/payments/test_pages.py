"""Payment pages: the sandbox bank (pay and fail buttons), confirm receipt, settlements."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.kit.timeutil import utcnow
from shanhuo.models import PaymentCallback, User
from shanhuo.orders import service as orders
from shanhuo.payments.pages import settlements_context
from tests.helpers.accounts import auth_headers, create_user
from tests.helpers.orders import (
    create_shop,
    order_status,
    pay_checkout,
    payment_for,
    place_checkout,
)

HTML = {"Accept": "text/html"}


def _started(client: TestClient, db: Session):  # type: ignore[no-untyped-def]
    shop = create_shop(db, prices=(1234,), stock=10)
    buyer = create_user(db)
    result = place_checkout(db, buyer, [(shop.skus[0].id, 1)])
    headers = {**auth_headers(db, buyer), **HTML}
    bank_page = client.post(f"/checkouts/{result.checkout.id}/pay", headers=headers)
    return shop, result, headers, bank_page


def test_sandbox_page_shows_merchant_and_amount(client: TestClient, db: Session) -> None:
    shop, result, _, bank_page = _started(client, db)
    assert bank_page.status_code == 200
    assert "山货 Shanhuo" in bank_page.text and shop.store.name in bank_page.text
    assert "¥12.34" in bank_page.text
    assert "确认支付 Pay" in bank_page.text and "支付失败 Fail" in bank_page.text
    assert payment_for(db, result.checkout.id).status == "created"


def test_fail_button_leaves_order_unpaid(client: TestClient, db: Session) -> None:
    _, result, headers, _ = _started(client, db)
    ref = payment_for(db, result.checkout.id).provider_ref
    landed = client.post(f"/pay/sandbox/{ref}", data={"outcome": "failed"}, headers=headers)
    assert landed.status_code == 200 and "支付未完成" in landed.text
    db.expire_all()
    assert payment_for(db, result.checkout.id).status == "failed"
    assert order_status(db, result.orders[0].id) == "pending_payment"
    assert db.scalars(select(PaymentCallback.outcome)).all() == ["failed"]


def test_unknown_bad_outcome_and_unknown_ref(client: TestClient, db: Session) -> None:
    _, result, headers, _ = _started(client, db)
    ref = payment_for(db, result.checkout.id).provider_ref
    assert (
        client.post(f"/pay/sandbox/{ref}", data={"outcome": "maybe"}, headers=headers).status_code
        == 422
    )
    assert client.get("/pay/sandbox/sbx_nope", headers=headers).status_code == 404
    db.expire_all()
    assert payment_for(db, result.checkout.id).status == "created"


def test_pay_button_after_expiry_shows_error(client: TestClient, db: Session) -> None:
    shop = create_shop(db, stock=10)
    buyer = create_user(db)
    result = place_checkout(db, buyer, [(shop.skus[0].id, 1)], now=utcnow() - timedelta(hours=1))
    response = client.post(
        f"/checkouts/{result.checkout.id}/pay", headers={**auth_headers(db, buyer), **HTML}
    )
    assert response.status_code == 409 and "checkout_expired" in response.text


def test_confirm_receipt_button_settles(client: TestClient, db: Session) -> None:
    shop = create_shop(db, prices=(10000,), stock=10)
    buyer = create_user(db)
    result = place_checkout(db, buyer, [(shop.skus[0].id, 1)])
    pay_checkout(db, buyer, result.checkout.id)
    order_id = result.orders[0].id
    now = utcnow()
    orders.ship(
        db,
        order_id=order_id,
        user_id=shop.owner_id,
        roles={"seller"},
        tracking_number="SF1",
        now=now,
    )
    orders.deliver(db, order_id=order_id, user_id=shop.owner_id, roles={"seller"}, now=now)
    headers = {**auth_headers(db, buyer), **HTML}
    assert "确认收货" in client.get(f"/orders/{order_id}", headers=headers).text
    page = client.post(f"/orders/{order_id}/complete", headers=headers)
    assert page.status_code == 200 and "已完成" in page.text
    seller = db.get(User, shop.owner_id)
    assert seller is not None
    ctx = settlements_context(db, seller)
    assert [
        (s.order_id, s.gross_fen, s.fee_fen, s.net_fen, s.status) for s in ctx["settlements"]
    ] == [(order_id, 10000, 60, 9940, "settled")]
    assert ctx["totals"].settled_net_fen == 9940
    rendered = client.get("/seller/settlements", headers={**auth_headers(db, seller), **HTML})
    assert rendered.status_code == 200 and "¥99.40" in rendered.text
