"""HTML pages for logistics: each handler builds a context dict and renders a template.

- ``/track/{number}`` public tracking (masked); ``/orders/{id}/parcel`` from the order page
- ``/seller/parcels`` the seller hands paid orders to the network; cold-chain alerts
- ``/hub/{county_code}`` hub operator: today's parcels by village, build/publish routes,
  hand-overs to carriers, cost sharing, alerts; ``/hub/{county_code}/map`` an inline SVG map
- ``/station/{node_id}`` station keeper: arrivals, collect, pickup by code
- ``/driver`` and ``/driver/routes/{route_id}`` the driver's printable route sheet with scans
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from shanhuo.accounts.deps import CurrentUser, Roles
from shanhuo.kit.deps import AppSettings, Db
from shanhuo.kit.errors import Forbidden, NotFound, ShanhuoError
from shanhuo.kit.timeutil import to_shanghai, utcnow
from shanhuo.logistics import costs, mapview, network, parcels, rules, service, stats, tracking
from shanhuo.logistics.carriers import registry_for
from shanhuo.logistics.routing import driving, publishing, queries
from shanhuo.logistics.routing import service as routing
from shanhuo.logistics.schemas import PickupIn
from shanhuo.models import LogisticsNode, RouteStop, User
from shanhuo.orders import service as orders_service
from shanhuo.stores import service as stores_service
from shanhuo.web.render import redirect, render

router = APIRouter(include_in_schema=False)


def today_local() -> date:
    return to_shanghai(utcnow()).date()


# Public tracking ----------------------------------------------------------------------------


@router.get("/track")
def track_form(request: Request, db: Db, n: str = "") -> Response:
    if n.strip():
        return redirect(f"/track/{n.strip()[:40]}")
    return render(request, "logistics/track.html", {"view": None, "number": ""})


@router.get("/track/{number}")
def track_page(number: str, request: Request, db: Db) -> Response:
    view = tracking.tracking_view(db, tracking.find_parcel(db, number))
    return render(
        request,
        "logistics/track.html",
        {"view": view, "number": number, "status_names": rules.STATUS_NAMES},
    )


@router.get("/orders/{order_id}/parcel")
def order_parcel(order_id: int, db: Db, user: CurrentUser, roles: Roles) -> Response:
    """From the order page: the buyer or seller goes to the parcel's tracking page."""
    order, _ = orders_service.get_order_for(db, order_id=order_id, user_id=user.id, roles=roles)
    parcel = service.parcel_for_order(db, order.id)
    if parcel is None:
        raise NotFound("parcel_not_found", "该订单还没有包裹", "This order has no parcel yet")
    return redirect(f"/track/{parcel.tracking_number}")


# Seller -------------------------------------------------------------------------------------


def seller_parcels_context(db: Session, user: User) -> dict[str, Any]:
    stores = stores_service.list_stores_of(db, user)
    store_ids = [s.id for s in stores]
    waiting = parcels.orders_awaiting_parcels(db, store_ids=store_ids) if store_ids else []
    from sqlalchemy import select

    from shanhuo.models import Parcel

    mine = (
        list(
            db.scalars(
                select(Parcel)
                .where(Parcel.store_id.in_(store_ids))
                .order_by(Parcel.id.desc())
                .limit(50)
            )
        )
        if store_ids
        else []
    )
    return {
        "stores": stores,
        "waiting": waiting,
        "parcels": mine,
        "alerts": service.alerts_for_stores(db, store_ids),
        "status_names": rules.STATUS_NAMES,
    }


@router.get("/seller/parcels")
def seller_parcels(request: Request, db: Db, user: CurrentUser) -> Response:
    return render(request, "logistics/seller_parcels.html", seller_parcels_context(db, user))


@router.post("/seller/parcels/{order_id}")
def seller_hand_over(order_id: int, db: Db, user: CurrentUser, roles: Roles) -> Response:
    from shanhuo.logistics import access

    order, _ = orders_service.get_order_for(db, order_id=order_id, user_id=user.id, roles=roles)
    access.require_seller_of_order(db, order, user_id=user.id, roles=roles)
    service.create_parcel_for_order(db, order.id, now=utcnow())
    db.commit()
    return redirect("/seller/parcels")


# Hub operator -------------------------------------------------------------------------------


def _hub_for(db: Session, county_code: str, user: User, roles: set[str]) -> LogisticsNode:
    hub = network.hub_of_county(db, county_code)
    network.require_hub_operator(db, hub, user_id=user.id, roles=roles)
    return hub


