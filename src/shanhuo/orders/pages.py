"""HTML pages for orders: each handler builds a context dict and renders a template.

Forms POST and answer 303. Paying, confirming receipt and refunding move money, so those
buttons post to routes in ``shanhuo.payments.pages``.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from shanhuo.accounts.deps import CurrentUser, Roles
from shanhuo.kit.deps import AppSettings, Db
from shanhuo.kit.errors import ShanhuoError
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import Checkout, Region, User
from shanhuo.orders import cart, checkout, coupons, service
from shanhuo.orders.rules import STATUS_NAMES, Actor, OrderStatus, order_discount
from shanhuo.orders.schemas import (
    CartItemCreate,
    CartItemUpdate,
    CartRead,
    CheckoutCreate,
    ShipIn,
)
from shanhuo.stores import service as stores_service
from shanhuo.web.render import STATIC_DIR, redirect, render

router = APIRouter(include_in_schema=False)

SELLER_DEFAULT_STATUSES = ("paid", "shipped")


def _validated(model: type[Any], **fields: Any) -> Any:
    """Form fields through the same pydantic schema the API uses (422 page when wrong)."""
    try:
        return model(**fields)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None


# Cart ---------------------------------------------------------------------------------------


@router.get("/cart")
def cart_page(request: Request, db: Db, user: CurrentUser) -> Response:
    return render(request, "orders/cart.html", {"cart": cart.get_cart(db, user_id=user.id)})


@router.post("/cart/items")
def cart_add(
    db: Db,
    user: CurrentUser,
    sku_id: Annotated[int, Form()],
    quantity: Annotated[int, Form()] = 1,
) -> Response:
    body = _validated(CartItemCreate, sku_id=sku_id, quantity=quantity)
    cart.add_item(db, user_id=user.id, sku_id=body.sku_id, quantity=body.quantity)
    db.commit()
    return redirect("/cart")


@router.post("/cart/items/{item_id}")
def cart_change(
    item_id: int,
    db: Db,
    user: CurrentUser,
    action: Annotated[str, Form()] = "update",
    quantity: Annotated[int | None, Form()] = None,
) -> Response:
    if action == "remove":
        cart.remove_item(db, user_id=user.id, item_id=item_id)
    else:
        body = _validated(CartItemUpdate, quantity=quantity)
        if body.quantity is not None:
            cart.update_item(db, user_id=user.id, item_id=item_id, quantity=body.quantity)
    db.commit()
    return redirect("/cart")


# Checkout -----------------------------------------------------------------------------------


def coupon_choices(
    db: Session, *, buyer_id: int, cart_read: CartRead, selected: set[int]
) -> tuple[dict[int, list[dict[str, Any]]], int]:
    """Per store, the buyer's usable claims as select options, and the discount of the
    selected ones (server-side preview; the checkout itself decides again)."""
    options = coupons.usable_claims(
        db, buyer_id=buyer_id, store_ids=[g.store_id for g in cart_read.stores], now=utcnow()
    )
    choices: dict[int, list[dict[str, Any]]] = {}
    discount_total = 0
    for group in cart_read.stores:
        choices[group.store_id] = []
        for option in options.get(group.store_id, []):
            discount = order_discount(
                items_fen=group.subtotal_fen,
                shipping_fen=0,
                amount_off_fen=option.amount_off_fen,
                min_spend_fen=option.min_spend_fen,
            )
            chosen = option.claim_id in selected and discount > 0
            discount_total += discount if chosen else 0
            choices[group.store_id].append(
                {"option": option, "discount_fen": discount, "selected": chosen}
            )
    return choices, discount_total


def checkout_context(
    db: Session,
    user: User,
    *,
    values: dict[str, str] | None = None,
    selected_claims: set[int] | None = None,
    idempotency_key: str | None = None,
    error: ShanhuoError | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    cart_read = cart.get_cart(db, user_id=user.id)
    choices, discount_fen = coupon_choices(
        db, buyer_id=user.id, cart_read=cart_read, selected=selected_claims or set()
    )
    return {
        "cart": cart_read,
        "coupons": choices,
        "discount_fen": discount_fen,
        "pay_fen": cart_read.total_fen - discount_fen,
        "values": values or {"recipient_mobile": user.mobile, "recipient_name": user.display_name},
        # Made when the form is rendered: a double click submits one key, so one checkout.
        "idempotency_key": idempotency_key or uuid.uuid4().hex,
        "error": error,
        "errors": errors or [],
        "region_picker": (STATIC_DIR / "region-picker.js").exists(),
    }


@router.get("/checkout")
def checkout_page(request: Request, db: Db, user: CurrentUser) -> Response:
    return render(request, "orders/checkout.html", checkout_context(db, user))


@router.post("/checkout")
def checkout_submit(
    request: Request,
    db: Db,
    user: CurrentUser,
    settings: AppSettings,
    idempotency_key: Annotated[str, Form()] = "",
    recipient_name: Annotated[str, Form()] = "",
    recipient_mobile: Annotated[str, Form()] = "",
    region_code: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
    coupon_claim_id: Annotated[list[str] | None, Form()] = None,
) -> Response:
    values = {
        "recipient_name": recipient_name,
        "recipient_mobile": recipient_mobile,
        "region_code": region_code,
        "address": address,
    }
    # One select per store; "" is "no coupon".
    claim_ids = [v.strip() for v in coupon_claim_id or [] if v.strip()]
    try:
        body = CheckoutCreate.model_validate(
            {**values, "from_cart": True, "coupon_claim_ids": claim_ids}
        )
        result = checkout.place_checkout(
            db,
            buyer_id=user.id,
            idempotency_key=idempotency_key,
            request=body,
            now=utcnow(),
            timeout_minutes=settings.payment_timeout_minutes,
        )
        db.commit()
    except (ValidationError, ShanhuoError) as exc:
        db.rollback()
        ctx = checkout_context(
            db,
            user,
            values=values,
            selected_claims={int(v) for v in claim_ids if v.isdigit()},
            idempotency_key=idempotency_key or None,
        )
        if isinstance(exc, ValidationError):
            ctx["errors"] = [".".join(str(p) for p in e["loc"]) for e in exc.errors()]
            status = 422
        else:
            ctx["error"] = exc
            status = exc.status
        return render(request, "orders/checkout.html", ctx, status_code=status)
    # 307 keeps the POST: the payments page creates (or reuses) the payment and sends the
    # buyer on to the provider.
    return RedirectResponse(f"/checkouts/{result.checkout.id}/pay", status_code=307)


# Buyer's orders -----------------------------------------------------------------------------


@router.get("/orders")
def orders_page(
    request: Request,
    db: Db,
    user: CurrentUser,
    status: str | None = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    paid: int | None = None,
) -> Response:
    wanted = service.valid_status(status)
    listing = service.list_for_buyer(db, buyer_id=user.id, page=page, size=20, status=wanted)
    banner = None
    if paid is not None:
        paid_checkout = db.get(Checkout, paid)
        if paid_checkout is not None and paid_checkout.buyer_id == user.id:
            banner = paid_checkout.status
    ctx = {
        "listing": listing,
        "status": wanted,
        "statuses": [s.value for s in OrderStatus],
        "status_names": STATUS_NAMES,
        "store_names": service.store_names(db, (o.store_id for o in listing.items)),
        "banner": banner,
        "pages": (listing.total + listing.size - 1) // listing.size,
    }
    return render(request, "orders/list.html", ctx)


def order_context(db: Session, *, order_id: int, user: User, roles: set[str]) -> dict[str, Any]:
    order, actors = service.get_order_for(db, order_id=order_id, user_id=user.id, roles=roles)
    read = service.to_read(db, [order])[0]
    now = utcnow()
    is_buyer = Actor.BUYER in actors
    pending = order.status == OrderStatus.PENDING_PAYMENT
    return {
        "order": read,
        "store_name": service.store_names(db, [order.store_id]).get(order.store_id, ""),
        "region": db.get(Region, order.ship_to_region_code),
        "status_names": STATUS_NAMES,
        "is_buyer": is_buyer,
        "is_seller": Actor.SELLER in actors,
        "can_pay": is_buyer and pending and now < order.expires_at,
        "can_cancel": is_buyer and pending,
        "can_complete": is_buyer and order.status == OrderStatus.DELIVERED,
    }


@router.get("/orders/{order_id}")
def order_page(
    order_id: int, request: Request, db: Db, user: CurrentUser, roles: Roles
) -> Response:
    return render(
        request, "orders/detail.html", order_context(db, order_id=order_id, user=user, roles=roles)
    )


@router.post("/orders/{order_id}/cancel")
def order_cancel(order_id: int, db: Db, user: CurrentUser, roles: Roles) -> Response:
    service.cancel(db, order_id=order_id, user_id=user.id, roles=roles, now=utcnow())
    db.commit()
    return redirect(f"/orders/{order_id}")


# Seller -------------------------------------------------------------------------------------


def seller_orders_context(db: Session, *, user: User, status: str | None) -> dict[str, Any]:
    stores = stores_service.list_stores_of(db, user)
    wanted = service.valid_status(status)
    statuses = [wanted] if wanted else list(SELLER_DEFAULT_STATUSES)
    listing = (
        service.list_for_stores(db, store_ids=[s.id for s in stores], statuses=statuses, size=100)
        if stores
        else None
    )
    return {
        "stores": stores,
        "store_names": {s.id: s.name for s in stores},
        "orders": listing.items if listing else [],
        "total": listing.total if listing else 0,
        "status": wanted,
        "statuses": [s.value for s in OrderStatus],
        "status_names": STATUS_NAMES,
    }


@router.get("/seller/orders")
def seller_orders_page(
    request: Request, db: Db, user: CurrentUser, status: str | None = None
) -> Response:
    return render(
        request, "orders/seller_orders.html", seller_orders_context(db, user=user, status=status)
    )


@router.post("/seller/orders/{order_id}/ship")
def seller_ship(
    order_id: int,
    db: Db,
    user: CurrentUser,
    roles: Roles,
    tracking_number: Annotated[str, Form()] = "",
) -> Response:
    body = _validated(ShipIn, tracking_number=tracking_number)
    service.ship(
        db,
        order_id=order_id,
        user_id=user.id,
        roles=roles,
        tracking_number=body.tracking_number,
        now=utcnow(),
    )
    db.commit()
    return redirect("/seller/orders")


@router.post("/seller/orders/{order_id}/deliver")
def seller_deliver(order_id: int, db: Db, user: CurrentUser, roles: Roles) -> Response:
    service.deliver(db, order_id=order_id, user_id=user.id, roles=roles, now=utcnow())
    db.commit()
    return redirect("/seller/orders?status=shipped")
