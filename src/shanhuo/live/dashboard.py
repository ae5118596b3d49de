"""A session's dashboard (for its anchor and the sellers whose goods it sold) and its replay.

Definitions (printed beside the numbers on the page):
- viewers over time: concurrent WebSocket viewers, sampled every 15 s while the session is live;
- orders and buyers per product: orders placed from the session (deal orders, and any order
  tagged with the session), distinct buyers, units;
- GMV three ways: *ordered* = the totals of every order placed, whatever happened next;
  *paid* = the totals of orders that were paid; *net* = paid minus what was refunded;
- conversion = distinct ordering buyers ÷ peak concurrent viewers.
- replay: pin, deal_open, sold_out, deal_end and coupon events with their offset into the
  stream (from ``started_at``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from shanhuo.kit.errors import NotFound
from shanhuo.live import rooms, rules
from shanhuo.models import (
    LiveEvent,
    LiveRoom,
    LiveRoomProduct,
    LiveSession,
    LiveViewerSample,
    Order,
    OrderLine,
    Store,
)


def may_view(session: Session, live: LiveSession, *, user_id: int, roles: set[str]) -> bool:
    """The room's anchor, an admin, or the owner of a store that sold in this session."""
    room = session.get(LiveRoom, live.room_id)
    if room is None:
        return False
    if room.anchor_id == user_id or "admin" in roles:
        return True
    return (
        session.scalars(
            select(Order.id)
            .join(Store, Store.id == Order.store_id)
            .where(Order.live_session_id == live.id, Store.owner_id == user_id)
            .limit(1)
        ).first()
        is not None
    )


def get_for(session: Session, *, session_id: int, user_id: int, roles: set[str]) -> LiveSession:
    live = rooms.get_session(session, session_id)
    if not may_view(session, live, user_id=user_id, roles=roles):
        raise NotFound("session_not_found", "直播场次不存在", "No such session")
    return live


def replay(session: Session, live: LiveSession) -> list[dict[str, Any]]:
    rows = session.execute(
        select(LiveEvent, LiveRoomProduct.position)
        .outerjoin(LiveRoomProduct, LiveRoomProduct.id == LiveEvent.room_product_id)
        .where(LiveEvent.session_id == live.id)
        .order_by(LiveEvent.at, LiveEvent.id)
    ).all()
    out = []
    for event, position in rows:
        offset = rules.stream_offset(live.started_at, event.at)
        out.append(
            {
                "kind": event.kind,
                "position": position,
                "deal_id": event.deal_id,
                "note": event.note,
                "at": event.at.isoformat(),
                "offset_seconds": offset,
                "offset": rules.format_offset(offset),
            }
        )
    return out


def build(session: Session, live: LiveSession) -> dict[str, Any]:
    samples = session.execute(
        select(LiveViewerSample.at, LiveViewerSample.viewers)
        .where(LiveViewerSample.session_id == live.id)
        .order_by(LiveViewerSample.at)
    ).all()
    of_session = Order.live_session_id == live.id
    products = session.execute(
        select(
            OrderLine.product_id,
            OrderLine.title,
            func.count(distinct(Order.id)),
            func.count(distinct(Order.buyer_id)),
            func.sum(OrderLine.quantity),
            func.sum(OrderLine.line_fen),
        )
        .join(Order, Order.id == OrderLine.order_id)
        .where(of_session)
        .group_by(OrderLine.product_id, OrderLine.title)
        .order_by(func.sum(OrderLine.line_fen).desc())
    ).all()
    ordered, orders, buyers = session.execute(
        select(
            func.coalesce(func.sum(Order.total_fen), 0),
            func.count(Order.id),
            func.count(distinct(Order.buyer_id)),
        ).where(of_session)
    ).one()
    paid, refunded, paying = session.execute(
        select(
            func.coalesce(func.sum(Order.total_fen), 0),
            func.coalesce(func.sum(Order.refunded_fen), 0),
            func.count(distinct(Order.buyer_id)),
        ).where(of_session, Order.paid_at.is_not(None))
    ).one()
    peak = max([live.peak_viewers, *[v for _, v in samples]])
    return {
        "session_id": live.id,
        "status": live.status,
        "viewers": [{"at": at.isoformat(), "viewers": v} for at, v in samples],
        "peak_viewers": peak,
        "likes": live.likes,
        "products": [
            {
                "product_id": pid,
                "title": title,
                "orders": int(n),
                "buyers": int(b),
                "units": int(u or 0),
                "ordered_fen": int(f or 0),
            }
            for pid, title, n, b, u, f in products
        ],
        "orders": int(orders),
        "buyers": int(buyers),
        "paying_buyers": int(paying),
        "gmv": {
            "ordered_fen": int(ordered),
            "paid_fen": int(paid),
            "net_fen": int(paid) - int(refunded),
            "labels": {k: {"zh": zh, "en": en} for k, (zh, en) in rules.GMV_LABELS.items()},
        },
        "conversion": rules.conversion(int(buyers), peak),
        "conversion_label": {
            "zh": "下单人数 ÷ 最高同时在线人数",
            "en": "ordering buyers ÷ peak concurrent viewers",
        },
        "replay": replay(session, live),
    }
