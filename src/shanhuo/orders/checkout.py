"""Checkout: one buyer request becomes one order per store and one checkout paid once.

All or nothing: the checkout, its orders, their lines, the stock holds and the removal of the
cart lines happen inside one savepoint; any refusal (an unknown SKU, a closed store, a SKU
that cannot be reserved) rolls all of it back.

Idempotency: ``(buyer_id, idempotency_key)`` is unique. A retry with the same key and the same
body gets the first checkout back (and creates nothing); the same key with another body is
refused. Two concurrent requests with one key race on the unique index — the loser's insert
waits for the winner to commit, fails, and the loser answers with the winner's checkout.
A replay is answered before any coupon is checked, so the claims the first request used
do not make its retry fail.

Coupons: live-room coupon claims (at most one per store order) lower that order's total;
each is marked used by a guarded UPDATE inside the same savepoint (see ``coupons``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shanhuo.kit.errors import Invalid
from shanhuo.models import Checkout, Order, OrderEvent, OrderLine, Region
from shanhuo.orders import coupons, rules, stock
from shanhuo.orders.cart import ensure_buyable, items_of, load_offers, remove_skus, unknown_sku
from shanhuo.orders.schemas import CheckoutCreate

SHIPPABLE_LEVELS = ("county", "township", "village")


@dataclass
class CheckoutResult:
    checkout: Checkout
    orders: list[Order]
    created: bool


def canonical_request(request: CheckoutCreate) -> dict[str, object]:
    """The body as it is fingerprinted: normalised fields, explicit lines merged and sorted."""
    body = request.model_dump(mode="json")
    if request.coupon_claim_ids:
        body["coupon_claim_ids"] = sorted(request.coupon_claim_ids)
    else:  # a body without coupons fingerprints as it did before coupons existed
        del body["coupon_claim_ids"]
    if request.lines is not None:
        merged = rules.merge_lines((line.sku_id, line.quantity) for line in request.lines)
        body["lines"] = [{"sku_id": s, "quantity": q} for s, q in sorted(merged.items())]
    return body


def find_checkout(session: Session, *, buyer_id: int, idempotency_key: str) -> Checkout | None:
    return session.scalars(
        select(Checkout).where(
            Checkout.buyer_id == buyer_id, Checkout.idempotency_key == idempotency_key
        )
    ).one_or_none()


def orders_of_checkout(session: Session, checkout_id: int) -> list[Order]:
    return list(
        session.scalars(select(Order).where(Order.checkout_id == checkout_id).order_by(Order.id))
    )


def _replay(session: Session, checkout: Checkout, fingerprint: str) -> CheckoutResult:
    if checkout.request_fingerprint != fingerprint:
        raise Invalid(
            "idempotency_key_reused",
            "该 Idempotency-Key 已用于另一个不同的请求",
            "This Idempotency-Key was already used for a different request",
        )
    return CheckoutResult(checkout, orders_of_checkout(session, checkout.id), created=False)


def _check_region(session: Session, code: str) -> None:
    region = session.get(Region, code)
    if region is None or region.level not in SHIPPABLE_LEVELS:
        raise Invalid(
            "unknown_region",
            f"收货地区代码不存在或不是区县/乡镇/村：{code}",
            f"Unknown ship-to region (a county, township or village code is needed): {code}",
            region_code=code,
        )


def _requested_quantities(
    session: Session, *, buyer_id: int, request: CheckoutCreate
) -> dict[int, int]:
    if request.lines is not None:
        merged = rules.merge_lines((line.sku_id, line.quantity) for line in request.lines)
    else:
        merged = {item.sku_id: item.quantity for item in items_of(session, buyer_id)}
        if not merged:
            raise Invalid("cart_empty", "购物车是空的", "The cart is empty")
    for sku_id, quantity in merged.items():
        if quantity > rules.MAX_LINE_QUANTITY:
            raise Invalid(
                "quantity_out_of_range",
                f"每个规格最多购买 {rules.MAX_LINE_QUANTITY} 件",
                f"At most {rules.MAX_LINE_QUANTITY} of one SKU per checkout",
                sku_id=sku_id,
            )
    return merged


def place_checkout(
    session: Session,
    *,
    buyer_id: int,
    idempotency_key: str | None,
    request: CheckoutCreate,
    now: datetime,
    timeout_minutes: int,
) -> CheckoutResult:
    """Place the checkout, or return the one this key already placed (``created`` False)."""
    key = rules.check_idempotency_key(idempotency_key)
    fingerprint = rules.request_fingerprint(canonical_request(request))
    existing = find_checkout(session, buyer_id=buyer_id, idempotency_key=key)
    if existing is not None:
        return _replay(session, existing, fingerprint)

    _check_region(session, request.region_code)
    quantities = _requested_quantities(session, buyer_id=buyer_id, request=request)
    offers = load_offers(session, list(quantities))
    for sku_id in sorted(quantities):
        if sku_id not in offers:
            raise unknown_sku(sku_id)
        ensure_buyable(offers[sku_id])

    priced = [
        rules.PricedLine(
            store_id=offers[s].store.id,
            sku_id=s,
            unit_price_fen=offers[s].sku.price_fen,
            quantity=q,
        )
        for s, q in quantities.items()
    ]
    by_store = rules.split_by_store(priced)
    applied = rules.assign_coupons(
        request.coupon_claim_ids,
        coupons.claim_terms(session, request.coupon_claim_ids),
        buyer_id=buyer_id,
        items_by_store={s: rules.order_total(lines)[0] for s, lines in by_store.items()},
        now=now,
    )
    expires_at = now + timedelta(minutes=timeout_minutes)
    try:
        with session.begin_nested():
            checkout = Checkout(
                buyer_id=buyer_id,
                idempotency_key=key,
                request_fingerprint=fingerprint,
                total_fen=0,
                status=rules.OrderStatus.PENDING_PAYMENT,
                created_at=now,
                expires_at=expires_at,
            )
            session.add(checkout)
            session.flush()  # the unique (buyer_id, idempotency_key) decides a race here
            stock.reserve(session, quantities)
            orders = []
            for store_id, lines in by_store.items():
                items_fen, total_fen = rules.order_total(lines)
                coupon = applied.get(store_id)
                discount_fen = coupon.discount_fen if coupon else 0
                order = Order(
                    checkout_id=checkout.id,
                    buyer_id=buyer_id,
                    store_id=store_id,
                    status=rules.OrderStatus.PENDING_PAYMENT,
                    items_fen=items_fen,
                    shipping_fen=0,
                    discount_fen=discount_fen,
                    total_fen=total_fen - discount_fen,
                    refunded_fen=0,
                    recipient_name=request.recipient_name,
                    recipient_mobile=request.recipient_mobile,
                    ship_to_region_code=request.region_code,
                    ship_to_address=request.address,
                    created_at=now,
                    expires_at=expires_at,
                )
                session.add(order)
                session.flush()
                if coupon is not None:
                    coupons.use_claim(session, claim_id=coupon.claim_id, order_id=order.id, now=now)
                for line in lines:
                    offer = offers[line.sku_id]
                    session.add(
                        OrderLine(
                            order_id=order.id,
                            sku_id=line.sku_id,
                            product_id=offer.product.id,
                            title=offer.product.title,
                            sku_name=offer.sku.name,
                            unit_price_fen=line.unit_price_fen,
                            quantity=line.quantity,
                            line_fen=line.line_fen,
                        )
                    )
                session.add(
                    OrderEvent(
                        order_id=order.id,
                        from_status=None,
                        to_status=rules.OrderStatus.PENDING_PAYMENT,
                        actor_id=buyer_id,
                        note="",
                        at=now,
                    )
                )
                orders.append(order)
            checkout.total_fen = sum(o.total_fen for o in orders)
            if request.from_cart:
                remove_skus(session, user_id=buyer_id, sku_ids=list(quantities))
            session.flush()
    except IntegrityError:
        winner = find_checkout(session, buyer_id=buyer_id, idempotency_key=key)
        if winner is None:
            raise
        return _replay(session, winner, fingerprint)
    return CheckoutResult(checkout, orders, created=True)
