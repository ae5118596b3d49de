"""Issuing and revoking sign-in tokens (page sessions and API bearer tokens)."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from sqlalchemy import update
from sqlalchemy.orm import Session

from shanhuo.kit.ids import hash_token, new_token
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import AuthToken, User

TokenKind = Literal["session", "api"]


def issue_token(session: Session, user: User, *, kind: TokenKind, days: int) -> str:
    """Create a token and return its clear text — the only time it exists unhashed."""
    token = new_token()
    now = utcnow()
    session.add(
        AuthToken(
            user_id=user.id,
            token_hash=hash_token(token),
            kind=kind,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    session.flush()
    return token


def revoke_token(session: Session, token: str) -> None:
    session.execute(
        update(AuthToken)
        .where(AuthToken.token_hash == hash_token(token), AuthToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
