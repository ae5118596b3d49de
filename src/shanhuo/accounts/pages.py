"""HTML pages for accounts: each handler builds a context dict and renders a template.

Sign-in is two steps, each a form that POSTs and answers 303: the number (a code is sent, the
number is kept in a short-lived HttpOnly cookie so it never sits in a URL or a log line), then
the code (a session cookie is set). ``next`` is honoured only for a local path.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from shanhuo.accounts import rules, service
from shanhuo.accounts.api import Sms
from shanhuo.accounts.deps import SESSION_COOKIE, CurrentUser, OptionalUser
from shanhuo.accounts.roles import ROLE_NAMES
from shanhuo.config import Settings
from shanhuo.kit.deps import AppSettings, ClientAddress, Db
from shanhuo.kit.errors import ShanhuoError
from shanhuo.kit.masking import mask_mobile
from shanhuo.models import User
from shanhuo.web.render import redirect, render

router = APIRouter(include_in_schema=False)

SIGNIN_MOBILE_COOKIE = "shanhuo_signin_mobile"


def _signin_url(next_path: str, **params: str) -> str:
    query = {k: v for k, v in params.items() if v}
    if next_path != "/":
        query["next"] = next_path
    return "/signin" + (f"?{urlencode(query)}" if query else "")


def _set_cookie(
    response: Response, settings: Settings, name: str, value: str, max_age: int
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.env == "production",
    )


def signin_context(
    *,
    settings: Settings,
    next_path: str,
    step: str,
    mobile: str | None,
    error: ShanhuoError | None = None,
    typed_mobile: str = "",
) -> dict[str, Any]:
    on_code_step = step == "code" and mobile is not None
    return {
        "step": "code" if on_code_step else "mobile",
        "next": next_path,
        "mobile": mobile if on_code_step else None,
        "mobile_masked": mask_mobile(mobile) if on_code_step and mobile else "",
        "typed_mobile": typed_mobile,
        "error": error,
        "dev_hint": settings.env == "development",
        "ttl_minutes": max(1, settings.otp_ttl_seconds // 60),
    }


@router.get("/signin")
def signin_page(
    request: Request,
    user: OptionalUser,
    settings: AppSettings,
    step: str = "mobile",
    next: str = "/",
) -> Response:
    next_path = rules.safe_next(next)
    if user is not None:
        return redirect(next_path)
    mobile = request.cookies.get(SIGNIN_MOBILE_COOKIE)
    if mobile is not None and not rules.is_valid_mobile(mobile):
        mobile = None
    ctx = signin_context(settings=settings, next_path=next_path, step=step, mobile=mobile)
    return render(request, "accounts/signin.html", ctx)


@router.post("/signin/code")
def send_code(
    request: Request,
    db: Db,
    settings: AppSettings,
    address: ClientAddress,
    sms: Sms,
    mobile: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    next_path = rules.safe_next(next)
    mobile = mobile.strip()
    try:
        sent = service.request_code(db, mobile=mobile, address=address, settings=settings, sms=sms)
    except ShanhuoError as exc:
        ctx = signin_context(
            settings=settings,
            next_path=next_path,
            step="mobile",
            mobile=None,
            error=exc,
            typed_mobile=mobile if rules.is_valid_mobile(mobile) else "",
        )
        return render(request, "accounts/signin.html", ctx, status_code=exc.status)
    db.commit()
    sent.deliver()
    response = redirect(_signin_url(next_path, step="code"))
    _set_cookie(response, settings, SIGNIN_MOBILE_COOKIE, sent.mobile, settings.otp_ttl_seconds)
    return response


@router.post("/signin")
def verify(
    request: Request,
    db: Db,
    settings: AppSettings,
    code: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    next_path = rules.safe_next(next)
    mobile = request.cookies.get(SIGNIN_MOBILE_COOKIE, "")
    if not rules.is_valid_mobile(mobile):
        return redirect(_signin_url(next_path))
    try:
        if not rules.is_well_formed_code(code.strip()):
            raise service.malformed_code_error()
        user = service.verify_code(db, mobile=mobile, code=code, settings=settings)
    except ShanhuoError as exc:
        db.commit()  # keep the wrong-attempt count: it is what stops guessing
        ctx = signin_context(
            settings=settings, next_path=next_path, step="code", mobile=mobile, error=exc
        )
        return render(request, "accounts/signin.html", ctx, status_code=exc.status)
    token = service.sign_in(db, user, kind="session", settings=settings)
    db.commit()
    response = redirect(next_path)
    _set_cookie(response, settings, SESSION_COOKIE, token, settings.session_days * 24 * 3600)
    response.delete_cookie(SIGNIN_MOBILE_COOKIE, path="/")
    return response


@router.post("/signout")
def signout(request: Request, db: Db) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        service.sign_out(db, token)
        db.commit()
    response = redirect("/")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def me_context(db: Session, user: User, *, saved: bool = False) -> dict[str, Any]:
    held = service.roles_of(db, user)
    return {
        "user": user,
        "mobile_masked": mask_mobile(user.mobile),
        "roles": [(role, *ROLE_NAMES[role]) for role in held],
        "saved": saved,
        "error": None,
    }


@router.get("/me")
def me_page(request: Request, user: CurrentUser, db: Db, saved: bool = False) -> Response:
    return render(request, "accounts/me.html", me_context(db, user, saved=saved))


@router.post("/me")
def update_me(
    request: Request,
    user: CurrentUser,
    db: Db,
    display_name: Annotated[str, Form()] = "",
) -> Response:
    try:
        service.update_profile(db, user, display_name=display_name)
    except ShanhuoError as exc:
        ctx = me_context(db, user)
        ctx["error"] = exc
        return render(request, "accounts/me.html", ctx, status_code=exc.status)
    db.commit()
    return redirect("/me?saved=1")
