"""JSON API routes for merchant credit (thin: parse, one service call, commit, respond)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query

from shanhuo.accounts.deps import CurrentUser, Roles, require_role
from shanhuo.finance import loans, monitoring, reviews, service, training
from shanhuo.finance.schemas import (
    ApplicationCreate,
    DecisionRead,
    InstalmentRead,
    LoanRead,
    ModelRead,
    RepaymentCreate,
    RepaymentRead,
    ReviewCreate,
    ReviewDecide,
    ReviewRead,
)
from shanhuo.kit.deps import Db
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import CreditLoan, User
from shanhuo.stores.service import get_owned_store

router = APIRouter(tags=["finance"])
Analyst = Annotated[User, require_role("analyst", "admin")]


@router.post("/api/credit/applications", response_model=DecisionRead, status_code=201)
def apply(body: ApplicationCreate, db: Db, user: CurrentUser) -> DecisionRead:
    """Apply for credit; the automated decision (with reasons) comes back at once."""
    now = utcnow()
    decision = service.apply(db, user=user, data=body, now=now)
    db.commit()
    return service.decision_read(db, decision, now=now)


@router.get("/api/credit/decisions", response_model=list[DecisionRead])
def list_decisions(
    db: Db, user: CurrentUser, store_id: Annotated[int, Query(ge=1)]
) -> list[DecisionRead]:
    store = get_owned_store(db, store_id, user)
    now = utcnow()
    return [service.decision_read(db, d, now=now) for d in service.decisions_of_store(db, store.id)]


@router.get("/api/credit/decisions/{decision_id}", response_model=DecisionRead)
def get_decision(decision_id: int, db: Db, user: CurrentUser, roles: Roles) -> DecisionRead:
    decision = service.get_decision_for(db, decision_id, user=user, roles=roles)
    return service.decision_read(db, decision, now=utcnow())


@router.post(
    "/api/credit/decisions/{decision_id}/review", response_model=ReviewRead, status_code=201
)
def request_review(decision_id: int, body: ReviewCreate, db: Db, user: CurrentUser) -> ReviewRead:
    """Ask for a human to look at an automated decision (PIPL Art. 24)."""
    review = reviews.request_review(db, decision_id, user=user, note=body.note, now=utcnow())
    db.commit()
    return ReviewRead.model_validate(review)


@router.get("/api/credit/reviews", response_model=list[ReviewRead])
def pending_reviews(db: Db, analyst: Analyst) -> list[ReviewRead]:
    return [ReviewRead.model_validate(r) for r, _d in reviews.pending_reviews(db)]


@router.post("/api/credit/reviews/{review_id}", response_model=ReviewRead)
def decide_review(review_id: int, body: ReviewDecide, db: Db, analyst: Analyst) -> ReviewRead:
    review = reviews.decide_review(
        db, review_id, analyst=analyst, outcome=body.outcome, note=body.note, now=utcnow()
    )
    db.commit()
    return ReviewRead.model_validate(review)


def _loan_read(db: Db, loan: CreditLoan) -> LoanRead:
    data = loans.statement(db, loan, now=utcnow())
    return LoanRead(
        id=loan.id,
        store_id=loan.store_id,
        offer_id=loan.offer_id,
        principal_fen=loan.principal_fen,
        term_days=loan.term_days,
        method=loan.method,
        daily_rate=loan.daily_rate,
        apr=data["apr"],
        status=loan.status,
        disbursed_at=loan.disbursed_at,
        owed_now_fen=data["owed_now_fen"],
        due_now_fen=data["due_now_fen"],
        days_past_due=data["days_past_due"],
        store_balance_fen=data["store_balance_fen"],
        schedule=[InstalmentRead.model_validate(i, from_attributes=True) for i in data["schedule"]],
        repayments=[RepaymentRead.model_validate(r) for r in data["repayments"]],
    )


@router.post("/api/credit/offers/{offer_id}/accept", response_model=LoanRead, status_code=201)
def accept_offer(offer_id: int, db: Db, user: CurrentUser) -> LoanRead:
    """Accept an open offer: the loan is disbursed to the store's balance at once."""
    loan = loans.accept_offer(db, offer_id, user=user, now=utcnow())
    db.commit()
    return _loan_read(db, loan)


@router.get("/api/credit/loans/{loan_id}", response_model=LoanRead)
def get_loan(loan_id: int, db: Db, user: CurrentUser, roles: Roles) -> LoanRead:
    return _loan_read(db, loans.get_loan_for(db, loan_id, user=user, roles=roles))


def _owned_loan(db: Db, loan_id: int, user: User) -> CreditLoan:
    loan = loans.get_loan_for(db, loan_id, user=user, roles=set())
    return loan


@router.post(
    "/api/credit/loans/{loan_id}/repayments", response_model=RepaymentRead, status_code=201
)
def repay(loan_id: int, body: RepaymentCreate, db: Db, user: CurrentUser) -> RepaymentRead:
    """Repay from the store's balance (settled sales are collected first). ``payoff: true``
    repays everything owed today (early repayment; future interest is waived)."""
    repayment = loans.repay_now(
        db,
        _owned_loan(db, loan_id, user).id,
        amount_fen=body.amount_fen,
        payoff=body.payoff,
        key=body.idempotency_key,
        now=utcnow(),
    )
    db.commit()
    return RepaymentRead.model_validate(repayment)


@router.get("/api/credit/monitoring")
def monitoring_summary(db: Db, analyst: Analyst) -> dict[str, object]:
    return {
        "fairness": monitoring.fairness(db),
        "drift": monitoring.drift(db, now=utcnow()),
        "financing_by_region_year": monitoring.financing_by_region_year(db),
    }


@router.get("/api/credit/models", response_model=list[ModelRead])
def list_models(db: Db, analyst: Analyst) -> list[ModelRead]:
    return [
        ModelRead(
            version=m.version,
            library=m.library,
            data_source=m.data_source,
            fingerprint=m.fingerprint,
            rows=m.rows,
            promoted=m.promoted,
            created_at=m.created_at,
            training_seconds=m.training_seconds,
            metrics=json.loads(m.metrics_json),
        )
        for m in training.list_models(db)
    ]
