"""HTML pages for merchant credit: the seller's credit page, loan statement, the analysts'
review queue and monitoring. Each handler builds a context dict with the same services the
API uses; forms POST and answer with a 303 redirect."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from shanhuo.accounts.deps import CurrentUser, Roles, require_role
from shanhuo.finance import ledger, loans, monitoring, reviews, rules, service, training
from shanhuo.finance.features import FEATURES
from shanhuo.finance.policy import active_policy
from shanhuo.finance.schemas import ApplicationCreate
from shanhuo.kit.deps import Db
from shanhuo.kit.errors import Invalid
from shanhuo.kit.money import yuan_to_fen
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import Store, User
from shanhuo.stores.service import get_owned_store, list_stores_of
from shanhuo.web.render import redirect, render

router = APIRouter(include_in_schema=False)
Analyst = Annotated[User, require_role("analyst", "admin")]


def _amount(text: str) -> int:
    try:
        return yuan_to_fen(text)
    except (ValueError, ArithmeticError):
        raise Invalid("amount_malformed", "请输入正确的金额", "Enter a valid amount") from None


def credit_context(db: Session, user: User, store_id: int | None) -> dict[str, Any]:
    now = utcnow()
    stores = list_stores_of(db, user)
    store: Store | None = None
    if store_id is not None:
        store = get_owned_store(db, store_id, user)
    elif stores:
        store = stores[0]
    policy = active_policy(db, now=now)
    ctx: dict[str, Any] = {
        "stores": stores,
        "store": store,
        "policy": policy,
        "bands": [
            {
                "band": b,
                "apr": rules.percent(rules.apr(b.daily_rate)),
                "daily": rules.percent(b.daily_rate, 3),
            }
            for b in policy.bands
            if b.approve
        ],
        "methods": rules.METHOD_NAMES,
        "decisions": [],
        "loan": None,
        "idempotency_key": uuid.uuid4().hex,
    }
    if store is None:
        return ctx
    decisions = service.decisions_of_store(db, store.id, limit=5)
    ctx["decisions"] = [
        {"read": service.decision_read(db, d, now=now), "review": reviews.review_of(db, d.id)}
        for d in decisions
    ]
    ctx["latest"] = ctx["decisions"][0] if ctx["decisions"] else None
    loan = loans.open_loan_of(db, store.id)
    if loan is not None:
        ctx["loan"] = loans.statement(db, loan, now=now)
    ctx["balance_fen"] = ledger.store_balance(db, store.id)
    return ctx


@router.get("/seller/credit")
def credit_page(
    request: Request, db: Db, user: CurrentUser, store_id: int | None = None
) -> Response:
    return render(request, "finance/credit.html", credit_context(db, user, store_id))


@router.post("/seller/credit/apply")
def apply(
    db: Db,
    user: CurrentUser,
    store_id: Annotated[int, Form()],
    amount_yuan: Annotated[str, Form()],
    term_days: Annotated[int, Form()],
    method: Annotated[str, Form()] = "equal",
) -> Response:
    if method not in ("equal", "interest_first"):
        raise Invalid("method_unknown", "还款方式无效", "Unknown repayment method")
    data = ApplicationCreate(
        store_id=store_id,
        amount_fen=_amount(amount_yuan),
        term_days=term_days,
        method=method,
    )
    service.apply(db, user=user, data=data, now=utcnow())
    db.commit()
    return redirect(f"/seller/credit?store_id={store_id}#decision")


@router.post("/seller/credit/offers/{offer_id}/accept")
def accept(offer_id: int, db: Db, user: CurrentUser) -> Response:
    loan = loans.accept_offer(db, offer_id, user=user, now=utcnow())
    db.commit()
    return redirect(f"/seller/credit/loans/{loan.id}")


@router.post("/seller/credit/decisions/{decision_id}/review")
def ask_review(
    decision_id: int, db: Db, user: CurrentUser, note: Annotated[str, Form()] = ""
) -> Response:
    review = reviews.request_review(db, decision_id, user=user, note=note.strip(), now=utcnow())
    decision_store = service.get_decision_for(db, review.decision_id, user=user, roles=set())
    db.commit()
    return redirect(f"/seller/credit?store_id={decision_store.store_id}#decision")


@router.get("/seller/credit/loans/{loan_id}")
def loan_page(loan_id: int, request: Request, db: Db, user: CurrentUser, roles: Roles) -> Response:
    loan = loans.get_loan_for(db, loan_id, user=user, roles=roles)
    ctx = loans.statement(db, loan, now=utcnow())
    ctx["idempotency_key"] = uuid.uuid4().hex
    ctx["methods"] = rules.METHOD_NAMES
    ctx["is_owner"] = db.get(Store, loan.store_id).owner_id == user.id  # type: ignore[union-attr]
    return render(request, "finance/loan.html", ctx)


@router.post("/seller/credit/loans/{loan_id}/repay")
def repay(
    loan_id: int,
    db: Db,
    user: CurrentUser,
    idempotency_key: Annotated[str, Form(min_length=8, max_length=64)],
    amount_yuan: Annotated[str, Form()] = "",
    payoff: Annotated[str, Form()] = "",
) -> Response:
    loan = loans.get_loan_for(db, loan_id, user=user, roles=set())
    loans.repay_now(
        db,
        loan.id,
        amount_fen=None if payoff else _amount(amount_yuan),
        payoff=bool(payoff),
        key=idempotency_key,
        now=utcnow(),
    )
    db.commit()
    return redirect(f"/seller/credit/loans/{loan.id}")


# Analysts -----------------------------------------------------------------------------------


@router.get("/analyst/credit/reviews")
def review_queue(request: Request, db: Db, analyst: Analyst) -> Response:
    now = utcnow()
    items = [
        {
            "review": r,
            "decision": service.decision_read(db, d, now=now),
            "store": db.get(Store, d.store_id),
        }
        for r, d in reviews.pending_reviews(db)
    ]
    return render(request, "finance/reviews.html", {"items": items, "features": FEATURES})


@router.post("/analyst/credit/reviews/{review_id}")
def decide_review(
    review_id: int,
    db: Db,
    analyst: Analyst,
    outcome: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    if outcome not in ("approved", "declined") or not note.strip():
        raise Invalid(
            "review_input_invalid", "请选择结果并填写说明", "Choose an outcome and write a note"
        )
    reviews.decide_review(
        db, review_id, analyst=analyst, outcome=outcome, note=note.strip(), now=utcnow()
    )
    db.commit()
    return redirect("/analyst/credit/reviews")


def monitoring_context(db: Session) -> dict[str, Any]:
    models = []
    for m in training.list_models(db)[:5]:
        models.append({"model": m, "metrics": json.loads(m.metrics_json)})
    return {
        "fairness": monitoring.fairness(db),
        "drift": monitoring.drift(db, now=utcnow()),
        "financing": monitoring.financing_by_region_year(db),
        "region_names": monitoring.REGION_NAMES,
        "models": models,
    }


@router.get("/analyst/credit")
def monitoring_page(request: Request, db: Db, analyst: Analyst) -> Response:
    return render(request, "finance/monitoring.html", monitoring_context(db))
