"""Scans: the one way a parcel's status changes. Each scan is checked against the state
machine (``rules.next_status``) and against the parcel's path (``rules.node_allowed``), stored
once (``scan_key`` is unique: the device's scan id, or a hash of parcel, event, node and time),
and has its effects: a pickup code when a parcel reaches its service point, delivery-time
statistics and the order moving to delivered when it is delivered.

Also here: looking a parcel up by tracking number and what the public may see of it (masked).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shanhuo.accounts.sms import SmsMessage
from shanhuo.config import Settings
from shanhuo.kit.errors import Invalid, NotFound
from shanhuo.kit.masking import mask_mobile, mask_name
from shanhuo.logistics import network, pickup, rules, stats
from shanhuo.logistics.rules import ParcelStatus, ScanEventKind
from shanhuo.logistics.schemas import ScanRead, TrackingRead
from shanhuo.models import Carrier, LogisticsNode, Order, Parcel, ScanEvent
from shanhuo.orders import service as orders_service
from shanhuo.orders.rules import Actor, OrderStatus


@dataclass
class ScanOutcome:
    event: ScanEvent
    created: bool
    outbox: list[SmsMessage] = field(default_factory=list)


def unknown_tracking(number: str) -> NotFound:
    return NotFound(
        "tracking_number_unknown", "查无此运单号", "Unknown tracking number", tracking_number=number
    )


def find_parcel(session: Session, number: str) -> Parcel:
    """By our tracking number or the carrier's."""
    number = number.strip()
    parcel = session.scalars(
        select(Parcel)
        .where(or_(Parcel.tracking_number == number, Parcel.carrier_tracking_number == number))
        .order_by(Parcel.id)
    ).first()
    if parcel is None:
        raise unknown_tracking(number)
    return parcel


def path_of(session: Session, parcel: Parcel) -> rules.ParcelPath:
    nodes: list[int] = []
    if parcel.direction == "up" and parcel.origin_node_id is not None:
        chain = network.chain_up(session, network.get_node(session, parcel.origin_node_id))
        nodes = list(rules.upward_path([n.id for n in chain]))
    elif parcel.direction == "down" and parcel.destination_node_id is not None:
        chain = network.chain_up(session, network.get_node(session, parcel.destination_node_id))
        nodes = list(rules.downward_path([n.id for n in chain]))
    if parcel.hub_id not in nodes:
        nodes.append(parcel.hub_id)
    return rules.ParcelPath(
        nodes=tuple(nodes),
        origin=parcel.origin_node_id,
        destination=parcel.destination_node_id,
        hub=parcel.hub_id,
    )


def scan_key_for(parcel_id: int, event: str, node_id: int | None, at: datetime) -> str:
    raw = f"{parcel_id}|{event}|{node_id or ''}|{at.isoformat()}"
    return "h:" + hashlib.sha256(raw.encode()).hexdigest()[:60]


