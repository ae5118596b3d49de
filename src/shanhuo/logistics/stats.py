"""Delivery-time statistics, written when a parcel is delivered and read by the hub page and
the development report.

Tables (the report reads them directly):
- ``parcel_delivery_time``: one row per delivered parcel — ``started_at`` is the payment time
  (carrier parcels without an order: the first scan), ``hours`` to ``delivered_at``, lane
  columns ``origin_province``/``destination_province`` (2-digit) and ``origin_macro``/
  ``destination_macro`` (east|central|west|northeast), ``county_code`` of the hub and
  ``month`` (YYYY-MM in Asia/Shanghai).
- ``parcel_leg_time``: per parcel, one row per leg between consecutive scans (``leg`` is
  ``"<from_event>><to_event>"``, the first from ``paid``), with nodes and hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.kit.timeutil import to_shanghai
from shanhuo.logistics import rules
from shanhuo.models import Parcel, ParcelDeliveryTime, ParcelLegTime, ScanEvent
from shanhuo.regions.rules import macro_region_of


def record_delivery(session: Session, parcel: Parcel) -> None:
    """Write the parcel's delivery time and legs (once; a second call does nothing)."""
    if parcel.delivered_at is None or session.get(ParcelDeliveryTime, parcel.id) is not None:
        return
    scans = list(
        session.scalars(
            select(ScanEvent)
            .where(ScanEvent.parcel_id == parcel.id)
            .order_by(ScanEvent.at, ScanEvent.id)
        )
    )
    points = [rules.ScanPoint(s.event, s.node_id, s.at) for s in scans]
    started = parcel.paid_at or (points[0].at if points else parcel.created_at)
    origin, destination = parcel.origin_region_code, parcel.destination_region_code
    session.add(
        ParcelDeliveryTime(
            parcel_id=parcel.id,
            order_id=parcel.order_id,
            direction=parcel.direction,
            carrier_id=parcel.carrier_id,
            county_code=parcel.county_code,
            origin_province=origin[:2],
            destination_province=destination[:2],
            origin_macro=_macro(origin),
            destination_macro=_macro(destination),
            started_at=started,
            delivered_at=parcel.delivered_at,
            hours=rules.hours_between(started, parcel.delivered_at),
            month=f"{to_shanghai(parcel.delivered_at):%Y-%m}",
        )
    )
    legs = rules.legs_of(points, started) if parcel.paid_at else rules.legs_of(points[1:], started)
    for seq, (name, frm, to, start, end) in enumerate(legs, start=1):
        session.add(
            ParcelLegTime(
                parcel_id=parcel.id,
                seq=seq,
                leg=name[:50],
                from_node_id=frm,
                to_node_id=to,
                started_at=start,
                ended_at=end,
                hours=rules.hours_between(start, end),
            )
        )
    session.flush()


def _macro(code: str) -> str:
    try:
        return macro_region_of(code).key
    except (KeyError, ValueError):
        return "unknown"


@dataclass(frozen=True)
class LaneRow:
    key: str
    parcels: int
    avg_hours: float
    max_hours: float


Grouping = Literal["macro", "province", "county", "month"]


def aggregate(session: Session, *, by: Grouping, county_code: str | None = None) -> list[LaneRow]:
    """Average payment → delivery hours by lane (macro-region or province pair), county or
    month (the trend)."""
    t = ParcelDeliveryTime
    if by == "macro":
        keys = [t.origin_macro, t.destination_macro]
    elif by == "province":
        keys = [t.origin_province, t.destination_province]
    elif by == "county":
        keys = [t.county_code]
    else:
        keys = [t.month]
    query = (
        select(*keys, func.count(), func.avg(t.hours), func.max(t.hours))
        .group_by(*keys)
        .order_by(*keys)
    )
    if county_code:
        query = query.where(t.county_code == county_code)
    rows = []
    for row in session.execute(query):
        *parts, count, avg, peak = row
        rows.append(
            LaneRow(
                "→".join(str(p) for p in parts),
                int(count),
                round(float(avg), 1),
                round(float(peak), 1),
            )
        )
    return rows
