"""Logistics entry points other code calls (the API, pages, CLI jobs and other domains).

Public functions (session first, options keyword-only, never commit):
- ``create_parcel_for_order(session, order_id, *, now, carrier_id=None) -> Parcel``
- ``intake(session, *, now, limit=500) -> list[Parcel]``
- ``scan(session, parcel, *, event, node_id, at, now, settings, actor_id=None, scan_id=None)``
- ``pick_up_with_code(session, parcel, code, *, now, settings, actor_id) -> PickupOutcome``
- ``sweep_storage(session, *, now, settings) -> StorageSweep`` (reminders + return to sender)
- ``apply_carrier_webhook(session, carrier_code, body, signature, *, carriers, now, settings)``
- ``parcel_for_order(session, order_id) -> Parcel | None``

Side effects (SMS) are returned as messages; the entry point sends them after its commit
(``send_all``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.accounts.sms import SmsMessage, SmsSender
from shanhuo.config import Settings
from shanhuo.kit.errors import BadRequest, Forbidden, Invalid
from shanhuo.logistics import network, pickup, tracking
from shanhuo.logistics.carriers import CarrierRegistry
from shanhuo.logistics.parcels import (
    create_parcel_for_order,
    get_parcel,
    hand_to_carrier,
    intake,
    orders_awaiting_parcels,
    parcel_of_order,
    receive_inbound,
)
from shanhuo.logistics.pickup import PickupOutcome
from shanhuo.logistics.routing.build import day_start
from shanhuo.logistics.tracking import ScanOutcome, find_parcel, scan
from shanhuo.models import LogisticsAlert, LogisticsNode, Parcel

__all__ = [
    "PickupOutcome",
    "ScanOutcome",
    "create_parcel_for_order",
    "find_parcel",
    "get_parcel",
    "hand_to_carrier",
    "intake",
    "orders_awaiting_parcels",
    "parcel_for_order",
    "receive_inbound",
    "scan",
]


def parcel_for_order(session: Session, order_id: int) -> Parcel | None:
    return parcel_of_order(session, order_id)


def send_all(sms: SmsSender, messages: list[SmsMessage]) -> None:
    """Send after the commit that made the messages true."""
    for message in messages:
        sms.send(message)


def pick_up_with_code(
    session: Session,
    parcel: Parcel,
    code: str,
    *,
    now: datetime,
    settings: Settings,
    actor_id: int | None,
) -> PickupOutcome:
    outcome = pickup.check_code(session, parcel, code, settings=settings)
    if outcome.ok:
        tracking.scan(
            session,
            parcel,
            event="picked_up",
            node_id=parcel.current_node_id,
            at=now,
            now=now,
            settings=settings,
            actor_id=actor_id,
        )
        pickup.mark_picked_up(session, parcel, now=now)
    return outcome


def reissue_code(
    session: Session, parcel: Parcel, *, now: datetime, settings: Settings
) -> SmsMessage:
    if parcel.status != "awaiting_pickup" or parcel.current_node_id is None:
        raise Invalid(
            "parcel_not_awaiting_pickup",
            "该包裹不在待取件状态",
            "This parcel is not waiting for pickup",
        )
    return pickup.issue_code(
        session,
        parcel,
        network.get_node(session, parcel.current_node_id),
        now=now,
        settings=settings,
    )


@dataclass
class StorageSweep:
    reminders: list[SmsMessage] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)


def sweep_storage(session: Session, *, now: datetime, settings: Settings) -> StorageSweep:
    """Parcels past free storage get one reminder; past ``return_after`` they go back to the
    sender (a ``returned`` scan at the service point)."""
    result = StorageSweep()
    for row, parcel in pickup.due_for_return(session, now=now):
        tracking.scan(
            session,
            parcel,
            event="returned",
            node_id=row.node_id,
            at=now,
            now=now,
            settings=settings,
            scan_id=f"ret-{parcel.id}",
        )
        result.returned.append(parcel.tracking_number)
    for row, parcel in pickup.due_for_reminder(session, now=now):
        node = network.get_node(session, row.node_id)
        row.reminded_at = now
        result.reminders.append(
            SmsMessage(parcel.recipient_mobile, pickup.reminder_text(parcel, row, node))
        )
    session.flush()
    return result


def apply_carrier_webhook(
    session: Session,
    carrier_code: str,
    body: bytes,
    signature: str,
    *,
    carriers: CarrierRegistry,
    now: datetime,
    settings: Settings,
) -> ScanOutcome:
    """A carrier reports delivered/failed for a parcel it took (signed; idempotent)."""
    adapter = carriers.get(carrier_code)
    if not adapter.verify(body, signature):
        raise Forbidden("webhook_signature_invalid", "回调签名无效", "Invalid webhook signature")
    try:
        payload: dict[str, Any] = json.loads(body)
        number = str(payload["tracking_number"])
        event = str(payload["event"])
        at = datetime.fromisoformat(str(payload["at"]))
    except (ValueError, KeyError, TypeError):
        raise BadRequest(
            "webhook_malformed", "回调内容格式错误", "Malformed webhook body"
        ) from None
    if event not in ("delivered", "failed", "delayed") or at.tzinfo is None:
        raise BadRequest("webhook_malformed", "回调内容格式错误", "Malformed webhook body")
    parcel = find_parcel(session, number)
    carrier = network.get_carrier(session, parcel.carrier_id)
    if carrier.code != carrier_code:
        raise tracking.unknown_tracking(number)
    return scan(
        session,
        parcel,
        event=event,
        node_id=None,
        at=at,
        now=now,
        settings=settings,
        scan_id=f"wh-{carrier_code}-{number}-{event}",
    )


# Reading for pages --------------------------------------------------------------------------


@dataclass(frozen=True)
class VillageCount:
    node: LogisticsNode
    deliveries: int
    pickups: int
    cold: int
    awaiting_pickup: int


def parcels_by_village(session: Session, hub: LogisticsNode, day: date) -> list[VillageCount]:
    """Today's picture per node: downward parcels for it, upward waiting there, cold ones,
    and parcels waiting for their villager."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    start = day_start(day)
    for parcel in session.scalars(
        select(Parcel).where(
            Parcel.hub_id == hub.id,
            Parcel.status.not_in(("delivered", "returned")) | (Parcel.updated_at >= start),
        )
    ):
        if parcel.direction == "down" and parcel.destination_node_id:
            key = parcel.destination_node_id
            if parcel.status == "awaiting_pickup":
                counts[key][3] += 1
            elif parcel.status in ("at_node", "in_transit", "out_for_delivery"):
                counts[key][0] += 1
        elif (
            parcel.direction == "up"
            and parcel.current_node_id
            and parcel.current_node_id != hub.id
            and parcel.status in ("collected", "at_node")
        ):
            key = parcel.current_node_id
            counts[key][1] += 1
        else:
            continue
        if parcel.cold:
            counts[key][2] += 1
    nodes = {n.id: n for n in network.list_nodes(session, hub.county_code)}
    return [
        VillageCount(nodes[k], *v)
        for k, v in sorted(counts.items(), key=lambda kv: nodes[kv[0]].name)
        if k in nodes
    ]


