"""The JSON messages a room's WebSocket carries, built from the same services the pages use.

Server → client types: ``snapshot`` (the whole current state, on every (re)connect), ``pin``,
``deal``, ``stock``, ``sold_out``, ``coupon``, ``comment``, ``comment_pinned``, ``muted``,
``viewers``, ``likes``, ``ticker``, ``session``, ``pong``, ``ack`` and ``error`` (with a
stable ``code`` and messages in zh-CN and English). Every message carries ``ts`` (server time,
seconds) so clients and the benchmark can measure delivery delay.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from shanhuo.kit.errors import ShanhuoError
from shanhuo.live import comments, coupons, deals, rooms
from shanhuo.live.placement import BatchReport
from shanhuo.live.schemas import SessionRead
from shanhuo.models import LiveComment, LiveCoupon, LiveDeal


def error(exc: ShanhuoError, ref: str | None = None) -> dict[str, Any]:
    return {
        "type": "error",
        "code": exc.code,
        "status": exc.status,
        "message_zh": exc.message_zh,
        "message_en": exc.message_en,
        "ref": ref,
    }


def pin(session: Session, room_id: int) -> dict[str, Any]:
    return {
        "type": "pin",
        "pinned": [p.model_dump(mode="json") for p in rooms.pinned_products(session, room_id)],
    }


def deal(item: LiveDeal, now: datetime) -> dict[str, Any]:
    return {"type": "deal", "deal": deals.deal_read(item, now=now).model_dump(mode="json")}


def stock(report: BatchReport) -> dict[str, Any]:
    return {"type": "stock", "deal_id": report.deal_id, "remaining": report.remaining}


def sold_out(deal_id: int) -> dict[str, Any]:
    return {"type": "sold_out", "deal_id": deal_id, "remaining": 0}


def coupon(item: LiveCoupon) -> dict[str, Any]:
    return {"type": "coupon", "coupon": coupons.coupon_read(item).model_dump(mode="json")}


def comment(item: LiveComment) -> dict[str, Any]:
    return {"type": "comment", "comment": comments.comment_read(item).model_dump(mode="json")}


def comment_pinned(item: LiveComment) -> dict[str, Any]:
    return {
        "type": "comment_pinned",
        "comment": comments.comment_read(item).model_dump(mode="json"),
    }


def muted(user_id: int) -> dict[str, Any]:
    return {"type": "muted", "user_id": user_id}


def snapshot(
    session: Session, room_id: int, *, now: datetime, user_id: int | None
) -> dict[str, Any]:
    """Everything a (re)connecting viewer needs to draw the room as it is now."""
    room = rooms.get_room(session, room_id)
    live = rooms.current_session(session, room_id)
    open_deals = rooms.open_deals(session, room_id)
    pinned_comment = comments.pinned(session, room)
    return {
        "type": "snapshot",
        "room": {"id": room.id, "title": room.title, "anchor_id": room.anchor_id},
        "session": SessionRead.model_validate(live).model_dump(mode="json") if live else None,
        "pinned": [p.model_dump(mode="json") for p in rooms.pinned_products(session, room_id)],
        "deals": [deals.deal_read(d, now=now).model_dump(mode="json") for d in open_deals],
        "coupons": [
            coupons.coupon_read(c).model_dump(mode="json")
            for c in coupons.claimable(session, room_id, now=now)
        ],
        "comments": [c.model_dump(mode="json") for c in comments.recent(session, room_id)],
        "pinned_comment": pinned_comment.model_dump(mode="json") if pinned_comment else None,
        "likes": live.likes if live else 0,
        "you": {
            "user_id": user_id,
            "is_anchor": user_id is not None and user_id == room.anchor_id,
            "muted": user_id is not None
            and comments.is_muted(session, room_id=room_id, user_id=user_id),
        },
        "server_now": now.isoformat(),
    }
