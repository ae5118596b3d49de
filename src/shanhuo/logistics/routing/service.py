"""Route plans for a county hub and a service day: building (solving) a plan, and re-planning.

This is the entry point of the routing service: ``build_plan`` turns the day's waiting parcels
(and, when re-planning, the published plan) into a routing problem (``build``), solves it
(``solver``) and stores the answer as a draft plan. The rest of a plan's life lives beside it:
reading plans (``queries``), publishing them with their deadline alerts (``publishing``),
drivers working their routes (``driving``) and hand edits (``edits``, which reuses the route
and plan totals computed here).

Re-planning (a plan for the day is already published and parcels arrived since): stops
already served are kept as they are, at the head of their route. A vehicle still at the hub
is planned afresh. A vehicle already out is planned *from where it is* — its last served
stop, at the current time, with what it picked up on board — and the stops it still carries
deliveries for are pinned to it (those parcels are on its truck). Everything else (stops of
routes not started, new parcels) is solved again. The new plan is a new version; publishing
it supersedes the old one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.config import Settings
from shanhuo.kit.errors import Invalid
from shanhuo.logistics import costs, network, rules
from shanhuo.logistics.routing import build
from shanhuo.logistics.routing.queries import (
    current_plan,
    stops_of,
    waiting_deliveries,
    waiting_pickups,
)
from shanhuo.logistics.routing.solver import solve_problem
from shanhuo.models import LogisticsNode, Parcel, Route, RouteParcel, RoutePlan, RouteStop, Vehicle


def _no_vehicles(hub: LogisticsNode) -> Invalid:
    return Invalid(
        "routing_no_vehicles",
        f"「{hub.name}」没有可用车辆，无法排线。请先登记车辆。",
        f"{hub.name} has no active vehicles, so no routes can be planned. Register a vehicle first.",
        county_code=hub.county_code,
    )


@dataclass
class _Kept:
    """A stop of the previous plan kept as it was (served) or pinned to its vehicle."""

    stop: RouteStop
    parcels: list[tuple[Parcel, str]]


def build_plan(
    session: Session,
    hub: LogisticsNode,
    service_date: date,
    *,
    settings: Settings,
    now: datetime,
    actor_id: int | None,
    seconds: float | None = None,
) -> RoutePlan:
    """Solve the day's loops and store them as a draft plan (a new version if one exists)."""
    vehicles = network.vehicles_of(session, hub)
    if not vehicles:
        raise _no_vehicles(hub)
    previous = current_plan(session, hub, service_date, published_only=True)
    kept_served: dict[int, list[_Kept]] = {}
    pinned: dict[int, list[_Kept]] = {}
    starts: dict[int, build.VehicleStart] = {}
    excluded: set[int] = set()
    if previous is not None:
        kept_served, pinned, starts, excluded = _freeze(session, previous, service_date, now=now)
    deliveries = [p for p in waiting_deliveries(session, hub) if p.id not in excluded]
    pickups = [p for p in waiting_pickups(session, hub) if p.id not in excluded]
    node_ids = {p.destination_node_id for p in deliveries} | {p.current_node_id for p in pickups}
    nodes = {
        n.id: n
        for n in session.scalars(
            select(LogisticsNode).where(LogisticsNode.id.in_([i for i in node_ids if i]))
        )
    }
    stops = build.group_stops(deliveries, pickups, nodes)
    for vehicle_id, kept in pinned.items():
        for item in kept:
            node = network.get_node(session, item.stop.node_id)
            cold = any(p.cold for p, _ in item.parcels)
            draft = build.StopDraft(f"k{item.stop.id}", node, cold, only_vehicle=f"v{vehicle_id}")
            for parcel, action in item.parcels:
                (draft.deliveries if action == "deliver" else draft.pickups).append(parcel)
            stops.append(draft)
    active = [v for v in vehicles if v.id not in {vid for vid, s in starts.items() if s is None}]
    locations = build.locations_for(hub, stops, active, starts)
    factor = network.road_factor_of(hub, settings)
    matrix = network.travel_matrix(
        session, locations, road_factor=factor, speed_kmh=settings.routing_speed_kmh
    )
    problem = build.build_problem(
        hub,
        stops,
        active,
        starts,
        service_date=service_date,
        matrix=matrix,
        perishable_window_min=settings.routing_perishable_window_minutes,
    )
    result = solve_problem(problem, seconds=seconds or settings.routing_solve_seconds)
    version = (
        session.scalar(
            select(func.max(RoutePlan.version)).where(
                RoutePlan.hub_id == hub.id, RoutePlan.service_date == service_date
            )
        )
        or 0
    ) + 1
    for stale in session.scalars(
        select(RoutePlan).where(
            RoutePlan.hub_id == hub.id,
            RoutePlan.service_date == service_date,
            RoutePlan.status == "draft",
        )
    ):
        stale.status = "superseded"
    plan = RoutePlan(
        hub_id=hub.id,
        county_code=hub.county_code,
        service_date=service_date,
        version=version,
        status="draft",
        objective=result.cost,
        feasible=result.feasible,
        solve_ms=round(result.runtime_s * 1000),
        created_by=actor_id,
        created_at=now,
    )
    session.add(plan)
    session.flush()
    by_key = {s.key: s for s in stops}
    distance_of = {r.vehicle_key: r for r in result.routes}
    vehicles_used = set(distance_of) | {f"v{vid}" for vid in kept_served}
    for vehicle in vehicles:
        key = f"v{vehicle.id}"
        if key not in vehicles_used:
            continue
        planned = distance_of.get(key)
        _store_route(
            session,
            plan,
            vehicle,
            hub,
            planned,
            kept_served.get(vehicle.id, []),
            by_key,
            service_date=service_date,
            factor=factor,
            started_at=starts[vehicle.id].started_at if vehicle.id in starts else None,
        )
    finish_plan(session, plan)
    return plan


