"""Sign-in, sign-out and profile pages (both databases)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from shanhuo.accounts.deps import SESSION_COOKIE
from shanhuo.accounts.pages import SIGNIN_MOBILE_COOKIE, me_context, signin_context
from shanhuo.app import create_app
from shanhuo.config import Settings
from shanhuo.models import AuthToken, User
from tests.helpers.accounts import console_sms, create_user, next_mobile

HTML = {"accept": "text/html"}


def set_cookies(response: object) -> list[str]:
    return response.headers.get_list("set-cookie")  # type: ignore[attr-defined]


def send_code_by_form(client: TestClient, app: FastAPI, mobile: str, next: str = "/") -> str:
    response = client.post(
        "/signin/code", data={"mobile": mobile, "next": next}, headers=HTML, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    code = console_sms(app).latest_code(mobile)
    assert code is not None
    return code


def test_signin_page_asks_for_the_mobile(client: TestClient) -> None:
    response = client.get("/signin", headers=HTML)
    assert response.status_code == 200
    assert 'action="/signin/code"' in response.text
    assert 'name="mobile"' in response.text
    assert "服务器控制台" not in response.text  # env is "test", not development


def test_sending_a_code_keeps_the_number_out_of_the_url(client: TestClient, app: FastAPI) -> None:
    mobile = next_mobile()
    response = client.post(
        "/signin/code",
        data={"mobile": mobile, "next": "/orders"},
        headers=HTML,
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?step=code&next=%2Forders"
    assert mobile not in response.headers["location"]
    cookie = next(c for c in set_cookies(response) if c.startswith(SIGNIN_MOBILE_COOKIE))
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    page = client.get(response.headers["location"], headers=HTML)
    assert page.status_code == 200
    assert 'name="code"' in page.text
    assert mobile[:3] + "****" + mobile[-4:] in page.text
    assert console_sms(app).latest_code(mobile) not in page.text


def test_an_invalid_mobile_re_renders_the_form_with_an_error(
    client: TestClient, app: FastAPI
) -> None:
    response = client.post("/signin/code", data={"mobile": "1234"}, headers=HTML)
    assert response.status_code == 422
    assert 'data-error-code="mobile_invalid"' in response.text
    assert console_sms(app).outbox == []


def test_signing_in_sets_the_session_cookie_and_follows_a_local_next(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    mobile = next_mobile()
    code = send_code_by_form(client, app, mobile, next="/orders?page=2")
    response = client.post(
        "/signin",
        data={"code": code, "next": "/orders?page=2"},
        headers=HTML,
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/orders?page=2"
    session_cookie = next(c for c in set_cookies(response) if c.startswith(SESSION_COOKIE + "="))
    assert "HttpOnly" in session_cookie
    assert "samesite=lax" in session_cookie.lower()
    assert "Secure" not in session_cookie  # only in production
    assert db.scalar(select(func.count()).select_from(User).where(User.mobile == mobile)) == 1
    me = client.get("/me", headers=HTML)
    assert me.status_code == 200
    assert mobile[:3] + "****" + mobile[-4:] in me.text
    assert 'data-role="buyer"' in me.text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example"])
def test_next_never_leaves_the_site(client: TestClient, app: FastAPI, target: str) -> None:
    code = send_code_by_form(client, app, next_mobile(), next=target)
    response = client.post(
        "/signin", data={"code": code, "next": target}, headers=HTML, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_a_wrong_code_on_the_page_shows_an_error_and_signs_nobody_in(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    mobile = next_mobile()
    code = send_code_by_form(client, app, mobile)
    response = client.post(
        "/signin",
        data={"code": f"{(int(code) + 1) % 1_000_000:06d}"},
        headers=HTML,
        follow_redirects=False,
    )
    assert response.status_code == 401
    assert 'data-error-code="otp_invalid"' in response.text
    assert not any(c.startswith(SESSION_COOKIE + "=") for c in set_cookies(response))
    assert db.scalar(select(func.count()).select_from(User).where(User.mobile == mobile)) == 0


def test_signout_revokes_the_session(client: TestClient, app: FastAPI, db: Session) -> None:
    code = send_code_by_form(client, app, next_mobile())
    client.post("/signin", data={"code": code}, headers=HTML, follow_redirects=False)
    response = client.post("/signout", headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    db.expire_all()
    assert (
        db.scalar(select(func.count()).select_from(AuthToken).where(AuthToken.revoked_at.is_(None)))
        == 0
    )


def test_me_page_sends_a_stranger_to_sign_in(client: TestClient) -> None:
    response = client.get("/me", headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=%2Fme"


def test_changing_the_display_name_on_the_page(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    mobile = next_mobile()
    code = send_code_by_form(client, app, mobile)
    client.post("/signin", data={"code": code}, headers=HTML, follow_redirects=False)
    response = client.post(
        "/me", data={"display_name": "秦岭果农"}, headers=HTML, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/me?saved=1"
    user = db.scalars(select(User).where(User.mobile == mobile)).one()
    db.refresh(user)
    assert user.display_name == "秦岭果农"


def test_signin_context_without_a_pending_number_stays_on_the_mobile_step() -> None:
    ctx = signin_context(settings=Settings(env="test"), next_path="/x", step="code", mobile=None)
    assert ctx["step"] == "mobile"
    assert ctx["next"] == "/x"
    assert ctx["dev_hint"] is False


def test_me_context_lists_roles_in_order(db: Session) -> None:
    user = create_user(db, roles=("seller", "buyer"), name="老王")
    ctx = me_context(db, user)
    assert [r[0] for r in ctx["roles"]] == ["buyer", "seller"]
    assert ctx["roles"][1] == ("seller", "卖家", "Seller")


@pytest.fixture
def dev_client(
    engine: Engine, session_factory: sessionmaker[Session], tmp_path: object
) -> Iterator[tuple[TestClient, FastAPI]]:
    app = create_app(Settings(env="development", database_url="sqlite://"), engine=engine)
    app.state.session_factory = session_factory
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, app


def test_in_development_the_page_points_to_the_console_but_never_shows_the_code(
    dev_client: tuple[TestClient, FastAPI],
) -> None:
    client, app = dev_client
    mobile = next_mobile()
    code = send_code_by_form(client, app, mobile)
    page = client.get("/signin?step=code", headers=HTML)
    assert "服务器控制台" in page.text
    assert code not in page.text


def test_in_production_the_session_cookie_is_secure(
    engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    settings = Settings(
        env="production",
        database_url="sqlite://",
        secret_key="a-real-secret-for-this-test",  # type: ignore[arg-type]
        payment_sandbox_secret="another-real-secret",  # type: ignore[arg-type]
    )
    app = create_app(settings, engine=engine)
    app.state.session_factory = session_factory
    with TestClient(app, raise_server_exceptions=False) as client:
        mobile = next_mobile()
        code = send_code_by_form(client, app, mobile)
        client.cookies.set(SIGNIN_MOBILE_COOKIE, mobile)
        response = client.post("/signin", data={"code": code}, headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    session_cookie = next(c for c in set_cookies(response) if c.startswith(SESSION_COOKIE + "="))
    assert "Secure" in session_cookie
