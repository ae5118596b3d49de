"""Real concurrency for coupons at checkout: one buyer's checkouts (each its own key) race to
use one claim, released together by a barrier. Exactly one may win: on PostgreSQL the guarded
``UPDATE ... WHERE order_id IS NULL`` decides (the losers wait for the winner's row lock, then
match no row); on SQLite BEGIN IMMEDIATE serialises the writers and the losers read the claim
as used."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from shanhuo.models import Checkout, LiveCouponClaim, Order, User
from tests.helpers.accounts import create_user
from tests.helpers.coupons import create_claim
from tests.helpers.orders import create_shop, place_checkout
from tests.orders.test_concurrency import _run_together

THREADS = 12


def _race_for_one_claim(engine: Engine) -> None:
    with Session(engine) as setup:
        shop = create_shop(setup, prices=(3990,), stock=50)
        buyer = create_user(setup)
        claim = create_claim(setup, shop.store, buyer, amount_off_fen=500)
        sku_id, buyer_id, claim_id = shop.skus[0].id, buyer.id, claim.id
        setup.commit()

    def buy(session: Session, _i: int) -> str:
        user = session.get(User, buyer_id)
        assert user is not None
        result = place_checkout(
            session, user, [(sku_id, 1)], key=uuid.uuid4().hex, coupon_claim_ids=[claim_id]
        )
        return f"ok:{result.orders[0].id}"

    outcomes = _run_together(engine, buy, THREADS)
    winners = [o for o in outcomes if o.startswith("ok:")]
    assert Counter(o if not o.startswith("ok:") else "ok" for o in outcomes) == Counter(
        {"ok": 1, "coupon_claim_used": THREADS - 1}
    )
    with Session(engine) as check:
        assert check.scalar(select(func.count()).select_from(Checkout)) == 1
        order_id, total, discount = check.execute(
            select(Order.id, Order.total_fen, Order.discount_fen)
        ).one()
        assert winners == [f"ok:{order_id}"]
        assert (total, discount) == (3490, 500)
        assert (
            check.scalar(select(LiveCouponClaim.order_id).where(LiveCouponClaim.id == claim_id))
            == order_id
        )


@pytest.mark.postgres_only
def test_one_claim_one_checkout_postgres(committed_engine: Engine, is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("PostgreSQL only")
    _race_for_one_claim(committed_engine)


def test_one_claim_one_checkout_sqlite(committed_engine: Engine, is_postgres: bool) -> None:
    if is_postgres:
        pytest.skip("the PostgreSQL variant covers it")
    _race_for_one_claim(committed_engine)
