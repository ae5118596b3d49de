"""Pure payment rules: the seller's settlement of an order, what a verified payment does to
each order of its checkout, and the refund cap. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from shanhuo.kit.errors import Conflict
from shanhuo.kit.money import fen_times_rate


@dataclass(frozen=True)
class SettlementAmounts:
    gross_fen: int
    fee_fen: int
    net_fen: int


def settlement_amounts(gross_fen: int, fee_rate: Decimal) -> SettlementAmounts:
    """The platform keeps ``gross × rate`` rounded half up to the fen; the seller gets the rest."""
    fee = fen_times_rate(gross_fen, fee_rate)
    return SettlementAmounts(gross_fen=gross_fen, fee_fen=fee, net_fen=gross_fen - fee)


class OnPayment(StrEnum):
    """What a verified successful payment does to one order of the checkout."""

    MARK_PAID = "mark_paid"
    REFUND = "refund"
    NOTHING = "nothing"


def on_payment(order_status: str, *, paid_at: datetime | None, expires_at: datetime) -> OnPayment:
    """Rule for money that arrives for a checkout:

    - an order still awaiting payment, paid (by the provider's clock) before its checkout
      expired, becomes paid;
    - an order that was cancelled (by the buyer or by the payment timeout), or that is still
      awaiting payment but was paid after the deadline, is NOT revived: the stock it held has
      been (or is about to be) released, so the money is recorded and refunded automatically;
    - an order already beyond payment is left alone (the event is a duplicate in substance).
    """
    if order_status == "pending_payment":
        if paid_at is not None and paid_at > expires_at:
            return OnPayment.REFUND
        return OnPayment.MARK_PAID
    if order_status == "cancelled":
        return OnPayment.REFUND
    return OnPayment.NOTHING


def check_refund_amount(*, paid_fen: int, refunded_fen: int, amount_fen: int) -> None:
    """Refunds of a payment never add up to more than was paid."""
    if amount_fen <= 0 or refunded_fen + amount_fen > paid_fen:
        raise Conflict(
            "refund_exceeds_payment",
            "退款金额超过了实付金额",
            "Refunds would exceed the amount paid",
            paid_fen=paid_fen,
            refunded_fen=refunded_fen,
            amount_fen=amount_fen,
        )


def mask_secret(value: str, keep: int = 6) -> str:
    """For logs: a signature or reference shows only its first few characters."""
    value = value or ""
    return value[:keep] + "…" if len(value) > keep else "*" * len(value)
