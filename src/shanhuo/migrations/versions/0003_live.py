"""Live rooms: anchors and stores, rooms, sessions, room products and pins, flash deals with
their stock pool, deal orders, coupons, comments, mutes, events and viewer samples; and three
nullable/defaulted columns on ``shop_order`` (live_session_id, deal_id, discount_fen).

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shanhuo.models.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "live_room",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("anchor_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=60), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("blocked_words", sa.Text(), nullable=False),
        sa.Column("pinned_comment_id", sa.Integer(), nullable=True),
        sa.Column("created_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["anchor_id"], ["user_account.id"], name=op.f("fk_live_room_anchor_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_room")),
    )
    op.create_index(op.f("ix_live_room_anchor_id"), "live_room", ["anchor_id"], unique=False)
    op.create_index(
        op.f("ix_live_room_province_code"), "live_room", ["province_code"], unique=False
    )
    op.create_table(
        "live_anchor_store",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("anchor_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("linked_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["anchor_id"],
            ["user_account.id"],
            name=op.f("fk_live_anchor_store_anchor_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["linked_by_id"],
            ["user_account.id"],
            name=op.f("fk_live_anchor_store_linked_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["store.id"], name=op.f("fk_live_anchor_store_store_id_store")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_anchor_store")),
        sa.UniqueConstraint(
            "anchor_id", "store_id", name=op.f("uq_live_anchor_store_anchor_id_store_id")
        ),
    )
    op.create_index(
        op.f("ix_live_anchor_store_anchor_id"), "live_anchor_store", ["anchor_id"], unique=False
    )
    op.create_index(
        op.f("ix_live_anchor_store_store_id"), "live_anchor_store", ["store_id"], unique=False
    )
    op.create_table(
        "live_follow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["live_room.id"], name=op.f("fk_live_follow_room_id_live_room")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_live_follow_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_follow")),
        sa.UniqueConstraint("room_id", "user_id", name=op.f("uq_live_follow_room_id_user_id")),
    )
    op.create_index(op.f("ix_live_follow_room_id"), "live_follow", ["room_id"], unique=False)
    op.create_index(op.f("ix_live_follow_user_id"), "live_follow", ["user_id"], unique=False)
    op.create_table(
        "live_mute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("muted_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["muted_by_id"], ["user_account.id"], name=op.f("fk_live_mute_muted_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["live_room.id"], name=op.f("fk_live_mute_room_id_live_room")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_live_mute_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_mute")),
        sa.UniqueConstraint("room_id", "user_id", name=op.f("uq_live_mute_room_id_user_id")),
    )
    op.create_index(op.f("ix_live_mute_room_id"), "live_mute", ["room_id"], unique=False)
    op.create_table(
        "live_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("hls_url", sa.String(length=300), nullable=False),
        sa.Column("scheduled_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("started_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("likes", sa.Integer(), nullable=False),
        sa.Column("peak_viewers", sa.Integer(), nullable=False),
        sa.Column("created_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["live_room.id"], name=op.f("fk_live_session_room_id_live_room")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_session")),
    )
    op.create_index(op.f("ix_live_session_room_id"), "live_session", ["room_id"], unique=False)
    op.create_index(
        "ix_live_session_status_scheduled", "live_session", ["status", "scheduled_at"], unique=False
    )
    op.create_table(
        "live_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=40), nullable=False),
        sa.Column("body", sa.String(length=200), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["live_room.id"], name=op.f("fk_live_comment_room_id_live_room")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["live_session.id"],
            name=op.f("fk_live_comment_session_id_live_session"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_live_comment_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_comment")),
    )
    op.create_index(op.f("ix_live_comment_room_id"), "live_comment", ["room_id"], unique=False)
    op.create_index(
        "ix_live_comment_session_id_id", "live_comment", ["session_id", "id"], unique=False
    )
    op.create_table(
        "live_coupon",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=60), nullable=False),
        sa.Column("amount_off_fen", sa.Integer(), nullable=False),
        sa.Column("min_spend_fen", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("claimed", sa.Integer(), nullable=False),
        sa.Column(
            "claim_starts_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("claim_ends_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("use_until", shanhuo.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_off_fen > 0", name=op.f("ck_live_coupon_amount_positive")),
        sa.CheckConstraint(
            "claimed >= 0 AND claimed <= quantity",
            name=op.f("ck_live_coupon_claimed_within_quantity"),
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["live_room.id"], name=op.f("fk_live_coupon_room_id_live_room")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["live_session.id"], name=op.f("fk_live_coupon_session_id_live_session")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["store.id"], name=op.f("fk_live_coupon_store_id_store")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_coupon")),
    )
    op.create_index(op.f("ix_live_coupon_room_id"), "live_coupon", ["room_id"], unique=False)
    op.create_index(op.f("ix_live_coupon_session_id"), "live_coupon", ["session_id"], unique=False)
    op.create_table(
        "live_viewer_sample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("viewers", sa.Integer(), nullable=False),
        sa.Column("at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["live_session.id"],
            name=op.f("fk_live_viewer_sample_session_id_live_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_viewer_sample")),
    )
    op.create_index(
        "ix_live_viewer_sample_session_id_at",
        "live_viewer_sample",
        ["session_id", "at"],
        unique=False,
    )
    op.create_table(
        "live_coupon_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coupon_id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("claimed_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("used_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["buyer_id"],
            ["user_account.id"],
            name=op.f("fk_live_coupon_claim_buyer_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["coupon_id"],
            ["live_coupon.id"],
            name=op.f("fk_live_coupon_claim_coupon_id_live_coupon"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["shop_order.id"], name=op.f("fk_live_coupon_claim_order_id_shop_order")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_coupon_claim")),
        sa.UniqueConstraint(
            "coupon_id", "buyer_id", name=op.f("uq_live_coupon_claim_coupon_id_buyer_id")
        ),
    )
    op.create_index(
        op.f("ix_live_coupon_claim_buyer_id"), "live_coupon_claim", ["buyer_id"], unique=False
    )
    op.create_index(
        op.f("ix_live_coupon_claim_coupon_id"), "live_coupon_claim", ["coupon_id"], unique=False
    )
    op.create_table(
        "live_room_product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("sku_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("pinned_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("added_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_live_room_product_product_id_product")
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["live_room.id"], name=op.f("fk_live_room_product_room_id_live_room")
        ),
        sa.ForeignKeyConstraint(
            ["sku_id"], ["sku.id"], name=op.f("fk_live_room_product_sku_id_sku")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["store.id"], name=op.f("fk_live_room_product_store_id_store")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_room_product")),
        sa.UniqueConstraint(
            "room_id", "position", name=op.f("uq_live_room_product_room_id_position")
        ),
        sa.UniqueConstraint("room_id", "sku_id", name=op.f("uq_live_room_product_room_id_sku_id")),
    )
    op.create_index(
        op.f("ix_live_room_product_room_id"), "live_room_product", ["room_id"], unique=False
    )
    op.create_table(
        "live_deal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("room_product_id", sa.Integer(), nullable=False),
        sa.Column("sku_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=60), nullable=False),
        sa.Column("sku_name", sa.String(length=40), nullable=False),
        sa.Column("price_fen", sa.Integer(), nullable=False),
        sa.Column("pool", sa.Integer(), nullable=False),
        sa.Column("sold", sa.Integer(), nullable=False),
        sa.Column("returned", sa.Integer(), nullable=False),
        sa.Column("per_buyer_limit", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("opens_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("sold_out_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("per_buyer_limit >= 1", name=op.f("ck_live_deal_limit_positive")),
        sa.CheckConstraint("pool > 0", name=op.f("ck_live_deal_pool_positive")),
        sa.CheckConstraint("price_fen > 0", name=op.f("ck_live_deal_price_positive")),
        sa.CheckConstraint("sold + returned <= pool", name=op.f("ck_live_deal_within_pool")),
        sa.CheckConstraint(
            "sold >= 0 AND returned >= 0", name=op.f("ck_live_deal_counts_nonnegative")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_live_deal_product_id_product")
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["live_room.id"], name=op.f("fk_live_deal_room_id_live_room")
        ),
        sa.ForeignKeyConstraint(
            ["room_product_id"],
            ["live_room_product.id"],
            name=op.f("fk_live_deal_room_product_id_live_room_product"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["live_session.id"], name=op.f("fk_live_deal_session_id_live_session")
        ),
        sa.ForeignKeyConstraint(["sku_id"], ["sku.id"], name=op.f("fk_live_deal_sku_id_sku")),
        sa.ForeignKeyConstraint(
            ["store_id"], ["store.id"], name=op.f("fk_live_deal_store_id_store")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_deal")),
    )
    op.create_index(op.f("ix_live_deal_room_id"), "live_deal", ["room_id"], unique=False)
    op.create_index(op.f("ix_live_deal_session_id"), "live_deal", ["session_id"], unique=False)
    op.create_index(op.f("ix_live_deal_sku_id"), "live_deal", ["sku_id"], unique=False)
    op.create_table(
        "live_deal_buyer",
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("per_buyer_limit", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_live_deal_buyer_quantity_nonnegative")),
        sa.CheckConstraint(
            "quantity <= per_buyer_limit", name=op.f("ck_live_deal_buyer_within_limit")
        ),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["user_account.id"], name=op.f("fk_live_deal_buyer_buyer_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["live_deal.id"], name=op.f("fk_live_deal_buyer_deal_id_live_deal")
        ),
        sa.PrimaryKeyConstraint("deal_id", "buyer_id", name=op.f("pk_live_deal_buyer")),
    )
    op.create_table(
        "live_deal_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=80), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("checkout_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["user_account.id"], name=op.f("fk_live_deal_order_buyer_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["checkout_id"], ["checkout.id"], name=op.f("fk_live_deal_order_checkout_id_checkout")
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["live_deal.id"], name=op.f("fk_live_deal_order_deal_id_live_deal")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["shop_order.id"], name=op.f("fk_live_deal_order_order_id_shop_order")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_deal_order")),
        sa.UniqueConstraint(
            "buyer_id", "idempotency_key", name=op.f("uq_live_deal_order_buyer_id_idempotency_key")
        ),
        sa.UniqueConstraint("order_id", name=op.f("uq_live_deal_order_order_id")),
    )
    op.create_index(
        op.f("ix_live_deal_order_created_at"), "live_deal_order", ["created_at"], unique=False
    )
    op.create_index(
        op.f("ix_live_deal_order_deal_id"), "live_deal_order", ["deal_id"], unique=False
    )
    op.create_table(
        "live_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("room_product_id", sa.Integer(), nullable=True),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=120), nullable=False),
        sa.Column("at", shanhuo.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["live_deal.id"], name=op.f("fk_live_event_deal_id_live_deal")
        ),
        sa.ForeignKeyConstraint(
            ["room_product_id"],
            ["live_room_product.id"],
            name=op.f("fk_live_event_room_product_id_live_room_product"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["live_session.id"], name=op.f("fk_live_event_session_id_live_session")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_event")),
    )
    op.create_index("ix_live_event_session_id_at", "live_event", ["session_id", "at"], unique=False)
    with op.batch_alter_table("shop_order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("live_session_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("deal_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("discount_fen", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_shop_order_deal_id"), ["deal_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_shop_order_live_session_id"), ["live_session_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("shop_order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shop_order_live_session_id"))
        batch_op.drop_index(batch_op.f("ix_shop_order_deal_id"))
        batch_op.drop_column("discount_fen")
        batch_op.drop_column("deal_id")
        batch_op.drop_column("live_session_id")
    op.drop_index("ix_live_event_session_id_at", table_name="live_event")
    op.drop_table("live_event")
    op.drop_index(op.f("ix_live_deal_order_deal_id"), table_name="live_deal_order")
    op.drop_index(op.f("ix_live_deal_order_created_at"), table_name="live_deal_order")
    op.drop_table("live_deal_order")
    op.drop_table("live_deal_buyer")
    op.drop_index(op.f("ix_live_deal_sku_id"), table_name="live_deal")
    op.drop_index(op.f("ix_live_deal_session_id"), table_name="live_deal")
    op.drop_index(op.f("ix_live_deal_room_id"), table_name="live_deal")
    op.drop_table("live_deal")
    op.drop_index(op.f("ix_live_room_product_room_id"), table_name="live_room_product")
    op.drop_table("live_room_product")
    op.drop_index(op.f("ix_live_coupon_claim_coupon_id"), table_name="live_coupon_claim")
    op.drop_index(op.f("ix_live_coupon_claim_buyer_id"), table_name="live_coupon_claim")
    op.drop_table("live_coupon_claim")
    op.drop_index("ix_live_viewer_sample_session_id_at", table_name="live_viewer_sample")
    op.drop_table("live_viewer_sample")
    op.drop_index(op.f("ix_live_coupon_session_id"), table_name="live_coupon")
    op.drop_index(op.f("ix_live_coupon_room_id"), table_name="live_coupon")
    op.drop_table("live_coupon")
    op.drop_index("ix_live_comment_session_id_id", table_name="live_comment")
    op.drop_index(op.f("ix_live_comment_room_id"), table_name="live_comment")
    op.drop_table("live_comment")
    op.drop_index("ix_live_session_status_scheduled", table_name="live_session")
    op.drop_index(op.f("ix_live_session_room_id"), table_name="live_session")
    op.drop_table("live_session")
    op.drop_index(op.f("ix_live_mute_room_id"), table_name="live_mute")
    op.drop_table("live_mute")
    op.drop_index(op.f("ix_live_follow_user_id"), table_name="live_follow")
    op.drop_index(op.f("ix_live_follow_room_id"), table_name="live_follow")
    op.drop_table("live_follow")
    op.drop_index(op.f("ix_live_anchor_store_store_id"), table_name="live_anchor_store")
    op.drop_index(op.f("ix_live_anchor_store_anchor_id"), table_name="live_anchor_store")
    op.drop_table("live_anchor_store")
    op.drop_index(op.f("ix_live_room_province_code"), table_name="live_room")
    op.drop_index(op.f("ix_live_room_anchor_id"), table_name="live_room")
    op.drop_table("live_room")
