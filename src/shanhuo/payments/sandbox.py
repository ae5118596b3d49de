"""A built-in sandbox provider that behaves like a real one.

The buyer is sent to ``/pay/sandbox/{provider_ref}``, a page of the sandbox "bank". Pressing
pay (or fail) makes the bank produce a signed notification — canonical JSON
``{event_id, provider_ref, amount_fen, status, paid_at}`` with an HMAC-SHA256 over the exact
bytes in ``X-Sandbox-Signature`` — delivered to the same handler that serves
``POST /api/payments/sandbox/callback``. Anyone holding the secret can produce a valid
notification; anyone without it cannot, which is what the callback tests exercise.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shanhuo.payments.provider import (
    CallbackEvent,
    CallbackMalformed,
    CallbackSignatureInvalid,
    CallbackStatus,
)

if TYPE_CHECKING:
    from shanhuo.models import Payment

SIGNATURE_HEADER = "X-Sandbox-Signature"
FIELDS = ("amount_fen", "event_id", "paid_at", "provider_ref", "status")


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def canonical_body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


class SandboxProvider:
    name = "sandbox"

    def __init__(self, secret: str) -> None:
        self._secret = secret

    def new_reference(self) -> str:
        return f"sbx_{secrets.token_hex(12)}"

    def start(self, payment: Payment) -> str:
        return f"/pay/sandbox/{payment.provider_ref}"

    def notification(
        self,
        payment: Payment,
        *,
        status: CallbackStatus,
        now: datetime,
        event_id: str | None = None,
        amount_fen: int | None = None,
    ) -> tuple[bytes, str]:
        """What the sandbox bank sends after the buyer pressed a button: (body, signature)."""
        body = canonical_body(
            {
                "event_id": event_id or f"evt_{uuid.uuid4().hex}",
                "provider_ref": payment.provider_ref,
                "amount_fen": payment.amount_fen if amount_fen is None else amount_fen,
                "status": status,
                "paid_at": now.isoformat() if status == "succeeded" else None,
            }
        )
        return body, sign(self._secret, body)

    def verify_callback(self, body: bytes, signature: str) -> CallbackEvent:
        expected = sign(self._secret, body)
        if not signature or not hmac.compare_digest(expected, signature.strip().lower()):
            raise CallbackSignatureInvalid("signature does not match the body")
        try:
            data = json.loads(body)
            if not isinstance(data, dict) or set(data) != set(FIELDS):
                raise ValueError("unexpected fields")
            status = data["status"]
            if status not in ("succeeded", "failed"):
                raise ValueError("unknown status")
            amount = data["amount_fen"]
            if not isinstance(amount, int) or isinstance(amount, bool):
                raise ValueError("amount is not an integer")
            event_id, ref = str(data["event_id"]), str(data["provider_ref"])
            if not (0 < len(event_id) <= 64 and 0 < len(ref) <= 64):
                raise ValueError("bad identifiers")
            paid_at = datetime.fromisoformat(data["paid_at"]) if data["paid_at"] else None
            if paid_at is not None and paid_at.tzinfo is None:
                raise ValueError("paid_at without a time zone")
        except (ValueError, TypeError, KeyError) as exc:
            raise CallbackMalformed(str(exc)) from exc
        return CallbackEvent(
            event_id=event_id,
            provider_ref=ref,
            amount_fen=amount,
            status=status,
            paid_at=paid_at,
        )

    def refund(self, payment: Payment, amount_fen: int, reason: str) -> str:
        if amount_fen <= 0 or amount_fen > payment.amount_fen:
            raise ValueError("refund amount out of range")
        return f"sbxr_{secrets.token_hex(12)}"
