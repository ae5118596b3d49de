"""A seeded random mix of money operations (hypothesis is not installed): sales settle,
loans are taken, repaid in part, paid off, go overdue; retries repeat keys. After every step
each posting balances, all balances sum to zero and no store balance is below zero."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.finance import ledger, loans, service
from shanhuo.kit.errors import ShanhuoError
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import CreditLoan, Order, Settlement
from tests.helpers.finance import apply_for, good_store, install_model, owner_of

STEPS = 120


def test_random_operations_keep_the_books_balanced(db: Session) -> None:
    rng = random.Random(20260601)
    install_model(db)
    start = utcnow() - timedelta(days=200)
    stores = [good_store(db, now=start) for _ in range(3)]
    orders = {
        s.id: list(db.scalars(select(Order.id).where(Order.store_id == s.id))) for s in stores
    }
    clock = start
    keys: list[tuple[int, int, str]] = []
    refused = 0
    for step in range(STEPS):
        clock += timedelta(hours=rng.randint(1, 30))
        store = rng.choice(stores)
        action = rng.choice(
            ["sale", "sale", "apply", "repay", "repay", "payoff", "retry", "accrue"]
        )
        try:
            with db.begin_nested():
                if action == "sale" and orders[store.id]:
                    net = rng.randint(100, 50_000)
                    db.add(
                        Settlement(
                            order_id=orders[store.id].pop(),
                            store_id=store.id,
                            gross_fen=net,
                            fee_fen=0,
                            net_fen=net,
                            status="settled",
                            created_at=clock,
                            settled_at=clock,
                        )
                    )
                    db.flush()
                    loans.collect(db, now=clock)
                elif action == "apply" and loans.open_loan_of(db, store.id) is None:
                    decision = apply_for(
                        db,
                        store,
                        amount_fen=rng.randint(1_000, 5_000) * 100,
                        term_days=rng.randint(7, 120),
                        now=clock,
                        method=rng.choice(["equal", "interest_first"]),
                    )
                    offer = service.offer_of(db, decision.id)
                    if offer is not None:
                        loans.accept_offer(db, offer.id, user=owner_of(db, store), now=clock)
                elif action in ("repay", "payoff"):
                    loan = loans.open_loan_of(db, store.id)
                    if loan is not None:
                        key = f"r{step}"
                        amount = None if action == "payoff" else rng.randint(-100, 400_000)
                        repayment = loans.repay_now(
                            db,
                            loan.id,
                            amount_fen=amount,
                            payoff=action == "payoff",
                            key=key,
                            now=clock,
                        )
                        keys.append((loan.id, repayment.amount_fen, key))
                elif action == "retry" and keys:
                    loan_id, amount, key = rng.choice(keys)
                    loans.repay_now(
                        db, loan_id, amount_fen=amount, payoff=False, key=key, now=clock
                    )
                elif action == "accrue":
                    loans.accrue(db, through=loans.local_date(clock), now=clock)
        except ShanhuoError:
            refused += 1
        assert ledger.ledger_problems(db) == [], f"step {step} ({action})"
    made = db.scalars(select(CreditLoan)).all()
    assert len(made) >= 3 and refused > 0
    assert any(loan.status == "repaid" for loan in made)
    for store in stores:
        assert ledger.store_balance(db, store.id) >= 0
