"""Pydantic shapes for the accounts API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from shanhuo.kit.types import Mobile

OtpCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{6}$")]


def _no_control_chars(value: str) -> str:
    if any(ord(ch) < 32 for ch in value):
        raise ValueError("control characters are not allowed")
    return value


DisplayName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=40),
    AfterValidator(_no_control_chars),
]
RoleName = Literal["buyer", "seller", "anchor", "courier", "analyst", "admin"]


class OtpRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mobile: Mobile


class OtpSent(BaseModel):
    mobile_masked: str
    expires_at: datetime
    resend_after_seconds: int


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mobile: Mobile
    code: OtpCode


class UserRead(BaseModel):
    """The signed-in person's own view (their number unmasked: it is theirs)."""

    id: int
    mobile: str
    display_name: str
    roles: list[str]
    created_at: datetime
    last_sign_in_at: datetime | None


class TokenRead(BaseModel):
    token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 — the OAuth token type, not a secret
    expires_in_days: int
    user: UserRead


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: DisplayName | None = None


class RoleGrant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: RoleName


class RolesRead(BaseModel):
    user_id: int
    roles: list[str]
    granted: bool
