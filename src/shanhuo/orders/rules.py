"""Pure order rules: the state machine, who may move an order, what each move does to stock,
the cart's quantity cap, the fingerprint of a checkout request and which live-room coupon
claims a checkout may use. No I/O.

The state machine is a table, so every (from, to) pair is either in it or refused, and the
unit tests walk every pair.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import orjson

from shanhuo.kit.errors import BadRequest, Conflict, Forbidden, Invalid, NotFound
from shanhuo.kit.money import format_fen

MAX_LINE_QUANTITY = 999
IDEMPOTENCY_KEY_MAX = 80
MAX_COUPONS_PER_CHECKOUT = 20
REFUND_WINDOW = timedelta(days=7)
"""A delivered order may be refunded (without restocking) for this long after delivery."""


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class Actor(StrEnum):
    """Who moves an order, relative to that order."""

    BUYER = "buyer"  # the person who placed it
    SELLER = "seller"  # the owner of the store it was placed with
    SYSTEM = "system"  # payment callbacks, the timeout sweeper
    ADMIN = "admin"  # a platform administrator


class StockEffect(StrEnum):
    """What a transition does to the SKU rows of the order's lines."""

    NONE = "none"
    SELL = "sell"  # on_hand -= q, reserved -= q (reserved stock leaves the shelf)
    RELEASE = "release"  # reserved -= q (the hold is given back)
    RESTOCK = "restock"  # on_hand += q (paid goods that never left come back)


@dataclass(frozen=True)
class Transition:
    source: OrderStatus
    target: OrderStatus
    actors: frozenset[Actor]
    stock: StockEffect
    timestamp_field: str


S = OrderStatus
A = Actor

TRANSITIONS: dict[tuple[OrderStatus, OrderStatus], Transition] = {
    (t.source, t.target): t
    for t in (
        Transition(S.PENDING_PAYMENT, S.PAID, frozenset({A.SYSTEM}), StockEffect.SELL, "paid_at"),
        Transition(
            S.PENDING_PAYMENT,
            S.CANCELLED,
            frozenset({A.BUYER, A.SYSTEM}),
            StockEffect.RELEASE,
            "cancelled_at",
        ),
        Transition(S.PAID, S.SHIPPED, frozenset({A.SELLER}), StockEffect.NONE, "shipped_at"),
        Transition(
            S.PAID, S.REFUNDED, frozenset({A.SELLER, A.ADMIN}), StockEffect.RESTOCK, "refunded_at"
        ),
        Transition(
            S.SHIPPED,
            S.DELIVERED,
            frozenset({A.SELLER, A.SYSTEM}),
            StockEffect.NONE,
            "delivered_at",
        ),
        Transition(
            S.DELIVERED,
            S.COMPLETED,
            frozenset({A.BUYER, A.SYSTEM}),
            StockEffect.NONE,
            "completed_at",
        ),
        Transition(
            S.DELIVERED,
            S.REFUNDED,
            frozenset({A.SELLER, A.ADMIN}),
            StockEffect.NONE,
            "refunded_at",
        ),
    )
}

STATUS_NAMES: dict[str, tuple[str, str]] = {
    S.PENDING_PAYMENT: ("待付款", "Awaiting payment"),
    S.PAID: ("待发货", "Paid, to ship"),
    S.SHIPPED: ("已发货", "Shipped"),
    S.DELIVERED: ("已送达", "Delivered"),
    S.COMPLETED: ("已完成", "Completed"),
    S.CANCELLED: ("已取消", "Cancelled"),
    S.REFUNDED: ("已退款", "Refunded"),
}


