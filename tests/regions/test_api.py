"""Regions JSON API (both databases)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from shanhuo.models import Region
from tests.helpers.accounts import auth_headers, create_user
from tests.helpers.regions import region_count


def test_provinces_with_macro_regions(client: TestClient) -> None:
    response = client.get("/api/regions/provinces")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 31
    shaanxi = next(p for p in body["items"] if p["code"] == "610000")
    assert shaanxi["name"] == "陕西省"
    assert shaanxi["macro_region"] == {"key": "west", "name_zh": "西部", "name_en": "West"}
    assert shaanxi["east_or_rest"]["key"] == "central_west_northeast"
    keys = [p["macro_region"]["key"] for p in body["items"]]
    assert {k: keys.count(k) for k in set(keys)} == {
        "east": 10,
        "central": 6,
        "west": 12,
        "northeast": 3,
    }


def test_get_region_with_ancestors(client: TestClient) -> None:
    response = client.get("/api/regions/610115")
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["level"], body["parent_code"]) == ("临潼区", "county", "610100")
    assert [a["code"] for a in body["ancestors"]] == ["610000", "610100"]
    assert body["macro_region"]["key"] == "west"


def test_unknown_region_is_404_problem(client: TestClient) -> None:
    response = client.get("/api/regions/610199")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "region_not_found"


def test_malformed_region_code_is_422(client: TestClient) -> None:
    response = client.get("/api/regions/61x115")
    assert response.status_code == 422
    assert response.json()["code"] == "region_code_malformed"


def test_children(client: TestClient) -> None:
    response = client.get("/api/regions/110000/children")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 16
    assert body["items"][0] == {
        "code": "110101",
        "name": "东城区",
        "level": "county",
        "parent_code": "110000",
        "province_code": "11",
        "households": None,
    }


def test_search(client: TestClient) -> None:
    response = client.get("/api/regions", params={"q": "临潼", "level": "county"})
    assert response.status_code == 200
    assert [r["code"] for r in response.json()["items"]] == ["610115"]


def test_search_needs_a_query(client: TestClient) -> None:
    response = client.get("/api/regions")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"


def test_search_with_an_unknown_level_is_422(client: TestClient) -> None:
    response = client.get("/api/regions", params={"q": "西安", "level": "hamlet"})
    assert response.status_code == 422


NEW_TOWNSHIP = {"code": "610115901", "name": "猕猴桃镇", "level": "township"}


def test_create_region_anonymous_is_401(client: TestClient, db: Session) -> None:
    before = region_count(db)
    response = client.post("/api/regions", json=NEW_TOWNSHIP)
    assert response.status_code == 401
    assert response.json()["code"] == "not_signed_in"
    assert region_count(db) == before


def test_create_region_by_a_non_admin_is_403(client: TestClient, db: Session) -> None:
    seller = create_user(db, roles=("buyer", "seller"))
    headers = auth_headers(db, seller)
    before = region_count(db)
    response = client.post("/api/regions", json=NEW_TOWNSHIP, headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "role_required"
    assert region_count(db) == before


def test_create_region_by_an_admin_is_201(client: TestClient, db: Session) -> None:
    admin = create_user(db, roles=("admin",))
    response = client.post("/api/regions", json=NEW_TOWNSHIP, headers=auth_headers(db, admin))
    assert response.status_code == 201
    assert response.json() == {
        "code": "610115901",
        "name": "猕猴桃镇",
        "level": "township",
        "parent_code": "610115",
        "province_code": "61",
        "households": None,
    }
    stored = db.get(Region, "610115901")
    assert stored is not None and stored.source == "operator"


def test_create_region_twice_is_409(client: TestClient, db: Session) -> None:
    headers = auth_headers(db, create_user(db, roles=("admin",)))
    assert client.post("/api/regions", json=NEW_TOWNSHIP, headers=headers).status_code == 201
    before = region_count(db)
    response = client.post("/api/regions", json={**NEW_TOWNSHIP, "name": "别的镇"}, headers=headers)
    assert response.status_code == 409
    assert response.json()["code"] == "region_exists"
    assert region_count(db) == before
    assert db.get(Region, "610115901").name == "猕猴桃镇"  # type: ignore[union-attr]


def test_create_region_without_parent_is_422(client: TestClient, db: Session) -> None:
    headers = auth_headers(db, create_user(db, roles=("admin",)))
    before = region_count(db)
    response = client.post(
        "/api/regions",
        json={"code": "610115901201", "name": "某村", "level": "village"},
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["code"] == "region_parent_missing"
    assert region_count(db) == before


def test_create_region_of_a_county_level_is_refused(client: TestClient, db: Session) -> None:
    headers = auth_headers(db, create_user(db, roles=("admin",)))
    before = region_count(db)
    response = client.post(
        "/api/regions", json={"code": "610199", "name": "新区", "level": "county"}, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert region_count(db) == before


def test_create_region_with_malformed_json_is_400(client: TestClient, db: Session) -> None:
    headers = auth_headers(db, create_user(db, roles=("admin",)))
    before = region_count(db)
    response = client.post(
        "/api/regions",
        content=b'{"code": "610115901",',
        headers={**headers, "content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
    assert region_count(db) == before
