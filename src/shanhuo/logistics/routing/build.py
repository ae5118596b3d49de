"""From the database to a pure routing problem for one county hub and one service day.

Stops: one per (node, cold) — a node's cold parcels form their own stop at the same place, so
only a refrigerated vehicle (the only kind with *cold grams* capacity) can carry them.
Deliveries are downward parcels sorted at the hub for that node; pickups are upward parcels
waiting there (collected at a village point, or consolidated at a township station).

Time windows are the node's opening hours. Perishable stops (a parcel with a deadline) get an
earlier close — ``routing_perishable_window_minutes`` after opening, and no later than the
deadline if it falls that day — but never earlier than a vehicle could arrive directly from
the hub, so the preference never makes the plan infeasible by itself.

Costs are in milli-fen: ``cost_per_km_fen`` per 1000 m is exactly 1 milli-fen per metre per
fen/km, and a used vehicle adds ``fixed_cost_fen`` × 1000.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from shanhuo.kit.timeutil import SHANGHAI
from shanhuo.logistics.routing.solver import RoutingProblem, StopIn, VehicleIn
from shanhuo.models import LogisticsNode, Parcel, Vehicle

DIMENSIONS = 3  # grams, millilitres, cold grams
BASE_SERVICE_S = 300
PER_PARCEL_SERVICE_S = 30


@dataclass
class StopDraft:
    key: str
    node: LogisticsNode
    cold: bool
    deliveries: list[Parcel] = field(default_factory=list)
    pickups: list[Parcel] = field(default_factory=list)
    only_vehicle: str | None = None

    def vector(self, parcels: Sequence[Parcel]) -> tuple[int, int, int]:
        grams = sum(p.weight_g for p in parcels)
        return (grams, sum(p.volume_ml for p in parcels), grams if self.cold else 0)

    @property
    def parcels(self) -> list[Parcel]:
        return self.deliveries + self.pickups


@dataclass(frozen=True)
class VehicleStart:
    """Where a vehicle is when the plan is made: at the hub, or mid-route at a served stop
    (re-planning), with what it already picked up on board."""

    node: LogisticsNode
    earliest_s: int
    on_board: tuple[int, int, int] = (0, 0, 0)
    started_at: datetime | None = None


def day_start(service_date: date) -> datetime:
    return datetime.combine(service_date, time(0, 0), tzinfo=SHANGHAI)


def seconds_of_day(moment: datetime, service_date: date) -> int:
    return int((moment - day_start(service_date)).total_seconds())


def group_stops(
    deliveries: Sequence[Parcel], pickups: Sequence[Parcel], nodes: dict[int, LogisticsNode]
) -> list[StopDraft]:
    drafts: dict[tuple[int, bool], StopDraft] = {}

    def draft(node_id: int, cold: bool) -> StopDraft:
        key = (node_id, cold)
        if key not in drafts:
            drafts[key] = StopDraft(f"n{node_id}{'c' if cold else ''}", nodes[node_id], cold)
        return drafts[key]

    for parcel in deliveries:
        assert parcel.destination_node_id is not None
        draft(parcel.destination_node_id, parcel.cold).deliveries.append(parcel)
    for parcel in pickups:
        assert parcel.current_node_id is not None
        draft(parcel.current_node_id, parcel.cold).pickups.append(parcel)
    return [drafts[k] for k in sorted(drafts)]


def build_problem(
    hub: LogisticsNode,
    stops: Sequence[StopDraft],
    vehicles: Sequence[Vehicle],
    starts: dict[int, VehicleStart],
    *,
    service_date: date,
    matrix: tuple[list[list[int]], list[list[int]]],
    perishable_window_min: int,
) -> RoutingProblem:
    """``matrix`` is over [hub, *stop nodes, *vehicle start nodes] in that order (see
    ``locations_for``)."""
    distance, duration = matrix
    hub_open, hub_close = hub.opens_min * 60, hub.closes_min * 60
    stop_ins = []
    for i, stop in enumerate(stops, start=1):
        open_s, close_s = stop.node.opens_min * 60, stop.node.closes_min * 60
        deadlines = [p.deadline_at for p in stop.parcels if p.deadline_at is not None]
        if deadlines:
            reach = hub_open + duration[0][i]
            late = min(close_s, open_s + perishable_window_min * 60)
            same_day = [seconds_of_day(d, service_date) for d in deadlines]
            late = min([late, *[s for s in same_day if s > 0]])
            close_s = max(late, min(reach, close_s), open_s)
        stop_ins.append(
            StopIn(
                key=stop.key,
                location=i,
                delivery=stop.vector(stop.deliveries),
                pickup=stop.vector(stop.pickups),
                service_s=BASE_SERVICE_S + PER_PARCEL_SERVICE_S * len(stop.parcels),
                tw_early=open_s,
                tw_late=close_s,
                only_vehicle=stop.only_vehicle,
            )
        )
    vehicle_ins = []
    offset = len(stops) + 1
    for j, vehicle in enumerate(vehicles):
        start = starts.get(vehicle.id)
        kg = vehicle.capacity_kg * 1000
        vehicle_ins.append(
            VehicleIn(
                key=f"v{vehicle.id}",
                capacity=(kg, vehicle.capacity_l * 1000, kg if vehicle.refrigerated else 0),
                start_location=offset + j if start is not None else 0,
                end_location=0,
                tw_early=max(hub_open, start.earliest_s) if start is not None else hub_open,
                tw_late=max(hub_close, start.earliest_s + 3600) if start is not None else hub_close,
                fixed_cost=vehicle.fixed_cost_fen * 1000,
                unit_distance_cost=max(1, vehicle.cost_per_km_fen),
                initial_load=start.on_board if start is not None else (0, 0, 0),
                pickup_only=start is not None,
            )
        )
    return RoutingProblem(
        distance=distance,
        duration=duration,
        stops=tuple(stop_ins),
        vehicles=tuple(vehicle_ins),
        dimensions=DIMENSIONS,
    )


def locations_for(
    hub: LogisticsNode,
    stops: Sequence[StopDraft],
    vehicles: Sequence[Vehicle],
    starts: dict[int, VehicleStart],
) -> list[LogisticsNode]:
    """Matrix order: hub, one entry per stop, one per vehicle (its start node; the hub when it
    starts there — only mid-route vehicles use theirs)."""
    return [
        hub,
        *[s.node for s in stops],
        *[starts[v.id].node if v.id in starts else hub for v in vehicles],
    ]


def parcels_by_node(parcels: Sequence[Parcel]) -> dict[int, list[Parcel]]:
    grouped: dict[int, list[Parcel]] = defaultdict(list)
    for parcel in parcels:
        grouped[parcel.destination_node_id or parcel.current_node_id or 0].append(parcel)
    return grouped


def eta(service_date: date, seconds: int) -> datetime:
    return day_start(service_date) + timedelta(seconds=seconds)
