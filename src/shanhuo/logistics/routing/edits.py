"""Hand edits of a route plan: an operator moves an unserved stop to another route (or
another place in its route).

An edit must not break what the solver guaranteed, so the target vehicle's peak load is
checked before anything changes; afterwards the affected routes and the plan are re-totalled
with the same functions the planner uses (``service.recompute_route``, ``service.finish_plan``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from shanhuo.config import Settings
from shanhuo.kit.errors import Conflict, Invalid
from shanhuo.logistics import network, rules
from shanhuo.logistics.routing.queries import get_plan, get_route, parcels_at, stops_of
from shanhuo.logistics.routing.service import finish_plan, recompute_route
from shanhuo.models import Route, RouteStop, Vehicle


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
    finish_plan(session, plan)
