"""Sending SMS: a Protocol, and the console adapter used in development, tests and the demo.

A real provider (Aliyun, Tencent Cloud …) would be another ``SmsSender`` chosen by
``settings.sms_backend``. Messages are sent after the transaction that created them commits.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shanhuo.config import Settings
from shanhuo.kit.masking import mask_mobile
from shanhuo.kit.timeutil import utcnow

log = logging.getLogger("shanhuo.sms")

OUTBOX_SIZE = 200


@dataclass(frozen=True)
class SmsMessage:
    """One text message. ``code`` is the one-time code it carries, if any."""

    mobile: str
    text: str
    code: str | None = None


@dataclass(frozen=True)
class SentSms:
    message: SmsMessage
    sent_at: datetime


class SmsSender(Protocol):
    def send(self, message: SmsMessage) -> None: ...


class ConsoleSms:
    """Development adapter: logs the message (mobile masked; the code shows, so a developer can
    sign in) and keeps the last ``OUTBOX_SIZE`` messages in memory for tests and the demo."""

    def __init__(self, size: int = OUTBOX_SIZE) -> None:
        self._outbox: deque[SentSms] = deque(maxlen=size)
        self._lock = threading.Lock()

    def send(self, message: SmsMessage) -> None:
        with self._lock:
            self._outbox.append(SentSms(message, utcnow()))
        log.info("SMS to %s: %s", mask_mobile(message.mobile), message.text)

    @property
    def outbox(self) -> list[SentSms]:
        """Oldest first."""
        with self._lock:
            return list(self._outbox)

    def latest_code(self, mobile: str) -> str | None:
        """The code in the newest message sent to ``mobile`` that carried one."""
        with self._lock:
            for sent in reversed(self._outbox):
                if sent.message.mobile == mobile and sent.message.code is not None:
                    return sent.message.code
        return None

    def clear(self) -> None:
        with self._lock:
            self._outbox.clear()


def make_sms_sender(settings: Settings) -> SmsSender:
    if settings.sms_backend == "console":
        return ConsoleSms()
    raise ValueError(f"unknown SMS backend: {settings.sms_backend}")  # pragma: no cover
