"""The county network: nodes (hub, township stations, village points), imported links,
carriers and the hubs where they hand over, vehicles — and who may operate which node.

Distance and time between two nodes: an imported link if the operator loaded one (a real road
matrix), else computed on demand as haversine × road factor at the configured speed. Computed
values are never stored — coordinates change rarely, and storing N² estimates for 321 nodes
would only go stale; the matrix for a county day (≈300 stops) is built in milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.config import Settings
from shanhuo.kit.errors import Conflict, Forbidden, Invalid, NotFound
from shanhuo.logistics import rules
from shanhuo.logistics.schemas import (
    CarrierCreate,
    LinkImport,
    NodeCreate,
    NodeUpdate,
    VehicleCreate,
    VehicleUpdate,
)
from shanhuo.models import (
    Carrier,
    CarrierHub,
    LogisticsLink,
    LogisticsNode,
    Region,
    User,
    Vehicle,
)

PARENT_KIND = {"village": "township", "township": "hub"}


def node_not_found(node_id: int) -> NotFound:
    return NotFound("node_not_found", "物流站点不存在", "No such logistics node", node_id=node_id)


def get_node(session: Session, node_id: int) -> LogisticsNode:
    node = session.get(LogisticsNode, node_id)
    if node is None:
        raise node_not_found(node_id)
    return node


def hub_of_county(session: Session, county_code: str) -> LogisticsNode:
    hub = session.scalars(
        select(LogisticsNode)
        .where(LogisticsNode.county_code == county_code, LogisticsNode.kind == "hub")
        .order_by(LogisticsNode.id)
    ).first()
    if hub is None:
        raise NotFound(
            "county_has_no_hub",
            "该县还没有县级物流中心",
            "This county has no county hub yet",
            county_code=county_code,
        )
    return hub


def find_hub(session: Session, county_code: str) -> LogisticsNode | None:
    return session.scalars(
        select(LogisticsNode)
        .where(LogisticsNode.county_code == county_code, LogisticsNode.kind == "hub")
        .order_by(LogisticsNode.id)
    ).first()


# Who may do what ----------------------------------------------------------------------------


def is_hub_operator(hub: LogisticsNode, *, user_id: int, roles: Iterable[str]) -> bool:
    return "admin" in set(roles) or hub.keeper_id == user_id


def require_hub_operator(
    session: Session, hub: LogisticsNode, *, user_id: int, roles: Iterable[str]
) -> None:
    if not is_hub_operator(hub, user_id=user_id, roles=roles):
        raise Forbidden(
            "not_hub_operator",
            "只有该县物流中心的操作员可以这样做",
            "Only this county hub's operator may do this",
        )


def may_keep(session: Session, node: LogisticsNode, *, user_id: int, roles: Iterable[str]) -> bool:
    """The node's keeper, the operator of its county hub, or an admin."""
    if "admin" in set(roles) or node.keeper_id == user_id:
        return True
    hub = find_hub(session, node.county_code)
    return hub is not None and hub.keeper_id == user_id


def require_keeper(
    session: Session, node: LogisticsNode, *, user_id: int, roles: Iterable[str]
) -> None:
    if not may_keep(session, node, user_id=user_id, roles=roles):
        raise Forbidden("not_node_keeper", "你不是该站点的站长", "You do not keep this station")


# Nodes --------------------------------------------------------------------------------------


def _check_parent(session: Session, kind: str, parent_id: int | None, county_code: str) -> None:
    wanted = PARENT_KIND.get(kind)
    if wanted is None:
        if parent_id is not None:
            raise Invalid(
                "hub_has_no_parent", "县级中心没有上级站点", "A county hub has no parent node"
            )
        return
    if parent_id is None:
        raise Invalid(
            "parent_required", "请选择上级站点", "Choose the parent node", expected=wanted
        )
    parent = get_node(session, parent_id)
    if parent.kind != wanted or parent.county_code != county_code:
        raise Invalid(
            "parent_mismatch",
            "上级站点必须是同县的上一级站点（村→乡镇→县中心）",
            "The parent must be the next level up in the same county (village → township → hub)",
            expected=wanted,
        )


