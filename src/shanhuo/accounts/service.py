"""Accounts: one-time codes by SMS, sign-up on first sign-in, tokens, profile, roles.

Functions take the session first and never commit. Two things the caller must do:

- ``request_code`` returns a ``CodeRequested`` whose ``deliver()`` sends the SMS. Call it
  **after** committing, so a code is never sent that the database does not know about.
- ``verify_code`` records a wrong guess (the attempt counter) and then raises. The caller must
  commit even when it raises (see ``accounts.api``): rolling the counter back would give a
  guesser unlimited attempts. Nothing else is written before it raises.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shanhuo.accounts import roles as roles_module
from shanhuo.accounts import rules
from shanhuo.accounts.rules import CodeCheck, OtpPolicy, RateLimitReason
from shanhuo.accounts.sms import SmsMessage, SmsSender
from shanhuo.accounts.tokens import TokenKind, issue_token, revoke_token
from shanhuo.config import Settings
from shanhuo.kit.errors import Forbidden, Invalid, NotFound, TooManyRequests, Unauthorized
from shanhuo.kit.ids import keyed_hash, numeric_code
from shanhuo.kit.masking import mask_mobile
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import OneTimeCode, User

log = logging.getLogger("shanhuo.accounts")

_RATE_MESSAGES = {
    RateLimitReason.MOBILE_TOO_SOON: ("验证码发送太频繁", "Codes requested too often"),
    RateLimitReason.MOBILE_HOURLY: (
        "该手机号一小时内获取验证码次数过多",
        "Too many codes for this number in the last hour",
    ),
    RateLimitReason.ADDRESS_HOURLY: (
        "当前网络获取验证码次数过多",
        "Too many codes requested from this address in the last hour",
    ),
}


@dataclass(frozen=True)
class CodeRequested:
    """A code was stored (hashed). ``deliver()`` sends it; call it after the commit."""

    mobile: str
    expires_at: datetime
    message: SmsMessage
    sms: SmsSender

    def deliver(self) -> None:
        self.sms.send(self.message)


@dataclass(frozen=True)
class SignedIn:
    user: User
    token: str
    kind: TokenKind
    created: bool


def _code_hash(settings: Settings, mobile: str, code: str) -> str:
    return keyed_hash(settings.secret_key.get_secret_value(), mobile + code)


def _check_mobile(mobile: str) -> str:
    mobile = mobile.strip()
    if not rules.is_valid_mobile(mobile):
        raise Invalid(
            "mobile_invalid",
            "手机号格式不正确：应为 11 位中国大陆手机号",
            "Invalid mobile number: 11 digits, mainland China",
        )
    return mobile


def request_code(
    session: Session,
    *,
    mobile: str,
    address: str,
    settings: Settings,
    sms: SmsSender,
    now: datetime | None = None,
) -> CodeRequested:
    """Store a new sign-in code for ``mobile`` (only its keyed hash) and return what to send.

    Rate limits (per mobile: one per ``otp_min_interval_seconds`` and
    ``otp_max_per_mobile_per_hour``; per client address ``otp_max_per_address_per_hour``)
    raise ``otp_rate_limited`` (429) with ``retry_after`` seconds."""
    mobile = _check_mobile(mobile)
    now = now or utcnow()
    policy = OtpPolicy.from_settings(settings)
    since = now - rules.RATE_WINDOW
    by_mobile = session.scalars(
        select(OneTimeCode.created_at).where(
            OneTimeCode.mobile == mobile, OneTimeCode.created_at > since
        )
    ).all()
    by_address = session.scalars(
        select(OneTimeCode.created_at).where(
            OneTimeCode.requested_from == address, OneTimeCode.created_at > since
        )
    ).all()
    decision = rules.decide_code_request(
        now=now, mobile_requests=by_mobile, address_requests=by_address, policy=policy
    )
    if not decision.allowed:
        assert decision.reason is not None
        zh, en = _RATE_MESSAGES[decision.reason]
        wait = decision.retry_after_seconds
        log.info(
            "code refused for %s from %s: %s", mask_mobile(mobile), address, decision.reason.value
        )
        raise TooManyRequests(
            "otp_rate_limited",
            f"{zh}，请 {wait} 秒后再试",
            f"{en}; try again in {wait} seconds",
            retry_after=wait,
            reason=decision.reason.value,
        )
    code = numeric_code(rules.CODE_DIGITS)
    expires_at = now + timedelta(seconds=policy.ttl_seconds)
    session.add(
        OneTimeCode(
            mobile=mobile,
            code_hash=_code_hash(settings, mobile, code),
            requested_from=address[:64],
            created_at=now,
            expires_at=expires_at,
            attempts=0,
        )
    )
    session.flush()
    minutes = max(1, policy.ttl_seconds // 60)
    text = f"【山货】您的登录验证码是 {code}，{minutes} 分钟内有效，请勿告诉他人。"
    return CodeRequested(
        mobile=mobile,
        expires_at=expires_at,
        message=SmsMessage(mobile=mobile, text=text, code=code),
        sms=sms,
    )


def _latest_code(session: Session, mobile: str) -> OneTimeCode | None:
    """The newest code sent to ``mobile``: it supersedes every earlier one."""
    return session.scalars(
        select(OneTimeCode)
        .where(OneTimeCode.mobile == mobile)
        .order_by(OneTimeCode.created_at.desc(), OneTimeCode.id.desc())
        .limit(1)
    ).first()


def malformed_code_error() -> Invalid:
    return Invalid("otp_malformed", "验证码应为 6 位数字", "The code is 6 digits")


def _rejected(check: CodeCheck, **extra: Any) -> Unauthorized:
    if check is CodeCheck.EXPIRED:
        return Unauthorized(
            "otp_expired", "验证码已过期，请重新获取", "The code has expired; request a new one"
        )
    if check is CodeCheck.EXHAUSTED:
        return Unauthorized(
            "otp_attempts_exhausted",
            "验证码错误次数过多，请重新获取",
            "Too many wrong attempts; request a new code",
        )
    return Unauthorized("otp_invalid", "验证码不正确", "Wrong code", **extra)


def verify_code(
    session: Session,
    *,
    mobile: str,
    code: str,
    settings: Settings,
    now: datetime | None = None,
) -> User:
    """Check a code; on success consume it and return the user, creating them (role buyer) on
    their first sign-in. Raises ``otp_invalid`` / ``otp_expired`` / ``otp_attempts_exhausted``
    (401). A wrong guess increments the code's attempts before raising (commit it)."""
    mobile = _check_mobile(mobile)
    code = code.strip()
    now = now or utcnow()
    policy = OtpPolicy.from_settings(settings)
    row = _latest_code(session, mobile)
    matches = row is not None and hmac.compare_digest(
        row.code_hash, _code_hash(settings, mobile, code)
    )
    check = rules.check_code(
        now=now,
        expires_at=row.expires_at if row else None,
        attempts=row.attempts if row else 0,
        consumed=row.consumed_at is not None if row else False,
        matches=matches,
        max_attempts=policy.max_attempts,
    )
    if check is CodeCheck.WRONG:
        assert row is not None
        # Guarded increment: concurrent guesses cannot share one attempt.
        result = session.execute(
            update(OneTimeCode)
            .where(OneTimeCode.id == row.id, OneTimeCode.attempts < policy.max_attempts)
            .values(attempts=OneTimeCode.attempts + 1)
            .returning(OneTimeCode.attempts)
        ).scalar_one_or_none()
        log.info("wrong code for %s", mask_mobile(mobile))
        if result is None:
            raise _rejected(CodeCheck.EXHAUSTED)
        raise _rejected(check, attempts_left=rules.attempts_left(result, policy.max_attempts))
    if check is not CodeCheck.OK:
        log.info("code refused for %s: %s", mask_mobile(mobile), check.value)
        raise _rejected(check)
    assert row is not None
    # Guarded consume: two sign-ins racing on one code — only one wins.
    consumed = session.execute(
        update(OneTimeCode)
        .where(
            OneTimeCode.id == row.id,
            OneTimeCode.consumed_at.is_(None),
            OneTimeCode.attempts < policy.max_attempts,
        )
        .values(consumed_at=now)
    )
    if consumed.rowcount != 1:  # type: ignore[attr-defined]
        raise _rejected(CodeCheck.NO_CODE)
    session.expire(row)
    user = _get_or_create_user(session, mobile, now)
    user.last_sign_in_at = now
    session.flush()
    return user


