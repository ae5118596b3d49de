"""JSON API routes for accounts (thin: parse, one service call, commit, respond).

Also mounts the regions write routes behind ``require_role("admin")``: regions sits below
accounts and cannot resolve who is signed in itself.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from shanhuo.accounts import service
from shanhuo.accounts.deps import SESSION_COOKIE, CurrentUser, require_role
from shanhuo.accounts.schemas import (
    OtpRequest,
    OtpSent,
    RoleGrant,
    RolesRead,
    TokenRead,
    TokenRequest,
    UserRead,
    UserUpdate,
)
from shanhuo.accounts.sms import SmsSender
from shanhuo.kit.deps import AppSettings, ClientAddress, Db
from shanhuo.kit.errors import ShanhuoError, TooManyRequests
from shanhuo.kit.masking import mask_mobile
from shanhuo.models import User
from shanhuo.regions import api as regions_api

PROBLEM_JSON = "application/problem+json"

router = APIRouter(tags=["accounts"])
router.include_router(regions_api.admin_router, dependencies=[require_role("admin")])


def get_sms(request: Request) -> SmsSender:
    sms: SmsSender = request.app.state.sms
    return sms


Sms = Annotated[SmsSender, Depends(get_sms)]


def rate_limited_response(request: Request, exc: TooManyRequests) -> JSONResponse:
    """problem+json with a ``Retry-After`` header (the shared handler cannot add headers)."""
    return JSONResponse(
        exc.to_problem(request.url.path),
        status_code=exc.status,
        media_type=PROBLEM_JSON,
        headers={"Retry-After": str(exc.extra.get("retry_after", 60))},
    )


def user_read(db: Session, user: User) -> UserRead:
    return UserRead(
        id=user.id,
        mobile=user.mobile,
        display_name=user.display_name,
        roles=service.roles_of(db, user),
        created_at=user.created_at,
        last_sign_in_at=user.last_sign_in_at,
    )


@router.post("/api/auth/otp", response_model=OtpSent, status_code=202)
def request_otp(
    body: OtpRequest,
    request: Request,
    db: Db,
    settings: AppSettings,
    address: ClientAddress,
    sms: Sms,
) -> OtpSent | Response:
    """Send a sign-in code by SMS. 429 ``otp_rate_limited`` with ``Retry-After`` when asked
    too often."""
    try:
        sent = service.request_code(
            db, mobile=body.mobile, address=address, settings=settings, sms=sms
        )
    except TooManyRequests as exc:
        return rate_limited_response(request, exc)
    db.commit()
    sent.deliver()
    return OtpSent(
        mobile_masked=mask_mobile(sent.mobile),
        expires_at=sent.expires_at,
        resend_after_seconds=settings.otp_min_interval_seconds,
    )


@router.post("/api/auth/token", response_model=TokenRead)
def issue_token(body: TokenRequest, db: Db, settings: AppSettings) -> TokenRead:
    """Exchange a mobile number and its code for an API bearer token (signs up on first use)."""
    try:
        user = service.verify_code(db, mobile=body.mobile, code=body.code, settings=settings)
    except ShanhuoError:
        db.commit()  # keep the wrong-attempt count: it is what stops guessing
        raise
    token = service.sign_in(db, user, kind="api", settings=settings)
    result = TokenRead(
        token=token, expires_in_days=settings.api_token_days, user=user_read(db, user)
    )
    db.commit()
    return result


@router.post("/api/auth/logout", status_code=204)
def logout(request: Request, user: CurrentUser, db: Db) -> Response:
    """Revoke the token this request was made with (bearer token or session cookie)."""
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    token = token or request.cookies.get(SESSION_COOKIE)
    if token:
        service.sign_out(db, token)
    db.commit()
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/api/me", response_model=UserRead)
def me(user: CurrentUser, db: Db) -> UserRead:
    return user_read(db, user)


@router.patch("/api/me", response_model=UserRead)
def update_me(body: UserUpdate, user: CurrentUser, db: Db) -> UserRead:
    service.update_profile(db, user, display_name=body.display_name)
    result = user_read(db, user)
    db.commit()
    return result


@router.post("/api/users/{user_id}/roles", response_model=RolesRead)
def grant_role(
    user_id: int,
    body: RoleGrant,
    db: Db,
    admin: Annotated[User, require_role("admin")],
) -> RolesRead:
    """Give a role to a person (administrators only). Idempotent: ``granted`` is false when
    they already held it."""
    granted = service.grant_role(db, by=admin, user_id=user_id, role=body.role)
    roles = service.roles_of(db, service.get_user(db, user_id))
    db.commit()
    return RolesRead(user_id=user_id, roles=roles, granted=granted)
