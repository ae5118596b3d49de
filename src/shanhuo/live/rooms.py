"""Anchors and the stores they sell for, rooms, sessions, followers, the room's product list
and the anchor's pins. Services take the session first and never commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shanhuo.accounts.roles import grant_role
from shanhuo.kit.db import rowcount
from shanhuo.kit.errors import Conflict, Forbidden, Invalid, NotFound
from shanhuo.live import rules
from shanhuo.live.schemas import RoomCreate, RoomProductRead, RoomUpdate, SessionCreate
from shanhuo.models import (
    LiveAnchorStore,
    LiveDeal,
    LiveEvent,
    LiveFollow,
    LiveRoom,
    LiveRoomProduct,
    LiveSession,
    Product,
    Sku,
    Store,
    User,
)


def room_not_found(room_id: int) -> NotFound:
    return NotFound("room_not_found", "直播间不存在", "No such live room", room_id=room_id)


def not_your_room() -> Forbidden:
    return Forbidden("not_room_anchor", "这不是你的直播间", "This is not your live room")


# Anchors --------------------------------------------------------------------------------------


def link_anchor(
    session: Session, *, store_id: int, owner_id: int, mobile: str, now: datetime
) -> LiveAnchorStore:
    """The store's owner lets the person with ``mobile`` sell the store's products live (a
    cooperative links its anchor to each member's store). Grants the anchor role."""
    store = session.get(Store, store_id)
    if store is None or store.owner_id != owner_id:
        raise NotFound("store_not_found", "店铺不存在", "No such store", store_id=store_id)
    anchor = session.scalars(select(User).where(User.mobile == mobile)).one_or_none()
    if anchor is None:
        raise NotFound("user_not_found", "该手机号还没有注册", "No account with this mobile number")
    existing = session.scalars(
        select(LiveAnchorStore).where(
            LiveAnchorStore.anchor_id == anchor.id, LiveAnchorStore.store_id == store_id
        )
    ).one_or_none()
    if existing is not None:
        return existing
    link = LiveAnchorStore(
        anchor_id=anchor.id, store_id=store_id, linked_by_id=owner_id, created_at=now
    )
    try:
        with session.begin_nested():
            session.add(link)
            session.flush()
    except IntegrityError:
        return session.scalars(
            select(LiveAnchorStore).where(
                LiveAnchorStore.anchor_id == anchor.id, LiveAnchorStore.store_id == store_id
            )
        ).one()
    grant_role(session, anchor.id, "anchor")
    return link


def anchor_store_ids(session: Session, anchor_id: int) -> list[int]:
    return list(
        session.scalars(
            select(LiveAnchorStore.store_id)
            .where(LiveAnchorStore.anchor_id == anchor_id)
            .order_by(LiveAnchorStore.store_id)
        )
    )


# Rooms ----------------------------------------------------------------------------------------


def create_room(session: Session, *, anchor_id: int, data: RoomCreate, now: datetime) -> LiveRoom:
    stores = anchor_store_ids(session, anchor_id)
    if not stores:
        raise Forbidden(
            "anchor_has_no_store",
            "请先让店主把你设为店铺主播",
            "A store owner must link you as an anchor first",
        )
    first = session.get(Store, stores[0])
    room = LiveRoom(
        anchor_id=anchor_id,
        title=data.title,
        description=data.description,
        province_code=first.province_code if first else "",
        blocked_words="",
        created_at=now,
    )
    session.add(room)
    session.flush()
    return room


def get_room(session: Session, room_id: int) -> LiveRoom:
    room = session.get(LiveRoom, room_id)
    if room is None:
        raise room_not_found(room_id)
    return room


def room_of_anchor(session: Session, *, room_id: int, anchor_id: int) -> LiveRoom:
    """The room if ``anchor_id`` runs it: 404 if there is no such room, 403 if it is another
    anchor's."""
    room = get_room(session, room_id)
    if room.anchor_id != anchor_id:
        raise not_your_room()
    return room


def update_room(session: Session, room: LiveRoom, data: RoomUpdate) -> LiveRoom:
    for name, value in data.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(room, name, value)
    session.flush()
    return room


def rooms_of_anchor(session: Session, anchor_id: int) -> list[LiveRoom]:
    return list(
        session.scalars(
            select(LiveRoom).where(LiveRoom.anchor_id == anchor_id).order_by(LiveRoom.id)
        )
    )


def follow(session: Session, *, room_id: int, user_id: int, now: datetime) -> bool:
    get_room(session, room_id)
    if session.scalars(
        select(LiveFollow.id).where(LiveFollow.room_id == room_id, LiveFollow.user_id == user_id)
    ).first():
        return False
    try:
        with session.begin_nested():
            session.add(LiveFollow(room_id=room_id, user_id=user_id, created_at=now))
            session.flush()
    except IntegrityError:
        return False
    return True


def followers(session: Session, room_id: int) -> int:
    return int(session.scalar(select(func.count()).where(LiveFollow.room_id == room_id)) or 0)


def is_following(session: Session, *, room_id: int, user_id: int) -> bool:
    return (
        session.scalars(
            select(LiveFollow.id).where(
                LiveFollow.room_id == room_id, LiveFollow.user_id == user_id
            )
        ).first()
        is not None
    )


# Sessions -------------------------------------------------------------------------------------


def create_session(
    session: Session, room: LiveRoom, data: SessionCreate, *, now: datetime
) -> LiveSession:
    live = LiveSession(
        room_id=room.id,
        title=data.title,
        status=rules.SessionStatus.SCHEDULED,
        hls_url=data.hls_url,
        scheduled_at=data.scheduled_at,
        likes=0,
        peak_viewers=0,
        created_at=now,
    )
    session.add(live)
    session.flush()
    return live


def get_session(session: Session, session_id: int) -> LiveSession:
    live = session.get(LiveSession, session_id)
    if live is None:
        raise NotFound("session_not_found", "直播场次不存在", "No such session")
    return live


def move_session(session: Session, live: LiveSession, target: str, *, now: datetime) -> None:
    """scheduled → live → ended → replay (compare-and-set). Only one session of a room is live."""
    rules.check_session_move(live.status, target)
    if target == rules.SessionStatus.LIVE and current_session(session, live.room_id) is not None:
        raise Conflict(
            "room_already_live", "这个直播间已有正在直播的场次", "This room is already live"
        )
    values: dict[str, object] = {"status": target}
    if target == rules.SessionStatus.LIVE:
        values["started_at"] = now
    elif target == rules.SessionStatus.ENDED:
        values["ended_at"] = now
    result = session.execute(
        update(LiveSession)
        .where(LiveSession.id == live.id, LiveSession.status == live.status)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise Conflict("session_changed", "场次状态刚刚变化了", "The session changed meanwhile")
    session.refresh(live)


def current_session(session: Session, room_id: int) -> LiveSession | None:
    return session.scalars(
        select(LiveSession).where(
            LiveSession.room_id == room_id, LiveSession.status == rules.SessionStatus.LIVE
        )
    ).first()


def live_session_or_409(session: Session, room_id: int) -> LiveSession:
    live = current_session(session, room_id)
    if live is None:
        raise Conflict("room_not_live", "直播间当前没有在直播", "The room is not live right now")
    return live


def sessions_of_room(session: Session, room_id: int) -> list[LiveSession]:
    return list(
        session.scalars(
            select(LiveSession)
            .where(LiveSession.room_id == room_id)
            .order_by(LiveSession.scheduled_at.desc(), LiveSession.id.desc())
        )
    )


def upcoming_and_live(session: Session, *, limit: int = 50) -> list[tuple[LiveSession, LiveRoom]]:
    rows = session.execute(
        select(LiveSession, LiveRoom)
        .join(LiveRoom, LiveRoom.id == LiveSession.room_id)
        .where(LiveSession.status.in_((rules.SessionStatus.LIVE, rules.SessionStatus.SCHEDULED)))
        .order_by(
            (LiveSession.status == rules.SessionStatus.LIVE).desc(),
            LiveSession.scheduled_at,
            LiveSession.id,
        )
        .limit(limit)
    ).all()
    return [(s, r) for s, r in rows]


def record_event(
    session: Session,
    *,
    session_id: int,
    kind: str,
    at: datetime,
    room_product_id: int | None = None,
    deal_id: int | None = None,
    note: str = "",
) -> None:
    session.add(
        LiveEvent(
            session_id=session_id,
            kind=kind,
            room_product_id=room_product_id,
            deal_id=deal_id,
            note=note[:120],
            at=at,
        )
    )


# Room products and pins -----------------------------------------------------------------------


def add_room_product(
    session: Session, room: LiveRoom, *, sku_id: int, now: datetime
) -> LiveRoomProduct:
    row = session.execute(
        select(Sku, Product).join(Product, Product.id == Sku.product_id).where(Sku.id == sku_id)
    ).one_or_none()
    if row is None:
        raise NotFound("sku_not_found", "商品规格不存在", "No such SKU", sku_id=sku_id)
    sku, product = row
    if product.store_id not in anchor_store_ids(session, room.anchor_id):
        raise Forbidden(
            "store_not_linked",
            "该商品所在店铺没有授权你直播带货",
            "The product's store has not linked you as its anchor",
        )
    count, last = session.execute(
        select(func.count(), func.coalesce(func.max(LiveRoomProduct.position), 0)).where(
            LiveRoomProduct.room_id == room.id
        )
    ).one()
    if count >= rules.MAX_ROOM_PRODUCTS:
        raise Conflict(
            "room_products_full",
            f"直播间最多 {rules.MAX_ROOM_PRODUCTS} 个商品",
            f"A room lists at most {rules.MAX_ROOM_PRODUCTS} products",
        )
    if session.scalars(
        select(LiveRoomProduct.id).where(
            LiveRoomProduct.room_id == room.id, LiveRoomProduct.sku_id == sku_id
        )
    ).first():
        raise Conflict(
            "already_in_room", "该商品已在直播间商品列表中", "That SKU is already on the list"
        )
    item = LiveRoomProduct(
        room_id=room.id,
        product_id=product.id,
        sku_id=sku.id,
        store_id=product.store_id,
        position=int(last) + 1,
        added_at=now,
    )
    session.add(item)
    session.flush()
    return item


def room_products(session: Session, room_id: int) -> list[RoomProductRead]:
    rows = session.execute(
        select(LiveRoomProduct, Sku, Product)
        .join(Sku, Sku.id == LiveRoomProduct.sku_id)
        .join(Product, Product.id == LiveRoomProduct.product_id)
        .where(LiveRoomProduct.room_id == room_id)
        .order_by(LiveRoomProduct.position)
        .execution_options(populate_existing=True)  # stock moves are guarded Core UPDATEs
    ).all()
    items = []
    for item, sku, product in rows:
        available = max(0, sku.on_hand - sku.reserved)
        sold_out, low = rules.stock_flags(available)
        items.append(
            RoomProductRead(
                id=item.id,
                position=item.position,
                product_id=product.id,
                sku_id=sku.id,
                store_id=item.store_id,
                title=product.title,
                sku_name=sku.name,
                price_fen=sku.price_fen,
                available=available,
                sold_out=sold_out,
                low_stock=low,
                pinned=item.pinned_at is not None,
            )
        )
    return items


def pinned_products(session: Session, room_id: int) -> list[RoomProductRead]:
    pinned = [p for p in room_products(session, room_id) if p.pinned]
    return pinned


def set_pins(
    session: Session, room: LiveRoom, room_product_ids: Iterable[int], *, now: datetime
) -> list[int]:
    """Pin 1–3 of the room's products (replacing the previous pins) and record the event."""
    live = live_session_or_409(session, room.id)
    in_room = session.scalars(
        select(LiveRoomProduct.id).where(LiveRoomProduct.room_id == room.id)
    ).all()
    ids = rules.check_pins(list(room_product_ids), in_room)
    session.execute(
        update(LiveRoomProduct)
        .where(LiveRoomProduct.room_id == room.id, LiveRoomProduct.id.not_in(ids))
        .values(pinned_at=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(LiveRoomProduct)
        .where(LiveRoomProduct.room_id == room.id, LiveRoomProduct.id.in_(ids))
        .values(pinned_at=now)
        .execution_options(synchronize_session=False)
    )
    for room_product_id in ids:
        record_event(
            session, session_id=live.id, kind="pin", at=now, room_product_id=room_product_id
        )
    session.flush()
    return ids


def open_deals(session: Session, room_id: int) -> list[LiveDeal]:
    return list(
        session.scalars(
            select(LiveDeal)
            .where(LiveDeal.room_id == room_id, LiveDeal.status == "open")
            .order_by(LiveDeal.id)
        )
    )


def check_room_product(session: Session, room: LiveRoom, room_product_id: int) -> LiveRoomProduct:
    item = session.get(LiveRoomProduct, room_product_id)
    if item is None or item.room_id != room.id:
        raise Invalid(
            "product_not_in_room",
            "该商品不在本直播间的商品列表中",
            "That product is not on this room's list",
            room_product_ids=[room_product_id],
        )
    return item
