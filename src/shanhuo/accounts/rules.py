"""Pure rules for signing in: one-time-code rate limits, code checks, safe redirects.

No I/O: the service fetches the recent request times and the code row, the rules decide.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from shanhuo.config import Settings
from shanhuo.kit.timeutil import as_utc
from shanhuo.kit.types import MOBILE_PATTERN

RATE_WINDOW = timedelta(hours=1)
CODE_DIGITS = 6
_MOBILE_RE = re.compile(MOBILE_PATTERN)


@dataclass(frozen=True)
class OtpPolicy:
    ttl_seconds: int = 300
    max_attempts: int = 5
    max_per_mobile_per_hour: int = 5
    max_per_address_per_hour: int = 30
    min_interval_seconds: int = 60

    @classmethod
    def from_settings(cls, settings: Settings) -> OtpPolicy:
        return cls(
            ttl_seconds=settings.otp_ttl_seconds,
            max_attempts=settings.otp_max_attempts,
            max_per_mobile_per_hour=settings.otp_max_per_mobile_per_hour,
            max_per_address_per_hour=settings.otp_max_per_address_per_hour,
            min_interval_seconds=settings.otp_min_interval_seconds,
        )


class RateLimitReason(StrEnum):
    MOBILE_TOO_SOON = "mobile_too_soon"
    MOBILE_HOURLY = "mobile_hourly"
    ADDRESS_HOURLY = "address_hourly"


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    reason: RateLimitReason | None = None
    retry_after_seconds: int = 0


def is_valid_mobile(mobile: str) -> bool:
    """A mainland mobile number: 11 digits starting 13–19."""
    return bool(_MOBILE_RE.match(mobile))


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


def decide_code_request(
    *,
    now: datetime,
    mobile_requests: Sequence[datetime],
    address_requests: Sequence[datetime],
    policy: OtpPolicy,
) -> RateDecision:
    """May another code be sent? ``*_requests`` are the times of earlier code requests for this
    mobile and from this client address (older ones are ignored). When refused, say how long to
    wait: the longest of the limits that refuse, so a retry after that time succeeds."""
    now = as_utc(now)
    since = now - RATE_WINDOW
    by_mobile = sorted(as_utc(t) for t in mobile_requests if as_utc(t) > since)
    by_address = sorted(as_utc(t) for t in address_requests if as_utc(t) > since)
    refusals: list[tuple[int, RateLimitReason]] = []
    if by_mobile and policy.min_interval_seconds > 0:
        ready_at = by_mobile[-1] + timedelta(seconds=policy.min_interval_seconds)
        if ready_at > now:
            refusals.append((_seconds_until(ready_at, now), RateLimitReason.MOBILE_TOO_SOON))
    if len(by_mobile) >= policy.max_per_mobile_per_hour:
        # Wait until enough of the window's requests have aged out to leave room for one more.
        frees = by_mobile[len(by_mobile) - policy.max_per_mobile_per_hour]
        refusals.append((_seconds_until(frees + RATE_WINDOW, now), RateLimitReason.MOBILE_HOURLY))
    if len(by_address) >= policy.max_per_address_per_hour:
        frees = by_address[len(by_address) - policy.max_per_address_per_hour]
        refusals.append((_seconds_until(frees + RATE_WINDOW, now), RateLimitReason.ADDRESS_HOURLY))
    if not refusals:
        return RateDecision(allowed=True)
    wait, reason = max(refusals, key=lambda r: r[0])
    return RateDecision(allowed=False, reason=reason, retry_after_seconds=wait)


class CodeCheck(StrEnum):
    OK = "ok"
    NO_CODE = "no_code"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"
    WRONG = "wrong"


def check_code(
    *,
    now: datetime,
    expires_at: datetime | None,
    attempts: int,
    consumed: bool,
    matches: bool,
    max_attempts: int,
) -> CodeCheck:
    """Judge one attempt against the newest code sent to a mobile (``expires_at`` None: none
    was sent). Order matters: a dead code (used, expired, out of attempts) is reported as dead
    even when the digits match, so a guess never learns anything from a dead code."""
    if expires_at is None or consumed:
        return CodeCheck.NO_CODE
    if as_utc(now) >= as_utc(expires_at):
        return CodeCheck.EXPIRED
    if attempts >= max_attempts:
        return CodeCheck.EXHAUSTED
    return CodeCheck.OK if matches else CodeCheck.WRONG


def attempts_left(attempts_after: int, max_attempts: int) -> int:
    return max(0, max_attempts - attempts_after)


def is_well_formed_code(code: str) -> bool:
    return len(code) == CODE_DIGITS and code.isdigit()


def safe_next(target: str | None, default: str = "/") -> str:
    """Where to go after signing in: only a path on this site (no open redirect).

    Refuses absolute URLs, scheme-relative ``//host``, backslash tricks (``/\\host``), and
    control characters; anything refused becomes ``default``."""
    if not target:
        return default
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target) or "\\" in target:
        return default
    if not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    if parts.path.startswith(("/signin", "/signout")):
        return default
    return target
