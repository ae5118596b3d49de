"""The map view: nodes and route lines as an inline SVG (no tiles, nothing from outside hosts).

Coordinates are stored WGS-84 and converted to GCJ-02 here, for display only — the frame a
map of China is drawn in — then projected equirectangularly (longitude scaled by cos(lat)),
which is accurate to well under a pixel across one county.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy.orm import Session

from shanhuo.logistics import network, rules
from shanhuo.logistics.routing import queries
from shanhuo.models import LogisticsNode, Route, RoutePlan

WIDTH, HEIGHT, PAD = 340.0, 340.0, 12.0
COLOURS = (
    "#2e7d32",
    "#1565c0",
    "#c62828",
    "#6a1b9a",
    "#ef6c00",
    "#00838f",
    "#558b2f",
    "#4e342e",
    "#ad1457",
    "#283593",
)


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    kind: str
    name: str
    gcj_lat: float
    gcj_lon: float


@dataclass(frozen=True)
class MapLine:
    plate: str
    colour: str
    points: str  # "x,y x,y ..."
    stops: int


@dataclass(frozen=True)
class MapView:
    width: float
    height: float
    points: list[MapPoint]
    lines: list[MapLine]


def project(coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """(lat, lon) in GCJ-02 → SVG (x, y) fitted into the frame, north up."""
    if not coords:
        return []
    lats = [c[0] for c in coords]
    lons = [c[1] for c in coords]
    mid = math.radians((min(lats) + max(lats)) / 2)
    xs = [lon * math.cos(mid) for lon in lons]
    span = max(max(xs) - min(xs), max(lats) - min(lats), 1e-6)
    scale = (min(WIDTH, HEIGHT) - 2 * PAD) / span
    return [
        (round(PAD + (x - min(xs)) * scale, 1), round(PAD + (max(lats) - lat) * scale, 1))
        for x, lat in zip(xs, lats, strict=True)
    ]


def build_map(session: Session, hub: LogisticsNode, plan: RoutePlan | None) -> MapView:
    nodes = network.list_nodes(session, hub.county_code)
    gcj = {n.id: rules.wgs84_to_gcj02(n.lat, n.lon) for n in nodes}
    xy = dict(zip([n.id for n in nodes], project([gcj[n.id] for n in nodes]), strict=True))
    points = [
        MapPoint(*xy[n.id], n.kind, n.name, round(gcj[n.id][0], 6), round(gcj[n.id][1], 6))
        for n in nodes
    ]
    lines = []
    if plan is not None:
        from sqlalchemy import select

        for i, route in enumerate(
            session.scalars(select(Route).where(Route.plan_id == plan.id).order_by(Route.id))
        ):
            stops = queries.stops_of(session, route.id)
            path = [hub.id, *[s.node_id for s in stops], hub.id]
            vehicle = network.get_vehicle(session, route.vehicle_id)
            lines.append(
                MapLine(
                    vehicle.plate,
                    COLOURS[i % len(COLOURS)],
                    " ".join(f"{xy[n][0]},{xy[n][1]}" for n in path if n in xy),
                    len(stops),
                )
            )
    return MapView(WIDTH, HEIGHT, points, lines)
