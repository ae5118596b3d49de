"""Who may act on parcels, and what staff see of them (always masked: couriers, drivers and
station keepers see 张* and 138****1234 — the personal data is the buyer's, not theirs)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.kit.errors import Forbidden
from shanhuo.kit.masking import mask_mobile, mask_name
from shanhuo.logistics import network
from shanhuo.logistics.schemas import ParcelRead
from shanhuo.models import Carrier, LogisticsNode, Order, Parcel, Store, Vehicle


def drives_for_hub(session: Session, hub_id: int, user_id: int) -> bool:
    return (
        session.scalars(
            select(Vehicle.id).where(
                Vehicle.hub_id == hub_id, Vehicle.driver_id == user_id, Vehicle.active.is_(True)
            )
        ).first()
        is not None
    )


def require_scanner(
    session: Session,
    parcel: Parcel,
    node: LogisticsNode | None,
    *,
    user_id: int,
    roles: Iterable[str],
) -> None:
    """A scan at a node: its keeper, the hub operator, an admin, or a driver of the parcel's
    hub. A scan without a node (outside the network): the hub operator or an admin."""
    roles = set(roles)
    hub = network.get_node(session, parcel.hub_id)
    if network.is_hub_operator(hub, user_id=user_id, roles=roles):
        return
    if node is not None and (
        network.may_keep(session, node, user_id=user_id, roles=roles)
        or drives_for_hub(session, hub.id, user_id)
    ):
        return
    raise Forbidden("scan_not_allowed", "你无权扫描这个包裹", "You may not scan this parcel")


def require_seller_of_order(
    session: Session, order: Order, *, user_id: int, roles: Iterable[str]
) -> None:
    store = session.get(Store, order.store_id)
    if "admin" in set(roles) or (store is not None and store.owner_id == user_id):
        return
    raise Forbidden(
        "not_order_seller", "只有该订单的卖家可以交寄", "Only this order's seller may hand it over"
    )


def staff_view(session: Session, parcel: Parcel) -> ParcelRead:
    carrier = session.get(Carrier, parcel.carrier_id)
    return ParcelRead(
        id=parcel.id,
        tracking_number=parcel.tracking_number,
        direction=parcel.direction,
        status=parcel.status,
        order_id=parcel.order_id,
        carrier=carrier.name if carrier else "",
        carrier_tracking_number=parcel.carrier_tracking_number,
        recipient_name=mask_name(parcel.recipient_name),
        recipient_mobile=mask_mobile(parcel.recipient_mobile),
        weight_g=parcel.weight_g,
        volume_ml=parcel.volume_ml,
        cold=parcel.cold,
        deadline_at=parcel.deadline_at,
        current_node_id=parcel.current_node_id,
        destination_node_id=parcel.destination_node_id,
        origin_node_id=parcel.origin_node_id,
    )