def hub_context(db: Session, hub: LogisticsNode, day: date) -> dict[str, Any]:
    plan = queries.current_plan(db, hub, day)
    published = queries.current_plan(db, hub, day, published_only=True)
    plan_view = queries.plan_read(db, plan) if plan else None
    shares = costs.shares_of_plan(db, plan.id) if plan else []
    from sqlalchemy import select

    from shanhuo.models import Parcel

    at_hub_up = list(
        db.scalars(
            select(Parcel)
            .where(
                Parcel.hub_id == hub.id,
                Parcel.direction == "up",
                Parcel.status == "at_node",
                Parcel.current_node_id == hub.id,
            )
            .order_by(Parcel.id)
        )
    )
    return {
        "hub": hub,
        "day": day,
        "villages": service.parcels_by_village(db, hub, day),
        "vehicles": network.vehicles_of(db, hub),
        "carriers": network.carriers_at(db, hub),
        "plan": plan_view,
        "published": published,
        "shares": shares,
        "carrier_totals": costs.totals_by_carrier(shares),
        "cost_rule": rules.COST_RULE,
        "at_hub_up": at_hub_up,
        "alerts": service.alerts_for_hub(db, hub, since=utcnow().replace(year=utcnow().year - 1)),
        "lanes": stats.aggregate(db, by="macro", county_code=hub.county_code),
        "months": stats.aggregate(db, by="month", county_code=hub.county_code),
        "no_vehicles": not network.vehicles_of(db, hub),
    }


@router.get("/hub/{county_code}")
def hub_page(
    county_code: str,
    request: Request,
    db: Db,
    user: CurrentUser,
    roles: Roles,
    day: date | None = None,
    error: str = "",
) -> Response:
    hub = _hub_for(db, county_code, user, roles)
    ctx = hub_context(db, hub, day or today_local())
    ctx["error"] = error
    return render(request, "logistics/hub.html", ctx)


@router.post("/hub/{county_code}/plans")
def hub_build(
    county_code: str,
    request: Request,
    db: Db,
    user: CurrentUser,
    roles: Roles,
    settings: AppSettings,
    day: Annotated[date, Form()],
) -> Response:
    hub = _hub_for(db, county_code, user, roles)
    try:
        routing.build_plan(db, hub, day, settings=settings, now=utcnow(), actor_id=user.id)
        db.commit()
    except ShanhuoError as exc:
        db.rollback()
        ctx = hub_context(db, hub, day)
        ctx["error"] = f"{exc.message_zh} / {exc.message_en}"
        return render(request, "logistics/hub.html", ctx, status_code=exc.status)
    return redirect(f"/hub/{county_code}?day={day.isoformat()}")


@router.post("/hub/{county_code}/plans/{plan_id}/publish")
def hub_publish(
    county_code: str, plan_id: int, db: Db, user: CurrentUser, roles: Roles
) -> Response:
    hub = _hub_for(db, county_code, user, roles)
    plan = queries.get_plan(db, plan_id)
    if plan.hub_id != hub.id:
        raise NotFound("plan_not_found", "线路方案不存在", "No such route plan")
    publishing.publish(db, plan, now=utcnow())
    db.commit()
    return redirect(f"/hub/{county_code}?day={plan.service_date.isoformat()}")


@router.post("/hub/{county_code}/handover/{parcel_id}")
def hub_handover(
    county_code: str,
    parcel_id: int,
    request: Request,
    db: Db,
    user: CurrentUser,
    roles: Roles,
    settings: AppSettings,
) -> Response:
    hub = _hub_for(db, county_code, user, roles)
    parcel = parcels.get_parcel(db, parcel_id)
    if parcel.hub_id != hub.id:
        raise NotFound("parcel_not_found", "包裹不存在", "No such parcel")
    carriers = registry_for(
        request.app.state, settings.logistics_carrier_webhook_secret.get_secret_value()
    )
    parcels.hand_to_carrier(
        db, parcel, carriers=carriers, now=utcnow(), settings=settings, actor_id=user.id
    )
    db.commit()
    return redirect(f"/hub/{county_code}")


@router.get("/hub/{county_code}/map")
def hub_map(
    county_code: str,
    request: Request,
    db: Db,
    user: CurrentUser,
    roles: Roles,
    day: date | None = None,
) -> Response:
    hub = _hub_for(db, county_code, user, roles)
    day = day or today_local()
    plan = queries.current_plan(db, hub, day)
    return render(
        request,
        "logistics/map.html",
        {"hub": hub, "day": day, "map": mapview.build_map(db, hub, plan)},
    )


# Station keeper -----------------------------------------------------------------------------


def _station_for(db: Session, node_id: int, user: User, roles: set[str]) -> LogisticsNode:
    node = network.get_node(db, node_id)
    network.require_keeper(db, node, user_id=user.id, roles=roles)
    return node


def station_context(db: Session, node: LogisticsNode) -> dict[str, Any]:
    return {
        "node": node,
        "arrivals": service.station_arrivals(db, node),
        "recent": service.station_recent(db, node, now=utcnow()),
        "status_names": rules.STATUS_NAMES,
        "message": "",
        "error": "",
    }


@router.get("/station")
def my_stations(request: Request, db: Db, user: CurrentUser) -> Response:
    nodes = network.nodes_of_keeper(db, user.id)
    if len(nodes) == 1:
        target = (
            f"/hub/{nodes[0].county_code}" if nodes[0].kind == "hub" else f"/station/{nodes[0].id}"
        )
        return redirect(target)
    return render(request, "logistics/stations.html", {"nodes": nodes})


