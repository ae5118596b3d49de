"""Parcels entering the network.

Upward (村→县→城): a paid marketplace order becomes a parcel — ``create_parcel_for_order``, run
for every paid order without a parcel by ``shanhuo logistics intake`` and by the seller's
"hand to the network" button. Its origin is the village point of the store's village (else
the township station, else the county hub); it is collected there, consolidated at the
township and the hub, and handed to an express carrier for the city (``hand_to_carrier``),
which is when the order becomes *shipped* (``orders.service.ship`` on the seller's behalf —
the seller's act was handing the parcel to the network).

Downward (城→县→村): a carrier's parcel for a villager arrives at the county hub
(``receive_inbound``), is sorted to its village and delivered or held for pickup.

Decisions: weight is the sum of the SKUs' weights (at least 100 g); volume is estimated as
2 ml per gram (produce packed with padding ≈ 0.5 kg/L); a parcel is *cold* when any product is
perishable, and its deadline is payment + the shortest shelf life.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.config import Settings
from shanhuo.kit.errors import Conflict, Invalid, NotFound
from shanhuo.kit.masking import mask_mobile, mask_name
from shanhuo.logistics import network, rules, tracking
from shanhuo.logistics.carriers import CarrierRegistry, Consignment
from shanhuo.logistics.schemas import InboundParcelCreate
from shanhuo.models import LogisticsNode, Order, OrderLine, Parcel, Product, Sku, Store
from shanhuo.orders import service as orders_service
from shanhuo.orders.rules import OrderStatus

MIN_WEIGHT_G = 100
ML_PER_GRAM = 2


def _new_parcel(session: Session, **fields: object) -> Parcel:
    parcel = Parcel(tracking_number=f"tmp{uuid.uuid4().hex[:20]}", **fields)
    session.add(parcel)
    session.flush()
    parcel.tracking_number = rules.tracking_number("SH", parcel.id)
    session.flush()
    return parcel


def _origin_node(session: Session, store: Store, hub: LogisticsNode) -> LogisticsNode:
    for code, kind in ((store.village_code, "village"), (store.township_code, "township")):
        if code:
            node = session.scalars(
                select(LogisticsNode)
                .where(
                    LogisticsNode.county_code == store.county_code,
                    LogisticsNode.kind == kind,
                    LogisticsNode.region_code == code,
                )
                .order_by(LogisticsNode.id)
            ).first()
            if node is not None:
                return node
    return hub


def parcel_of_order(session: Session, order_id: int) -> Parcel | None:
    return session.scalars(select(Parcel).where(Parcel.order_id == order_id)).one_or_none()


def create_parcel_for_order(
    session: Session, order_id: int, *, now: datetime, carrier_id: int | None = None
) -> Parcel:
    """The upward parcel of a paid order (idempotent: an order has at most one parcel)."""
    existing = parcel_of_order(session, order_id)
    if existing is not None:
        return existing
    order = session.get(Order, order_id)
    if order is None:
        raise orders_service.order_not_found(order_id)
    if order.status != OrderStatus.PAID:
        raise Conflict(
            "order_not_paid",
            "只有已付款待发货的订单可以生成包裹",
            "Only a paid order awaiting shipment becomes a parcel",
            status_now=order.status,
        )
    store = session.get(Store, order.store_id)
    assert store is not None
    hub = network.find_hub(session, store.county_code)
    if hub is None:
        raise Conflict(
            "county_has_no_hub",
            "店铺所在县尚未接入乡村物流网络",
            "The store's county has no hub yet",
            county_code=store.county_code,
        )
    carriers = network.carriers_at(session, hub)
    if carrier_id is not None:
        carrier = network.get_carrier(session, carrier_id)
        if carrier.id not in {c.id for c in carriers}:
            raise Invalid(
                "carrier_not_at_hub",
                "该快递公司不在本县中心交接",
                "This carrier does not serve this hub",
            )
    elif carriers:
        carrier = carriers[0]
    else:
        raise Conflict(
            "hub_has_no_carrier", "县中心还没有合作快递公司", "The hub has no carrier yet"
        )
    weight = 0
    shelf_lives: list[int | None] = []
    perishable = False
    for quantity, weight_g, is_perishable, shelf in session.execute(
        select(OrderLine.quantity, Sku.weight_g, Product.perishable, Product.shelf_life_days)
        .join(Sku, Sku.id == OrderLine.sku_id)
        .join(Product, Product.id == OrderLine.product_id)
        .where(OrderLine.order_id == order.id)
    ):
        weight += int(weight_g or 0) * int(quantity)
        perishable = perishable or bool(is_perishable)
        shelf_lives.append(shelf if is_perishable else None)
    weight = max(weight, MIN_WEIGHT_G)
    origin = _origin_node(session, store, hub)
    return _new_parcel(
        session,
        direction="up",
        status="created",
        order_id=order.id,
        store_id=store.id,
        carrier_id=carrier.id,
        county_code=store.county_code,
        hub_id=hub.id,
        origin_node_id=origin.id,
        destination_node_id=None,
        current_node_id=None,
        origin_region_code=origin.region_code,
        destination_region_code=order.ship_to_region_code,
        sender_name=store.name[:40],
        sender_mobile=store.contact_mobile,
        recipient_name=order.recipient_name,
        recipient_mobile=order.recipient_mobile,
        recipient_address=order.ship_to_address,
        weight_g=weight,
        volume_ml=weight * ML_PER_GRAM,
        cold=perishable,
        deadline_at=rules.deadline_for(order.paid_at, shelf_lives),
        paid_at=order.paid_at,
        created_at=now,
        updated_at=now,
    )


def orders_awaiting_parcels(
    session: Session, *, limit: int = 500, store_ids: Iterable[int] | None = None
) -> list[Order]:
    """Paid orders without a parcel whose store's county has a hub."""
    query = (
        select(Order)
        .join(Store, Store.id == Order.store_id)
        .join(
            LogisticsNode,
            (LogisticsNode.county_code == Store.county_code) & (LogisticsNode.kind == "hub"),
        )
        .outerjoin(Parcel, Parcel.order_id == Order.id)
        .where(Order.status == OrderStatus.PAID, Parcel.id.is_(None))
        .order_by(Order.id)
        .limit(limit)
    )
    if store_ids is not None:
        query = query.where(Order.store_id.in_(list(store_ids)))
    return list(session.scalars(query))


