"""Deals and the batch intake through the services: pool taken from stock, exact allocation,
per-buyer limits, idempotent retries, phases, and what timeouts and the end do to the units."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.kit.errors import Conflict, Invalid, ShanhuoError
from shanhuo.kit.timeutil import utcnow
from shanhuo.live import deals
from shanhuo.live.placement import Ticket, place_batch
from shanhuo.live.schemas import DealCreate, DealOrderRead
from shanhuo.models import LiveDeal, LiveDealOrder, LiveEvent, Order, OrderLine
from shanhuo.orders import coupons as order_coupons
from shanhuo.orders import service as orders_service
from tests.helpers.accounts import create_user
from tests.helpers.coupons import claim_coupon, create_coupon
from tests.helpers.live import buy, create_live_room, deal_counts, open_deal, order_body
from tests.helpers.orders import WUGONG, ensure_county, order_status, pay_checkout, sku_stock


def codes(outcomes: list[object]) -> list[str]:
    return [o.code if isinstance(o, ShanhuoError) else "ok" for o in outcomes]


def test_creating_a_deal_moves_its_pool_out_of_the_sku(db: Session) -> None:
    setup = create_live_room(db, stock=20)
    deal = open_deal(db, setup, pool=8)
    assert sku_stock(db, setup.sku.id) == (12, 0)
    assert deal_counts(db, deal.id) == (8, 0, 0)
    assert db.scalar(select(func.count()).where(LiveEvent.kind == "deal_open")) == 1


def test_a_deal_larger_than_the_stock_is_refused_and_changes_nothing(db: Session) -> None:
    setup = create_live_room(db, stock=5)
    with pytest.raises(Conflict) as caught:
        open_deal(db, setup, pool=6)
    assert caught.value.code == "deal_pool_exceeds_stock"
    assert sku_stock(db, setup.sku.id) == (5, 0)
    assert db.scalar(select(func.count()).select_from(LiveDeal)) == 0


@pytest.mark.parametrize(
    ("countdown", "duration", "code"),
    [
        (9, 300, "deal_countdown_out_of_range"),
        (301, 300, "deal_countdown_out_of_range"),
        (10, 59, "deal_duration_out_of_range"),
        (10, 1201, "deal_duration_out_of_range"),
    ],
)
def test_deal_times_out_of_range_are_refused(
    db: Session, countdown: int, duration: int, code: str
) -> None:
    setup = create_live_room(db, stock=5)
    with pytest.raises(Invalid) as caught:
        deals.create_deal(
            db,
            setup.room,
            DealCreate(
                room_product_id=setup.item.id,
                price_fen=100,
                pool=1,
                countdown_seconds=countdown,
                duration_seconds=duration,
            ),
            now=utcnow(),
        )
    assert caught.value.code == code
    assert sku_stock(db, setup.sku.id) == (5, 0)


def test_a_batch_sells_exactly_the_pool_first_come_first_served(db: Session) -> None:
    setup = create_live_room(db, stock=50)
    deal = open_deal(db, setup, pool=3, limit=1, price_fen=990)
    buyers = [create_user(db) for _ in range(5)]
    outcomes = buy(db, deal, buyers)
    assert codes(outcomes) == ["ok", "ok", "ok", "deal_sold_out", "deal_sold_out"]
    assert deal_counts(db, deal.id) == (3, 3, 0)
    # The three units sit on the SKU as holds of unpaid orders, at the deal price.
    assert sku_stock(db, setup.sku.id) == (50, 3)
    lines = db.execute(select(OrderLine.unit_price_fen, OrderLine.quantity)).all()
    assert sorted(lines) == [(990, 1)] * 3
    orders = db.scalars(select(Order)).all()
    assert {(o.deal_id, o.live_session_id, o.status) for o in orders} == {
        (deal.id, setup.live.id, "pending_payment")
    }
    assert db.scalar(select(func.count()).where(LiveEvent.kind == "sold_out")) == 1


def test_the_per_buyer_limit_holds_across_batches(db: Session) -> None:
    setup = create_live_room(db, stock=50)
    deal = open_deal(db, setup, pool=10, limit=2)
    buyer = create_user(db)
    assert codes(buy(db, deal, [buyer], quantity=2)) == ["ok"]
    assert codes(buy(db, deal, [buyer], quantity=1)) == ["deal_limit_exceeded"]
    assert codes(buy(db, deal, [buyer, buyer])) == ["deal_limit_exceeded", "deal_limit_exceeded"]
    assert deal_counts(db, deal.id) == (10, 2, 0)


def test_more_than_the_limit_in_one_request_is_refused(db: Session) -> None:
    setup = create_live_room(db, stock=50)
    deal = open_deal(db, setup, pool=10, limit=2)
    assert codes(buy(db, deal, [create_user(db)], quantity=3)) == ["deal_limit_exceeded"]
    assert deal_counts(db, deal.id) == (10, 0, 0)
    assert db.scalar(select(func.count()).select_from(Order)) == 0


def test_a_retried_key_returns_the_first_order(db: Session) -> None:
    setup = create_live_room(db, stock=50)
    deal = open_deal(db, setup, pool=10, limit=5)
    buyer = create_user(db)
    first = buy(db, deal, [buyer], key="k-1")[0]
    again = buy(db, deal, [buyer], key="k-1")[0]
    assert isinstance(first, DealOrderRead) and isinstance(again, DealOrderRead)
    assert (first.created, again.created, again.order_id) == (True, False, first.order_id)
    assert deal_counts(db, deal.id) == (10, 1, 0)
    assert db.scalar(select(func.count()).select_from(LiveDealOrder)) == 1


def test_the_same_key_twice_in_one_batch_places_one_order(db: Session) -> None:
    setup = create_live_room(db, stock=50)
    deal = open_deal(db, setup, pool=10, limit=5)
    buyer = create_user(db)
    ticket = Ticket(deal_id=deal.id, key="dup", body=order_body(), buyer_id=buyer.id)
    out = place_batch(
        db, deal_id=deal.id, tickets=[ticket, ticket], now=utcnow(), payment_minutes=10
    )
    assert isinstance(out[0], DealOrderRead) and isinstance(out[1], DealOrderRead)
    assert (out[0].created, out[1].created, out[1].order_id) == (True, False, out[0].order_id)
    assert deal_counts(db, deal.id) == (10, 1, 0)


def test_ordering_before_the_deal_opens_or_after_it_ends_is_refused(db: Session) -> None:
    setup = create_live_room(db, stock=50)
    deal = open_deal(db, setup, pool=5, opened_ago=-5)
    buyer = create_user(db)
    assert codes(buy(db, deal, [buyer])) == ["deal_not_open_yet"]
    assert codes(buy(db, deal, [buyer], now=deal.ends_at)) == ["deal_ended"]
    assert deal_counts(db, deal.id) == (5, 0, 0)
    assert db.scalar(select(func.count()).select_from(Order)) == 0


def test_the_end_returns_unsold_units_to_the_sku(db: Session) -> None:
    setup = create_live_room(db, stock=20)
    deal = open_deal(db, setup, pool=8)
    buy(db, deal, [create_user(db), create_user(db)])
    result = deals.sweep(db, now=deal.ends_at)
    assert result.ended == [deal.id]
    assert deal_counts(db, deal.id) == (8, 2, 6)
    assert sku_stock(db, setup.sku.id) == (20, 2)  # 12 free + 6 back + 2 held
    assert deals.sweep(db, now=deal.ends_at).ended == []  # never twice


def test_a_timed_out_deal_order_goes_back_to_the_pool_while_the_deal_is_open(db: Session) -> None:
    setup = create_live_room(db, stock=20)
    deal = open_deal(db, setup, pool=2, limit=1, duration=600)
    buyer = create_user(db)
    first = buy(db, deal, [buyer], payment_minutes=1)[0]
    assert isinstance(first, DealOrderRead)
    later = utcnow() + timedelta(minutes=2)
    result = deals.sweep(db, now=later)
    assert (result.expired_orders, result.released) == (1, {"to_pool": 1})
    assert order_status(db, first.order_id) == "cancelled"
    assert deal_counts(db, deal.id) == (2, 0, 0)
    assert sku_stock(db, setup.sku.id) == (18, 0)
    # The buyer may try again: the counter went down with the order.
    assert codes(buy(db, deal, [buyer], now=later)) == ["ok"]


def test_a_timed_out_deal_order_after_the_end_stays_with_the_sku(db: Session) -> None:
    setup = create_live_room(db, stock=20)
    deal = open_deal(db, setup, pool=4, limit=1, duration=60)
    first = buy(db, deal, [create_user(db)])[0]
    assert isinstance(first, DealOrderRead)
    deals.sweep(db, now=deal.ends_at)
    assert deal_counts(db, deal.id) == (4, 1, 3)
    result = deals.sweep(db, now=deal.ends_at + timedelta(minutes=11))
    assert result.released == {"to_sku": 1}
    assert deal_counts(db, deal.id) == (4, 0, 4)
    assert sku_stock(db, setup.sku.id) == (20, 0)


def test_a_paid_deal_order_leaves_the_shelf(db: Session) -> None:
    setup = create_live_room(db, stock=20)
    deal = open_deal(db, setup, pool=4, limit=1)
    buyer = create_user(db)
    placed = buy(db, deal, [buyer])[0]
    assert isinstance(placed, DealOrderRead)
    outcome = pay_checkout(db, buyer, placed.checkout_id)
    assert outcome.status == "applied"
    assert order_status(db, placed.order_id) == "paid"
    assert sku_stock(db, setup.sku.id) == (16, 0)  # 16 free; 3 still in the pool; 1 sold
    assert deal_counts(db, deal.id) == (4, 1, 0)


def test_a_cancelled_order_of_an_ended_deal_is_reconciled(db: Session) -> None:
    setup = create_live_room(db, stock=10)
    deal = open_deal(db, setup, pool=2, limit=1)
    buyer = create_user(db)
    placed = buy(db, deal, [buyer])[0]
    assert isinstance(placed, DealOrderRead)
    orders_service.cancel(db, order_id=placed.order_id, user_id=buyer.id, roles=set(), now=utcnow())
    deals.sweep(db, now=utcnow())
    assert deal_counts(db, deal.id) == (2, 0, 0)
    assert sku_stock(db, setup.sku.id) == (8, 0)


def test_a_batch_marks_each_coupon_claim_used_by_its_own_order(db: Session) -> None:
    """Several buyers in one batch, each with their own claim of the room's coupon (one
    statement marks them all): every claim points at its buyer's order, the discount is
    on that order, and a buyer without a coupon pays the full price."""
    setup = create_live_room(db, stock=50)
    deal = open_deal(db, setup, pool=10, limit=1, price_fen=990)
    coupon = create_coupon(db, setup.shop.store, amount_off_fen=300)
    buyers = [create_user(db) for _ in range(4)]
    claims = {b.id: claim_coupon(db, coupon, b) for b in buyers[:3]}
    ensure_county(db, WUGONG)
    tickets = [
        Ticket(
            deal_id=deal.id,
            key=uuid.uuid4().hex,
            body=order_body(coupon_claim_id=claims[b.id].id if b.id in claims else None),
            buyer_id=b.id,
        )
        for b in buyers
    ]
    outcomes = place_batch(db, deal_id=deal.id, tickets=tickets, now=utcnow(), payment_minutes=10)
    placed = [o for o in outcomes if isinstance(o, DealOrderRead)]
    assert len(placed) == 4
    for buyer, read in zip(buyers, placed, strict=True):
        order = db.get(Order, read.order_id)
        assert order is not None and order.buyer_id == buyer.id
        if buyer.id in claims:
            db.refresh(claims[buyer.id])
            assert claims[buyer.id].order_id == read.order_id
            assert claims[buyer.id].used_at is not None
            assert (order.discount_fen, order.total_fen) == (300, 690)
        else:
            assert (order.discount_fen, order.total_fen) == (0, 990)


def test_using_claims_already_used_is_refused_and_changes_nothing(db: Session) -> None:
    setup = create_live_room(db, stock=50)
    deal = open_deal(db, setup, pool=10, limit=1)
    coupon = create_coupon(db, setup.shop.store)
    buyers = [create_user(db) for _ in range(2)]
    free, taken = (claim_coupon(db, coupon, b) for b in buyers)
    orders = [o.order_id for o in buy(db, deal, buyers) if isinstance(o, DealOrderRead)]
    order_coupons.use_claim(db, claim_id=taken.id, order_id=orders[1], now=utcnow())
    with pytest.raises(ShanhuoError) as caught, db.begin_nested():
        # The caller's transaction is abandoned when this raises (a refused batch's is).
        order_coupons.use_claims(db, [(free.id, orders[0]), (taken.id, orders[0])], now=utcnow())
    assert caught.value.code == "coupon_claim_used"
    db.refresh(free)
    db.refresh(taken)
    assert (free.order_id, taken.order_id) == (None, orders[1])
