"""Loans through the API and services: acceptance and disbursement, repayment, early payoff,
automatic repayment from settled sales, penalty interest — with the ledger checked each time."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from shanhuo.finance import ledger, loans, service
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import CreditLoan, CreditRepayment, LedgerPosting, Settlement, Store
from tests.helpers.accounts import auth_headers, create_user
from tests.helpers.finance import apply_for, disbursed_loan, good_store, install_model, owner_of


def _counts(db: Session) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        db.scalar(select(func.count()).select_from(t)) or 0
        for t in (CreditLoan, CreditRepayment, LedgerPosting)
    )


def _offer_id(db: Session, store: Store) -> int:
    decision = apply_for(db, store, amount_fen=600_000, term_days=60)
    offer = service.offer_of(db, decision.id)
    assert offer is not None
    db.commit()
    return offer.id


def test_accepting_disburses_to_the_store_balance_once(client: TestClient, db: Session) -> None:
    install_model(db)
    store = good_store(db)
    offer_id = _offer_id(db, store)
    headers = auth_headers(db, owner_of(db, store))
    r = client.post(f"/api/credit/offers/{offer_id}/accept", headers=headers)
    assert r.status_code == 201, r.text
    loan = r.json()
    assert loan["status"] == "active" and loan["principal_fen"] == 600_000
    assert loan["store_balance_fen"] == 600_000
    assert sum(i["principal_fen"] for i in loan["schedule"]) == 600_000
    assert len(loan["schedule"]) == 2
    before = _counts(db)
    again = client.post(f"/api/credit/offers/{offer_id}/accept", headers=headers)
    assert (again.status_code, again.json()["code"]) == (409, "offer_already_accepted")
    assert again.json()["loan_id"] == loan["id"]
    assert _counts(db) == before
    assert ledger.store_balance(db, store.id) == 600_000
    assert ledger.ledger_problems(db) == []


def test_accept_authorization_and_expiry(client: TestClient, db: Session) -> None:
    install_model(db)
    store = good_store(db)
    offer_id = _offer_id(db, store)
    url = f"/api/credit/offers/{offer_id}/accept"
    assert client.post(url).status_code == 401
    other = create_user(db, roles=("seller",))
    assert client.post(url, headers=auth_headers(db, other)).status_code == 403
    offer = db.get(__import__("shanhuo.models", fromlist=["CreditOffer"]).CreditOffer, offer_id)
    offer.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    r = client.post(url, headers=auth_headers(db, owner_of(db, store)))
    assert (r.status_code, r.json()["code"]) == (409, "offer_expired")
    assert _counts(db) == (0, 0, 0)


def test_repayment_larger_than_owed_or_not_positive_changes_nothing(
    client: TestClient, db: Session
) -> None:
    install_model(db)
    loan = disbursed_loan(db)
    db.commit()
    headers = auth_headers(db, owner_of(db, db.get(Store, loan.store_id)))
    owed = loans.owed(db, loan, now=utcnow())[0]
    before = _counts(db)
    url = f"/api/credit/loans/{loan.id}/repayments"
    r = client.post(
        url, headers=headers, json={"amount_fen": owed + 1, "idempotency_key": "k-too-much"}
    )
    assert (r.status_code, r.json()["code"]) == (409, "repayment_exceeds_owed")
    for amount in (0, -5):
        r = client.post(
            url, headers=headers, json={"amount_fen": amount, "idempotency_key": "k-zero-amt"}
        )
        assert (r.status_code, r.json()["code"]) == (422, "amount_not_positive")
    assert _counts(db) == before
    assert ledger.store_balance(db, loan.store_id) == loan.principal_fen
    other = create_user(db, roles=("seller",))
    r = client.post(
        url,
        headers=auth_headers(db, other),
        json={"amount_fen": 100, "idempotency_key": "k-other-1"},
    )
    assert r.status_code == 404
    assert (
        client.post(url, json={"amount_fen": 100, "idempotency_key": "k-anon-01"}).status_code
        == 401
    )


def test_repayment_is_idempotent_by_key(client: TestClient, db: Session) -> None:
    install_model(db)
    loan = disbursed_loan(db)
    db.commit()
    headers = auth_headers(db, owner_of(db, db.get(Store, loan.store_id)))
    url = f"/api/credit/loans/{loan.id}/repayments"
    first = client.post(
        url, headers=headers, json={"amount_fen": 10_000, "idempotency_key": "same-key-1"}
    )
    second = client.post(
        url, headers=headers, json={"amount_fen": 10_000, "idempotency_key": "same-key-1"}
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert ledger.store_balance(db, loan.store_id) == loan.principal_fen - 10_000
    reused = client.post(
        url, headers=headers, json={"amount_fen": 20_000, "idempotency_key": "same-key-1"}
    )
    assert (reused.status_code, reused.json()["code"]) == (409, "idempotency_key_reused")


def test_early_payoff_closes_the_loan_with_future_interest_waived(
    client: TestClient, db: Session
) -> None:
    install_model(db)
    loan = disbursed_loan(db, amount_fen=300_000, term_days=90)
    db.commit()
    headers = auth_headers(db, owner_of(db, db.get(Store, loan.store_id)))
    r = client.post(
        f"/api/credit/loans/{loan.id}/repayments",
        headers=headers,
        json={"payoff": True, "idempotency_key": "payoff-001"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["principal_fen"] == 300_000 and r.json()["interest_fen"] == 0
    statement = client.get(f"/api/credit/loans/{loan.id}", headers=headers).json()
    assert statement["status"] == "repaid" and statement["owed_now_fen"] == 0
    assert statement["store_balance_fen"] == 0
    assert ledger.ledger_problems(db) == []


def _settled_sale(db: Session, store: Store, net_fen: int) -> Settlement:
    from shanhuo.models import Order

    order = db.scalars(select(Order).where(Order.store_id == store.id)).first()
    assert order is not None
    settlement = Settlement(
        order_id=order.id,
        store_id=store.id,
        gross_fen=net_fen,
        fee_fen=0,
        net_fen=net_fen,
        status="settled",
        created_at=utcnow(),
        settled_at=utcnow(),
    )
    db.add(settlement)
    db.flush()
    return settlement


def test_settled_sales_repay_a_share_automatically_once(db: Session) -> None:
    install_model(db)
    loan = disbursed_loan(db)
    store = db.get(Store, loan.store_id)
    settlement = _settled_sale(db, store, 20_000)
    credited, repaid = loans.collect(db, now=utcnow())
    assert (credited, repaid) == (1, 1)
    repayment = db.scalars(select(CreditRepayment).where(CreditRepayment.loan_id == loan.id)).one()
    assert repayment.settlement_id == settlement.id and repayment.amount_fen == 6_000  # 30 %
    assert ledger.store_balance(db, store.id) == loan.principal_fen + 20_000 - 6_000
    assert loans.collect(db, now=utcnow()) == (0, 0)
    assert loans.repay_from_settlement(db, settlement.id, now=utcnow()).id == repayment.id
    assert ledger.ledger_problems(db) == []


def test_an_unpaid_instalment_goes_overdue_and_accrues_penalty_once(db: Session) -> None:
    install_model(db)
    start = utcnow() - timedelta(days=40)
    loan = disbursed_loan(db, amount_fen=300_000, term_days=60, now=start)
    # The store spent its balance elsewhere (a withdrawal), so nothing repays automatically.
    store_acct = ledger.store_account(db, loan.store_id)
    ledger.post(
        db,
        key="withdraw:test",
        kind="withdrawal",
        now=start,
        entries=[
            (store_acct, 300_000),
            (ledger.account(db, ledger.PLATFORM_CLEARING, "platform_clearing"), -300_000),
        ],
    )
    today = loans.local_date(utcnow())
    made = loans.accrue(db, through=today, now=utcnow())
    db.refresh(loan)
    assert loan.status == "overdue" and loan.max_days_past_due == 10
    assert made == 10 - loan.grace_days
    assert loans.accrue(db, through=today, now=utcnow()) == 0
    penalty = -ledger.account(db, ledger.PENALTY_INCOME, "penalty_income").balance_fen
    assert penalty > 0
    assert loans.statement(db, loan, now=utcnow())["penalty_fen"] == penalty
    assert ledger.ledger_problems(db) == []


def test_the_server_job_repays_from_settled_sales_without_anyone_asking(
    db: Session, session_factory: sessionmaker[Session]
) -> None:
    from shanhuo.finance.jobs import collect_and_accrue_once

    install_model(db)
    loan = disbursed_loan(db)
    store = db.get(Store, loan.store_id)
    _settled_sale(db, store, 20_000)
    db.commit()

    assert collect_and_accrue_once(session_factory) == (1, 0)
    assert collect_and_accrue_once(session_factory) == (0, 0)  # idempotent
    repayment = db.scalars(select(CreditRepayment).where(CreditRepayment.loan_id == loan.id)).one()
    assert repayment.amount_fen == 6_000
    assert ledger.ledger_problems(db) == []
