"""Payments: starting a payment for a checkout, applying the provider's signed callbacks,
refunds, and the seller's settlement of each order.

Money invariants kept here (and checked by ``money_problems``):
- a payment's amount equals the sum of the totals of its checkout's orders;
- the refunds of a payment never add up to more than was paid.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shanhuo.config import Settings
from shanhuo.kit.db import rowcount
from shanhuo.kit.errors import Conflict, NotFound, ShanhuoError
from shanhuo.models import (
    Checkout,
    Order,
    Payment,
    PaymentCallback,
    Refund,
    RejectedCallback,
    Settlement,
)
from shanhuo.orders import service as orders
from shanhuo.orders.checkout import orders_of_checkout
from shanhuo.orders.rules import Actor as OrderActor
from shanhuo.orders.rules import OrderStatus
from shanhuo.payments import rules
from shanhuo.payments.provider import (
    CallbackEvent,
    CallbackMalformed,
    CallbackSignatureInvalid,
    PaymentProvider,
)
from shanhuo.payments.schemas import SettlementPage, SettlementRead, SettlementTotals

log = logging.getLogger("shanhuo.payments")

DEFAULT_FEE_RATE: Decimal = Settings.model_fields["platform_fee_rate"].default


class CallbackRejected(ShanhuoError):
    """A callback refused before it could be trusted. The rejection itself is recorded (the
    caller commits it) and nothing else changes."""


def _checkout_not_found(checkout_id: int) -> NotFound:
    return NotFound(
        "checkout_not_found", "结算单不存在", "No such checkout", checkout_id=checkout_id
    )


def payment_of_checkout(session: Session, checkout_id: int) -> Payment | None:
    return session.scalars(select(Payment).where(Payment.checkout_id == checkout_id)).one_or_none()


def start_payment(
    session: Session, *, checkout_id: int, buyer_id: int, provider: PaymentProvider, now: datetime
) -> tuple[Payment, str]:
    """Create (or reuse: one per checkout) the payment and return where the buyer pays it.
    An expired checkout cannot be paid: the order is not revived."""
    checkout = session.get(Checkout, checkout_id)
    if checkout is None or checkout.buyer_id != buyer_id:
        raise _checkout_not_found(checkout_id)
    if checkout.status != "pending_payment":
        raise Conflict(
            "checkout_not_payable",
            "该结算单已支付或已取消",
            f"This checkout is {checkout.status} and cannot be paid",
            status_now=checkout.status,
        )
    if now >= checkout.expires_at:
        raise Conflict(
            "checkout_expired", "已超过付款期限，订单已取消", "The time to pay has run out"
        )
    amount = sum(o.total_fen for o in orders_of_checkout(session, checkout.id))
    if amount != checkout.total_fen:  # the money invariant; only a bug could break it
        raise Conflict("checkout_amount_inconsistent", "结算金额不一致", "Checkout total mismatch")
    payment = payment_of_checkout(session, checkout.id)
    if payment is None:
        try:
            with session.begin_nested():
                payment = Payment(
                    checkout_id=checkout.id,
                    provider=provider.name,
                    provider_ref=provider.new_reference(),
                    amount_fen=amount,
                    status="created",
                    created_at=now,
                )
                session.add(payment)
                session.flush()
        except IntegrityError:  # a second tab started the same payment at the same moment
            payment = payment_of_checkout(session, checkout.id)
            if payment is None:
                raise
    if payment.status == "failed":  # the buyer tries again after a declined payment
        payment.status = "created"
        session.flush()
    return payment, provider.start(payment)


# Callbacks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallbackOutcome:
    status: str  # applied | failed | duplicate | ignored | refunded
    payment_id: int | None


def _reject(
    session: Session,
    *,
    provider: PaymentProvider,
    reason: str,
    body: bytes,
    signature: str,
    now: datetime,
    error: CallbackRejected,
) -> CallbackRejected:
    payload = body.decode("utf-8", errors="replace")[:10_000]
    session.add(
        RejectedCallback(provider=provider.name, reason=reason, payload=payload, received_at=now)
    )
    session.flush()
    log.warning(
        "payment callback rejected: reason=%s provider=%s signature=%s body_sha256=%s bytes=%d",
        reason,
        provider.name,
        rules.mask_secret(signature),
        hashlib.sha256(body).hexdigest()[:16],
        len(body),
    )
    return error


def handle_callback(
    session: Session,
    *,
    body: bytes,
    signature: str,
    provider: PaymentProvider,
    now: datetime,
    fee_rate: Decimal = DEFAULT_FEE_RATE,
) -> CallbackOutcome:
    """Apply one provider notification. Refusals raise ``CallbackRejected`` after recording a
    ``RejectedCallback`` (the caller commits that, and nothing else has changed)."""
    try:
        event = provider.verify_callback(body, signature)
    except CallbackSignatureInvalid:
        raise _reject(
            session,
            provider=provider,
            reason="signature_invalid",
            body=body,
            signature=signature,
            now=now,
            error=CallbackRejected(
                "callback_signature_invalid",
                "回调签名无效",
                "The callback signature is invalid",
                status=401,
            ),
        ) from None
    except CallbackMalformed:
        raise _reject(
            session,
            provider=provider,
            reason="malformed",
            body=body,
            signature=signature,
            now=now,
            error=CallbackRejected(
                "callback_malformed",
                "回调内容格式错误",
                "The callback body is malformed",
                status=400,
            ),
        ) from None
    payment = session.scalars(
        select(Payment).where(
            Payment.provider == provider.name, Payment.provider_ref == event.provider_ref
        )
    ).one_or_none()
    if payment is None:
        raise _reject(
            session,
            provider=provider,
            reason="unknown_payment",
            body=body,
            signature=signature,
            now=now,
            error=CallbackRejected(
                "payment_not_found", "支付单不存在", "No payment with this reference", status=404
            ),
        )
    if event.amount_fen != payment.amount_fen:
        raise _reject(
            session,
            provider=provider,
            reason="amount_mismatch",
            body=body,
            signature=signature,
            now=now,
            error=CallbackRejected(
                "callback_amount_mismatch",
                "回调金额与支付单金额不符",
                "The callback amount does not match the payment",
                status=400,
                expected_fen=payment.amount_fen,
                received_fen=event.amount_fen,
            ),
        )
    record = PaymentCallback(
        provider=provider.name,
        event_id=event.event_id,
        payment_id=payment.id,
        payload=body.decode(),
        outcome="received",
        received_at=now,
    )
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()  # the unique (provider, event_id) recognises a replay
    except IntegrityError:
        return CallbackOutcome("duplicate", payment.id)
    outcome = _apply(session, payment, event, provider=provider, now=now, fee_rate=fee_rate)
    record.outcome = outcome
    session.flush()
    return CallbackOutcome(outcome, payment.id)


def _apply(
    session: Session,
    payment: Payment,
    event: CallbackEvent,
    *,
    provider: PaymentProvider,
    now: datetime,
    fee_rate: Decimal,
) -> str:
    if event.status == "failed":
        result = session.execute(
            update(Payment)
            .where(Payment.id == payment.id, Payment.status == "created")
            .values(status="failed")
        )
        session.refresh(payment)
        return "failed" if rowcount(result) == 1 else "ignored"
    paid_at = event.paid_at or now
    result = session.execute(
        update(Payment)
        .where(Payment.id == payment.id, Payment.status.in_(("created", "failed")))
        .values(status="succeeded", paid_at=paid_at)
    )
    session.refresh(payment)
    if rowcount(result) != 1:
        return "ignored"  # already succeeded under another event id: money is not taken twice
    checkout = session.get(Checkout, payment.checkout_id)
    assert checkout is not None
    paid_any = refunded_any = False
    for order in orders_of_checkout(session, checkout.id):
        action = rules.on_payment(order.status, paid_at=paid_at, expires_at=checkout.expires_at)
        if action is rules.OnPayment.MARK_PAID and orders.mark_paid(session, order, now=now):
            amounts = rules.settlement_amounts(order.total_fen, fee_rate)
            session.add(
                Settlement(
                    order_id=order.id,
                    store_id=order.store_id,
                    gross_fen=amounts.gross_fen,
                    fee_fen=amounts.fee_fen,
                    net_fen=amounts.net_fen,
                    status="pending",
                    created_at=now,
                )
            )
            paid_any = True
        elif action is not rules.OnPayment.NOTHING:
            # Rule: money for an order that timed out (or was cancelled) does not revive it.
            # The payment is recorded and this order's share goes straight back to the payer.
            if order.status == OrderStatus.PENDING_PAYMENT:
                orders.expire_checkout(session, checkout.id, now=now)
            _refund(session, payment, order, provider=provider, reason="late_payment", now=now)
            orders.record_refund_of_cancelled(session, order, amount_fen=order.total_fen, now=now)
            refunded_any = True
    checkout.status = "paid" if paid_any else ("refunded" if refunded_any else checkout.status)
    session.flush()
    return "applied" if paid_any else ("refunded" if refunded_any else "ignored")


# Refunds ------------------------------------------------------------------------------------


def _refund(
    session: Session,
    payment: Payment,
    order: Order,
    *,
    provider: PaymentProvider,
    reason: str,
    now: datetime,
) -> Refund:
    refunded = (
        session.scalar(
            select(func.coalesce(func.sum(Refund.amount_fen), 0)).where(
                Refund.payment_id == payment.id
            )
        )
        or 0
    )
    rules.check_refund_amount(
        paid_fen=payment.amount_fen, refunded_fen=int(refunded), amount_fen=order.total_fen
    )
    refund = Refund(
        payment_id=payment.id,
        order_id=order.id,
        amount_fen=order.total_fen,
        reason=reason[:200],
        provider_ref=provider.refund(payment, order.total_fen, reason),
        status="succeeded",
        created_at=now,
    )
    session.add(refund)
    session.flush()
    return refund


def refund_order(
    session: Session,
    *,
    order_id: int,
    user_id: int,
    roles: Iterable[str],
    reason: str,
    provider: PaymentProvider,
    now: datetime,
) -> Refund:
    """The seller (or an admin) refunds an order: paid-not-shipped goods go back on the shelf,
    a delivered order may be refunded within the refund window (no restock). The order moves
    first (its rules decide), then the provider refunds; any failure rolls both back."""
    order, actors = orders.get_order_for(session, order_id=order_id, user_id=user_id, roles=roles)
    payment = payment_of_checkout(session, order.checkout_id)
    try:
        refund = _refund_in_savepoint(
            session,
            order,
            payment,
            actors=actors,
            user_id=user_id,
            reason=reason,
            provider=provider,
            now=now,
        )
    except Exception:
        session.expire(order)  # its status was set in the rolled-back savepoint
        raise
    return refund


def _refund_in_savepoint(
    session: Session,
    order: Order,
    payment: Payment | None,
    *,
    actors: set[OrderActor],
    user_id: int,
    reason: str,
    provider: PaymentProvider,
    now: datetime,
) -> Refund:
    with session.begin_nested():  # all or nothing, also for callers that do not roll back
        orders.refund(
            session,
            order,
            actors=actors,
            actor_id=user_id,
            amount_fen=order.total_fen,
            reason=reason,
            now=now,
        )
        if payment is None or payment.status != "succeeded":
            raise Conflict(
                "payment_not_settled", "该订单没有可退的付款", "This order has no payment to refund"
            )
        refund = _refund(session, payment, order, provider=provider, reason=reason, now=now)
        session.execute(
            update(Settlement)
            .where(Settlement.order_id == order.id, Settlement.status == "pending")
            .values(status="reversed", settled_at=None)
        )
        session.flush()
    return refund


def complete_order(
    session: Session, *, order_id: int, user_id: int, roles: Iterable[str], now: datetime
) -> Order:
    """The buyer confirms receipt: the order completes and the seller's settlement is settled."""
    order = orders.complete(session, order_id=order_id, user_id=user_id, roles=roles, now=now)
    session.execute(
        update(Settlement)
        .where(Settlement.order_id == order.id, Settlement.status == "pending")
        .values(status="settled", settled_at=now)
    )
    session.flush()
    return order