def plan_transition(
    current: str,
    target: str,
    actors: Iterable[Actor],
    *,
    now: datetime | None = None,
    delivered_at: datetime | None = None,
) -> Transition:
    """The transition from ``current`` to ``target`` if ``actors`` may make it, else an error.

    409 ``order_transition_not_allowed`` for a pair not in the table (shipping an unpaid order,
    cancelling a paid one); 403 ``order_actor_not_allowed`` when the pair exists but none of
    the actor's capacities may make it; 409 ``refund_window_closed`` for a delivered order past
    the refund window."""
    transition = TRANSITIONS.get((OrderStatus(current), OrderStatus(target)))
    if transition is None:
        raise Conflict(
            "order_transition_not_allowed",
            f"订单当前为「{STATUS_NAMES[current][0]}」，不能变为「{STATUS_NAMES[target][0]}」",
            f"An order that is {current} cannot become {target}",
            current=current,
            target=target,
        )
    if not transition.actors.intersection(actors):
        raise Forbidden(
            "order_actor_not_allowed",
            "你无权对该订单执行此操作",
            f"You may not move this order from {current} to {target}",
        )
    if (
        transition.source == S.DELIVERED
        and transition.target == S.REFUNDED
        and not within_refund_window(delivered_at, now)
    ):
        raise Conflict(
            "refund_window_closed",
            f"已超过收货后 {REFUND_WINDOW.days} 天的退款期限",
            f"The refund window of {REFUND_WINDOW.days} days after delivery has closed",
        )
    return transition


def within_refund_window(delivered_at: datetime | None, now: datetime | None) -> bool:
    if delivered_at is None or now is None:
        return False
    return now - delivered_at <= REFUND_WINDOW


def add_to_cart_quantity(existing: int, added: int) -> int:
    """Adding a SKU that is already in the cart adds up, capped at the per-line maximum."""
    return min(existing + added, MAX_LINE_QUANTITY)


