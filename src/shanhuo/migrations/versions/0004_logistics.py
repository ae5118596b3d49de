"""Rural logistics: county network (nodes, links, carriers, vehicles), parcels and scans,
pickup codes, daily route plans, cost shares, cold-chain alerts and delivery-time statistics.

Hand-written branch from 0002 (the lead linearises the parallel branches).

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shanhuo.models.base import UtcDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "carrier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("adapter", sa.String(length=20), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carrier")),
        sa.UniqueConstraint("code", name=op.f("uq_carrier_code")),
    )
    op.create_table(
        "logistics_node",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("county_code", sa.String(length=12), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("opens_min", sa.Integer(), nullable=False),
        sa.Column("closes_min", sa.Integer(), nullable=False),
        sa.Column("storage_capacity", sa.Integer(), nullable=False),
        sa.Column("cold_storage", sa.Boolean(), nullable=False),
        sa.Column("keeper_id", sa.Integer(), nullable=True),
        sa.Column("road_factor", sa.Float(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('hub', 'township', 'village')", name=op.f("ck_logistics_node_kind")
        ),
        sa.CheckConstraint(
            "opens_min >= 0 AND closes_min <= 1440 AND opens_min < closes_min",
            name=op.f("ck_logistics_node_hours"),
        ),
        sa.CheckConstraint("storage_capacity >= 0", name=op.f("ck_logistics_node_capacity")),
        sa.ForeignKeyConstraint(
            ["county_code"], ["region.code"], name=op.f("fk_logistics_node_county_code_region")
        ),
        sa.ForeignKeyConstraint(
            ["keeper_id"],
            ["user_account.id"],
            name=op.f("fk_logistics_node_keeper_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["logistics_node.id"],
            name=op.f("fk_logistics_node_parent_id_logistics_node"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_logistics_node")),
        sa.UniqueConstraint("county_code", "name", name=op.f("uq_logistics_node_county_code_name")),
    )
    op.create_index(
        op.f("ix_logistics_node_county_code"), "logistics_node", ["county_code"], unique=False
    )
    op.create_index(
        op.f("ix_logistics_node_keeper_id"), "logistics_node", ["keeper_id"], unique=False
    )
    op.create_index(
        op.f("ix_logistics_node_parent_id"), "logistics_node", ["parent_id"], unique=False
    )
    op.create_table(
        "carrier_hub",
        sa.Column("carrier_id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["carrier_id"], ["carrier.id"], name=op.f("fk_carrier_hub_carrier_id_carrier")
        ),
        sa.ForeignKeyConstraint(
            ["hub_id"], ["logistics_node.id"], name=op.f("fk_carrier_hub_hub_id_logistics_node")
        ),
        sa.PrimaryKeyConstraint("carrier_id", "hub_id", name=op.f("pk_carrier_hub")),
    )
    op.create_table(
        "logistics_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_node_id", sa.Integer(), nullable=False),
        sa.Column("to_node_id", sa.Integer(), nullable=False),
        sa.Column("distance_m", sa.Integer(), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "distance_m >= 0 AND duration_s >= 0", name=op.f("ck_logistics_link_nonnegative")
        ),
        sa.ForeignKeyConstraint(
            ["from_node_id"],
            ["logistics_node.id"],
            name=op.f("fk_logistics_link_from_node_id_logistics_node"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_node_id"],
            ["logistics_node.id"],
            name=op.f("fk_logistics_link_to_node_id_logistics_node"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_logistics_link")),
        sa.UniqueConstraint(
            "from_node_id", "to_node_id", name=op.f("uq_logistics_link_from_node_id_to_node_id")
        ),
    )
    op.create_table(
        "logistics_vehicle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("plate", sa.String(length=16), nullable=False),
        sa.Column("capacity_kg", sa.Integer(), nullable=False),
        sa.Column("capacity_l", sa.Integer(), nullable=False),
        sa.Column("refrigerated", sa.Boolean(), nullable=False),
        sa.Column("driver_id", sa.Integer(), nullable=True),
        sa.Column("cost_per_km_fen", sa.Integer(), nullable=False),
        sa.Column("fixed_cost_fen", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "capacity_kg > 0 AND capacity_l > 0",
            name=op.f("ck_logistics_vehicle_capacity_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["driver_id"],
            ["user_account.id"],
            name=op.f("fk_logistics_vehicle_driver_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["hub_id"],
            ["logistics_node.id"],
            name=op.f("fk_logistics_vehicle_hub_id_logistics_node"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_logistics_vehicle")),
        sa.UniqueConstraint("plate", name=op.f("uq_logistics_vehicle_plate")),
    )
    op.create_index(
        op.f("ix_logistics_vehicle_driver_id"), "logistics_vehicle", ["driver_id"], unique=False
    )
    op.create_index(
        op.f("ix_logistics_vehicle_hub_id"), "logistics_vehicle", ["hub_id"], unique=False
    )
    op.create_table(
        "route_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("county_code", sa.String(length=12), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("distance_m", sa.Integer(), nullable=False),
        sa.Column("cost_fen", sa.Integer(), nullable=False),
        sa.Column("objective", sa.Integer(), nullable=False),
        sa.Column("feasible", sa.Boolean(), nullable=False),
        sa.Column("solve_ms", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("published_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["county_code"], ["region.code"], name=op.f("fk_route_plan_county_code_region")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_route_plan_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["hub_id"], ["logistics_node.id"], name=op.f("fk_route_plan_hub_id_logistics_node")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_route_plan")),
        sa.UniqueConstraint(
            "hub_id",
            "service_date",
            "version",
            name=op.f("uq_route_plan_hub_id_service_date_version"),
        ),
    )
    op.create_index(op.f("ix_route_plan_hub_id"), "route_plan", ["hub_id"], unique=False)
    op.create_table(
        "parcel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tracking_number", sa.String(length=24), nullable=False),
        sa.Column("direction", sa.String(length=4), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("carrier_id", sa.Integer(), nullable=False),
        sa.Column("carrier_tracking_number", sa.String(length=40), nullable=True),
        sa.Column("county_code", sa.String(length=12), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("origin_node_id", sa.Integer(), nullable=True),
        sa.Column("destination_node_id", sa.Integer(), nullable=True),
        sa.Column("current_node_id", sa.Integer(), nullable=True),
        sa.Column("origin_region_code", sa.String(length=12), nullable=False),
        sa.Column("destination_region_code", sa.String(length=12), nullable=False),
        sa.Column("sender_name", sa.String(length=40), nullable=False),
        sa.Column("sender_mobile", sa.String(length=11), nullable=False),
        sa.Column("recipient_name", sa.String(length=40), nullable=False),
        sa.Column("recipient_mobile", sa.String(length=11), nullable=False),
        sa.Column("recipient_address", sa.String(length=200), nullable=False),
        sa.Column("weight_g", sa.Integer(), nullable=False),
        sa.Column("volume_ml", sa.Integer(), nullable=False),
        sa.Column("cold", sa.Boolean(), nullable=False),
        sa.Column("deadline_at", UtcDateTime(), nullable=True),
        sa.Column("paid_at", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("delivered_at", UtcDateTime(), nullable=True),
        sa.Column("delayed", sa.Boolean(), nullable=False),
        sa.CheckConstraint("direction IN ('up', 'down')", name=op.f("ck_parcel_direction")),
        sa.CheckConstraint("weight_g > 0 AND volume_ml > 0", name=op.f("ck_parcel_size_positive")),
        sa.ForeignKeyConstraint(
            ["carrier_id"], ["carrier.id"], name=op.f("fk_parcel_carrier_id_carrier")
        ),
        sa.ForeignKeyConstraint(
            ["county_code"], ["region.code"], name=op.f("fk_parcel_county_code_region")
        ),
        sa.ForeignKeyConstraint(
            ["current_node_id"],
            ["logistics_node.id"],
            name=op.f("fk_parcel_current_node_id_logistics_node"),
        ),
        sa.ForeignKeyConstraint(
            ["destination_node_id"],
            ["logistics_node.id"],
            name=op.f("fk_parcel_destination_node_id_logistics_node"),
        ),
        sa.ForeignKeyConstraint(
            ["hub_id"], ["logistics_node.id"], name=op.f("fk_parcel_hub_id_logistics_node")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["shop_order.id"], name=op.f("fk_parcel_order_id_shop_order")
        ),
        sa.ForeignKeyConstraint(
            ["origin_node_id"],
            ["logistics_node.id"],
            name=op.f("fk_parcel_origin_node_id_logistics_node"),
        ),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_parcel_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parcel")),
        sa.UniqueConstraint("order_id", name=op.f("uq_parcel_order_id")),
        sa.UniqueConstraint("tracking_number", name=op.f("uq_parcel_tracking_number")),
    )
    op.create_index(op.f("ix_parcel_carrier_id"), "parcel", ["carrier_id"], unique=False)
    op.create_index(
        op.f("ix_parcel_carrier_tracking_number"),
        "parcel",
        ["carrier_tracking_number"],
        unique=False,
    )
    op.create_index(op.f("ix_parcel_county_code"), "parcel", ["county_code"], unique=False)
    op.create_index(op.f("ix_parcel_created_at"), "parcel", ["created_at"], unique=False)
    op.create_index(op.f("ix_parcel_current_node_id"), "parcel", ["current_node_id"], unique=False)
    op.create_index("ix_parcel_hub_status", "parcel", ["hub_id", "status"], unique=False)
    op.create_index(op.f("ix_parcel_store_id"), "parcel", ["store_id"], unique=False)
    op.create_table(
        "route",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("distance_m", sa.Integer(), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=False),
        sa.Column("cost_fen", sa.Integer(), nullable=False),
        sa.Column("start_s", sa.Integer(), nullable=False),
        sa.Column("end_s", sa.Integer(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["route_plan.id"],
            name=op.f("fk_route_plan_id_route_plan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["logistics_vehicle.id"],
            name=op.f("fk_route_vehicle_id_logistics_vehicle"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_route")),
    )
    op.create_index(op.f("ix_route_plan_id"), "route", ["plan_id"], unique=False)
    op.create_table(
        "logistics_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parcel_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("eta_at", UtcDateTime(), nullable=False),
        sa.Column("deadline_at", UtcDateTime(), nullable=False),
        sa.Column("raised_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hub_id"], ["logistics_node.id"], name=op.f("fk_logistics_alert_hub_id_logistics_node")
        ),
        sa.ForeignKeyConstraint(
            ["parcel_id"],
            ["parcel.id"],
            name=op.f("fk_logistics_alert_parcel_id_parcel"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["store.id"], name=op.f("fk_logistics_alert_store_id_store")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_logistics_alert")),
        sa.UniqueConstraint("parcel_id", "kind", name=op.f("uq_logistics_alert_parcel_id_kind")),
    )
    op.create_index(op.f("ix_logistics_alert_hub_id"), "logistics_alert", ["hub_id"], unique=False)
    op.create_index(
        op.f("ix_logistics_alert_store_id"), "logistics_alert", ["store_id"], unique=False
    )
    op.create_table(
        "parcel_delivery_time",
        sa.Column("parcel_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("direction", sa.String(length=4), nullable=False),
        sa.Column("carrier_id", sa.Integer(), nullable=False),
        sa.Column("county_code", sa.String(length=12), nullable=False),
        sa.Column("origin_province", sa.String(length=2), nullable=False),
        sa.Column("destination_province", sa.String(length=2), nullable=False),
        sa.Column("origin_macro", sa.String(length=10), nullable=False),
        sa.Column("destination_macro", sa.String(length=10), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("delivered_at", UtcDateTime(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.ForeignKeyConstraint(
            ["carrier_id"], ["carrier.id"], name=op.f("fk_parcel_delivery_time_carrier_id_carrier")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["shop_order.id"],
            name=op.f("fk_parcel_delivery_time_order_id_shop_order"),
        ),
        sa.ForeignKeyConstraint(
            ["parcel_id"],
            ["parcel.id"],
            name=op.f("fk_parcel_delivery_time_parcel_id_parcel"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("parcel_id", name=op.f("pk_parcel_delivery_time")),
    )
    op.create_index(
        op.f("ix_parcel_delivery_time_county_code"),
        "parcel_delivery_time",
        ["county_code"],
        unique=False,
    )
    op.create_index(
        op.f("ix_parcel_delivery_time_month"), "parcel_delivery_time", ["month"], unique=False
    )
    op.create_table(
        "parcel_leg_time",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parcel_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("leg", sa.String(length=50), nullable=False),
        sa.Column("from_node_id", sa.Integer(), nullable=True),
        sa.Column("to_node_id", sa.Integer(), nullable=True),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("ended_at", UtcDateTime(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_node_id"],
            ["logistics_node.id"],
            name=op.f("fk_parcel_leg_time_from_node_id_logistics_node"),
        ),
        sa.ForeignKeyConstraint(
            ["parcel_id"],
            ["parcel.id"],
            name=op.f("fk_parcel_leg_time_parcel_id_parcel"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_node_id"],
            ["logistics_node.id"],
            name=op.f("fk_parcel_leg_time_to_node_id_logistics_node"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parcel_leg_time")),
        sa.UniqueConstraint("parcel_id", "seq", name=op.f("uq_parcel_leg_time_parcel_id_seq")),
    )
    op.create_index(
        op.f("ix_parcel_leg_time_parcel_id"), "parcel_leg_time", ["parcel_id"], unique=False
    )
    op.create_table(
        "pickup_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parcel_id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("arrived_at", UtcDateTime(), nullable=False),
        sa.Column("free_until", UtcDateTime(), nullable=False),
        sa.Column("return_after", UtcDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("reminded_at", UtcDateTime(), nullable=True),
        sa.Column("picked_up_at", UtcDateTime(), nullable=True),
        sa.Column("returned_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["node_id"], ["logistics_node.id"], name=op.f("fk_pickup_code_node_id_logistics_node")
        ),
        sa.ForeignKeyConstraint(
            ["parcel_id"],
            ["parcel.id"],
            name=op.f("fk_pickup_code_parcel_id_parcel"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pickup_code")),
        sa.UniqueConstraint("parcel_id", name=op.f("uq_pickup_code_parcel_id")),
    )
    op.create_index(op.f("ix_pickup_code_node_id"), "pickup_code", ["node_id"], unique=False)
    op.create_table(
        "route_cost_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("route_id", sa.Integer(), nullable=False),
        sa.Column("carrier_id", sa.Integer(), nullable=False),
        sa.Column("pieces", sa.Integer(), nullable=False),
        sa.Column("weight_g", sa.Integer(), nullable=False),
        sa.Column("piece_km", sa.Float(), nullable=False),
        sa.Column("share_fen", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["carrier_id"], ["carrier.id"], name=op.f("fk_route_cost_share_carrier_id_carrier")
        ),
        sa.ForeignKeyConstraint(
            ["route_id"],
            ["route.id"],
            name=op.f("fk_route_cost_share_route_id_route"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_route_cost_share")),
        sa.UniqueConstraint(
            "route_id", "carrier_id", name=op.f("uq_route_cost_share_route_id_carrier_id")
        ),
    )
    op.create_index(
        op.f("ix_route_cost_share_route_id"), "route_cost_share", ["route_id"], unique=False
    )
    op.create_table(
        "route_stop",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("route_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("arrive_s", sa.Integer(), nullable=False),
        sa.Column("depart_s", sa.Integer(), nullable=False),
        sa.Column("km_from_hub", sa.Float(), nullable=False),
        sa.Column("km_to_hub", sa.Float(), nullable=False),
        sa.Column("served_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["node_id"], ["logistics_node.id"], name=op.f("fk_route_stop_node_id_logistics_node")
        ),
        sa.ForeignKeyConstraint(
            ["route_id"],
            ["route.id"],
            name=op.f("fk_route_stop_route_id_route"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_route_stop")),
        sa.UniqueConstraint("route_id", "seq", name=op.f("uq_route_stop_route_id_seq")),
    )
    op.create_index(op.f("ix_route_stop_route_id"), "route_stop", ["route_id"], unique=False)
    op.create_table(
        "scan_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parcel_id", sa.Integer(), nullable=False),
        sa.Column("scan_key", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=24), nullable=False),
        sa.Column("status_after", sa.String(length=20), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_scan_event_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["node_id"], ["logistics_node.id"], name=op.f("fk_scan_event_node_id_logistics_node")
        ),
        sa.ForeignKeyConstraint(
            ["parcel_id"],
            ["parcel.id"],
            name=op.f("fk_scan_event_parcel_id_parcel"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scan_event")),
        sa.UniqueConstraint("scan_key", name=op.f("uq_scan_event_scan_key")),
    )
    op.create_index(op.f("ix_scan_event_parcel_id"), "scan_event", ["parcel_id"], unique=False)
    op.create_table(
        "route_parcel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stop_id", sa.Integer(), nullable=False),
        sa.Column("parcel_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("eta_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parcel_id"], ["parcel.id"], name=op.f("fk_route_parcel_parcel_id_parcel")
        ),
        sa.ForeignKeyConstraint(
            ["stop_id"],
            ["route_stop.id"],
            name=op.f("fk_route_parcel_stop_id_route_stop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_route_parcel")),
        sa.UniqueConstraint("stop_id", "parcel_id", name=op.f("uq_route_parcel_stop_id_parcel_id")),
    )
    op.create_index(op.f("ix_route_parcel_parcel_id"), "route_parcel", ["parcel_id"], unique=False)
    op.create_index(op.f("ix_route_parcel_stop_id"), "route_parcel", ["stop_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_route_parcel_stop_id"), table_name="route_parcel")
    op.drop_index(op.f("ix_route_parcel_parcel_id"), table_name="route_parcel")
    op.drop_table("route_parcel")
    op.drop_index(op.f("ix_scan_event_parcel_id"), table_name="scan_event")
    op.drop_table("scan_event")
    op.drop_index(op.f("ix_route_stop_route_id"), table_name="route_stop")
    op.drop_table("route_stop")
    op.drop_index(op.f("ix_route_cost_share_route_id"), table_name="route_cost_share")
    op.drop_table("route_cost_share")
    op.drop_index(op.f("ix_pickup_code_node_id"), table_name="pickup_code")
    op.drop_table("pickup_code")
    op.drop_index(op.f("ix_parcel_leg_time_parcel_id"), table_name="parcel_leg_time")
    op.drop_table("parcel_leg_time")
    op.drop_index(op.f("ix_parcel_delivery_time_month"), table_name="parcel_delivery_time")
    op.drop_index(op.f("ix_parcel_delivery_time_county_code"), table_name="parcel_delivery_time")
    op.drop_table("parcel_delivery_time")
    op.drop_index(op.f("ix_logistics_alert_store_id"), table_name="logistics_alert")
    op.drop_index(op.f("ix_logistics_alert_hub_id"), table_name="logistics_alert")
    op.drop_table("logistics_alert")
    op.drop_index(op.f("ix_route_plan_id"), table_name="route")
    op.drop_table("route")
    op.drop_index(op.f("ix_parcel_store_id"), table_name="parcel")
    op.drop_index("ix_parcel_hub_status", table_name="parcel")
    op.drop_index(op.f("ix_parcel_current_node_id"), table_name="parcel")
    op.drop_index(op.f("ix_parcel_created_at"), table_name="parcel")
    op.drop_index(op.f("ix_parcel_county_code"), table_name="parcel")
    op.drop_index(op.f("ix_parcel_carrier_tracking_number"), table_name="parcel")
    op.drop_index(op.f("ix_parcel_carrier_id"), table_name="parcel")
    op.drop_table("parcel")
    op.drop_index(op.f("ix_route_plan_hub_id"), table_name="route_plan")
    op.drop_table("route_plan")
    op.drop_index(op.f("ix_logistics_vehicle_hub_id"), table_name="logistics_vehicle")
    op.drop_index(op.f("ix_logistics_vehicle_driver_id"), table_name="logistics_vehicle")
    op.drop_table("logistics_vehicle")
    op.drop_table("logistics_link")
    op.drop_table("carrier_hub")
    op.drop_index(op.f("ix_logistics_node_parent_id"), table_name="logistics_node")
    op.drop_index(op.f("ix_logistics_node_keeper_id"), table_name="logistics_node")
    op.drop_index(op.f("ix_logistics_node_county_code"), table_name="logistics_node")
    op.drop_table("logistics_node")
    op.drop_table("carrier")
