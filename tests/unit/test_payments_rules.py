"""Payment rules: fee rounding, what money does to each order, the refund cap, and the
sandbox signature (pure HMAC, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from shanhuo.kit.errors import Conflict
from shanhuo.payments import rules
from shanhuo.payments.provider import CallbackMalformed, CallbackSignatureInvalid
from shanhuo.payments.sandbox import SandboxProvider, canonical_body, sign

DEADLINE = datetime(2025, 6, 18, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("gross", "rate", "fee"),
    [
        (10000, "0.006", 60),
        (3990, "0.006", 24),  # 23.94 → 24
        (4250, "0.006", 26),  # 25.50 → 26 (half up)
        (4241, "0.006", 25),  # 25.446 → 25
        (83, "0.006", 0),  # 0.498 → 0
        (84, "0.006", 1),  # 0.504 → 1
        (10000, "0", 0),
    ],
)
def test_fee_rounds_half_up_to_the_fen(gross: int, rate: str, fee: int) -> None:
    amounts = rules.settlement_amounts(gross, Decimal(rate))
    assert (amounts.gross_fen, amounts.fee_fen, amounts.net_fen) == (gross, fee, gross - fee)


def test_pending_order_paid_in_time_is_marked_paid() -> None:
    assert (
        rules.on_payment("pending_payment", paid_at=DEADLINE, expires_at=DEADLINE)
        is rules.OnPayment.MARK_PAID
    )


def test_pending_order_paid_after_deadline_is_refunded() -> None:
    late = DEADLINE + timedelta(seconds=1)
    assert (
        rules.on_payment("pending_payment", paid_at=late, expires_at=DEADLINE)
        is rules.OnPayment.REFUND
    )


def test_cancelled_order_is_never_revived() -> None:
    early = DEADLINE - timedelta(minutes=5)
    assert (
        rules.on_payment("cancelled", paid_at=early, expires_at=DEADLINE) is rules.OnPayment.REFUND
    )


@pytest.mark.parametrize("status", ["paid", "shipped", "delivered", "completed", "refunded"])
def test_orders_beyond_payment_are_left_alone(status: str) -> None:
    assert (
        rules.on_payment(status, paid_at=DEADLINE, expires_at=DEADLINE) is rules.OnPayment.NOTHING
    )


def test_refund_up_to_paid_is_fine() -> None:
    rules.check_refund_amount(paid_fen=1000, refunded_fen=400, amount_fen=600)


@pytest.mark.parametrize(("refunded", "amount"), [(400, 601), (0, 1001), (0, 0), (0, -5)])
def test_refund_beyond_paid_is_refused(refunded: int, amount: int) -> None:
    with pytest.raises(Conflict) as err:
        rules.check_refund_amount(paid_fen=1000, refunded_fen=refunded, amount_fen=amount)
    assert err.value.code == "refund_exceeds_payment"


def test_mask_secret() -> None:
    assert rules.mask_secret("abcdef0123456789") == "abcdef…"
    assert rules.mask_secret("abc") == "***"


def _payment(**kw: Any) -> Any:
    return SimpleNamespace(provider_ref="sbx_1", amount_fen=1234, **kw)


def test_sandbox_notification_round_trips() -> None:
    provider = SandboxProvider("s3cret")
    body, signature = provider.notification(
        _payment(), status="succeeded", now=DEADLINE, event_id="e1"
    )
    assert body == canonical_body(
        {
            "event_id": "e1",
            "provider_ref": "sbx_1",
            "amount_fen": 1234,
            "status": "succeeded",
            "paid_at": DEADLINE.isoformat(),
        }
    )
    assert signature == sign("s3cret", body)
    event = provider.verify_callback(body, signature)
    assert (event.event_id, event.provider_ref, event.amount_fen, event.status) == (
        "e1",
        "sbx_1",
        1234,
        "succeeded",
    )
    assert event.paid_at == DEADLINE


def test_sandbox_refuses_other_secret() -> None:
    body, _ = SandboxProvider("s3cret").notification(_payment(), status="succeeded", now=DEADLINE)
    with pytest.raises(CallbackSignatureInvalid):
        SandboxProvider("s3cret").verify_callback(body, sign("other", body))


def test_sandbox_refuses_altered_body() -> None:
    provider = SandboxProvider("s3cret")
    body, signature = provider.notification(_payment(), status="succeeded", now=DEADLINE)
    with pytest.raises(CallbackSignatureInvalid):
        provider.verify_callback(body.replace(b"1234", b"1235"), signature)


def test_sandbox_refuses_signed_garbage_as_malformed() -> None:
    provider = SandboxProvider("s3cret")
    with pytest.raises(CallbackMalformed):
        provider.verify_callback(b"[1,2]", sign("s3cret", b"[1,2]"))
