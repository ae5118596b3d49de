"""Route plans for a county hub and a service day: build (solve), publish, drive (start,
serve stops, finish), hand edits, and re-planning.

Re-planning (a plan for the day is already published and parcels arrived since): stops
already served are kept as they are, at the head of their route. A vehicle still at the hub
is planned afresh. A vehicle already out is planned *from where it is* — its last served
stop, at the current time, with what it picked up on board — and the stops it still carries
deliveries for are pinned to it (those parcels are on its truck). Everything else (stops of
routes not started, new parcels) is solved again. The new plan is a new version; publishing
it supersedes the old one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.config import Settings
from shanhuo.kit.errors import Conflict, Invalid, NotFound
from shanhuo.logistics import costs, network, rules, tracking
from shanhuo.logistics.routing import build
from shanhuo.logistics.routing.solver import solve_problem
from shanhuo.logistics.schemas import PlanRead, PlanRouteRead, PlanStopRead
from shanhuo.models import (
    LogisticsAlert,
    LogisticsNode,
    Parcel,
    Route,
    RouteParcel,
    RoutePlan,
    RouteStop,
    Vehicle,
)


def _no_vehicles(hub: LogisticsNode) -> Invalid:
    return Invalid(
        "routing_no_vehicles",
        f"「{hub.name}」没有可用车辆，无法排线。请先登记车辆。",
        f"{hub.name} has no active vehicles, so no routes can be planned. Register a vehicle first.",
        county_code=hub.county_code,
    )


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
    _finish_plan(session, plan)
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


def _finish_plan(session: Session, plan: RoutePlan) -> None:
    routes = list(session.scalars(select(Route).where(Route.plan_id == plan.id)))
    plan.distance_m = sum(r.distance_m for r in routes)
    plan.cost_fen = sum(r.cost_fen for r in routes)
    for route in routes:
        costs.share_route(session, route)
    session.flush()


def publish(session: Session, plan: RoutePlan, *, now: datetime) -> list[LogisticsAlert]:
    """Publish a draft: the previous published plan of the day is superseded; cold-chain
    alerts are raised for parcels whose estimated arrival passes their deadline."""
    if plan.status != "draft":
        raise Conflict(
            "plan_not_draft",
            "只能发布草稿方案",
            "Only a draft plan can be published",
            status_now=plan.status,
        )
    for older in session.scalars(
        select(RoutePlan).where(
            RoutePlan.hub_id == plan.hub_id,
            RoutePlan.service_date == plan.service_date,
            RoutePlan.status == "published",
            RoutePlan.id != plan.id,
        )
    ):
        older.status = "superseded"
    plan.status = "published"
    plan.published_at = now
    session.flush()
    return raise_deadline_alerts(session, plan, now=now)


def raise_deadline_alerts(
    session: Session, plan: RoutePlan, *, now: datetime, transit_hours: int = 48
) -> list[LogisticsAlert]:
    """Deliveries: the ETA at the stop. Pickups (upward): back at the hub at the route's end,
    then the carrier's line haul (``transit_hours``) to the city."""
    from datetime import timedelta

    alerts = []
    rows = session.execute(
        select(RouteParcel, Parcel, Route)
        .join(Parcel, Parcel.id == RouteParcel.parcel_id)
        .join(RouteStop, RouteStop.id == RouteParcel.stop_id)
        .join(Route, Route.id == RouteStop.route_id)
        .where(Route.plan_id == plan.id, Parcel.deadline_at.is_not(None))
    )
    for route_parcel, parcel, route in rows:
        if route_parcel.action == "deliver":
            eta = route_parcel.eta_at
        else:
            eta = build.eta(plan.service_date, route.end_s) + timedelta(hours=transit_hours)
        if rules.misses_deadline(eta, parcel.deadline_at):
            existing = session.scalars(
                select(LogisticsAlert).where(
                    LogisticsAlert.parcel_id == parcel.id, LogisticsAlert.kind == "deadline_risk"
                )
            ).one_or_none()
            assert parcel.deadline_at is not None
            if existing is None:
                alert = LogisticsAlert(
                    parcel_id=parcel.id,
                    kind="deadline_risk",
                    hub_id=plan.hub_id,
                    store_id=parcel.store_id,
                    eta_at=eta,
                    deadline_at=parcel.deadline_at,
                    raised_at=now,
                )
                session.add(alert)
                alerts.append(alert)
            else:
                existing.eta_at = eta
    session.flush()
    return alerts


# Driving ------------------------------------------------------------------------------------


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


# Hand edits ---------------------------------------------------------------------------------


def stop_load(session: Session, stop_id: int) -> rules.StopLoad:
    delivery = [0, 0, 0]
    pickup = [0, 0, 0]
    for route_parcel, parcel in parcels_at(session, stop_id):
        target = delivery if route_parcel.action == "deliver" else pickup
        target[0] += parcel.weight_g
        target[1] += parcel.volume_ml
        target[2] += parcel.weight_g if parcel.cold else 0
    return rules.StopLoad(tuple(delivery), tuple(pickup))


def vehicle_capacity(vehicle: Vehicle) -> tuple[int, int, int]:
    kg = vehicle.capacity_kg * 1000
    return (kg, vehicle.capacity_l * 1000, kg if vehicle.refrigerated else 0)


def move_stop(
    session: Session, stop: RouteStop, *, to_route: Route, position: int, settings: Settings
) -> None:
    """Move an unserved stop to another route of the same plan (hand edit). The target
    vehicle's peak load must fit → else 422 ``vehicle_overloaded`` and nothing changes."""
    source = get_route(session, stop.route_id)
    if source.plan_id != to_route.plan_id:
        raise Invalid(
            "route_other_plan",
            "只能在同一方案的线路之间调整",
            "Stops move only between routes of one plan",
        )
    plan = get_plan(session, source.plan_id)
    if plan.status == "superseded":
        raise Conflict("plan_superseded", "该方案已被新方案取代", "This plan was superseded")
    if stop.served_at is not None or to_route.started_at is not None:
        raise Conflict(
            "stop_fixed",
            "已服务的站点或已出发的线路不能调整",
            "Served stops and started routes cannot be edited",
        )
    target_stops = [s for s in stops_of(session, to_route.id) if s.id != stop.id]
    position = min(position, len(target_stops))
    new_order = [*target_stops[:position], stop, *target_stops[position:]]
    vehicle = network.get_vehicle(session, to_route.vehicle_id)
    rules.check_capacity(
        [stop_load(session, s.id) for s in new_order],
        vehicle_capacity(vehicle),
        plate=vehicle.plate,
    )
    remaining = [s for s in stops_of(session, source.id) if s.id != stop.id]
    # Renumber with a temporary offset to keep (route_id, seq) unique at every flush.
    for offset, s in enumerate(
        [*new_order, *remaining] if source.id != to_route.id else new_order, start=1
    ):
        s.seq = 10_000 + offset
    session.flush()
    stop.route_id = to_route.id
    for seq, s in enumerate(new_order, start=1):
        s.seq = seq
    if source.id != to_route.id:
        for seq, s in enumerate(remaining, start=1):
            s.seq = seq
    session.flush()
    hub = network.get_node(session, plan.hub_id)
    for route in {source.id: source, to_route.id: to_route}.values():
        recompute_route(
            session,
            route,
            hub=hub,
            vehicle=network.get_vehicle(session, route.vehicle_id),
            factor=network.road_factor_of(hub, settings),
        )
    _finish_plan(session, plan)


# Reading ------------------------------------------------------------------------------------


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
