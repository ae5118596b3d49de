"""Orders: reading them (buyer, seller, admin), moving them through the state machine, and
releasing the stock of orders nobody paid for in time.

Every move is a compare-and-set on the order's status (``UPDATE ... WHERE status = :current``),
so a payment callback and the timeout sweeper racing for the same order cannot both win.
Payments (a higher domain) calls ``mark_paid`` and ``refund`` here; it owns the money side.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from shanhuo.kit.db import rowcount
from shanhuo.kit.errors import Conflict, Invalid, NotFound
from shanhuo.kit.ids import order_number
from shanhuo.models import Checkout, Order, OrderEvent, OrderLine, Store
from shanhuo.orders import coupons, rules, stock
from shanhuo.orders.rules import Actor, OrderStatus
from shanhuo.orders.schemas import OrderEventRead, OrderLineRead, OrderPage, OrderRead


def order_not_found(order_id: int) -> NotFound:
    return NotFound("order_not_found", "订单不存在", "No such order", order_id=order_id)


def actors_for(order: Order, store: Store, *, user_id: int, roles: Iterable[str]) -> set[Actor]:
    """In which capacities ``user_id`` stands to ``order`` (none → they may not see it)."""
    actors: set[Actor] = set()
    if order.buyer_id == user_id:
        actors.add(Actor.BUYER)
    if store.owner_id == user_id:
        actors.add(Actor.SELLER)
    if "admin" in roles:
        actors.add(Actor.ADMIN)
    return actors


def get_order_for(
    session: Session, *, order_id: int, user_id: int, roles: Iterable[str]
) -> tuple[Order, set[Actor]]:
    """The order as ``user_id`` may see it: its buyer, its store's seller or an admin; anyone
    else gets 404 (not 403), so order ids reveal nothing."""
    row = session.execute(
        select(Order, Store).join(Store, Store.id == Order.store_id).where(Order.id == order_id)
    ).one_or_none()
    if row is None:
        raise order_not_found(order_id)
    order, store = row
    actors = actors_for(order, store, user_id=user_id, roles=roles)
    if not actors:
        raise order_not_found(order_id)
    return order, actors


def line_quantities(session: Session, order_id: int) -> dict[int, int]:
    quantities: dict[int, int] = {}
    for sku_id, quantity in session.execute(
        select(OrderLine.sku_id, OrderLine.quantity).where(OrderLine.order_id == order_id)
    ):
        quantities[sku_id] = quantities.get(sku_id, 0) + quantity
    return quantities


def _compare_and_set(
    session: Session, order: Order, transition: rules.Transition, now: datetime, **extra: object
) -> bool:
    values: dict[str, object] = {
        "status": transition.target.value,
        transition.timestamp_field: now,
        **extra,
    }
    result = session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == transition.source.value)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        return False
    for name, value in values.items():
        set_committed_value(order, name, value)
    return True


def transition(
    session: Session,
    order: Order,
    target: OrderStatus,
    *,
    actors: Iterable[Actor],
    actor_id: int | None,
    now: datetime,
    note: str = "",
    **extra: object,
) -> rules.Transition:
    """Move ``order`` to ``target``: check the rules, set status and timestamp, apply the stock
    effect, write the event. A concurrent change of the same order → 409."""
    plan = rules.plan_transition(
        order.status, target, actors, now=now, delivered_at=order.delivered_at
    )
    if not _compare_and_set(session, order, plan, now, **extra):
        session.refresh(order)
        raise Conflict(
            "order_changed",
            "订单状态刚刚发生了变化，请刷新后再试",
            "The order changed meanwhile; reload and try again",
            status_now=order.status,
        )
    _record_move(session, order, plan, actor_id=actor_id, note=note, now=now)
    return plan


def _record_move(
    session: Session,
    order: Order,
    plan: rules.Transition,
    *,
    actor_id: int | None,
    note: str,
    now: datetime,
) -> None:
    """What every move does once its status is set: the stock effect, a coupon claim given
    back if an unpaid order is cancelled (the buyer paid nothing for it), the event."""
    stock.apply(session, plan.stock, line_quantities(session, order.id))
    if plan.target is OrderStatus.CANCELLED and plan.source is OrderStatus.PENDING_PAYMENT:
        coupons.release_claims(session, order.id)
    session.add(
        OrderEvent(
            order_id=order.id,
            from_status=plan.source.value,
            to_status=plan.target.value,
            actor_id=actor_id,
            note=note[:200],
            at=now,
        )
    )
    session.flush()


def _sync_checkout_status(session: Session, checkout_id: int) -> None:
    """A checkout is cancelled once none of its orders is awaiting payment or beyond."""
    statuses = set(session.scalars(select(Order.status).where(Order.checkout_id == checkout_id)))
    if statuses == {OrderStatus.CANCELLED.value}:
        session.execute(
            update(Checkout)
            .where(Checkout.id == checkout_id, Checkout.status == "pending_payment")
            .values(status="cancelled")
        )


def cancel(
    session: Session, *, order_id: int, user_id: int, roles: Iterable[str], now: datetime
) -> list[Order]:
    """The buyer cancels an unpaid order. Rule: the orders of one checkout share one payment,
    so cancelling one cancels every unpaid order of that checkout (the payment amount always
    equals the sum of its orders)."""
    order, actors = get_order_for(session, order_id=order_id, user_id=user_id, roles=roles)
    siblings = [
        o
        for o in session.scalars(
            select(Order).where(Order.checkout_id == order.checkout_id).order_by(Order.id)
        )
        if o.id == order.id or o.status == OrderStatus.PENDING_PAYMENT
    ]
    for each in siblings:
        transition(session, each, OrderStatus.CANCELLED, actors=actors, actor_id=user_id, now=now)
    _sync_checkout_status(session, order.checkout_id)
    return siblings


def ship(
    session: Session,
    *,
    order_id: int,
    user_id: int,
    roles: Iterable[str],
    tracking_number: str,
    now: datetime,
) -> Order:
    order, actors = get_order_for(session, order_id=order_id, user_id=user_id, roles=roles)
    transition(
        session,
        order,
        OrderStatus.SHIPPED,
        actors=actors,
        actor_id=user_id,
        now=now,
        note=tracking_number,
        tracking_number=tracking_number,
    )
    return order


def deliver(
    session: Session, *, order_id: int, user_id: int, roles: Iterable[str], now: datetime
) -> Order:
    order, actors = get_order_for(session, order_id=order_id, user_id=user_id, roles=roles)
    transition(session, order, OrderStatus.DELIVERED, actors=actors, actor_id=user_id, now=now)
    return order


def complete(
    session: Session, *, order_id: int, user_id: int, roles: Iterable[str], now: datetime
) -> Order:
    """The buyer confirms receipt. Payments wraps this to settle the seller's money."""
    order, actors = get_order_for(session, order_id=order_id, user_id=user_id, roles=roles)
    transition(session, order, OrderStatus.COMPLETED, actors=actors, actor_id=user_id, now=now)
    return order