def _freeze(
    session: Session, plan: RoutePlan, service_date: date, *, now: datetime
) -> tuple[dict[int, list[_Kept]], dict[int, list[_Kept]], dict[int, build.VehicleStart], set[int]]:
    served: dict[int, list[_Kept]] = {}
    pinned: dict[int, list[_Kept]] = {}
    starts: dict[int, build.VehicleStart] = {}
    excluded: set[int] = set()
    for route in session.scalars(select(Route).where(Route.plan_id == plan.id)):
        stops = list(
            session.scalars(
                select(RouteStop).where(RouteStop.route_id == route.id).order_by(RouteStop.seq)
            )
        )
        if route.started_at is None:
            continue
        on_board = [0, 0, 0]
        last_node = network.get_node(session, plan.hub_id)
        for stop in stops:
            parcels = [
                (p, rp.action)
                for rp, p in session.execute(
                    select(RouteParcel, Parcel)
                    .join(Parcel, Parcel.id == RouteParcel.parcel_id)
                    .where(RouteParcel.stop_id == stop.id)
                )
            ]
            excluded.update(p.id for p, _ in parcels)
            kept = _Kept(stop, parcels)
            if stop.served_at is not None:
                served.setdefault(route.vehicle_id, []).append(kept)
                last_node = network.get_node(session, stop.node_id)
                for p, action in parcels:
                    if action == "pickup":
                        on_board[0] += p.weight_g
                        on_board[1] += p.volume_ml
                        on_board[2] += p.weight_g if p.cold else 0
            else:
                pinned.setdefault(route.vehicle_id, []).append(kept)
        starts[route.vehicle_id] = build.VehicleStart(
            node=last_node,
            earliest_s=max(0, build.seconds_of_day(now, service_date)),
            on_board=(on_board[0], on_board[1], on_board[2]),
            started_at=route.started_at,
        )
    return served, pinned, starts, excluded


