"""JSON API routes for payments (thin: parse, one service call, commit, respond).

Also the two order moves that touch money — refund and confirm receipt — because payments
depends on orders and not the other way round.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from sqlalchemy.orm import Session

from shanhuo.accounts.deps import CurrentUser, Roles
from shanhuo.config import Settings
from shanhuo.kit.deps import AppSettings, Db
from shanhuo.kit.timeutil import utcnow
from shanhuo.orders import service as orders_service
from shanhuo.orders.schemas import OrderRead
from shanhuo.payments import service
from shanhuo.payments.provider import PaymentProvider, make_provider
from shanhuo.payments.schemas import CallbackAnswer, PaymentStart, RefundCreate, RefundRead
from shanhuo.payments.service import CallbackRejected

router = APIRouter(tags=["payments"])


def get_provider(settings: AppSettings) -> PaymentProvider:
    return make_provider(settings)


Provider = Annotated[PaymentProvider, Depends(get_provider)]


async def raw_body(request: Request) -> bytes:
    """The exact bytes the provider signed (the signature is over these, not over JSON)."""
    return await request.body()


def accept_callback(
    db: Session, *, body: bytes, signature: str, provider: PaymentProvider, settings: Settings
) -> service.CallbackOutcome:
    """The callback handler proper, shared by the HTTP route and the sandbox bank (which calls
    it in-process). A rejection is committed (for audit) and then raised."""
    try:
        outcome = service.handle_callback(
            db,
            body=body,
            signature=signature,
            provider=provider,
            now=utcnow(),
            fee_rate=settings.platform_fee_rate,
        )
    except CallbackRejected:
        db.commit()  # only the RejectedCallback row
        raise
    db.commit()
    return outcome


@router.post("/api/checkouts/{checkout_id}/pay", response_model=PaymentStart)
def start_payment(checkout_id: int, db: Db, user: CurrentUser, provider: Provider) -> PaymentStart:
    payment, url = service.start_payment(
        db, checkout_id=checkout_id, buyer_id=user.id, provider=provider, now=utcnow()
    )
    db.commit()
    return PaymentStart(
        payment_id=payment.id,
        checkout_id=payment.checkout_id,
        provider=payment.provider,
        provider_ref=payment.provider_ref,
        amount_fen=payment.amount_fen,
        status=payment.status,
        redirect_url=url,
    )


@router.post("/api/payments/sandbox/callback", response_model=CallbackAnswer)
def sandbox_callback(
    db: Db,
    provider: Provider,
    settings: AppSettings,
    body: Annotated[bytes, Depends(raw_body)],
    signature: Annotated[str, Header(alias="X-Sandbox-Signature")] = "",
) -> CallbackAnswer:
    outcome = accept_callback(
        db, body=body, signature=signature, provider=provider, settings=settings
    )
    return CallbackAnswer(status=outcome.status, payment_id=outcome.payment_id)


@router.post("/api/orders/{order_id}/refund", response_model=RefundRead, status_code=201)
def refund_order(
    order_id: int,
    db: Db,
    user: CurrentUser,
    roles: Roles,
    provider: Provider,
    body: RefundCreate | None = None,
) -> RefundRead:
    refund = service.refund_order(
        db,
        order_id=order_id,
        user_id=user.id,
        roles=roles,
        reason=body.reason if body else "",
        provider=provider,
        now=utcnow(),
    )
    db.commit()
    return RefundRead.model_validate(refund)


@router.post("/api/orders/{order_id}/complete", response_model=OrderRead)
def complete_order(order_id: int, db: Db, user: CurrentUser, roles: Roles) -> OrderRead:
    order = service.complete_order(
        db, order_id=order_id, user_id=user.id, roles=roles, now=utcnow()
    )
    db.commit()
    return orders_service.to_read(db, [order])[0]
