"""Live-room coupon claims at the marketplace checkout, through the service: the discount on
the store's order, the payment of the discounted sum, the claim marked used, replays, every
refusal changing nothing, a lost race caught by the guarded UPDATE, and refunds of a
discounted order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.kit.errors import ShanhuoError
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import Checkout, LiveCouponClaim, Order, Refund, User
from shanhuo.orders import checkout as checkout_module
from shanhuo.orders import coupons, rules
from shanhuo.orders.checkout import canonical_request
from shanhuo.orders.schemas import CheckoutCreate, CheckoutLineIn
from shanhuo.payments import service as payments
from tests.helpers.accounts import create_user
from tests.helpers.coupons import claim_coupon, create_claim, create_coupon
from tests.helpers.orders import (
    KUNMING_WUHUA,
    WUGONG,
    Shop,
    create_shop,
    order_status,
    pay_checkout,
    payment_for,
    place_checkout,
    sandbox,
    sku_stock,
)


def _claim_state(db: Session, claim_id: int) -> tuple[int | None, bool]:
    db.expire_all()
    claim = db.get(LiveCouponClaim, claim_id)
    assert claim is not None
    return claim.order_id, claim.used_at is not None


def _counts(db: Session) -> tuple[int, int]:
    return (
        db.scalar(select(func.count()).select_from(Checkout)) or 0,
        db.scalar(select(func.count()).select_from(Order)) or 0,
    )


def _two_shops(db: Session) -> tuple[Shop, Shop, User]:
    kiwi = create_shop(db, prices=(3990,), stock=10)
    flowers = create_shop(db, county=KUNMING_WUHUA, prices=(2990,), stock=10)
    return kiwi, flowers, create_user(db)


def test_discount_applied_paid_and_claim_used(db: Session) -> None:
    kiwi, flowers, buyer = _two_shops(db)
    claim = create_claim(db, kiwi.store, buyer, amount_off_fen=500, min_spend_fen=5000)
    now = utcnow()
    result = place_checkout(
        db,
        buyer,
        [(kiwi.skus[0].id, 2), (flowers.skus[0].id, 1)],
        key="k1",
        now=now,
        coupon_claim_ids=[claim.id],
    )
    by_store = {o.store_id: o for o in result.orders}
    kiwi_order, flower_order = by_store[kiwi.store.id], by_store[flowers.store.id]
    assert (kiwi_order.items_fen, kiwi_order.discount_fen, kiwi_order.total_fen) == (
        7980,
        500,
        7480,
    )
    assert (flower_order.items_fen, flower_order.discount_fen, flower_order.total_fen) == (
        2990,
        0,
        2990,
    )
    assert result.checkout.total_fen == 7480 + 2990
    assert _claim_state(db, claim.id) == (kiwi_order.id, True)

    outcome = pay_checkout(db, buyer, result.checkout.id)
    assert outcome.status == "applied"
    assert payment_for(db, result.checkout.id).amount_fen == 7480 + 2990
    assert order_status(db, kiwi_order.id) == "paid"


def test_replay_with_same_key_returns_same_checkout(db: Session) -> None:
    shop = create_shop(db, prices=(3990,), stock=10)
    buyer = create_user(db)
    claim = create_claim(db, shop.store, buyer, amount_off_fen=500)
    first = place_checkout(db, buyer, [(shop.skus[0].id, 1)], key="k1", coupon_claim_ids=[claim.id])
    again = place_checkout(db, buyer, [(shop.skus[0].id, 1)], key="k1", coupon_claim_ids=[claim.id])
    assert (again.created, again.checkout.id) == (False, first.checkout.id)
    assert [o.id for o in again.orders] == [o.id for o in first.orders]
    assert again.checkout.total_fen == 3490
    assert _counts(db) == (1, 1) and sku_stock(db, shop.skus[0].id) == (10, 1)
    assert _claim_state(db, claim.id) == (first.orders[0].id, True)


def test_used_claim_refused_for_a_new_checkout(db: Session) -> None:
    shop = create_shop(db, prices=(3990,), stock=10)
    buyer = create_user(db)
    claim = create_claim(db, shop.store, buyer)
    first = place_checkout(db, buyer, [(shop.skus[0].id, 1)], key="k1", coupon_claim_ids=[claim.id])
    with pytest.raises(ShanhuoError) as caught:
        place_checkout(db, buyer, [(shop.skus[0].id, 1)], key="k2", coupon_claim_ids=[claim.id])
    assert (caught.value.status, caught.value.code) == (409, "coupon_claim_used")
    assert _counts(db) == (1, 1) and sku_stock(db, shop.skus[0].id) == (10, 1)
    assert _claim_state(db, claim.id) == (first.orders[0].id, True)


def test_claim_order_does_not_change_the_request() -> None:
    def body(ids: list[int]) -> CheckoutCreate:
        return CheckoutCreate(
            recipient_name="王小明",
            recipient_mobile="13912345678",
            region_code=WUGONG,
            address="幸福路 1 号",
            lines=[CheckoutLineIn(sku_id=1, quantity=1)],
            coupon_claim_ids=ids,
        )

    assert canonical_request(body([3, 1])) == canonical_request(body([1, 3]))
    # A body without coupons fingerprints exactly as before coupons existed.
    assert "coupon_claim_ids" not in canonical_request(body([]))


def test_discount_never_takes_the_order_to_zero(db: Session) -> None:
    shop = create_shop(db, prices=(300,), stock=10)
    buyer = create_user(db)
    claim = create_claim(db, shop.store, buyer, amount_off_fen=1000, min_spend_fen=0)
    result = place_checkout(db, buyer, [(shop.skus[0].id, 1)], coupon_claim_ids=[claim.id])
    order = result.orders[0]
    assert (order.items_fen, order.discount_fen, order.total_fen) == (300, 299, 1)
    assert result.checkout.total_fen == 1


def _refusal_case(db: Session, case: str) -> tuple[Shop, User, list[int]]:
    """A shop (one SKU at ¥39.90), a buyer and the claim ids of the bad request."""
    shop = create_shop(db, prices=(3990,), stock=10)
    buyer = create_user(db)
    if case == "unknown":
        return shop, buyer, [987654]
    if case == "someone_elses":
        other = create_user(db)
        return shop, buyer, [create_claim(db, shop.store, other).id]
    if case == "used":
        claim = create_claim(db, shop.store, buyer)
        earlier = place_checkout(db, buyer, [(shop.skus[0].id, 1)])
        claim.order_id, claim.used_at = earlier.orders[0].id, utcnow()
        db.flush()
        return shop, buyer, [claim.id]
    if case == "expired":
        expired = create_claim(db, shop.store, buyer, use_until=utcnow() - timedelta(seconds=1))
        return shop, buyer, [expired.id]
    if case == "wrong_store":
        elsewhere = create_shop(db, county=KUNMING_WUHUA)
        return shop, buyer, [create_claim(db, elsewhere.store, buyer).id]
    if case == "below_min_spend":
        return shop, buyer, [create_claim(db, shop.store, buyer, min_spend_fen=8000).id]
    if case == "two_for_one_order":
        first = create_claim(db, shop.store, buyer, amount_off_fen=300)
        second = create_claim(db, shop.store, buyer, amount_off_fen=500)
        return shop, buyer, [first.id, second.id]
    if case == "repeated":
        claim = create_claim(db, shop.store, buyer)
        return shop, buyer, [claim.id, claim.id]
    raise AssertionError(case)


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("unknown", 404, "coupon_claim_not_found"),
        ("someone_elses", 404, "coupon_claim_not_found"),
        ("used", 409, "coupon_claim_used"),
        ("expired", 409, "coupon_expired"),
        ("wrong_store", 422, "coupon_wrong_store"),
        ("below_min_spend", 422, "coupon_min_spend_not_met"),
        ("two_for_one_order", 422, "coupon_one_per_order"),
        ("repeated", 422, "coupon_claim_repeated"),
    ],
)
def test_refusals_change_nothing(db: Session, case: str, status: int, code: str) -> None:
    shop, buyer, claim_ids = _refusal_case(db, case)
    before_counts = _counts(db)
    before_stock = sku_stock(db, shop.skus[0].id)
    before_claims = db.execute(
        select(LiveCouponClaim.id, LiveCouponClaim.order_id, LiveCouponClaim.used_at).order_by(
            LiveCouponClaim.id
        )
    ).all()
    with pytest.raises(ShanhuoError) as caught:
        place_checkout(db, buyer, [(shop.skus[0].id, 2)], key="bad", coupon_claim_ids=claim_ids)
    assert (caught.value.status, caught.value.code) == (status, code)
    db.expire_all()
    assert _counts(db) == before_counts
    assert sku_stock(db, shop.skus[0].id) == before_stock
    assert (
        db.execute(
            select(LiveCouponClaim.id, LiveCouponClaim.order_id, LiveCouponClaim.used_at).order_by(
                LiveCouponClaim.id
            )
        ).all()
        == before_claims
    )


def test_lost_race_is_caught_by_the_guarded_update(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Race injection: the checkout read the claim as unused, but another request used it
    before this one's UPDATE — the UPDATE matches no row and the whole checkout rolls back."""
    shop = create_shop(db, prices=(3990,), stock=10)
    buyer = create_user(db)
    claim = create_claim(db, shop.store, buyer)
    stale = coupons.claim_terms(db, [claim.id])
    winner = place_checkout(db, buyer, [(shop.skus[0].id, 1)], coupon_claim_ids=[claim.id])
    monkeypatch.setattr(checkout_module.coupons, "claim_terms", lambda _s, _ids: stale)
    with pytest.raises(ShanhuoError) as caught:
        place_checkout(db, buyer, [(shop.skus[0].id, 3)], coupon_claim_ids=[claim.id])
    assert (caught.value.status, caught.value.code) == (409, "coupon_claim_used")
    assert _counts(db) == (1, 1) and sku_stock(db, shop.skus[0].id) == (10, 1)
    assert _claim_state(db, claim.id) == (winner.orders[0].id, True)


