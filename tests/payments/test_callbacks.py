"""Signed callbacks: valid success, forged, wrong amount, unknown reference, replay, failure."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.kit.timeutil import utcnow
from shanhuo.models import Checkout, PaymentCallback, RejectedCallback, Settlement
from shanhuo.payments import service as payments
from shanhuo.payments.sandbox import SandboxProvider, sign
from shanhuo.payments.service import CallbackRejected
from tests.helpers.accounts import create_user
from tests.helpers.orders import (
    create_shop,
    order_status,
    pay_checkout,
    place_checkout,
    sandbox,
    sku_stock,
)


def _started(db: Session, prices: tuple[int, ...] = (4250,), quantity: int = 2):  # type: ignore[no-untyped-def]
    shop = create_shop(db, prices=prices, stock=10)
    other = create_shop(db, prices=(1000,), stock=10)
    buyer = create_user(db)
    result = place_checkout(db, buyer, [(shop.skus[0].id, quantity), (other.skus[0].id, 1)])
    provider = sandbox()
    payment, url = payments.start_payment(
        db, checkout_id=result.checkout.id, buyer_id=buyer.id, provider=provider, now=utcnow()
    )
    return shop, other, buyer, result, provider, payment, url


def _count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_start_payment_amount_is_sum_of_orders_and_reused(db: Session) -> None:
    _, _, buyer, result, provider, payment, url = _started(db)
    assert payment.amount_fen == sum(o.total_fen for o in result.orders) == 2 * 4250 + 1000
    assert url == f"/pay/sandbox/{payment.provider_ref}"
    again, _ = payments.start_payment(
        db, checkout_id=result.checkout.id, buyer_id=buyer.id, provider=provider, now=utcnow()
    )
    assert again.id == payment.id


def test_valid_success_pays_every_order_with_settlements(db: Session) -> None:
    shop, other, _, result, provider, payment, _ = _started(db)
    body, signature = provider.notification(payment, status="succeeded", now=utcnow())
    outcome = payments.handle_callback(
        db,
        body=body,
        signature=signature,
        provider=provider,
        now=utcnow(),
        fee_rate=Decimal("0.006"),
    )
    db.expire_all()
    assert outcome.status == "applied"
    assert payment.status == "succeeded" and payment.paid_at is not None
    assert db.get(Checkout, result.checkout.id).status == "paid"  # type: ignore[union-attr]
    assert [order_status(db, o.id) for o in result.orders] == ["paid", "paid"]
    assert sku_stock(db, shop.skus[0].id) == (8, 0)
    assert sku_stock(db, other.skus[0].id) == (9, 0)
    settlements = {
        s.order_id: (s.gross_fen, s.fee_fen, s.net_fen, s.status)
        for s in db.scalars(select(Settlement))
    }
    by_store = {o.store_id: o.id for o in result.orders}
    assert settlements == {
        by_store[shop.store.id]: (8500, 51, 8449, "pending"),
        by_store[other.store.id]: (1000, 6, 994, "pending"),
    }
    assert payments.money_problems(db) == []


def _assert_nothing_changed(db: Session, shop, result, payment) -> None:  # type: ignore[no-untyped-def]
    db.expire_all()
    assert payment.status == "created"
    assert [order_status(db, o.id) for o in result.orders] == ["pending_payment", "pending_payment"]
    assert sku_stock(db, shop.skus[0].id) == (10, 2)
    assert _count(db, Settlement) == 0
    assert _count(db, PaymentCallback) == 0


def test_forged_signature_is_rejected_and_recorded(
    db: Session, caplog: pytest.LogCaptureFixture
) -> None:
    shop, _, _, result, _, payment, _ = _started(db)
    forger = SandboxProvider("not-the-secret")
    body, bad_signature = forger.notification(payment, status="succeeded", now=utcnow())
    with pytest.raises(CallbackRejected) as err:
        payments.handle_callback(
            db, body=body, signature=bad_signature, provider=sandbox(), now=utcnow()
        )
    assert (err.value.code, err.value.status) == ("callback_signature_invalid", 401)
    rejected = db.scalars(select(RejectedCallback)).one()
    assert rejected.reason == "signature_invalid"
    assert bad_signature not in caplog.text
    assert "signature_invalid" in caplog.text
    _assert_nothing_changed(db, shop, result, payment)


def test_missing_signature_is_rejected(db: Session) -> None:
    shop, _, _, result, provider, payment, _ = _started(db)
    body, _ = provider.notification(payment, status="succeeded", now=utcnow())
    with pytest.raises(CallbackRejected) as err:
        payments.handle_callback(db, body=body, signature="", provider=provider, now=utcnow())
    assert err.value.code == "callback_signature_invalid"
    _assert_nothing_changed(db, shop, result, payment)


def test_wrong_amount_is_rejected_and_recorded(db: Session) -> None:
    shop, _, _, result, provider, payment, _ = _started(db)
    body, signature = provider.notification(
        payment, status="succeeded", now=utcnow(), amount_fen=payment.amount_fen - 1
    )
    with pytest.raises(CallbackRejected) as err:
        payments.handle_callback(
            db, body=body, signature=signature, provider=provider, now=utcnow()
        )
    assert (err.value.code, err.value.status) == ("callback_amount_mismatch", 400)
    assert db.scalars(select(RejectedCallback.reason)).all() == ["amount_mismatch"]
    _assert_nothing_changed(db, shop, result, payment)


def test_unknown_reference_is_404(db: Session) -> None:
    shop, _, _, result, provider, payment, _ = _started(db)
    body = b'{"amount_fen":1,"event_id":"e","paid_at":null,"provider_ref":"sbx_nope","status":"failed"}'
    with pytest.raises(CallbackRejected) as err:
        payments.handle_callback(
            db,
            body=body,
            signature=sign("sandbox-dev-payment-secret", body),
            provider=provider,
            now=utcnow(),
        )
    assert (err.value.code, err.value.status) == ("payment_not_found", 404)
    _assert_nothing_changed(db, shop, result, payment)


def test_replayed_callback_has_no_effect(db: Session) -> None:
    shop, _, _, _result, provider, payment, _ = _started(db)
    body, signature = provider.notification(payment, status="succeeded", now=utcnow())
    first = payments.handle_callback(
        db, body=body, signature=signature, provider=provider, now=utcnow()
    )
    db.expire_all()
    stock_after = sku_stock(db, shop.skus[0].id)
    settlements = _count(db, Settlement)
    second = payments.handle_callback(
        db, body=body, signature=signature, provider=provider, now=utcnow()
    )
    assert (first.status, second.status) == ("applied", "duplicate")
    assert sku_stock(db, shop.skus[0].id) == stock_after == (8, 0)
    assert _count(db, Settlement) == settlements == 2
    assert _count(db, PaymentCallback) == 1


def test_second_success_event_does_not_charge_twice(db: Session) -> None:
    shop, _, _, _, provider, payment, _ = _started(db)
    for expected in ("applied", "ignored"):
        body, signature = provider.notification(payment, status="succeeded", now=utcnow())
        assert (
            payments.handle_callback(
                db, body=body, signature=signature, provider=provider, now=utcnow()
            ).status
            == expected
        )
    assert sku_stock(db, shop.skus[0].id) == (8, 0)
    assert _count(db, Settlement) == 2


def test_failed_payment_then_retry_succeeds(db: Session) -> None:
    shop, _, buyer, result, provider, payment, _ = _started(db)
    body, signature = provider.notification(payment, status="failed", now=utcnow())
    assert (
        payments.handle_callback(
            db, body=body, signature=signature, provider=provider, now=utcnow()
        ).status
        == "failed"
    )
    db.expire_all()
    assert payment.status == "failed"
    assert [order_status(db, o.id) for o in result.orders] == ["pending_payment", "pending_payment"]
    assert pay_checkout(db, buyer, result.checkout.id).status == "applied"
    assert sku_stock(db, shop.skus[0].id) == (8, 0)
