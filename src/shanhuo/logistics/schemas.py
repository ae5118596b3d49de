"""Logistics schemas (pydantic): nodes, links, carriers, vehicles, parcels, scans, pickups,
route plans and what the public tracking API shows (masked)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shanhuo.kit.types import Mobile, RegionCode, ShortText

NodeKind = Literal["hub", "township", "village"]
Minutes = Annotated[int, Field(ge=0, le=24 * 60)]
Plate = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=16)]
CarrierCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9_]{2,20}$")]
ScanKey = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_.:\-]{4,64}$")
]
TrackingNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_\-]{4,40}$")
]


class NodeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: NodeKind
    name: ShortText
    county_code: Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
    region_code: RegionCode
    parent_id: int | None = None
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    opens_min: Minutes = 8 * 60
    closes_min: Minutes = 18 * 60
    storage_capacity: int = Field(default=100, ge=0, le=100_000)
    cold_storage: bool = False
    keeper_id: int | None = None
    road_factor: float | None = Field(default=None, ge=1.0, le=4.0)


class NodeUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ShortText | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    opens_min: Minutes | None = None
    closes_min: Minutes | None = None
    storage_capacity: int | None = Field(default=None, ge=0, le=100_000)
    cold_storage: bool | None = None
    keeper_id: int | None = None
    road_factor: float | None = Field(default=None, ge=1.0, le=4.0)


class NodeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    name: str
    county_code: str
    region_code: str
    parent_id: int | None
    lat: float
    lon: float
    opens_min: int
    closes_min: int
    storage_capacity: int
    cold_storage: bool
    keeper_id: int | None
    road_factor: float | None


class LinkIn(BaseModel):
    from_node_id: int
    to_node_id: int
    distance_m: int = Field(ge=0, le=2_000_000)
    duration_s: int = Field(ge=0, le=7 * 24 * 3600)


class LinkImport(BaseModel):
    links: list[LinkIn] = Field(min_length=1, max_length=200_000)


class CarrierCreate(BaseModel):
    code: CarrierCode
    name: ShortText


class CarrierRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str


class VehicleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plate: Plate
    capacity_kg: int = Field(ge=1, le=50_000)
    capacity_l: int = Field(ge=1, le=100_000)
    refrigerated: bool = False
    driver_id: int | None = None
    cost_per_km_fen: int = Field(default=150, ge=0, le=100_000)
    fixed_cost_fen: int = Field(default=5000, ge=0, le=10_000_000)


class VehicleUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    capacity_kg: int | None = Field(default=None, ge=1, le=50_000)
    capacity_l: int | None = Field(default=None, ge=1, le=100_000)
    refrigerated: bool | None = None
    driver_id: int | None = None
    cost_per_km_fen: int | None = Field(default=None, ge=0, le=100_000)
    fixed_cost_fen: int | None = Field(default=None, ge=0, le=10_000_000)
    active: bool | None = None


class VehicleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    hub_id: int
    plate: str
    capacity_kg: int
    capacity_l: int
    refrigerated: bool
    driver_id: int | None
    cost_per_km_fen: int
    fixed_cost_fen: int
    active: bool


class InboundParcelCreate(BaseModel):
    """A carrier's parcel for a villager, arriving at the county hub (downward)."""

    model_config = ConfigDict(extra="forbid")

    carrier_code: CarrierCode
    carrier_tracking_number: TrackingNumber
    destination_node_id: int
    recipient_name: ShortText
    recipient_mobile: Mobile
    sender_name: ShortText = "城市发件人"
    sender_mobile: Mobile = "13800000000"
    origin_region_code: RegionCode = "110105"
    weight_g: int = Field(ge=1, le=100_000)
    volume_ml: int = Field(default=5000, ge=1, le=1_000_000)
    cold: bool = False
    deadline_at: datetime | None = None


class ScanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event: Literal[
        "collected",
        "arrived",
        "departed",
        "handed_to_carrier",
        "received_from_carrier",
        "out_for_delivery",
        "arrived_service_point",
        "delivered",
        "failed",
        "returned",
        "delayed",
    ]
    node_id: int | None = None
    at: datetime | None = None
    scan_id: ScanKey | None = None
    note: Annotated[str, StringConstraints(max_length=200)] = ""


class PickupIn(BaseModel):
    code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{6}$")]


class ScanRead(BaseModel):
    event: str
    event_zh: str
    event_en: str
    status_after: str
    node_name: str | None
    at: datetime


class TrackingRead(BaseModel):
    """What anyone with the tracking number may see: no personal data beyond 张* / 138****1234."""

    tracking_number: str
    carrier_tracking_number: str | None
    carrier: str
    direction: str
    status: str
    status_zh: str
    status_en: str
    recipient: str
    recipient_mobile: str
    origin: str
    destination: str
    deadline_at: datetime | None
    delivered_at: datetime | None
    scans: list[ScanRead]


class ParcelRead(BaseModel):
    id: int
    tracking_number: str
    direction: str
    status: str
    order_id: int | None
    carrier: str
    carrier_tracking_number: str | None
    recipient_name: str
    recipient_mobile: str
    weight_g: int
    volume_ml: int
    cold: bool
    deadline_at: datetime | None
    current_node_id: int | None
    destination_node_id: int | None
    origin_node_id: int | None


class PlanCreate(BaseModel):
    service_date: date
    seconds: float | None = Field(default=None, gt=0, le=120)


class StopMove(BaseModel):
    to_route_id: int
    position: int = Field(default=0, ge=0, le=10_000)


class PlanStopRead(BaseModel):
    stop_id: int
    seq: int
    node_id: int
    node_name: str
    node_kind: str
    arrive: str
    depart: str
    deliveries: int
    pickups: int
    cold: int
    served: bool


class PlanRouteRead(BaseModel):
    route_id: int
    vehicle_id: int
    plate: str
    refrigerated: bool
    distance_km: float
    cost_fen: int
    start: str
    end: str
    stops: list[PlanStopRead]


class PlanRead(BaseModel):
    id: int
    hub_id: int
    county_code: str
    service_date: date
    version: int
    status: str
    distance_km: float
    cost_fen: int
    feasible: bool
    solve_ms: int
    unassigned_parcels: int
    routes: list[PlanRouteRead]


class CostShareRead(BaseModel):
    route_id: int
    plate: str
    carrier: str
    pieces: int
    weight_kg: float
    piece_km: float
    share_fen: int
