"""Typed helpers for credit tests: a promoted scorecard (trained once per test run on the
synthetic history, then inserted per test), stores with a trading record written as plain
order rows with the timestamps the features read, and a loan accepted through the service."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from shanhuo.finance import history, service, training
from shanhuo.finance.loans import accept_offer
from shanhuo.finance.policy import active_policy
from shanhuo.finance.rules import DEFAULT_POLICY
from shanhuo.finance.schemas import ApplicationCreate
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import Checkout, CreditDecision, CreditLoan, CreditModel, Order, Store, User
from tests.helpers.accounts import create_user
from tests.helpers.orders import WUGONG, create_shop

TEST_ROWS = 4000
_trained: dict[str, str] = {}


def trained_card() -> tuple[str, str, str]:
    """(card_json, metrics_json, fingerprint) of a small model, trained once per run."""
    if not _trained:
        frame, y = history.generate(TEST_ROWS, training.DEFAULT_SEED)
        _model, card = training.fit(frame, y, "m1")
        metrics = training.metrics(card, frame, y, DEFAULT_POLICY)
        metrics["training_scores"] = training.score_deciles(training.card_scores(card, frame))
        _trained.update(
            card=json.dumps(card.to_json()),
            metrics=json.dumps(metrics),
            fingerprint=training.fingerprint(frame, y),
        )
    return _trained["card"], _trained["metrics"], _trained["fingerprint"]


def install_model(session: Session, *, version: str = "m1", promoted: bool = True) -> CreditModel:
    card, metrics, fingerprint = trained_card()
    model = CreditModel(
        version=version,
        library="optbinning",
        data_source=history.describe(TEST_ROWS, training.DEFAULT_SEED),
        fingerprint=fingerprint,
        rows=TEST_ROWS,
        card_json=card,
        metrics_json=metrics,
        training_seconds=0.1,
        created_at=utcnow(),
        promoted=promoted,
        promoted_at=utcnow() if promoted else None,
    )
    session.add(model)
    session.flush()
    return model


def add_orders(
    session: Session,
    store: Store,
    *,
    count: int,
    total_fen: int,
    now: datetime,
    ship_hours: float = 20,
    deliver_days: float = 3,
    refunded: int = 0,
    spread_days: int = 89,
) -> None:
    """``count`` paid orders spread over the last ``spread_days`` days, shipped after
    ``ship_hours`` and delivered ``deliver_days`` after payment; the first ``refunded`` refunded."""
    buyer = create_user(session, roles=("buyer",))
    for i in range(count):
        paid = now - timedelta(days=1 + spread_days * i / max(count, 1), hours=1)
        checkout = Checkout(
            buyer_id=buyer.id,
            idempotency_key=f"fin-{store.id}-{i}",
            request_fingerprint="x",
            total_fen=total_fen,
            status="paid",
            created_at=paid,
            expires_at=paid,
        )
        session.add(checkout)
        session.flush()
        shipped = paid + timedelta(hours=ship_hours)
        delivered = paid + timedelta(days=deliver_days)
        is_refund = i < refunded
        session.add(
            Order(
                checkout_id=checkout.id,
                buyer_id=buyer.id,
                store_id=store.id,
                status="refunded" if is_refund else "completed",
                items_fen=total_fen,
                total_fen=total_fen,
                refunded_fen=total_fen if is_refund else 0,
                recipient_name="王小明",
                recipient_mobile="13912345678",
                ship_to_region_code=WUGONG,
                ship_to_address="幸福路 1 号",
                created_at=paid,
                expires_at=paid,
                paid_at=paid,
                shipped_at=shipped if shipped < now else None,
                delivered_at=delivered if delivered < now else None,
                refunded_at=paid + timedelta(hours=1) if is_refund else None,
            )
        )
    session.flush()


def good_store(
    session: Session, *, owner: User | None = None, now: datetime | None = None
) -> Store:
    """An old store with steady, growing sales, fast shipping and no refunds: approved."""
    now = now or utcnow()
    store = create_shop(session, owner=owner).store
    store.opened_at = now - timedelta(days=900)
    add_orders(session, store, count=60, total_fen=30_000, now=now, spread_days=60)
    add_orders(session, store, count=40, total_fen=30_000, now=now, spread_days=89)
    return store


def poor_store(
    session: Session, *, owner: User | None = None, now: datetime | None = None
) -> Store:
    """A weeks-old store with few, slow, often refunded orders: declined."""
    now = now or utcnow()
    store = create_shop(session, owner=owner).store
    store.opened_at = now - timedelta(days=40)
    add_orders(
        session,
        store,
        count=6,
        total_fen=5_000,
        now=now,
        ship_hours=80,
        deliver_days=12,
        refunded=2,
        spread_days=35,
    )
    return store


def owner_of(session: Session, store: Store) -> User:
    user = session.get(User, store.owner_id)
    assert user is not None
    return user


def apply_for(
    session: Session,
    store: Store,
    *,
    amount_fen: int = 500_000,
    term_days: int = 90,
    method: str = "equal",
    now: datetime | None = None,
) -> CreditDecision:
    active_policy(session, now=now or utcnow())
    return service.apply(
        session,
        user=owner_of(session, store),
        data=ApplicationCreate(
            store_id=store.id,
            amount_fen=amount_fen,
            term_days=term_days,
            method=method,  # type: ignore[arg-type]
        ),
        now=now or utcnow(),
    )


def disbursed_loan(
    session: Session,
    store: Store | None = None,
    *,
    amount_fen: int = 500_000,
    term_days: int = 90,
    method: str = "equal",
    now: datetime | None = None,
) -> CreditLoan:
    now = now or utcnow()
    store = store or good_store(session, now=now)
    decision = apply_for(
        session, store, amount_fen=amount_fen, term_days=term_days, method=method, now=now
    )
    assert decision.outcome == "approved", decision.reasons_json
    offer = service.offer_of(session, decision.id)
    assert offer is not None
    return accept_offer(session, offer.id, user=owner_of(session, store), now=now)
