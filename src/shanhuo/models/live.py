"""Live rooms: anchors and the stores they sell for, rooms and their sessions, the room's
product list and pins, flash deals with their own stock pool, deal orders (idempotency and
per-buyer counters), coupons and claims, comments and mutes, and the events and viewer samples
the dashboard and replay read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shanhuo.models.base import Base


class LiveAnchorStore(Base):
    """An anchor may sell the products of this store (a cooperative's anchor sells members')."""

    __tablename__ = "live_anchor_store"
    __table_args__ = (UniqueConstraint("anchor_id", "store_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    anchor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    linked_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime]


class LiveRoom(Base):
    __tablename__ = "live_room"

    id: Mapped[int] = mapped_column(primary_key=True)
    anchor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    title: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    province_code: Mapped[str] = mapped_column(String(2), default="", index=True)
    blocked_words: Mapped[str] = mapped_column(Text, default="")  # one per line
    pinned_comment_id: Mapped[int | None]
    created_at: Mapped[datetime]


class LiveFollow(Base):
    __tablename__ = "live_follow"
    __table_args__ = (UniqueConstraint("room_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("live_room.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime]


class LiveSession(Base):
    """One broadcast: scheduled → live → ended → replay."""

    __tablename__ = "live_session"
    __table_args__ = (Index("ix_live_session_status_scheduled", "status", "scheduled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("live_room.id"), index=True)
    title: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(12), default="scheduled")
    hls_url: Mapped[str] = mapped_column(String(300), default="")
    scheduled_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    likes: Mapped[int] = mapped_column(default=0)
    peak_viewers: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]


class LiveRoomProduct(Base):
    """One SKU on the room's product list (ordered by ``position``; 3 号商品 is position 3)."""

    __tablename__ = "live_room_product"
    __table_args__ = (
        UniqueConstraint("room_id", "sku_id"),
        UniqueConstraint("room_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("live_room.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("sku.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    position: Mapped[int]
    pinned_at: Mapped[datetime | None]
    added_at: Mapped[datetime]


class LiveDeal(Base):
    """A flash deal. ``pool`` units left the SKU's ``on_hand`` when the deal was created;
    ``sold`` counts units in deal orders not cancelled; ``returned`` counts units given back to
    the SKU (the unsold rest at the end, and timed-out orders after the end). The CHECK makes
    overselling impossible whatever the code does: sold + returned <= pool."""

    __tablename__ = "live_deal"
    __table_args__ = (
        CheckConstraint("pool > 0", name="pool_positive"),
        CheckConstraint("sold >= 0 AND returned >= 0", name="counts_nonnegative"),
        CheckConstraint("sold + returned <= pool", name="within_pool"),
        CheckConstraint("per_buyer_limit >= 1", name="limit_positive"),
        CheckConstraint("price_fen > 0", name="price_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_session.id"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("live_room.id"), index=True)
    room_product_id: Mapped[int] = mapped_column(ForeignKey("live_room_product.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("sku.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(60))
    sku_name: Mapped[str] = mapped_column(String(40))
    price_fen: Mapped[int]
    pool: Mapped[int]
    sold: Mapped[int] = mapped_column(default=0)
    returned: Mapped[int] = mapped_column(default=0)
    per_buyer_limit: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | ended
    opens_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    sold_out_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class LiveDealBuyer(Base):
    """Units a buyer holds in one deal; the guarded update keeps it within the limit."""

    __tablename__ = "live_deal_buyer"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_nonnegative"),
        CheckConstraint("quantity <= per_buyer_limit", name="within_limit"),
    )

    deal_id: Mapped[int] = mapped_column(ForeignKey("live_deal.id"), primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(default=0)
    per_buyer_limit: Mapped[int]  # the deal's limit, copied so a CHECK can enforce it


class LiveDealOrder(Base):
    """One accepted deal request. ``(buyer_id, idempotency_key)`` is unique: a retry finds it."""

    __tablename__ = "live_deal_order"
    __table_args__ = (UniqueConstraint("buyer_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("live_deal.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    idempotency_key: Mapped[str] = mapped_column(String(80))
    quantity: Mapped[int]
    # The checkout is the order's (``shop_order.checkout_id``); not copied here (migration 0006).
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id"), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="placed")  # placed | released
    created_at: Mapped[datetime]


class LiveCoupon(Base):
    __tablename__ = "live_coupon"
    __table_args__ = (
        CheckConstraint("amount_off_fen > 0", name="amount_positive"),
        CheckConstraint("claimed >= 0 AND claimed <= quantity", name="claimed_within_quantity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("live_room.id"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_session.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    title: Mapped[str] = mapped_column(String(60))
    amount_off_fen: Mapped[int]
    min_spend_fen: Mapped[int] = mapped_column(default=0)
    quantity: Mapped[int]
    claimed: Mapped[int] = mapped_column(default=0)
    claim_starts_at: Mapped[datetime]
    claim_ends_at: Mapped[datetime]
    use_until: Mapped[datetime]
    created_at: Mapped[datetime]


class LiveCouponClaim(Base):
    __tablename__ = "live_coupon_claim"
    __table_args__ = (UniqueConstraint("coupon_id", "buyer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coupon_id: Mapped[int] = mapped_column(ForeignKey("live_coupon.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    claimed_at: Mapped[datetime]
    order_id: Mapped[int | None] = mapped_column(ForeignKey("shop_order.id"))
    used_at: Mapped[datetime | None]


class LiveComment(Base):
    __tablename__ = "live_comment"
    __table_args__ = (Index("ix_live_comment_session_id_id", "session_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("live_room.id"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_session.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    author: Mapped[str] = mapped_column(String(40))  # masked as others see it
    body: Mapped[str] = mapped_column(String(200))
    hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]


class LiveMute(Base):
    __tablename__ = "live_mute"
    __table_args__ = (UniqueConstraint("room_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("live_room.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    muted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime]


class LiveEvent(Base):
    """Product events of a session for the replay: pin, deal_open, sold_out, deal_end, coupon."""

    __tablename__ = "live_event"
    __table_args__ = (Index("ix_live_event_session_id_at", "session_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_session.id"))
    kind: Mapped[str] = mapped_column(String(16))
    room_product_id: Mapped[int | None] = mapped_column(ForeignKey("live_room_product.id"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("live_deal.id"))
    note: Mapped[str] = mapped_column(String(120), default="")
    at: Mapped[datetime]


class LiveViewerSample(Base):
    __tablename__ = "live_viewer_sample"
    __table_args__ = (Index("ix_live_viewer_sample_session_id_at", "session_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_session.id"))
    viewers: Mapped[int]
    at: Mapped[datetime]
