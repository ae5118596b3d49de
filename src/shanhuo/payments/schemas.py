"""Pydantic shapes for payments, callbacks, refunds and settlements."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints


class PaymentStart(BaseModel):
    payment_id: int
    checkout_id: int
    provider: str
    provider_ref: str
    amount_fen: int
    status: str
    redirect_url: str


class CallbackAnswer(BaseModel):
    status: str  # applied | failed | duplicate | ignored | refunded
    payment_id: int | None = None


class RefundCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""


class RefundRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    payment_id: int
    order_id: int
    amount_fen: int
    reason: str
    provider_ref: str
    status: str
    created_at: datetime


class SettlementRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    order_id: int
    store_id: int
    gross_fen: int
    fee_fen: int
    net_fen: int
    status: str
    created_at: datetime
    settled_at: datetime | None


class SettlementTotals(BaseModel):
    gross_fen: int = 0
    fee_fen: int = 0
    net_fen: int = 0
    pending_net_fen: int = 0
    settled_net_fen: int = 0
    reversed_net_fen: int = 0


class SettlementPage(BaseModel):
    items: list[SettlementRead]
    totals: SettlementTotals
