"""Typed helpers for coupon tests at the marketplace checkout: a live-room coupon of a store
and a buyer's claim of it, as plain rows (the push/claim services are the live domain's and
are tested there), so every term — expiry, minimum spend, used — can be set directly."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from shanhuo.kit.timeutil import utcnow
from shanhuo.models import LiveCoupon, LiveCouponClaim, LiveRoom, LiveSession, Store, User


def create_coupon(
    session: Session,
    store: Store,
    *,
    amount_off_fen: int = 500,
    min_spend_fen: int = 0,
    use_until: datetime | None = None,
    quantity: int = 100,
    now: datetime | None = None,
) -> LiveCoupon:
    """A coupon pushed in a room of the store owner's, claimable now, usable until
    ``use_until`` (a day from now by default)."""
    now = now or utcnow()
    room = LiveRoom(anchor_id=store.owner_id, title="测试直播间", created_at=now)
    session.add(room)
    session.flush()
    live = LiveSession(
        room_id=room.id, title="测试场次", status="live", scheduled_at=now, created_at=now
    )
    session.add(live)
    session.flush()
    coupon = LiveCoupon(
        room_id=room.id,
        session_id=live.id,
        store_id=store.id,
        title=f"满{min_spend_fen // 100}减{amount_off_fen // 100}",
        amount_off_fen=amount_off_fen,
        min_spend_fen=min_spend_fen,
        quantity=quantity,
        claimed=0,
        claim_starts_at=now - timedelta(minutes=5),
        claim_ends_at=now + timedelta(minutes=10),
        use_until=use_until or now + timedelta(days=1),
        created_at=now,
    )
    session.add(coupon)
    session.flush()
    return coupon


def claim_coupon(session: Session, coupon: LiveCoupon, buyer: User) -> LiveCouponClaim:
    claim = LiveCouponClaim(coupon_id=coupon.id, buyer_id=buyer.id, claimed_at=utcnow())
    session.add(claim)
    coupon.claimed += 1
    session.flush()
    return claim


def create_claim(
    session: Session,
    store: Store,
    buyer: User,
    *,
    amount_off_fen: int = 500,
    min_spend_fen: int = 0,
    use_until: datetime | None = None,
) -> LiveCouponClaim:
    """A coupon of ``store`` and the buyer's (unused) claim of it."""
    coupon = create_coupon(
        session,
        store,
        amount_off_fen=amount_off_fen,
        min_spend_fen=min_spend_fen,
        use_until=use_until,
    )
    return claim_coupon(session, coupon, buyer)
