"""JSON API routes for logistics (thin: parse, one service call, commit, respond).

SMS (pickup codes) are sent after the commit. A wrong pickup code is counted and committed,
then refused (422, or 429 once locked).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request, Response

from shanhuo.accounts.deps import CurrentUser, Roles
from shanhuo.kit.deps import AppSettings, Db
from shanhuo.kit.errors import Forbidden
from shanhuo.kit.timeutil import utcnow
from shanhuo.logistics import access, costs, network, parcels, pickup, service, stats, tracking
from shanhuo.logistics.carriers import registry_for
from shanhuo.logistics.routing import driving, edits, publishing, queries
from shanhuo.logistics.routing import service as routing
from shanhuo.logistics.schemas import (
    CarrierCreate,
    CarrierRead,
    CostShareRead,
    InboundParcelCreate,
    LinkImport,
    NodeCreate,
    NodeRead,
    NodeUpdate,
    ParcelRead,
    PickupIn,
    PlanCreate,
    PlanRead,
    ScanIn,
    StopMove,
    TrackingRead,
    VehicleCreate,
    VehicleRead,
    VehicleUpdate,
)
from shanhuo.models import RouteStop
from shanhuo.orders import service as orders_service

router = APIRouter(tags=["logistics"])


def carriers_of(request: Request, settings: AppSettings):  # type: ignore[no-untyped-def]
    return registry_for(
        request.app.state, settings.logistics_carrier_webhook_secret.get_secret_value()
    )


# Network ------------------------------------------------------------------------------------


@router.post("/api/logistics/nodes", response_model=NodeRead, status_code=201)
def create_node(body: NodeCreate, db: Db, user: CurrentUser, roles: Roles) -> NodeRead:
    """Admins create hubs; a hub's operator adds the township stations and village points."""
    if body.kind == "hub" or "admin" in roles:
        if "admin" not in roles:
            raise Forbidden(
                "admin_required",
                "只有管理员可以设立县级中心",
                "Only an admin may create a county hub",
            )
    else:
        network.require_hub_operator(
            db, network.hub_of_county(db, body.county_code), user_id=user.id, roles=roles
        )
    node = network.create_node(db, body, now=utcnow())
    db.commit()
    return NodeRead.model_validate(node)


@router.patch("/api/logistics/nodes/{node_id}", response_model=NodeRead)
def update_node(
    node_id: int, body: NodeUpdate, db: Db, user: CurrentUser, roles: Roles
) -> NodeRead:
    node = network.get_node(db, node_id)
    network.require_keeper(db, node, user_id=user.id, roles=roles)
    network.update_node(db, node, body)
    db.commit()
    return NodeRead.model_validate(node)


@router.get("/api/logistics/counties/{county_code}/nodes", response_model=list[NodeRead])
def list_nodes(
    county_code: str, db: Db, kind: Literal["hub", "township", "village"] | None = None
) -> list[NodeRead]:
    return [NodeRead.model_validate(n) for n in network.list_nodes(db, county_code, kind)]


@router.post("/api/logistics/hubs/{hub_id}/links", status_code=201)
def import_links(
    hub_id: int, body: LinkImport, db: Db, user: CurrentUser, roles: Roles
) -> dict[str, int]:
    hub = network.get_node(db, hub_id)
    network.require_hub_operator(db, hub, user_id=user.id, roles=roles)
    stored = network.import_links(db, hub, body)
    db.commit()
    return {"stored": stored}


@router.post("/api/logistics/carriers", response_model=CarrierRead, status_code=201)
def create_carrier(body: CarrierCreate, db: Db, user: CurrentUser, roles: Roles) -> CarrierRead:
    if "admin" not in roles:
        raise Forbidden(
            "admin_required", "只有管理员可以登记快递公司", "Only an admin may register a carrier"
        )
    carrier = network.create_carrier(db, body, now=utcnow())
    db.commit()
    return CarrierRead.model_validate(carrier)


@router.put("/api/logistics/hubs/{hub_id}/carriers/{code}", response_model=CarrierRead)
def attach_carrier(hub_id: int, code: str, db: Db, user: CurrentUser, roles: Roles) -> CarrierRead:
    hub = network.get_node(db, hub_id)
    network.require_hub_operator(db, hub, user_id=user.id, roles=roles)
    carrier = network.carrier_by_code(db, code)
    network.attach_carrier(db, carrier, hub)
    db.commit()
    return CarrierRead.model_validate(carrier)


