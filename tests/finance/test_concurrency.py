"""Real concurrency on committed data (PostgreSQL and SQLite): many threads, each with its own
session, released together. Double acceptance/disbursement makes one loan and one
disbursement; concurrent repayments never take more than is owed or than the store holds."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from shanhuo.finance import ledger, loans, service
from shanhuo.kit.errors import ShanhuoError
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import CreditLoan, CreditRepayment, LedgerPosting, User
from tests.helpers.finance import apply_for, disbursed_loan, good_store, install_model

THREADS = 8


def _run_together(engine: Engine, work: Callable[[Session, int], str], n: int) -> list[str]:
    factory = sessionmaker(engine, expire_on_commit=False)
    barrier = threading.Barrier(n)
    outcomes = [""] * n

    def run(i: int) -> None:
        with factory() as session:
            barrier.wait(timeout=30)
            try:
                outcomes[i] = work(session, i)
                session.commit()
            except ShanhuoError as exc:
                session.rollback()
                outcomes[i] = exc.code
            except Exception as exc:
                session.rollback()
                outcomes[i] = f"error:{type(exc).__name__}:{exc}"

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def test_concurrent_acceptance_disburses_once(committed_engine: Engine) -> None:
    with Session(committed_engine) as setup:
        install_model(setup)
        store = good_store(setup)
        decision = apply_for(setup, store)
        offer = service.offer_of(setup, decision.id)
        assert offer is not None
        offer_id, owner_id, store_id, amount = offer.id, store.owner_id, store.id, offer.amount_fen
        setup.commit()

    def accept(session: Session, _i: int) -> str:
        user = session.get(User, owner_id)
        assert user is not None
        loans.accept_offer(session, offer_id, user=user, now=utcnow())
        return "ok"

    outcomes = _run_together(committed_engine, accept, THREADS)
    assert Counter(outcomes) == {"ok": 1, "offer_already_accepted": THREADS - 1}, outcomes
    with Session(committed_engine) as check:
        assert check.scalar(select(func.count()).select_from(CreditLoan)) == 1
        disbursements = check.scalar(
            select(func.count())
            .select_from(LedgerPosting)
            .where(LedgerPosting.kind == "disbursement")
        )
        assert disbursements == 1
        assert ledger.store_balance(check, store_id) == amount
        assert ledger.ledger_problems(check) == []


def test_concurrent_repayments_never_overdraw(committed_engine: Engine) -> None:
    with Session(committed_engine) as setup:
        install_model(setup)
        loan = disbursed_loan(setup, amount_fen=300_000, term_days=60)
        loan_id, store_id = loan.id, loan.store_id
        setup.commit()
    # Each thread repays 100,000 under its own key; two threads share one key (a retry).
    keys = [f"key-{i}" for i in range(THREADS - 1)] + ["key-0"]

    def repay(session: Session, i: int) -> str:
        loans.repay_now(
            session, loan_id, amount_fen=100_000, payoff=False, key=keys[i], now=utcnow()
        )
        return "ok"

    outcomes = _run_together(committed_engine, repay, THREADS)
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    with Session(committed_engine) as check:
        repayments = check.scalars(select(CreditRepayment)).all()
        assert len(repayments) == 3  # 300,000 of principal; interest accrued today is 0
        assert sum(r.amount_fen for r in repayments) == 300_000
        assert ledger.store_balance(check, store_id) == 0
        assert check.get(CreditLoan, loan_id).status == "repaid"
        assert ledger.ledger_problems(check) == []
    assert set(outcomes) <= {
        "ok",
        "repayment_exceeds_owed",
        "loan_not_open",
        "insufficient_store_balance",
    }
