"""Carts, checkouts (one payment for several stores), orders, their lines and history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shanhuo.models.base import Base


class CartItem(Base):
    __tablename__ = "cart_item"
    __table_args__ = (
        UniqueConstraint("user_id", "sku_id"),
        CheckConstraint("quantity BETWEEN 1 AND 999", name="quantity_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    sku_id: Mapped[int] = mapped_column(ForeignKey("sku.id"))
    quantity: Mapped[int]
    added_at: Mapped[datetime]


class Checkout(Base):
    """One buyer request that became one order per store and is paid once.

    ``(buyer_id, idempotency_key)`` is unique: a retried request finds the first checkout
    instead of creating another (no check-then-insert race)."""

    __tablename__ = "checkout"
    __table_args__ = (UniqueConstraint("buyer_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique (buyer_id, idempotency_key) index starts with it.
    buyer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    idempotency_key: Mapped[str] = mapped_column(String(80))
    request_fingerprint: Mapped[str] = mapped_column(String(64))
    total_fen: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="pending_payment")
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class Order(Base):
    __tablename__ = "shop_order"
    __table_args__ = (
        Index("ix_shop_order_status_expires", "status", "expires_at"),
        CheckConstraint("total_fen >= 0", name="total_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checkout_id: Mapped[int] = mapped_column(ForeignKey("checkout.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending_payment")
    items_fen: Mapped[int]
    shipping_fen: Mapped[int] = mapped_column(default=0)
    total_fen: Mapped[int]
    refunded_fen: Mapped[int] = mapped_column(default=0)
    recipient_name: Mapped[str] = mapped_column(String(40))
    recipient_mobile: Mapped[str] = mapped_column(String(11))
    ship_to_region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    ship_to_address: Mapped[str] = mapped_column(String(200))
    tracking_number: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(index=True)
    expires_at: Mapped[datetime]
    paid_at: Mapped[datetime | None]
    shipped_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    refunded_at: Mapped[datetime | None]
    # Live rooms (migration 0003): the session an order was placed from, the flash deal it
    # came from, and a live-room coupon's discount (total_fen = items_fen + shipping - discount).
    live_session_id: Mapped[int | None] = mapped_column(index=True)
    deal_id: Mapped[int | None] = mapped_column(index=True)
    discount_fen: Mapped[int] = mapped_column(default=0, server_default="0")


class OrderLine(Base):
    __tablename__ = "order_line"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("shop_order.id", ondelete="CASCADE"), index=True
    )
    sku_id: Mapped[int] = mapped_column(ForeignKey("sku.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    title: Mapped[str] = mapped_column(String(60))
    sku_name: Mapped[str] = mapped_column(String(40))
    unit_price_fen: Mapped[int]
    quantity: Mapped[int]
    line_fen: Mapped[int]


class OrderEvent(Base):
    """Every status change, who made it and when (the order's history page reads this)."""

    __tablename__ = "order_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("shop_order.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime]
