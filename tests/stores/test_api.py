"""Stores JSON API: the authorization matrix of every write, bad input, what others see."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.models import EntrepreneurEvent, Store
from tests.helpers.accounts import auth_headers, create_user
from tests.helpers.stores import create_store

NEW_STORE = {
    "name": "武功猕猴桃合作社",
    "category_code": "fruit",
    "county_code": "610431",
    "address": "普集镇 12 号",
    "contact_mobile": "13800138000",
}


def _snapshot(db: Session, store_id: int) -> tuple[Any, ...]:
    db.expire_all()
    store = db.get(Store, store_id)
    assert store is not None
    return (store.name, store.status, store.description, store.county_code, store.closed_at)


def test_open_store_returns_profile_with_region_path(client: TestClient, db: Session) -> None:
    headers = auth_headers(db, create_user(db))
    response = client.post("/api/stores", json=NEW_STORE, headers=headers)
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "武功猕猴桃合作社"
    assert [r["name"] for r in body["region_path"]] == ["陕西省", "咸阳市", "武功县"]
    assert body["contact_mobile"] == "13800138000"
    assert db.scalar(select(func.count()).select_from(EntrepreneurEvent)) == 1


def test_open_store_anonymous_is_401_and_creates_nothing(client: TestClient, db: Session) -> None:
    response = client.post("/api/stores", json=NEW_STORE)
    assert response.status_code == 401
    assert db.scalar(select(func.count()).select_from(Store)) == 0


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"county_code": "61043"}, 422, "validation_failed"),
        ({"county_code": "abcdef"}, 422, "validation_failed"),
        ({"county_code": "999999"}, 422, "region_unknown"),
        ({"county_code": "610400"}, 422, "region_not_county"),
        ({"contact_mobile": "12345"}, 422, "validation_failed"),
        ({"name": ""}, 422, "validation_failed"),
        ({"name": "店" * 61}, 422, "validation_failed"),
        ({"category_code": "nope"}, 422, "category_unknown"),
        ({"owner_id": 1}, 422, "validation_failed"),
    ],
)
def test_open_store_bad_input_changes_nothing(
    client: TestClient, db: Session, change: dict[str, Any], status: int, code: str
) -> None:
    headers = auth_headers(db, create_user(db))
    response = client.post("/api/stores", json={**NEW_STORE, **change}, headers=headers)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert db.scalar(select(func.count()).select_from(Store)) == 0
    assert db.scalar(select(func.count()).select_from(EntrepreneurEvent)) == 0


def test_others_see_masked_contact(client: TestClient, db: Session) -> None:
    store = create_store(db, contact_mobile="13812341234")
    db.commit()
    body = client.get(f"/api/stores/{store.id}").json()
    assert body["contact_mobile_masked"] == "138****1234"
    assert "contact_mobile" not in body


def test_missing_store_is_404(client: TestClient) -> None:
    response = client.get("/api/stores/999999")
    assert response.status_code == 404
    assert response.json()["code"] == "store_not_found"


WRITES = [
    ("patch", "/api/stores/{id}", {"name": "改名"}),
    ("post", "/api/stores/{id}/close", None),
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_store_write_matrix(
    client: TestClient, db: Session, method: str, path: str, body: dict[str, Any] | None
) -> None:
    owner = create_user(db)
    store = create_store(db, owner=owner, name="原名")
    owner_headers = auth_headers(db, owner)
    other_headers = auth_headers(db, create_user(db, roles=("seller",)))
    url = path.format(id=store.id)
    before = _snapshot(db, store.id)

    anonymous = client.request(method, url, json=body)
    assert anonymous.status_code == 401
    assert _snapshot(db, store.id) == before

    other = client.request(method, url, json=body, headers=other_headers)
    assert other.status_code == 403
    assert other.json()["code"] == "store_not_owned"
    assert _snapshot(db, store.id) == before

    mine = client.request(method, url, json=body, headers=owner_headers)
    assert mine.status_code == 200
    assert _snapshot(db, store.id) != before


def test_reopen_matrix(client: TestClient, db: Session) -> None:
    owner = create_user(db)
    store = create_store(db, owner=owner)
    owner_headers = auth_headers(db, owner)
    assert client.post(f"/api/stores/{store.id}/close", headers=owner_headers).status_code == 200
    other_headers = auth_headers(db, create_user(db, roles=("seller",)))
    url = f"/api/stores/{store.id}/reopen"
    assert client.post(url).status_code == 401
    assert client.post(url, headers=other_headers).status_code == 403
    assert _snapshot(db, store.id)[1] == "closed"
    response = client.post(url, headers=owner_headers)
    assert response.status_code == 200
    assert response.json()["status"] == "open"
    again = client.post(url, headers=owner_headers)
    assert again.status_code == 409
    assert again.json()["code"] == "store_already_open"


def test_update_bad_region_changes_nothing(client: TestClient, db: Session) -> None:
    owner = create_user(db)
    store = create_store(db, owner=owner)
    headers = auth_headers(db, owner)
    before = _snapshot(db, store.id)
    response = client.patch(
        f"/api/stores/{store.id}", json={"county_code": "999999", "name": "新"}, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["code"] == "region_unknown"
    assert _snapshot(db, store.id) == before


def test_update_name_to_null_is_refused(client: TestClient, db: Session) -> None:
    owner = create_user(db)
    store = create_store(db, owner=owner, name="原名")
    response = client.patch(
        f"/api/stores/{store.id}", json={"name": None}, headers=auth_headers(db, owner)
    )
    assert response.status_code == 422
    assert _snapshot(db, store.id)[0] == "原名"


def test_my_stores_lists_only_mine(client: TestClient, db: Session) -> None:
    owner = create_user(db)
    mine = create_store(db, owner=owner, name="我的店")
    create_store(db, name="别人的店")
    response = client.get("/api/me/stores", headers=auth_headers(db, owner))
    assert response.status_code == 200
    assert [s["id"] for s in response.json()["items"]] == [mine.id]
    assert client.get("/api/me/stores").status_code == 401


def test_script_in_name_is_stored_as_text(client: TestClient, db: Session) -> None:
    headers = auth_headers(db, create_user(db))
    name = "<script>alert(1)</script>"
    response = client.post("/api/stores", json={**NEW_STORE, "name": name}, headers=headers)
    assert response.status_code == 201
    assert client.get(f"/api/stores/{response.json()['id']}").json()["name"] == name