def create_node(session: Session, body: NodeCreate, *, now: datetime) -> LogisticsNode:
    """A new node. Checks: coordinates inside China, opening hours that end after they start,
    the county exists, the parent is one level up in the same county, one hub per county."""
    rules.check_in_china(body.lat, body.lon)
    rules.check_hours(body.opens_min, body.closes_min)
    if session.get(Region, body.county_code) is None:
        raise Invalid(
            "unknown_county", "县区代码不存在", "Unknown county code", county_code=body.county_code
        )
    if not body.region_code.startswith(body.county_code):
        raise Invalid(
            "region_outside_county",
            "站点的行政区划代码不在该县内",
            "The node's region code is not inside its county",
        )
    _check_parent(session, body.kind, body.parent_id, body.county_code)
    if body.kind == "hub" and find_hub(session, body.county_code) is not None:
        raise Conflict("hub_exists", "该县已有县级中心", "This county already has a hub")
    if body.keeper_id is not None and session.get(User, body.keeper_id) is None:
        raise Invalid("unknown_keeper", "站长账号不存在", "No such keeper account")
    if session.scalars(
        select(LogisticsNode.id).where(
            LogisticsNode.county_code == body.county_code, LogisticsNode.name == body.name
        )
    ).first():
        raise Conflict(
            "node_name_taken", "同县已有同名站点", "A node of this name exists in the county"
        )
    node = LogisticsNode(**body.model_dump(), created_at=now)
    session.add(node)
    session.flush()
    return node


def update_node(session: Session, node: LogisticsNode, body: NodeUpdate) -> LogisticsNode:
    changes = body.model_dump(exclude_unset=True)
    lat = changes.get("lat", node.lat)
    lon = changes.get("lon", node.lon)
    rules.check_in_china(lat, lon)
    rules.check_hours(
        changes.get("opens_min", node.opens_min), changes.get("closes_min", node.closes_min)
    )
    for key, value in changes.items():
        setattr(node, key, value)
    session.flush()
    return node


def list_nodes(session: Session, county_code: str, kind: str | None = None) -> list[LogisticsNode]:
    query = select(LogisticsNode).where(LogisticsNode.county_code == county_code)
    if kind:
        query = query.where(LogisticsNode.kind == kind)
    return list(session.scalars(query.order_by(LogisticsNode.kind, LogisticsNode.name)))


def chain_up(session: Session, node: LogisticsNode) -> list[LogisticsNode]:
    """The node and its parents up to the hub (village, township, hub)."""
    chain = [node]
    while chain[-1].parent_id is not None and len(chain) < 5:
        chain.append(get_node(session, chain[-1].parent_id))
    return chain


def nodes_of_keeper(session: Session, user_id: int) -> list[LogisticsNode]:
    return list(
        session.scalars(
            select(LogisticsNode)
            .where(LogisticsNode.keeper_id == user_id)
            .order_by(LogisticsNode.id)
        )
    )


# Links and distances ------------------------------------------------------------------------


def import_links(session: Session, hub: LogisticsNode, body: LinkImport) -> int:
    """Store an imported distance/time matrix (rows of from, to, metres, seconds) for nodes of
    the hub's county; replaces earlier values of the same pairs. Returns the rows stored."""
    ids = {n.id for n in list_nodes(session, hub.county_code)}
    for row in body.links:
        if row.from_node_id not in ids or row.to_node_id not in ids:
            raise Invalid(
                "link_outside_county",
                "距离矩阵中有不属于本县的站点",
                "The matrix names a node outside this county",
                from_node_id=row.from_node_id,
                to_node_id=row.to_node_id,
            )
        if row.from_node_id == row.to_node_id:
            raise Invalid(
                "link_self_loop", "起点和终点相同", "A link must join two different nodes"
            )
    for row in body.links:
        link = session.scalars(
            select(LogisticsLink).where(
                LogisticsLink.from_node_id == row.from_node_id,
                LogisticsLink.to_node_id == row.to_node_id,
            )
        ).one_or_none()
        if link is None:
            session.add(
                LogisticsLink(
                    from_node_id=row.from_node_id,
                    to_node_id=row.to_node_id,
                    distance_m=row.distance_m,
                    duration_s=row.duration_s,
                )
            )
        else:
            link.distance_m, link.duration_s = row.distance_m, row.duration_s
    session.flush()
    return len(body.links)


def road_factor_of(hub: LogisticsNode, settings: Settings) -> float:
    return hub.road_factor or settings.routing_road_factor