def _store_route(
    session: Session,
    plan: RoutePlan,
    vehicle: Vehicle,
    hub: LogisticsNode,
    planned: object,
    served: list[_Kept],
    stops: dict[str, build.StopDraft],
    *,
    service_date: date,
    factor: float,
    started_at: datetime | None,
) -> Route:
    from shanhuo.logistics.routing.solver import PlannedRoute

    visits = planned.visits if isinstance(planned, PlannedRoute) else ()
    route = Route(
        plan_id=plan.id,
        vehicle_id=vehicle.id,
        distance_m=0,
        duration_s=0,
        cost_fen=0,
        start_s=planned.start_s if isinstance(planned, PlannedRoute) else hub.opens_min * 60,
        end_s=planned.end_s if isinstance(planned, PlannedRoute) else hub.opens_min * 60,
    )
    session.add(route)
    session.flush()
    seq = 0
    # Served stops first, exactly as they were.
    for kept in served:
        seq += 1
        copy = RouteStop(
            route_id=route.id,
            seq=seq,
            node_id=kept.stop.node_id,
            arrive_s=kept.stop.arrive_s,
            depart_s=kept.stop.depart_s,
            served_at=kept.stop.served_at,
        )
        session.add(copy)
        session.flush()
        for parcel, action in kept.parcels:
            session.add(
                RouteParcel(
                    stop_id=copy.id,
                    parcel_id=parcel.id,
                    action=action,
                    eta_at=build.eta(service_date, kept.stop.arrive_s),
                )
            )
    route.started_at = started_at  # a vehicle already out stays out
    for visit in visits:
        draft = stops[visit.stop_key]
        # Two stops at one node (cold and normal) stay two rows: the sheet shows both.
        seq += 1
        row = RouteStop(
            route_id=route.id,
            seq=seq,
            node_id=draft.node.id,
            arrive_s=visit.arrive_s,
            depart_s=visit.depart_s,
        )
        session.add(row)
        session.flush()
        when = build.eta(service_date, visit.arrive_s)
        for parcel in draft.deliveries:
            session.add(
                RouteParcel(stop_id=row.id, parcel_id=parcel.id, action="deliver", eta_at=when)
            )
        for parcel in draft.pickups:
            session.add(
                RouteParcel(stop_id=row.id, parcel_id=parcel.id, action="pickup", eta_at=when)
            )
    session.flush()
    recompute_route(session, route, hub=hub, vehicle=vehicle, factor=factor)
    return route


def recompute_route(
    session: Session, route: Route, *, hub: LogisticsNode, vehicle: Vehicle, factor: float
) -> None:
    """Distance, km from/to the hub per stop and cost — from the stored stop order and the
    same travel matrix the solver used (so it stays right after a hand edit)."""
    stops = stops_of(session, route.id)
    nodes = [hub, *[network.get_node(session, s.node_id) for s in stops]]
    distance, _ = network.travel_matrix(session, nodes, road_factor=factor, speed_kmh=30.0)
    legs = [distance[i][i + 1] for i in range(len(stops))]
    total = sum(legs) + (distance[len(stops)][0] if stops else 0)
    run = 0
    for stop, leg in zip(stops, legs, strict=True):
        run += leg
        stop.km_from_hub = round(run / 1000, 3)
        stop.km_to_hub = round((total - run) / 1000, 3)
    route.distance_m = total
    route.cost_fen = (
        rules.route_cost_fen(
            total, cost_per_km_fen=vehicle.cost_per_km_fen, fixed_cost_fen=vehicle.fixed_cost_fen
        )
        if stops
        else 0
    )
    route.duration_s = max(0, route.end_s - route.start_s)
    session.flush()


def finish_plan(session: Session, plan: RoutePlan) -> None:
    """Plan totals from its routes, and each route's cost shared out (after solving and after
    every hand edit)."""
    routes = list(session.scalars(select(Route).where(Route.plan_id == plan.id)))
    plan.distance_m = sum(r.distance_m for r in routes)
    plan.cost_fen = sum(r.cost_fen for r in routes)
    for route in routes:
        costs.share_route(session, route)
    session.flush()