@router.post("/api/logistics/hubs/{hub_id}/vehicles", response_model=VehicleRead, status_code=201)
def create_vehicle(
    hub_id: int, body: VehicleCreate, db: Db, user: CurrentUser, roles: Roles
) -> VehicleRead:
    hub = network.get_node(db, hub_id)
    network.require_hub_operator(db, hub, user_id=user.id, roles=roles)
    vehicle = network.create_vehicle(db, hub, body, now=utcnow())
    db.commit()
    return VehicleRead.model_validate(vehicle)


@router.patch("/api/logistics/vehicles/{vehicle_id}", response_model=VehicleRead)
def update_vehicle(
    vehicle_id: int, body: VehicleUpdate, db: Db, user: CurrentUser, roles: Roles
) -> VehicleRead:
    vehicle = network.get_vehicle(db, vehicle_id)
    network.require_hub_operator(
        db, network.get_node(db, vehicle.hub_id), user_id=user.id, roles=roles
    )
    network.update_vehicle(db, vehicle, body)
    db.commit()
    return VehicleRead.model_validate(vehicle)


# Parcels ------------------------------------------------------------------------------------


@router.post("/api/logistics/orders/{order_id}/parcel", response_model=ParcelRead, status_code=201)
def parcel_for_order(order_id: int, db: Db, user: CurrentUser, roles: Roles) -> ParcelRead:
    """The seller hands a paid order to the rural network (idempotent)."""
    order, _actors = orders_service.get_order_for(
        db, order_id=order_id, user_id=user.id, roles=roles
    )
    access.require_seller_of_order(db, order, user_id=user.id, roles=roles)
    parcel = service.create_parcel_for_order(db, order.id, now=utcnow())
    db.commit()
    return access.staff_view(db, parcel)


@router.post("/api/logistics/hubs/{hub_id}/inbound", response_model=ParcelRead, status_code=201)
def inbound(
    hub_id: int,
    body: InboundParcelCreate,
    db: Db,
    user: CurrentUser,
    roles: Roles,
    settings: AppSettings,
) -> ParcelRead:
    hub = network.get_node(db, hub_id)
    network.require_hub_operator(db, hub, user_id=user.id, roles=roles)
    parcel = parcels.receive_inbound(
        db, hub, body, now=utcnow(), settings=settings, actor_id=user.id
    )
    db.commit()
    return access.staff_view(db, parcel)


@router.get("/api/logistics/parcels/{number}", response_model=ParcelRead)
def get_parcel(number: str, db: Db, user: CurrentUser, roles: Roles) -> ParcelRead:
    parcel = tracking.find_parcel(db, number)
    node = network.get_node(db, parcel.current_node_id) if parcel.current_node_id else None
    access.require_scanner(db, parcel, node, user_id=user.id, roles=roles)
    return access.staff_view(db, parcel)


@router.post("/api/logistics/parcels/{number}/scans", status_code=201)
def scan_parcel(
    number: str,
    body: ScanIn,
    response: Response,
    request: Request,
    db: Db,
    user: CurrentUser,
    roles: Roles,
    settings: AppSettings,
) -> dict[str, object]:
    """Record a scan; a repeat of the same scan answers 200 with the stored one."""
    parcel = tracking.find_parcel(db, number)
    node = network.get_node(db, body.node_id) if body.node_id is not None else None
    access.require_scanner(db, parcel, node, user_id=user.id, roles=roles)
    now = utcnow()
    outcome = tracking.scan(
        db,
        parcel,
        event=body.event,
        node_id=body.node_id,
        at=body.at or now,
        now=now,
        settings=settings,
        actor_id=user.id,
        scan_id=body.scan_id,
        note=body.note,
    )
    db.commit()
    service.send_all(request.app.state.sms, outcome.outbox)
    if not outcome.created:
        response.status_code = 200
    return {
        "status": parcel.status,
        "event": outcome.event.event,
        "duplicate": not outcome.created,
        "scan_id": outcome.event.id,
    }


