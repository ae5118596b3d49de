"""Pydantic schemas for the credit API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shanhuo.kit.types import LongText

Method = Literal["equal", "interest_first"]


class ApplicationCreate(BaseModel):
    """A seller's application: which store, how much, how long, how to repay."""

    model_config = ConfigDict(extra="forbid")

    store_id: int = Field(ge=1)
    amount_fen: int = Field(description="requested amount in fen; policy limits apply")
    term_days: int = Field(description="term in days; policy limits apply (7–365 in p1)")
    method: Method = "equal"


class Reason(BaseModel):
    code: str
    zh: str
    en: str
    feature: str | None
    value: float | None
    points_lost: float


class OfferRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    amount_fen: int
    term_days: int
    method: str
    daily_rate: str
    apr: str
    apr_percent: str = ""
    total_interest_fen: int
    source: str
    status: str
    expires_at: datetime


class DecisionRead(BaseModel):
    id: int
    store_id: int
    outcome: str
    score: float
    band: str
    limit_fen: int
    requested_amount_fen: int
    requested_term_days: int
    method: str
    model_version: str
    policy_version: str
    reasons: list[Reason]
    features: dict[str, float | None]
    review_status: str
    created_at: datetime
    offer: OfferRead | None = None


class ReviewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: LongText = ""


class ReviewDecide(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["approved", "declined"]
    note: LongText = Field(min_length=1)


class ReviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    decision_id: int
    status: str
    request_note: str
    analyst_note: str
    requested_at: datetime
    decided_at: datetime | None


class RepaymentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount_fen: int | None = Field(default=None, description="omit with payoff=true")
    payoff: bool = False
    idempotency_key: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")


class RepaymentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    loan_id: int
    source: str
    amount_fen: int
    principal_fen: int
    interest_fen: int
    penalty_fen: int
    created_at: datetime


class InstalmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    period_start: date
    due_date: date
    principal_fen: int
    interest_fen: int
    penalty_fen: int
    paid_principal_fen: int
    paid_interest_fen: int
    paid_penalty_fen: int
    waived_interest_fen: int


class LoanRead(BaseModel):
    id: int
    store_id: int
    offer_id: int
    principal_fen: int
    term_days: int
    method: str
    daily_rate: str
    apr: str
    status: str
    disbursed_at: datetime | None
    owed_now_fen: int
    due_now_fen: int
    days_past_due: int
    store_balance_fen: int
    schedule: list[InstalmentRead]
    repayments: list[RepaymentRead]


class ModelRead(BaseModel):
    version: str
    library: str
    data_source: str
    fingerprint: str
    rows: int
    promoted: bool
    created_at: datetime
    training_seconds: float
    metrics: dict[str, Any]