def test_usable_claims_per_store(db: Session) -> None:
    kiwi, flowers, buyer = _two_shops(db)
    other = create_user(db)
    small = create_claim(db, kiwi.store, buyer, amount_off_fen=300)
    big = create_claim(db, kiwi.store, buyer, amount_off_fen=800, min_spend_fen=9000)
    create_claim(db, kiwi.store, buyer, use_until=utcnow() - timedelta(minutes=1))
    create_claim(db, kiwi.store, other)
    shared = create_coupon(db, flowers.store, amount_off_fen=200)
    claim_coupon(db, shared, other)
    used = create_claim(db, flowers.store, buyer)
    used.order_id = place_checkout(db, buyer, [(flowers.skus[0].id, 1)]).orders[0].id
    db.flush()
    options = coupons.usable_claims(
        db, buyer_id=buyer.id, store_ids=[kiwi.store.id, flowers.store.id], now=utcnow()
    )
    assert [o.claim_id for o in options[kiwi.store.id]] == [big.id, small.id]
    assert options[flowers.store.id] == []
    assert rules.claim_usable(
        coupons.claim_terms(db, [small.id])[small.id], buyer_id=buyer.id, now=utcnow()
    )


def test_refund_of_a_discounted_order_returns_what_was_paid(db: Session) -> None:
    """Refunds use the order's total (after the discount), never its items amount."""
    shop = create_shop(db, prices=(3990,), stock=10)
    buyer = create_user(db)
    claim = create_claim(db, shop.store, buyer, amount_off_fen=500)
    result = place_checkout(db, buyer, [(shop.skus[0].id, 2)], coupon_claim_ids=[claim.id])
    pay_checkout(db, buyer, result.checkout.id)
    order = result.orders[0]
    refund = payments.refund_order(
        db,
        order_id=order.id,
        user_id=shop.owner_id,
        roles=["buyer", "seller"],
        reason="缺货",
        provider=sandbox(),
        now=utcnow(),
    )
    assert refund.amount_fen == 7480 == payment_for(db, result.checkout.id).amount_fen
    assert db.scalar(select(func.sum(Refund.amount_fen))) == 7480
    db.expire_all()
    refunded = db.get(Order, order.id)
    assert refunded is not None
    assert (refunded.status, refunded.refunded_fen) == ("refunded", 7480)


def test_an_order_cancelled_unpaid_gives_the_claim_back(db: Session) -> None:
    """A payment timeout or the buyer's cancel before paying must not cost the coupon; a
    paid order keeps it used."""
    from shanhuo.orders import service

    shop = create_shop(db, prices=(3990,), stock=10)
    buyer = create_user(db)
    claim = create_claim(db, shop.store, buyer, amount_off_fen=500)
    now = utcnow()
    first = place_checkout(
        db, buyer, [(shop.skus[0].id, 1)], key="k1", now=now, coupon_claim_ids=[claim.id]
    )
    assert service.expire_unpaid(db, now=now + timedelta(days=1)) == 1
    assert order_status(db, first.orders[0].id) == "cancelled"
    assert _claim_state(db, claim.id) == (None, False)

    second = place_checkout(
        db, buyer, [(shop.skus[0].id, 1)], key="k2", coupon_claim_ids=[claim.id]
    )
    assert second.orders[0].discount_fen == 500
    assert pay_checkout(db, buyer, second.checkout.id).status == "applied"
    assert _claim_state(db, claim.id) == (second.orders[0].id, True)
