"""Reading stored route plans: the look-ups that planning, publishing, driving, hand edits and
the pages all share, and the plan sheet (``plan_read``).

Nothing here writes. Kept apart so that the modules that change plans can use the same
queries without depending on one another.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.kit.errors import NotFound
from shanhuo.logistics import network, rules
from shanhuo.logistics.schemas import PlanRead, PlanRouteRead, PlanStopRead
from shanhuo.models import LogisticsNode, Parcel, Route, RouteParcel, RoutePlan, RouteStop


def current_plan(
    session: Session, hub: LogisticsNode, service_date: date, *, published_only: bool = False
) -> RoutePlan | None:
    query = select(RoutePlan).where(
        RoutePlan.hub_id == hub.id, RoutePlan.service_date == service_date
    )
    query = (
        query.where(RoutePlan.status == "published")
        if published_only
        else query.where(RoutePlan.status != "superseded")
    )
    return session.scalars(query.order_by(RoutePlan.version.desc())).first()


def get_plan(session: Session, plan_id: int) -> RoutePlan:
    plan = session.get(RoutePlan, plan_id)
    if plan is None:
        raise NotFound("plan_not_found", "线路方案不存在", "No such route plan")
    return plan


def get_route(session: Session, route_id: int) -> Route:
    route = session.get(Route, route_id)
    if route is None:
        raise NotFound("route_not_found", "线路不存在", "No such route")
    return route


def waiting_deliveries(session: Session, hub: LogisticsNode) -> list[Parcel]:
    return list(
        session.scalars(
            select(Parcel)
            .where(
                Parcel.hub_id == hub.id,
                Parcel.direction == "down",
                Parcel.status == "at_node",
                Parcel.current_node_id == hub.id,
                Parcel.destination_node_id.is_not(None),
            )
            .order_by(Parcel.id)
        )
    )


def waiting_pickups(session: Session, hub: LogisticsNode) -> list[Parcel]:
    return list(
        session.scalars(
            select(Parcel)
            .where(
                Parcel.hub_id == hub.id,
                Parcel.direction == "up",
                Parcel.status.in_(("collected", "at_node")),
                Parcel.current_node_id.is_not(None),
                Parcel.current_node_id != hub.id,
            )
            .order_by(Parcel.id)
        )
    )


def stops_of(session: Session, route_id: int) -> list[RouteStop]:
    return list(
        session.scalars(
            select(RouteStop).where(RouteStop.route_id == route_id).order_by(RouteStop.seq)
        )
    )


def parcels_at(session: Session, stop_id: int) -> list[tuple[RouteParcel, Parcel]]:
    return list(
        session.execute(
            select(RouteParcel, Parcel)
            .join(Parcel, Parcel.id == RouteParcel.parcel_id)
            .where(RouteParcel.stop_id == stop_id)
            .order_by(RouteParcel.action, Parcel.id)
        )
    )


def plan_read(session: Session, plan: RoutePlan) -> PlanRead:
    routes = []
    node_cache: dict[int, LogisticsNode] = {}
    assigned: set[int] = set()
    for route in session.scalars(select(Route).where(Route.plan_id == plan.id).order_by(Route.id)):
        vehicle = network.get_vehicle(session, route.vehicle_id)
        stops = []
        for stop in stops_of(session, route.id):
            node = node_cache.setdefault(stop.node_id, network.get_node(session, stop.node_id))
            parcels = parcels_at(session, stop.id)
            assigned.update(p.id for _, p in parcels)
            stops.append(
                PlanStopRead(
                    stop_id=stop.id,
                    seq=stop.seq,
                    node_id=node.id,
                    node_name=node.name,
                    node_kind=node.kind,
                    arrive=rules.format_seconds_of_day(stop.arrive_s),
                    depart=rules.format_seconds_of_day(stop.depart_s),
                    deliveries=sum(1 for rp, _ in parcels if rp.action == "deliver"),
                    pickups=sum(1 for rp, _ in parcels if rp.action == "pickup"),
                    cold=sum(1 for _, p in parcels if p.cold),
                    served=stop.served_at is not None,
                )
            )
        routes.append(
            PlanRouteRead(
                route_id=route.id,
                vehicle_id=vehicle.id,
                plate=vehicle.plate,
                refrigerated=vehicle.refrigerated,
                distance_km=round(route.distance_m / 1000, 1),
                cost_fen=route.cost_fen,
                start=rules.format_seconds_of_day(route.start_s),
                end=rules.format_seconds_of_day(route.end_s),
                stops=stops,
            )
        )
    hub = network.get_node(session, plan.hub_id)
    waiting = {p.id for p in waiting_deliveries(session, hub)} | {
        p.id for p in waiting_pickups(session, hub)
    }
    return PlanRead(
        id=plan.id,
        hub_id=plan.hub_id,
        county_code=plan.county_code,
        service_date=plan.service_date,
        version=plan.version,
        status=plan.status,
        distance_km=round(plan.distance_m / 1000, 1),
        cost_fen=plan.cost_fen,
        feasible=plan.feasible,
        solve_ms=plan.solve_ms,
        unassigned_parcels=len(waiting - assigned),
        routes=routes,
    )