def _get_or_create_user(session: Session, mobile: str, now: datetime) -> User:
    user = session.scalars(select(User).where(User.mobile == mobile)).first()
    if user is not None:
        return user
    user = User(mobile=mobile, display_name="", created_at=now)
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError:  # the same person signed up in a parallel request
        return session.scalars(select(User).where(User.mobile == mobile)).one()
    roles_module.grant_role(session, user.id, "buyer")
    log.info("new user %s (id %s)", mask_mobile(mobile), user.id)
    return user


def sign_in(session: Session, user: User, *, kind: TokenKind, settings: Settings) -> str:
    """Issue a page session (``kind="session"``) or API bearer token; returns it in clear."""
    days = settings.session_days if kind == "session" else settings.api_token_days
    return issue_token(session, user, kind=kind, days=days)


def sign_out(session: Session, token: str) -> None:
    revoke_token(session, token)


def roles_of(session: Session, user: User) -> list[str]:
    held = roles_module.roles_of(session, user.id)
    return [role for role in roles_module.ROLES if role in held]


def update_profile(session: Session, user: User, *, display_name: str | None = None) -> User:
    if display_name is not None:
        name = display_name.strip()
        if len(name) > 40 or any(ord(ch) < 32 for ch in name):
            raise Invalid(
                "display_name_invalid",
                "昵称最多 40 个字，且不能含控制字符",
                "Display name: at most 40 characters, no control characters",
            )
        user.display_name = name
    session.flush()
    return user


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user_not_found", "用户不存在", "No such user")
    return user


def grant_role(session: Session, *, by: User, user_id: int, role: str) -> bool:
    """An administrator gives ``role`` to a user; False when they already held it."""
    if not roles_module.has_role(session, by.id, "admin"):
        raise Forbidden(
            "role_required", "需要以下角色之一：admin", "One of these roles is required: admin"
        )
    if role not in roles_module.ROLES:
        raise Invalid(
            "role_unknown",
            f"角色应为 {'、'.join(roles_module.ROLES)} 之一",
            f"Role must be one of {', '.join(roles_module.ROLES)}",
        )
    target = get_user(session, user_id)
    granted = roles_module.grant_role(session, target.id, role)
    if granted:
        log.info("role %s granted to user %s by user %s", role, target.id, by.id)
    return granted
