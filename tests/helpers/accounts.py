"""Typed helpers for tests that need people: a user with roles, and their API headers."""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from shanhuo.accounts.tokens import issue_token
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import User, UserRole

_mobiles = itertools.count(13900000001)


def next_mobile() -> str:
    return str(next(_mobiles))


def create_user(
    session: Session,
    *,
    mobile: str | None = None,
    roles: tuple[str, ...] = ("buyer",),
    name: str = "",
) -> User:
    now = utcnow()
    user = User(mobile=mobile or next_mobile(), display_name=name, created_at=now)
    session.add(user)
    session.flush()
    for role in roles:
        session.add(UserRole(user_id=user.id, role=role, granted_at=now))
    session.flush()
    return user


def auth_headers(session: Session, user: User) -> dict[str, str]:
    """Bearer-token headers for ``user`` (the token row is flushed into the test transaction)."""
    token = issue_token(session, user, kind="api", days=1)
    session.commit()
    return {"Authorization": f"Bearer {token}"}
