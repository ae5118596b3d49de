"""Live-room coupon claims at the marketplace checkout: read a buyer's claims, mark one used.

The coupons are pushed and claimed in ``shanhuo.live``; orders reads and updates their rows
through the shared models only (orders may not import live). Which claim may be used is a
pure rule (``rules.assign_coupons``); marking it used is a guarded UPDATE — ``WHERE order_id
IS NULL`` and a row count of 1 — so two checkouts racing for one claim cannot both use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from shanhuo.kit.bulk import pairs_param, param_values
from shanhuo.kit.db import is_postgres, rowcount
from shanhuo.models import LiveCoupon, LiveCouponClaim
from shanhuo.orders import rules


def _terms(claim: LiveCouponClaim, coupon: LiveCoupon) -> rules.ClaimTerms:
    return rules.ClaimTerms(
        claim_id=claim.id,
        buyer_id=claim.buyer_id,
        order_id=claim.order_id,
        store_id=coupon.store_id,
        amount_off_fen=coupon.amount_off_fen,
        min_spend_fen=coupon.min_spend_fen,
        use_until=coupon.use_until,
    )


def claim_terms(session: Session, claim_ids: Iterable[int]) -> dict[int, rules.ClaimTerms]:
    """Claim id → its terms, for the ids that exist (whoever they belong to)."""
    ids = sorted(set(claim_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(LiveCouponClaim, LiveCoupon)
        .join(LiveCoupon, LiveCoupon.id == LiveCouponClaim.coupon_id)
        .where(LiveCouponClaim.id.in_(ids))
    ).all()
    return {claim.id: _terms(claim, coupon) for claim, coupon in rows}


@dataclass(frozen=True)
class CouponOption:
    """One of the buyer's usable claims as the checkout page offers it."""

    claim_id: int
    store_id: int
    title: str
    amount_off_fen: int
    min_spend_fen: int
    use_until: datetime


def usable_claims(
    session: Session, *, buyer_id: int, store_ids: Iterable[int], now: datetime
) -> dict[int, list[CouponOption]]:
    """Store id → the buyer's unused, unexpired claims for that store (biggest discount
    first). Whether an order reaches the minimum spend is for the caller to judge."""
    stores = sorted(set(store_ids))
    options: dict[int, list[CouponOption]] = {s: [] for s in stores}
    if not stores:
        return options
    rows = session.execute(
        select(LiveCouponClaim, LiveCoupon)
        .join(LiveCoupon, LiveCoupon.id == LiveCouponClaim.coupon_id)
        .where(
            LiveCouponClaim.buyer_id == buyer_id,
            LiveCouponClaim.order_id.is_(None),
            LiveCoupon.store_id.in_(stores),
            LiveCoupon.use_until > now,
        )
        .order_by(LiveCoupon.amount_off_fen.desc(), LiveCouponClaim.id)
    ).all()
    for claim, coupon in rows:
        options[coupon.store_id].append(
            CouponOption(
                claim_id=claim.id,
                store_id=coupon.store_id,
                title=coupon.title,
                amount_off_fen=coupon.amount_off_fen,
                min_spend_fen=coupon.min_spend_fen,
                use_until=coupon.use_until,
            )
        )
    return options


def use_claim(session: Session, *, claim_id: int, order_id: int, now: datetime) -> None:
    """Mark the claim used by ``order_id``; refused if another request used it first (on
    PostgreSQL the loser waits for the winner's row lock, then finds ``order_id`` set)."""
    result = session.execute(
        update(LiveCouponClaim)
        .where(LiveCouponClaim.id == claim_id, LiveCouponClaim.order_id.is_(None))
        .values(order_id=order_id, used_at=now)
    )
    if rowcount(result) != 1:
        raise rules.claim_used(claim_id)


def use_claims(session: Session, uses: list[tuple[int, int]], *, now: datetime) -> None:
    """``use_claim`` for many (claim id, order id) pairs in one statement (a flash-deal batch
    where most buyers apply the room's coupon would otherwise make a round trip per order).
    Refused as a whole, naming the first claim that another request used first."""
    if not uses:
        return
    pairs = _claim_uses(is_postgres(session))
    used = set(
        session.connection().execute(pairs, {"uses": param_values(uses), "now": now}).scalars()
    )
    for claim_id, _order_id in uses:
        if claim_id not in used:
            raise rules.claim_used(claim_id)


@lru_cache(maxsize=2)
def _claim_uses(postgres: bool) -> Any:
    """The statement of ``use_claims``, built once per dialect (constant SQL text)."""
    uses = pairs_param(LiveCouponClaim.id, LiveCouponClaim.order_id, "uses", postgres=postgres)
    return (
        update(LiveCouponClaim)
        .where(LiveCouponClaim.id == uses.c.first, LiveCouponClaim.order_id.is_(None))
        .values(order_id=uses.c.second, used_at=bindparam("now"))
        .returning(LiveCouponClaim.id)
    )


def release_claims(session: Session, order_id: int) -> int:
    """An order cancelled before it was paid gives its coupon claim back to the buyer (the
    buyer paid nothing for it; a payment timeout should not cost them the coupon). Returns
    the claims released."""
    result = session.execute(
        update(LiveCouponClaim)
        .where(LiveCouponClaim.order_id == order_id)
        .values(order_id=None, used_at=None)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result)