def intake(session: Session, *, now: datetime, limit: int = 500) -> list[Parcel]:
    """Turn every paid order without a parcel (in a county with a hub) into one. Orders whose
    hub has no carrier are skipped (they stay for the next run)."""
    made = []
    for order in orders_awaiting_parcels(session, limit=limit):
        try:
            with session.begin_nested():
                made.append(create_parcel_for_order(session, order.id, now=now))
        except Conflict:
            continue
    return made


def receive_inbound(
    session: Session,
    hub: LogisticsNode,
    body: InboundParcelCreate,
    *,
    now: datetime,
    settings: Settings,
    actor_id: int | None,
) -> Parcel:
    """A carrier's parcel for a villager arrives at the hub (idempotent on the carrier's
    tracking number)."""
    carrier = network.carrier_by_code(session, body.carrier_code)
    if carrier.id not in {c.id for c in network.carriers_at(session, hub)}:
        raise Invalid(
            "carrier_not_at_hub",
            "该快递公司不在本县中心交接",
            "This carrier does not serve this hub",
        )
    existing = session.scalars(
        select(Parcel).where(
            Parcel.carrier_id == carrier.id,
            Parcel.carrier_tracking_number == body.carrier_tracking_number,
        )
    ).first()
    if existing is not None:
        return existing
    destination = network.get_node(session, body.destination_node_id)
    if destination.county_code != hub.county_code or destination.kind == "hub":
        raise Invalid(
            "destination_not_in_county",
            "目的站点必须是本县的乡镇站或村服务点",
            "The destination must be a township station or village point of this county",
        )
    parcel = _new_parcel(
        session,
        direction="down",
        status="created",
        order_id=None,
        store_id=None,
        carrier_id=carrier.id,
        carrier_tracking_number=body.carrier_tracking_number,
        county_code=hub.county_code,
        hub_id=hub.id,
        origin_node_id=hub.id,
        destination_node_id=destination.id,
        current_node_id=None,
        origin_region_code=body.origin_region_code,
        destination_region_code=destination.region_code,
        sender_name=body.sender_name,
        sender_mobile=body.sender_mobile,
        recipient_name=body.recipient_name,
        recipient_mobile=body.recipient_mobile,
        weight_g=body.weight_g,
        volume_ml=body.volume_ml,
        cold=body.cold,
        deadline_at=body.deadline_at,
        paid_at=None,
        created_at=now,
        updated_at=now,
    )
    tracking.scan(
        session,
        parcel,
        event="received_from_carrier",
        node_id=hub.id,
        at=now,
        now=now,
        settings=settings,
        actor_id=actor_id,
    )
    return parcel


def hand_to_carrier(
    session: Session,
    parcel: Parcel,
    *,
    carriers: CarrierRegistry,
    now: datetime,
    settings: Settings,
    actor_id: int | None,
) -> Parcel:
    """Book the parcel with its carrier and hand it over at the hub; the order becomes
    shipped with our tracking number. A carrier failure → 503 and nothing changes."""
    if parcel.direction != "up":
        raise Invalid(
            "not_upward", "只有上行包裹交给快递公司", "Only upward parcels go to a carrier"
        )
    rules.next_status(parcel.status, "handed_to_carrier")  # 409 before calling the carrier
    if parcel.current_node_id != parcel.hub_id:
        raise Conflict(
            "parcel_not_at_hub", "包裹还没有到达县中心", "The parcel has not reached the county hub"
        )
    carrier = network.get_carrier(session, parcel.carrier_id)
    booking = carriers.get(carrier.code).book(
        Consignment(
            parcel_tracking_number=parcel.tracking_number,
            weight_g=parcel.weight_g,
            volume_ml=parcel.volume_ml,
            cold=parcel.cold,
            destination_region_code=parcel.destination_region_code,
            recipient_masked=mask_name(parcel.recipient_name),
            recipient_mobile_masked=mask_mobile(parcel.recipient_mobile),
        )
    )
    parcel.carrier_tracking_number = booking.carrier_tracking_number
    tracking.scan(
        session,
        parcel,
        event="handed_to_carrier",
        node_id=parcel.hub_id,
        at=now,
        now=now,
        settings=settings,
        actor_id=actor_id,
    )
    if parcel.order_id is not None:
        order = session.get(Order, parcel.order_id)
        store = session.get(Store, parcel.store_id) if parcel.store_id else None
        if order is not None and store is not None and order.status == OrderStatus.PAID:
            orders_service.ship(
                session,
                order_id=order.id,
                user_id=store.owner_id,
                roles={"seller"},
                tracking_number=parcel.tracking_number,
                now=now,
            )
    return parcel


def get_parcel(session: Session, parcel_id: int) -> Parcel:
    parcel = session.get(Parcel, parcel_id)
    if parcel is None:
        raise NotFound("parcel_not_found", "包裹不存在", "No such parcel")
    return parcel
