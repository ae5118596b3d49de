"""Pydantic shapes for carts, checkouts and orders."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shanhuo.kit.types import Mobile, Quantity, RegionCode
from shanhuo.orders.rules import MAX_COUPONS_PER_CHECKOUT

RecipientName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)
]
AddressLine = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
TrackingNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[\w-]+$")
]


class CartItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku_id: int = Field(ge=1)
    quantity: Quantity = 1


class CartItemUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    quantity: Quantity | None = None


class CartItemRead(BaseModel):
    id: int
    sku_id: int
    product_id: int
    store_id: int
    store_name: str
    title: str
    sku_name: str
    unit_price_fen: int
    quantity: int
    line_fen: int
    available: bool


class CartStoreGroup(BaseModel):
    store_id: int
    store_name: str
    items: list[CartItemRead]
    subtotal_fen: int


class CartRead(BaseModel):
    stores: list[CartStoreGroup]
    total_fen: int
    count: int


class CheckoutLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku_id: int = Field(ge=1)
    quantity: Quantity


class CheckoutCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    recipient_name: RecipientName
    recipient_mobile: Mobile
    region_code: RegionCode
    address: AddressLine
    from_cart: bool = False
    lines: list[CheckoutLineIn] | None = Field(default=None, min_length=1, max_length=100)
    # Live-room coupon claims to use, at most one per store order (see rules.assign_coupons).
    coupon_claim_ids: list[Annotated[int, Field(ge=1)]] = Field(
        default_factory=list, max_length=MAX_COUPONS_PER_CHECKOUT
    )

    @model_validator(mode="after")
    def _exactly_one_source(self) -> CheckoutCreate:
        if self.from_cart == (self.lines is not None):
            raise ValueError("give either from_cart: true or lines, not both")
        return self


class OrderLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    sku_id: int
    product_id: int
    title: str
    sku_name: str
    unit_price_fen: int
    quantity: int
    line_fen: int


class OrderEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    from_status: str | None
    to_status: str
    actor_id: int | None
    note: str
    at: datetime


class OrderRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    number: str
    checkout_id: int
    buyer_id: int
    store_id: int
    status: str
    items_fen: int
    shipping_fen: int
    discount_fen: int = 0
    total_fen: int
    refunded_fen: int
    recipient_name: str
    recipient_mobile: str
    ship_to_region_code: str
    ship_to_address: str
    tracking_number: str | None
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    refunded_at: datetime | None
    lines: list[OrderLineRead] = []
    events: list[OrderEventRead] = []


class OrderPage(BaseModel):
    items: list[OrderRead]
    total: int
    page: int
    size: int


class CheckoutRead(BaseModel):
    id: int
    status: str
    total_fen: int
    created_at: datetime
    expires_at: datetime
    orders: list[OrderRead]


class ShipIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tracking_number: TrackingNumber


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
