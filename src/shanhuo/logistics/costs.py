"""Cost sharing between carriers (rule in ``rules.COST_RULE``): each route's cost split by
pieces × km, in fen that add up exactly to the route's cost."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shanhuo.logistics import rules
from shanhuo.logistics.schemas import CostShareRead
from shanhuo.models import Carrier, Parcel, Route, RouteCostShare, RouteParcel, RouteStop, Vehicle


@dataclass(frozen=True)
class CarrierLoad:
    carrier_id: int
    pieces: int
    weight_g: int
    piece_km: float


def carrier_loads(session: Session, route: Route) -> list[CarrierLoad]:
    pieces: dict[int, int] = defaultdict(int)
    weight: dict[int, int] = defaultdict(int)
    piece_km: dict[int, float] = defaultdict(float)
    rows = session.execute(
        select(
            Parcel.carrier_id,
            Parcel.weight_g,
            RouteParcel.action,
            RouteStop.km_from_hub,
            RouteStop.km_to_hub,
        )
        .join(RouteParcel, RouteParcel.parcel_id == Parcel.id)
        .join(RouteStop, RouteStop.id == RouteParcel.stop_id)
        .where(RouteStop.route_id == route.id)
    )
    for carrier_id, weight_g, action, km_from, km_to in rows:
        pieces[carrier_id] += 1
        weight[carrier_id] += weight_g
        piece_km[carrier_id] += km_from if action == "deliver" else km_to
    return [CarrierLoad(c, pieces[c], weight[c], round(piece_km[c], 3)) for c in sorted(pieces)]


def share_route(session: Session, route: Route) -> list[RouteCostShare]:
    """(Re)compute and store the shares of one route."""
    session.execute(delete(RouteCostShare).where(RouteCostShare.route_id == route.id))
    loads = carrier_loads(session, route)
    parts = rules.split_largest_remainder(route.cost_fen, [load.piece_km for load in loads])
    rows = [
        RouteCostShare(
            route_id=route.id,
            carrier_id=load.carrier_id,
            pieces=load.pieces,
            weight_g=load.weight_g,
            piece_km=load.piece_km,
            share_fen=part,
        )
        for load, part in zip(loads, parts, strict=True)
    ]
    session.add_all(rows)
    session.flush()
    return rows


def shares_of_plan(session: Session, plan_id: int) -> list[CostShareRead]:
    rows = session.execute(
        select(RouteCostShare, Route, Vehicle.plate, Carrier.name)
        .join(Route, Route.id == RouteCostShare.route_id)
        .join(Vehicle, Vehicle.id == Route.vehicle_id)
        .join(Carrier, Carrier.id == RouteCostShare.carrier_id)
        .where(Route.plan_id == plan_id)
        .order_by(Route.id, Carrier.id)
    )
    return [
        CostShareRead(
            route_id=route.id,
            plate=plate,
            carrier=name,
            pieces=share.pieces,
            weight_kg=round(share.weight_g / 1000, 1),
            piece_km=round(share.piece_km, 1),
            share_fen=share.share_fen,
        )
        for share, route, plate, name in rows
    ]


def totals_by_carrier(shares: list[CostShareRead]) -> list[tuple[str, int, int]]:
    """(carrier, pieces, fen) over a plan."""
    pieces: dict[str, int] = defaultdict(int)
    fen: dict[str, int] = defaultdict(int)
    for share in shares:
        pieces[share.carrier] += share.pieces
        fen[share.carrier] += share.share_fen
    return [(c, pieces[c], fen[c]) for c in sorted(pieces)]
