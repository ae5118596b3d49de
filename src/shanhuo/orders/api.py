"""JSON API routes for orders (thin: parse, one service call, commit, respond).

Refund and confirm-receipt move money, so their routes live in ``shanhuo.payments.api``
(payments depends on orders, never the other way round).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from shanhuo.accounts.deps import CurrentUser, Roles
from shanhuo.kit.deps import AppSettings, Db
from shanhuo.kit.timeutil import utcnow
from shanhuo.orders import cart, checkout, service
from shanhuo.orders.schemas import (
    CartItemCreate,
    CartItemRead,
    CartItemUpdate,
    CartRead,
    CheckoutCreate,
    CheckoutRead,
    OrderPage,
    OrderRead,
    ShipIn,
)
from shanhuo.stores import service as stores_service

router = APIRouter(tags=["orders"])

Page = Annotated[int, Query(ge=1, le=10_000)]
Size = Annotated[int, Query(ge=1, le=100)]


def _cart_line(db: Db, user_id: int, item_id: int) -> CartItemRead:
    return next(
        line
        for group in cart.get_cart(db, user_id=user_id).stores
        for line in group.items
        if line.id == item_id
    )


@router.get("/api/cart/items", response_model=CartRead)
def get_cart(db: Db, user: CurrentUser) -> CartRead:
    return cart.get_cart(db, user_id=user.id)


@router.post("/api/cart/items", response_model=CartItemRead, status_code=201)
def add_cart_item(body: CartItemCreate, db: Db, user: CurrentUser) -> CartItemRead:
    item = cart.add_item(db, user_id=user.id, sku_id=body.sku_id, quantity=body.quantity)
    db.commit()
    return _cart_line(db, user.id, item.id)


@router.patch("/api/cart/items/{item_id}", response_model=CartItemRead)
def update_cart_item(item_id: int, body: CartItemUpdate, db: Db, user: CurrentUser) -> CartItemRead:
    cart.get_item(db, user_id=user.id, item_id=item_id)
    if body.quantity is not None:
        cart.update_item(db, user_id=user.id, item_id=item_id, quantity=body.quantity)
        db.commit()
    return _cart_line(db, user.id, item_id)


@router.delete("/api/cart/items/{item_id}", status_code=204)
def remove_cart_item(item_id: int, db: Db, user: CurrentUser) -> Response:
    cart.remove_item(db, user_id=user.id, item_id=item_id)
    db.commit()
    return Response(status_code=204)


def checkout_read(db: Db, result: checkout.CheckoutResult) -> CheckoutRead:
    c = result.checkout
    return CheckoutRead(
        id=c.id,
        status=c.status,
        total_fen=c.total_fen,
        created_at=c.created_at,
        expires_at=c.expires_at,
        orders=service.to_read(db, result.orders, detail=False),
    )


@router.post("/api/checkouts", response_model=CheckoutRead, status_code=201)
def place_checkout(
    body: CheckoutCreate,
    response: Response,
    db: Db,
    user: CurrentUser,
    settings: AppSettings,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> CheckoutRead:
    result = checkout.place_checkout(
        db,
        buyer_id=user.id,
        idempotency_key=idempotency_key,
        request=body,
        now=utcnow(),
        timeout_minutes=settings.payment_timeout_minutes,
    )
    db.commit()
    if not result.created:
        response.status_code = 200
    return checkout_read(db, result)


@router.get("/api/orders", response_model=OrderPage)
def list_my_orders(
    db: Db, user: CurrentUser, page: Page = 1, size: Size = 20, status: str | None = None
) -> OrderPage:
    return service.list_for_buyer(
        db, buyer_id=user.id, page=page, size=size, status=service.valid_status(status)
    )


@router.get("/api/orders/{order_id}", response_model=OrderRead)
def get_order(order_id: int, db: Db, user: CurrentUser, roles: Roles) -> OrderRead:
    order, _ = service.get_order_for(db, order_id=order_id, user_id=user.id, roles=roles)
    return service.to_read(db, [order])[0]


def _answer(db: Db, order_id: int, user_id: int, roles: set[str]) -> OrderRead:
    order, _ = service.get_order_for(db, order_id=order_id, user_id=user_id, roles=roles)
    return service.to_read(db, [order])[0]


@router.post("/api/orders/{order_id}/cancel", response_model=OrderRead)
def cancel_order(order_id: int, db: Db, user: CurrentUser, roles: Roles) -> OrderRead:
    service.cancel(db, order_id=order_id, user_id=user.id, roles=roles, now=utcnow())
    db.commit()
    return _answer(db, order_id, user.id, roles)


@router.post("/api/orders/{order_id}/ship", response_model=OrderRead)
def ship_order(order_id: int, body: ShipIn, db: Db, user: CurrentUser, roles: Roles) -> OrderRead:
    service.ship(
        db,
        order_id=order_id,
        user_id=user.id,
        roles=roles,
        tracking_number=body.tracking_number,
        now=utcnow(),
    )
    db.commit()
    return _answer(db, order_id, user.id, roles)


@router.post("/api/orders/{order_id}/deliver", response_model=OrderRead)
def deliver_order(order_id: int, db: Db, user: CurrentUser, roles: Roles) -> OrderRead:
    service.deliver(db, order_id=order_id, user_id=user.id, roles=roles, now=utcnow())
    db.commit()
    return _answer(db, order_id, user.id, roles)


@router.get("/api/stores/{store_id}/orders", response_model=OrderPage)
def list_store_orders(
    store_id: int,
    db: Db,
    user: CurrentUser,
    page: Page = 1,
    size: Size = 20,
    status: str | None = None,
) -> OrderPage:
    store = stores_service.get_owned_store(db, store_id, user)
    wanted = service.valid_status(status)
    return service.list_for_stores(
        db, store_ids=[store.id], statuses=[wanted] if wanted else None, page=page, size=size
    )