def merge_lines(lines: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Explicit checkout lines naming one SKU twice become one line (quantities added)."""
    merged: dict[int, int] = {}
    for sku_id, quantity in lines:
        merged[sku_id] = merged.get(sku_id, 0) + quantity
    return merged


def canonical_json(body: Mapping[str, Any]) -> str:
    """One spelling of a JSON body: sorted keys, no spaces, UTF-8 kept as is. Written by
    orjson (a flash deal fingerprints every order of a burst); the same text as
    ``json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``, so
    fingerprints stored before stay valid (unit-tested)."""
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS).decode()


def request_fingerprint(body: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical body: a retry with the same key must carry the same request."""
    return hashlib.sha256(canonical_json(body).encode()).hexdigest()


@dataclass(frozen=True)
class PricedLine:
    store_id: int
    sku_id: int
    unit_price_fen: int
    quantity: int

    @property
    def line_fen(self) -> int:
        return self.unit_price_fen * self.quantity


def split_by_store(lines: Iterable[PricedLine]) -> dict[int, list[PricedLine]]:
    """One order per store, stores in id order, each store's lines in SKU id order."""
    grouped: dict[int, list[PricedLine]] = {}
    for line in sorted(lines, key=lambda x: (x.store_id, x.sku_id)):
        grouped.setdefault(line.store_id, []).append(line)
    return grouped


def order_total(lines: Iterable[PricedLine], shipping_fen: int = 0) -> tuple[int, int]:
    """(items_fen, total_fen) of one store's order."""
    items = sum(line.line_fen for line in lines)
    return items, items + shipping_fen


def check_idempotency_key(key: str | None) -> str:
    """A checkout must carry an Idempotency-Key header of 1–80 printable characters."""
    key = (key or "").strip()
    if not key:
        raise BadRequest(
            "idempotency_key_required",
            "缺少 Idempotency-Key 请求头",
            "The Idempotency-Key header is required",
        )
    if len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
        raise BadRequest(
            "idempotency_key_invalid",
            f"Idempotency-Key 须为不超过 {IDEMPOTENCY_KEY_MAX} 个可打印字符",
            f"The Idempotency-Key must be at most {IDEMPOTENCY_KEY_MAX} printable characters",
        )
    return key


# Coupons ------------------------------------------------------------------------------------


def coupon_discount(*, items_fen: int, amount_off_fen: int, min_spend_fen: int) -> int:
    """Discount of one coupon on an order of ``items_fen``; 0 if the order is too small.
    Never more than the items, so an order total stays >= 0."""
    if items_fen < min_spend_fen:
        return 0
    return min(amount_off_fen, items_fen)


def order_discount(
    *, items_fen: int, shipping_fen: int, amount_off_fen: int, min_spend_fen: int
) -> int:
    """The coupon's discount on a marketplace order, leaving at least 1 fen to pay.

    Why not down to 0: a zero-total order would be "paid" by a zero payment that no bank
    takes, and could never be refunded (a refund must be more than 0). 0 when the items do not
    reach the minimum spend."""
    discount = coupon_discount(
        items_fen=items_fen, amount_off_fen=amount_off_fen, min_spend_fen=min_spend_fen
    )
    return max(0, min(discount, items_fen + shipping_fen - 1))


@dataclass(frozen=True)
class ClaimTerms:
    """A coupon claim as the checkout sees it: whose, whether used, and its coupon's terms."""

    claim_id: int
    buyer_id: int
    order_id: int | None
    store_id: int
    amount_off_fen: int
    min_spend_fen: int
    use_until: datetime


@dataclass(frozen=True)
class AppliedCoupon:
    claim_id: int
    discount_fen: int


def claim_usable(terms: ClaimTerms, *, buyer_id: int, now: datetime) -> bool:
    """The buyer's own, unused and not expired (the store and minimum spend are per order)."""
    return terms.buyer_id == buyer_id and terms.order_id is None and now < terms.use_until


def claim_not_found(claim_id: int) -> NotFound:
    return NotFound(
        "coupon_claim_not_found",
        f"没有找到你领取的这张优惠券（{claim_id}）",
        f"You have no coupon claim {claim_id}",
        claim_id=claim_id,
    )


def claim_used(claim_id: int) -> Conflict:
    return Conflict(
        "coupon_claim_used",
        "这张优惠券已经用过了",
        "This coupon has already been used",
        claim_id=claim_id,
    )


def assign_coupons(
    claim_ids: Sequence[int],
    found: Mapping[int, ClaimTerms],
    *,
    buyer_id: int,
    items_by_store: Mapping[int, int],
    shipping_by_store: Mapping[int, int] | None = None,
    now: datetime,
) -> dict[int, AppliedCoupon]:
    """Store id → the coupon its order uses, or the first refusal (nothing is applied then).

    Each requested claim must exist and be the buyer's (someone else's claim is "not found",
    as for orders), be unused and not expired, belong to a store this checkout orders from, be
    the only claim for that store's order, and the order's items must reach the minimum spend:
    a coupon that would take nothing off is refused rather than silently dropped."""
    shipping_by_store = shipping_by_store or {}
    seen: set[int] = set()
    applied: dict[int, AppliedCoupon] = {}
    for claim_id in claim_ids:
        if claim_id in seen:
            raise Invalid(
                "coupon_claim_repeated",
                "同一张优惠券只能填一次",
                "The same coupon claim was given twice",
                claim_id=claim_id,
            )
        seen.add(claim_id)
        terms = found.get(claim_id)
        if terms is None or terms.buyer_id != buyer_id:
            raise claim_not_found(claim_id)
        if terms.order_id is not None:
            raise claim_used(claim_id)
        if now >= terms.use_until:
            raise Conflict(
                "coupon_expired",
                "这张优惠券已过期",
                "This coupon has expired",
                claim_id=claim_id,
            )
        if terms.store_id not in items_by_store:
            raise Invalid(
                "coupon_wrong_store",
                "这张优惠券只能用于发券店铺的商品，本次结算没有该店铺的订单",
                "This coupon is for another store: no order in this checkout is from it",
                claim_id=claim_id,
                store_id=terms.store_id,
            )
        if terms.store_id in applied:
            raise Invalid(
                "coupon_one_per_order",
                "每个店铺的订单最多使用一张优惠券",
                "At most one coupon per store order",
                claim_id=claim_id,
                store_id=terms.store_id,
            )
        items_fen = items_by_store[terms.store_id]
        discount = order_discount(
            items_fen=items_fen,
            shipping_fen=shipping_by_store.get(terms.store_id, 0),
            amount_off_fen=terms.amount_off_fen,
            min_spend_fen=terms.min_spend_fen,
        )
        if discount <= 0:
            raise Invalid(
                "coupon_min_spend_not_met",
                f"该店铺订单商品金额 {format_fen(items_fen)} 未达到优惠券门槛 "
                f"{format_fen(terms.min_spend_fen)}",
                f"This store's items come to {format_fen(items_fen)}, below the coupon's "
                f"minimum spend of {format_fen(terms.min_spend_fen)}",
                claim_id=claim_id,
                items_fen=items_fen,
                min_spend_fen=terms.min_spend_fen,
            )
        applied[terms.store_id] = AppliedCoupon(claim_id, discount)
    return applied
