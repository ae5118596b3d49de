"""Coupons the anchor pushes in the room: a claim window, a claim per buyer (idempotent: the
unique (coupon, buyer) decides a race), and a guarded counter so no more are claimed than
issued. A claimed coupon applies when the buyer orders from a deal of the coupon's store (see
``intake``) and at the marketplace's ordinary checkout for that store (``orders.coupons``); in
both, the discount leaves at least 1 fen to pay (``orders.rules.order_discount``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shanhuo.kit.db import rowcount
from shanhuo.kit.errors import Conflict, Forbidden, NotFound
from shanhuo.live import rooms, rules
from shanhuo.live.schemas import ClaimRead, CouponCreate, CouponRead
from shanhuo.models import LiveCoupon, LiveCouponClaim, LiveRoom


def coupon_read(coupon: LiveCoupon) -> CouponRead:
    return CouponRead.model_validate(coupon, from_attributes=True)


def push_coupon(
    session: Session, room: LiveRoom, data: CouponCreate, *, now: datetime
) -> LiveCoupon:
    live = rooms.live_session_or_409(session, room.id)
    if data.store_id not in rooms.anchor_store_ids(session, room.anchor_id):
        raise Forbidden(
            "store_not_linked",
            "该店铺没有授权你直播带货",
            "That store has not linked you as its anchor",
        )
    claim_ends = now + timedelta(minutes=data.claim_minutes)
    coupon = LiveCoupon(
        room_id=room.id,
        session_id=live.id,
        store_id=data.store_id,
        title=data.title,
        amount_off_fen=data.amount_off_fen,
        min_spend_fen=data.min_spend_fen,
        quantity=data.quantity,
        claimed=0,
        claim_starts_at=now,
        claim_ends_at=claim_ends,
        use_until=claim_ends + timedelta(hours=data.valid_hours),
        created_at=now,
    )
    session.add(coupon)
    session.flush()
    rooms.record_event(session, session_id=live.id, kind="coupon", at=now, note=data.title)
    session.flush()
    return coupon


def claimable(session: Session, room_id: int, *, now: datetime) -> list[LiveCoupon]:
    return list(
        session.scalars(
            select(LiveCoupon)
            .where(
                LiveCoupon.room_id == room_id,
                LiveCoupon.claim_starts_at <= now,
                LiveCoupon.claim_ends_at > now,
            )
            .order_by(LiveCoupon.id)
        )
    )


def _find_claim(session: Session, coupon_id: int, buyer_id: int) -> LiveCouponClaim | None:
    return session.scalars(
        select(LiveCouponClaim).where(
            LiveCouponClaim.coupon_id == coupon_id, LiveCouponClaim.buyer_id == buyer_id
        )
    ).one_or_none()


def _claim_read(claim: LiveCouponClaim, *, created: bool) -> ClaimRead:
    return ClaimRead(
        id=claim.id,
        coupon_id=claim.coupon_id,
        buyer_id=claim.buyer_id,
        claimed_at=claim.claimed_at,
        order_id=claim.order_id,
        created=created,
    )


def claim(session: Session, *, coupon_id: int, buyer_id: int, now: datetime) -> ClaimRead:
    """Claim once; claiming again returns the same claim (``created`` False)."""
    coupon = session.get(LiveCoupon, coupon_id)
    if coupon is None:
        raise NotFound("coupon_not_found", "优惠券不存在", "No such coupon")
    existing = _find_claim(session, coupon_id, buyer_id)
    if existing is not None:
        return _claim_read(existing, created=False)
    rules.check_claim_window(
        starts_at=coupon.claim_starts_at, ends_at=coupon.claim_ends_at, now=now
    )
    try:
        with session.begin_nested():
            row = LiveCouponClaim(coupon_id=coupon_id, buyer_id=buyer_id, claimed_at=now)
            session.add(row)
            session.flush()  # the unique (coupon, buyer) decides a double tap here
            counted = session.execute(
                update(LiveCoupon)
                .where(LiveCoupon.id == coupon_id, LiveCoupon.claimed < LiveCoupon.quantity)
                .values(claimed=LiveCoupon.claimed + 1)
                .execution_options(synchronize_session=False)
            )
            if rowcount(counted) != 1:
                raise Conflict("coupon_exhausted", "优惠券已领完", "No coupons left")
    except IntegrityError:
        again = _find_claim(session, coupon_id, buyer_id)
        if again is None:
            raise
        return _claim_read(again, created=False)
    return _claim_read(row, created=True)


def claims_of(
    session: Session, *, buyer_id: int, room_id: int
) -> list[tuple[LiveCouponClaim, LiveCoupon]]:
    rows = session.execute(
        select(LiveCouponClaim, LiveCoupon)
        .join(LiveCoupon, LiveCoupon.id == LiveCouponClaim.coupon_id)
        .where(LiveCouponClaim.buyer_id == buyer_id, LiveCoupon.room_id == room_id)
        .order_by(LiveCouponClaim.id)
    ).all()
    return [(c, k) for c, k in rows]
