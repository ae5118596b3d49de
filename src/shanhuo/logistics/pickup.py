"""Pickup codes: a 6-digit code sent by SMS when a parcel reaches its service point (only a
keyed hash is stored), free storage for ``logistics_free_storage_days``, then one reminder,
and return to the sender after ``logistics_return_after_days``. Wrong codes are counted per
parcel; after ``logistics_pickup_max_attempts`` the code is locked until the keeper reissues
one (the villager shows ID at the counter).

Counting a wrong attempt is a write that must survive the refusal: the service returns an
outcome, the entry point commits it and only then answers 422/429.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.accounts.sms import SmsMessage
from shanhuo.config import Settings
from shanhuo.kit.errors import Conflict, Invalid, TooManyRequests
from shanhuo.kit.ids import keyed_hash, numeric_code
from shanhuo.kit.timeutil import format_local
from shanhuo.models import LogisticsNode, Parcel, PickupCode


@dataclass(frozen=True)
class PickupOutcome:
    ok: bool
    attempts_left: int


def _hash(settings: Settings, parcel_id: int, code: str) -> str:
    return keyed_hash(settings.secret_key.get_secret_value(), f"pickup:{parcel_id}:{code}")


def issue_code(
    session: Session, parcel: Parcel, node: LogisticsNode, *, now: datetime, settings: Settings
) -> SmsMessage:
    """A fresh code for ``parcel`` at ``node`` (replaces an earlier one); returns the SMS to
    send after commit."""
    code = numeric_code(6)
    row = session.scalars(select(PickupCode).where(PickupCode.parcel_id == parcel.id)).one_or_none()
    free_until = now + timedelta(days=settings.logistics_free_storage_days)
    return_after = now + timedelta(days=settings.logistics_return_after_days)
    if row is None:
        row = PickupCode(
            parcel_id=parcel.id,
            node_id=node.id,
            code_hash=_hash(settings, parcel.id, code),
            arrived_at=now,
            free_until=free_until,
            return_after=return_after,
        )
        session.add(row)
    else:
        row.code_hash = _hash(settings, parcel.id, code)
        row.attempts = 0
    session.flush()
    text = (
        f"【山货】您的包裹 {parcel.tracking_number} 已到「{node.name}」，取件码 {code}，"
        f"免费保管至 {format_local(row.free_until, '%m-%d')}。"
    )
    return SmsMessage(mobile=parcel.recipient_mobile, text=text, code=code)


def code_of(session: Session, parcel: Parcel) -> PickupCode | None:
    return session.scalars(
        select(PickupCode).where(PickupCode.parcel_id == parcel.id)
    ).one_or_none()


def check_code(session: Session, parcel: Parcel, code: str, *, settings: Settings) -> PickupOutcome:
    """Compare ``code``; a wrong one counts an attempt (the caller commits, then refuses).
    Locked (too many wrong codes) → 429 and nothing changes."""
    row = code_of(session, parcel)
    if parcel.status != "awaiting_pickup" or row is None:
        raise Conflict(
            "parcel_not_awaiting_pickup",
            "该包裹不在待取件状态",
            "This parcel is not waiting for pickup",
        )
    limit = settings.logistics_pickup_max_attempts
    if row.attempts >= limit:
        raise TooManyRequests(
            "pickup_code_locked",
            "取件码错误次数过多，已锁定，请到站点出示证件由站长重新发码",
            "Too many wrong codes: locked. Ask the keeper to reissue the code",
        )
    if row.code_hash == _hash(settings, parcel.id, code):
        return PickupOutcome(ok=True, attempts_left=limit - row.attempts)
    row.attempts += 1
    session.flush()
    return PickupOutcome(ok=False, attempts_left=limit - row.attempts)


def refuse(outcome: PickupOutcome) -> None:
    """The answer to a wrong code, raised after the attempt was committed."""
    if outcome.attempts_left <= 0:
        raise TooManyRequests(
            "pickup_code_locked",
            "取件码错误次数过多，已锁定，请到站点出示证件由站长重新发码",
            "Too many wrong codes: locked. Ask the keeper to reissue the code",
        )
    raise Invalid(
        "pickup_code_wrong",
        f"取件码不正确，还可尝试 {outcome.attempts_left} 次",
        f"Wrong pickup code; {outcome.attempts_left} attempts left",
        attempts_left=outcome.attempts_left,
    )


def mark_picked_up(session: Session, parcel: Parcel, *, now: datetime) -> None:
    row = code_of(session, parcel)
    if row is not None:
        row.picked_up_at = now


def mark_returned(session: Session, parcel: Parcel, *, now: datetime) -> None:
    row = code_of(session, parcel)
    if row is not None and row.returned_at is None:
        row.returned_at = now


def due_for_reminder(session: Session, *, now: datetime) -> list[tuple[PickupCode, Parcel]]:
    rows = session.execute(
        select(PickupCode, Parcel)
        .join(Parcel, Parcel.id == PickupCode.parcel_id)
        .where(
            Parcel.status == "awaiting_pickup",
            PickupCode.free_until <= now,
            PickupCode.reminded_at.is_(None),
        )
        .order_by(PickupCode.id)
    )
    return list(rows)


def due_for_return(session: Session, *, now: datetime) -> list[tuple[PickupCode, Parcel]]:
    rows = session.execute(
        select(PickupCode, Parcel)
        .join(Parcel, Parcel.id == PickupCode.parcel_id)
        .where(Parcel.status == "awaiting_pickup", PickupCode.return_after <= now)
        .order_by(PickupCode.id)
    )
    return list(rows)


def reminder_text(parcel: Parcel, row: PickupCode, node: LogisticsNode) -> str:
    return (
        f"【山货】您的包裹 {parcel.tracking_number} 在「{node.name}」已超过免费保管期，"
        f"请于 {format_local(row.return_after, '%m-%d')} 前取件，逾期退回寄件人。"
    )
