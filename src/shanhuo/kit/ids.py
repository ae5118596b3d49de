"""Identifiers and secrets people see: order numbers, tokens, codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from shanhuo.kit.timeutil import to_shanghai


def new_token() -> str:
    """An opaque bearer/session token (URL-safe, 256 bits)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Tokens are stored hashed: a database leak must not hand out sessions."""
    return hashlib.sha256(token.encode()).hexdigest()


def numeric_code(digits: int = 6) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(digits))


def keyed_hash(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def order_number(order_id: int, created_at: datetime) -> str:
    """Human order number: local date + zero-padded id, e.g. 20260618000123."""
    return f"{to_shanghai(created_at):%Y%m%d}{order_id:06d}"
