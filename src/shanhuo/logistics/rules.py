"""Pure logistics rules: the scan state machine, which node a scan may happen at, geography
(China's bounding box, haversine, WGS-84 → GCJ-02), opening hours, vehicle load along a
route, largest-remainder cost splitting, deadlines and tracking numbers. No I/O.

The scan state machine is a table: every (status, event) pair is either in it or refused, and
the unit tests walk every pair.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from shanhuo.kit.errors import Conflict, Invalid

# Statuses and events ------------------------------------------------------------------------


class ParcelStatus(StrEnum):
    CREATED = "created"  # label printed, not yet in the network
    COLLECTED = "collected"  # taken in at a village service point (upward)
    AT_NODE = "at_node"  # inside a township station or the county hub
    IN_TRANSIT = "in_transit"  # left a node, on a vehicle between nodes
    WITH_CARRIER = "with_carrier"  # handed to an express carrier for the city (upward)
    OUT_FOR_DELIVERY = "out_for_delivery"
    AWAITING_PICKUP = "awaiting_pickup"  # at the service point, pickup code sent
    DELIVERED = "delivered"
    FAILED = "failed"  # a delivery attempt failed
    RETURNED = "returned"  # sent back to the sender


class ScanEventKind(StrEnum):
    COLLECTED = "collected"
    ARRIVED = "arrived"  # into a hub/station
    DEPARTED = "departed"  # out of a hub/station
    HANDED_TO_CARRIER = "handed_to_carrier"
    RECEIVED_FROM_CARRIER = "received_from_carrier"
    OUT_FOR_DELIVERY = "out_for_delivery"
    ARRIVED_SERVICE_POINT = "arrived_service_point"
    PICKED_UP = "picked_up"  # with the pickup code
    DELIVERED = "delivered"
    FAILED = "failed"
    RETURNED = "returned"
    DELAYED = "delayed"  # a note; keeps the status


P = ParcelStatus
E = ScanEventKind

SCAN_TRANSITIONS: dict[tuple[ParcelStatus, ScanEventKind], ParcelStatus] = {
    (P.CREATED, E.COLLECTED): P.COLLECTED,
    (P.CREATED, E.RECEIVED_FROM_CARRIER): P.AT_NODE,
    (P.COLLECTED, E.DEPARTED): P.IN_TRANSIT,
    (P.COLLECTED, E.ARRIVED): P.AT_NODE,
    (P.AT_NODE, E.DEPARTED): P.IN_TRANSIT,
    (P.AT_NODE, E.HANDED_TO_CARRIER): P.WITH_CARRIER,
    (P.AT_NODE, E.OUT_FOR_DELIVERY): P.OUT_FOR_DELIVERY,
    (P.AT_NODE, E.ARRIVED_SERVICE_POINT): P.AWAITING_PICKUP,
    (P.AT_NODE, E.RETURNED): P.RETURNED,
    (P.IN_TRANSIT, E.ARRIVED): P.AT_NODE,
    (P.IN_TRANSIT, E.ARRIVED_SERVICE_POINT): P.AWAITING_PICKUP,
    (P.WITH_CARRIER, E.DELIVERED): P.DELIVERED,
    (P.WITH_CARRIER, E.FAILED): P.FAILED,
    (P.OUT_FOR_DELIVERY, E.DELIVERED): P.DELIVERED,
    (P.OUT_FOR_DELIVERY, E.ARRIVED_SERVICE_POINT): P.AWAITING_PICKUP,
    (P.OUT_FOR_DELIVERY, E.FAILED): P.FAILED,
    (P.AWAITING_PICKUP, E.PICKED_UP): P.DELIVERED,
    (P.AWAITING_PICKUP, E.RETURNED): P.RETURNED,
    (P.FAILED, E.OUT_FOR_DELIVERY): P.OUT_FOR_DELIVERY,
    (P.FAILED, E.ARRIVED_SERVICE_POINT): P.AWAITING_PICKUP,
    (P.FAILED, E.RETURNED): P.RETURNED,
}
TERMINAL = frozenset({P.DELIVERED, P.RETURNED})

STATUS_NAMES: dict[str, tuple[str, str]] = {
    P.CREATED: ("待揽收", "Label created"),
    P.COLLECTED: ("已揽收", "Collected"),
    P.AT_NODE: ("在站点", "At a station"),
    P.IN_TRANSIT: ("运输中", "In transit"),
    P.WITH_CARRIER: ("已交快递", "With the carrier"),
    P.OUT_FOR_DELIVERY: ("派送中", "Out for delivery"),
    P.AWAITING_PICKUP: ("待取件", "Ready for pickup"),
    P.DELIVERED: ("已签收", "Delivered"),
    P.FAILED: ("投递失败", "Delivery failed"),
    P.RETURNED: ("已退回", "Returned to sender"),
}
EVENT_NAMES: dict[str, tuple[str, str]] = {
    E.COLLECTED: ("服务点揽收", "Collected at the service point"),
    E.ARRIVED: ("到达站点", "Arrived at station"),
    E.DEPARTED: ("离开站点", "Left station"),
    E.HANDED_TO_CARRIER: ("交快递公司发往城市", "Handed to the carrier for the city"),
    E.RECEIVED_FROM_CARRIER: ("县中心接收快递", "Received from the carrier at the county hub"),
    E.OUT_FOR_DELIVERY: ("派送中", "Out for delivery"),
    E.ARRIVED_SERVICE_POINT: ("到达村服务点，待取件", "At the village service point"),
    E.PICKED_UP: ("凭取件码取走", "Picked up with the code"),
    E.DELIVERED: ("已签收", "Delivered"),
    E.FAILED: ("投递失败", "Delivery failed"),
    E.RETURNED: ("退回寄件人", "Returned to sender"),
    E.DELAYED: ("延误", "Delayed"),
}


def next_status(current: str, event: str) -> ParcelStatus:
    """The status after ``event`` on a parcel in ``current``; 409 ``scan_out_of_sequence`` for a
    pair not in the table (e.g. delivered before collected). ``delayed`` keeps the status of
    any parcel still in the network."""
    status, kind = ParcelStatus(current), ScanEventKind(event)
    if kind == E.DELAYED:
        if status in TERMINAL:
            raise _out_of_sequence(status, kind)
        return status
    target = SCAN_TRANSITIONS.get((status, kind))
    if target is None:
        raise _out_of_sequence(status, kind)
    return target


def _out_of_sequence(status: ParcelStatus, kind: ScanEventKind) -> Conflict:
    return Conflict(
        "scan_out_of_sequence",
        f"包裹当前为「{STATUS_NAMES[status][0]}」，不能扫描「{EVENT_NAMES[kind][0]}」",
        f"A parcel that is {status} cannot be scanned as {kind}",
        status_now=status.value,
        event=kind.value,
    )


@dataclass(frozen=True)
class ParcelPath:
    """The nodes a parcel is routed through, in order (origin → … → destination); ``None`` ends
    mean outside the network (the city buyer, or the carrier's depot)."""

    nodes: tuple[int, ...]
    origin: int | None
    destination: int | None
    hub: int


def node_allowed(path: ParcelPath, event: str, node_id: int | None) -> bool:
    """Whether a scan of ``event`` may happen at ``node_id`` for a parcel on ``path``.

    Collection happens at the origin point, a pickup/arrival at the service point at the
    destination, carrier hand-overs at the hub; hub in/out anywhere on the path. Scans made
    outside the network (carrier's delivered/failed in the city) carry no node."""
    kind = ScanEventKind(event)
    if kind in (E.DELIVERED, E.FAILED, E.DELAYED, E.RETURNED):
        return node_id is None or node_id in path.nodes
    if node_id is None:
        return False
    if kind == E.COLLECTED:
        return node_id == path.origin
    if kind in (E.ARRIVED_SERVICE_POINT, E.PICKED_UP):
        return node_id == path.destination
    if kind in (E.HANDED_TO_CARRIER, E.RECEIVED_FROM_CARRIER):
        return node_id == path.hub
    return node_id in path.nodes


def upward_path(origin_chain: Sequence[int]) -> tuple[int, ...]:
    """Village → township → hub: the origin node's chain of parents, origin first."""
    return tuple(origin_chain)


def downward_path(destination_chain: Sequence[int]) -> tuple[int, ...]:
    """Hub → township → village: the destination's chain of parents, reversed."""
    return tuple(reversed(destination_chain))


# Geography ----------------------------------------------------------------------------------

CHINA_BBOX = (3.86, 73.66, 53.55, 135.05)  # (min lat, min lon, max lat, max lon), WGS-84
EARTH_RADIUS_M = 6_371_008.8


def check_in_china(lat: float, lon: float) -> None:
    """422 ``coordinates_outside_china`` unless (lat, lon) lies inside China's bounding box."""
    min_lat, min_lon, max_lat, max_lon = CHINA_BBOX
    finite = math.isfinite(lat) and math.isfinite(lon)
    if not (finite and min_lat <= lat <= max_lat and min_lon <= lon <= max_lon):
        raise Invalid(
            "coordinates_outside_china",
            "坐标不在中国境内（请输入 WGS-84 纬度、经度）",
            "Coordinates are outside China (enter WGS-84 latitude, longitude)",
            lat=lat if finite else None,
            lon=lon if finite else None,
        )


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def road_estimate(
    lat1: float, lon1: float, lat2: float, lon2: float, *, road_factor: float, speed_kmh: float
) -> tuple[int, int]:
    """(metres, seconds) by road: straight line × road factor, at ``speed_kmh``."""
    metres = haversine_m(lat1, lon1, lat2, lon2) * road_factor
    return round(metres), round(metres / (speed_kmh * 1000 / 3600))


# WGS-84 → GCJ-02: the published "Krasovsky 1940" offset formula used by every open converter.
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """WGS-84 (GPS) → GCJ-02 (what maps published in China draw). Outside China: unchanged."""
    min_lat, min_lon, max_lat, max_lon = CHINA_BBOX
    if not (min_lat <= lat <= max_lat and min_lon <= lon <= max_lon):
        return lat, lon
    d_lat = _transform_lat(lon - 105.0, lat - 35.0)
    d_lon = _transform_lon(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _GCJ_EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_GCJ_A * (1 - _GCJ_EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_GCJ_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lat + d_lat, lon + d_lon


# Opening hours and time windows -------------------------------------------------------------


def check_hours(opens_min: int, closes_min: int) -> None:
    """422 ``time_window_invalid`` unless 0 ≤ opens < closes ≤ 24:00."""
    if not (0 <= opens_min < closes_min <= 24 * 60):
        raise Invalid(
            "time_window_invalid",
            "营业/时间窗的结束时间必须晚于开始时间（同一天内）",
            "A time window must end after it starts (within one day)",
            opens_min=opens_min,
            closes_min=closes_min,
        )


def parse_hhmm(text: str) -> int:
    """ "08:30" → 510 minutes; "24:00" allowed as the end of the day. ValueError if bad."""
    hours, _, minutes = text.strip().partition(":")
    h, m = int(hours), int(minutes or 0)
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise ValueError("not a time of day")
    return h * 60 + m


def format_hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_seconds_of_day(seconds: int) -> str:
    return format_hhmm(max(0, seconds) // 60)


# Loads --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StopLoad:
    """What a stop unloads (deliveries carried from the hub) and loads (pickups taken back),
    per dimension (grams, millilitres, cold grams)."""

    delivery: tuple[int, ...]
    pickup: tuple[int, ...]


def peak_load(stops: Sequence[StopLoad], dimensions: int) -> tuple[int, ...]:
    """The largest load per dimension along a loop that leaves the hub with every delivery on
    board and brings every pickup back."""
    load = [sum(s.delivery[d] for s in stops) for d in range(dimensions)]
    peak = list(load)
    for stop in stops:
        for d in range(dimensions):
            load[d] += stop.pickup[d] - stop.delivery[d]
            peak[d] = max(peak[d], load[d])
    return tuple(peak)


def check_capacity(stops: Sequence[StopLoad], capacity: Sequence[int], *, plate: str) -> None:
    """422 ``vehicle_overloaded`` when the loop's peak load exceeds the vehicle anywhere."""
    peak = peak_load(stops, len(capacity))
    over = [d for d, (p, c) in enumerate(zip(peak, capacity, strict=True)) if p > c]
    if over:
        raise Invalid(
            "vehicle_overloaded",
            f"车辆 {plate} 超载（重量/体积/冷藏容量）",
            f"Vehicle {plate} would be overloaded (weight/volume/cold capacity)",
            peak=list(peak),
            capacity=list(capacity),
        )


# Cost sharing -------------------------------------------------------------------------------


def split_largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` fen in proportion to ``weights`` so the parts add up exactly to
    ``total``: floor each share, then hand the left-over fen to the largest remainders (ties to
    the earlier entry). All-zero weights split evenly."""
    if total < 0:
        raise ValueError("total must be non-negative")
    if not weights:
        return []
    if any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative")
    whole = sum(weights)
    if whole <= 0:
        weights, whole = [1.0] * len(weights), float(len(weights))
    exact = [total * w / whole for w in weights]
    parts = [math.floor(x) for x in exact]
    left = total - sum(parts)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts


COST_RULE = (
    "每条线路的费用（固定费 + 里程费）按各快递公司的「件数 × 公里」分摊：每件包裹计其在车上经过的公里数"
    "（派送件从县中心到该站，揽收件从该站回县中心），按比例分摊，以分为单位，余数按最大余额法分配，合计等于线路费用。",
    "Each route's cost (fixed + per-km) is shared between carriers by pieces × km: each parcel "
    "counts the km it rides (deliveries from the hub to their stop, pickups from their stop back "
    "to the hub); shares are in fen, the remainder goes by largest remainder, and they add up "
    "exactly to the route cost.",
)


def route_cost_fen(distance_m: int, *, cost_per_km_fen: int, fixed_cost_fen: int) -> int:
    return fixed_cost_fen + round(distance_m / 1000 * cost_per_km_fen)


# Deadlines, codes, numbers ------------------------------------------------------------------


def deadline_for(
    paid_at: datetime | None, shelf_life_days: Sequence[int | None]
) -> datetime | None:
    """Payment time + the shortest shelf life among the parcel's products (perishables only)."""
    lives = [d for d in shelf_life_days if d is not None]
    if paid_at is None or not lives:
        return None
    return paid_at + timedelta(days=min(lives))


def misses_deadline(eta: datetime, deadline: datetime | None) -> bool:
    return deadline is not None and eta > deadline


def tracking_number(prefix: str, serial: int) -> str:
    """``SH`` + 10-digit serial + a mod-11 check digit (a typo in one digit is caught)."""
    body = f"{serial:010d}"
    weights = (8, 6, 4, 2, 3, 5, 9, 7, 8, 6)
    check = sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11
    return f"{prefix}{body}{'X' if check == 10 else check}"


def is_valid_tracking_number(text: str, prefix: str = "SH") -> bool:
    if not (text.startswith(prefix) and len(text) == len(prefix) + 11):
        return False
    body = text[len(prefix) : -1]
    return body.isdigit() and tracking_number(prefix, int(body)) == text


def hours_between(start: datetime, end: datetime) -> float:
    return round((end - start).total_seconds() / 3600, 3)


@dataclass(frozen=True)
class ScanPoint:
    event: str
    node_id: int | None
    at: datetime


def legs_of(
    scans: Sequence[ScanPoint], started_at: datetime
) -> list[tuple[str, int | None, int | None, datetime, datetime]]:
    """Legs between consecutive scans, first from ``started_at`` (payment) to the first scan:
    (name, from node, to node, start, end). ``delayed`` notes are not leg boundaries."""
    points = [s for s in scans if s.event != E.DELAYED]
    legs: list[tuple[str, int | None, int | None, datetime, datetime]] = []
    previous = ScanPoint("paid", None, started_at)
    for point in points:
        legs.append(
            (
                f"{previous.event}>{point.event}",
                previous.node_id,
                point.node_id,
                previous.at,
                point.at,
            )
        )
        previous = point
    return legs
