"""What the anchor and viewers do in a room, shared by the JSON API and the WebSocket.

Each action takes the session first, checks who is asking, calls the services and returns the
messages to broadcast. It never commits and never broadcasts: the entry point commits, *then*
publishes (so nobody is told about something that was rolled back).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from shanhuo.kit.errors import Unauthorized
from shanhuo.live import comments, coupons, deals, messages, rooms
from shanhuo.live.schemas import CouponCreate, DealCreate
from shanhuo.models import LiveComment, LiveCoupon, LiveDeal, User

Outbox = list[dict[str, Any]]


def pin(
    session: Session, *, room_id: int, anchor_id: int, room_product_ids: list[int], now: datetime
) -> Outbox:
    room = rooms.room_of_anchor(session, room_id=room_id, anchor_id=anchor_id)
    rooms.set_pins(session, room, room_product_ids, now=now)
    return [messages.pin(session, room_id)]


def open_deal(
    session: Session, *, room_id: int, anchor_id: int, data: DealCreate, now: datetime
) -> tuple[LiveDeal, Outbox]:
    room = rooms.room_of_anchor(session, room_id=room_id, anchor_id=anchor_id)
    deal = deals.create_deal(session, room, data, now=now)
    return deal, [messages.deal(deal, now)]


def push_coupon(
    session: Session, *, room_id: int, anchor_id: int, data: CouponCreate, now: datetime
) -> tuple[LiveCoupon, Outbox]:
    room = rooms.room_of_anchor(session, room_id=room_id, anchor_id=anchor_id)
    coupon = coupons.push_coupon(session, room, data, now=now)
    return coupon, [messages.coupon(coupon)]


def mute(session: Session, *, room_id: int, anchor_id: int, user_id: int, now: datetime) -> Outbox:
    room = rooms.room_of_anchor(session, room_id=room_id, anchor_id=anchor_id)
    comments.mute(session, room, user_id=user_id, by_id=anchor_id, now=now)
    return [messages.muted(user_id)]


def pin_comment(session: Session, *, room_id: int, anchor_id: int, comment_id: int) -> Outbox:
    room = rooms.room_of_anchor(session, room_id=room_id, anchor_id=anchor_id)
    comment = comments.pin_comment(session, room, comment_id=comment_id)
    return [messages.comment_pinned(comment)]


def comment(
    session: Session, *, room_id: int, user_id: int | None, text: str, now: datetime
) -> tuple[LiveComment, Outbox]:
    if user_id is None:
        raise Unauthorized()
    user = session.get(User, user_id)
    if user is None:
        raise Unauthorized()
    item = comments.post(session, room_id=room_id, user=user, text=text, now=now)
    return item, [messages.comment(item)]