def alerts_for_hub(
    session: Session, hub: LogisticsNode, *, since: datetime
) -> list[tuple[LogisticsAlert, Parcel]]:
    return list(
        session.execute(
            select(LogisticsAlert, Parcel)
            .join(Parcel, Parcel.id == LogisticsAlert.parcel_id)
            .where(LogisticsAlert.hub_id == hub.id, LogisticsAlert.raised_at >= since)
            .order_by(LogisticsAlert.raised_at.desc())
        )
    )


def alerts_for_stores(
    session: Session, store_ids: list[int]
) -> list[tuple[LogisticsAlert, Parcel]]:
    if not store_ids:
        return []
    return list(
        session.execute(
            select(LogisticsAlert, Parcel)
            .join(Parcel, Parcel.id == LogisticsAlert.parcel_id)
            .where(
                LogisticsAlert.store_id.in_(store_ids),
                Parcel.status.not_in(("delivered", "returned")),
            )
            .order_by(LogisticsAlert.raised_at.desc())
        )
    )


def station_arrivals(session: Session, node: LogisticsNode) -> list[Parcel]:
    """Parcels waiting at this service point for their villager, plus upward parcels to hand
    to the next vehicle."""
    return list(
        session.scalars(
            select(Parcel)
            .where(
                Parcel.current_node_id == node.id,
                Parcel.status.in_(("awaiting_pickup", "collected", "at_node")),
            )
            .order_by(Parcel.status, Parcel.id)
        )
    )


def station_recent(session: Session, node: LogisticsNode, *, now: datetime) -> list[Parcel]:
    return list(
        session.scalars(
            select(Parcel)
            .where(
                Parcel.current_node_id == node.id,
                Parcel.status == "delivered",
                Parcel.updated_at >= now - timedelta(days=1),
            )
            .order_by(Parcel.updated_at.desc())
            .limit(20)
        )
    )
