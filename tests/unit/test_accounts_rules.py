"""Sign-in rules: rate limits, code checks, safe redirects — pure, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shanhuo.accounts.rules import (
    CodeCheck,
    OtpPolicy,
    RateLimitReason,
    attempts_left,
    check_code,
    decide_code_request,
    is_valid_mobile,
    is_well_formed_code,
    safe_next,
)
from shanhuo.config import Settings

NOW = datetime(2026, 6, 18, 8, 0, tzinfo=UTC)
POLICY = OtpPolicy(
    ttl_seconds=300,
    max_attempts=5,
    max_per_mobile_per_hour=5,
    max_per_address_per_hour=30,
    min_interval_seconds=60,
)


def ago(seconds: int) -> datetime:
    return NOW - timedelta(seconds=seconds)


def test_policy_is_read_from_settings() -> None:
    settings = Settings(
        env="test",
        otp_ttl_seconds=120,
        otp_max_attempts=3,
        otp_max_per_mobile_per_hour=4,
        otp_max_per_address_per_hour=10,
        otp_min_interval_seconds=30,
    )
    assert OtpPolicy.from_settings(settings) == OtpPolicy(120, 3, 4, 10, 30)


@pytest.mark.parametrize("mobile", ["13812341234", "19912345678", "15000000000"])
def test_valid_mobiles(mobile: str) -> None:
    assert is_valid_mobile(mobile)


@pytest.mark.parametrize(
    "mobile",
    [
        "",
        "1381234123",
        "138123412345",
        "12812341234",
        "23812341234",
        "1381234123a",
        "+8613812341234",
    ],
)
def test_invalid_mobiles(mobile: str) -> None:
    assert not is_valid_mobile(mobile)


def test_first_request_is_allowed() -> None:
    decision = decide_code_request(now=NOW, mobile_requests=[], address_requests=[], policy=POLICY)
    assert decision.allowed and decision.reason is None and decision.retry_after_seconds == 0


def test_a_second_request_within_the_interval_waits_for_the_rest_of_it() -> None:
    decision = decide_code_request(
        now=NOW, mobile_requests=[ago(20)], address_requests=[ago(20)], policy=POLICY
    )
    assert not decision.allowed
    assert decision.reason is RateLimitReason.MOBILE_TOO_SOON
    assert decision.retry_after_seconds == 40


def test_a_request_after_the_interval_is_allowed() -> None:
    decision = decide_code_request(
        now=NOW, mobile_requests=[ago(60)], address_requests=[ago(60)], policy=POLICY
    )
    assert decision.allowed


def test_the_hourly_limit_per_mobile_waits_until_the_oldest_ages_out() -> None:
    times = [ago(3000), ago(2000), ago(1000), ago(500), ago(100)]
    decision = decide_code_request(
        now=NOW, mobile_requests=times, address_requests=[], policy=POLICY
    )
    assert not decision.allowed
    assert decision.reason is RateLimitReason.MOBILE_HOURLY
    assert decision.retry_after_seconds == 600  # 3000 s ago + 3600 s


def test_requests_older_than_an_hour_do_not_count() -> None:
    times = [ago(3601), ago(3700), ago(4000), ago(5000), ago(100)]
    decision = decide_code_request(
        now=NOW, mobile_requests=times, address_requests=[], policy=POLICY
    )
    assert decision.allowed


def test_the_hourly_limit_per_address_counts_every_mobile() -> None:
    times = [ago(120 + i) for i in range(30)]
    decision = decide_code_request(
        now=NOW, mobile_requests=[], address_requests=times, policy=POLICY
    )
    assert not decision.allowed
    assert decision.reason is RateLimitReason.ADDRESS_HOURLY
    assert decision.retry_after_seconds == 3600 - 149


def test_when_two_limits_refuse_the_longer_wait_is_given() -> None:
    times = [ago(3000), ago(2000), ago(1000), ago(500), ago(10)]
    decision = decide_code_request(
        now=NOW, mobile_requests=times, address_requests=[], policy=POLICY
    )
    assert decision.reason is RateLimitReason.MOBILE_HOURLY
    assert decision.retry_after_seconds == 600


def test_naive_times_from_sqlite_are_taken_as_utc() -> None:
    naive = ago(20).replace(tzinfo=None)
    decision = decide_code_request(
        now=NOW, mobile_requests=[naive], address_requests=[], policy=POLICY
    )
    assert decision.retry_after_seconds == 40


def check(**overrides: object) -> CodeCheck:
    args: dict[str, object] = {
        "now": NOW,
        "expires_at": NOW + timedelta(minutes=5),
        "attempts": 0,
        "consumed": False,
        "matches": True,
        "max_attempts": 5,
    }
    args.update(overrides)
    return check_code(**args)  # type: ignore[arg-type]


def test_a_matching_live_code_is_ok() -> None:
    assert check() is CodeCheck.OK


def test_a_wrong_code_is_wrong() -> None:
    assert check(matches=False) is CodeCheck.WRONG


def test_no_code_sent_or_already_used() -> None:
    assert check(expires_at=None) is CodeCheck.NO_CODE
    assert check(consumed=True) is CodeCheck.NO_CODE


def test_an_expired_code_is_expired_even_when_it_matches() -> None:
    assert check(expires_at=NOW) is CodeCheck.EXPIRED
    assert check(expires_at=NOW - timedelta(seconds=1), matches=False) is CodeCheck.EXPIRED


def test_a_code_out_of_attempts_is_dead_even_when_it_matches() -> None:
    assert check(attempts=5) is CodeCheck.EXHAUSTED
    assert check(attempts=4) is CodeCheck.OK


def test_attempts_left() -> None:
    assert attempts_left(1, 5) == 4
    assert attempts_left(5, 5) == 0
    assert attempts_left(7, 5) == 0


@pytest.mark.parametrize(
    ("code", "ok"), [("123456", True), ("12345", False), ("12345a", False), ("1234567", False)]
)
def test_code_shape(code: str, ok: bool) -> None:
    assert is_well_formed_code(code) is ok


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (None, "/"),
        ("", "/"),
        ("/orders", "/orders"),
        ("/orders?page=2#top", "/orders?page=2#top"),
        ("https://evil.example/", "/"),
        ("//evil.example/path", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("orders", "/"),
        ("/ok\r\nSet-Cookie: x=1", "/"),
        ("/signin?next=/x", "/"),
        ("/signout", "/"),
    ],
)
def test_safe_next_allows_only_local_paths(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected
