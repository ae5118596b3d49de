"""Human review on request (PIPL Art. 24: the right to an explanation and to refuse a purely
automated decision). The seller asks on one of their decisions; an analyst approves or
declines with a note; the seller sees the outcome on the credit page.

An approval of a declined application opens an offer for the requested amount (capped by the
policy maximum) at the policy's review rate; a decline withdraws any open offer of that
decision. The automated decision record itself is never changed (only ``review_status``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shanhuo.finance.policy import active_policy
from shanhuo.finance.service import offer_of, offer_terms, withdraw_open_offers
from shanhuo.kit.db import rowcount
from shanhuo.kit.errors import Conflict, NotFound
from shanhuo.models import CreditDecision, CreditOffer, CreditReview, Store, User


def request_review(
    session: Session, decision_id: int, *, user: User, note: str, now: datetime
) -> CreditReview:
    decision = session.get(CreditDecision, decision_id)
    store = session.get(Store, decision.store_id) if decision else None
    if decision is None or store is None or store.owner_id != user.id:
        raise NotFound("decision_not_found", "授信记录不存在", "No such credit decision")
    try:
        with session.begin_nested():
            review = CreditReview(
                decision_id=decision.id,
                requested_by=user.id,
                request_note=note[:500],
                status="pending",
                requested_at=now,
            )
            session.add(review)
            session.flush()
    except IntegrityError:
        raise Conflict(
            "review_already_requested",
            "该申请已提交人工复核",
            "A review of this decision was already requested",
        ) from None
    decision.review_status = "pending"
    session.flush()
    return review


def pending_reviews(
    session: Session, *, limit: int = 100
) -> list[tuple[CreditReview, CreditDecision]]:
    rows = session.execute(
        select(CreditReview, CreditDecision)
        .join(CreditDecision, CreditDecision.id == CreditReview.decision_id)
        .where(CreditReview.status == "pending")
        .order_by(CreditReview.requested_at, CreditReview.id)
        .limit(limit)
    ).all()
    return [(r, d) for r, d in rows]


def review_of(session: Session, decision_id: int) -> CreditReview | None:
    return session.scalars(
        select(CreditReview).where(CreditReview.decision_id == decision_id)
    ).first()


def decide_review(
    session: Session, review_id: int, *, analyst: User, outcome: str, note: str, now: datetime
) -> CreditReview:
    review = session.get(CreditReview, review_id)
    if review is None:
        raise NotFound("review_not_found", "复核申请不存在", "No such review")
    moved = session.execute(
        update(CreditReview)
        .where(CreditReview.id == review.id, CreditReview.status == "pending")
        .values(status=outcome, analyst_id=analyst.id, analyst_note=note[:500], decided_at=now)
    )
    if rowcount(moved) != 1:
        raise Conflict("review_already_decided", "该复核已处理", "This review was already decided")
    session.refresh(review)
    decision = session.get(CreditDecision, review.decision_id)
    assert decision is not None
    decision.review_status = outcome
    if outcome == "declined":
        withdraw_open_offers(session, decision.store_id, decision.id)
    else:
        offer = offer_of(session, decision.id)
        if offer is None or offer.status != "open" or now >= offer.expires_at:
            policy = active_policy(session, now=now)
            withdraw_open_offers(session, decision.store_id)
            session.add(
                CreditOffer(
                    decision_id=decision.id,
                    store_id=decision.store_id,
                    source="review",
                    status="open",
                    **offer_terms(
                        policy,
                        amount_fen=min(decision.requested_amount_fen, policy.max_amount_fen),
                        term_days=decision.requested_term_days,
                        method=decision.method,
                        rate=Decimal(policy.review_daily_rate),
                        now=now,
                    ),
                )
            )
    session.flush()
    return review
