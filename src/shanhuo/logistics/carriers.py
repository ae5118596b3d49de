"""Carrier adapters: the interface an express company's API is reached through, and a local
adapter that behaves like a real one — it assigns its own tracking numbers, can be told to
fail or time out, and signs the webhooks it sends (HMAC-SHA256 over the raw body).

A real adapter (ZTO, YTO, SF …) would be another ``CarrierAdapter`` chosen by ``Carrier.adapter``.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from shanhuo.kit.errors import ShanhuoError


class CarrierUnavailable(ShanhuoError):
    """The carrier's system refused or did not answer; nothing was handed over."""

    status = 503


@dataclass(frozen=True)
class Booking:
    carrier_code: str
    carrier_tracking_number: str


@dataclass(frozen=True)
class Consignment:
    """What a carrier needs to take a parcel (masked: the carrier's driver sees no more)."""

    parcel_tracking_number: str
    weight_g: int
    volume_ml: int
    cold: bool
    destination_region_code: str
    recipient_masked: str
    recipient_mobile_masked: str


class CarrierAdapter(Protocol):
    code: str

    def book(self, consignment: Consignment) -> Booking: ...

    def sign(self, body: bytes) -> str: ...

    def verify(self, body: bytes, signature: str) -> bool: ...


class LocalCarrier:
    """Behaves like a carrier's API: numbers are ``<CODE><serial>``, ``fail_next`` makes the
    next calls fail (``"error"``) or time out (``"timeout"``), webhooks are signed."""

    _serials = itertools.count(1)
    _lock = threading.Lock()

    def __init__(self, code: str, secret: str) -> None:
        self.code = code
        self._secret = secret.encode()
        self.fail_next: list[str] = []
        self.booked: list[Consignment] = []

    def book(self, consignment: Consignment) -> Booking:
        with self._lock:
            failure = self.fail_next.pop(0) if self.fail_next else None
            serial = next(self._serials)
        if failure == "timeout":
            raise CarrierUnavailable(
                "carrier_timeout",
                "快递公司接口超时，请稍后再交接",
                "The carrier did not answer in time",
            )
        if failure is not None:
            raise CarrierUnavailable(
                "carrier_refused",
                "快递公司拒绝了交接，请稍后再试",
                "The carrier refused the hand-over",
            )
        self.booked.append(consignment)
        return Booking(self.code, f"{self.code.upper()}{serial:012d}")

    def sign(self, body: bytes) -> str:
        return hmac.new(self._secret, body, hashlib.sha256).hexdigest()

    def verify(self, body: bytes, signature: str) -> bool:
        return hmac.compare_digest(self.sign(body), signature)

    def webhook(self, carrier_tracking_number: str, event: str, at: datetime) -> tuple[bytes, str]:
        """A status webhook as the carrier would post it: (raw body, signature)."""
        body = json.dumps(
            {"tracking_number": carrier_tracking_number, "event": event, "at": at.isoformat()},
            separators=(",", ":"),
        ).encode()
        return body, self.sign(body)


class CarrierRegistry:
    """One adapter per carrier code, kept on ``app.state`` (local adapters share one secret)."""

    def __init__(self, secret: str) -> None:
        self._secret = secret
        self._adapters: dict[str, Any] = {}
        self._lock = threading.Lock()

    def get(self, code: str) -> LocalCarrier:
        with self._lock:
            if code not in self._adapters:
                self._adapters[code] = LocalCarrier(code, self._secret)
            adapter: LocalCarrier = self._adapters[code]
            return adapter


_default: CarrierRegistry | None = None


def registry_for(state: Any, secret: str) -> CarrierRegistry:
    """The app's registry (made on first use), or a process-wide one for CLI jobs."""
    global _default
    if state is not None:
        existing = getattr(state, "carriers", None)
        if existing is None:
            existing = CarrierRegistry(secret)
            state.carriers = existing
        registry: CarrierRegistry = existing
        return registry
    if _default is None:
        _default = CarrierRegistry(secret)
    return _default
