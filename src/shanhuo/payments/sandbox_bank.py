"""The sandbox bank's side of a payment, as one call: start the payment and let the bank
deliver its signed notification to our callback handler — exactly what a buyer pressing
"Pay" on the sandbox page does. Used by the demo seeders and test helpers so that every
simulated payment goes through signature checks, the money invariant and settlements."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from shanhuo.payments import service
from shanhuo.payments.sandbox import CallbackStatus, SandboxProvider


def pay_in_sandbox(
    session: Session,
    *,
    checkout_id: int,
    buyer_id: int,
    bank: SandboxProvider,
    now: datetime,
    fee_rate: Decimal,
    status: CallbackStatus = "succeeded",
) -> service.CallbackOutcome:
    payment, _url = service.start_payment(
        session, checkout_id=checkout_id, buyer_id=buyer_id, provider=bank, now=now
    )
    body, signature = bank.notification(payment, status=status, now=now)
    return service.handle_callback(
        session, body=body, signature=signature, provider=bank, now=now, fee_rate=fee_rate
    )
