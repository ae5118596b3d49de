"""Drivers on their routes: which routes a driver sees and may work, and the three actions —
start (leave the hub), serve a stop, finish (back at the hub).

Each action is a set of parcel scans (``tracking.scan``) with deterministic scan ids, so
repeating an action does not scan a parcel twice. Only routes of a published plan can be
driven.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.config import Settings
from shanhuo.kit.errors import Conflict, NotFound
from shanhuo.logistics import network, tracking
from shanhuo.logistics.routing.queries import get_plan, parcels_at, stops_of
from shanhuo.models import Route, RoutePlan, RouteStop, Vehicle


def _require_published(plan: RoutePlan) -> None:
    if plan.status != "published":
        raise Conflict(
            "plan_not_published",
            "线路方案尚未发布",
            "This route plan is not published",
            status_now=plan.status,
        )


def start_route(
    session: Session, route: Route, *, settings: Settings, now: datetime, actor_id: int | None
) -> int:
    """The vehicle leaves the hub: its deliveries are scanned out of the hub."""
    plan = get_plan(session, route.plan_id)
    _require_published(plan)
    if route.started_at is not None:
        return 0
    route.started_at = now
    scanned = 0
    for stop in stops_of(session, route.id):
        for route_parcel, parcel in parcels_at(session, stop.id):
            if route_parcel.action == "deliver" and parcel.status == "at_node":
                tracking.scan(
                    session,
                    parcel,
                    event="departed",
                    node_id=plan.hub_id,
                    at=now,
                    now=now,
                    settings=settings,
                    actor_id=actor_id,
                    scan_id=f"r{route.id}-dep-{parcel.id}",
                )
                scanned += 1
    session.flush()
    return scanned


def serve_stop(
    session: Session,
    route: Route,
    stop: RouteStop,
    *,
    settings: Settings,
    now: datetime,
    actor_id: int | None,
) -> list:
    """At a stop: deliveries are scanned in at the service point (pickup codes go out),
    pickups are scanned out of it. Returns the SMS to send after commit."""
    plan = get_plan(session, route.plan_id)
    _require_published(plan)
    if stop.route_id != route.id:
        raise NotFound("stop_not_found", "该线路没有这个站点", "No such stop on this route")
    if route.started_at is None:
        raise Conflict("route_not_started", "请先点「出发」", "Start the route first")
    if stop.served_at is not None:
        return []
    outbox = []
    for route_parcel, parcel in parcels_at(session, stop.id):
        if route_parcel.action == "deliver" and parcel.status == "in_transit":
            outcome = tracking.scan(
                session,
                parcel,
                event="arrived_service_point",
                node_id=stop.node_id,
                at=now,
                now=now,
                settings=settings,
                actor_id=actor_id,
                scan_id=f"s{stop.id}-arr-{parcel.id}",
            )
            outbox.extend(outcome.outbox)
        elif route_parcel.action == "pickup" and parcel.status in ("collected", "at_node"):
            tracking.scan(
                session,
                parcel,
                event="departed",
                node_id=stop.node_id,
                at=now,
                now=now,
                settings=settings,
                actor_id=actor_id,
                scan_id=f"s{stop.id}-dep-{parcel.id}",
            )
    stop.served_at = now
    session.flush()
    return outbox


def finish_route(
    session: Session, route: Route, *, settings: Settings, now: datetime, actor_id: int | None
) -> int:
    """Back at the hub: the pickups are scanned into the hub."""
    plan = get_plan(session, route.plan_id)
    _require_published(plan)
    arrived = 0
    for stop in stops_of(session, route.id):
        for route_parcel, parcel in parcels_at(session, stop.id):
            if route_parcel.action == "pickup" and parcel.status == "in_transit":
                tracking.scan(
                    session,
                    parcel,
                    event="arrived",
                    node_id=plan.hub_id,
                    at=now,
                    now=now,
                    settings=settings,
                    actor_id=actor_id,
                    scan_id=f"r{route.id}-arr-{parcel.id}",
                )
                arrived += 1
    return arrived


def routes_of_driver(
    session: Session, user_id: int, *, since: date
) -> list[tuple[Route, RoutePlan, Vehicle]]:
    return list(
        session.execute(
            select(Route, RoutePlan, Vehicle)
            .join(RoutePlan, RoutePlan.id == Route.plan_id)
            .join(Vehicle, Vehicle.id == Route.vehicle_id)
            .where(
                Vehicle.driver_id == user_id,
                RoutePlan.status == "published",
                RoutePlan.service_date >= since,
            )
            .order_by(RoutePlan.service_date, Route.id)
        )
    )


def may_drive(session: Session, route: Route, *, user_id: int, roles: Iterable[str]) -> bool:
    vehicle = network.get_vehicle(session, route.vehicle_id)
    if vehicle.driver_id == user_id:
        return True
    hub = network.get_node(session, vehicle.hub_id)
    return network.is_hub_operator(hub, user_id=user_id, roles=roles)
