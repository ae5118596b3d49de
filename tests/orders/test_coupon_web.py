"""Coupons at checkout over HTTP: the JSON API (discount, replay, a refusal as problem+json
with nothing changed) and the checkout page (the per-store coupon select, the discounted
total after submitting, an error that keeps the choice)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.models import Checkout, LiveCouponClaim
from tests.helpers.accounts import auth_headers, create_user
from tests.helpers.coupons import create_claim
from tests.helpers.orders import KUNMING_WUHUA, WUGONG, checkout_body, create_shop, sku_stock

HTML = {"Accept": "text/html"}


def _claim_order(db: Session, claim_id: int) -> int | None:
    db.expire_all()
    return db.scalar(select(LiveCouponClaim.order_id).where(LiveCouponClaim.id == claim_id))


def test_api_checkout_with_a_coupon_then_replay(client: TestClient, db: Session) -> None:
    shop = create_shop(db, prices=(3990,), stock=10)
    buyer = create_user(db)
    claim = create_claim(db, shop.store, buyer, amount_off_fen=500, min_spend_fen=5000)
    headers = {**auth_headers(db, buyer), "Idempotency-Key": "coupon-1"}
    body = {**checkout_body([(shop.skus[0].id, 2)]), "coupon_claim_ids": [claim.id]}
    first = client.post("/api/checkouts", json=body, headers=headers)
    assert first.status_code == 201, first.text
    data = first.json()
    order = data["orders"][0]
    assert (order["items_fen"], order["discount_fen"], order["total_fen"]) == (7980, 500, 7480)
    assert data["total_fen"] == 7480
    assert _claim_order(db, claim.id) == order["id"]
    again = client.post("/api/checkouts", json=body, headers=headers)
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert again.json()["total_fen"] == 7480


def test_api_refusal_is_problem_json_and_changes_nothing(client: TestClient, db: Session) -> None:
    shop = create_shop(db, prices=(3990,), stock=10)
    buyer = create_user(db)
    claim = create_claim(db, shop.store, buyer, amount_off_fen=500, min_spend_fen=5000)
    headers = {**auth_headers(db, buyer), "Idempotency-Key": "coupon-2"}
    body = {**checkout_body([(shop.skus[0].id, 1)]), "coupon_claim_ids": [claim.id]}
    response = client.post("/api/checkouts", json=body, headers=headers)
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "coupon_min_spend_not_met"
    assert problem["message_zh"].startswith("该店铺订单商品金额 ¥39.90")
    assert (problem["items_fen"], problem["min_spend_fen"]) == (3990, 5000)
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Checkout)) == 0
    assert sku_stock(db, shop.skus[0].id) == (10, 0)
    assert _claim_order(db, claim.id) is None


def test_api_rejects_a_non_positive_claim_id(client: TestClient, db: Session) -> None:
    shop = create_shop(db)
    buyer = create_user(db)
    headers = {**auth_headers(db, buyer), "Idempotency-Key": "coupon-3"}
    body = {**checkout_body([(shop.skus[0].id, 1)]), "coupon_claim_ids": [0]}
    response = client.post("/api/checkouts", json=body, headers=headers)
    assert (response.status_code, response.json()["code"]) == (422, "validation_failed")


def _key(html: str) -> str:
    match = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', html)
    assert match
    return match.group(1)


def _form(html: str, **extra: str) -> dict[str, str]:
    return {
        "idempotency_key": _key(html),
        "recipient_name": "李四",
        "recipient_mobile": "13912345678",
        "region_code": WUGONG,
        "address": "普集街 8 号",
        **extra,
    }


def test_checkout_page_offers_the_stores_coupons(client: TestClient, db: Session) -> None:
    kiwi = create_shop(db, prices=(2500,), stock=10)
    flowers = create_shop(db, county=KUNMING_WUHUA, prices=(1000,), stock=10)
    buyer = create_user(db)
    usable = create_claim(
        db,
        kiwi.store,
        buyer,
        amount_off_fen=500,
        min_spend_fen=5000,
        use_until=datetime(2030, 1, 1, 16, 30, tzinfo=UTC),  # 2030-01-02 00:30 in Shanghai
    )
    too_big = create_claim(db, kiwi.store, buyer, amount_off_fen=2000, min_spend_fen=20000)
    headers = {**auth_headers(db, buyer), **HTML}
    for sku_id in (kiwi.skus[0].id, flowers.skus[0].id):
        client.post("/api/cart/items", json={"sku_id": sku_id, "quantity": 2}, headers=headers)
    page = client.get("/checkout", headers=headers)
    assert page.status_code == 200
    assert page.text.count('name="coupon_claim_id"') == 1  # only the store with claims
    assert "不使用优惠券" in page.text
    option = re.search(
        rf'<option value="{usable.id}" data-discount="500">(.*?)</option>', page.text, re.S
    )
    assert option, page.text
    assert "减¥5.00" in option.group(1) and "满¥50.00" in option.group(1)
    assert "至01-02 00:30" in option.group(1)
    assert re.search(rf'<option value="{too_big.id}" data-discount="0" disabled>', page.text)
    assert 'data-items-fen="7000">¥70.00<' in page.text
    english = client.get("/checkout?lang=en", headers=headers)
    assert "No coupon" in english.text and "¥5.00 off" in english.text


def _two_kiwis_at_checkout(
    client: TestClient, db: Session, *, claim_for_someone_else: bool = False
) -> tuple[LiveCouponClaim, dict[str, str], str]:
    """A buyer with 2 × ¥25.00 of one store in the cart, a 满50减5 claim of that store (the
    buyer's, or another person's), and the checkout page they see."""
    shop = create_shop(db, prices=(2500,), stock=10)
    buyer = create_user(db)
    owner = create_user(db) if claim_for_someone_else else buyer
    claim = create_claim(db, shop.store, owner, amount_off_fen=500, min_spend_fen=5000)
    headers = {**auth_headers(db, buyer), **HTML}
    client.post("/api/cart/items", json={"sku_id": shop.skus[0].id, "quantity": 2}, headers=headers)
    return claim, headers, client.get("/checkout", headers=headers).text


def test_checkout_page_submit_with_a_coupon_pays_the_discounted_total(
    client: TestClient, db: Session
) -> None:
    claim, headers, page = _two_kiwis_at_checkout(client, db)
    submitted = client.post(
        "/checkout", data=_form(page, coupon_claim_id=str(claim.id)), headers=headers
    )
    # The 307 → /checkouts/{id}/pay → 303 → the sandbox bank's page, with the amount to pay.
    assert submitted.status_code == 200 and "确认支付 Pay" in submitted.text
    assert "¥45.00" in submitted.text and "¥50.00" not in submitted.text
    checkout = db.scalars(select(Checkout)).one()
    assert checkout.total_fen == 4500
    assert _claim_order(db, claim.id) is not None
    order_page = client.get(f"/orders/{_claim_order(db, claim.id)}", headers=headers)
    assert "优惠券抵扣" in order_page.text and "-¥5.00" in order_page.text


def test_checkout_page_error_keeps_the_chosen_coupon(client: TestClient, db: Session) -> None:
    claim, headers, page = _two_kiwis_at_checkout(client, db)
    response = client.post(
        "/checkout",
        data=_form(page, coupon_claim_id=str(claim.id), region_code="999999"),
        headers=headers,
    )
    assert response.status_code == 422 and "unknown_region" in response.text
    assert re.search(rf'<option value="{claim.id}" data-discount="500" selected>', response.text)
    assert 'data-items-fen="5000">¥45.00<' in response.text and "-¥5.00" in response.text
    assert _claim_order(db, claim.id) is None


def test_checkout_page_someone_elses_claim_is_refused(client: TestClient, db: Session) -> None:
    theirs, headers, page = _two_kiwis_at_checkout(client, db, claim_for_someone_else=True)
    response = client.post(
        "/checkout", data=_form(page, coupon_claim_id=str(theirs.id)), headers=headers
    )
    assert response.status_code == 404 and "coupon_claim_not_found" in response.text
    assert "没有找到你领取的这张优惠券" in response.text
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Checkout)) == 0
    assert _claim_order(db, theirs.id) is None
