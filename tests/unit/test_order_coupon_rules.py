"""Which live-room coupon claims a marketplace checkout may use, and how much each takes off
(pure rules, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shanhuo.kit.errors import ShanhuoError
from shanhuo.live import rules as live_rules
from shanhuo.orders import rules
from shanhuo.orders.rules import AppliedCoupon, ClaimTerms, assign_coupons

NOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
BUYER = 7


def _terms(
    claim_id: int,
    *,
    store_id: int = 1,
    buyer_id: int = BUYER,
    order_id: int | None = None,
    amount_off_fen: int = 500,
    min_spend_fen: int = 5000,
    use_until: datetime = NOW + timedelta(hours=1),
) -> ClaimTerms:
    return ClaimTerms(
        claim_id=claim_id,
        buyer_id=buyer_id,
        order_id=order_id,
        store_id=store_id,
        amount_off_fen=amount_off_fen,
        min_spend_fen=min_spend_fen,
        use_until=use_until,
    )


def _assign(
    claim_ids: list[int], found: list[ClaimTerms], items: dict[int, int]
) -> dict[int, AppliedCoupon]:
    return assign_coupons(
        claim_ids,
        {t.claim_id: t for t in found},
        buyer_id=BUYER,
        items_by_store=items,
        now=NOW,
    )


def test_live_rules_re_export_the_one_discount_rule() -> None:
    assert live_rules.coupon_discount is rules.coupon_discount


def test_coupon_discount() -> None:
    assert rules.coupon_discount(items_fen=4999, amount_off_fen=500, min_spend_fen=5000) == 0
    assert rules.coupon_discount(items_fen=5000, amount_off_fen=500, min_spend_fen=5000) == 500
    assert rules.coupon_discount(items_fen=300, amount_off_fen=500, min_spend_fen=0) == 300


def test_order_discount_leaves_one_fen_to_pay() -> None:
    kw = {"shipping_fen": 0, "min_spend_fen": 0}
    assert rules.order_discount(items_fen=300, amount_off_fen=500, **kw) == 299
    assert rules.order_discount(items_fen=300, amount_off_fen=299, **kw) == 299
    assert rules.order_discount(items_fen=300, amount_off_fen=100, **kw) == 100
    assert (
        rules.order_discount(items_fen=300, amount_off_fen=500, shipping_fen=50, min_spend_fen=0)
        == 300
    )
    assert rules.order_discount(items_fen=1, amount_off_fen=500, **kw) == 0
    assert (
        rules.order_discount(items_fen=4999, amount_off_fen=500, shipping_fen=0, min_spend_fen=5000)
        == 0
    )


def test_one_coupon_per_store_applied() -> None:
    applied = _assign(
        [11, 12],
        [_terms(11, store_id=1), _terms(12, store_id=2, amount_off_fen=800, min_spend_fen=0)],
        {1: 6000, 2: 3000, 3: 100},
    )
    assert applied == {1: AppliedCoupon(11, 500), 2: AppliedCoupon(12, 800)}


def test_no_claims_applies_nothing() -> None:
    assert _assign([], [], {1: 6000}) == {}


def test_claim_usable() -> None:
    assert rules.claim_usable(_terms(1), buyer_id=BUYER, now=NOW)
    assert not rules.claim_usable(_terms(1, buyer_id=8), buyer_id=BUYER, now=NOW)
    assert not rules.claim_usable(_terms(1, order_id=3), buyer_id=BUYER, now=NOW)
    assert not rules.claim_usable(_terms(1, use_until=NOW), buyer_id=BUYER, now=NOW)


@pytest.mark.parametrize(
    ("claim_ids", "found", "items", "status", "code"),
    [
        ([99], [], {1: 6000}, 404, "coupon_claim_not_found"),
        ([11], [_terms(11, buyer_id=8)], {1: 6000}, 404, "coupon_claim_not_found"),
        ([11], [_terms(11, order_id=5)], {1: 6000}, 409, "coupon_claim_used"),
        ([11], [_terms(11, use_until=NOW)], {1: 6000}, 409, "coupon_expired"),
        ([11], [_terms(11, store_id=2)], {1: 6000}, 422, "coupon_wrong_store"),
        ([11], [_terms(11)], {1: 4999}, 422, "coupon_min_spend_not_met"),
        (
            [11, 12],
            [_terms(11), _terms(12, min_spend_fen=0)],
            {1: 6000},
            422,
            "coupon_one_per_order",
        ),
        ([11, 11], [_terms(11)], {1: 6000}, 422, "coupon_claim_repeated"),
    ],
    ids=[
        "unknown",
        "someone_elses",
        "used",
        "expired",
        "wrong_store",
        "below_min_spend",
        "two_for_one_order",
        "repeated",
    ],
)
def test_refusals(
    claim_ids: list[int],
    found: list[ClaimTerms],
    items: dict[int, int],
    status: int,
    code: str,
) -> None:
    with pytest.raises(ShanhuoError) as caught:
        _assign(claim_ids, found, items)
    assert (caught.value.status, caught.value.code) == (status, code)
    assert caught.value.message_zh and caught.value.message_en
    assert caught.value.extra["claim_id"] == claim_ids[-1]


def test_below_min_spend_names_both_amounts() -> None:
    with pytest.raises(ShanhuoError) as caught:
        _assign([11], [_terms(11)], {1: 4999})
    assert "¥49.99" in caught.value.message_zh and "¥50.00" in caught.value.message_en
    assert (caught.value.extra["items_fen"], caught.value.extra["min_spend_fen"]) == (4999, 5000)