@router.post("/api/logistics/parcels/{number}/handover", response_model=ParcelRead)
def handover(
    number: str, request: Request, db: Db, user: CurrentUser, roles: Roles, settings: AppSettings
) -> ParcelRead:
    parcel = tracking.find_parcel(db, number)
    network.require_hub_operator(
        db, network.get_node(db, parcel.hub_id), user_id=user.id, roles=roles
    )
    parcels.hand_to_carrier(
        db,
        parcel,
        carriers=carriers_of(request, settings),
        now=utcnow(),
        settings=settings,
        actor_id=user.id,
    )
    db.commit()
    return access.staff_view(db, parcel)


@router.post("/api/logistics/parcels/{number}/pickup", response_model=ParcelRead)
def pick_up(
    number: str, body: PickupIn, db: Db, user: CurrentUser, roles: Roles, settings: AppSettings
) -> ParcelRead:
    parcel = tracking.find_parcel(db, number)
    node = network.get_node(db, parcel.current_node_id) if parcel.current_node_id else None
    if node is None or not network.may_keep(db, node, user_id=user.id, roles=roles):
        raise Forbidden("not_node_keeper", "你不是该站点的站长", "You do not keep this station")
    outcome = service.pick_up_with_code(
        db, parcel, body.code, now=utcnow(), settings=settings, actor_id=user.id
    )
    db.commit()  # a wrong attempt is counted even though the request is refused
    if not outcome.ok:
        pickup.refuse(outcome)
    return access.staff_view(db, parcel)


@router.post("/api/logistics/parcels/{number}/pickup-code", status_code=202)
def reissue_code(
    number: str, request: Request, db: Db, user: CurrentUser, roles: Roles, settings: AppSettings
) -> dict[str, str]:
    parcel = tracking.find_parcel(db, number)
    node = network.get_node(db, parcel.current_node_id) if parcel.current_node_id else None
    if node is None or not network.may_keep(db, node, user_id=user.id, roles=roles):
        raise Forbidden("not_node_keeper", "你不是该站点的站长", "You do not keep this station")
    message = service.reissue_code(db, parcel, now=utcnow(), settings=settings)
    db.commit()
    service.send_all(request.app.state.sms, [message])
    return {"status": "sent"}


@router.post("/api/logistics/carriers/{code}/webhook")
async def carrier_webhook(
    code: str,
    request: Request,
    db: Db,
    settings: AppSettings,
    x_carrier_signature: Annotated[str, Header()] = "",
) -> dict[str, object]:
    body = await request.body()
    outcome = service.apply_carrier_webhook(
        db,
        code,
        body,
        x_carrier_signature,
        carriers=carriers_of(request, settings),
        now=utcnow(),
        settings=settings,
    )
    db.commit()
    return {"duplicate": not outcome.created, "status": outcome.event.status_after}


@router.get("/api/track/{number}", response_model=TrackingRead)
def track(number: str, db: Db) -> TrackingRead:
    """Public: anyone with the number sees the status and scans; personal data masked."""
    return tracking.tracking_view(db, tracking.find_parcel(db, number))


# Routes -------------------------------------------------------------------------------------


@router.post(
    "/api/logistics/counties/{county_code}/plans", response_model=PlanRead, status_code=201
)
def build_plan(
    county_code: str,
    body: PlanCreate,
    db: Db,
    user: CurrentUser,
    roles: Roles,
    settings: AppSettings,
) -> PlanRead:
    hub = network.hub_of_county(db, county_code)
    network.require_hub_operator(db, hub, user_id=user.id, roles=roles)
    plan = routing.build_plan(
        db,
        hub,
        body.service_date,
        settings=settings,
        now=utcnow(),
        actor_id=user.id,
        seconds=body.seconds,
    )
    db.commit()
    return queries.plan_read(db, plan)


def _plan_for_operator(db: Db, plan_id: int, user_id: int, roles: set[str]):  # type: ignore[no-untyped-def]
    plan = queries.get_plan(db, plan_id)
    network.require_hub_operator(
        db, network.get_node(db, plan.hub_id), user_id=user_id, roles=roles
    )
    return plan