def travel_matrix(
    session: Session,
    nodes: Sequence[LogisticsNode],
    *,
    road_factor: float,
    speed_kmh: float,
) -> tuple[list[list[int]], list[list[int]]]:
    """Distance (m) and duration (s) between every pair of ``nodes`` (repeats allowed):
    imported links where present, else the haversine × road-factor estimate."""
    ids = sorted({n.id for n in nodes})
    imported: dict[tuple[int, int], tuple[int, int]] = {}
    if ids:
        for link in session.scalars(
            select(LogisticsLink).where(
                LogisticsLink.from_node_id.in_(ids), LogisticsLink.to_node_id.in_(ids)
            )
        ):
            imported[(link.from_node_id, link.to_node_id)] = (link.distance_m, link.duration_s)
    n = len(nodes)
    distance = [[0] * n for _ in range(n)]
    duration = [[0] * n for _ in range(n)]
    for i, a in enumerate(nodes):
        for j, b in enumerate(nodes):
            if i == j or a.id == b.id:
                continue
            if (a.id, b.id) in imported:
                distance[i][j], duration[i][j] = imported[(a.id, b.id)]
            else:
                distance[i][j], duration[i][j] = rules.road_estimate(
                    a.lat, a.lon, b.lat, b.lon, road_factor=road_factor, speed_kmh=speed_kmh
                )
    return distance, duration


# Carriers and vehicles ----------------------------------------------------------------------


def create_carrier(session: Session, body: CarrierCreate, *, now: datetime) -> Carrier:
    if session.scalars(select(Carrier.id).where(Carrier.code == body.code)).first():
        raise Conflict("carrier_exists", "快递公司代码已存在", "A carrier with this code exists")
    carrier = Carrier(code=body.code, name=body.name, adapter="local", created_at=now)
    session.add(carrier)
    session.flush()
    return carrier


def get_carrier(session: Session, carrier_id: int) -> Carrier:
    carrier = session.get(Carrier, carrier_id)
    if carrier is None:
        raise NotFound("carrier_not_found", "快递公司不存在", "No such carrier")
    return carrier


def carrier_by_code(session: Session, code: str) -> Carrier:
    carrier = session.scalars(select(Carrier).where(Carrier.code == code)).one_or_none()
    if carrier is None:
        raise NotFound("carrier_not_found", "快递公司不存在", "No such carrier", carrier_code=code)
    return carrier


def attach_carrier(session: Session, carrier: Carrier, hub: LogisticsNode) -> None:
    if hub.kind != "hub":
        raise Invalid("not_a_hub", "快递只能在县级中心交接", "Carriers hand over at a county hub")
    if session.get(CarrierHub, (carrier.id, hub.id)) is None:
        session.add(CarrierHub(carrier_id=carrier.id, hub_id=hub.id))
        session.flush()


def carriers_at(session: Session, hub: LogisticsNode) -> list[Carrier]:
    return list(
        session.scalars(
            select(Carrier)
            .join(CarrierHub, CarrierHub.carrier_id == Carrier.id)
            .where(CarrierHub.hub_id == hub.id)
            .order_by(Carrier.id)
        )
    )


def create_vehicle(
    session: Session, hub: LogisticsNode, body: VehicleCreate, *, now: datetime
) -> Vehicle:
    if hub.kind != "hub":
        raise Invalid("not_a_hub", "车辆必须归属县级中心", "A vehicle's home must be a county hub")
    if session.scalars(select(Vehicle.id).where(Vehicle.plate == body.plate)).first():
        raise Conflict("plate_taken", "车牌已登记", "This plate is already registered")
    vehicle = Vehicle(hub_id=hub.id, created_at=now, **body.model_dump())
    session.add(vehicle)
    session.flush()
    return vehicle


def update_vehicle(session: Session, vehicle: Vehicle, body: VehicleUpdate) -> Vehicle:
    for key, value in body.model_dump(exclude_unset=True).items():
        setattr(vehicle, key, value)
    session.flush()
    return vehicle


def vehicles_of(session: Session, hub: LogisticsNode, *, active_only: bool = True) -> list[Vehicle]:
    query = select(Vehicle).where(Vehicle.hub_id == hub.id)
    if active_only:
        query = query.where(Vehicle.active.is_(True))
    return list(session.scalars(query.order_by(Vehicle.id)))


def get_vehicle(session: Session, vehicle_id: int) -> Vehicle:
    vehicle = session.get(Vehicle, vehicle_id)
    if vehicle is None:
        raise NotFound("vehicle_not_found", "车辆不存在", "No such vehicle")
    return vehicle
