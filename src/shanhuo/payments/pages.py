"""HTML pages for payments: starting a payment, the sandbox bank's pay page, the buyer's
confirm-receipt button, the seller's refund button and settlements page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.accounts.deps import CurrentUser, Roles
from shanhuo.kit.deps import AppSettings, Db
from shanhuo.kit.errors import Invalid, NotFound
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import Payment, User
from shanhuo.orders import service as orders_service
from shanhuo.orders.checkout import orders_of_checkout
from shanhuo.payments import service
from shanhuo.payments.api import Provider, accept_callback
from shanhuo.payments.sandbox import SandboxProvider
from shanhuo.stores import service as stores_service
from shanhuo.web.render import redirect, render

router = APIRouter(include_in_schema=False)


@router.post("/checkouts/{checkout_id}/pay")
def pay(checkout_id: int, db: Db, user: CurrentUser, provider: Provider) -> Response:
    """Create or reuse the checkout's payment and send the buyer to the provider."""
    _, url = service.start_payment(
        db, checkout_id=checkout_id, buyer_id=user.id, provider=provider, now=utcnow()
    )
    db.commit()
    return redirect(url)


# The sandbox bank ---------------------------------------------------------------------------


def _sandbox(provider: Provider) -> SandboxProvider:
    if not isinstance(provider, SandboxProvider):
        raise NotFound()
    return provider


def _payment_by_ref(db: Session, provider: SandboxProvider, ref: str) -> Payment:
    payment = db.scalars(
        select(Payment).where(Payment.provider == provider.name, Payment.provider_ref == ref)
    ).one_or_none()
    if payment is None:
        raise NotFound("payment_not_found", "支付单不存在", "No such payment")
    return payment


def sandbox_context(db: Session, payment: Payment) -> dict[str, Any]:
    orders = orders_of_checkout(db, payment.checkout_id)
    names = orders_service.store_names(db, (o.store_id for o in orders))
    return {
        "payment": payment,
        "merchant": "山货 Shanhuo",
        "stores": [names.get(o.store_id, "") for o in orders],
    }


@router.get("/pay/sandbox/{provider_ref}")
def sandbox_page(provider_ref: str, request: Request, db: Db, provider: Provider) -> Response:
    payment = _payment_by_ref(db, _sandbox(provider), provider_ref)
    return render(request, "payments/sandbox_pay.html", sandbox_context(db, payment))


@router.post("/pay/sandbox/{provider_ref}")
def sandbox_press(
    provider_ref: str,
    db: Db,
    provider: Provider,
    settings: AppSettings,
    outcome: Annotated[str, Form()] = "",
) -> Response:
    """The buyer pressed a button at the bank: the bank signs a notification and delivers it to
    the callback handler in-process, then sends the buyer back to the shop."""
    bank = _sandbox(provider)
    if outcome not in ("succeeded", "failed"):
        raise Invalid("outcome_invalid", "无效的操作", "Unknown outcome")
    payment = _payment_by_ref(db, bank, provider_ref)
    checkout_id = payment.checkout_id
    body, signature = bank.notification(payment, status=outcome, now=utcnow())  # type: ignore[arg-type]
    accept_callback(db, body=body, signature=signature, provider=bank, settings=settings)
    return redirect(f"/orders?paid={checkout_id}")


# Buyer and seller buttons -------------------------------------------------------------------


@router.post("/orders/{order_id}/complete")
def complete(order_id: int, db: Db, user: CurrentUser, roles: Roles) -> Response:
    service.complete_order(db, order_id=order_id, user_id=user.id, roles=roles, now=utcnow())
    db.commit()
    return redirect(f"/orders/{order_id}")


@router.post("/seller/orders/{order_id}/refund")
def seller_refund(
    order_id: int,
    db: Db,
    user: CurrentUser,
    roles: Roles,
    provider: Provider,
    reason: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    service.refund_order(
        db,
        order_id=order_id,
        user_id=user.id,
        roles=roles,
        reason=reason.strip(),
        provider=provider,
        now=utcnow(),
    )
    db.commit()
    return redirect("/seller/orders")


def settlements_context(db: Session, user: User) -> dict[str, Any]:
    stores = stores_service.list_stores_of(db, user)
    page = service.settlements_for_stores(db, [s.id for s in stores])
    return {
        "stores": stores,
        "store_names": {s.id: s.name for s in stores},
        "settlements": page.items,
        "totals": page.totals,
    }


@router.get("/seller/settlements")
def settlements_page(request: Request, db: Db, user: CurrentUser) -> Response:
    return render(request, "payments/settlements.html", settlements_context(db, user))