def refund(
    session: Session,
    order: Order,
    *,
    actors: Iterable[Actor],
    actor_id: int | None,
    amount_fen: int,
    reason: str,
    now: datetime,
) -> rules.Transition:
    """The order side of a refund (status, restock of paid-not-shipped goods, event). Only
    payments calls this, after it has the provider's refund in hand."""
    return transition(
        session,
        order,
        OrderStatus.REFUNDED,
        actors=actors,
        actor_id=actor_id,
        now=now,
        note=reason,
        refunded_fen=amount_fen,
    )


def mark_paid(session: Session, order: Order, *, now: datetime) -> bool:
    """pending_payment → paid (stock sold) by the system on a verified payment. Returns False,
    changing nothing, when the order is no longer awaiting payment (e.g. timed out)."""
    if order.status != OrderStatus.PENDING_PAYMENT:
        return False
    plan = rules.plan_transition(order.status, OrderStatus.PAID, {Actor.SYSTEM})
    if not _compare_and_set(session, order, plan, now):
        session.refresh(order)
        return False
    _record_move(session, order, plan, actor_id=None, note="payment", now=now)
    return True


def record_refund_of_cancelled(
    session: Session, order: Order, *, amount_fen: int, now: datetime
) -> None:
    """Money arrived for an order that had already been cancelled: payments refunded it; the
    order stays cancelled and its history says so."""
    session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == OrderStatus.CANCELLED.value)
        .values(refunded_fen=amount_fen, refunded_at=now)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(order, "refunded_fen", amount_fen)
    set_committed_value(order, "refunded_at", now)
    session.add(
        OrderEvent(
            order_id=order.id,
            from_status=order.status,
            to_status=order.status,
            actor_id=None,
            note="late_payment_refunded",
            at=now,
        )
    )
    session.flush()


