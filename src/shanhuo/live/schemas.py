"""Pydantic shapes for live rooms (HTTP bodies and WebSocket client messages)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shanhuo.kit.types import LongText, Mobile, PositiveFen, RegionCode, ShortText
from shanhuo.live.rules import COMMENT_MAX, MAX_PER_BUYER
from shanhuo.orders.schemas import AddressLine, RecipientName

HlsUrl = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=300, pattern=r"^(https?://|/)\S*$")
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnchorLinkCreate(Strict):
    mobile: Mobile


class RoomCreate(Strict):
    title: ShortText
    description: LongText = ""


class RoomUpdate(Strict):
    title: ShortText | None = None
    description: LongText | None = None
    blocked_words: Annotated[str, StringConstraints(max_length=2000)] | None = None


class RoomRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    anchor_id: int
    title: str
    description: str
    created_at: datetime


class SessionCreate(Strict):
    title: ShortText
    scheduled_at: datetime
    hls_url: HlsUrl | Literal[""] = ""


class SessionUpdate(Strict):
    title: ShortText | None = None
    hls_url: HlsUrl | Literal[""] | None = None
    status: Literal["live", "ended", "replay"] | None = None


class SessionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    room_id: int
    title: str
    status: str
    hls_url: str
    scheduled_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    likes: int
    peak_viewers: int


class RoomProductCreate(Strict):
    sku_id: int = Field(ge=1)


class RoomProductRead(BaseModel):
    id: int
    position: int
    product_id: int
    sku_id: int
    store_id: int
    title: str
    sku_name: str
    price_fen: int
    available: int
    sold_out: bool
    low_stock: bool
    pinned: bool


class PinsUpdate(Strict):
    room_product_ids: list[int] = Field(max_length=10)


class DealCreate(Strict):
    room_product_id: int = Field(ge=1)
    price_fen: PositiveFen
    pool: int = Field(ge=1, le=100_000)
    per_buyer_limit: int = Field(default=1, ge=1, le=MAX_PER_BUYER)
    countdown_seconds: int = Field(default=10, ge=0, le=3600)
    duration_seconds: int = Field(default=300, ge=0, le=24 * 3600)


class DealRead(BaseModel):
    id: int
    session_id: int
    room_id: int
    room_product_id: int
    position: int
    title: str
    sku_name: str
    price_fen: int
    pool: int
    sold: int
    returned: int
    remaining: int
    per_buyer_limit: int
    phase: str
    opens_at: datetime
    ends_at: datetime


class DealOrderCreate(Strict):
    quantity: int = Field(default=1, ge=1, le=MAX_PER_BUYER)
    recipient_name: RecipientName
    recipient_mobile: Mobile
    region_code: RegionCode
    address: AddressLine
    coupon_claim_id: int | None = Field(default=None, ge=1)


class DealOrderRead(BaseModel):
    deal_order_id: int
    order_id: int
    checkout_id: int
    deal_id: int
    quantity: int
    unit_price_fen: int
    discount_fen: int
    total_fen: int
    status: str
    created: bool


class CouponCreate(Strict):
    title: ShortText
    store_id: int = Field(ge=1)
    amount_off_fen: PositiveFen
    min_spend_fen: int = Field(default=0, ge=0, le=1_000_000_000)
    quantity: int = Field(ge=1, le=1_000_000)
    claim_minutes: int = Field(default=10, ge=1, le=24 * 60)
    valid_hours: int = Field(default=24, ge=1, le=24 * 30)


class CouponRead(BaseModel):
    id: int
    room_id: int
    session_id: int
    store_id: int
    title: str
    amount_off_fen: int
    min_spend_fen: int
    quantity: int
    claimed: int
    claim_starts_at: datetime
    claim_ends_at: datetime
    use_until: datetime


class ClaimRead(BaseModel):
    id: int
    coupon_id: int
    buyer_id: int
    claimed_at: datetime
    order_id: int | None
    created: bool


class CommentCreate(Strict):
    text: Annotated[str, StringConstraints(max_length=2 * COMMENT_MAX)]


class CommentRead(BaseModel):
    id: int
    user_id: int
    author: str
    text: str
    at: datetime


class MuteCreate(Strict):
    user_id: int = Field(ge=1)


# WebSocket client messages --------------------------------------------------------------------


class WsComment(Strict):
    type: Literal["comment"]
    text: Annotated[str, StringConstraints(max_length=2 * COMMENT_MAX)]
    ref: str | None = Field(default=None, max_length=40)


class WsLike(Strict):
    type: Literal["like"]
    count: int = Field(default=1, ge=1, le=50)
    ref: str | None = Field(default=None, max_length=40)


class WsPing(Strict):
    type: Literal["ping"]
    ref: str | None = Field(default=None, max_length=40)


class WsPin(Strict):
    type: Literal["pin"]
    room_product_ids: list[int] = Field(max_length=10)
    ref: str | None = Field(default=None, max_length=40)


class WsOpenDeal(DealCreate):
    type: Literal["open_deal"]
    ref: str | None = Field(default=None, max_length=40)


class WsPushCoupon(CouponCreate):
    type: Literal["push_coupon"]
    ref: str | None = Field(default=None, max_length=40)


class WsMute(Strict):
    type: Literal["mute"]
    user_id: int = Field(ge=1)
    ref: str | None = Field(default=None, max_length=40)


class WsPinComment(Strict):
    type: Literal["pin_comment"]
    comment_id: int = Field(ge=1)
    ref: str | None = Field(default=None, max_length=40)


WsMessage = Annotated[
    WsComment | WsLike | WsPing | WsPin | WsOpenDeal | WsPushCoupon | WsMute | WsPinComment,
    Field(discriminator="type"),
]
ANCHOR_ONLY = frozenset({"pin", "open_deal", "push_coupon", "mute", "pin_comment"})
