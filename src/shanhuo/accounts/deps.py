"""Who is asking: a page session cookie or an API bearer token, resolved to a user.

Routes declare what they need with ``CurrentUser`` (401 when signed out) or ``OptionalUser``.
Role checks use ``require_role``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select

from shanhuo.kit.db import read_only_session
from shanhuo.kit.deps import Db
from shanhuo.kit.errors import Forbidden, Unauthorized
from shanhuo.kit.ids import hash_token
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import AuthToken, User, UserRole

SESSION_COOKIE = "shanhuo_session"


def _presented_token(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip(), "api"
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return cookie, "session"
    return None


def resolved_user(request: Request) -> User | None:
    """Resolve the presented token in its own short read-only session.

    Not in the request's session: on SQLite every request transaction takes the write lock
    (BEGIN IMMEDIATE), and FastAPI runs this dependency and the route in different threadpool
    slots. Holding the lock here while waiting for a slot for the route deadlocks under load
    (seen in the live-room burst benchmark). A deferred read takes no lock at all."""
    presented = _presented_token(request)
    request.state.user = None
    request.state.roles = set()
    if presented is None:
        return None
    token, kind = presented
    with read_only_session(request.app.state.session_factory) as session:
        user = session.execute(
            select(User)
            .join(AuthToken, AuthToken.user_id == User.id)
            .where(
                AuthToken.token_hash == hash_token(token),
                AuthToken.kind == kind,
                AuthToken.revoked_at.is_(None),
                AuthToken.expires_at > utcnow(),
            )
        ).scalar_one_or_none()
        if user is not None:
            request.state.roles = set(
                session.scalars(select(UserRole.role).where(UserRole.user_id == user.id))
            )
            session.expunge(user)
    request.state.user = user
    return user


def optional_user(db: Db, user: Annotated[User | None, Depends(resolved_user)]) -> User | None:
    """The signed-in user attached to the request's session, without a query (``load=False``
    copies the state just read), so routes can change and flush it like any loaded row."""
    return db.merge(user, load=False) if user is not None else None


def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise Unauthorized()
    return user


def user_roles(request: Request, user: Annotated[User, Depends(current_user)]) -> set[str]:
    return set(getattr(request.state, "roles", set()))


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]
Roles = Annotated[set[str], Depends(user_roles)]


def require_role(*allowed: str):  # type: ignore[no-untyped-def]
    """Dependency factory: the signed-in user must hold one of ``allowed`` roles."""

    def check(user: CurrentUser, roles: Roles) -> User:
        if not roles.intersection(allowed):
            raise Forbidden(
                "role_required",
                f"需要以下角色之一：{'、'.join(allowed)}",
                f"One of these roles is required: {', '.join(allowed)}",
            )
        return user

    return Depends(check)
