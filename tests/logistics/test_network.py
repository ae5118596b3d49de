"""The county network through the API: who may create nodes, coordinates inside China,
opening hours that end after they start, parents one level up, imported links."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shanhuo.logistics import network
from shanhuo.models import LogisticsLink, LogisticsNode
from tests.helpers.accounts import auth_headers, create_user
from tests.helpers.logistics import SETTINGS, build_county
from tests.helpers.orders import WUGONG, ensure_county


def _nodes(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(LogisticsNode)) or 0


HUB = {
    "kind": "hub",
    "name": "武功县物流中心",
    "county_code": WUGONG,
    "region_code": WUGONG,
    "lat": 34.26,
    "lon": 108.21,
}


def test_create_hub_authorization_matrix(db: Session, client: TestClient) -> None:
    ensure_county(db, WUGONG)
    db.commit()
    assert client.post("/api/logistics/nodes", json=HUB).status_code == 401
    courier = create_user(db, roles=("courier",))
    response = client.post("/api/logistics/nodes", json=HUB, headers=auth_headers(db, courier))
    assert response.status_code == 403 and response.json()["code"] == "admin_required"
    assert _nodes(db) == 0
    admin = create_user(db, roles=("admin",))
    created = client.post(
        "/api/logistics/nodes",
        json={**HUB, "opens_min": 420, "closes_min": 1200},
        headers=auth_headers(db, admin),
    )
    assert created.status_code == 201, created.text
    assert created.json()["opens_min"] == 420
    again = client.post(
        "/api/logistics/nodes", json={**HUB, "name": "另一个"}, headers=auth_headers(db, admin)
    )
    assert again.status_code == 409 and again.json()["code"] == "hub_exists"


def test_coordinates_outside_china_are_422_and_nothing_is_made(
    db: Session, client: TestClient
) -> None:
    ensure_county(db, WUGONG)
    admin = create_user(db, roles=("admin",))
    response = client.post(
        "/api/logistics/nodes",
        json={**HUB, "lat": 51.5, "lon": -0.12},
        headers=auth_headers(db, admin),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "coordinates_outside_china"
    assert _nodes(db) == 0


def test_time_window_ending_before_it_starts_is_422(db: Session, client: TestClient) -> None:
    ensure_county(db, WUGONG)
    admin = create_user(db, roles=("admin",))
    response = client.post(
        "/api/logistics/nodes",
        json={**HUB, "opens_min": 1080, "closes_min": 480},
        headers=auth_headers(db, admin),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "time_window_invalid"
    assert _nodes(db) == 0


def test_operator_adds_a_village_under_a_township(db: Session, client: TestClient) -> None:
    county = build_county(db, townships=1, villages_per_township=0)
    db.commit()
    body = {
        "kind": "village",
        "name": "新村",
        "county_code": WUGONG,
        "region_code": f"{WUGONG}100201",
        "parent_id": county.townships[0].id,
        "lat": 34.3,
        "lon": 108.2,
    }
    stranger = create_user(db, roles=("courier",))
    assert (
        client.post(
            "/api/logistics/nodes", json=body, headers=auth_headers(db, stranger)
        ).status_code
        == 403
    )
    wrong_parent = client.post(
        "/api/logistics/nodes",
        json={**body, "parent_id": county.hub.id},
        headers=auth_headers(db, county.operator),
    )
    assert wrong_parent.status_code == 422 and wrong_parent.json()["code"] == "parent_mismatch"
    before = _nodes(db)
    ok = client.post("/api/logistics/nodes", json=body, headers=auth_headers(db, county.operator))
    assert ok.status_code == 201
    assert _nodes(db) == before + 1


def test_keeper_updates_hours_but_not_backwards(db: Session, client: TestClient) -> None:
    county = build_county(db)
    db.commit()
    village = county.villages[0]
    url = f"/api/logistics/nodes/{village.id}"
    bad = client.patch(
        url, json={"opens_min": 600, "closes_min": 500}, headers=auth_headers(db, county.keeper)
    )
    assert bad.status_code == 422
    db.expire_all()
    assert (
        db.get(LogisticsNode, village.id).opens_min,
        db.get(LogisticsNode, village.id).closes_min,
    ) == (480, 1080)
    ok = client.patch(url, json={"closes_min": 1200}, headers=auth_headers(db, county.keeper))
    assert ok.status_code == 200 and ok.json()["closes_min"] == 1200


def test_imported_link_overrides_the_estimate(db: Session, client: TestClient) -> None:
    county = build_county(db)
    db.commit()
    a, b = county.hub, county.villages[0]
    estimate, _ = network.travel_matrix(db, [a, b], road_factor=1.4, speed_kmh=35)
    body = {
        "links": [
            {"from_node_id": a.id, "to_node_id": b.id, "distance_m": 12345, "duration_s": 1800}
        ]
    }
    url = f"/api/logistics/hubs/{a.id}/links"
    assert client.post(url, json=body, headers=auth_headers(db, county.keeper)).status_code == 403
    assert client.post(url, json=body, headers=auth_headers(db, county.operator)).status_code == 201
    distance, duration = network.travel_matrix(db, [a, b], road_factor=1.4, speed_kmh=35)
    assert distance[0][1] == 12345 and duration[0][1] == 1800
    assert distance[1][0] == estimate[1][0]  # the other direction still estimated
    assert db.scalar(select(func.count()).select_from(LogisticsLink)) == 1


def test_mountain_county_road_factor_lengthens_the_estimate(db: Session) -> None:
    county = build_county(db)
    a, b = county.hub, county.villages[0]
    assert network.road_factor_of(a, SETTINGS) == 1.4
    a.road_factor = 2.0
    plain, _ = network.travel_matrix(db, [a, b], road_factor=1.4, speed_kmh=35)
    steep, _ = network.travel_matrix(
        db, [a, b], road_factor=network.road_factor_of(a, SETTINGS), speed_kmh=35
    )
    assert steep[0][1] > plain[0][1]


def test_inbound_with_an_unknown_carrier_is_404_and_makes_nothing(
    db: Session, client: TestClient
) -> None:
    county = build_county(db)
    db.commit()
    body = {
        "carrier_code": "nosuch",
        "carrier_tracking_number": "NS0001",
        "destination_node_id": county.villages[0].id,
        "recipient_name": "张三",
        "recipient_mobile": "13812341234",
        "weight_g": 500,
    }
    url = f"/api/logistics/hubs/{county.hub.id}/inbound"
    assert client.post(url, json=body).status_code == 401
    assert client.post(url, json=body, headers=auth_headers(db, county.keeper)).status_code == 403
    response = client.post(url, json=body, headers=auth_headers(db, county.operator))
    assert response.status_code == 404 and response.json()["code"] == "carrier_not_found"
    assert response.json()["carrier_code"] == "nosuch"
    from shanhuo.models import Parcel

    assert db.scalar(select(func.count()).select_from(Parcel)) == 0
    ok = client.post(
        url, json={**body, "carrier_code": "zto"}, headers=auth_headers(db, county.operator)
    )
    assert ok.status_code == 201 and ok.json()["status"] == "at_node"
