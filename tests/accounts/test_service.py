"""Accounts service: codes, sign-up on first sign-in, profile, roles (both databases)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.accounts import service
from shanhuo.accounts.roles import roles_of
from shanhuo.accounts.sms import ConsoleSms
from shanhuo.config import Settings
from shanhuo.kit.errors import Forbidden, Invalid, NotFound, TooManyRequests, Unauthorized
from shanhuo.kit.ids import keyed_hash
from shanhuo.kit.masking import mask_mobile
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import OneTimeCode, User
from tests.helpers.accounts import create_user, next_mobile

ADDRESS = "203.0.113.7"


def codes_for(db: Session, mobile: str) -> list[OneTimeCode]:
    return list(db.scalars(select(OneTimeCode).where(OneTimeCode.mobile == mobile)))


def users_with(db: Session, mobile: str) -> int:
    return db.scalar(select(func.count()).select_from(User).where(User.mobile == mobile)) or 0


def send(
    db: Session,
    settings: Settings,
    mobile: str,
    *,
    address: str = ADDRESS,
    now: datetime | None = None,
) -> str:
    """Request a code and return it (as the SMS would carry it)."""
    requested = service.request_code(
        db, mobile=mobile, address=address, settings=settings, sms=ConsoleSms(), now=now
    )
    assert requested.message.code is not None
    return requested.message.code


def test_request_code_stores_only_a_keyed_hash(db: Session, settings: Settings) -> None:
    mobile = next_mobile()
    sms = ConsoleSms()
    requested = service.request_code(db, mobile=mobile, address=ADDRESS, settings=settings, sms=sms)
    code = requested.message.code
    assert code is not None and len(code) == 6 and code.isdigit()
    [row] = codes_for(db, mobile)
    assert row.code_hash == keyed_hash(settings.secret_key.get_secret_value(), mobile + code)
    assert code not in row.code_hash
    assert row.requested_from == ADDRESS
    assert row.expires_at - row.created_at == timedelta(seconds=settings.otp_ttl_seconds)
    assert code in requested.message.text


def test_the_sms_goes_out_only_when_delivered(db: Session, settings: Settings) -> None:
    mobile = next_mobile()
    sms = ConsoleSms()
    requested = service.request_code(db, mobile=mobile, address=ADDRESS, settings=settings, sms=sms)
    assert sms.outbox == []
    requested.deliver()
    assert [s.message.mobile for s in sms.outbox] == [mobile]
    assert sms.latest_code(mobile) == requested.message.code


def test_request_code_for_an_invalid_mobile_is_refused(db: Session, settings: Settings) -> None:
    with pytest.raises(Invalid) as caught:
        send(db, settings, "1234567")
    assert caught.value.code == "mobile_invalid"
    assert codes_for(db, "1234567") == []


def test_a_second_code_within_the_interval_is_rate_limited(db: Session, settings: Settings) -> None:
    mobile = next_mobile()
    now = utcnow()
    send(db, settings, mobile, now=now)
    with pytest.raises(TooManyRequests) as caught:
        send(db, settings, mobile, now=now + timedelta(seconds=15))
    assert caught.value.code == "otp_rate_limited"
    assert caught.value.status == 429
    assert caught.value.extra["retry_after"] == 45
    assert len(codes_for(db, mobile)) == 1


def test_the_hourly_limit_per_mobile(db: Session, settings: Settings) -> None:
    mobile = next_mobile()
    start = utcnow() - timedelta(minutes=50)
    for i in range(settings.otp_max_per_mobile_per_hour):
        send(db, settings, mobile, now=start + timedelta(minutes=10 * i))
    with pytest.raises(TooManyRequests) as caught:
        send(db, settings, mobile, now=start + timedelta(minutes=50, seconds=61))
    assert caught.value.extra["reason"] == "mobile_hourly"
    assert len(codes_for(db, mobile)) == settings.otp_max_per_mobile_per_hour


def test_the_hourly_limit_per_address_spans_numbers(db: Session) -> None:
    settings = Settings(env="test", otp_max_per_address_per_hour=2)
    address = "198.51.100.9"
    send(db, settings, next_mobile(), address=address)
    send(db, settings, next_mobile(), address=address)
    third = next_mobile()
    with pytest.raises(TooManyRequests) as caught:
        send(db, settings, third, address=address)
    assert caught.value.extra["reason"] == "address_hourly"
    assert codes_for(db, third) == []


def test_first_sign_in_creates_a_buyer(db: Session, settings: Settings) -> None:
    mobile = next_mobile()
    code = send(db, settings, mobile)
    user = service.verify_code(db, mobile=mobile, code=code, settings=settings)
    assert user.mobile == mobile
    assert roles_of(db, user.id) == {"buyer"}
    assert user.last_sign_in_at is not None
    [row] = codes_for(db, mobile)
    assert row.consumed_at is not None


def test_an_existing_user_signs_in_without_a_new_account(db: Session, settings: Settings) -> None:
    existing = create_user(db, roles=("seller",))
    code = send(db, settings, existing.mobile)
    user = service.verify_code(db, mobile=existing.mobile, code=code, settings=settings)
    assert user.id == existing.id
    assert users_with(db, existing.mobile) == 1
    assert roles_of(db, user.id) == {"seller"}


def test_a_code_works_once(db: Session, settings: Settings) -> None:
    mobile = next_mobile()
    code = send(db, settings, mobile)
    service.verify_code(db, mobile=mobile, code=code, settings=settings)
    with pytest.raises(Unauthorized) as caught:
        service.verify_code(db, mobile=mobile, code=code, settings=settings)
    assert caught.value.code == "otp_invalid"
    assert users_with(db, mobile) == 1


def test_a_wrong_code_counts_an_attempt_and_creates_nobody(db: Session, settings: Settings) -> None:
    mobile = next_mobile()
    code = send(db, settings, mobile)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    with pytest.raises(Unauthorized) as caught:
        service.verify_code(db, mobile=mobile, code=wrong, settings=settings)
    assert caught.value.code == "otp_invalid"
    assert caught.value.extra == {"attempts_left": settings.otp_max_attempts - 1}
    db.expire_all()
    [row] = codes_for(db, mobile)
    assert (row.attempts, row.consumed_at) == (1, None)
    assert users_with(db, mobile) == 0


def test_too_many_wrong_codes_kill_the_code(db: Session, settings: Settings) -> None:
    mobile = next_mobile()
    code = send(db, settings, mobile)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(settings.otp_max_attempts):
        with pytest.raises(Unauthorized):
            service.verify_code(db, mobile=mobile, code=wrong, settings=settings)
    with pytest.raises(Unauthorized) as caught:
        service.verify_code(db, mobile=mobile, code=code, settings=settings)
    assert caught.value.code == "otp_attempts_exhausted"
    assert users_with(db, mobile) == 0


def test_an_expired_code_is_refused(db: Session, settings: Settings) -> None:
    mobile = next_mobile()
    sent_at = utcnow()
    code = send(db, settings, mobile, now=sent_at)
    later = sent_at + timedelta(seconds=settings.otp_ttl_seconds + 1)
    with pytest.raises(Unauthorized) as caught:
        service.verify_code(db, mobile=mobile, code=code, settings=settings, now=later)
    assert caught.value.code == "otp_expired"
    [row] = codes_for(db, mobile)
    assert (row.attempts, row.consumed_at) == (0, None)
    assert users_with(db, mobile) == 0


def test_a_newer_code_replaces_the_older_one(db: Session, settings: Settings) -> None:
    mobile = next_mobile()
    first_at = utcnow() - timedelta(minutes=2)
    old = send(db, settings, mobile, now=first_at)
    new = send(db, settings, mobile, now=first_at + timedelta(seconds=61))
    if old != new:
        with pytest.raises(Unauthorized):
            service.verify_code(db, mobile=mobile, code=old, settings=settings)
    assert service.verify_code(db, mobile=mobile, code=new, settings=settings).mobile == mobile


def test_without_a_code_sent_any_guess_is_invalid(db: Session, settings: Settings) -> None:
    mobile = next_mobile()
    with pytest.raises(Unauthorized) as caught:
        service.verify_code(db, mobile=mobile, code="123456", settings=settings)
    assert caught.value.code == "otp_invalid"
    assert users_with(db, mobile) == 0


def test_logs_never_carry_the_mobile_unmasked(
    db: Session, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    mobile = next_mobile()
    caplog.set_level(logging.INFO)
    sms = ConsoleSms()
    requested = service.request_code(db, mobile=mobile, address=ADDRESS, settings=settings, sms=sms)
    requested.deliver()
    code = requested.message.code
    assert code is not None
    with pytest.raises(Unauthorized):
        service.verify_code(
            db, mobile=mobile, code="000000" if code != "000000" else "111111", settings=settings
        )
    with pytest.raises(TooManyRequests):
        service.request_code(db, mobile=mobile, address=ADDRESS, settings=settings, sms=sms)
    service.verify_code(db, mobile=mobile, code=code, settings=settings)
    text = caplog.text
    assert mask_mobile(mobile) in text
    assert "SMS to" in text and "new user" in text and "wrong code" in text
    assert mobile not in text


def test_update_profile(db: Session) -> None:
    user = create_user(db)
    service.update_profile(db, user, display_name="  秦岭果农  ")
    assert user.display_name == "秦岭果农"


def test_update_profile_refuses_a_too_long_name(db: Session) -> None:
    user = create_user(db, name="老王")
    with pytest.raises(Invalid) as caught:
        service.update_profile(db, user, display_name="长" * 41)
    assert caught.value.code == "display_name_invalid"
    db.refresh(user)
    assert user.display_name == "老王"


def test_an_admin_grants_a_role_once(db: Session) -> None:
    admin = create_user(db, roles=("admin",))
    farmer = create_user(db)
    assert service.grant_role(db, by=admin, user_id=farmer.id, role="seller") is True
    assert service.grant_role(db, by=admin, user_id=farmer.id, role="seller") is False
    assert roles_of(db, farmer.id) == {"buyer", "seller"}


def test_a_non_admin_cannot_grant_roles(db: Session) -> None:
    seller = create_user(db, roles=("seller",))
    with pytest.raises(Forbidden):
        service.grant_role(db, by=seller, user_id=seller.id, role="admin")
    assert roles_of(db, seller.id) == {"seller"}


def test_granting_an_unknown_role_or_to_nobody_is_refused(db: Session) -> None:
    admin = create_user(db, roles=("admin",))
    with pytest.raises(Invalid):
        service.grant_role(db, by=admin, user_id=admin.id, role="king")
    with pytest.raises(NotFound):
        service.grant_role(db, by=admin, user_id=admin.id + 10_000, role="seller")
