"""Accounts JSON API (both databases)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shanhuo.accounts.roles import roles_of
from shanhuo.kit.timeutil import utcnow
from shanhuo.models import AuthToken, OneTimeCode, User
from tests.helpers.accounts import (
    auth_headers,
    console_sms,
    create_user,
    next_mobile,
    request_code,
    sign_in_by_code,
)


def count(db: Session, model: type, *where: object) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_request_a_code(client: TestClient, app: FastAPI, db: Session) -> None:
    mobile = next_mobile()
    response = client.post("/api/auth/otp", json={"mobile": mobile})
    assert response.status_code == 202
    body = response.json()
    assert body["mobile_masked"] == mobile[:3] + "****" + mobile[-4:]
    assert body["resend_after_seconds"] == 60
    assert "code" not in body
    assert count(db, OneTimeCode, OneTimeCode.mobile == mobile) == 1
    assert console_sms(app).latest_code(mobile) is not None


def test_request_a_code_for_an_invalid_mobile_is_422(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    response = client.post("/api/auth/otp", json={"mobile": "12345"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert response.json()["errors"][0]["field"] == "mobile"
    assert count(db, OneTimeCode) == 0
    assert console_sms(app).outbox == []


def test_request_a_code_with_malformed_json_is_400(client: TestClient, db: Session) -> None:
    response = client.post(
        "/api/auth/otp", content=b'{"mobile": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
    assert count(db, OneTimeCode) == 0


def test_asking_again_too_soon_is_429_with_retry_after(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    mobile = next_mobile()
    request_code(client, app, mobile)
    response = client.post("/api/auth/otp", json={"mobile": mobile})
    assert response.status_code == 429
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "otp_rate_limited"
    assert 55 <= body["retry_after"] <= 60
    assert response.headers["retry-after"] == str(body["retry_after"])
    assert count(db, OneTimeCode, OneTimeCode.mobile == mobile) == 1
    assert len(console_sms(app).outbox) == 1


def test_sign_in_by_code_gives_a_bearer_token(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    mobile = next_mobile()
    body = sign_in_by_code(client, app, mobile)
    assert body["token_type"] == "bearer"
    assert body["user"]["mobile"] == mobile
    assert body["user"]["roles"] == ["buyer"]
    me = client.get("/api/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.json()["id"] == body["user"]["id"]
    assert (
        count(db, AuthToken, AuthToken.user_id == body["user"]["id"], AuthToken.kind == "api") == 1
    )


def test_a_wrong_code_is_401_and_the_attempt_is_kept(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    mobile = next_mobile()
    code = request_code(client, app, mobile)
    response = client.post("/api/auth/token", json={"mobile": mobile, "code": wrong(code)})
    assert response.status_code == 401
    assert response.json()["code"] == "otp_invalid"
    assert response.json()["attempts_left"] == 4
    assert count(db, User, User.mobile == mobile) == 0
    assert count(db, AuthToken) == 0
    row = db.scalars(select(OneTimeCode).where(OneTimeCode.mobile == mobile)).one()
    assert (row.attempts, row.consumed_at) == (1, None)


def test_after_five_wrong_codes_the_right_one_is_refused(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    mobile = next_mobile()
    code = request_code(client, app, mobile)
    for _ in range(5):
        client.post("/api/auth/token", json={"mobile": mobile, "code": wrong(code)})
    response = client.post("/api/auth/token", json={"mobile": mobile, "code": code})
    assert response.status_code == 401
    assert response.json()["code"] == "otp_attempts_exhausted"
    assert count(db, User, User.mobile == mobile) == 0


def test_an_expired_code_is_401(client: TestClient, app: FastAPI, db: Session) -> None:
    mobile = next_mobile()
    code = request_code(client, app, mobile)
    db.execute(
        update(OneTimeCode)
        .where(OneTimeCode.mobile == mobile)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.commit()
    response = client.post("/api/auth/token", json={"mobile": mobile, "code": code})
    assert response.status_code == 401
    assert response.json()["code"] == "otp_expired"
    assert count(db, User, User.mobile == mobile) == 0
    assert count(db, AuthToken) == 0


def test_a_malformed_code_is_422(client: TestClient, app: FastAPI, db: Session) -> None:
    mobile = next_mobile()
    request_code(client, app, mobile)
    response = client.post("/api/auth/token", json={"mobile": mobile, "code": "12ab"})
    assert response.status_code == 422
    row = db.scalars(select(OneTimeCode).where(OneTimeCode.mobile == mobile)).one()
    assert row.attempts == 0


def test_logout_revokes_the_token(client: TestClient, app: FastAPI, db: Session) -> None:
    token = sign_in_by_code(client, app, next_mobile())["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/me", headers=headers).status_code == 401


def test_logout_anonymous_is_401(client: TestClient) -> None:
    assert client.post("/api/auth/logout").status_code == 401


def test_me_anonymous_is_401(client: TestClient) -> None:
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_signed_in"


def test_update_my_display_name(client: TestClient, db: Session) -> None:
    user = create_user(db)
    response = client.patch(
        "/api/me", json={"display_name": "秦岭果农"}, headers=auth_headers(db, user)
    )
    assert response.status_code == 200
    assert response.json()["display_name"] == "秦岭果农"
    db.refresh(user)
    assert user.display_name == "秦岭果农"


def test_update_my_display_name_too_long_is_422(client: TestClient, db: Session) -> None:
    user = create_user(db, name="老王")
    response = client.patch(
        "/api/me", json={"display_name": "长" * 41}, headers=auth_headers(db, user)
    )
    assert response.status_code == 422
    db.refresh(user)
    assert user.display_name == "老王"


def test_update_me_anonymous_is_401(client: TestClient) -> None:
    assert client.patch("/api/me", json={"display_name": "x"}).status_code == 401


def test_grant_role_anonymous_is_401(client: TestClient, db: Session) -> None:
    farmer = create_user(db)
    response = client.post(f"/api/users/{farmer.id}/roles", json={"role": "seller"})
    assert response.status_code == 401
    assert roles_of(db, farmer.id) == {"buyer"}


def test_grant_role_by_a_non_admin_is_403(client: TestClient, db: Session) -> None:
    farmer = create_user(db, roles=("buyer", "seller"))
    response = client.post(
        f"/api/users/{farmer.id}/roles", json={"role": "admin"}, headers=auth_headers(db, farmer)
    )
    assert response.status_code == 403
    assert response.json()["code"] == "role_required"
    assert roles_of(db, farmer.id) == {"buyer", "seller"}


def test_grant_role_by_an_admin(client: TestClient, db: Session) -> None:
    admin = create_user(db, roles=("admin",))
    farmer = create_user(db)
    headers = auth_headers(db, admin)
    response = client.post(
        f"/api/users/{farmer.id}/roles", json={"role": "seller"}, headers=headers
    )
    assert response.status_code == 200
    assert response.json() == {"user_id": farmer.id, "roles": ["buyer", "seller"], "granted": True}
    again = client.post(f"/api/users/{farmer.id}/roles", json={"role": "seller"}, headers=headers)
    assert again.json()["granted"] is False
    assert roles_of(db, farmer.id) == {"buyer", "seller"}


def test_grant_an_unknown_role_is_422(client: TestClient, db: Session) -> None:
    admin = create_user(db, roles=("admin",))
    response = client.post(
        f"/api/users/{admin.id}/roles", json={"role": "king"}, headers=auth_headers(db, admin)
    )
    assert response.status_code == 422
    assert roles_of(db, admin.id) == {"admin"}


def test_grant_a_role_to_nobody_is_404(client: TestClient, db: Session) -> None:
    admin = create_user(db, roles=("admin",))
    response = client.post(
        f"/api/users/{admin.id + 10_000}/roles",
        json={"role": "seller"},
        headers=auth_headers(db, admin),
    )
    assert response.status_code == 404
    assert response.json()["code"] == "user_not_found"


def test_token_with_malformed_json_is_400(client: TestClient, app: FastAPI, db: Session) -> None:
    mobile = next_mobile()
    request_code(client, app, mobile)
    response = client.post(
        "/api/auth/token",
        content=b'{"mobile": "' + mobile.encode() + b'", "code": ',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
    assert count(db, User, User.mobile == mobile) == 0
    row = db.scalars(select(OneTimeCode).where(OneTimeCode.mobile == mobile)).one()
    assert (row.attempts, row.consumed_at) == (0, None)


def test_a_whole_sign_in_logs_no_unmasked_number(
    client: TestClient, app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    mobile = next_mobile()
    code = request_code(client, app, mobile)
    client.post("/api/auth/otp", json={"mobile": mobile})  # rate limited: logged too
    client.post("/api/auth/token", json={"mobile": mobile, "code": wrong(code)})
    sign_in = client.post("/api/auth/token", json={"mobile": mobile, "code": code})
    assert sign_in.status_code == 200
    assert mobile[:3] + "****" + mobile[-4:] in caplog.text
    assert mobile not in caplog.text
