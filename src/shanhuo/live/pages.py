"""HTML pages for live rooms: the room list, the buyer's room page, the anchor's console and
the session dashboard. Each handler builds a context dict with the same services the API
uses; forms POST and answer with a 303 redirect, broadcasting after the commit."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.accounts.deps import CurrentUser, OptionalUser, Roles
from shanhuo.kit.deps import Db
from shanhuo.kit.errors import Invalid
from shanhuo.kit.money import yuan_to_fen
from shanhuo.kit.timeutil import SHANGHAI, utcnow
from shanhuo.live import actions, comments, coupons, dashboard, deals, realtime, rooms
from shanhuo.live.schemas import CouponCreate, DealCreate, RoomCreate, SessionCreate
from shanhuo.models import LiveRoom, Product, Sku, Store
from shanhuo.web.render import redirect, render

router = APIRouter(include_in_schema=False)


def _publish(request: Request, room_id: int, outbox: list[dict[str, Any]]) -> None:
    hub = realtime.state_of(request.app).hub
    for message in outbox:
        hub.publish(room_id, message)


def _fen(text: str, field: str) -> int:
    try:
        value = yuan_to_fen(text)
    except (ValueError, ArithmeticError):
        raise Invalid(
            "amount_invalid", f"金额格式不正确：{field}", f"Invalid amount: {field}"
        ) from None
    if value <= 0:
        raise Invalid(
            "amount_invalid", f"金额须大于 0：{field}", f"Amount must be positive: {field}"
        )
    return value


# Buyers -------------------------------------------------------------------------------------


def list_context(db: Session) -> dict[str, Any]:
    entries = rooms.upcoming_and_live(db)
    return {
        "live_now": [(s, r) for s, r in entries if s.status == "live"],
        "upcoming": [(s, r) for s, r in entries if s.status == "scheduled"],
    }


@router.get("/live")
def room_list(request: Request, db: Db, user: OptionalUser) -> Response:
    return render(request, "live/list.html", list_context(db))


def room_context(
    db: Session, room_id: int, *, user_id: int | None, now: datetime
) -> dict[str, Any]:
    room = rooms.get_room(db, room_id)
    live = rooms.current_session(db, room_id)
    sessions = rooms.sessions_of_room(db, room_id)
    upcoming = [s for s in sessions if s.status == "scheduled"]
    return {
        "room": room,
        "live": live,
        "upcoming": upcoming,
        "replays": [s for s in sessions if s.status in ("ended", "replay")][:5],
        "products": rooms.room_products(db, room_id),
        "pinned": rooms.pinned_products(db, room_id),
        "deals": [deals.deal_read(d, now=now) for d in rooms.open_deals(db, room_id)],
        "coupons": coupons.claimable(db, room_id, now=now),
        "comments": comments.recent(db, room_id),
        "pinned_comment": comments.pinned(db, room),
        "following": user_id is not None
        and rooms.is_following(db, room_id=room_id, user_id=user_id),
        "followers": rooms.followers(db, room_id),
        "is_anchor": user_id == room.anchor_id,
    }


@router.get("/live/{room_id}")
def room_page(room_id: int, request: Request, db: Db, user: OptionalUser) -> Response:
    ctx = room_context(db, room_id, user_id=user.id if user else None, now=utcnow())
    return render(request, "live/room.html", ctx)


@router.post("/live/{room_id}/follow")
def follow(room_id: int, db: Db, user: CurrentUser) -> Response:
    rooms.follow(db, room_id=room_id, user_id=user.id, now=utcnow())
    db.commit()
    return redirect(f"/live/{room_id}")


@router.post("/live/coupons/{coupon_id}/claim")
def claim(coupon_id: int, db: Db, user: CurrentUser, room_id: Annotated[int, Form()]) -> Response:
    coupons.claim(db, coupon_id=coupon_id, buyer_id=user.id, now=utcnow())
    db.commit()
    return redirect(f"/live/{room_id}?claimed={coupon_id}")


# Anchors ------------------------------------------------------------------------------------


def anchor_home_context(db: Session, user_id: int) -> dict[str, Any]:
    return {
        "rooms": rooms.rooms_of_anchor(db, user_id),
        "linked_stores": [db.get(Store, i) for i in rooms.anchor_store_ids(db, user_id)],
        "own_stores": list(
            db.scalars(select(Store).where(Store.owner_id == user_id).order_by(Store.id))
        ),
    }


@router.get("/anchor/rooms")
def anchor_home(request: Request, db: Db, user: CurrentUser) -> Response:
    return render(request, "live/anchor_home.html", anchor_home_context(db, user.id))


@router.post("/anchor/rooms")
def anchor_create_room(
    db: Db,
    user: CurrentUser,
    title: Annotated[str, Form()],
    description: Annotated[str, Form()] = "",
) -> Response:
    room = rooms.create_room(
        db, anchor_id=user.id, data=RoomCreate(title=title, description=description), now=utcnow()
    )
    db.commit()
    return redirect(f"/anchor/rooms/{room.id}")


@router.post("/anchor/stores/{store_id}/anchors")
def link_anchor(
    store_id: int, db: Db, user: CurrentUser, mobile: Annotated[str, Form()]
) -> Response:
    rooms.link_anchor(db, store_id=store_id, owner_id=user.id, mobile=mobile.strip(), now=utcnow())
    db.commit()
    return redirect("/anchor/rooms?linked=1")


def console_context(db: Session, room: LiveRoom, *, now: datetime) -> dict[str, Any]:
    store_ids = rooms.anchor_store_ids(db, room.anchor_id)
    listed = {p.sku_id for p in rooms.room_products(db, room.id)}
    candidates = (
        db.execute(
            select(Sku, Product)
            .join(Product, Product.id == Sku.product_id)
            .where(Product.store_id.in_(store_ids), Product.status == "active")
            .order_by(Product.id, Sku.sort)
            .limit(500)
        ).all()
        if store_ids
        else []
    )
    ctx = room_context(db, room.id, user_id=room.anchor_id, now=now)
    ctx.update(
        {
            "sessions": rooms.sessions_of_room(db, room.id),
            "candidates": [(s, p) for s, p in candidates if s.id not in listed],
            "stores": [db.get(Store, i) for i in store_ids],
            "default_start": (now + timedelta(hours=1))
            .astimezone(SHANGHAI)
            .strftime("%Y-%m-%dT%H:%M"),
            "all_comments": comments.recent(db, room.id, limit=50),
        }
    )
    return ctx


@router.get("/anchor/rooms/{room_id}")
def console(room_id: int, request: Request, db: Db, user: CurrentUser) -> Response:
    room = rooms.room_of_anchor(db, room_id=room_id, anchor_id=user.id)
    return render(request, "live/console.html", console_context(db, room, now=utcnow()))


@router.post("/anchor/rooms/{room_id}/sessions")
def console_new_session(
    room_id: int,
    db: Db,
    user: CurrentUser,
    title: Annotated[str, Form()],
    scheduled_at: Annotated[str, Form()],
    hls_url: Annotated[str, Form()] = "",
) -> Response:
    room = rooms.room_of_anchor(db, room_id=room_id, anchor_id=user.id)
    try:
        when = datetime.fromisoformat(scheduled_at)
    except ValueError:
        raise Invalid("time_invalid", "时间格式不正确", "Invalid time") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=SHANGHAI)
    data = SessionCreate(title=title, scheduled_at=when, hls_url=hls_url.strip())
    rooms.create_session(db, room, data, now=utcnow())
    db.commit()
    return redirect(f"/anchor/rooms/{room_id}")


@router.post("/anchor/sessions/{session_id}/status")
def console_session_status(
    session_id: int, request: Request, db: Db, user: CurrentUser, status: Annotated[str, Form()]
) -> Response:
    live = rooms.get_session(db, session_id)
    rooms.room_of_anchor(db, room_id=live.room_id, anchor_id=user.id)
    rooms.move_session(db, live, status, now=utcnow())
    db.commit()
    _publish(
        request,
        live.room_id,
        [{"type": "session", "session": {"id": live.id, "status": live.status}}],
    )
    return redirect(f"/anchor/rooms/{live.room_id}")


@router.post("/anchor/rooms/{room_id}/products")
def console_add_product(
    room_id: int, db: Db, user: CurrentUser, sku_id: Annotated[int, Form()]
) -> Response:
    room = rooms.room_of_anchor(db, room_id=room_id, anchor_id=user.id)
    rooms.add_room_product(db, room, sku_id=sku_id, now=utcnow())
    db.commit()
    return redirect(f"/anchor/rooms/{room_id}")


@router.post("/anchor/rooms/{room_id}/pins")
def console_pin(
    room_id: int,
    request: Request,
    db: Db,
    user: CurrentUser,
    room_product_id: Annotated[list[int] | None, Form()] = None,
) -> Response:
    outbox = actions.pin(
        db, room_id=room_id, anchor_id=user.id, room_product_ids=room_product_id or [], now=utcnow()
    )
    db.commit()
    _publish(request, room_id, outbox)
    return redirect(f"/anchor/rooms/{room_id}")


@router.post("/anchor/rooms/{room_id}/deals")
def console_deal(
    room_id: int,
    request: Request,
    db: Db,
    user: CurrentUser,
    room_product_id: Annotated[int, Form()],
    price_yuan: Annotated[str, Form()],
    pool: Annotated[int, Form(ge=1, le=100_000)],
    per_buyer_limit: Annotated[int, Form(ge=1, le=99)] = 1,
    countdown_seconds: Annotated[int, Form(ge=0, le=3600)] = 10,
    duration_minutes: Annotated[int, Form(ge=0, le=60)] = 5,
) -> Response:
    data = DealCreate(
        room_product_id=room_product_id,
        price_fen=_fen(price_yuan, "price_yuan"),
        pool=pool,
        per_buyer_limit=per_buyer_limit,
        countdown_seconds=countdown_seconds,
        duration_seconds=duration_minutes * 60,
    )
    now = utcnow()
    _, outbox = actions.open_deal(db, room_id=room_id, anchor_id=user.id, data=data, now=now)
    db.commit()
    _publish(request, room_id, outbox)
    return redirect(f"/anchor/rooms/{room_id}")


@router.post("/anchor/rooms/{room_id}/coupons")
def console_coupon(
    room_id: int,
    request: Request,
    db: Db,
    user: CurrentUser,
    title: Annotated[str, Form()],
    store_id: Annotated[int, Form()],
    amount_yuan: Annotated[str, Form()],
    quantity: Annotated[int, Form(ge=1, le=1_000_000)],
    min_spend_yuan: Annotated[str, Form()] = "",
    claim_minutes: Annotated[int, Form(ge=1, le=1440)] = 10,
) -> Response:
    data = CouponCreate(
        title=title,
        store_id=store_id,
        amount_off_fen=_fen(amount_yuan, "amount_yuan"),
        min_spend_fen=_fen(min_spend_yuan, "min_spend_yuan") if min_spend_yuan.strip() else 0,
        quantity=quantity,
        claim_minutes=claim_minutes,
    )
    _, outbox = actions.push_coupon(db, room_id=room_id, anchor_id=user.id, data=data, now=utcnow())
    db.commit()
    _publish(request, room_id, outbox)
    return redirect(f"/anchor/rooms/{room_id}")


@router.post("/anchor/rooms/{room_id}/mutes")
def console_mute(
    room_id: int, request: Request, db: Db, user: CurrentUser, user_id: Annotated[int, Form()]
) -> Response:
    outbox = actions.mute(db, room_id=room_id, anchor_id=user.id, user_id=user_id, now=utcnow())
    db.commit()
    _publish(request, room_id, outbox)
    return redirect(f"/anchor/rooms/{room_id}")


@router.post("/anchor/rooms/{room_id}/comments/{comment_id}/pin")
def console_pin_comment(
    room_id: int, comment_id: int, request: Request, db: Db, user: CurrentUser
) -> Response:
    outbox = actions.pin_comment(db, room_id=room_id, anchor_id=user.id, comment_id=comment_id)
    db.commit()
    _publish(request, room_id, outbox)
    return redirect(f"/anchor/rooms/{room_id}")


@router.get("/anchor/sessions/{session_id}/dashboard")
def session_dashboard(
    session_id: int, request: Request, db: Db, user: CurrentUser, roles: Roles
) -> Response:
    live = dashboard.get_for(db, session_id=session_id, user_id=user.id, roles=roles)
    room = rooms.get_room(db, live.room_id)
    board = dashboard.build(db, live)
    peak = max([1, *[v["viewers"] for v in board["viewers"]]])
    return render(
        request, "live/dashboard.html", {"live": live, "room": room, "board": board, "peak": peak}
    )
