"""Fewer index entries and foreign-key checks per flash-deal order.

A deal burst writes six rows per order; PostgreSQL's work per order is mostly index entries and
foreign-key checks. Three of them duplicated something else:
- ``ix_checkout_buyer_id``: the unique ``(buyer_id, idempotency_key)`` index starts with
  ``buyer_id`` and serves every lookup by buyer;
- ``live_deal_order.checkout_id`` (and its foreign key): always its order's ``checkout_id``,
  which is where every query reads it from;
- ``ix_live_deal_order_created_at``: no query filters or sorts deal orders by time (the ticker
  follows ids).

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("checkout", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkout_buyer_id"))
    with op.batch_alter_table("live_deal_order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_deal_order_created_at"))
        batch_op.drop_constraint(
            batch_op.f("fk_live_deal_order_checkout_id_checkout"), type_="foreignkey"
        )
        batch_op.drop_column("checkout_id")


def downgrade() -> None:
    with op.batch_alter_table("live_deal_order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checkout_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE live_deal_order SET checkout_id = "
        "(SELECT o.checkout_id FROM shop_order o WHERE o.id = live_deal_order.order_id)"
    )
    with op.batch_alter_table("live_deal_order", schema=None) as batch_op:
        batch_op.alter_column("checkout_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_live_deal_order_checkout_id_checkout"),
            "checkout",
            ["checkout_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_live_deal_order_created_at"), ["created_at"], unique=False
        )
    with op.batch_alter_table("checkout", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checkout_buyer_id"), ["buyer_id"], unique=False)
