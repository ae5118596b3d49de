"""Real time: the room WebSocket ``/ws/live/{room_id}``, the per-worker live state (hub, deal
intake) started in this router's lifespan, and the periodic ``tick`` (likes, viewers, ticker,
stock left, deal sweeps).

Client → server messages (JSON objects with a ``type``; an optional ``ref`` is echoed back):
``comment`` {text}, ``like`` {count}, ``ping``; anchor only: ``pin`` {room_product_ids},
``open_deal`` {room_product_id, price_fen, pool, per_buyer_limit, countdown_seconds,
duration_seconds}, ``push_coupon`` {title, store_id, amount_off_fen, min_spend_fen, quantity,
claim_minutes, valid_hours}, ``mute`` {user_id}, ``pin_comment`` {comment_id}. A bad message
gets an ``error`` message with a stable code (``invalid_json``, ``invalid_message``,
``message_too_large``, ``anchor_only``, or the domain error's code); the socket stays open.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from fastapi import APIRouter, FastAPI, WebSocket, WebSocketDisconnect
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import distinct, func, select, update
from sqlalchemy.orm import Session

from shanhuo.accounts.deps import SESSION_COOKIE
from shanhuo.config import Settings
from shanhuo.kit.errors import BadRequest, Forbidden, NotFound, ShanhuoError
from shanhuo.kit.ids import hash_token
from shanhuo.kit.masking import mask_mobile, mask_name
from shanhuo.kit.timeutil import utcnow
from shanhuo.live import actions, deals, messages, rooms, rules
from shanhuo.live.hub import Connection, LocalHub, make_hub
from shanhuo.live.intake import DealIntake, writer_shape
from shanhuo.live.placement import BatchReport
from shanhuo.live.schemas import ANCHOR_ONLY, WsMessage
from shanhuo.models import (
    AuthToken,
    LiveDeal,
    LiveDealOrder,
    LiveRoom,
    LiveSession,
    LiveViewerSample,
    User,
)

log = logging.getLogger("shanhuo.live")
T = TypeVar("T")

MAX_MESSAGE_BYTES = 8192
VIEWER_SAMPLE_SECONDS = 15.0
_messages: TypeAdapter[Any] = TypeAdapter(WsMessage)


@dataclass
class LiveState:
    """What one worker process keeps for live rooms (on ``app.state.live``)."""

    settings: Settings
    hub: LocalHub
    intake: DealIntake
    last_ticker_id: int | None = None
    last_sample: float = 0.0
    last_stock: dict[int, int] = field(default_factory=dict)
    task: asyncio.Task[None] | None = None
    stop: asyncio.Event = field(default_factory=asyncio.Event)


def state_of(app: Any) -> LiveState:
    live: LiveState = app.state.live
    return live


def _on_committed(hub: LocalHub) -> Callable[[BatchReport], None]:
    def publish(report: BatchReport) -> None:
        if report.sold_out:
            hub.publish(report.room_id, messages.sold_out(report.deal_id))

    return publish


def _worker_processes() -> int:
    """How many server processes share the machine: $WEB_CONCURRENCY, the variable uvicorn
    and gunicorn take their worker count from (1 when unset or not a number)."""
    try:
        return max(1, int(os.environ.get("WEB_CONCURRENCY", "1")))
    except ValueError:
        return 1


def loop_enabled(settings: Settings) -> bool:
    return settings.run_background_jobs


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    hub = make_hub(settings.redis_url, settings.live_redis_prefix)
    await hub.start()
    intake = DealIntake(
        lambda: app.state.session_factory(),
        max_batch=settings.live_intake_max_batch,
        payment_minutes=settings.live_deal_payment_minutes,
        writer=writer_shape(
            settings.live_intake_writer,
            database=app.state.engine.dialect.name,
            workers=_worker_processes(),
            cpus=os.cpu_count() or 1,
        ),
        on_committed=_on_committed(hub),
    )
    state = LiveState(settings=settings, hub=hub, intake=intake)
    app.state.live = state
    if loop_enabled(settings):
        state.task = asyncio.create_task(_run(app, state))
    try:
        yield
    finally:
        state.stop.set()
        if state.task is not None:
            state.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await state.task
        await intake.close()
        await hub.stop()


async def _run(app: Any, state: LiveState) -> None:
    interval = state.settings.live_ticker_seconds
    while not state.stop.is_set():
        try:
            await tick(app)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("live tick failed; will retry")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(state.stop.wait(), timeout=interval)


# The tick -----------------------------------------------------------------------------------


async def tick(app: Any, *, now: datetime | None = None) -> list[tuple[int, dict[str, Any]]]:
    """One round of periodic work; returns what it published (tests read it). Every worker
    flushes its likes and reports its viewers; one worker (the lease holder) sends the ticker,
    stock left and viewer counts, samples viewers and sweeps deals."""
    state = state_of(app)
    hub = state.hub
    factory = app.state.session_factory
    now = now or utcnow()
    likes = hub.take_likes()
    await hub.heartbeat()
    leader = await hub.lease("tick", state.settings.live_ticker_seconds * 3)
    live_rooms: list[tuple[int, int]] = []
    if leader or likes:
        live_rooms = await asyncio.to_thread(_live_rooms, factory)
    counts = {room_id: await hub.viewers(room_id) for room_id, _ in live_rooms} if leader else {}
    sample = leader and time.monotonic() - state.last_sample >= VIEWER_SAMPLE_SECONDS
    if sample:
        state.last_sample = time.monotonic()
    out = await asyncio.to_thread(
        _tick_db,
        factory,
        state,
        likes=likes,
        leader=leader,
        rooms_live=live_rooms,
        counts=counts,
        sample=sample,
        now=now,
    )
    for room_id, message in out:
        hub.publish(room_id, message)
    return out


def _live_rooms(factory: Callable[[], Session]) -> list[tuple[int, int]]:
    with factory() as session:
        rows = session.execute(
            select(LiveSession.room_id, LiveSession.id).where(
                LiveSession.status == rules.SessionStatus.LIVE
            )
        ).all()
        return [(int(r), int(s)) for r, s in rows]


def _tick_db(
    factory: Callable[[], Session],
    state: LiveState,
    *,
    likes: dict[int, int],
    leader: bool,
    rooms_live: list[tuple[int, int]],
    counts: dict[int, int],
    sample: bool,
    now: datetime,
) -> list[tuple[int, dict[str, Any]]]:
    out: list[tuple[int, dict[str, Any]]] = []
    with factory() as session:
        session_of = dict(rooms_live)
        for room_id, n in likes.items():
            if room_id in session_of:
                session.execute(
                    update(LiveSession)
                    .where(LiveSession.id == session_of[room_id])
                    .values(likes=LiveSession.likes + n)
                    .execution_options(synchronize_session=False)
                )
        if leader:
            swept = deals.sweep(session, now=now)
            for deal_id in sorted(swept.touched_deals):
                deal = session.get(LiveDeal, deal_id)
                if deal is not None:
                    out.append((deal.room_id, messages.deal(deal, now)))
            out.extend(_ticker(session, state))
            for room_id, session_id in rooms_live:
                viewers = counts.get(room_id, 0)
                live = session.get(LiveSession, session_id)
                if live is None:
                    continue
                out.append((room_id, {"type": "viewers", "count": viewers}))
                out.append((room_id, {"type": "likes", "count": live.likes}))
                if viewers > live.peak_viewers:
                    live.peak_viewers = viewers
                if sample:
                    session.add(LiveViewerSample(session_id=session_id, viewers=viewers, at=now))
        session.commit()
    return out


def _ticker(session: Session, state: LiveState) -> list[tuple[int, dict[str, Any]]]:
    """Deal orders since the last tick → one aggregated ticker message per room, plus the
    stock left of each deal that sold anything. The database counts (per room and product:
    distinct buyers, units, the first order): a burst puts thousands of orders in one
    interval, and the ticker needs a few numbers per product, not the rows."""
    upper = int(session.scalar(select(func.max(LiveDealOrder.id))) or 0)
    last, state.last_ticker_id = state.last_ticker_id, upper
    if last is None or upper <= last:
        return []
    interval = (LiveDealOrder.id > last, LiveDealOrder.id <= upper)
    connection = session.connection()
    groups = connection.execute(
        select(
            LiveDeal.room_id,
            LiveDeal.position,
            func.count(distinct(LiveDealOrder.buyer_id)),
            func.sum(LiveDealOrder.quantity),
            func.min(LiveDealOrder.id),
        )
        .join(LiveDeal, LiveDeal.id == LiveDealOrder.deal_id)
        .where(*interval)
        .group_by(LiveDeal.room_id, LiveDeal.position)
    ).all()
    first_ids = [first for *_, first in groups]
    names = {
        order_id: mask_name(name) if name.strip() else mask_mobile(mobile)
        for order_id, name, mobile in connection.execute(
            select(LiveDealOrder.id, User.display_name, User.mobile)
            .join(User, User.id == LiveDealOrder.buyer_id)
            .where(LiveDealOrder.id.in_(first_ids))
        )
    }
    by_room: dict[int, list[tuple[int, str, int, int]]] = {}
    for room_id, position, buyers, units, first in groups:
        by_room.setdefault(room_id, []).append((position, names[first], buyers, int(units)))
    deal_ids = set(
        connection.execute(select(LiveDealOrder.deal_id).where(*interval).distinct()).scalars()
    )
    out: list[tuple[int, dict[str, Any]]] = []
    for room_id, items in by_room.items():
        lines = rules.ticker_lines(items)
        out.append(
            (
                room_id,
                {
                    "type": "ticker",
                    "lines": [
                        {
                            "position": line.position,
                            "buyers": line.buyers,
                            "units": line.units,
                            "text_zh": line.text_zh(),
                            "text_en": line.text_en(),
                        }
                        for line in lines
                    ],
                },
            )
        )
    for deal in session.scalars(select(LiveDeal).where(LiveDeal.id.in_(deal_ids))):
        out.append(
            (
                deal.room_id,
                {
                    "type": "stock",
                    "deal_id": deal.id,
                    "remaining": deal.pool - deal.sold - deal.returned,
                },
            )
        )
    return out


# The WebSocket ------------------------------------------------------------------------------

router = APIRouter(lifespan=lifespan)


def _user_id_for(session: Session, token: str | None, kinds: tuple[str, ...]) -> int | None:
    if not token:
        return None
    return session.scalar(
        select(AuthToken.user_id).where(
            AuthToken.token_hash == hash_token(token),
            AuthToken.kind.in_(kinds),
            AuthToken.revoked_at.is_(None),
            AuthToken.expires_at > utcnow(),
        )
    )


def _resolve(
    factory: Callable[[], Session], ws: WebSocket, room_id: int
) -> tuple[int | None, bool]:
    header = ws.headers.get("authorization", "")
    with factory() as session:
        if header.lower().startswith("bearer "):
            user_id = _user_id_for(session, header[7:].strip(), ("api",))
        else:
            user_id = _user_id_for(session, ws.cookies.get(SESSION_COOKIE), ("session",))
        room = session.get(LiveRoom, room_id)
        if room is None:
            raise rooms.room_not_found(room_id)
        return user_id, room.anchor_id == user_id


async def _in_session(app: Any, work: Callable[[Session], T]) -> T:
    """Run ``work`` in a worker thread with its own session, committing if it succeeds."""

    def run() -> T:
        with app.state.session_factory() as session:
            try:
                result = work(session)
                session.commit()
                return result
            except BaseException:
                session.rollback()
                raise

    return await asyncio.to_thread(run)


@router.websocket("/ws/live/{room_id}")
async def room_socket(ws: WebSocket, room_id: int) -> None:
    app = ws.app
    state = state_of(app)
    await ws.accept()
    try:
        user_id, is_anchor = await asyncio.to_thread(
            _resolve, app.state.session_factory, ws, room_id
        )
    except NotFound as exc:
        await ws.send_text(json.dumps(messages.error(exc), ensure_ascii=False))
        await ws.close(code=4404)
        return
    conn = Connection(user_id=user_id, is_anchor=is_anchor)
    state.hub.attach(room_id, conn)  # before the snapshot: nothing published after it is lost
    writer = asyncio.create_task(_write(ws, conn))
    try:
        snap = await _in_session(
            app, lambda s: messages.snapshot(s, room_id, now=utcnow(), user_id=user_id)
        )
        snap["viewers"] = await state.hub.viewers(room_id)
        conn.offer(json.dumps(snap, ensure_ascii=False, default=str))
        while True:
            text = await ws.receive_text()
            reply = await _handle(app, state, room_id, conn, text)
            for message in reply:
                conn.offer(json.dumps(message, ensure_ascii=False, default=str))
    except WebSocketDisconnect:
        pass
    finally:
        state.hub.detach(room_id, conn)
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await writer


async def _write(ws: WebSocket, conn: Connection) -> None:
    while True:
        text = await conn.queue.get()
        await ws.send_text(text)


async def _handle(
    app: Any, state: LiveState, room_id: int, conn: Connection, text: str
) -> list[dict[str, Any]]:
    """Validate and perform one client message; returns the direct replies (errors, acks)."""
    ref: str | None = None
    try:
        if len(text.encode()) > MAX_MESSAGE_BYTES:
            raise BadRequest("message_too_large", "消息太长", "The message is too large")
        try:
            raw = json.loads(text)
        except ValueError:
            raise BadRequest(
                "invalid_json", "消息不是有效的 JSON", "The message is not valid JSON"
            ) from None
        if isinstance(raw, dict) and isinstance(raw.get("ref"), str):
            ref = raw["ref"][:40]
        try:
            message = _messages.validate_python(raw)
        except ValidationError as exc:
            raise BadRequest(
                "invalid_message",
                "消息格式不正确或类型未知",
                "The message is malformed or of an unknown type",
                errors=[
                    {"field": ".".join(str(p) for p in e["loc"]), "type": e["type"]}
                    for e in exc.errors()
                ][:5],
            ) from None
        kind = message.type
        if kind in ANCHOR_ONLY and not conn.is_anchor:
            raise Forbidden(
                "anchor_only", "只有主播可以这样做", "Only the room's anchor may do this"
            )
        now = utcnow()
        outbox: list[dict[str, Any]] = []
        if kind == "ping":
            return [{"type": "pong", "ref": ref, "ts": time.time()}]
        if kind == "like":
            state.hub.add_likes(room_id, message.count)
            return []
        anchor = conn.user_id or 0
        if kind == "comment":
            _, outbox = await _in_session(
                app,
                lambda s: actions.comment(
                    s, room_id=room_id, user_id=conn.user_id, text=message.text, now=now
                ),
            )
        elif kind == "pin":
            outbox = await _in_session(
                app,
                lambda s: actions.pin(
                    s,
                    room_id=room_id,
                    anchor_id=anchor,
                    room_product_ids=message.room_product_ids,
                    now=now,
                ),
            )
        elif kind == "open_deal":
            data = message.model_dump(exclude={"type", "ref"})
            from shanhuo.live.schemas import DealCreate

            _, outbox = await _in_session(
                app,
                lambda s: actions.open_deal(
                    s, room_id=room_id, anchor_id=anchor, data=DealCreate(**data), now=now
                ),
            )
        elif kind == "push_coupon":
            from shanhuo.live.schemas import CouponCreate

            data = message.model_dump(exclude={"type", "ref"})
            _, outbox = await _in_session(
                app,
                lambda s: actions.push_coupon(
                    s, room_id=room_id, anchor_id=anchor, data=CouponCreate(**data), now=now
                ),
            )
        elif kind == "mute":
            outbox = await _in_session(
                app,
                lambda s: actions.mute(
                    s, room_id=room_id, anchor_id=anchor, user_id=message.user_id, now=now
                ),
            )
        elif kind == "pin_comment":
            outbox = await _in_session(
                app,
                lambda s: actions.pin_comment(
                    s, room_id=room_id, anchor_id=anchor, comment_id=message.comment_id
                ),
            )
        for item in outbox:
            state.hub.publish(room_id, item)
        return [{"type": "ack", "ref": ref, "of": kind}]
    except ShanhuoError as exc:
        return [messages.error(exc, ref)]
