"""JSON API routes for live rooms (thin: parse, one service call, commit, then broadcast).

Deal orders (``POST /api/live/deals/{id}/orders``) are ``async`` and go through the per-deal
batch writer (``intake``); everything else is a plain sync route.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy.orm import Session

from shanhuo.accounts.deps import SESSION_COOKIE, CurrentUser, Roles
from shanhuo.kit.deps import AppSettings, Db
from shanhuo.kit.errors import NotFound, ShanhuoError, Unauthorized
from shanhuo.kit.ids import hash_token
from shanhuo.kit.timeutil import utcnow
from shanhuo.live import actions, comments, coupons, dashboard, deals, placement, realtime, rooms
from shanhuo.live.schemas import (
    AnchorLinkCreate,
    ClaimRead,
    CommentCreate,
    CommentRead,
    CouponCreate,
    CouponRead,
    DealCreate,
    DealOrderCreate,
    DealOrderRead,
    DealRead,
    MuteCreate,
    PinsUpdate,
    RoomCreate,
    RoomProductCreate,
    RoomProductRead,
    RoomRead,
    RoomUpdate,
    SessionCreate,
    SessionRead,
    SessionUpdate,
)
from shanhuo.orders.rules import check_idempotency_key

router = APIRouter(tags=["live"])
router.include_router(realtime.router)


def _publish(request: Request, room_id: int, outbox: list[dict[str, Any]]) -> None:
    hub = realtime.state_of(request.app).hub
    for message in outbox:
        hub.publish(room_id, message)


def _anchor_room(db: Session, room_id: int, user_id: int) -> Any:
    return rooms.room_of_anchor(db, room_id=room_id, anchor_id=user_id)


@router.post("/api/live/stores/{store_id}/anchors", status_code=201)
def link_anchor(store_id: int, body: AnchorLinkCreate, db: Db, user: CurrentUser) -> dict[str, int]:
    link = rooms.link_anchor(
        db, store_id=store_id, owner_id=user.id, mobile=body.mobile, now=utcnow()
    )
    db.commit()
    return {"anchor_id": link.anchor_id, "store_id": link.store_id}


@router.get("/api/live/rooms")
def list_rooms(db: Db) -> list[dict[str, Any]]:
    return [
        {
            "room": RoomRead.model_validate(room).model_dump(mode="json"),
            "session": SessionRead.model_validate(live).model_dump(mode="json"),
        }
        for live, room in rooms.upcoming_and_live(db)
    ]


@router.post("/api/live/rooms", response_model=RoomRead, status_code=201)
def create_room(body: RoomCreate, db: Db, user: CurrentUser) -> RoomRead:
    room = rooms.create_room(db, anchor_id=user.id, data=body, now=utcnow())
    db.commit()
    return RoomRead.model_validate(room)


@router.get("/api/live/rooms/{room_id}")
def get_room(room_id: int, db: Db) -> dict[str, Any]:
    room = rooms.get_room(db, room_id)
    return {
        "room": RoomRead.model_validate(room).model_dump(mode="json"),
        "sessions": [
            SessionRead.model_validate(s).model_dump(mode="json")
            for s in rooms.sessions_of_room(db, room_id)
        ],
        "followers": rooms.followers(db, room_id),
    }


@router.patch("/api/live/rooms/{room_id}", response_model=RoomRead)
def update_room(room_id: int, body: RoomUpdate, db: Db, user: CurrentUser) -> RoomRead:
    room = rooms.update_room(db, _anchor_room(db, room_id, user.id), body)
    db.commit()
    return RoomRead.model_validate(room)


@router.post("/api/live/rooms/{room_id}/follow")
def follow_room(room_id: int, db: Db, user: CurrentUser, response: Response) -> dict[str, bool]:
    created = rooms.follow(db, room_id=room_id, user_id=user.id, now=utcnow())
    db.commit()
    response.status_code = 201 if created else 200
    return {"following": True}


@router.post("/api/live/rooms/{room_id}/sessions", response_model=SessionRead, status_code=201)
def create_session(room_id: int, body: SessionCreate, db: Db, user: CurrentUser) -> SessionRead:
    live = rooms.create_session(db, _anchor_room(db, room_id, user.id), body, now=utcnow())
    db.commit()
    return SessionRead.model_validate(live)


@router.patch("/api/live/sessions/{session_id}", response_model=SessionRead)
def update_session(
    session_id: int, body: SessionUpdate, request: Request, db: Db, user: CurrentUser
) -> SessionRead:
    live = rooms.get_session(db, session_id)
    _anchor_room(db, live.room_id, user.id)
    if body.title is not None:
        live.title = body.title
    if body.hls_url is not None:
        live.hls_url = body.hls_url
    if body.status is not None:
        rooms.move_session(db, live, body.status, now=utcnow())
    db.commit()
    read = SessionRead.model_validate(live)
    _publish(request, live.room_id, [{"type": "session", "session": read.model_dump(mode="json")}])
    return read


@router.get("/api/live/rooms/{room_id}/products", response_model=list[RoomProductRead])
def list_products(room_id: int, db: Db) -> list[RoomProductRead]:
    rooms.get_room(db, room_id)
    return rooms.room_products(db, room_id)


@router.post("/api/live/rooms/{room_id}/products", response_model=RoomProductRead, status_code=201)
def add_product(
    room_id: int, body: RoomProductCreate, db: Db, user: CurrentUser
) -> RoomProductRead:
    item = rooms.add_room_product(
        db, _anchor_room(db, room_id, user.id), sku_id=body.sku_id, now=utcnow()
    )
    db.commit()
    return next(p for p in rooms.room_products(db, room_id) if p.id == item.id)


@router.put("/api/live/rooms/{room_id}/pins", response_model=list[RoomProductRead])
def set_pins(
    room_id: int, body: PinsUpdate, request: Request, db: Db, user: CurrentUser
) -> list[RoomProductRead]:
    outbox = actions.pin(
        db, room_id=room_id, anchor_id=user.id, room_product_ids=body.room_product_ids, now=utcnow()
    )
    db.commit()
    _publish(request, room_id, outbox)
    return rooms.pinned_products(db, room_id)


@router.post("/api/live/rooms/{room_id}/deals", response_model=DealRead, status_code=201)
def open_deal(
    room_id: int, body: DealCreate, request: Request, db: Db, user: CurrentUser
) -> DealRead:
    now = utcnow()
    deal, outbox = actions.open_deal(db, room_id=room_id, anchor_id=user.id, data=body, now=now)
    db.commit()
    _publish(request, room_id, outbox)
    return deals.deal_read(deal, now=now)


@router.get("/api/live/deals/{deal_id}", response_model=DealRead)
def get_deal(deal_id: int, db: Db) -> DealRead:
    return deals.deal_read(deals.get_deal(db, deal_id), now=utcnow())


def _presented_token(request: Request) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return hash_token(header[7:].strip()), "api"
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return hash_token(cookie), "session"
    raise Unauthorized()


async def _deal_order_body(request: Request) -> DealOrderCreate:
    """The body parsed and checked in one step by pydantic (``model_validate_json``), with the
    errors FastAPI would give (same ``loc``, so the same 400/422 problem answers)."""
    raw = await request.body()
    if not raw.strip():
        missing = {"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}
        raise RequestValidationError([missing])
    try:
        return DealOrderCreate.model_validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in errors]
        ) from None


_DEAL_ORDER_REQUEST = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": DealOrderCreate.model_json_schema()}},
    },
    "parameters": [
        {"name": "Idempotency-Key", "in": "header", "required": True, "schema": {"type": "string"}}
    ],
}


@router.post(
    "/api/live/deals/{deal_id}/orders",
    response_model=DealOrderRead,
    status_code=201,
    openapi_extra=_DEAL_ORDER_REQUEST,
)
async def order_from_deal(deal_id: int, request: Request) -> Response:
    """Order from a flash deal. Answered only after the order is committed (201), or with the
    order this Idempotency-Key already placed (200).

    The hottest route there is (a flash deal is thousands of these a second), so it reads its
    header and body itself, as the benchmark's echo endpoint does: FastAPI's per-parameter
    machinery cost more than the parsing. The body and header are documented above."""
    body = await _deal_order_body(request)  # first, as FastAPI checked a body parameter
    key = check_idempotency_key(request.headers.get("idempotency-key"))
    token = _presented_token(request)
    ticket = placement.Ticket(deal_id=deal_id, key=key, body=body, token=token)
    result = await realtime.state_of(request.app).intake.submit(ticket)
    # Serialised here, once: the writer built a checked DealOrderRead, and FastAPI's
    # response_model path would validate it again and encode it twice over for each order
    # of a burst (``response_model`` above still documents the body).
    return Response(
        result.model_dump_json(),
        status_code=201 if result.created else 200,
        media_type="application/json",
    )


@router.post("/api/live/rooms/{room_id}/coupons", response_model=CouponRead, status_code=201)
def push_coupon(
    room_id: int, body: CouponCreate, request: Request, db: Db, user: CurrentUser
) -> CouponRead:
    coupon, outbox = actions.push_coupon(
        db, room_id=room_id, anchor_id=user.id, data=body, now=utcnow()
    )
    db.commit()
    _publish(request, room_id, outbox)
    return coupons.coupon_read(coupon)


@router.post("/api/live/coupons/{coupon_id}/claim", response_model=ClaimRead)
def claim_coupon(coupon_id: int, response: Response, db: Db, user: CurrentUser) -> ClaimRead:
    claim = coupons.claim(db, coupon_id=coupon_id, buyer_id=user.id, now=utcnow())
    db.commit()
    response.status_code = 201 if claim.created else 200
    return claim


@router.get("/api/live/rooms/{room_id}/comments", response_model=list[CommentRead])
def list_comments(room_id: int, db: Db) -> list[CommentRead]:
    rooms.get_room(db, room_id)
    return comments.recent(db, room_id)


@router.post("/api/live/rooms/{room_id}/comments", response_model=CommentRead, status_code=201)
def post_comment(
    room_id: int, body: CommentCreate, request: Request, db: Db, user: CurrentUser
) -> CommentRead:
    item, outbox = actions.comment(
        db, room_id=room_id, user_id=user.id, text=body.text, now=utcnow()
    )
    db.commit()
    _publish(request, room_id, outbox)
    return comments.comment_read(item)


@router.post("/api/live/rooms/{room_id}/mutes", status_code=201)
def mute_user(
    room_id: int, body: MuteCreate, request: Request, db: Db, user: CurrentUser
) -> dict[str, int]:
    outbox = actions.mute(
        db, room_id=room_id, anchor_id=user.id, user_id=body.user_id, now=utcnow()
    )
    db.commit()
    _publish(request, room_id, outbox)
    return {"user_id": body.user_id}


@router.post("/api/live/rooms/{room_id}/comments/{comment_id}/pin", response_model=CommentRead)
def pin_comment(
    room_id: int, comment_id: int, request: Request, db: Db, user: CurrentUser
) -> CommentRead:
    outbox = actions.pin_comment(db, room_id=room_id, anchor_id=user.id, comment_id=comment_id)
    db.commit()
    _publish(request, room_id, outbox)
    return CommentRead.model_validate(outbox[0]["comment"])


@router.get("/api/live/sessions/{session_id}/dashboard")
def session_dashboard(session_id: int, db: Db, user: CurrentUser, roles: Roles) -> dict[str, Any]:
    live = dashboard.get_for(db, session_id=session_id, user_id=user.id, roles=roles)
    return dashboard.build(db, live)


@router.get("/api/live/sessions/{session_id}/replay")
def session_replay(session_id: int, db: Db) -> list[dict[str, Any]]:
    return dashboard.replay(db, rooms.get_session(db, session_id))


# Benchmark endpoints (bench/live.py), off unless SHANHUO_LIVE_BENCH_ENDPOINTS=true ------------


@router.post("/api/live/bench/echo", include_in_schema=False)
async def bench_echo(request: Request, settings: AppSettings) -> Any:
    """A bare JSON echo: the ceiling a request through this stack can reach."""
    if not settings.live_bench_endpoints:
        raise NotFound()
    return await request.json()


@router.post(
    "/api/live/bench/deals/{deal_id}/naive-orders", include_in_schema=False, status_code=201
)
async def bench_naive_order(
    deal_id: int,
    body: DealOrderCreate,
    request: Request,
    response: Response,
    settings: AppSettings,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> DealOrderRead:
    """The naive baseline: the same intake code, one order per request and per transaction
    (sign-in, guarded updates, inserts and the commit, in a worker thread)."""
    if not settings.live_bench_endpoints:
        raise NotFound()
    key = check_idempotency_key(idempotency_key)
    token = _presented_token(request)
    factory = request.app.state.session_factory

    def one() -> DealOrderRead:
        with factory() as session:
            outcome = placement.place_batch(
                session,
                deal_id=deal_id,
                tickets=[placement.Ticket(deal_id=deal_id, key=key, body=body, token=token)],
                now=utcnow(),
                payment_minutes=settings.live_deal_payment_minutes,
            )[0]
            if isinstance(outcome, ShanhuoError):
                session.rollback()
                raise outcome
            session.commit()
            return outcome

    result = await asyncio.to_thread(one)
    if not result.created:
        response.status_code = 200
    return result
