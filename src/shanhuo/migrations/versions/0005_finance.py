"""Merchant credit: scorecard models, policy, decisions (audit), offers, loans, instalments,
repayments, human reviews and the double-entry ledger.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shanhuo.models.base import UtcDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "credit_model",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("library", sa.String(length=40), nullable=False),
        sa.Column("data_source", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("card_json", sa.Text(), nullable=False),
        sa.Column("metrics_json", sa.Text(), nullable=False),
        sa.Column("training_seconds", sa.Double(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("promoted", sa.Boolean(), nullable=False),
        sa.Column("promoted_at", UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_model")),
        sa.UniqueConstraint("version", name=op.f("uq_credit_model_version")),
    )
    op.create_table(
        "credit_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("body_json", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_policy")),
        sa.UniqueConstraint("version", name=op.f("uq_credit_policy_version")),
    )
    op.create_table(
        "ledger_posting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("memo", sa.String(length=200), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_posting")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_ledger_posting_idempotency_key")),
    )
    op.create_table(
        "credit_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("requested_amount_fen", sa.Integer(), nullable=False),
        sa.Column("requested_term_days", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("as_of", UtcDateTime(timezone=True), nullable=False),
        sa.Column("features_json", sa.Text(), nullable=False),
        sa.Column("model_version", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("band", sa.String(length=8), nullable=False),
        sa.Column("reasons_json", sa.Text(), nullable=False),
        sa.Column("policy_version", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("limit_fen", sa.Integer(), nullable=False),
        sa.Column("daily_rate", sa.String(length=16), nullable=True),
        sa.Column("region_key", sa.String(length=16), nullable=False),
        sa.Column("store_age_days", sa.Integer(), nullable=False),
        sa.Column("review_status", sa.String(length=12), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "requested_amount_fen > 0", name=op.f("ck_credit_decision_amount_positive")
        ),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["user_account.id"],
            name=op.f("fk_credit_decision_applicant_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["store.id"], name=op.f("fk_credit_decision_store_id_store")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_decision")),
    )
    op.create_table(
        "credit_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("term_days", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("daily_rate", sa.String(length=16), nullable=False),
        sa.Column("apr", sa.String(length=16), nullable=False),
        sa.Column("total_interest_fen", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_credit_offer_amount_positive")),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["credit_decision.id"],
            name=op.f("fk_credit_offer_decision_id_credit_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["store.id"], name=op.f("fk_credit_offer_store_id_store")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_offer")),
    )
    op.create_table(
        "credit_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("request_note", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("analyst_id", sa.Integer(), nullable=True),
        sa.Column("analyst_note", sa.String(length=500), nullable=False),
        sa.Column("requested_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["analyst_id"],
            ["user_account.id"],
            name=op.f("fk_credit_review_analyst_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["credit_decision.id"],
            name=op.f("fk_credit_review_decision_id_credit_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["user_account.id"],
            name=op.f("fk_credit_review_requested_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_review")),
        sa.UniqueConstraint("decision_id", name=op.f("uq_credit_review_decision_id")),
    )
    op.create_table(
        "credit_loan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("principal_fen", sa.Integer(), nullable=False),
        sa.Column("term_days", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("daily_rate", sa.String(length=16), nullable=False),
        sa.Column("penalty_daily_rate", sa.String(length=16), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("policy_version", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("accrued_through", sa.Date(), nullable=True),
        sa.Column("max_days_past_due", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("disbursed_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", UtcDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("principal_fen > 0", name=op.f("ck_credit_loan_principal_positive")),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["credit_offer.id"], name=op.f("fk_credit_loan_offer_id_credit_offer")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["store.id"], name=op.f("fk_credit_loan_store_id_store")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_loan")),
        sa.UniqueConstraint("offer_id", name=op.f("uq_credit_loan_offer_id")),
    )
    op.create_table(
        "credit_instalment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("principal_fen", sa.Integer(), nullable=False),
        sa.Column("interest_fen", sa.Integer(), nullable=False),
        sa.Column("penalty_fen", sa.Integer(), nullable=False),
        sa.Column("paid_principal_fen", sa.Integer(), nullable=False),
        sa.Column("paid_interest_fen", sa.Integer(), nullable=False),
        sa.Column("paid_penalty_fen", sa.Integer(), nullable=False),
        sa.Column("waived_interest_fen", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["loan_id"],
            ["credit_loan.id"],
            name=op.f("fk_credit_instalment_loan_id_credit_loan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_instalment")),
        sa.UniqueConstraint("loan_id", "seq", name=op.f("uq_credit_instalment_loan_id_seq")),
    )
    op.create_table(
        "credit_repayment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=80), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("settlement_id", sa.Integer(), nullable=True),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("principal_fen", sa.Integer(), nullable=False),
        sa.Column("interest_fen", sa.Integer(), nullable=False),
        sa.Column("penalty_fen", sa.Integer(), nullable=False),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_credit_repayment_amount_positive")),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["credit_loan.id"], name=op.f("fk_credit_repayment_loan_id_credit_loan")
        ),
        sa.ForeignKeyConstraint(
            ["posting_id"],
            ["ledger_posting.id"],
            name=op.f("fk_credit_repayment_posting_id_ledger_posting"),
        ),
        sa.ForeignKeyConstraint(
            ["settlement_id"],
            ["settlement.id"],
            name=op.f("fk_credit_repayment_settlement_id_settlement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_repayment")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_credit_repayment_idempotency_key")),
    )
    op.create_table(
        "ledger_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("loan_id", sa.Integer(), nullable=True),
        sa.Column("balance_fen", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["loan_id"], ["credit_loan.id"], name=op.f("fk_ledger_account_loan_id_credit_loan")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["store.id"], name=op.f("fk_ledger_account_store_id_store")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_account")),
        sa.UniqueConstraint("code", name=op.f("uq_ledger_account_code")),
    )
    op.create_table(
        "ledger_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount_fen <> 0", name=op.f("ck_ledger_entry_amount_nonzero")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["ledger_account.id"],
            name=op.f("fk_ledger_entry_account_id_ledger_account"),
        ),
        sa.ForeignKeyConstraint(
            ["posting_id"],
            ["ledger_posting.id"],
            name=op.f("fk_ledger_entry_posting_id_ledger_posting"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entry")),
    )
    op.create_index(
        "uq_credit_model_one_promoted",
        "credit_model",
        ["promoted"],
        unique=True,
        sqlite_where=sa.text("promoted = 1"),
        postgresql_where=sa.text("promoted"),
    )
    op.create_index(
        op.f("ix_credit_decision_created_at"), "credit_decision", ["created_at"], unique=False
    )
    op.create_index(
        "ix_credit_decision_store_created",
        "credit_decision",
        ["store_id", "created_at"],
        unique=False,
    )
    op.create_index(op.f("ix_credit_offer_store_id"), "credit_offer", ["store_id"], unique=False)
    op.create_index(
        op.f("ix_credit_offer_decision_id"), "credit_offer", ["decision_id"], unique=False
    )
    op.create_index(op.f("ix_credit_review_status"), "credit_review", ["status"], unique=False)
    op.create_index(op.f("ix_credit_loan_store_id"), "credit_loan", ["store_id"], unique=False)
    op.create_index(
        op.f("ix_credit_loan_disbursed_at"), "credit_loan", ["disbursed_at"], unique=False
    )
    op.create_index(
        op.f("ix_credit_repayment_loan_id"), "credit_repayment", ["loan_id"], unique=False
    )
    op.create_index(
        op.f("ix_ledger_account_store_id"), "ledger_account", ["store_id"], unique=False
    )
    op.create_index(
        op.f("ix_ledger_entry_posting_id"), "ledger_entry", ["posting_id"], unique=False
    )
    op.create_index(
        op.f("ix_ledger_entry_account_id"), "ledger_entry", ["account_id"], unique=False
    )
    # ### end Alembic commands ###


def downgrade() -> None:
    # Indexes go with their tables.
    op.drop_table("ledger_entry")
    op.drop_table("ledger_account")
    op.drop_table("credit_repayment")
    op.drop_table("credit_instalment")
    op.drop_table("credit_loan")
    op.drop_table("credit_review")
    op.drop_table("credit_offer")
    op.drop_table("credit_decision")
    op.drop_table("ledger_posting")
    op.drop_table("credit_policy")
    op.drop_table("credit_model")