# Settlements and checks ---------------------------------------------------------------------


def settlements_for_stores(session: Session, store_ids: list[int]) -> SettlementPage:
    """Every settlement of these stores, newest first, with totals per status."""
    rows = list(
        session.scalars(
            select(Settlement)
            .where(Settlement.store_id.in_(store_ids))
            .order_by(Settlement.created_at.desc(), Settlement.id.desc())
        )
    )
    totals = SettlementTotals()
    for row in rows:
        if row.status == "reversed":
            totals.reversed_net_fen += row.net_fen
            continue
        totals.gross_fen += row.gross_fen
        totals.fee_fen += row.fee_fen
        totals.net_fen += row.net_fen
        if row.status == "settled":
            totals.settled_net_fen += row.net_fen
        else:
            totals.pending_net_fen += row.net_fen
    return SettlementPage(items=[SettlementRead.model_validate(r) for r in rows], totals=totals)


def money_problems(session: Session) -> list[str]:
    """Break-downs of the money invariants (empty when the books are right)."""
    problems: list[str] = []
    order_sums = dict(
        session.execute(
            select(Order.checkout_id, func.sum(Order.total_fen)).group_by(Order.checkout_id)
        ).all()
    )
    refund_sums = dict(
        session.execute(
            select(Refund.payment_id, func.sum(Refund.amount_fen)).group_by(Refund.payment_id)
        ).all()
    )
    for payment in session.scalars(select(Payment).order_by(Payment.id)):
        orders_total = int(order_sums.get(payment.checkout_id) or 0)
        if payment.amount_fen != orders_total:
            problems.append(
                f"payment {payment.id}: amount {payment.amount_fen} != orders {orders_total}"
            )
        refunded = int(refund_sums.get(payment.id) or 0)
        paid = payment.amount_fen if payment.status == "succeeded" else 0
        if refunded > paid:
            problems.append(f"payment {payment.id}: refunded {refunded} > paid {paid}")
    return problems
