"""Merchant credit: scorecard models, the published policy, decisions (the audit record),
offers, loans with their schedules, human reviews, and a double-entry ledger in integer fen.

Rates are stored as decimal TEXT (e.g. ``"0.000450"``): SQLite has no exact decimal type and
a float would not reproduce an audited price. JSON payloads are TEXT for the same portability.

For the development report (reads these tables directly): ``credit_loan`` has one row per
disbursed or pending loan — ``store_id``, ``principal_fen``, ``disbursed_at`` (NULL until the
money reached the store), ``status``; the store's province is ``store.province_code``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from shanhuo.models.base import Base


class CreditModel(Base):
    """A trained scorecard. ``card_json`` is the whole scoring table (bins and points per
    feature) — decisions score from it, so a version can be audited and re-run without the
    training library — no pickled object is stored or ever unpickled. At most one row is
    promoted."""

    __tablename__ = "credit_model"
    __table_args__ = (
        Index(
            "uq_credit_model_one_promoted",
            "promoted",
            unique=True,
            sqlite_where=text("promoted = 1"),
            postgresql_where=text("promoted"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    library: Mapped[str] = mapped_column(String(40))
    data_source: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int]
    card_json: Mapped[str] = mapped_column(Text)
    metrics_json: Mapped[str] = mapped_column(Text)
    training_seconds: Mapped[float]
    created_at: Mapped[datetime]
    promoted: Mapped[bool] = mapped_column(default=False)
    promoted_at: Mapped[datetime | None]


class CreditPolicy(Base):
    """The published policy table (score bands → approve/decline, limit multiple, daily rate,
    amount/term limits, penalty). ``body_json`` holds it; versions are never edited."""

    __tablename__ = "credit_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(20), unique=True)
    body_json: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]


class CreditDecision(Base):
    """One application and its automated decision — the audit record: inputs (feature vector),
    model version, score, band, reasons and policy version. Never updated after insert except
    for ``review_status`` (the human review's outcome)."""

    __tablename__ = "credit_decision"
    __table_args__ = (
        CheckConstraint("requested_amount_fen > 0", name="amount_positive"),
        Index("ix_credit_decision_store_created", "store_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    requested_amount_fen: Mapped[int]
    requested_term_days: Mapped[int]
    method: Mapped[str] = mapped_column(String(16))  # equal | interest_first
    as_of: Mapped[datetime]
    features_json: Mapped[str] = mapped_column(Text)
    model_version: Mapped[str] = mapped_column(String(40))
    score: Mapped[float]
    band: Mapped[str] = mapped_column(String(8))
    reasons_json: Mapped[str] = mapped_column(Text)
    policy_version: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(12))  # approved | declined
    limit_fen: Mapped[int] = mapped_column(default=0)
    daily_rate: Mapped[str | None] = mapped_column(String(16))
    region_key: Mapped[str] = mapped_column(String(16))
    store_age_days: Mapped[int]
    review_status: Mapped[str] = mapped_column(String(12), default="none")
    created_at: Mapped[datetime] = mapped_column(index=True)


class CreditOffer(Base):
    """What the store may accept: amount, term, method and price, until ``expires_at``."""

    __tablename__ = "credit_offer"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("credit_decision.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    amount_fen: Mapped[int]
    term_days: Mapped[int]
    method: Mapped[str] = mapped_column(String(16))
    daily_rate: Mapped[str] = mapped_column(String(16))
    apr: Mapped[str] = mapped_column(String(16))
    total_interest_fen: Mapped[int]
    source: Mapped[str] = mapped_column(String(12))  # automated | review
    status: Mapped[str] = mapped_column(String(12), default="open")  # open|accepted|withdrawn
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class CreditLoan(Base):
    """A loan from an accepted offer. ``offer_id`` is unique: accepting twice finds this row."""

    __tablename__ = "credit_loan"
    __table_args__ = (CheckConstraint("principal_fen > 0", name="principal_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("credit_offer.id"), unique=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"), index=True)
    principal_fen: Mapped[int]
    term_days: Mapped[int]
    method: Mapped[str] = mapped_column(String(16))
    daily_rate: Mapped[str] = mapped_column(String(16))
    penalty_daily_rate: Mapped[str] = mapped_column(String(16))
    grace_days: Mapped[int]
    policy_version: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    # pending (accepted, not yet disbursed) | active | overdue | repaid
    start_date: Mapped[date] = mapped_column(Date)
    accrued_through: Mapped[date | None] = mapped_column(Date)
    max_days_past_due: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    disbursed_at: Mapped[datetime | None] = mapped_column(index=True)
    closed_at: Mapped[datetime | None]


class CreditInstalment(Base):
    __tablename__ = "credit_instalment"
    __table_args__ = (UniqueConstraint("loan_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("credit_loan.id", ondelete="CASCADE"))
    seq: Mapped[int]
    period_start: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    principal_fen: Mapped[int]
    interest_fen: Mapped[int]
    penalty_fen: Mapped[int] = mapped_column(default=0)
    paid_principal_fen: Mapped[int] = mapped_column(default=0)
    paid_interest_fen: Mapped[int] = mapped_column(default=0)
    paid_penalty_fen: Mapped[int] = mapped_column(default=0)
    waived_interest_fen: Mapped[int] = mapped_column(default=0)


class CreditRepayment(Base):
    """One repayment. ``idempotency_key`` is unique: a retried request or a second sweep over
    the same settlement finds the first repayment instead of taking the money twice."""

    __tablename__ = "credit_repayment"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("credit_loan.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    source: Mapped[str] = mapped_column(String(12))  # settlement | manual | payoff
    settlement_id: Mapped[int | None] = mapped_column(ForeignKey("settlement.id"))
    amount_fen: Mapped[int]
    principal_fen: Mapped[int]
    interest_fen: Mapped[int]
    penalty_fen: Mapped[int]
    posting_id: Mapped[int] = mapped_column(ForeignKey("ledger_posting.id"))
    created_at: Mapped[datetime]


class CreditReview(Base):
    """Human review on request (PIPL Art. 24): one per decision."""

    __tablename__ = "credit_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("credit_decision.id"), unique=True)
    requested_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    request_note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    analyst_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    analyst_note: Mapped[str] = mapped_column(String(500), default="")
    requested_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]


class LedgerAccount(Base):
    """An account of the double-entry ledger. Balances are signed, debit positive; the cached
    ``balance_fen`` moves only together with entries (checked by ``ledger_problems``)."""

    __tablename__ = "ledger_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"), index=True)
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("credit_loan.id"))
    balance_fen: Mapped[int] = mapped_column(default=0)


class LedgerPosting(Base):
    """A balanced set of entries (they sum to zero). ``idempotency_key`` is unique."""

    __tablename__ = "ledger_posting"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    memo: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]


class LedgerEntry(Base):
    __tablename__ = "ledger_entry"
    __table_args__ = (CheckConstraint("amount_fen <> 0", name="amount_nonzero"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("ledger_posting.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_account.id"), index=True)
    amount_fen: Mapped[int]