def expire_checkout(session: Session, checkout_id: int, *, now: datetime) -> int:
    """Cancel every still-unpaid order of one checkout (payment timed out); returns how many."""
    expired = 0
    for order in session.scalars(
        select(Order)
        .where(Order.checkout_id == checkout_id, Order.status == OrderStatus.PENDING_PAYMENT)
        .order_by(Order.id)
    ):
        expired += _expire_one(session, order, now=now)
    _sync_checkout_status(session, checkout_id)
    return expired


def _expire_one(session: Session, order: Order, *, now: datetime) -> int:
    plan = rules.plan_transition(order.status, OrderStatus.CANCELLED, {Actor.SYSTEM})
    if not _compare_and_set(session, order, plan, now):
        return 0  # paid or cancelled by someone else meanwhile
    _record_move(session, order, plan, actor_id=None, note="payment_timeout", now=now)
    return 1


def expire_unpaid(session: Session, *, now: datetime, limit: int = 500) -> int:
    """Cancel orders whose payment window has passed and release their stock; returns how many
    orders were cancelled. Safe to run from several places at once (compare-and-set)."""
    orders = list(
        session.scalars(
            select(Order)
            .where(Order.status == OrderStatus.PENDING_PAYMENT, Order.expires_at <= now)
            .order_by(Order.id)
            .limit(limit)
        )
    )
    expired = sum(_expire_one(session, order, now=now) for order in orders)
    for checkout_id in sorted({o.checkout_id for o in orders}):
        _sync_checkout_status(session, checkout_id)
    return expired


# Reading ------------------------------------------------------------------------------------


def to_read(session: Session, orders: list[Order], *, detail: bool = True) -> list[OrderRead]:
    ids = [o.id for o in orders]
    lines: dict[int, list[OrderLineRead]] = {i: [] for i in ids}
    events: dict[int, list[OrderEventRead]] = {i: [] for i in ids}
    if ids:
        for line in session.scalars(
            select(OrderLine).where(OrderLine.order_id.in_(ids)).order_by(OrderLine.id)
        ):
            lines[line.order_id].append(OrderLineRead.model_validate(line))
        if detail:
            for event in session.scalars(
                select(OrderEvent)
                .where(OrderEvent.order_id.in_(ids))
                .order_by(OrderEvent.at, OrderEvent.id)
            ):
                events[event.order_id].append(OrderEventRead.model_validate(event))
    return [
        OrderRead.model_validate(
            {
                **{c.key: getattr(o, c.key) for c in Order.__table__.columns},
                "number": order_number(o.id, o.created_at),
                "lines": lines[o.id],
                "events": events[o.id],
            }
        )
        for o in orders
    ]


def list_for_buyer(
    session: Session, *, buyer_id: int, page: int, size: int, status: str | None = None
) -> OrderPage:
    query = select(Order).where(Order.buyer_id == buyer_id)
    if status:
        query = query.where(Order.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    orders = list(
        session.scalars(
            query.order_by(Order.created_at.desc(), Order.id.desc())
            .offset((page - 1) * size)
            .limit(size)
        )
    )
    return OrderPage(
        items=to_read(session, orders, detail=False), total=total, page=page, size=size
    )


def list_for_stores(
    session: Session,
    *,
    store_ids: list[int],
    statuses: Iterable[str] | None = None,
    page: int = 1,
    size: int = 50,
) -> OrderPage:
    query = select(Order).where(Order.store_id.in_(store_ids))
    wanted = [s for s in (statuses or []) if s]
    if wanted:
        query = query.where(Order.status.in_(wanted))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    orders = list(
        session.scalars(
            query.order_by(Order.created_at.desc(), Order.id.desc())
            .offset((page - 1) * size)
            .limit(size)
        )
    )
    return OrderPage(
        items=to_read(session, orders, detail=False), total=total, page=page, size=size
    )


def valid_status(status: str | None) -> str | None:
    if status is None or status == "":
        return None
    if status not in {s.value for s in OrderStatus}:
        raise Invalid("unknown_status", "未知的订单状态", f"Unknown order status: {status}")
    return status


def store_names(session: Session, store_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(store_ids))
    if not ids:
        return {}
    return dict(session.execute(select(Store.id, Store.name).where(Store.id.in_(ids))).all())