@router.get("/api/logistics/plans/{plan_id}", response_model=PlanRead)
def get_plan(plan_id: int, db: Db, user: CurrentUser, roles: Roles) -> PlanRead:
    return queries.plan_read(db, _plan_for_operator(db, plan_id, user.id, roles))


@router.post("/api/logistics/plans/{plan_id}/publish", response_model=PlanRead)
def publish_plan(
    plan_id: int, db: Db, user: CurrentUser, roles: Roles, settings: AppSettings
) -> PlanRead:
    plan = _plan_for_operator(db, plan_id, user.id, roles)
    publishing.publish(db, plan, now=utcnow())
    db.commit()
    return queries.plan_read(db, plan)


@router.get("/api/logistics/plans/{plan_id}/costs", response_model=list[CostShareRead])
def plan_costs(plan_id: int, db: Db, user: CurrentUser, roles: Roles) -> list[CostShareRead]:
    return costs.shares_of_plan(db, _plan_for_operator(db, plan_id, user.id, roles).id)


def _route_for_driver(db: Db, route_id: int, user_id: int, roles: set[str]):  # type: ignore[no-untyped-def]
    route = queries.get_route(db, route_id)
    if not driving.may_drive(db, route, user_id=user_id, roles=roles):
        raise Forbidden("not_route_driver", "这不是你的线路", "This is not your route")
    return route


@router.post("/api/logistics/routes/{route_id}/start")
def start_route(
    route_id: int, db: Db, user: CurrentUser, roles: Roles, settings: AppSettings
) -> dict[str, int]:
    route = _route_for_driver(db, route_id, user.id, roles)
    scanned = driving.start_route(db, route, settings=settings, now=utcnow(), actor_id=user.id)
    db.commit()
    return {"departed": scanned}


@router.post("/api/logistics/routes/{route_id}/stops/{stop_id}/serve")
def serve_stop(
    route_id: int,
    stop_id: int,
    request: Request,
    db: Db,
    user: CurrentUser,
    roles: Roles,
    settings: AppSettings,
) -> dict[str, int]:
    route = _route_for_driver(db, route_id, user.id, roles)
    stop = db.get(RouteStop, stop_id)
    if stop is None or stop.route_id != route.id:
        raise tracking.NotFound(
            "stop_not_found", "该线路没有这个站点", "No such stop on this route"
        )
    outbox = driving.serve_stop(db, route, stop, settings=settings, now=utcnow(), actor_id=user.id)
    db.commit()
    service.send_all(request.app.state.sms, outbox)
    return {"codes_sent": len(outbox)}


@router.post("/api/logistics/routes/{route_id}/finish")
def finish_route(
    route_id: int, db: Db, user: CurrentUser, roles: Roles, settings: AppSettings
) -> dict[str, int]:
    route = _route_for_driver(db, route_id, user.id, roles)
    arrived = driving.finish_route(db, route, settings=settings, now=utcnow(), actor_id=user.id)
    db.commit()
    return {"arrived": arrived}


@router.post("/api/logistics/routes/{route_id}/stops/{stop_id}/move", response_model=PlanRead)
def move_stop(
    route_id: int,
    stop_id: int,
    body: StopMove,
    db: Db,
    user: CurrentUser,
    roles: Roles,
    settings: AppSettings,
) -> PlanRead:
    route = queries.get_route(db, route_id)
    plan = _plan_for_operator(db, route.plan_id, user.id, roles)
    stop = db.get(RouteStop, stop_id)
    if stop is None or stop.route_id != route.id:
        raise tracking.NotFound(
            "stop_not_found", "该线路没有这个站点", "No such stop on this route"
        )
    edits.move_stop(
        db,
        stop,
        to_route=queries.get_route(db, body.to_route_id),
        position=body.position,
        settings=settings,
    )
    db.commit()
    return queries.plan_read(db, plan)


@router.get("/api/logistics/stats/delivery-times")
def delivery_times(
    db: Db,
    by: Annotated[Literal["macro", "province", "county", "month"], Query()] = "macro",
    county_code: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
) -> list[dict[str, object]]:
    """Average payment → delivery hours by lane, county or month (public aggregates)."""
    return [row.__dict__ for row in stats.aggregate(db, by=by, county_code=county_code)]
