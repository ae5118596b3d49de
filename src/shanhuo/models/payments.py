"""Payments for checkouts, provider callbacks (kept for audit and replay protection),
refunds, and what each seller is settled per order."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shanhuo.models.base import Base


class Payment(Base):
    __tablename__ = "payment"
    __table_args__ = (
        UniqueConstraint("provider", "provider_ref"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checkout_id: Mapped[int] = mapped_column(ForeignKey("checkout.id"), unique=True)
    provider: Mapped[str] = mapped_column(String(20))
    provider_ref: Mapped[str] = mapped_column(String(64))
    amount_fen: Mapped[int]
    status: Mapped[str] = mapped_column(
        String(16), default="created"
    )  # created|succeeded|failed|closed
    created_at: Mapped[datetime]
    paid_at: Mapped[datetime | None]


class PaymentCallback(Base):
    """Each callback the provider sent, valid or not. ``event_id`` is unique per provider, so a
    replayed callback is recognised and ignored rather than applied twice."""

    __tablename__ = "payment_callback"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(64))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payment.id"))
    payload: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(
        String(24)
    )  # applied|rejected_signature|rejected_amount|...
    received_at: Mapped[datetime]


class RejectedCallback(Base):
    """Callbacks refused before they could be trusted (bad signature, wrong amount), for audit."""

    __tablename__ = "rejected_callback"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]


class Refund(Base):
    __tablename__ = "refund"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id"), unique=True)
    amount_fen: Mapped[int]
    reason: Mapped[str] = mapped_column(String(200), default="")
    provider_ref: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="succeeded")
    created_at: Mapped[datetime]


class Settlement(Base):
    """What the seller gets for one order: gross minus the platform fee, settled on completion."""

    __tablename__ = "settlement"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id"), unique=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    gross_fen: Mapped[int]
    fee_fen: Mapped[int]
    net_fen: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|settled|reversed
    created_at: Mapped[datetime]
    settled_at: Mapped[datetime | None]
