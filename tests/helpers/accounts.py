"""Typed helpers for tests that need people: a user with roles, and their API headers."""

from __future__ import annotations

import itertools
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from shanhuo.accounts.sms import ConsoleSms
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


def console_sms(app: FastAPI) -> ConsoleSms:
    """The app's development SMS adapter, whose outbox holds the codes sent."""
    sms = app.state.sms
    assert isinstance(sms, ConsoleSms)
    return sms


def request_code(client: TestClient, app: FastAPI, mobile: str) -> str:
    """Ask for a sign-in code through the API and read it from the SMS outbox."""
    response = client.post("/api/auth/otp", json={"mobile": mobile})
    assert response.status_code == 202, response.text
    code = console_sms(app).latest_code(mobile)
    assert code is not None
    return code


def sign_in_by_code(client: TestClient, app: FastAPI, mobile: str) -> dict[str, Any]:
    """The whole API sign-in: request a code, exchange it; returns the ``{token, user}`` body."""
    code = request_code(client, app, mobile)
    response = client.post("/api/auth/token", json={"mobile": mobile, "code": code})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
