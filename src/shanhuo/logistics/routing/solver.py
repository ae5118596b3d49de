"""The routing layer: a pure problem description solved by PyVRP.

Nothing here touches the database. ``RoutingProblem`` holds a distance and a duration matrix
over numbered locations, stops (clients) with per-dimension delivery and pickup amounts, time
windows and service times, and vehicles with per-dimension capacity, start/end locations,
shift windows, costs and an optional load already on board. The county planner, the
benchmark and the tests all go through ``solve``.

Choices, because PyVRP leaves them to the caller:
- Loads are vectors. The county planner uses three dimensions — grams, millilitres and
  *cold grams*. Only refrigerated vehicles have cold capacity, so a stop's cold parcels (kept
  as a separate stop at the same place) can only ride a refrigerated vehicle.
- Pickups and deliveries in one loop: PyVRP clients carry both (deliveries leave the depot
  on board, pickups come back).
- ``only_vehicle`` pins a stop to one vehicle (its parcels are already on board), and a
  ``pickup_only`` vehicle (already out on its loop) takes no new deliveries: both are routing
  profiles in which the forbidden stops are unreachable for that vehicle.
- Each vehicle is its own PyVRP vehicle type, so the answer names the vehicle.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pyvrp import Client, Depot, Location, ProblemData, VehicleType, solve
from pyvrp.constants import MAX_VALUE
from pyvrp.stop import MaxRuntime

INT64_MAX = int(np.iinfo(np.int64).max)


@dataclass(frozen=True)
class StopIn:
    key: str
    location: int
    delivery: tuple[int, ...]
    pickup: tuple[int, ...]
    service_s: int = 0
    tw_early: int = 0
    tw_late: int = INT64_MAX
    only_vehicle: str | None = None


@dataclass(frozen=True)
class VehicleIn:
    key: str
    capacity: tuple[int, ...]
    start_location: int
    end_location: int
    tw_early: int = 0
    tw_late: int = INT64_MAX
    fixed_cost: int = 0
    unit_distance_cost: int = 1
    initial_load: tuple[int, ...] = ()
    count: int = 1  # identical vehicles of this kind (benchmarks); the county planner uses 1
    pickup_only: bool = False  # already out: may take pickups, but no new deliveries


@dataclass(frozen=True)
class RoutingProblem:
    distance: Sequence[Sequence[int]]
    duration: Sequence[Sequence[int]]
    stops: tuple[StopIn, ...]
    vehicles: tuple[VehicleIn, ...]
    dimensions: int = 1
    coords: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class Visit:
    stop_key: str
    arrive_s: int
    depart_s: int


@dataclass(frozen=True)
class PlannedRoute:
    vehicle_key: str
    visits: tuple[Visit, ...]
    distance: int
    duration: int
    start_s: int
    end_s: int


@dataclass(frozen=True)
class RoutingResult:
    routes: tuple[PlannedRoute, ...]
    cost: int
    distance: int
    feasible: bool
    runtime_s: float
    unassigned: tuple[str, ...] = field(default_factory=tuple)


def _matrix(values: Sequence[Sequence[int]]) -> np.ndarray:
    array = np.asarray(values, dtype=np.int64)
    return np.minimum(array, MAX_VALUE)


def to_problem_data(problem: RoutingProblem) -> ProblemData:
    """Translate the pure problem into PyVRP's ``ProblemData``."""
    n = len(problem.distance)
    coords = problem.coords or tuple((0.0, 0.0) for _ in range(n))
    locations = [Location(x=float(x), y=float(y)) for x, y in coords]
    depot_locations = sorted(
        {v.start_location for v in problem.vehicles} | {v.end_location for v in problem.vehicles}
    )
    depot_index = {loc: i for i, loc in enumerate(depot_locations)}
    depots = [Depot(location=loc) for loc in depot_locations]
    dims = problem.dimensions

    # Which stop locations each vehicle may not enter: stops pinned to another vehicle, and —
    # for a vehicle already out on its route (``pickup_only``) — any stop with a delivery not
    # already on board (those parcels are at the hub). Vehicles with the same blocked set share
    # one routing profile whose matrix has those columns set to "unreachable".
    blocked_of: dict[str, frozenset[int]] = {}
    for v in problem.vehicles:
        blocked = {
            s.location
            for s in problem.stops
            if (s.only_vehicle is not None and s.only_vehicle != v.key)
            or (v.pickup_only and s.only_vehicle != v.key and any(s.delivery))
        }
        blocked_of[v.key] = frozenset(blocked)
    profiles = sorted(set(blocked_of.values()), key=lambda b: (len(b), sorted(b)))
    profile_index = {b: i for i, b in enumerate(profiles)}
    profile_of = {key: profile_index[b] for key, b in blocked_of.items()}
    vehicle_types = [
        VehicleType(
            num_available=v.count,
            capacity=list(v.capacity),
            start_depot=depot_index[v.start_location],
            end_depot=depot_index[v.end_location],
            fixed_cost=v.fixed_cost,
            tw_early=v.tw_early,
            tw_late=v.tw_late,
            unit_distance_cost=v.unit_distance_cost,
            profile=profile_of.get(v.key, 0),
            initial_load=list(v.initial_load) if v.initial_load else [0] * dims,
            name=v.key,
        )
        for v in problem.vehicles
    ]
    clients = [
        Client(
            location=s.location,
            delivery=list(s.delivery),
            pickup=list(s.pickup),
            service_duration=s.service_s,
            tw_early=s.tw_early,
            tw_late=s.tw_late,
            name=s.key,
        )
        for s in problem.stops
    ]
    distance = _matrix(problem.distance)
    duration = _matrix(problem.duration)
    distances: list[Any] = []
    durations: list[Any] = []
    for profile in profiles:
        mine, mine_t = distance.copy(), duration.copy()
        for location in profile:
            mine[:, location] = MAX_VALUE
            mine_t[:, location] = MAX_VALUE
            mine[location, location] = 0
            mine_t[location, location] = 0
        distances.append(mine)
        durations.append(mine_t)
    return ProblemData(
        locations,
        clients,
        depots,
        vehicle_types,
        distances,
        durations,
        [],
        [],
    )


