"""The payment provider interface. The app talks to any provider (a bank, a wallet, the
built-in sandbox) only through this Protocol, chosen by ``settings.payment_provider``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from shanhuo.config import Settings
    from shanhuo.models import Payment

CallbackStatus = Literal["succeeded", "failed"]


class CallbackSignatureInvalid(Exception):
    """The notification was not signed by the provider (forged, altered or truncated)."""


class CallbackMalformed(Exception):
    """The notification was signed but its body is not what the provider's format says."""


@dataclass(frozen=True)
class CallbackEvent:
    """A verified notification from the provider."""

    event_id: str
    provider_ref: str
    amount_fen: int
    status: CallbackStatus
    paid_at: datetime | None


class PaymentProvider(Protocol):
    name: str

    def new_reference(self) -> str:
        """A fresh reference for a payment, unique at the provider."""
        ...

    def start(self, payment: Payment) -> str:
        """Where to send the buyer to pay ``payment`` (a URL)."""
        ...

    def verify_callback(self, body: bytes, signature: str) -> CallbackEvent:
        """Check the signature over the exact body and parse it; raises
        ``CallbackSignatureInvalid`` or ``CallbackMalformed``."""
        ...

    def refund(self, payment: Payment, amount_fen: int, reason: str) -> str:
        """Give ``amount_fen`` of ``payment`` back to the payer; returns the refund reference."""
        ...


def make_provider(settings: Settings) -> PaymentProvider:
    """The provider chosen by configuration (only the sandbox ships today)."""
    from shanhuo.payments.sandbox import SandboxProvider

    if settings.payment_provider == "sandbox":
        return SandboxProvider(settings.payment_sandbox_secret.get_secret_value())
    raise ValueError(f"unknown payment provider {settings.payment_provider!r}")
