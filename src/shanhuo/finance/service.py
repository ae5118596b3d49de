"""Apply and decide: features → promoted scorecard → policy band → approve/decline with a
limit, a price and reasons; every decision stored as an audit record; re-scoring from that
record. Decisions make four small indexed reads (store, its 90-day orders, its loans, the
promoted model id) and two inserts; the scorecard is parsed once per process per version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shanhuo.finance import rules
from shanhuo.finance.features import avg_monthly_sales_fen, store_features
from shanhuo.finance.loans import local_date, open_loan_of
from shanhuo.finance.policy import active_policy
from shanhuo.finance.schemas import ApplicationCreate, DecisionRead, OfferRead, Reason
from shanhuo.finance.scorecard import Card, policy_reason, reasons, score
from shanhuo.kit.errors import Conflict, NotFound, ShanhuoError
from shanhuo.models import CreditDecision, CreditModel, CreditOffer, Store, User
from shanhuo.regions.rules import macro_region_of
from shanhuo.stores.service import get_owned_store


class CreditUnavailable(ShanhuoError):
    status = 503


_CARDS: dict[tuple[int, str, str], Card] = {}


@dataclass(frozen=True)
class LoadedModel:
    version: str
    card: Card


def promoted_model(session: Session) -> LoadedModel:
    """The promoted scorecard, parsed once per process (cache keyed by row, version and
    training fingerprint — a version's card never changes once written)."""
    row = session.execute(
        select(CreditModel.id, CreditModel.version, CreditModel.fingerprint).where(
            CreditModel.promoted.is_(True)
        )
    ).first()
    if row is None:
        raise CreditUnavailable(
            "no_promoted_model",
            "授信模型尚未上线，请稍后再试",
            "No credit model is in service yet",
        )
    key = (row.id, row.version, row.fingerprint)
    card = _CARDS.get(key)
    if card is None:
        card_json = session.scalar(select(CreditModel.card_json).where(CreditModel.id == row.id))
        card = Card.from_json(json.loads(card_json or "{}"))
        _CARDS[key] = card
    return LoadedModel(row.version, card)


def region_key(province_code: str) -> str:
    try:
        return macro_region_of(province_code).key
    except KeyError:
        return "other"


def offer_terms(
    policy: rules.Policy,
    *,
    amount_fen: int,
    term_days: int,
    method: str,
    rate: Decimal,
    now: datetime,
) -> dict[str, Any]:
    schedule = rules.build_schedule(amount_fen, rate, term_days, method, local_date(now))
    return {
        "amount_fen": amount_fen,
        "term_days": term_days,
        "method": method,
        "daily_rate": str(rate),
        "apr": str(rules.apr(rate)),
        "total_interest_fen": rules.total_interest(schedule),
        "created_at": now,
        "expires_at": now + timedelta(hours=policy.offer_ttl_hours),
    }


def apply(
    session: Session, *, user: User, data: ApplicationCreate, now: datetime
) -> CreditDecision:
    """Decide an application automatically. Bad input (amount/term outside the policy,
    another's store, an unpaid loan) raises before anything is written."""
    store = get_owned_store(session, data.store_id, user)
    policy = active_policy(session, now=now)
    rules.check_request(policy, amount_fen=data.amount_fen, term_days=data.term_days)
    if open_loan_of(session, store.id) is not None:
        raise Conflict("loan_outstanding", "请先还清当前贷款", "Repay the current loan first")
    model = promoted_model(session)
    features = store_features(session, store.id, now)
    total, contributions = score(model.card, features)
    band = policy.band_of(total)
    limit = rules.credit_limit(policy, band, avg_monthly_sales_fen(features)) if band.approve else 0
    why = reasons(contributions)
    approved = band.approve and limit >= policy.min_amount_fen
    if not band.approve:
        why.append(
            policy_reason(
                "P01_SCORE_BELOW_CUTOFF", "综合评分低于授信线", "The score is below the cut-off"
            )
        )
    elif not approved:
        why.append(
            policy_reason(
                "P02_LIMIT_BELOW_MINIMUM",
                "按销售额计算的额度低于最低借款金额",
                "The limit from sales is below the minimum loan",
            )
        )
    decision = CreditDecision(
        store_id=store.id,
        applicant_id=user.id,
        requested_amount_fen=data.amount_fen,
        requested_term_days=data.term_days,
        method=data.method,
        as_of=now,
        features_json=json.dumps(features, sort_keys=True),
        model_version=model.version,
        score=total,
        band=band.name,
        reasons_json=json.dumps(why, ensure_ascii=False),
        policy_version=policy.version,
        outcome="approved" if approved else "declined",
        limit_fen=limit if approved else 0,
        daily_rate=str(band.daily_rate) if approved else None,
        region_key=region_key(store.province_code),
        store_age_days=int(features.get("store_age_days") or 0),
        review_status="none",
        created_at=now,
    )
    session.add(decision)
    session.flush()
    if approved:
        withdraw_open_offers(session, store.id)
        session.add(
            CreditOffer(
                decision_id=decision.id,
                store_id=store.id,
                source="automated",
                status="open",
                **offer_terms(
                    policy,
                    amount_fen=min(data.amount_fen, limit),
                    term_days=data.term_days,
                    method=data.method,
                    rate=band.daily_rate,
                    now=now,
                ),
            )
        )
        session.flush()
    return decision


def withdraw_open_offers(session: Session, store_id: int, decision_id: int | None = None) -> None:
    statement = update(CreditOffer).where(
        CreditOffer.store_id == store_id, CreditOffer.status == "open"
    )
    if decision_id is not None:
        statement = statement.where(CreditOffer.decision_id == decision_id)
    session.execute(statement.values(status="withdrawn"))


# Reading ------------------------------------------------------------------------------------


def offer_of(session: Session, decision_id: int) -> CreditOffer | None:
    return session.scalars(
        select(CreditOffer)
        .where(CreditOffer.decision_id == decision_id)
        .order_by(CreditOffer.id.desc())
    ).first()


def offer_read(offer: CreditOffer, *, now: datetime) -> OfferRead:
    read = OfferRead.model_validate(offer)
    read.apr_percent = rules.percent(Decimal(offer.apr))
    if offer.status == "open" and now >= offer.expires_at:
        read.status = "expired"
    return read


def decision_read(session: Session, decision: CreditDecision, *, now: datetime) -> DecisionRead:
    offer = offer_of(session, decision.id)
    return DecisionRead(
        id=decision.id,
        store_id=decision.store_id,
        outcome=decision.outcome,
        score=decision.score,
        band=decision.band,
        limit_fen=decision.limit_fen,
        requested_amount_fen=decision.requested_amount_fen,
        requested_term_days=decision.requested_term_days,
        method=decision.method,
        model_version=decision.model_version,
        policy_version=decision.policy_version,
        reasons=[Reason(**r) for r in json.loads(decision.reasons_json)],
        features=json.loads(decision.features_json),
        review_status=decision.review_status,
        created_at=decision.created_at,
        offer=offer_read(offer, now=now) if offer else None,
    )


def get_decision_for(
    session: Session, decision_id: int, *, user: User, roles: set[str]
) -> CreditDecision:
    """Read-only: the store's owner or an analyst/admin; anyone else gets 404."""
    decision = session.get(CreditDecision, decision_id)
    if decision is not None:
        store = session.get(Store, decision.store_id)
        if store is not None and (store.owner_id == user.id or roles & {"analyst", "admin"}):
            return decision
    raise NotFound("decision_not_found", "授信记录不存在", "No such credit decision")


def decisions_of_store(session: Session, store_id: int, *, limit: int = 20) -> list[CreditDecision]:
    return list(
        session.scalars(
            select(CreditDecision)
            .where(CreditDecision.store_id == store_id)
            .order_by(CreditDecision.created_at.desc(), CreditDecision.id.desc())
            .limit(limit)
        )
    )


# Audit --------------------------------------------------------------------------------------


def rescore(session: Session, decision_id: int) -> float:
    """Re-run a stored decision from its record: its feature vector through its model
    version's card. Equal to the stored score unless the record was tampered with."""
    decision = session.get(CreditDecision, decision_id)
    if decision is None:
        raise NotFound("decision_not_found", "授信记录不存在", "No such credit decision")
    card_json = session.scalar(
        select(CreditModel.card_json).where(CreditModel.version == decision.model_version)
    )
    if card_json is None:
        raise NotFound("model_not_found", "模型版本不存在", "The decision's model is missing")
    total, _ = score(Card.from_json(json.loads(card_json)), json.loads(decision.features_json))
    return total
