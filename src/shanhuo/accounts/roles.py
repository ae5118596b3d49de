"""Roles a person holds. Granting is idempotent (the primary key is user + role)."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from shanhuo.kit.timeutil import utcnow
from shanhuo.models import UserRole

Role = Literal["buyer", "seller", "anchor", "courier", "analyst", "admin"]
ROLES: tuple[Role, ...] = ("buyer", "seller", "anchor", "courier", "analyst", "admin")
ROLE_NAMES = {
    "buyer": ("买家", "Buyer"),
    "seller": ("卖家", "Seller"),
    "anchor": ("主播", "Anchor"),
    "courier": ("站点/快递员", "Station keeper / courier"),
    "analyst": ("分析师", "Analyst"),
    "admin": ("管理员", "Administrator"),
}


def roles_of(session: Session, user_id: int) -> set[str]:
    return set(session.scalars(select(UserRole.role).where(UserRole.user_id == user_id)))


def has_role(session: Session, user_id: int, role: Role) -> bool:
    return role in roles_of(session, user_id)


def grant_role(session: Session, user_id: int, role: Role) -> bool:
    """Give ``role`` to the user; returns False when they already had it."""
    if session.get(UserRole, (user_id, role)) is not None:
        return False
    session.add(UserRole(user_id=user_id, role=role, granted_at=utcnow()))
    session.flush()
    return True
