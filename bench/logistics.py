"""Routing benchmark, one command: ``.venv/bin/python -m bench.logistics`` (``--quick`` for a
seconds-long smoke run).

1. A county day generated from a seed (the demo's generator, ``shanhuo.demo.logistics``):
   1 hub, 20 township stations, 300 village points, 10 vehicles (3 refrigerated) with kg,
   litre and cold capacities, opening-hour time windows, deliveries and pickups in one loop.
   Solved through the project's routing layer with a 5 s budget and, in the same run, 60 s —
   the 60 s plan is the baseline; the ratio is printed (target: within 1 %).
2. VRPLIB instances shipped in the PyVRP 0.14.1 *source distribution's* test data
   (``tests/data/E-n22-k4.txt``, optimum 375; ``tests/data/RC208.vrp`` with its ``RC208.sol``,
   best known 776.1), fetched with ``pip download --no-deps --no-binary :all: pyvrp==0.14.1``
   from PyPI into a temporary folder (the sdist is not installed), parsed with ``vrplib`` (a
   PyVRP dependency), turned into the project's ``RoutingProblem`` and solved for 10 s each;
   the gap to the known value is printed (target: within 1 %). ``--data DIR`` uses an
   already-extracted ``tests/data`` folder instead of downloading.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

from shanhuo.demo.logistics import county_layout
from shanhuo.logistics import rules
from shanhuo.logistics.routing.solver import (
    RoutingProblem,
    RoutingResult,
    StopIn,
    VehicleIn,
    solve_problem,
)

SEED = 2026
ROAD_FACTOR = 1.4
SPEED_KMH = 35.0


def county_day(
    seed: int = SEED, *, townships: int = 20, villages_per_township: int = 15, vehicles: int = 10
) -> RoutingProblem:
    """The generated county day as a routing problem (same rules as the county planner: grams,
    millilitres, cold grams; a node's cold parcels a separate stop; 5 min + 30 s per parcel)."""
    rng = random.Random(seed)
    sites = county_layout(rng, townships=townships, villages_per_township=villages_per_township)
    hub = sites[0]
    stops_sites: list = []
    stop_ins: list[StopIn] = []
    for site in sites[1:]:
        # Every village gets deliveries; one in three also has produce to pick up; some cold.
        for cold in (False, True):
            if cold and rng.random() > 0.08:
                continue
            pieces = rng.randint(1, 4)
            grams = sum(rng.randint(300, 8000) for _ in range(pieces))
            pickup = rng.randint(2000, 30000) if (not cold and rng.random() < 0.33) else 0
            delivery = (grams, grams * 3, grams if cold else 0)
            picked = (pickup, pickup * 2, 0)
            stops_sites.append(site)
            stop_ins.append(
                StopIn(
                    key=f"{site.region_code}{'c' if cold else ''}",
                    location=len(stops_sites),
                    delivery=delivery,
                    pickup=picked,
                    service_s=300 + 30 * pieces,
                    tw_early=site.opens_min * 60,
                    tw_late=site.closes_min * 60
                    if not cold
                    else min(site.closes_min, site.opens_min + 240) * 60,
                )
            )
    points = [hub, *stops_sites]
    n = len(points)
    distance = np.zeros((n, n), dtype=np.int64)
    duration = np.zeros((n, n), dtype=np.int64)
    for i, a in enumerate(points):
        for j, b in enumerate(points):
            if i != j:
                distance[i, j], duration[i, j] = rules.road_estimate(
                    a.lat, a.lon, b.lat, b.lon, road_factor=ROAD_FACTOR, speed_kmh=SPEED_KMH
                )
    fleet = tuple(
        VehicleIn(
            key=f"v{k}",
            capacity=(1_200_000, 8_000_000, 1_200_000 if k < 3 else 0),
            start_location=0,
            end_location=0,
            tw_early=hub.opens_min * 60,
            tw_late=hub.closes_min * 60,
            fixed_cost=8_000_000,
            unit_distance_cost=200,
        )
        for k in range(vehicles)
    )
    return RoutingProblem(
        distance=distance.tolist(),
        duration=duration.tolist(),
        stops=tuple(stop_ins),
        vehicles=fleet,
        dimensions=3,
    )


# VRPLIB instances --------------------------------------------------------------------------


def fetch_sdist_data(target: Path) -> Path:
    """Download the pyvrp 0.14.1 sdist from PyPI (the registry, nothing else) and extract its
    tests/data folder; returns that folder."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            "pyvrp==0.14.1",
            "-d",
            str(target),
        ],
        check=True,
        timeout=300,
    )
    archive = next(target.glob("pyvrp-0.14.1.tar.gz"))
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if "/tests/data/" in m.name and m.isfile()]
        tar.extractall(target, members=members, filter="data")
    return target / "pyvrp-0.14.1" / "tests" / "data"


def vrplib_problem(path: Path, *, rounding: str) -> RoutingProblem:
    """A VRPLIB instance as the project's RoutingProblem. ``rounding``: "round" (CVRP
    convention: nearest integer) or "dimacs" (Solomon convention: ×10, truncated)."""
    import vrplib

    instance = vrplib.read_instance(str(path))
    coords = np.asarray(instance["node_coord"], dtype=float)
    diff = coords[:, None, :] - coords[None, :, :]
    euclid = np.sqrt((diff**2).sum(-1))
    matrix = (
        np.round(euclid).astype(np.int64) if rounding == "round" else (10 * euclid).astype(np.int64)
    )
    scale = 1 if rounding == "round" else 10
    demand = [int(d) for d in instance["demand"]]
    depot = int(np.asarray(instance.get("depot", [0])).ravel()[0])
    tws = instance.get("time_window")
    service = instance.get("service_time")
    stops = []
    for i in range(len(coords)):
        if i == depot:
            continue
        early, late = (
            (int(tws[i][0]) * scale, int(tws[i][1]) * scale) if tws is not None else (0, 2**62)
        )
        svc = (
            service
            if isinstance(service, int | float)
            else (service[i] if service is not None else 0)
        )
        stops.append(
            StopIn(
                key=str(i),
                location=i,
                delivery=(demand[i],),
                pickup=(0,),
                service_s=int(svc) * scale,
                tw_early=early,
                tw_late=late,
            )
        )
    depot_tw = (
        (int(tws[depot][0]) * scale, int(tws[depot][1]) * scale) if tws is not None else (0, 2**62)
    )
    count = int(instance.get("vehicles", len(stops)))
    fleet = (
        VehicleIn(
            "v",
            (int(instance["capacity"]),),
            depot,
            depot,
            tw_early=depot_tw[0],
            tw_late=depot_tw[1],
            count=count,
        ),
    )
    return RoutingProblem(
        distance=matrix.tolist(),
        duration=matrix.tolist(),
        stops=tuple(stops),
        vehicles=fleet,
        dimensions=1,
    )


def _report_county(short: float, long: float, *, quick: bool) -> None:
    size = dict(townships=4, villages_per_township=10, vehicles=4) if quick else {}
    problem = county_day(**size)
    print(
        f"county day: {len(problem.stops)} stops at {len(problem.distance) - 1} nodes, {len(problem.vehicles)} vehicles"
    )
    results: list[tuple[float, RoutingResult]] = []
    for budget in (short, long):
        started = time.perf_counter()
        result = solve_problem(problem, seconds=budget, seed=1)
        results.append((time.perf_counter() - started, result))
        km = result.distance / 1000
        print(
            f"  {budget:>5.1f} s budget: cost {result.cost:,} (milli-fen), {km:,.1f} km, {len(result.routes)} routes, feasible={result.feasible}, wall {results[-1][0]:.2f} s"
        )
    (t_short, a), (t_long, b) = results
    print(
        f"  ratio {short:g} s / {long:g} s plan cost: {a.cost / b.cost:.4f} (gap {100 * (a.cost / b.cost - 1):+.2f} %; target ≤ +1 %); time ratio {t_short / t_long:.3f}"
    )


def _report_instances(data: Path, seconds: float) -> None:
    cases = (("E-n22-k4.txt", "round", 375.0, 1), ("RC208.vrp", "dimacs", 776.1, 10))
    for name, rounding, known, scale in cases:
        path = data / name
        if not path.exists():
            print(f"  {name}: not in the sdist test data — skipped")
            continue
        problem = vrplib_problem(path, rounding=rounding)
        result = solve_problem(problem, seconds=seconds, seed=1)
        value = result.distance / scale
        print(
            f"  {name}: {value:.1f} vs known {known} → gap {100 * (value / known - 1):+.2f} % in {result.runtime_s:.1f} s (feasible={result.feasible}; target ≤ +1 %)"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument(
        "--quick", action="store_true", help="small county, short budgets, no download"
    )
    parser.add_argument("--data", type=Path, help="an extracted pyvrp tests/data folder")
    args = parser.parse_args(argv)
    short, long, instance_s = (0.5, 1.5, 0.5) if args.quick else (5.0, 60.0, 10.0)
    print(
        f"logistics routing benchmark ({'quick' if args.quick else 'full'}), PyVRP via shanhuo.logistics.routing.solver"
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load:.1f} "
        "(the solver is single-threaded; a busy machine shrinks every budget)"
    )
    _report_county(short, long, quick=args.quick)
    print("VRPLIB instances from the pyvrp 0.14.1 sdist test data:")
    if args.data is not None:
        _report_instances(args.data, instance_s)
    elif args.quick:
        print("  skipped in --quick (no download); pass --data DIR to include them")
    else:
        with tempfile.TemporaryDirectory(prefix="pyvrp-sdist-") as tmp:
            _report_instances(fetch_sdist_data(Path(tmp)), instance_s)


if __name__ == "__main__":
    main()
