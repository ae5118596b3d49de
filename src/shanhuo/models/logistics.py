"""Rural logistics (共同配送): the county network, parcels and their scans, pickup codes, daily
routes, cost shares, alerts and delivery-time statistics.

Coordinates are stored WGS-84 (what a GPS reports); maps in China draw GCJ-02, so conversion
happens only when a page draws them. Times are UTC; opening hours are minutes after local
(Asia/Shanghai) midnight because that is how a station keeper states them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from shanhuo.models.base import Base


class LogisticsNode(Base):
    """A county hub (县级中心), township station (乡镇站) or village service point (村级服务点).

    ``parent_id`` is the next node up (village → township → hub), which fixes the path a parcel
    takes; ``road_factor`` on a hub overrides the default detour factor for its county
    (mountain counties wind more)."""

    __tablename__ = "logistics_node"
    __table_args__ = (
        CheckConstraint("kind IN ('hub', 'township', 'village')", name="kind"),
        CheckConstraint(
            "opens_min >= 0 AND closes_min <= 1440 AND opens_min < closes_min", name="hours"
        ),
        CheckConstraint("storage_capacity >= 0", name="capacity"),
        UniqueConstraint("county_code", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(60))
    county_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("logistics_node.id"), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    opens_min: Mapped[int] = mapped_column(default=8 * 60)
    closes_min: Mapped[int] = mapped_column(default=18 * 60)
    storage_capacity: Mapped[int] = mapped_column(default=100)
    cold_storage: Mapped[bool] = mapped_column(default=False)
    keeper_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    road_factor: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime]


class LogisticsLink(Base):
    """An imported distance/time between two nodes; overrides the haversine × road-factor
    estimate (which is computed on demand and never stored)."""

    __tablename__ = "logistics_link"
    __table_args__ = (
        UniqueConstraint("from_node_id", "to_node_id"),
        CheckConstraint("distance_m >= 0 AND duration_s >= 0", name="nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_node_id: Mapped[int] = mapped_column(ForeignKey("logistics_node.id", ondelete="CASCADE"))
    to_node_id: Mapped[int] = mapped_column(ForeignKey("logistics_node.id", ondelete="CASCADE"))
    distance_m: Mapped[int]
    duration_s: Mapped[int]
    source: Mapped[str] = mapped_column(String(20), default="imported")


class Carrier(Base):
    """An express company that hands parcels to the shared county network."""

    __tablename__ = "carrier"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    adapter: Mapped[str] = mapped_column(String(20), default="local")
    created_at: Mapped[datetime]


class CarrierHub(Base):
    """Where a carrier hands over (and takes) parcels: a county hub."""

    __tablename__ = "carrier_hub"

    carrier_id: Mapped[int] = mapped_column(ForeignKey("carrier.id"), primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("logistics_node.id"), primary_key=True)


class Vehicle(Base):
    __tablename__ = "logistics_vehicle"
    __table_args__ = (
        CheckConstraint("capacity_kg > 0 AND capacity_l > 0", name="capacity_positive"),
        UniqueConstraint("plate"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("logistics_node.id"), index=True)
    plate: Mapped[str] = mapped_column(String(16))
    capacity_kg: Mapped[int]
    capacity_l: Mapped[int]
    refrigerated: Mapped[bool] = mapped_column(default=False)
    driver_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    cost_per_km_fen: Mapped[int] = mapped_column(default=150)
    fixed_cost_fen: Mapped[int] = mapped_column(default=5000)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class Parcel(Base):
    """One parcel, upward (village → city, from a paid order) or downward (carrier → villager).

    ``status`` is the normalised status the scan state machine keeps (``logistics.rules``)."""

    __tablename__ = "parcel"
    __table_args__ = (
        CheckConstraint("direction IN ('up', 'down')", name="direction"),
        CheckConstraint("weight_g > 0 AND volume_ml > 0", name="size_positive"),
        Index("ix_parcel_hub_status", "hub_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_number: Mapped[str] = mapped_column(String(24), unique=True)
    direction: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(20), default="created")
    order_id: Mapped[int | None] = mapped_column(ForeignKey("shop_order.id"), unique=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"), index=True)
    carrier_id: Mapped[int] = mapped_column(ForeignKey("carrier.id"), index=True)
    carrier_tracking_number: Mapped[str | None] = mapped_column(String(40), index=True)
    county_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("logistics_node.id"))
    origin_node_id: Mapped[int | None] = mapped_column(ForeignKey("logistics_node.id"))
    destination_node_id: Mapped[int | None] = mapped_column(ForeignKey("logistics_node.id"))
    current_node_id: Mapped[int | None] = mapped_column(ForeignKey("logistics_node.id"), index=True)
    origin_region_code: Mapped[str] = mapped_column(String(12))
    destination_region_code: Mapped[str] = mapped_column(String(12))
    sender_name: Mapped[str] = mapped_column(String(40))
    sender_mobile: Mapped[str] = mapped_column(String(11))
    recipient_name: Mapped[str] = mapped_column(String(40))
    recipient_mobile: Mapped[str] = mapped_column(String(11))
    recipient_address: Mapped[str] = mapped_column(String(200), default="")
    weight_g: Mapped[int]
    volume_ml: Mapped[int]
    cold: Mapped[bool] = mapped_column(default=False)
    deadline_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
    delayed: Mapped[bool] = mapped_column(default=False)


class ScanEvent(Base):
    """One scan. ``scan_key`` is unique: the device's scan id, or a hash of (parcel, event,
    node, time) — so a scan sent twice is stored once."""

    __tablename__ = "scan_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcel.id", ondelete="CASCADE"), index=True)
    scan_key: Mapped[str] = mapped_column(String(64), unique=True)
    event: Mapped[str] = mapped_column(String(24))
    status_after: Mapped[str] = mapped_column(String(20))
    node_id: Mapped[int | None] = mapped_column(ForeignKey("logistics_node.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime]
    recorded_at: Mapped[datetime]


class PickupCode(Base):
    """The 6-digit pickup code of a parcel waiting at a service point (keyed hash only)."""

    __tablename__ = "pickup_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcel.id", ondelete="CASCADE"), unique=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("logistics_node.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    arrived_at: Mapped[datetime]
    free_until: Mapped[datetime]
    return_after: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    reminded_at: Mapped[datetime | None]
    picked_up_at: Mapped[datetime | None]
    returned_at: Mapped[datetime | None]


class RoutePlan(Base):
    """The routes of one county hub for one service day. Re-planning makes a new version and
    marks the previous one ``superseded``."""

    __tablename__ = "route_plan"
    __table_args__ = (UniqueConstraint("hub_id", "service_date", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hub_id: Mapped[int] = mapped_column(ForeignKey("logistics_node.id"), index=True)
    county_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    service_date: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(12), default="draft")  # draft|published|superseded
    distance_m: Mapped[int] = mapped_column(default=0)
    cost_fen: Mapped[int] = mapped_column(default=0)
    objective: Mapped[int] = mapped_column(default=0)
    feasible: Mapped[bool] = mapped_column(default=True)
    solve_ms: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None]


class Route(Base):
    __tablename__ = "route"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("route_plan.id", ondelete="CASCADE"), index=True
    )
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("logistics_vehicle.id"))
    distance_m: Mapped[int]
    duration_s: Mapped[int]
    cost_fen: Mapped[int]
    start_s: Mapped[int]  # seconds after local midnight of the service day
    end_s: Mapped[int]
    started_at: Mapped[datetime | None]


class RouteStop(Base):
    __tablename__ = "route_stop"
    __table_args__ = (UniqueConstraint("route_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("route.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    node_id: Mapped[int] = mapped_column(ForeignKey("logistics_node.id"))
    arrive_s: Mapped[int]
    depart_s: Mapped[int]
    km_from_hub: Mapped[float] = mapped_column(Float, default=0.0)
    km_to_hub: Mapped[float] = mapped_column(Float, default=0.0)
    served_at: Mapped[datetime | None]


class RouteParcel(Base):
    """A parcel delivered (hub → stop) or picked up (stop → hub) at a route stop."""

    __tablename__ = "route_parcel"
    __table_args__ = (UniqueConstraint("stop_id", "parcel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stop_id: Mapped[int] = mapped_column(
        ForeignKey("route_stop.id", ondelete="CASCADE"), index=True
    )
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcel.id"), index=True)
    action: Mapped[str] = mapped_column(String(8))  # deliver | pickup
    eta_at: Mapped[datetime]


class RouteCostShare(Base):
    """What each carrier pays of one route: pieces, weight, piece-km and the share in fen.
    Shares of a route add up exactly to the route's cost (largest-remainder rounding)."""

    __tablename__ = "route_cost_share"
    __table_args__ = (UniqueConstraint("route_id", "carrier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("route.id", ondelete="CASCADE"), index=True)
    carrier_id: Mapped[int] = mapped_column(ForeignKey("carrier.id"))
    pieces: Mapped[int]
    weight_g: Mapped[int]
    piece_km: Mapped[float] = mapped_column(Float)
    share_fen: Mapped[int]


class LogisticsAlert(Base):
    """A cold-chain alert: a parcel's estimated arrival passes its deadline. Seen by the
    seller (``store_id``) and the hub (``hub_id``)."""

    __tablename__ = "logistics_alert"
    __table_args__ = (UniqueConstraint("parcel_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcel.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    hub_id: Mapped[int] = mapped_column(ForeignKey("logistics_node.id"), index=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id"), index=True)
    eta_at: Mapped[datetime]
    deadline_at: Mapped[datetime]
    raised_at: Mapped[datetime]


class ParcelDeliveryTime(Base):
    """One row per delivered parcel: payment (or hand-over for carrier parcels) → delivery.

    The development report reads this table (lanes by macro-region and province, county,
    month)."""

    __tablename__ = "parcel_delivery_time"

    parcel_id: Mapped[int] = mapped_column(
        ForeignKey("parcel.id", ondelete="CASCADE"), primary_key=True
    )
    order_id: Mapped[int | None] = mapped_column(ForeignKey("shop_order.id"))
    direction: Mapped[str] = mapped_column(String(4))
    carrier_id: Mapped[int] = mapped_column(ForeignKey("carrier.id"))
    county_code: Mapped[str] = mapped_column(String(12), index=True)
    origin_province: Mapped[str] = mapped_column(String(2))
    destination_province: Mapped[str] = mapped_column(String(2))
    origin_macro: Mapped[str] = mapped_column(String(10))
    destination_macro: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[datetime]
    delivered_at: Mapped[datetime]
    hours: Mapped[float] = mapped_column(Float)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM, Asia/Shanghai


class ParcelLegTime(Base):
    """The legs of a delivered parcel: the time between consecutive status-changing scans."""

    __tablename__ = "parcel_leg_time"
    __table_args__ = (UniqueConstraint("parcel_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcel.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    leg: Mapped[str] = mapped_column(String(50))  # "<from_event>><to_event>"
    from_node_id: Mapped[int | None] = mapped_column(ForeignKey("logistics_node.id"))
    to_node_id: Mapped[int | None] = mapped_column(ForeignKey("logistics_node.id"))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    hours: Mapped[float] = mapped_column(Float)