def solve_problem(problem: RoutingProblem, *, seconds: float, seed: int = 1) -> RoutingResult:
    """Solve with PyVRP's iterated local search for ``seconds`` of wall time."""
    if not problem.vehicles:
        raise ValueError("no vehicles")
    if not problem.stops:
        return RoutingResult(routes=(), cost=0, distance=0, feasible=True, runtime_s=0.0)
    data = to_problem_data(problem)
    started = time.perf_counter()
    result = solve(data, stop=MaxRuntime(seconds), seed=seed, collect_stats=False, display=False)
    runtime = time.perf_counter() - started
    best = result.best
    routes: list[PlannedRoute] = []
    served: set[str] = set()
    for route in best.routes():
        vehicle = problem.vehicles[route.vehicle_type()]
        visits = []
        for activity in route.schedule():
            if activity.is_client():
                stop = problem.stops[activity.idx]
                served.add(stop.key)
                visits.append(Visit(stop.key, int(activity.start_time), int(activity.end_time)))
        routes.append(
            PlannedRoute(
                vehicle_key=vehicle.key,
                visits=tuple(visits),
                distance=int(route.distance()),
                duration=int(route.duration()),
                start_s=int(route.start_time()),
                end_s=int(route.end_time()),
            )
        )
    return RoutingResult(
        routes=tuple(routes),
        cost=int(result.cost()) if best.is_feasible() else int(best.distance_cost()),
        distance=int(best.distance()),
        feasible=bool(best.is_feasible()),
        runtime_s=runtime,
        unassigned=tuple(s.key for s in problem.stops if s.key not in served),
    )
