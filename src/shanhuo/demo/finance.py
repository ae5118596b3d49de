"""Demo credit data on top of the foundation's demo marketplace.

- trains a scorecard on the SYNTHETIC history and promotes it (model m1);
- gives the first demo seller's store a 90-day trading record through the real services
  (checkout → sandbox payment → ship → deliver → confirm receipt), credits the settled sales to
  its balance, applies for credit (approved), accepts the offer (disbursed, with a schedule);
- a demo store with a short, thin record applies and is declined with reasons.

Sign in as seller 13900001000 and open /seller/credit; analysts (admin 13800000001 holds the
role) see /analyst/credit and /analyst/credit/reviews.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.config import Settings
from shanhuo.demo.data import DEMO_BUYERS, DEMO_SELLER_MOBILE_BASE
from shanhuo.finance import loans, service, training
from shanhuo.finance.policy import active_policy
from shanhuo.finance.schemas import ApplicationCreate
from shanhuo.models import CreditModel, Order, Product, Sku, Store, User
from shanhuo.orders import service as orders
from shanhuo.orders.checkout import place_checkout
from shanhuo.orders.schemas import CheckoutCreate, CheckoutLineIn
from shanhuo.payments import service as payments
from shanhuo.payments.sandbox import SandboxProvider
from shanhuo.payments.sandbox_bank import pay_in_sandbox

TRADING_ORDERS = 90


def _sell(
    session: Session, settings: Settings, rng: random.Random, store: Store, now: datetime
) -> int:
    """Past sales of ``store`` over the last 88 days, each carried as far as its age allows."""
    provider = SandboxProvider(settings.payment_sandbox_secret.get_secret_value())
    seller = session.get(User, store.owner_id)
    assert seller is not None
    buyers = list(session.scalars(select(User).where(User.mobile.in_([m for m, _ in DEMO_BUYERS]))))
    skus = list(
        session.scalars(
            select(Sku)
            .join(Product, Product.id == Sku.product_id)
            .where(Product.store_id == store.id)
        )
    )
    for sku in skus:  # the harvest came in: enough on the shelf for a season of sales
        sku.on_hand += 3 * TRADING_ORDERS
    session.flush()
    made = 0
    for n in range(TRADING_ORDERS):
        sku = rng.choice(skus)
        buyer = rng.choice(buyers)
        placed = now - timedelta(days=88 * (n + 0.5) / TRADING_ORDERS, minutes=rng.randint(0, 300))
        result = place_checkout(
            session,
            buyer_id=buyer.id,
            idempotency_key=f"demo-credit-{uuid.UUID(int=rng.getrandbits(128))}",
            request=CheckoutCreate(
                recipient_name=buyer.display_name or "买家",
                recipient_mobile=buyer.mobile,
                region_code="510107",
                address="成都市武侯区人民南路四段",
                lines=[CheckoutLineIn(sku_id=sku.id, quantity=rng.randint(1, 3))],
            ),
            now=placed,
            timeout_minutes=settings.payment_timeout_minutes,
        )
        paid_at = placed + timedelta(minutes=2)
        pay_in_sandbox(
            session,
            checkout_id=result.checkout.id,
            buyer_id=buyer.id,
            bank=provider,
            now=paid_at,
            fee_rate=settings.platform_fee_rate,
        )
        for order in result.orders:
            shipped = placed + timedelta(hours=rng.uniform(4, 30))
            delivered = shipped + timedelta(days=rng.uniform(1.5, 4))
            completed = delivered + timedelta(days=1)
            if shipped < now:
                orders.ship(
                    session,
                    order_id=order.id,
                    user_id=seller.id,
                    roles={"seller"},
                    tracking_number=f"SHC{order.id:09d}",
                    now=shipped,
                )
            if delivered < now:
                orders.deliver(
                    session, order_id=order.id, user_id=seller.id, roles={"seller"}, now=delivered
                )
            if completed < now:
                payments.complete_order(
                    session, order_id=order.id, user_id=buyer.id, roles={"buyer"}, now=completed
                )
        made += 1
    return made


def seed_finance(session: Session, settings: Settings, *, now: datetime, rng: random.Random) -> str:
    """Add the credit demo (the caller commits). Does nothing when a model already exists."""
    if session.scalar(select(func.count()).select_from(CreditModel)):
        return "credit demo already seeded"
    policy = active_policy(session, now=now)
    result = training.train(session, policy=policy, now=now)
    training.promote(session, result.model.version, now=now)

    seller = session.scalars(select(User).where(User.mobile == str(DEMO_SELLER_MOBILE_BASE))).one()
    strong = session.scalars(
        select(Store).where(Store.owner_id == seller.id).order_by(Store.id)
    ).first()
    assert strong is not None
    sold = _sell(session, settings, rng, strong, now)
    loans.collect(session, now=now)
    decision = service.apply(
        session,
        user=seller,
        data=ApplicationCreate(
            store_id=strong.id, amount_fen=1_000_000, term_days=90, method="equal"
        ),
        now=now,
    )
    loan_text = (
        f"store {strong.id} {decision.outcome} (score {decision.score:.0f}, band {decision.band})"
    )
    offer = service.offer_of(session, decision.id)
    if offer is not None:
        loan = loans.accept_offer(session, offer.id, user=seller, now=now)
        loan_text += f", loan {loan.id} of ¥{loan.principal_fen // 100} disbursed"

    # The weakest record among the other demo stores: fewest orders in 90 days, youngest.
    counts = dict(
        session.execute(select(Order.store_id, func.count(Order.id)).group_by(Order.store_id)).all()
    )
    others = [s for s in session.scalars(select(Store).order_by(Store.id)) if s.id != strong.id]
    weak = min(others, key=lambda s: (counts.get(s.id, 0), -s.opened_at.timestamp()))
    weak.opened_at = now - timedelta(days=45)  # a new entrepreneur's store
    session.flush()
    weak_owner = session.get(User, weak.owner_id)
    assert weak_owner is not None
    declined = service.apply(
        session,
        user=weak_owner,
        data=ApplicationCreate(store_id=weak.id, amount_fen=500_000, term_days=60),
        now=now,
    )
    return (
        f"credit: model {result.model.version} (AUC {result.metrics['auc']}), {sold} sales for "
        f"store {strong.id}, {loan_text}; store {weak.id} {declined.outcome} "
        f"(seller {weak_owner.mobile}) — /seller/credit"
    )