@router.get("/station/{node_id}")
def station_page(
    node_id: int, request: Request, db: Db, user: CurrentUser, roles: Roles, done: str = ""
) -> Response:
    ctx = station_context(db, _station_for(db, node_id, user, roles))
    ctx["message"] = done
    return render(request, "logistics/station.html", ctx)


@router.post("/station/{node_id}/pickup")
def station_pickup(
    node_id: int,
    request: Request,
    db: Db,
    user: CurrentUser,
    roles: Roles,
    settings: AppSettings,
    number: Annotated[str, Form()],
    code: Annotated[str, Form()],
) -> Response:
    node = _station_for(db, node_id, user, roles)
    try:
        body = PickupIn(code=code)
        parcel = tracking.find_parcel(db, number)
        if parcel.current_node_id != node.id:
            raise NotFound(
                "parcel_not_here", "该包裹不在本站", "This parcel is not at this station"
            )
        outcome = service.pick_up_with_code(
            db, parcel, body.code, now=utcnow(), settings=settings, actor_id=user.id
        )
        db.commit()
        if not outcome.ok:
            from shanhuo.logistics import pickup

            pickup.refuse(outcome)
    except (ShanhuoError, ValidationError) as exc:
        db.rollback()
        ctx = station_context(db, node)
        if isinstance(exc, ValidationError):
            ctx["error"], status = "取件码应为 6 位数字 / The code has 6 digits", 422
        else:
            ctx["error"], status = f"{exc.message_zh} / {exc.message_en}", exc.status
        return render(request, "logistics/station.html", ctx, status_code=status)
    return redirect(f"/station/{node.id}?done={parcel.tracking_number}")


@router.post("/station/{node_id}/collect")
def station_collect(
    node_id: int,
    request: Request,
    db: Db,
    user: CurrentUser,
    roles: Roles,
    settings: AppSettings,
    number: Annotated[str, Form()],
) -> Response:
    """A seller brings an upward parcel to the village point: the keeper scans it in."""
    node = _station_for(db, node_id, user, roles)
    try:
        parcel = tracking.find_parcel(db, number)
        now = utcnow()
        tracking.scan(
            db,
            parcel,
            event="collected",
            node_id=node.id,
            at=now,
            now=now,
            settings=settings,
            actor_id=user.id,
        )
        db.commit()
    except ShanhuoError as exc:
        db.rollback()
        ctx = station_context(db, node)
        ctx["error"] = f"{exc.message_zh} / {exc.message_en}"
        return render(request, "logistics/station.html", ctx, status_code=exc.status)
    return redirect(f"/station/{node.id}?done={parcel.tracking_number}")


# Driver -------------------------------------------------------------------------------------


@router.get("/driver")
def driver_home(request: Request, db: Db, user: CurrentUser) -> Response:
    routes = driving.routes_of_driver(db, user.id, since=today_local())
    return render(request, "logistics/driver_list.html", {"routes": routes})


def driver_context(db: Session, route_id: int, user: User, roles: set[str]) -> dict[str, Any]:
    route = queries.get_route(db, route_id)
    if not driving.may_drive(db, route, user_id=user.id, roles=roles):
        raise Forbidden("not_route_driver", "这不是你的线路", "This is not your route")
    plan = queries.get_plan(db, route.plan_id)
    stops = []
    for stop in queries.stops_of(db, route.id):
        node = network.get_node(db, stop.node_id)
        stops.append({"stop": stop, "node": node, "parcels": queries.parcels_at(db, stop.id)})
    return {
        "route": route,
        "plan": plan,
        "vehicle": network.get_vehicle(db, route.vehicle_id),
        "hub": network.get_node(db, plan.hub_id),
        "stops": stops,
        "fmt": rules.format_seconds_of_day,
        "status_names": rules.STATUS_NAMES,
    }


@router.get("/driver/routes/{route_id}")
def driver_route(
    route_id: int, request: Request, db: Db, user: CurrentUser, roles: Roles
) -> Response:
    return render(request, "logistics/driver_route.html", driver_context(db, route_id, user, roles))


@router.post("/driver/routes/{route_id}/{action}")
def driver_action(
    route_id: int,
    action: str,
    request: Request,
    db: Db,
    user: CurrentUser,
    roles: Roles,
    settings: AppSettings,
    stop_id: Annotated[int | None, Form()] = None,
) -> Response:
    ctx = driver_context(db, route_id, user, roles)
    route = ctx["route"]
    now = utcnow()
    outbox = []
    if action == "start":
        driving.start_route(db, route, settings=settings, now=now, actor_id=user.id)
    elif action == "serve" and stop_id is not None:
        stop = db.get(RouteStop, stop_id)
        if stop is None or stop.route_id != route.id:
            raise NotFound("stop_not_found", "该线路没有这个站点", "No such stop on this route")
        outbox = driving.serve_stop(db, route, stop, settings=settings, now=now, actor_id=user.id)
    elif action == "finish":
        driving.finish_route(db, route, settings=settings, now=now, actor_id=user.id)
    else:
        raise NotFound("action_not_found", "未知操作", "Unknown action")
    db.commit()
    service.send_all(request.app.state.sms, outbox)
    return redirect(f"/driver/routes/{route_id}")
