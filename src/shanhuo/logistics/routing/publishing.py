"""Publishing a draft route plan, and the deadline alerts it raises.

Publishing is the moment a plan becomes the day's plan (drivers can only work published
routes), so it is also when estimated arrivals are checked against parcel deadlines: a parcel
the published plan would bring too late raises (or updates) a ``deadline_risk`` alert.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.kit.errors import Conflict
from shanhuo.logistics import rules
from shanhuo.logistics.routing import build
from shanhuo.models import LogisticsAlert, Parcel, Route, RouteParcel, RoutePlan, RouteStop


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