def scan(
    session: Session,
    parcel: Parcel,
    *,
    event: str,
    node_id: int | None,
    at: datetime,
    now: datetime,
    settings: Settings,
    actor_id: int | None = None,
    scan_id: str | None = None,
    note: str = "",
) -> ScanOutcome:
    """Record one scan. A repeat (same ``scan_id``, or same parcel/event/node/time) returns the
    stored scan and changes nothing. Out of sequence → 409; a node off the parcel's path → 422."""
    key = f"s:{scan_id}" if scan_id else scan_key_for(parcel.id, event, node_id, at)
    existing = session.scalars(select(ScanEvent).where(ScanEvent.scan_key == key)).one_or_none()
    if existing is not None:
        return ScanOutcome(existing, created=False)
    if node_id is not None:
        network.get_node(session, node_id)
    if not rules.node_allowed(path_of(session, parcel), event, node_id):
        raise Invalid(
            "scan_node_not_on_route",
            "该包裹不经过这个站点，不能在此扫描",
            "This parcel is not routed through this node",
            node_id=node_id,
            event=event,
        )
    target = rules.next_status(parcel.status, event)
    outbox: list[SmsMessage] = []
    try:
        with session.begin_nested():
            row = ScanEvent(
                parcel_id=parcel.id,
                scan_key=key,
                event=event,
                status_after=target.value,
                node_id=node_id,
                actor_id=actor_id,
                note=note[:200],
                at=at,
                recorded_at=now,
            )
            session.add(row)
            session.flush()
    except IntegrityError:
        # The same scan arrived twice at once: the other one won; answer with it.
        existing = session.scalars(select(ScanEvent).where(ScanEvent.scan_key == key)).one()
        return ScanOutcome(existing, created=False)
    parcel.status = target.value
    parcel.updated_at = now
    kind = ScanEventKind(event)
    if kind == ScanEventKind.DELAYED:
        parcel.delayed = True
    elif node_id is not None:
        parcel.current_node_id = node_id
    if kind in (ScanEventKind.HANDED_TO_CARRIER, ScanEventKind.DEPARTED):
        parcel.current_node_id = None if kind == ScanEventKind.HANDED_TO_CARRIER else node_id
    if kind == ScanEventKind.ARRIVED_SERVICE_POINT and node_id is not None:
        outbox.append(
            pickup.issue_code(
                session, parcel, network.get_node(session, node_id), now=at, settings=settings
            )
        )
    if target == ParcelStatus.DELIVERED:
        parcel.delivered_at = at
        session.flush()
        stats.record_delivery(session, parcel)
        _deliver_order(session, parcel, at=at)
    if kind == ScanEventKind.RETURNED:
        pickup.mark_returned(session, parcel, now=at)
    session.flush()
    return ScanOutcome(row, created=True, outbox=outbox)


def _deliver_order(session: Session, parcel: Parcel, *, at: datetime) -> None:
    """The marketplace order follows its parcel: shipped → delivered, as the system."""
    if parcel.order_id is None:
        return
    order = session.get(Order, parcel.order_id)
    if order is not None and order.status == OrderStatus.SHIPPED:
        orders_service.transition(
            session,
            order,
            OrderStatus.DELIVERED,
            actors={Actor.SYSTEM},
            actor_id=None,
            now=at,
            note=f"parcel {parcel.tracking_number}",
        )


# Reading ------------------------------------------------------------------------------------


def scans_of(session: Session, parcel_id: int) -> list[ScanEvent]:
    return list(
        session.scalars(
            select(ScanEvent)
            .where(ScanEvent.parcel_id == parcel_id)
            .order_by(ScanEvent.at, ScanEvent.id)
        )
    )


def _node_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(LogisticsNode.id, LogisticsNode.name).where(LogisticsNode.id.in_(ids))
    )
    return {node_id: name for node_id, name in rows}


def tracking_view(session: Session, parcel: Parcel) -> TrackingRead:
    """The public view: status, scans with node names, masked recipient."""
    events = scans_of(session, parcel.id)
    names = _node_names(
        session,
        {e.node_id for e in events if e.node_id}
        | {n for n in (parcel.origin_node_id, parcel.destination_node_id) if n},
    )
    carrier = session.get(Carrier, parcel.carrier_id)
    status_zh, status_en = rules.STATUS_NAMES[parcel.status]
    return TrackingRead(
        tracking_number=parcel.tracking_number,
        carrier_tracking_number=parcel.carrier_tracking_number,
        carrier=carrier.name if carrier else "",
        direction=parcel.direction,
        status=parcel.status,
        status_zh=status_zh,
        status_en=status_en,
        recipient=mask_name(parcel.recipient_name),
        recipient_mobile=mask_mobile(parcel.recipient_mobile),
        origin=names.get(parcel.origin_node_id or 0, parcel.origin_region_code),
        destination=names.get(parcel.destination_node_id or 0, parcel.destination_region_code),
        deadline_at=parcel.deadline_at,
        delivered_at=parcel.delivered_at,
        scans=[
            ScanRead(
                event=e.event,
                event_zh=rules.EVENT_NAMES[e.event][0],
                event_en=rules.EVENT_NAMES[e.event][1],
                status_after=e.status_after,
                node_name=names.get(e.node_id) if e.node_id else None,
                at=e.at,
            )
            for e in events
        ],
    )
